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

export interface BenchOptions {
  /** Measured wall time (default: $BENCH_SECONDS or 2), after a warm-up of a quarter of it (at most 0.5 s). */
  seconds?: number;
  unitsPerOp?: number;
  unit?: string;
}

function measuredSeconds(opts: BenchOptions): number {
  return opts.seconds ?? Number(process.env['BENCH_SECONDS'] ?? 2);
}

function warmUpEnd(seconds: number): number {
  return performance.now() + Math.min(500, seconds * 250);
}

/** The result of `ops` operations between `start` and `now` (ms), printed as one line. */
function report(name: string, ops: number, start: number, now: number, opts: BenchOptions): BenchResult {
  const secs = (now - start) / 1000;
  const r: BenchResult = {
    name, ops, seconds: secs, opsPerSec: ops / secs,
    unitsPerSec: (ops * (opts.unitsPerOp ?? 1)) / secs, unit: opts.unit ?? 'ops',
  };
  console.log(`${name.padEnd(48)} ${fmt(r.opsPerSec)} ops/s  ${fmt(r.unitsPerSec)} ${r.unit}/s`);
  return r;
}

// The timing loops of `bench` and `benchAsync` stay separate: a shared loop would make the
// synchronous one await, or call through a wrapper, and so measure more than `fn`.
export function bench(name: string, fn: () => void, opts: BenchOptions = {}): BenchResult {
  const seconds = measuredSeconds(opts);
  const warmEnd = warmUpEnd(seconds);
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
  return report(name, ops, start, now, opts);
}

/**
 * `bench` for operations that return a promise (queries through the storage seams): each op
 * is awaited before the next starts, so the figure includes the promise round trip.
 */
export async function benchAsync(name: string, fn: () => Promise<void>, opts: BenchOptions = {}): Promise<BenchResult> {
  const seconds = measuredSeconds(opts);
  const warmEnd = warmUpEnd(seconds);
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
  return report(name, ops, start, now, opts);
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

/** The middle value of a non-empty list (the upper one of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
