/**
 * Locates test fixtures from both the TypeScript sources and the compiled output: fixtures
 * stay in src/promql/parser/testdata and the shared conformance data beside the repository,
 * both found from the repository root (the nearest ancestor directory holding package.json).
 */
import { existsSync, readFileSync } from 'node:fs';
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

/** Parsed JSON fixture from src/promql/parser/testdata; the caller states its shape. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(repoRoot(), 'src', 'promql', 'parser', 'testdata', name), 'utf8'));
}

/** Absolute path under the shared PromQL conformance data (../shared/conformance/promql). */
export function conformancePath(...parts: string[]): string {
  return join(repoRoot(), '..', 'shared', 'conformance', 'promql', ...parts);
}
