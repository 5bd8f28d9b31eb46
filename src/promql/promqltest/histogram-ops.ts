/**
 * The histogram arithmetic the script format itself needs: the `{{h}}+{{d}}xN` expansion
 * (bucket-wise addition by index, reducing the finer schema), the compacted bucket view
 * that comparisons use, and a short text form for failure messages. The engine's own
 * histogram library is not used so that the runner checks it instead of sharing its bugs.
 */
import { CUSTOM_BUCKETS_SCHEMA, CounterResetHint, formatFloatG, type BucketSpan, type FloatHistogram } from '../../model/index.js';

export function copyHistogram(h: FloatHistogram): FloatHistogram {
  return {
    counterResetHint: h.counterResetHint, schema: h.schema, zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount, count: h.count, sum: h.sum,
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveBuckets: h.positiveBuckets.slice(), negativeBuckets: h.negativeBuckets.slice(),
    customValues: h.customValues.slice(),
  };
}

/** Absolute bucket indexes and counts, in index order. */
export interface IndexedBuckets {
  idx: number[];
  val: number[];
}

/** Expands spans + buckets into (index, count) pairs; a span's offset is the gap before it. */
export function indexedBuckets(spans: readonly BucketSpan[], buckets: readonly number[]): IndexedBuckets {
  const out: IndexedBuckets = { idx: [], val: [] };
  let idx = 0, b = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) {
      out.idx.push(idx++);
      out.val.push(buckets[b++] ?? 0);
    }
  }
  return out;
}

/** Spans and buckets from sorted (index, count) pairs: one span per run of consecutive indexes. */
export function fromIndexed(ib: IndexedBuckets): { spans: BucketSpan[]; buckets: number[] } {
  const spans: BucketSpan[] = [];
  let next = 0;
  for (let i = 0; i < ib.idx.length; i++) {
    const x = ib.idx[i]!;
    const last = spans[spans.length - 1];
    if (last !== undefined && x === next) last.length++;
    else spans.push({ offset: spans.length === 0 ? x : x - next, length: 1 });
    next = x + 1;
  }
  return { spans, buckets: ib.val.slice() };
}

/** The non-empty buckets only: what `Compact(0)` leaves, as index/count pairs. */
export function nonEmptyBuckets(spans: readonly BucketSpan[], buckets: readonly number[]): IndexedBuckets {
  const all = indexedBuckets(spans, buckets);
  const out: IndexedBuckets = { idx: [], val: [] };
  for (let i = 0; i < all.idx.length; i++) {
    if (all.val[i] !== 0) {
      out.idx.push(all.idx[i]!);
      out.val.push(all.val[i]!);
    }
  }
  return out;
}

/** The bucket of `idx` at a coarser schema (exponential schemas only). */
function reducedIndex(idx: number, from: number, to: number): number {
  return ((idx - 1) >> (from - to)) + 1;
}

function mergeSide(
  aSpans: readonly BucketSpan[], aBuckets: readonly number[], aSchema: number,
  bSpans: readonly BucketSpan[], bBuckets: readonly number[], bSchema: number,
  target: number, custom: boolean, sign: number,
): { spans: BucketSpan[]; buckets: number[] } {
  const sums = new Map<number, number>();
  const add = (ib: IndexedBuckets, schema: number, k: number): void => {
    for (let i = 0; i < ib.idx.length; i++) {
      const idx = custom || schema === target ? ib.idx[i]! : reducedIndex(ib.idx[i]!, schema, target);
      sums.set(idx, (sums.get(idx) ?? 0) + k * ib.val[i]!);
    }
  };
  add(indexedBuckets(aSpans, aBuckets), aSchema, 1);
  add(indexedBuckets(bSpans, bBuckets), bSchema, sign);
  const idx = [...sums.keys()].sort((x, y) => x - y);
  return fromIndexed({ idx, val: idx.map((x) => sums.get(x)!) });
}

/** The counter reset hint of a sum or difference, as Prometheus's histogram addition sets it. */
function combinedHint(a: CounterResetHint, b: CounterResetHint): CounterResetHint {
  if (a === b || a === CounterResetHint.Gauge) return a;
  if (b === CounterResetHint.Gauge) return CounterResetHint.Gauge;
  return CounterResetHint.Unknown;
}

/**
 * `a + b` (or `a - b` with sign -1) as a new histogram. Reconciles schemas by reducing the
 * finer side; zero thresholds and custom bounds must match (the scripts never need more).
 */
export function combineHistograms(a: FloatHistogram, b: FloatHistogram, sign: 1 | -1): FloatHistogram {
  const aCustom = a.schema === CUSTOM_BUCKETS_SCHEMA, bCustom = b.schema === CUSTOM_BUCKETS_SCHEMA;
  if (aCustom !== bCustom) throw new Error('cannot apply this operation on histograms with a mix of exponential and custom bucket schemas');
  if (aCustom && (a.customValues.length !== b.customValues.length || a.customValues.some((v, i) => v !== b.customValues[i]))) {
    throw new Error('adding histograms with different custom bucket bounds is not supported in test scripts');
  }
  if (!aCustom && a.zeroThreshold !== b.zeroThreshold) {
    throw new Error('adding histograms with different zero thresholds is not supported in test scripts');
  }
  const target = aCustom ? a.schema : Math.min(a.schema, b.schema);
  const pos = mergeSide(a.positiveSpans, a.positiveBuckets, a.schema, b.positiveSpans, b.positiveBuckets, b.schema, target, aCustom, sign);
  const neg = aCustom
    ? { spans: [], buckets: [] }
    : mergeSide(a.negativeSpans, a.negativeBuckets, a.schema, b.negativeSpans, b.negativeBuckets, b.schema, target, false, sign);
  return {
    counterResetHint: combinedHint(a.counterResetHint, b.counterResetHint),
    schema: target,
    zeroThreshold: a.zeroThreshold,
    zeroCount: aCustom ? a.zeroCount : a.zeroCount + sign * b.zeroCount,
    count: a.count + sign * b.count,
    sum: a.sum + sign * b.sum,
    positiveSpans: pos.spans, negativeSpans: neg.spans,
    positiveBuckets: pos.buckets, negativeBuckets: neg.buckets,
    customValues: a.customValues.slice(),
  };
}

const HINT_NAMES: Readonly<Record<CounterResetHint, string>> = {
  [CounterResetHint.Unknown]: 'unknown',
  [CounterResetHint.CounterReset]: 'reset',
  [CounterResetHint.NotCounterReset]: 'not_reset',
  [CounterResetHint.Gauge]: 'gauge',
};

export function hintName(h: CounterResetHint): string {
  return HINT_NAMES[h];
}

/** The histogram in the script's literal syntax (compacted), for failure messages. */
export function histogramText(h: FloatHistogram): string {
  const parts = [`schema:${h.schema}`, `count:${formatFloatG(h.count)}`, `sum:${formatFloatG(h.sum)}`];
  if (h.zeroCount !== 0) parts.push(`z_bucket:${formatFloatG(h.zeroCount)}`);
  if (h.zeroThreshold !== 0) parts.push(`z_bucket_w:${formatFloatG(h.zeroThreshold)}`);
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) parts.push(`custom_values:[${h.customValues.map(formatFloatG).join(' ')}]`);
  const side = (name: string, ib: IndexedBuckets): void => {
    if (ib.idx.length === 0) return;
    // Written as one list from the first to the last non-empty bucket, gaps as zeros.
    const first = ib.idx[0]!, last = ib.idx[ib.idx.length - 1]!;
    const vals: string[] = [];
    let k = 0;
    for (let x = first; x <= last; x++) vals.push(ib.idx[k] === x ? formatFloatG(ib.val[k++]!) : '0');
    parts.push(`${name === 'pos' ? 'buckets' : 'n_buckets'}:[${vals.join(' ')}]`);
    if (first !== 0) parts.push(`${name === 'pos' ? 'offset' : 'n_offset'}:${first}`);
  };
  side('pos', nonEmptyBuckets(h.positiveSpans, h.positiveBuckets));
  side('neg', nonEmptyBuckets(h.negativeSpans, h.negativeBuckets));
  parts.push(`counter_reset_hint:${hintName(h.counterResetHint)}`);
  return `{{${parts.join(' ')}}}`;
}
