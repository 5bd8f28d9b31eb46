/**
 * Locates this component's test fixtures from both the TypeScript sources and the compiled
 * output: fixtures stay in src/config/testdata, found from the repository root (the nearest
 * ancestor directory holding package.json).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

/** Absolute path of a file under src/config/testdata. */
export function testdata(...parts: string[]): string {
  return join(repoRoot(), 'src', 'config', 'testdata', ...parts);
}
