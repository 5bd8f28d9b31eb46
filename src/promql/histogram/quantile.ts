/**
 * histogram_quantile and histogram_fraction for native histograms, as Prometheus 3.14's
 * HistogramQuantile and HistogramFraction (promql/quantile.go).
 *
 * Interpolation within a bucket is linear for custom buckets and for the zero bucket, and
 * exponential (linear on a log2 scale, mirrored for negative buckets) for exponential
 * buckets. A histogram with only positive (negative) buckets treats 0 as the lower (upper)
 * end of its zero bucket. The math uses Go's log2/exp2 algorithms (go-math.ts) so results
 * match Prometheus to the bit.
 */
import type { FloatHistogram } from '../../model/index.js';
import { copyBucket, fractionBelow, newBucket } from './bucket.js';
import { goExp2, goLog2 } from './go-math.js';
import { AllFloatBucketIterator } from './iterators.js';
import { isCustomBucketsSchema } from './schema.js';

/**
 * Info annotations the functions can raise about the histogram (the engine attaches the
 * metric name and the position of the histogram argument):
 *  - 'quantile-nan-result': "input to histogram_quantile has NaN observations, result is NaN"
 *  - 'quantile-nan-skew': "input to histogram_quantile has NaN observations, result is skewed higher"
 *  - 'fraction-nans': "input to histogram_fraction has NaN observations, which are excluded from all fractions"
 */
export type QuantileInfo = 'quantile-nan-result' | 'quantile-nan-skew' | 'fraction-nans';

/** Result of histogramQuantile/histogramFraction: the value and at most one info. */
export interface HistogramFunctionResult {
  value: number;
  info: QuantileInfo | null;
}

const it = new AllFloatBucketIterator();
const bucket = newBucket();

function result(value: number, info: QuantileInfo | null): HistogramFunctionResult {
  return { value, info };
}

/**
 * The q-quantile of h. Special cases: q < 0 → -Inf, q > 1 → +Inf, no observations or q NaN
 * → NaN. Quantiles below 0.5 (or any, when the sum is NaN, i.e. NaN observations may be
 * counted) are found scanning upwards, others downwards from the top. With NaN
 * observations the result is NaN if the rank lies beyond all buckets, or skewed upwards
 * otherwise (reported as infos). The first custom bucket reads as starting at 0 when its
 * upper bound is positive (else its upper bound is the answer); the +Inf custom bucket
 * answers with its lower bound.
 */
export function histogramQuantile(q: number, h: FloatHistogram): HistogramFunctionResult {
  if (q < 0) return result(-Infinity, null);
  if (q > 1) return result(Infinity, null);
  if (h.count === 0 || Number.isNaN(q)) return result(NaN, null);

  const forward = Number.isNaN(h.sum) || q < 0.5;
  let rank: number;
  if (forward) {
    it.reset(h, false);
    rank = q * h.count;
  } else {
    it.reset(h, true);
    rank = (1 - q) * h.count;
  }
  let count = 0;
  let seen = false;
  while (it.next()) {
    const b = it.at();
    copyBucket(b, bucket);
    seen = true;
    if (b.count === 0) continue;
    count += b.count;
    if (count >= rank) break;
  }
  if (!seen) {
    // No bucket at all: Prometheus works on a zero-valued bucket.
    bucket.lower = 0;
    bucket.upper = 0;
    bucket.count = 0;
  }
  const custom = isCustomBucketsSchema(h.schema);
  if (!custom && bucket.lower < 0 && bucket.upper > 0) {
    if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) bucket.lower = 0;
    else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) bucket.upper = 0;
  } else if (custom) {
    if (bucket.lower === -Infinity) {
      if (bucket.upper <= 0) return result(bucket.upper, null);
      bucket.lower = 0;
    } else if (bucket.upper === Infinity) {
      return result(bucket.lower, null);
    }
  }
  // Rounding could push the running count past the total.
  if (count > h.count) count = h.count;
  if (count < rank) {
    // Only NaN observations explain this; otherwise fall back to the highest bucket seen.
    if (Number.isNaN(h.sum)) return result(NaN, 'quantile-nan-result');
    return result(bucket.upper, null);
  }
  if (forward) rank -= count - bucket.count;
  else rank = count - rank;
  let info: QuantileInfo | null = null;
  if (Number.isNaN(h.sum)) {
    // Prometheus reuses its bucket variable here, so the interpolation below then works on
    // the last bucket of the histogram; reproduced for identical results.
    while (it.next()) {
      copyBucket(it.at(), bucket);
      count += bucket.count;
    }
    if (count < h.count) info = 'quantile-nan-skew';
  }
  const fraction = rank / bucket.count;
  if (custom || (bucket.lower <= 0 && bucket.upper >= 0)) {
    return result(bucket.lower + (bucket.upper - bucket.lower) * fraction, info);
  }
  const logLower = goLog2(Math.abs(bucket.lower));
  const logUpper = goLog2(Math.abs(bucket.upper));
  if (bucket.lower > 0) return result(goExp2(logLower + (logUpper - logLower) * fraction), info);
  return result(-goExp2(logUpper + (logLower - logUpper) * (1 - fraction)), info);
}

/**
 * The fraction of observations between lower and upper (histogram_fraction). NaN for no
 * observations or a NaN bound, 0 for lower ≥ upper. Bounds inside a bucket interpolate
 * (see the module comment); buckets with an infinite bound contribute nothing to the
 * interpolated part. NaN observations count in h.count but in no bucket, so fractions then
 * sum to less than 1 (reported as the 'fraction-nans' info).
 */
export function histogramFraction(lower: number, upper: number, h: FloatHistogram): HistogramFunctionResult {
  if (h.count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return result(NaN, null);
  if (lower >= upper) return result(0, null);
  const custom = isCustomBucketsSchema(h.schema);
  let count = 0, rank = 0, lowerRank = 0, upperRank = 0;
  let lowerSet = false, upperSet = false;
  it.reset(h, false);
  while (it.next()) {
    const b = it.at();
    count += b.count;
    let zero = false;
    if (b.lower <= 0 && b.upper >= 0) {
      zero = true;
      if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) b.lower = 0;
      else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) b.upper = 0;
    }
    if (!lowerSet && b.lower >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && b.lower >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    const linear = custom || zero;
    if (!lowerSet && b.lower < lower && b.upper > lower) {
      lowerRank = interpolate(b, lower, rank, linear);
      lowerSet = true;
    }
    if (!upperSet && b.lower < upper && b.upper > upper) {
      upperRank = interpolate(b, upper, rank, linear);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank += b.count;
  }
  let info: QuantileInfo | null = null;
  if (Number.isNaN(h.sum)) {
    while (it.next()) count += it.at().count;
    if (count < h.count) info = 'fraction-nans';
  } else {
    count = h.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return result((upperRank - lowerRank) / h.count, info);
}

/** Cumulative count at v inside bucket b; an infinite-width bucket contributes all or nothing. */
function interpolate(b: typeof bucket, v: number, rank: number, linear: boolean): number {
  if (linear) {
    if (b.lower === -Infinity) return b.count;
    return rank + b.count * fractionBelow(b, v, true);
  }
  return rank + b.count * fractionBelow(b, v, false);
}
