/**
 * A tiny benchmark harness for `*.bench.ts` files (run by `npm run bench`). Each case runs
 * for a fixed wall time after a warm-up and reports operations and units per second.
 * Benchmarks measure; tests assert. Inputs must come from fixed data or a seeded PRNG.
 */
import { performance } from 'node:perf_hooks';

export interface BenchResult {
  name: string;
  ops: number;
  seconds: number;
  opsPerSec: number;
  /** Units (samples, bytes, ...) per second, when the case reports units per op. */
  unitsPerSec: number;
  unit: string;
}

export function bench(name: string, fn: () => void, opts: { seconds?: number; unitsPerOp?: number; unit?: string } = {}): BenchResult {
  const seconds = opts.seconds ?? Number(process.env['BENCH_SECONDS'] ?? 2);
  const warmEnd = performance.now() + Math.min(500, seconds * 250);
  while (performance.now() < warmEnd) fn();
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    fn();
    ops++;
    now = performance.now();
  }
  const secs = (now - start) / 1000;
  const r: BenchResult = {
    name, ops, seconds: secs, opsPerSec: ops / secs,
    unitsPerSec: (ops * (opts.unitsPerOp ?? 1)) / secs, unit: opts.unit ?? 'ops',
  };
  console.log(`${name.padEnd(48)} ${fmt(r.opsPerSec)} ops/s  ${fmt(r.unitsPerSec)} ${r.unit}/s`);
  return r;
}

/**
 * `bench` for operations that return a promise (queries through the storage seams): each op
 * is awaited before the next starts, so the figure includes the promise round trip.
 */
export async function benchAsync(name: string, fn: () => Promise<void>, opts: { seconds?: number; unitsPerOp?: number; unit?: string } = {}): Promise<BenchResult> {
  const seconds = opts.seconds ?? Number(process.env['BENCH_SECONDS'] ?? 2);
  const warmEnd = performance.now() + Math.min(500, seconds * 250);
  while (performance.now() < warmEnd) await fn();
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    await fn();
    ops++;
    now = performance.now();
  }
  const secs = (now - start) / 1000;
  const r: BenchResult = {
    name, ops, seconds: secs, opsPerSec: ops / secs,
    unitsPerSec: (ops * (opts.unitsPerOp ?? 1)) / secs, unit: opts.unit ?? 'ops',
  };
  console.log(`${name.padEnd(48)} ${fmt(r.opsPerSec)} ops/s  ${fmt(r.unitsPerSec)} ${r.unit}/s`);
  return r;
}

function fmt(n: number): string {
  if (n >= 1e6) return (n / 1e6).toFixed(2) + 'M';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return n.toFixed(1);
}

/** Deterministic PRNG (mulberry32) for benchmark inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
