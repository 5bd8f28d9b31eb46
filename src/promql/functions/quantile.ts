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
