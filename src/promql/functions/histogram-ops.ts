/**
 * The native-histogram operations PromQL needs, as one seam over the histogram math library
 * (src/promql/histogram). Everything that adds, subtracts, scales, compacts or compares
 * histograms goes through here. Operations named "InPlace" mutate their first argument;
 * callers copy first when they do not own it.
 */
import type { FloatHistogram } from '../../model/index.js';

/** Thrown when histograms with exponential and custom buckets are combined. */
export class IncompatibleSchemaError extends Error {
  override readonly name = 'IncompatibleSchemaError';
}

/** Result flags of an addition or subtraction. */
export interface CombineResult {
  /** One histogram said "counter reset", the other "not a counter reset". */
  counterResetCollision: boolean;
  /** Custom bucket bounds differed and were reconciled. */
  nhcbBoundsReconciled: boolean;
}

function unavailable(op: string): never {
  throw new Error(`native histograms: ${op} is not available yet`);
}

export function copyHistogram(h: FloatHistogram): FloatHistogram {
  return {
    counterResetHint: h.counterResetHint,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    count: h.count,
    sum: h.sum,
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveBuckets: h.positiveBuckets.slice(),
    negativeBuckets: h.negativeBuckets.slice(),
    customValues: h.customValues.slice(),
  };
}

export function usesCustomBuckets(h: FloatHistogram): boolean {
  return h.schema === -53;
}

export function addInPlace(_a: FloatHistogram, _b: FloatHistogram): CombineResult {
  return unavailable('addition');
}

export function subInPlace(_a: FloatHistogram, _b: FloatHistogram): CombineResult {
  return unavailable('subtraction');
}

export function mulInPlace(_h: FloatHistogram, _f: number): FloatHistogram {
  return unavailable('multiplication');
}

export function divInPlace(_h: FloatHistogram, _f: number): FloatHistogram {
  return unavailable('division');
}

export function compactInPlace(_h: FloatHistogram, _maxEmptyBuckets: number): FloatHistogram {
  return unavailable('compaction');
}

export function equals(_a: FloatHistogram, _b: FloatHistogram): boolean {
  return unavailable('comparison');
}

export function detectReset(_cur: FloatHistogram, _prev: FloatHistogram): boolean {
  return unavailable('counter reset detection');
}

export function copyToSchema(_h: FloatHistogram, _schema: number): FloatHistogram {
  return unavailable('schema reduction');
}

/** Kahan-compensated addition into `sum`; returns the new compensation histogram. */
export function kahanAddInPlace(_sum: FloatHistogram, _h: FloatHistogram, _c: FloatHistogram | null): CombineResult & { c: FloatHistogram } {
  return unavailable('Kahan addition');
}

export function hasOverflow(_h: FloatHistogram): boolean {
  return unavailable('overflow check');
}

export function trimBucketsInPlace(_h: FloatHistogram, _bound: number, _upper: boolean): FloatHistogram {
  return unavailable('trimming');
}

/** Prometheus's `FloatHistogram.String()`, as count_values prints histograms. */
export function histogramString(_h: FloatHistogram): string {
  return unavailable('formatting');
}

export interface QuantileResult {
  value: number;
  /** The quantile is NaN because of NaN observations. */
  nanResult: boolean;
  /** The quantile is skewed upwards by NaN observations. */
  nanSkew: boolean;
}

export function histogramQuantile(_q: number, _h: FloatHistogram): QuantileResult {
  return unavailable('quantile');
}

export function histogramFraction(_lower: number, _upper: number, _h: FloatHistogram): { value: number; nans: boolean } {
  return unavailable('fraction');
}

export function histogramStdVar(_h: FloatHistogram): number {
  return unavailable('variance');
}
