/**
 * Quantiles over plain values (the `quantile` aggregation, quantile_over_time,
 * mad_over_time). Classic-histogram bucket quantiles live in the histogram library.
 */

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
    if (sortNanFirst(sub)) return interpolateRanks(q, sub, n);
    sub.sort(nanFirstAscending);
  } else {
    if (values.length !== n) values.length = n;
    values.sort(nanFirstAscending);
  }
  return interpolateRanks(q, values, n);
}

function interpolateRanks(q: number, sorted: ArrayLike<number>, n: number): number {
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

/**
 * Sorts NaN first, then ascending, with the typed array's own numeric sort (a comparator
 * function costs a call per comparison): that sort puts NaNs last, so they are moved to the
 * front after it. Returns false, leaving the values as they were, when one of them is -0:
 * the numeric sort orders -0 before 0, where the comparator (which finds them equal) keeps
 * their input order, and the quantile's zero sign could differ.
 */
function sortNanFirst(a: Float64Array): boolean {
  const n = a.length;
  let nans = 0;
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    if (v !== v) nans++;
    else if (v === 0 && 1 / v < 0) return false;
  }
  a.sort();
  if (nans > 0 && nans < n) {
    a.copyWithin(nans, 0, n - nans);
    a.fill(NaN, 0, nans);
  }
  return true;
}
