/**
 * Quantiles over plain values (the `quantile` aggregation, quantile_over_time,
 * mad_over_time) and over classic histogram buckets (histogram_quantile and
 * histogram_fraction on `le` series), with Prometheus's interpolation rules and its
 * monotonicity fix-ups for inconsistent bucket counts.
 */

/** Relative difference between bucket counts below which it is treated as float noise. */
const SMALL_DELTA_TOLERANCE = 1e-12;
const MIN_NORMAL = 2.2250738585072014e-308;

/** NaN sorts first, then ascending: the order Prometheus's value heap sorts by. */
function nanFirstAscending(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a - b;
}

/**
 * The q-quantile of `values` (sorted in place), interpolating linearly between the two
 * closest ranks. NaN for no values or q NaN, -Inf for q < 0, +Inf for q > 1.
 */
export function quantile(q: number, values: number[] | Float64Array, n: number = values.length): number {
  if (n === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (values instanceof Float64Array) {
    const sub = values.subarray(0, n);
    sub.sort(nanFirstAscending);
  } else {
    if (values.length !== n) values.length = n;
    values.sort(nanFirstAscending);
  }
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}

/** Prometheus's `almost.Equal` (stale markers are never seen here). */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** One classic-histogram bucket: its upper bound (`le`) and cumulative count. */
export interface Bucket {
  upperBound: number;
  count: number;
}

export interface BucketQuantileResult {
  quantile: number;
  forcedMonotonic: boolean;
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
}

function sortBuckets(b: Bucket[]): void {
  b.sort((x, y) => (x.upperBound < y.upperBound ? -1 : x.upperBound > y.upperBound ? 1 : 0));
}

/** Merges buckets with equal upper bounds (input sorted); returns the new length. */
function coalesceBuckets(b: Bucket[]): number {
  let last = { upperBound: b[0]!.upperBound, count: b[0]!.count };
  let i = 0;
  for (let k = 1; k < b.length; k++) {
    const x = b[k]!;
    if (x.upperBound === last.upperBound) {
      last.count += x.count;
    } else {
      b[i] = last;
      last = { upperBound: x.upperBound, count: x.count };
      i++;
    }
  }
  b[i] = last;
  return i + 1;
}

/**
 * Makes counts monotonic: numerically insignificant differences are ignored either way,
 * real decreases are raised to the previous count (and reported).
 */
function ensureMonotonic(b: Bucket[], n: number, r: BucketQuantileResult): void {
  r.minBucket = Infinity;
  r.maxBucket = -Infinity;
  r.maxDiff = 0;
  let prev = b[0]!.count;
  for (let i = 1; i < n; i++) {
    const cur = b[i]!.count;
    if (cur === prev) continue;
    if (almostEqual(prev, cur, SMALL_DELTA_TOLERANCE)) {
      b[i]!.count = prev;
      continue;
    }
    if (cur < prev) {
      b[i]!.count = prev;
      r.forcedMonotonic = true;
      const ub = b[i]!.upperBound;
      if (ub < r.minBucket) r.minBucket = ub;
      if (ub > r.maxBucket) r.maxBucket = ub;
      if (prev - cur > r.maxDiff) r.maxDiff = prev - cur;
      continue;
    }
    prev = cur;
  }
}

/**
 * histogram_quantile over classic buckets (sorted and coalesced in place): linear
 * interpolation inside the bucket, a lower bound of 0 for the first bucket when its upper
 * bound is positive, the second-highest bound when the rank falls into the +Inf bucket.
 */
export function bucketQuantile(q: number, buckets: Bucket[]): BucketQuantileResult {
  const r: BucketQuantileResult = { quantile: NaN, forcedMonotonic: false, minBucket: 0, maxBucket: 0, maxDiff: 0 };
  if (Number.isNaN(q)) return r;
  if (q < 0) { r.quantile = -Infinity; return r; }
  if (q > 1) { r.quantile = Infinity; return r; }
  sortBuckets(buckets);
  if (buckets[buckets.length - 1]!.upperBound !== Infinity) return r;
  const n = coalesceBuckets(buckets);
  ensureMonotonic(buckets, n, r);
  if (n < 2) return r;
  const observations = buckets[n - 1]!.count;
  if (observations === 0) return r;
  let rank = q * observations;
  // First bucket among the first n-1 whose count reaches the rank (n-1 if none).
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buckets[mid]!.count >= rank) hi = mid; else lo = mid + 1;
  }
  const b = lo;
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

/** histogram_fraction over classic buckets: the share of observations in (lower, upper]. */
export function bucketFraction(lower: number, upper: number, buckets: Bucket[]): number {
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
    const interpolate = (v: number): number => {
      // No interpolation inside a bucket that starts at -Inf: it contributes its whole count.
      if (lowerBound === -Infinity) return b.count;
      return rank + (b.count - rank) * (v - lowerBound) / (upperBound - lowerBound);
    };
    if (!lowerSet && lowerBound >= lower) { lowerRank = rank; lowerSet = true; }
    if (!upperSet && lowerBound >= upper) { upperRank = rank; upperSet = true; }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) { lowerRank = interpolate(lower); lowerSet = true; }
    if (!upperSet && lowerBound < upper && upperBound > upper) { upperRank = interpolate(upper); upperSet = true; }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
