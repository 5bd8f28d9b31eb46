/** Test helpers of the head tests: temporary data directories and reading a head back into plain values. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, type Millis } from '../../model/index.js';
import { ValueType, type Queryable, type SampleIterator } from '../../storage/interface.js';

export async function tempDir(prefix = 'watchfire-head-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export const ms = (n: number): Millis => n as Millis;
export const L = (...nv: string[]): Labels => Labels.fromStrings(...nv);
export const ALL = [new Matcher('=~', '__name__', '.+')];

/** A sample read back: the value, or 'stale', or the histogram's JSON. */
export type Value = number | string;

/** Every series and sample of a queryable, keyed by the labels' text; values of stale markers are 'stale'. */
export async function dump(q: Queryable, mint = -1e15, maxt = 1e15, matchers = ALL): Promise<Map<string, [number, Value][]>> {
  const querier = await q.querier(ms(mint), ms(maxt));
  const out = new Map<string, [number, Value][]>();
  try {
    const set = await querier.select(true, null, matchers);
    let it: SampleIterator | null = null;
    while (set.next()) {
      const s = set.at();
      it = s.iterator(it);
      const samples: [number, Value][] = [];
      for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
        if (vt === ValueType.Float) samples.push([it.atT(), it.atStale() ? 'stale' : it.atF()]);
        else if (vt === ValueType.Histogram) samples.push([it.atT(), it.atStale() ? 'stale' : JSON.stringify(it.atHistogram())]);
        else samples.push([it.atT(), it.atStale() ? 'stale' : JSON.stringify(it.atFloatHistogram())]);
      }
      const err = it.err();
      if (err !== null) throw err;
      out.set(s.labels.toString(), samples);
    }
    const err = set.err();
    if (err !== null) throw err;
  } finally {
    await querier.close();
  }
  return out;
}

/** A deterministic PRNG (xorshift32) for seeded tests. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}
