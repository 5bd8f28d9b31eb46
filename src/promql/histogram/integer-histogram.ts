/**
 * Operations on integer histograms (delta-encoded bucket counts, src/model/histogram.ts), as
 * Prometheus's Histogram methods: conversion to float, copy, compaction, resolution
 * reduction, equality. `…InPlace` functions mutate their argument (which the caller must
 * own); the others do not.
 */
import type { BucketSpan, FloatHistogram, Histogram } from '../../model/index.js';
import { compactBuckets, compacted, spansMatch } from './compact.js';
import { HistogramError } from './errors.js';
import { sameFloatBits } from './float-histogram.js';
import { reduceSpansResolution, reduced } from './reduce-resolution.js';
import { customBucketBoundsMatch, isCustomBucketsSchema } from './schema.js';

const NO_VALUES: number[] = [];

function copySpans(s: readonly BucketSpan[]): BucketSpan[] {
  const out = new Array<BucketSpan>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = { offset: s[i]!.offset, length: s[i]!.length };
  return out;
}

function undeltaInto(deltas: readonly number[], out: number[]): number[] {
  let acc = 0;
  for (let i = 0; i < deltas.length; i++) {
    acc += deltas[i]!;
    out[i] = acc;
  }
  out.length = deltas.length;
  return out;
}

/**
 * The float form of an integer histogram (absolute counts), as Prometheus's ToFloat: a deep
 * copy; for custom buckets the zero bucket and negative side are dropped. With `into`, its
 * arrays are reused (they must not be shared).
 */
export function histogramToFloat(h: Histogram, into?: FloatHistogram): FloatHistogram {
  const custom = isCustomBucketsSchema(h.schema);
  const fh: FloatHistogram = into ?? {
    counterResetHint: h.counterResetHint, schema: h.schema, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: NO_VALUES,
  };
  fh.counterResetHint = h.counterResetHint;
  fh.schema = h.schema;
  fh.count = h.count;
  fh.sum = h.sum;
  if (custom) {
    fh.zeroThreshold = 0;
    fh.zeroCount = 0;
    fh.negativeSpans = into !== undefined ? (fh.negativeSpans.length = 0, fh.negativeSpans) : [];
    fh.negativeBuckets = into !== undefined ? (fh.negativeBuckets.length = 0, fh.negativeBuckets) : [];
    fh.customValues = h.customValues;
  } else {
    fh.zeroThreshold = h.zeroThreshold;
    fh.zeroCount = h.zeroCount;
    fh.negativeSpans = copySpans(h.negativeSpans);
    undeltaInto(h.negativeBuckets, fh.negativeBuckets);
    fh.customValues = NO_VALUES;
  }
  fh.positiveSpans = copySpans(h.positiveSpans);
  undeltaInto(h.positiveBuckets, fh.positiveBuckets);
  return fh;
}

/**
 * The integer form of a float histogram whose counts are whole numbers (the inverse of
 * histogramToFloat, for tests and for storing results of integer-valued operations).
 */
export function floatHistogramToInteger(fh: FloatHistogram): Histogram {
  const delta = (abs: readonly number[]): number[] => {
    const out = new Array<number>(abs.length);
    let prev = 0;
    for (let i = 0; i < abs.length; i++) {
      out[i] = abs[i]! - prev;
      prev = abs[i]!;
    }
    return out;
  };
  return {
    counterResetHint: fh.counterResetHint, schema: fh.schema, zeroThreshold: fh.zeroThreshold,
    zeroCount: fh.zeroCount, count: fh.count, sum: fh.sum,
    positiveSpans: copySpans(fh.positiveSpans), negativeSpans: copySpans(fh.negativeSpans),
    positiveBuckets: delta(fh.positiveBuckets), negativeBuckets: delta(fh.negativeBuckets),
    customValues: fh.customValues,
  };
}

/** Deep copy as Prometheus's Histogram.Copy (custom buckets drop the unused fields). */
export function copyHistogram(h: Histogram): Histogram {
  const custom = isCustomBucketsSchema(h.schema);
  return {
    counterResetHint: h.counterResetHint, schema: h.schema,
    zeroThreshold: custom ? 0 : h.zeroThreshold, zeroCount: custom ? 0 : h.zeroCount,
    count: h.count, sum: h.sum,
    positiveSpans: copySpans(h.positiveSpans), negativeSpans: custom ? [] : copySpans(h.negativeSpans),
    positiveBuckets: h.positiveBuckets.slice(), negativeBuckets: custom ? [] : h.negativeBuckets.slice(),
    customValues: custom ? h.customValues : NO_VALUES,
  };
}

/** Compaction of the delta-encoded buckets (see compactBuckets). Mutates and returns h. */
export function compactHistogramInPlace(h: Histogram, maxEmptyBuckets: number): Histogram {
  compactBuckets(h.positiveBuckets, null, h.positiveSpans, maxEmptyBuckets, true);
  h.positiveBuckets = compacted.buckets;
  h.positiveSpans = compacted.spans;
  compactBuckets(h.negativeBuckets, null, h.negativeSpans, maxEmptyBuckets, true);
  h.negativeBuckets = compacted.buckets;
  h.negativeSpans = compacted.spans;
  return h;
}

/** Reduces to a lower schema; errors as reduceResolutionInPlace for float histograms. */
export function reduceHistogramResolutionInPlace(h: Histogram, targetSchema: number): HistogramError | null {
  if (isCustomBucketsSchema(h.schema)) return new HistogramError('usage', 'cannot reduce resolution when there are custom buckets');
  if (isCustomBucketsSchema(targetSchema)) return new HistogramError('usage', 'cannot reduce resolution to custom buckets schema');
  if (targetSchema >= h.schema) return new HistogramError('usage', `cannot reduce resolution from schema ${h.schema} to ${targetSchema}`);
  try {
    reduceSpansResolution(h.positiveSpans, h.positiveBuckets, h.schema, targetSchema, true);
    const ps = reduced.spans, pb = reduced.buckets;
    reduceSpansResolution(h.negativeSpans, h.negativeBuckets, h.schema, targetSchema, true);
    h.positiveSpans = ps;
    h.positiveBuckets = pb;
    h.negativeSpans = reduced.spans;
    h.negativeBuckets = reduced.buckets;
  } catch (e) {
    if (e instanceof HistogramError) return e;
    throw e;
  }
  h.schema = targetSchema;
  return null;
}

function sameInts(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Exact equality as Prometheus's Histogram.Equals (sum by bit pattern, hint ignored). */
export function histogramEquals(a: Histogram, b: Histogram | null): boolean {
  if (b === null) return false;
  if (a.schema !== b.schema || a.count !== b.count || !sameFloatBits(a.sum, b.sum)) return false;
  if (isCustomBucketsSchema(a.schema) && !customBucketBoundsMatch(a.customValues, b.customValues)) return false;
  if (a.zeroThreshold !== b.zeroThreshold || a.zeroCount !== b.zeroCount) return false;
  if (!spansMatch(a.negativeSpans, b.negativeSpans) || !sameInts(a.negativeBuckets, b.negativeBuckets)) return false;
  return spansMatch(a.positiveSpans, b.positiveSpans) && sameInts(a.positiveBuckets, b.positiveBuckets);
}
