/**
 * Deletion intervals: closed ranges [mint, maxt] of milliseconds. A series' intervals are
 * kept sorted, non-overlapping and non-adjacent (ranges touching at t and t+1 merge, as
 * timestamps are discrete).
 *
 * Bounds may be beyond the safe integer range (Prometheus uses math.MinInt64/MaxInt64 for
 * "everything"); such values are compared as floats, which is exact enough at the ends.
 */

export interface Interval {
  readonly mint: number;
  readonly maxt: number;
}

export function inBounds(iv: Interval, t: number): boolean {
  return t >= iv.mint && t <= iv.maxt;
}

/** Whether [mint, maxt] lies inside one of the intervals. */
export function isSubrange(mint: number, maxt: number, ivs: readonly Interval[]): boolean {
  for (const r of ivs) if (inBounds(r, mint) && inBounds(r, maxt)) return true;
  return false;
}

/**
 * `ivs` with `n` added, merging what overlaps or touches. Returns a new array; the input is
 * not modified.
 */
export function addInterval(ivs: readonly Interval[], n: Interval): Interval[] {
  const out: Interval[] = [];
  let mint = n.mint, maxt = n.maxt;
  let placed = false;
  for (const r of ivs) {
    if (r.maxt < mint - 1) {
      out.push(r);
    } else if (r.mint > maxt + 1) {
      if (!placed) { out.push({ mint, maxt }); placed = true; }
      out.push(r);
    } else {
      mint = Math.min(mint, r.mint);
      maxt = Math.max(maxt, r.maxt);
    }
  }
  if (!placed) out.push({ mint, maxt });
  return out;
}
