/**
 * Locates the Alertmanager test fixtures (src/alertmanager/config/testdata) from both the
 * TypeScript sources and the compiled output, through the repository root (the nearest
 * ancestor directory holding package.json).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above the alertmanager tests');
    dir = up;
  }
}

/** Absolute path of a file under src/alertmanager/config/testdata. */
export function amTestdata(...parts: string[]): string {
  return join(repoRoot(), 'src', 'alertmanager', 'config', 'testdata', ...parts);
}
