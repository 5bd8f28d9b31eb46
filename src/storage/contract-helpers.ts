/**
 * Helpers of the storage contract suite: reading a select result into plain values that
 * `assert.deepEqual` can compare. Only the contract suite uses them.
 */
import assert from 'node:assert/strict';
import { CounterResetHint, Labels, Matcher, type FloatHistogram, type Histogram, type MatchType, type Millis } from '../model/index.js';
import { AppendError, ValueType, type Appendable, type AppendErrorKind, type Queryable, type SampleIterator, type SeriesSet } from './interface.js';

export type ContractStorage = Appendable & Queryable & { close?(): Promise<void> };

/** A sample as read back: [t, value], where value is a number, 'stale', or a histogram. */
export type ReadSample = [number, number | 'stale' | { h: Histogram } | { fh: FloatHistogram }];

export interface ReadSeries {
  labels: string;
  samples: ReadSample[];
}

export const ms = (n: number): Millis => n as Millis;
export const L = (...nv: string[]): Labels => Labels.fromStrings(...nv);
export const M = (name: string, type: MatchType, value: string): Matcher => new Matcher(type, name, value);

export function readIterator(it: SampleIterator): ReadSample[] {
  const out: ReadSample[] = [];
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) out.push(readAt(it, vt));
  assert.equal(it.err(), null);
  return out;
}

export function readAt(it: SampleIterator, vt: ValueType): ReadSample {
  switch (vt) {
    case ValueType.Float: return [it.atT(), it.atStale() ? 'stale' : it.atF()];
    case ValueType.Histogram: return [it.atT(), { h: structuredClone(it.atHistogram()) }];
    case ValueType.FloatHistogram: return [it.atT(), { fh: structuredClone(it.atFloatHistogram()) }];
    case ValueType.None: throw new Error('reading samples: no sample under the cursor');
  }
}

export function readSet(set: SeriesSet): ReadSeries[] {
  const out: ReadSeries[] = [];
  let it: SampleIterator | null = null;
  while (set.next()) {
    const s = set.at();
    it = s.iterator(it);
    out.push({ labels: s.labels.toString(), samples: readIterator(it) });
  }
  assert.equal(set.err(), null);
  assert.equal(set.next(), false, 'an exhausted set stays exhausted');
  return out;
}

export async function read(st: Queryable, matchers: Matcher[], mint = -1e15, maxt = 1e15, sortSeries = true): Promise<ReadSeries[]> {
  const q = await st.querier(ms(mint), ms(maxt));
  try {
    return readSet(await q.select(sortSeries, null, matchers));
  } finally {
    await q.close();
  }
}

export async function labelsOf(st: Queryable, matchers: Matcher[], mint = -1e15, maxt = 1e15): Promise<string[]> {
  return (await read(st, matchers, mint, maxt)).map((s) => s.labels);
}

export function throwsAppend(fn: () => unknown, kind: AppendErrorKind, what: string): void {
  assert.throws(fn, (e: unknown) => e instanceof AppendError && e.kind === kind, `${what}: expected ${kind}`);
}

export async function appendAll(st: Appendable, series: { labels: Labels; samples: [number, number][] }[]): Promise<void> {
  const app = st.appender();
  for (const s of series) {
    let ref = 0;
    for (const [t, v] of s.samples) ref = app.append(ref, s.labels, ms(t), v);
  }
  await app.commit();
}

export function intHistogram(count: number): Histogram {
  // Buckets 1, 2, 1 at indexes 0..2 (delta-encoded 1, 1, -1), zero bucket 1: count 5 per unit.
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount: count,
    count: 5 * count, sum: 10 * count,
    positiveSpans: [{ offset: 0, length: 3 }], negativeSpans: [],
    positiveBuckets: [count, count, -count], negativeBuckets: [], customValues: [],
  };
}

export function floatHistogram(scale: number): FloatHistogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 1, zeroThreshold: 0.001, zeroCount: 0.5 * scale,
    count: 3.5 * scale, sum: 7.25 * scale,
    positiveSpans: [{ offset: -1, length: 2 }], negativeSpans: [{ offset: 0, length: 1 }],
    positiveBuckets: [1 * scale, 1.5 * scale], negativeBuckets: [0.5 * scale], customValues: [],
  };
}
