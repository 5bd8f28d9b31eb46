/**
 * The User-Agent discovery requests carry, `Watchfire/<version>`, where Prometheus sends
 * `Prometheus/<version>`. The version is the package's (the nearest package.json above this
 * file, under src/ with tsx as under dist/ when built).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
      return typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      dir = dirname(dir);
    }
  }
  return 'unknown';
}

export const DISCOVERY_USER_AGENT = `Watchfire/${packageVersion()}`;
