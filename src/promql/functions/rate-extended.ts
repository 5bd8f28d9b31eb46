/**
 * rate, increase and delta over `anchored` and `smoothed` range selectors
 * (promql-extended-range-selectors). The window then also holds the samples just outside the
 * range: an anchored window takes the last sample at or before the range start as its
 * starting value; a smoothed window interpolates linearly at both range boundaries. No
 * extrapolation happens; counter resets inside the range are corrected as usual.
 */
import { annos, Annotations } from '../engine/annotations.js';
import { CounterResetHint, Labels, type FloatHistogram } from '../../model/index.js';
import {
  addInPlace, compactInPlace, copyHistogram, detectReset, divInPlace, IncompatibleSchemaError, interpolate as interpolateH, subInPlace,
  usesCustomBuckets,
} from './histogram-ops.js';
import { metricName } from './over-time.js';
import type { FnContext, Window } from './types.js';
import type { PositionRange } from '../parser/index.js';

/** Linear interpolation at t between (t1, y1) and (t2, y2); a counter reset restarts from 0. */
export function interpolate(t1: number, y1: number, t2: number, y2: number, t: number, isCounter: boolean): number {
  if (isCounter && y2 < y1) y1 = 0;
  return y1 + (y2 - y1) * (t - t1) / (t2 - t1);
}

/** Histogram interpolation (annotating reconciled custom bounds); throws IncompatibleSchemaError. */
export function interpolateHistograms(
  h1: FloatHistogram, t1: number, h2: FloatHistogram, t2: number, t: number, isCounter: boolean, a: Annotations, pos: PositionRange,
): FloatHistogram {
  const r = interpolateH(h1, t1, h2, t2, t, isCounter);
  if (r.subReconciled) a.add(annos.mismatchedCustomBuckets(pos, 'subtraction'));
  if (r.addReconciled) a.add(annos.mismatchedCustomBuckets(pos, 'addition'));
  return r.h;
}

/** Index of the first element of t[lo, hi) for which pred holds (hi if none). */
function search(t: Float64Array, lo: number, hi: number, pred: (x: number) => boolean): number {
  let a = lo, b = hi;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (pred(t[m]!)) b = m; else a = m + 1;
  }
  return a;
}

export function extendedRate(w: Window, ctx: FnContext, isCounter: boolean, isRate: boolean): void {
  const nf = w.fHi - w.fLo, nh = w.hHi - w.hLo;
  if (nh > 0 && nf > 0) {
    ctx.annos.add(annos.mixedFloatsHistograms(metricName(w), w.pos));
    return;
  }
  if (nh > 0) extendedHistogramRate(w, ctx, isCounter, isRate);
  else if (nf > 0) extendedFloatRate(w, ctx, isCounter, isRate);
}

function extendedFloatRate(w: Window, ctx: FnContext, isCounter: boolean, isRate: boolean): void {
  const ft = w.fT, fv = w.fV, lo = w.fLo;
  const rangeStart = ctx.ts - (w.range + w.offset);
  const rangeEnd = ctx.ts - w.offset;
  let last = w.fHi - 1;
  let first = Math.max(lo, search(ft, lo, last, (t) => t > rangeStart) - 1);
  if (w.smoothed) last = search(ft, lo, last, (t) => t >= rangeEnd);
  if (ft[last]! <= rangeStart) return;
  if (w.smoothed && ft[first]! > rangeEnd) return;
  const left = w.smoothed && ft[first]! < rangeStart
    ? interpolate(ft[first]!, fv[first]!, ft[first + 1]!, fv[first + 1]!, rangeStart, isCounter) : fv[first]!;
  const right = w.smoothed && last > lo && ft[last]! > rangeEnd
    ? interpolate(ft[last - 1]!, fv[last - 1]!, ft[last]!, fv[last]!, rangeEnd, isCounter) : fv[last]!;
  let result = right - left;
  if (isCounter) {
    // Boundary samples are covered by the interpolation; correct resets strictly inside.
    if (ft[first]! <= rangeStart) first++;
    if (ft[last]! >= rangeEnd) last--;
    let correction = 0;
    let prev = left;
    for (let i = first; i <= last; i++) {
      if (fv[i]! < prev) correction += prev;
      prev = fv[i]!;
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (isRate) result /= w.range / 1000;
  ctx.emit(Labels.EMPTY, result, null, false);
}

function extendedHistogramRate(w: Window, ctx: FnContext, isCounter: boolean, isRate: boolean): void {
  const ht = w.hT, hv = w.hV, lo = w.hLo;
  const rangeStart = ctx.ts - (w.range + w.offset);
  const rangeEnd = ctx.ts - w.offset;
  const name = metricName(w);
  const pos = w.pos;
  let last = w.hHi - 1;
  const first = Math.max(lo, search(ht, lo, last, (t) => t > rangeStart) - 1);
  if (w.smoothed) last = search(ht, lo, last, (t) => t >= rangeEnd);
  if (ht[last]! <= rangeStart) return;
  if (w.smoothed && ht[first]! > rangeEnd) return;
  const a = new Annotations();
  const done = (): void => { ctx.annos.merge(a); };
  // Validate the samples between the boundaries.
  const usingCustom = usesCustomBuckets(hv[first]!);
  for (let i = first; i <= last; i++) {
    const h = hv[i]!;
    if (usesCustomBuckets(h) !== usingCustom) {
      a.add(annos.mixedExponentialCustomHistograms(name, pos));
      done();
      return;
    }
    if (isCounter && h.counterResetHint === CounterResetHint.Gauge) a.add(annos.nativeHistogramNotCounter(name, pos));
  }
  try {
    const left = w.smoothed && ht[first]! < rangeStart
      ? interpolateHistograms(hv[first]!, ht[first]!, hv[first + 1]!, ht[first + 1]!, rangeStart, isCounter, a, pos)
      : copyHistogram(hv[first]!);
    const right = w.smoothed && last > lo && ht[last]! > rangeEnd
      ? interpolateHistograms(hv[last - 1]!, ht[last - 1]!, hv[last]!, ht[last]!, rangeEnd, isCounter, a, pos)
      : copyHistogram(hv[last]!);
    if (!isCounter && (left.counterResetHint !== CounterResetHint.Gauge || right.counterResetHint !== CounterResetHint.Gauge)) {
      a.add(annos.nativeHistogramNotGauge(name, pos));
    }
    const result = copyHistogram(right);
    let r = subInPlace(result, left);
    if (r.nhcbBoundsReconciled) a.add(annos.mismatchedCustomBuckets(pos, 'subtraction'));
    if (isCounter) {
      const correction = histogramCorrection(w, first, last, left, right, rangeStart, a);
      if (correction !== null) {
        r = addInPlace(result, correction);
        if (r.nhcbBoundsReconciled) a.add(annos.mismatchedCustomBuckets(pos, 'addition'));
      }
    }
    if (isRate) divInPlace(result, w.range / 1000);
    result.counterResetHint = CounterResetHint.Gauge;
    done();
    ctx.emit(Labels.EMPTY, 0, compactInPlace(result, 0), false);
  } catch (e) {
    if (!(e instanceof IncompatibleSchemaError)) throw e;
    a.add(annos.mixedExponentialCustomHistograms(name, pos));
    done();
  }
}

/** The sum of the histograms before each counter reset strictly inside the range, or null. */
function histogramCorrection(
  w: Window, firstIdx: number, lastIdx: number, left: FloatHistogram, right: FloatHistogram, rangeStart: number, a: Annotations,
): FloatHistogram | null {
  const hv = w.hV, ht = w.hT;
  let first = firstIdx + 1;
  let prev = left;
  if (w.smoothed && ht[firstIdx]! < rangeStart && detectReset(hv[firstIdx + 1]!, hv[firstIdx]!)) {
    // The left interpolation already spanned this reset.
    prev = hv[firstIdx + 1]!;
    first++;
  }
  // The last sample is represented by `right` (a copy or an interpolation carrying its hint).
  const last = lastIdx - 1;
  if (first > last + 1) return null;
  let correction: FloatHistogram | null = null;
  const addCorrection = (h: FloatHistogram): void => {
    if (correction === null) { correction = copyHistogram(h); return; }
    const r = addInPlace(correction, h);
    if (r.nhcbBoundsReconciled) a.add(annos.mismatchedCustomBuckets(w.pos, 'addition'));
  };
  for (let i = first; i <= last; i++) {
    const h = hv[i]!;
    if (detectReset(h, prev)) addCorrection(prev);
    prev = h;
  }
  if (detectReset(right, prev)) addCorrection(prev);
  return correction;
}
