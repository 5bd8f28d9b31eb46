/**
 * What the memory storage needs of native histograms: validation as Prometheus applies it on
 * append, equality for the duplicate-sample rule, and a deep copy (the storage keeps what it
 * is given, and a caller may reuse its histogram objects).
 */
import { CUSTOM_BUCKETS_SCHEMA, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';
import type { AnyHistogram } from './series.js';

export function cloneHistogram<H extends AnyHistogram>(h: H): H {
  return {
    ...h,
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveBuckets: h.positiveBuckets.slice(),
    negativeBuckets: h.negativeBuckets.slice(),
    customValues: h.customValues.slice(),
  };
}

function spansEqual(a: readonly BucketSpan[], b: readonly BucketSpan[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.offset !== b[i]!.offset || a[i]!.length !== b[i]!.length) return false;
  }
  return true;
}

function numbersEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Exact equality of layout and values (sum compared like its bits: NaN equals NaN); the counter reset hint is ignored, as in Prometheus. */
export function histogramsEqual(a: AnyHistogram, b: AnyHistogram): boolean {
  return a.schema === b.schema
    && Object.is(a.zeroThreshold, b.zeroThreshold)
    && Object.is(a.zeroCount, b.zeroCount)
    && Object.is(a.count, b.count)
    && Object.is(a.sum, b.sum)
    && spansEqual(a.positiveSpans, b.positiveSpans)
    && spansEqual(a.negativeSpans, b.negativeSpans)
    && numbersEqual(a.positiveBuckets, b.positiveBuckets)
    && numbersEqual(a.negativeBuckets, b.negativeBuckets)
    && numbersEqual(a.customValues, b.customValues);
}

function checkSpans(spans: readonly BucketSpan[], buckets: number): string | null {
  let n = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (i > 0 && s.offset < 0) return `span number ${i + 1} with offset ${s.offset}: histogram has a span whose offset is negative`;
    n += s.length;
  }
  if (n !== buckets) return `spans need ${n} buckets, have ${buckets} buckets: histogram spans specify different number of buckets than provided`;
  return null;
}

/** Sums bucket counts (delta-encoded for integer histograms); null when one is negative. */
function bucketTotal(b: readonly number[], deltas: boolean): number | null {
  let total = 0, cur = 0;
  for (const x of b) {
    cur = deltas ? cur + x : x;
    if (cur < 0) return null;
    total += cur;
  }
  return total;
}

/** Prometheus's append-time validation; returns the error text, or null when valid. */
export function validateHistogram(h: Histogram | FloatHistogram, isFloat: boolean): string | null {
  let e: string | null;
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
    if ((e = checkSpans(h.positiveSpans, h.positiveBuckets.length)) !== null) return `custom buckets: ${e}`;
    let last = -Infinity;
    for (const v of h.customValues) {
      if (Number.isNaN(v)) return 'custom buckets: histogram custom bounds must not be NaN';
      if (!Number.isFinite(v)) return 'custom buckets: histogram custom bounds must be finite';
      if (v <= last) return 'custom buckets: histogram custom bounds must be in strictly increasing order';
      last = v;
    }
    if (h.negativeSpans.length > 0 || h.negativeBuckets.length > 0) return 'custom buckets: histogram must not have negative buckets';
  } else if (h.schema >= -4 && h.schema <= 8) {
    if ((e = checkSpans(h.positiveSpans, h.positiveBuckets.length)) !== null) return `positive side: ${e}`;
    if ((e = checkSpans(h.negativeSpans, h.negativeBuckets.length)) !== null) return `negative side: ${e}`;
    if (h.customValues.length > 0) return 'histogram with exponential schema must not have custom bounds';
  } else {
    return `invalid histogram schema ${h.schema}`;
  }
  const neg = bucketTotal(h.negativeBuckets, !isFloat);
  const pos = bucketTotal(h.positiveBuckets, !isFloat);
  if (neg === null) return 'negative side: histogram has a bucket whose observation count is negative';
  if (pos === null) return 'positive side: histogram has a bucket whose observation count is negative';
  if (h.count < 0) return "histogram's observation count is negative";
  if (h.zeroCount < 0) return 'zero bucket: histogram has a bucket whose observation count is negative';
  // Float histograms come out of arithmetic; Prometheus does not check their count against the buckets.
  if (isFloat) return null;
  const inBuckets = neg + pos + h.zeroCount;
  if (Number.isNaN(h.sum)) {
    if (inBuckets > h.count) {
      return `${inBuckets} observations found in buckets, but the Count field is ${h.count}: histogram's observation count should be at least the number of observations found in the buckets`;
    }
  } else if (inBuckets !== h.count) {
    return `${inBuckets} observations found in buckets, but the Count field is ${h.count}: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)`;
  }
  return null;
}
