/**
 * The native histogram math library of the PromQL engine: Prometheus 3.14's semantics and
 * numerics for FloatHistogram/Histogram operations, histogram functions, classic-bucket
 * quantiles and the trim operators. See each module for contracts; in short:
 *  - `…InPlace` functions mutate their first argument (and a compensation histogram where
 *    one is passed), which the caller must own; everything else returns new values and
 *    leaves its arguments alone. customValues arrays are immutable and shared.
 *  - iterators and the quantile helpers reuse internal buffers; a Bucket from `at()` is
 *    valid until the next call.
 *  - errors are values (HistogramError with a `kind`), except for misuse that Prometheus
 *    panics on, which throws.
 */
export * from './schema.js';
export { ldexp, goLog2, goExp2, goLog, pow2, MAX_FLOAT64 } from './go-math.js';
export { kahanInc, kahanDec, kahanLastC, kahanIncInto, type KahanPair } from './kahan.js';
export * from './errors.js';
export * from './bucket.js';
export * from './iterators.js';
export { spansMatch } from './compact.js';
export {
  usesCustomBuckets, newFloatHistogram, copyFloatHistogram, copyFloatHistogramTo, copyToSchema, zeroBucket,
  mulInPlace, divInPlace, mul, div, sameFloatBits, floatHistogramEquals, compactInPlace, kahanCompactInPlace,
  reduceResolutionInPlace, hasOverflow, floatHistogramString, bucketCountSum,
} from './float-histogram.js';
export {
  addInPlace, subInPlace, add, sub, kahanAddInPlace, newCompensationHistogram, adjustCounterReset,
  CounterResetHintTracker, type ArithmeticResult, type KahanAddResult,
} from './arithmetic.js';
export { intersectCustomBucketBounds } from './custom-bounds.js';
export { detectReset } from './detect-reset.js';
export { validateFloatHistogram, validateHistogram } from './validate.js';
export {
  histogramToFloat, floatHistogramToInteger, copyHistogram, compactHistogramInPlace,
  reduceHistogramResolutionInPlace, histogramEquals,
} from './integer-histogram.js';
export { histogramQuantile, histogramFraction, type QuantileInfo, type HistogramFunctionResult } from './quantile.js';
export { bucketQuantile, bucketFraction, SMALL_DELTA_TOLERANCE, type ClassicBucket, type BucketQuantileResult } from './classic.js';
export { histogramCount, histogramSum, histogramAvg, histogramStdVar, histogramStdDev } from './stats.js';
export { trimBucketsInPlace, trimBuckets } from './trim.js';
export { almostEqual } from './almost.js';
export { interpolateHistograms, type InterpolationResult } from './interpolate.js';
export { HistogramSum, HistogramMean } from './aggregate.js';
