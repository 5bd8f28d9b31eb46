/** The scrape User-Agent, `Watchfire/<version>`, with the version from package.json. */
import { PACKAGE_VERSION } from '../util/package-info.js';

export const VERSION = PACKAGE_VERSION;
export const USER_AGENT = `Watchfire/${VERSION}`;
