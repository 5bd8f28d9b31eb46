/** Build information, reported by `--version`, `/api/v1/status/buildinfo` and `prometheus_build_info`. */
import { PACKAGE_VERSION } from '../util/package-info.js';
import type { BuildInfo } from '../web/index.js';

export const VERSION = PACKAGE_VERSION;

export const BUILD_INFO: BuildInfo = {
  version: VERSION,
  revision: process.env['WATCHFIRE_REVISION'] ?? 'unknown',
  branch: process.env['WATCHFIRE_BRANCH'] ?? 'unknown',
  buildUser: 'unknown',
  buildDate: 'unknown',
  goVersion: `node${process.versions.node}`,
};

export function versionText(app: string): string {
  return `${app}, version ${BUILD_INFO.version} (branch: ${BUILD_INFO.branch}, revision: ${BUILD_INFO.revision})\n` +
    `  build user:       ${BUILD_INFO.buildUser}\n  build date:       ${BUILD_INFO.buildDate}\n` +
    `  node version:     ${process.version}\n  platform:         ${process.platform}/${process.arch}\n`;
}
