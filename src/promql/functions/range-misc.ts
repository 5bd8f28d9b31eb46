/**
 * The other range-vector functions: irate/idelta (last two samples), deriv and
 * predict_linear (least squares with Kahan sums), changes and resets (which also see the
 * anchor sample of an anchored window), and double_exponential_smoothing.
 */
import { annos } from '../engine/annotations.js';
import { EvalError } from '../engine/errors.js';
import { CounterResetHint, Labels, type FloatHistogram } from '../../model/index.js';
import { compactInPlace, copyHistogram, detectReset, divInPlace, equals, IncompatibleSchemaError, subInPlace } from './histogram-ops.js';
import { kahanC, kahanInc } from './kahan.js';
import { metricName } from './over-time.js';
import { isStartTimestampReset } from './rate.js';
import type { FnContext, RangeFn, Window } from './types.js';

interface Pt { t: number; f: number; h: FloatHistogram | null; st: number }

function instantValue(w: Window, ctx: FnContext, isRate: boolean): void {
  const nf = w.fHi - w.fLo, nh = w.hHi - w.hLo;
  if (nf + nh < 2) return;
  const ss: Pt[] = [];
  for (let i = Math.max(w.fLo, w.fHi - 2); i < w.fHi; i++) {
    ss.push({ t: w.fT[i]!, f: w.fV[i]!, h: null, st: w.fST !== null ? w.fST[i]! : 0 });
  }
  for (let i = Math.max(w.hLo, w.hHi - 2); i < w.hHi; i++) {
    const s: Pt = { t: w.hT[i]!, f: 0, h: w.hV[i]!, st: w.hST !== null ? w.hST[i]! : 0 };
    if (ss.length === 0) ss.push(s);
    else if (ss.length === 1) {
      if (s.t < ss[0]!.t) ss.unshift(s); else ss.push(s);
    } else if (s.t < ss[0]!.t) {
      // Older than both: not needed.
    } else if (s.t > ss[1]!.t) {
      ss[0] = ss[1]!;
      ss[1] = s;
    } else {
      ss[0] = s;
    }
  }
  const a = ss[0]!, b = ss[1]!;
  const interval = b.t - a.t;
  if (interval === 0) return;
  let f = b.f;
  let h: FloatHistogram | null = null;
  const name = metricName(w);
  if (a.h === null && b.h === null) {
    if (!isRate || !(b.f < a.f || isStartTimestampReset(a.st, a.t, b.st, b.t))) f = b.f - a.f;
  } else if (a.h !== null && b.h !== null) {
    h = copyHistogram(b.h);
    if (isRate && (b.h.counterResetHint === CounterResetHint.Gauge || a.h.counterResetHint === CounterResetHint.Gauge)) {
      ctx.annos.add(annos.nativeHistogramNotCounter(name, w.pos));
    }
    if (!isRate && (b.h.counterResetHint !== CounterResetHint.Gauge || a.h.counterResetHint !== CounterResetHint.Gauge)) {
      ctx.annos.add(annos.nativeHistogramNotGauge(name, w.pos));
    }
    if (!isRate || (!isStartTimestampReset(a.st, a.t, b.st, b.t) && !detectReset(b.h, a.h))) {
      try {
        const r = subInPlace(h, a.h);
        if (r.nhcbBoundsReconciled) ctx.annos.add(annos.mismatchedCustomBuckets(w.pos, 'subtraction'));
      } catch (e) {
        if (!(e instanceof IncompatibleSchemaError)) throw e;
        ctx.annos.add(annos.mixedExponentialCustomHistograms(name, w.pos));
        return;
      }
    }
    h.counterResetHint = CounterResetHint.Gauge;
    compactInPlace(h, 0);
  } else {
    ctx.annos.add(annos.mixedFloatsHistograms(name, w.pos));
    return;
  }
  if (isRate) {
    if (h === null) f /= interval / 1000;
    else divInPlace(h, interval / 1000);
  }
  ctx.emit(Labels.EMPTY, f, h, false);
}

export const funcIrate: RangeFn = (w, _s, _c, ctx) => { instantValue(w, ctx, true); };
export const funcIdelta: RangeFn = (w, _s, _c, ctx) => { instantValue(w, ctx, false); };

let regressionIntercept = 0;

/** Least-squares slope (per second) of the window's floats; the intercept at `interceptTime` goes to `regressionIntercept`. */
function linearRegression(w: Window, interceptTime: number): number {
  const ft = w.fT, fv = w.fV;
  let n = 0, sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = fv[w.fLo]!;
  let constY = true;
  for (let i = w.fLo; i < w.fHi; i++) {
    const y = fv[i]!;
    if (constY && i > w.fLo && y !== initY) constY = false;
    n += 1;
    const x = (ft[i]! - interceptTime) / 1e3;
    sumX = kahanInc(x, sumX, cX); cX = kahanC();
    sumY = kahanInc(y, sumY, cY); cY = kahanC();
    sumXY = kahanInc(x * y, sumXY, cXY); cXY = kahanC();
    sumX2 = kahanInc(x * x, sumX2, cX2); cX2 = kahanC();
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) {
      regressionIntercept = NaN;
      return NaN;
    }
    regressionIntercept = initY;
    return 0;
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - sumX * sumY / n;
  const varX = sumX2 - sumX * sumX / n;
  const slope = covXY / varX;
  regressionIntercept = sumY / n - slope * sumX / n;
  return slope;
}

/** For functions that need two floats: notes histograms ignored when exactly one float remains. */
function tooFewFloats(w: Window, ctx: FnContext): boolean {
  const nf = w.fHi - w.fLo;
  if (nf >= 2) return false;
  if (nf === 1 && w.hHi > w.hLo) ctx.annos.add(annos.histogramIgnoredInMixedRange(metricName(w), w.pos));
  return true;
}

function noteMixed(w: Window, ctx: FnContext): void {
  if (w.hHi > w.hLo) ctx.annos.add(annos.histogramIgnoredInMixedRange(metricName(w), w.pos));
}

export const funcDeriv: RangeFn = (w, _s, _c, ctx) => {
  if (tooFewFloats(w, ctx)) return;
  // An intercept time near the samples keeps the regression accurate.
  const slope = linearRegression(w, w.fT[w.fLo]!);
  noteMixed(w, ctx);
  ctx.emit(Labels.EMPTY, slope, null, false);
};

export const funcPredictLinear: RangeFn = (w, scalars, _c, ctx) => {
  const duration = scalars[0]!;
  if (tooFewFloats(w, ctx)) return;
  const slope = linearRegression(w, ctx.ts);
  noteMixed(w, ctx);
  ctx.emit(Labels.EMPTY, slope * duration + regressionIntercept, null, false);
};

/**
 * Where changes/resets start in the window: for an anchored selector, at the last sample
 * (float or histogram) at or before the range start. Null when no sample is after it.
 */
function firstIndices(w: Window, ts: number): [number, number] | null {
  if (!w.anchored) return [w.fLo, w.hLo];
  const rangeStart = ts - (w.range + w.offset);
  let fle = w.fLo;
  while (fle < w.fHi && w.fT[fle]! <= rangeStart) fle++;
  fle--;
  let hle = w.hLo;
  while (hle < w.hHi && w.hT[hle]! <= rangeStart) hle++;
  hle--;
  if (fle + 1 >= w.fHi && hle + 1 >= w.hHi) return null;
  const noF = fle < w.fLo, noH = hle < w.hLo;
  if (noF && noH) return [w.fLo, w.hLo];
  if (noH || (!noF && w.fT[fle]! >= w.hT[hle]!)) return [fle, hle + 1];
  return [fle + 1, hle];
}

/** Walks floats and histograms merged in time order, calling `fn` for each consecutive pair. */
function walkPairs(w: Window, ts: number, fn: (prev: Pt, cur: Pt) => void): boolean {
  const fi = firstIndices(w, ts);
  if (fi === null) return false;
  let i = fi[0], j = fi[1];
  let prev: Pt | null = null;
  while (i < w.fHi || j < w.hHi) {
    let cur: Pt;
    if (j >= w.hHi || (i < w.fHi && w.fT[i]! < w.hT[j]!)) {
      cur = { t: w.fT[i]!, f: w.fV[i]!, h: null, st: w.fST !== null ? w.fST[i]! : 0 };
      i++;
    } else {
      cur = { t: w.hT[j]!, f: 0, h: w.hV[j]!, st: w.hST !== null ? w.hST[j]! : 0 };
      j++;
    }
    if (prev !== null) fn(prev, cur);
    prev = cur;
  }
  return true;
}

export const funcResets: RangeFn = (w, _s, _c, ctx) => {
  let resets = 0;
  const ok = walkPairs(w, ctx.ts, (p, c) => {
    if (p.h === null && c.h === null) {
      if (c.f < p.f || isStartTimestampReset(p.st, p.t, c.st, c.t)) resets++;
    } else if (p.h === null || c.h === null) {
      resets++;
    } else if (isStartTimestampReset(p.st, p.t, c.st, c.t) || detectReset(c.h, p.h)) {
      resets++;
    }
  });
  if (ok) ctx.emit(Labels.EMPTY, resets, null, false);
};

export const funcChanges: RangeFn = (w, _s, _c, ctx) => {
  let changes = 0;
  const ok = walkPairs(w, ctx.ts, (p, c) => {
    if (p.h === null && c.h === null) {
      if (c.f !== p.f && !(Number.isNaN(c.f) && Number.isNaN(p.f))) changes++;
    } else if (p.h === null || c.h === null) {
      changes++;
    } else if (!equals(c.h, p.h)) {
      changes++;
    }
  });
  if (ok) ctx.emit(Labels.EMPTY, changes, null, false);
};

function formatPercentF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return f.toFixed(6);
}

export const funcDoubleExponentialSmoothing: RangeFn = (w, scalars, _c, ctx) => {
  const sf = scalars[0]!, tf = scalars[1]!;
  if (sf <= 0 || sf >= 1) throw new EvalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatPercentF(sf)}`);
  if (tf <= 0 || tf >= 1) throw new EvalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${formatPercentF(tf)}`);
  const l = w.fHi - w.fLo;
  if (l < 2) {
    if (l === 1 && w.hHi > w.hLo) ctx.annos.add(annos.histogramIgnoredInMixedRange(metricName(w), w.pos));
    return;
  }
  const fv = w.fV, lo = w.fLo;
  let s0 = 0, s1 = fv[lo]!, b = fv[lo + 1]! - fv[lo]!;
  for (let i = 1; i < l; i++) {
    const x = sf * fv[lo + i]!;
    // The trend at i-1 (the initial trend for the first step).
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  noteMixed(w, ctx);
  ctx.emit(Labels.EMPTY, s1, null, false);
};

