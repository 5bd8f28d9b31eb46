/**
 * Native histograms, as Prometheus models them. Buckets are addressed by spans over
 * exponential bucket indexes (schema -4..8), or by custom bounds (schema -53).
 *
 * `Histogram` holds integer counts with bucket counts delta-encoded (each bucket relative to
 * the previous one), exactly as the protobuf exposition and the WAL carry them.
 * `FloatHistogram` holds absolute float counts, as PromQL computes with them.
 */

export interface BucketSpan {
  /** Gap to the previous span (or the starting index for the first span). */
  offset: number;
  /** Number of consecutive buckets. */
  length: number;
}

/** Counter reset hint, as Prometheus stores it with each histogram sample. */
export const enum CounterResetHint {
  Unknown = 0,
  CounterReset = 1,
  NotCounterReset = 2,
  Gauge = 3,
}

export const CUSTOM_BUCKETS_SCHEMA = -53;

export interface Histogram {
  counterResetHint: CounterResetHint;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positiveSpans: BucketSpan[];
  negativeSpans: BucketSpan[];
  /** Delta-encoded bucket counts. */
  positiveBuckets: number[];
  negativeBuckets: number[];
  /** Upper bounds of the custom buckets (schema -53 only). */
  customValues: number[];
}

export interface FloatHistogram {
  counterResetHint: CounterResetHint;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positiveSpans: BucketSpan[];
  negativeSpans: BucketSpan[];
  /** Absolute bucket counts. */
  positiveBuckets: number[];
  negativeBuckets: number[];
  customValues: number[];
}

/** Converts delta-encoded integer counts to a float histogram with absolute counts. */
export function toFloatHistogram(h: Histogram): FloatHistogram {
  return {
    counterResetHint: h.counterResetHint,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    count: h.count,
    sum: h.sum,
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveBuckets: undelta(h.positiveBuckets),
    negativeBuckets: undelta(h.negativeBuckets),
    customValues: h.customValues.slice(),
  };
}

function undelta(d: readonly number[]): number[] {
  const out = new Array<number>(d.length);
  let acc = 0;
  for (let i = 0; i < d.length; i++) {
    acc += d[i]!;
    out[i] = acc;
  }
  return out;
}
