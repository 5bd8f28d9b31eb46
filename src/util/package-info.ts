/**
 * Where the package is and which version it is. The package root is the nearest ancestor of
 * this module holding a package.json: `src/` under tsx, `dist/` when compiled, `dist/bundle/`
 * in the bundled server, or an installed package's directory. Read once per process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null | undefined;

/** The package root directory; throws when no ancestor holds a package.json. */
export function packageRoot(): string {
  if (root === undefined) {
    root = null;
    for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
      if (existsSync(join(d, 'package.json'))) {
        root = d;
        break;
      }
      if (dirname(d) === d) break;
    }
  }
  if (root === null) throw new Error(`package root not found above ${fileURLToPath(import.meta.url)}`);
  return root;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The package's version from its package.json, `unknown` when it cannot be read. */
export const PACKAGE_VERSION = readVersion();
