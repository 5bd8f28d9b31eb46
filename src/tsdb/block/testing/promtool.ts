/**
 * Test support: running promtool's TSDB commands on single blocks and parsing what they
 * print. `promtool tsdb dump` opens a whole data directory (and 2.42 wants a `wal` in it),
 * so each block is dumped from a scratch copy.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export function runPromtool(path: string, args: readonly string[]): string {
  const r = spawnSync(path, args, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`promtool ${args.join(' ')} exited with ${r.status}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
  return r.stdout;
}

/** `promtool tsdb dump` of one block directory: `{labels} value timestamp` lines. */
export function dumpBlock(promtool: string, blockDir: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'wf-dump-'));
  try {
    cpSync(blockDir, join(scratch, basename(blockDir)), { recursive: true });
    mkdirSync(join(scratch, 'wal'));
    return runPromtool(promtool, ['tsdb', 'dump', scratch]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface AnalyzeSummary {
  series: number;
  labelNames: number;
  postings: number;
  postingEntries: number;
  text: string;
}

/** `promtool tsdb analyze <parent> <ulid>`, with its headline counts. */
export function analyzeBlock(promtool: string, parentDir: string, ulid: string): AnalyzeSummary {
  const text = runPromtool(promtool, ['tsdb', 'analyze', parentDir, ulid]);
  const num = (re: RegExp): number => {
    const m = re.exec(text);
    if (m === null) throw new Error(`analyze output lacks ${re.source}:\n${text.slice(0, 500)}`);
    return Number(m[1]);
  };
  return {
    series: num(/^Series: (\d+)$/m),
    labelNames: num(/^Label names: (\d+)$/m),
    postings: num(/^Postings \(unique label pairs\): (\d+)$/m),
    postingEntries: num(/^Postings entries \(total label pairs\): (\d+)$/m),
    text,
  };
}
