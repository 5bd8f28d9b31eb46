/**
 * The User-Agent discovery requests carry, `Watchfire/<version>`, where Prometheus sends
 * `Prometheus/<version>`. The version is the package's (the nearest package.json above this
 * file, under src/ with tsx as under dist/ when built).
 */
import { PACKAGE_VERSION } from '../../util/package-info.js';

export const DISCOVERY_USER_AGENT = `Watchfire/${PACKAGE_VERSION}`;
