/**
 * Merging series that end up with the same label set (after their names were dropped):
 * their points are combined when they never share a timestamp, and the query fails with
 * Prometheus's duplicate-labelset error when they do.
 */
import { DUPLICATE_LABELSET, EvalError } from './errors.js';
import { matrixContainsSameLabelset } from './labels-util.js';
import { SeriesData } from './types.js';

export function mergeSeriesWithSameLabelset(mat: SeriesData[]): SeriesData[] {
  if (mat.length <= 1 || !matrixContainsSameLabelset(mat)) return mat;
  const groups = new Map<string, SeriesData[]>();
  for (const s of mat) {
    const k = s.metric.key();
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [s]); else g.push(s);
  }
  const out: SeriesData[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) {
      out.push(g[0]!);
      continue;
    }
    const base = g[0]!;
    const merged = new SeriesData(base.metric, base.dropName);
    const fIdx: [number, number][] = [];
    const hIdx: [number, number][] = [];
    for (let k = 0; k < g.length; k++) {
      const s = g[k]!;
      for (let i = 0; i < s.fT.length; i++) fIdx.push([k, i]);
      for (let i = 0; i < s.hT.length; i++) hIdx.push([k, i]);
    }
    fIdx.sort((a, b) => g[a[0]]!.fT[a[1]]! - g[b[0]]!.fT[b[1]]!);
    hIdx.sort((a, b) => g[a[0]]!.hT[a[1]]! - g[b[0]]!.hT[b[1]]!);
    for (const [k, i] of fIdx) {
      const t = g[k]!.fT[i]!;
      if (merged.fT.length > 0 && merged.fT[merged.fT.length - 1] === t) throw new EvalError(DUPLICATE_LABELSET);
      merged.fT.push(t);
      merged.fV.push(g[k]!.fV[i]!);
    }
    for (const [k, i] of hIdx) {
      const t = g[k]!.hT[i]!;
      if (merged.hT.length > 0 && merged.hT[merged.hT.length - 1] === t) throw new EvalError(DUPLICATE_LABELSET);
      merged.hT.push(t);
      merged.hV.push(g[k]!.hV[i]!);
    }
    out.push(merged);
  }
  return out;
}
