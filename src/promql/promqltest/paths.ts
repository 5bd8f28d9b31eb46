/**
 * Where the runner finds its inputs, from both the TypeScript sources (tsx) and the compiled
 * output (dist/): the repository root is the nearest ancestor directory holding package.json;
 * the shared reference material lives beside it in ../shared.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`finding the repository root: no package.json above ${from}`);
    dir = up;
  }
}

/** The directory of Prometheus's PromQL test scripts (`*.test`). */
export function testdataDir(): string {
  return join(repoRoot(), '..', 'shared', 'conformance', 'promql', 'testdata');
}

/** The known-failures list, kept in the source tree (also when running compiled). */
export function knownFailuresPath(): string {
  return join(repoRoot(), 'src', 'promql', 'promqltest', 'known-failures.json');
}
