/**
 * The native-histogram operations the engine and functions use, as one seam over the
 * histogram math library (src/promql/histogram): the library reports incompatible schemas
 * as result values; here they become an `IncompatibleSchemaError` that the callers turn into
 * Prometheus's warnings. Operations named "InPlace" mutate their first argument; callers
 * copy first when they do not own it.
 */
import type { FloatHistogram } from '../../model/index.js';
import * as lib from '../histogram/index.js';

/** Exponential and custom buckets met in one operation. */
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

function check(r: lib.ArithmeticResult): CombineResult {
  if (!r.ok) {
    if (r.error.kind === 'incompatible-schema') throw new IncompatibleSchemaError(r.error.message);
    throw r.error;
  }
  return r;
}

export const copyHistogram: (h: FloatHistogram) => FloatHistogram = lib.copyFloatHistogram;
export const usesCustomBuckets: (h: FloatHistogram) => boolean = lib.usesCustomBuckets;
export const mulInPlace: (h: FloatHistogram, f: number) => FloatHistogram = lib.mulInPlace;
export const divInPlace: (h: FloatHistogram, f: number) => FloatHistogram = lib.divInPlace;
export const compactInPlace: (h: FloatHistogram, maxEmptyBuckets: number) => FloatHistogram = lib.compactInPlace;
export const detectReset: (cur: FloatHistogram, prev: FloatHistogram) => boolean = lib.detectReset;
export const copyToSchema: (h: FloatHistogram, schema: number) => FloatHistogram = lib.copyToSchema;
export const hasOverflow: (h: FloatHistogram) => boolean = lib.hasOverflow;
export const trimBucketsInPlace: (h: FloatHistogram, bound: number, upper: boolean) => FloatHistogram = lib.trimBucketsInPlace;
export const histogramString: (h: FloatHistogram) => string = lib.floatHistogramString;
export const histogramStdVar: (h: FloatHistogram) => number = lib.histogramStdVar;

export function equals(a: FloatHistogram, b: FloatHistogram): boolean {
  return lib.floatHistogramEquals(a, b);
}

/** a += b. Throws IncompatibleSchemaError. */
export function addInPlace(a: FloatHistogram, b: FloatHistogram): CombineResult {
  return check(lib.addInPlace(a, b));
}

/** a -= b. Throws IncompatibleSchemaError. */
export function subInPlace(a: FloatHistogram, b: FloatHistogram): CombineResult {
  return check(lib.subInPlace(a, b));
}

/** Kahan-compensated addition into `sum`; returns the compensation histogram to pass back. */
export function kahanAddInPlace(sum: FloatHistogram, h: FloatHistogram, c: FloatHistogram | null): CombineResult & { c: FloatHistogram } {
  const r = lib.kahanAddInPlace(sum, h, c);
  if (!r.ok) {
    if (r.error.kind === 'incompatible-schema') throw new IncompatibleSchemaError(r.error.message);
    throw r.error;
  }
  return r;
}

export interface QuantileResult {
  value: number;
  /** The quantile is NaN because of NaN observations. */
  nanResult: boolean;
  /** The quantile is skewed upwards by NaN observations. */
  nanSkew: boolean;
}

export function histogramQuantile(q: number, h: FloatHistogram): QuantileResult {
  const r = lib.histogramQuantile(q, h);
  return { value: r.value, nanResult: r.info === 'quantile-nan-result', nanSkew: r.info === 'quantile-nan-skew' };
}

export function histogramFraction(lower: number, upper: number, h: FloatHistogram): { value: number; nans: boolean } {
  const r = lib.histogramFraction(lower, upper, h);
  return { value: r.value, nans: r.info === 'fraction-nans' };
}

/** Interpolation between two samples (smoothed/anchored selectors). Throws IncompatibleSchemaError. */
export function interpolate(
  h1: FloatHistogram, t1: number, h2: FloatHistogram, t2: number, t: number, isCounter: boolean,
): { h: FloatHistogram; subReconciled: boolean; addReconciled: boolean } {
  const r = lib.interpolateHistograms(h1, t1, h2, t2, t, isCounter);
  if (r.result === null) {
    if (r.error !== null && r.error.kind !== 'incompatible-schema') throw r.error;
    throw new IncompatibleSchemaError(r.error?.message ?? 'incompatible schemas');
  }
  return { h: r.result, subReconciled: r.subReconciled, addReconciled: r.addReconciled };
}

export { bucketQuantile, bucketFraction, type ClassicBucket } from '../histogram/index.js';
