/**
 * histogram_quantile and histogram_fraction over classic histograms (series of cumulative
 * `le` buckets), as Prometheus 3.14's BucketQuantile and BucketFraction.
 */
import { almostEqual } from './almost.js';

/** One classic bucket: its `le` upper bound and cumulative count. */
export interface ClassicBucket {
  upperBound: number;
  count: number;
}

/**
 * Relative difference below which neighbouring cumulative counts are treated as equal:
 * differences that small come from floating-point error (e.g. in sharded sums), not from
 * observations.
 */
export const SMALL_DELTA_TOLERANCE = 1e-12;

export interface BucketQuantileResult {
  quantile: number;
  /** Counts had to be raised to be monotonic: the engine reports Prometheus's
   * "input to histogram_quantile needed to be fixed for monotonicity" info. */
  forcedMonotonic: boolean;
  /** Tiny differences (below SMALL_DELTA_TOLERANCE) were ignored; not reported. */
  fixedPrecision: boolean;
  /** Lowest and highest upper bound where monotonicity was forced (+Inf/-Inf if none). */
  minBucket: number;
  maxBucket: number;
  /** Largest decrease that was removed (0 if none). */
  maxDiff: number;
}

function byUpperBound(a: ClassicBucket, b: ClassicBucket): number {
  if (a.upperBound < b.upperBound) return -1;
  if (a.upperBound > b.upperBound) return 1;
  return 0;
}

/**
 * Sorts by upper bound with a stable sort, unless the bounds are already in order (the
 * common case, e.g. the engine's buckets arrive sorted): the sort copies the array even
 * then. NaN bounds compare equal to everything, so any NaN takes the sort as before.
 */
function sortBuckets(buckets: ClassicBucket[]): void {
  let prev = buckets[0]!.upperBound;
  if (prev !== prev) {
    buckets.sort(byUpperBound);
    return;
  }
  for (let i = 1; i < buckets.length; i++) {
    const u = buckets[i]!.upperBound;
    if (!(u >= prev)) {
      buckets.sort(byUpperBound);
      return;
    }
    prev = u;
  }
}

/**
 * Sums the counts of buckets with equal bounds (input sorted) into the first of each run,
 * in place (the bucket objects are changed). Returns the new length.
 */
function coalesceBuckets(buckets: ClassicBucket[]): number {
  let last = buckets[0]!;
  let i = 0;
  for (let j = 1; j < buckets.length; j++) {
    const b = buckets[j]!;
    if (b.upperBound === last.upperBound) {
      last.count += b.count;
    } else {
      buckets[i] = last;
      last = b;
      i++;
    }
  }
  buckets[i] = last;
  return i + 1;
}

/**
 * Makes the cumulative counts of the first n buckets monotonic: differences within
 * `tolerance` (relative) are flattened silently, real decreases are removed and recorded.
 */
function ensureMonotonicAndIgnoreSmallDeltas(buckets: ClassicBucket[], n: number, tolerance: number, r: BucketQuantileResult): void {
  r.minBucket = Infinity;
  r.maxBucket = -Infinity;
  let prev = buckets[0]!.count;
  for (let i = 1; i < n; i++) {
    const b = buckets[i]!;
    const curr = b.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, tolerance)) {
      b.count = prev;
      r.fixedPrecision = true;
      continue;
    }
    if (curr < prev) {
      b.count = prev;
      r.forcedMonotonic = true;
      if (b.upperBound < r.minBucket) r.minBucket = b.upperBound;
      if (b.upperBound > r.maxBucket) r.maxBucket = b.upperBound;
      const diff = prev - curr;
      if (diff > r.maxDiff) r.maxDiff = diff;
      continue;
    }
    prev = curr;
  }
}

/**
 * The q-quantile over classic buckets, with linear interpolation inside a bucket; the
 * lowest bucket starts at 0 if its bound is positive (else its bound is the answer); a
 * quantile in the +Inf bucket answers with the second-highest bound. NaN if q is NaN, if
 * there is no +Inf bucket, fewer than 2 buckets after merging equal bounds, or no
 * observations; -Inf for q < 0, +Inf for q > 1.
 *
 * Mutates `buckets` and its bucket objects (sorts by bound with a stable sort, merges equal
 * bounds into the first of each run, raises counts to make them monotonic): pass scratch
 * buckets. It must not be empty.
 */
export function bucketQuantile(q: number, buckets: ClassicBucket[]): BucketQuantileResult {
  const r: BucketQuantileResult = { quantile: NaN, forcedMonotonic: false, fixedPrecision: false, minBucket: 0, maxBucket: 0, maxDiff: 0 };
  if (Number.isNaN(q)) return r;
  if (q < 0) {
    r.quantile = -Infinity;
    return r;
  }
  if (q > 1) {
    r.quantile = Infinity;
    return r;
  }
  sortBuckets(buckets);
  if (buckets[buckets.length - 1]!.upperBound !== Infinity) return r;
  const n = coalesceBuckets(buckets);
  ensureMonotonicAndIgnoreSmallDeltas(buckets, n, SMALL_DELTA_TOLERANCE, r);
  if (n < 2) return r;
  const observations = buckets[n - 1]!.count;
  if (observations === 0) return r;
  let rank = q * observations;
  // The first bucket (among all but the last) whose cumulative count reaches the rank.
  let b = 0;
  let hi = n - 1;
  while (b < hi) {
    const mid = (b + hi) >>> 1;
    if (buckets[mid]!.count >= rank) hi = mid;
    else b = mid + 1;
  }
  if (b === n - 1) {
    r.quantile = buckets[n - 2]!.upperBound;
  } else if (b === 0 && buckets[0]!.upperBound <= 0) {
    r.quantile = buckets[0]!.upperBound;
  } else {
    let bucketStart = 0;
    const bucketEnd = buckets[b]!.upperBound;
    let count = buckets[b]!.count;
    if (b > 0) {
      bucketStart = buckets[b - 1]!.upperBound;
      count -= buckets[b - 1]!.count;
      rank -= buckets[b - 1]!.count;
    }
    r.quantile = bucketStart + (bucketEnd - bucketStart) * (rank / count);
  }
  return r;
}

/**
 * The fraction of observations between lower and upper over classic buckets, with linear
 * interpolation (the lowest bucket starting at 0 if its bound is positive, else at -Inf,
 * where nothing is interpolated). NaN without a +Inf bucket, without observations or for a
 * NaN bound; 0 for lower ≥ upper. Mutates `buckets` and its bucket objects like
 * bucketQuantile (but does not force monotonicity). It must not be empty.
 */
export function bucketFraction(lower: number, upper: number, buckets: ClassicBucket[]): number {
  sortBuckets(buckets);
  if (buckets[buckets.length - 1]!.upperBound !== Infinity) return NaN;
  const n = coalesceBuckets(buckets);
  const count = buckets[n - 1]!.count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0, lowerRank = 0, upperRank = 0;
  let lowerSet = false, upperSet = false;
  let lowerBound = buckets[0]!.upperBound <= 0 ? -Infinity : 0;
  for (let i = 0; i < n; i++) {
    const b = buckets[i]!;
    if (i > 0) lowerBound = buckets[i - 1]!.upperBound;
    const upperBound = b.upperBound;
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = lowerBound === -Infinity ? b.count : rank + (b.count - rank) * (lower - lowerBound) / (upperBound - lowerBound);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = lowerBound === -Infinity ? b.count : rank + (b.count - rank) * (upper - lowerBound) / (upperBound - lowerBound);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
