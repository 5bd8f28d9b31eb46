/**
 * Approximate float equality as Prometheus's util/almost.Equal: equal, or both NaN, or a
 * relative difference (against the sum of magnitudes) below epsilon; near zero the
 * difference is compared against epsilon × the smallest normal float.
 */
const MIN_NORMAL = 2.2250738585072014e-308;

export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}
