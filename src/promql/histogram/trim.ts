/**
 * The trim operators of PromQL 3.14 on a histogram and a scalar, as Prometheus's
 * FloatHistogram.TrimBuckets: `h </ x` keeps the observations below x, `h >/ x` those above
 * x. Buckets entirely on the kept side stay; buckets across x keep the interpolated share
 * (linear for custom buckets, logarithmic for exponential ones; the zero bucket linearly,
 * halved to its populated side when the histogram has buckets on one side only); buckets
 * with an infinite bound are kept or dropped whole, except where an NHCB's first bucket can
 * be read as starting at 0. When anything was trimmed, count and sum are re-estimated from
 * the kept buckets (sum from bucket midpoints: geometric for exponential buckets, arithmetic
 * for custom ones) and the histogram is compacted.
 */
import type { FloatHistogram } from '../../model/index.js';
import { fractionBelow, newBucket, type Bucket } from './bucket.js';
import { compactInPlace, copyFloatHistogram } from './float-histogram.js';
import { FloatBucketIterator, zeroBucketInto } from './iterators.js';
import { isCustomBucketsSchema } from './schema.js';

const it = new FloatBucketIterator();
const zb = newBucket();
// Second result (the midpoint) of the compute… helpers.
let midpointOut = 0;

/**
 * Applies `</ rhs` (isUpperTrim) or `>/ rhs` to h in place and returns h. PromQL applies it
 * to a copy (trimBuckets).
 */
export function trimBucketsInPlace(h: FloatHistogram, rhs: number, isUpperTrim: boolean): FloatHistogram {
  let updatedCount = 0;
  let updatedSum = 0;
  let trimmed = false;
  const custom = isCustomBucketsSchema(h.schema);
  let hasPositive = false;
  let hasNegative = false;

  for (let side = 0; side < 2; side++) {
    const positive = side === 0;
    const buckets = positive ? h.positiveBuckets : h.negativeBuckets;
    it.reset(h, positive, 0, h.schema);
    for (let i = 0; it.next(); i++) {
      const b = it.at();
      if (b.count === 0) continue;
      if (positive) hasPositive = true;
      else hasNegative = true;
      const keepAll = isUpperTrim ? b.upper <= rhs : b.lower >= rhs;
      const across = isUpperTrim ? b.lower < rhs : b.upper > rhs;
      if (keepAll) {
        updatedCount += b.count;
        updatedSum += computeMidpoint(b.lower, b.upper, positive, custom) * b.count;
      } else if (across) {
        const keep = computeBucketTrim(b, rhs, isUpperTrim, positive, custom);
        updatedCount += keep;
        updatedSum += midpointOut * keep;
        if (buckets[i] !== keep) {
          buckets[i] = keep;
          trimmed = true;
        }
      } else {
        buckets[i] = 0;
        trimmed = true;
      }
    }
  }

  if (h.zeroCount > 0) {
    const keep = computeZeroBucketTrim(zeroBucketInto(h, zb), rhs, hasNegative, hasPositive, isUpperTrim);
    if (h.zeroCount !== keep) {
      h.zeroCount = keep;
      trimmed = true;
    }
    updatedSum += midpointOut * keep;
    updatedCount += keep;
  }

  if (trimmed) {
    h.count = updatedCount;
    h.sum = updatedSum;
    compactInPlace(h, 0);
  }
  return h;
}

function zeroIfInf(x: number): number {
  return x === Infinity || x === -Infinity ? 0 : x;
}

/** Kept count of a bucket with an infinite bound; midpoint in midpointOut. */
function handleInfinityBuckets(isUpperTrim: boolean, b: Bucket, rhs: number): number {
  if (b.lower === -Infinity) {
    if (isUpperTrim) {
      if (rhs >= b.upper) {
        midpointOut = 0;
        return b.count;
      }
      if (rhs > 0 && b.upper > 0 && b.upper !== Infinity) {
        // Only NHCBs get here: read the first bucket as starting at 0.
        midpointOut = rhs / 2;
        return b.count * rhs / b.upper;
      }
      if (b.upper <= 0) {
        midpointOut = rhs;
        return b.count;
      }
      midpointOut = zeroIfInf(b.upper);
      return 0;
    }
    if (rhs <= b.lower) {
      midpointOut = 0;
      return b.count;
    }
    if (rhs >= 0 && b.upper > rhs && b.upper !== Infinity) {
      midpointOut = (rhs + b.upper) / 2;
      return b.count * (1 - rhs / b.upper);
    }
    midpointOut = zeroIfInf(b.upper);
    return 0;
  }
  if (b.upper === Infinity) {
    if (isUpperTrim) {
      midpointOut = zeroIfInf(b.lower);
      return 0;
    }
    if (rhs >= b.lower) {
      midpointOut = rhs;
      return b.count;
    }
    midpointOut = zeroIfInf(b.lower);
    return 0;
  }
  throw new Error('one of the bounds must be infinite for handleInfinityBuckets');
}

function computeSplit(b: Bucket, rhs: number, linear: boolean): number {
  if (rhs <= b.lower) return 0;
  if (rhs >= b.upper) return b.count;
  return b.count * fractionBelow(b, rhs, linear);
}

function computeZeroBucketTrim(z: Bucket, rhs: number, hasNegative: boolean, hasPositive: boolean, isUpperTrim: boolean): number {
  let lower = z.lower;
  let upper = z.upper;
  if (hasNegative && !hasPositive) upper = 0;
  if (hasPositive && !hasNegative) lower = 0;
  let fraction: number;
  if (isUpperTrim) {
    if (rhs <= lower) {
      midpointOut = 0;
      return 0;
    }
    if (rhs >= upper) {
      midpointOut = (lower + upper) / 2;
      return z.count;
    }
    fraction = (rhs - lower) / (upper - lower);
    midpointOut = (lower + rhs) / 2;
  } else {
    if (rhs <= lower) {
      midpointOut = (lower + upper) / 2;
      return z.count;
    }
    if (rhs >= upper) {
      midpointOut = 0;
      return 0;
    }
    fraction = (upper - rhs) / (upper - lower);
    midpointOut = (rhs + upper) / 2;
  }
  return z.count * fraction;
}

function computeBucketTrim(b: Bucket, rhs: number, isUpperTrim: boolean, positive: boolean, custom: boolean): number {
  if (b.lower === -Infinity || b.upper === Infinity) return handleInfinityBuckets(isUpperTrim, b, rhs);
  const under = computeSplit(b, rhs, custom);
  if (isUpperTrim) {
    midpointOut = computeMidpoint(b.lower, rhs, positive, custom);
    return under;
  }
  midpointOut = computeMidpoint(rhs, b.upper, positive, custom);
  return b.count - under;
}

/** Representative value of [lower, upper]: arithmetic or (signed) geometric mean. */
function computeMidpoint(lower: number, upper: number, positive: boolean, linear: boolean): number {
  if (lower === Infinity || lower === -Infinity) {
    if (upper === Infinity || upper === -Infinity) return 0;
    if (upper > 0) return upper / 2;
    return upper;
  } else if (upper === Infinity || upper === -Infinity) {
    return lower;
  }
  if (linear) return (lower + upper) / 2;
  const geoMean = Math.sqrt(Math.abs(lower * upper));
  return positive ? geoMean : -geoMean;
}

/** The PromQL `h </ x` (isUpperTrim) or `h >/ x`: trimBucketsInPlace on a copy. */
export function trimBuckets(h: FloatHistogram, rhs: number, isUpperTrim: boolean): FloatHistogram {
  return trimBucketsInPlace(copyFloatHistogram(h), rhs, isUpperTrim);
}
