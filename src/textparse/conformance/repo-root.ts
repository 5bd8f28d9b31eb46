/**
 * Locates the repository root (the nearest ancestor directory holding a package.json) from
 * this file, so that shared reference data (`<root>/../shared/...`) is found the same way
 * from src/ under tsx and from the compiled dist/.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

/** `<repo root>/../shared/conformance/exposition`. */
export function expositionDataDir(): string {
  return join(repoRoot(), '..', 'shared', 'conformance', 'exposition');
}
