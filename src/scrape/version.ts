/** The scrape User-Agent, `Watchfire/<version>`, with the version from package.json. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageVersion(): string {
  // The package root is the nearest ancestor with a package.json (src/ under tsx, dist/ when built).
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

export const VERSION = packageVersion();
export const USER_AGENT = `Watchfire/${VERSION}`;
