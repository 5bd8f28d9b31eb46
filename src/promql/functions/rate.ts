/**
 * rate, increase and delta as Prometheus computes them: the difference between the first and
 * last sample in the window (plus the value before each counter reset for counters),
 * extrapolated towards the window edges unless the series seems to start or end inside the
 * window, and never below zero for counters. With start timestamps (use-start-timestamps),
 * a start time inside the window replaces the extrapolation to the left and marks resets.
 */
import { annos, Annotations } from '../engine/annotations.js';
import { CounterResetHint, Labels, type FloatHistogram } from '../../model/index.js';
import {
  addInPlace, compactInPlace, copyHistogram, copyToSchema, detectReset, IncompatibleSchemaError, mulInPlace, subInPlace,
  usesCustomBuckets,
} from './histogram-ops.js';
import { extendedRate } from './rate-extended.js';
import { metricName } from './over-time.js';
import type { FnContext, RangeFn, Window } from './types.js';
import type { PositionRange } from '../parser/index.js';

/** Whether a start timestamp marks a counter reset between two samples. */
export function isStartTimestampReset(prevST: number, prevT: number, curST: number, curT: number): boolean {
  if (curST === 0 || curST >= curT) return false;
  if (curST < prevT) return false;
  if (curST > prevT) return true;
  // The start points at the previous sample: a reset for deltas, not for cumulative series
  // whose start is unknown; tell them apart by the previous sample's start.
  if (prevST > prevT) return false;
  return prevST !== 0 && prevST !== prevT;
}

/** A start timestamp that points before the previous sample (but is not the previous start). */
export function checkStartTimeOverlap(prevST: number, prevT: number, curST: number): boolean {
  return curST !== 0 && curST < prevT && curST !== prevST;
}

function emptyLike(h: FloatHistogram): FloatHistogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: h.schema, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: h.customValues,
  };
}

/**
 * The (counter-corrected) difference of the histograms in the window; null when they cannot
 * be combined. Annotations go to `out`, which is replaced when Prometheus would report only
 * the failure.
 */
function histogramRate(w: Window, isCounter: boolean, out: { a: Annotations }): FloatHistogram | null {
  const hv = w.hV, ht = w.hT, lo = w.hLo, hi = w.hHi;
  const sts = w.hST;
  const name = metricName(w);
  let prev = hv[lo]!;
  let usingCustom = usesCustomBuckets(prev);
  const last = hv[hi - 1]!;
  if (isCounter && (prev.counterResetHint === CounterResetHint.Gauge || last.counterResetHint === CounterResetHint.Gauge)) {
    out.a.add(annos.nativeHistogramNotCounter(name, w.pos));
  }
  if (isCounter) {
    const second = hv[lo + 1]!;
    const stReset = sts !== null && isStartTimestampReset(sts[lo]!, ht[lo]!, sts[lo + 1]!, ht[lo + 1]!);
    if (stReset || detectReset(second, prev)) {
      // The first sample is not needed, nor is its bucket layout.
      prev = emptyLike(second);
      usingCustom = usesCustomBuckets(second);
    }
  }
  const fail = (): null => {
    out.a = new Annotations().add(annos.mixedExponentialCustomHistograms(name, w.pos));
    return null;
  };
  if (usesCustomBuckets(last) !== usingCustom) return fail();
  let minSchema = Math.min(last.schema, prev.schema);
  for (let i = lo + 1; i < hi - 1; i++) {
    if (!isCounter) continue;
    const cur = hv[i]!;
    if (cur.counterResetHint === CounterResetHint.Gauge) out.a.add(annos.nativeHistogramNotCounter(name, w.pos));
    if (cur.schema < minSchema) minSchema = cur.schema;
    if (usesCustomBuckets(cur) !== usingCustom) return fail();
  }
  const h = copyToSchema(last, minSchema);
  try {
    // Counter resets are handled below, so reset collisions of this subtraction don't matter.
    const r = subInPlace(h, prev);
    if (r.nhcbBoundsReconciled) out.a.add(annos.mismatchedCustomBuckets(w.pos, 'subtraction'));
  } catch (e) {
    if (e instanceof IncompatibleSchemaError) return fail();
    throw e;
  }
  if (isCounter) {
    let overlap = false;
    for (let i = lo + 1; i < hi; i++) {
      const cur = hv[i]!;
      if (sts !== null && !overlap && checkStartTimeOverlap(sts[i - 1]!, ht[i - 1]!, sts[i]!)) {
        out.a.add(annos.startTimeOverlap(name, w.pos));
        overlap = true;
      }
      const stReset = sts !== null && isStartTimestampReset(sts[i - 1]!, ht[i - 1]!, sts[i]!, ht[i]!);
      if (stReset || detectReset(cur, prev)) {
        try {
          const r = addInPlace(h, prev);
          if (r.nhcbBoundsReconciled) out.a.add(annos.mismatchedCustomBuckets(w.pos, 'addition'));
        } catch (e) {
          if (e instanceof IncompatibleSchemaError) return fail();
          throw e;
        }
      }
      prev = cur;
    }
  } else if (hv[lo]!.counterResetHint !== CounterResetHint.Gauge || hv[hi - 1]!.counterResetHint !== CounterResetHint.Gauge) {
    out.a.add(annos.nativeHistogramNotGauge(name, w.pos));
  }
  h.counterResetHint = CounterResetHint.Gauge;
  return compactInPlace(h, 0);
}

/**
 * rate/increase/delta of the float samples `ft`/`fv`[lo, hi) (at least two) in the window
 * (rangeStart, rangeEnd] of `rangeMs`, without start timestamps: the arithmetic of
 * extrapolatedRate's float path, step for step (so the results are the same bits), for
 * callers that slide windows over columns themselves. `resets` lists the indexes i where
 * fv[i] < fv[i - 1] (null: scan the window), for counters.
 */
export function floatExtrapolatedRate(
  ft: Float64Array, fv: Float64Array, lo: number, hi: number, resets: Int32Array | null, resetsN: number,
  rangeStart: number, rangeEnd: number, rangeMs: number, isCounter: boolean, isRate: boolean,
): number {
  const numMinusOne = hi - lo - 1;
  const firstT = ft[lo]!, lastT = ft[hi - 1]!;
  let resultFloat = fv[hi - 1]! - fv[lo]!;
  if (isCounter) {
    if (resets !== null) {
      // Only the resets matter; adding their previous values in order gives the same sum.
      let a = 0, b = resetsN;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (resets[mid]! <= lo) a = mid + 1; else b = mid;
      }
      for (let k = a; k < resetsN && resets[k]! < hi; k++) resultFloat += fv[resets[k]! - 1]!;
    } else {
      for (let i = lo + 1; i < hi; i++) {
        const prevF = fv[i - 1]!;
        if (fv[i]! < prevF) resultFloat += prevF;
      }
    }
  }
  let durationToStart = (firstT - rangeStart) / 1000;
  let durationToEnd = (rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / numMinusOne;
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  // Extrapolate to the edge if the first/last sample is within 110% of the average interval
  // from it; otherwise assume the series starts/ends half an interval away.
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter) {
    // Counters cannot go below zero: don't extrapolate past the zero point.
    let durationToZero = durationToStart;
    if (resultFloat > 0 && fv[lo]! >= 0) durationToZero = sampledInterval * (fv[lo]! / resultFloat);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = 1;
  if (sampledInterval !== 0) factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= rangeMs / 1000;
  return resultFloat * factor;
}

function extrapolatedRate(w: Window, ctx: FnContext, isCounter: boolean, isRate: boolean): void {
  if (w.anchored || w.smoothed) {
    extendedRate(w, ctx, isCounter, isRate);
    return;
  }
  if (w.hHi === w.hLo && w.fST === null) {
    // Floats only, without start timestamps.
    if (w.fHi - w.fLo < 2) return;
    const v = floatExtrapolatedRate(w.fT, w.fV, w.fLo, w.fHi, isCounter ? w.fResets : null, w.fResetsN,
      ctx.ts - (w.range + w.offset), ctx.ts - w.offset, w.range, isCounter, isRate);
    ctx.emit(Labels.EMPTY, v, null, false);
    return;
  }
  const rangeStart = ctx.ts - (w.range + w.offset);
  const rangeEnd = ctx.ts - w.offset;
  const nf = w.fHi - w.fLo, nh = w.hHi - w.hLo;
  // Histogram annotations are collected aside: a failure replaces them (as in Prometheus).
  let out: { a: Annotations } | null = null;
  if (nf > 0 && nh > 0) {
    ctx.annos.add(annos.mixedFloatsHistograms(metricName(w), w.pos));
    return;
  }
  let resultFloat = 0;
  let resultHist: FloatHistogram | null = null;
  let firstT: number, lastT: number, numMinusOne: number;
  let sts: Float64Array | null;
  let first: number;
  if (nh > 0) {
    numMinusOne = nh - 1;
    first = w.hLo;
    firstT = w.hT[w.hLo]!;
    lastT = w.hT[w.hHi - 1]!;
    sts = w.hST;
    if (nh > 1) {
      out = { a: new Annotations() };
      resultHist = histogramRate(w, isCounter, out);
      if (resultHist === null) {
        ctx.annos.merge(out.a);
        return;
      }
    }
  } else if (nf > 0) {
    const fv = w.fV, ft = w.fT;
    numMinusOne = nf - 1;
    first = w.fLo;
    firstT = ft[w.fLo]!;
    lastT = ft[w.fHi - 1]!;
    sts = w.fST;
    resultFloat = fv[w.fHi - 1]! - fv[w.fLo]!;
    if (isCounter && sts === null && w.fResets !== null) {
      // Only the resets matter; adding their previous values in order gives the same sum.
      const r = w.fResets;
      let lo = 0, hi = w.fResetsN;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (r[mid]! <= w.fLo) lo = mid + 1; else hi = mid;
      }
      for (let k = lo; k < w.fResetsN && r[k]! < w.fHi; k++) resultFloat += fv[r[k]! - 1]!;
    } else if (isCounter) {
      let overlap = false;
      for (let i = w.fLo + 1; i < w.fHi; i++) {
        const prevF = fv[i - 1]!;
        if (sts !== null && !overlap && checkStartTimeOverlap(sts[i - 1]!, ft[i - 1]!, sts[i]!)) {
          ctx.annos.add(annos.startTimeOverlap(metricName(w), w.pos));
          overlap = true;
        }
        if (fv[i]! < prevF || (sts !== null && isStartTimestampReset(sts[i - 1]!, ft[i - 1]!, sts[i]!, ft[i]!))) resultFloat += prevF;
      }
    }
  } else {
    return;
  }
  let durationToStart = (firstT - rangeStart) / 1000;
  let durationToEnd = (rangeEnd - lastT) / 1000;
  let sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = numMinusOne > 0 ? sampledInterval / numMinusOne : 0;
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  const st0 = sts !== null ? sts[first]! : 0;
  if (isCounter && sts !== null && st0 !== 0 && st0 > rangeStart && st0 < firstT) {
    // A start time inside the window: assume a zero sample there instead of extrapolating left.
    durationToStart = 0;
    sampledInterval = (lastT - st0) / 1000;
    if (nf > 0) {
      resultFloat += w.fV[w.fLo]!;
    } else if (resultHist === null) {
      resultHist = copyHistogram(w.hV[w.hLo]!);
    } else {
      try {
        const r = addInPlace(resultHist, w.hV[w.hLo]!);
        if (r.nhcbBoundsReconciled) ctx.annos.add(annos.mismatchedCustomBuckets(w.pos, 'addition'));
      } catch (e) {
        if (!(e instanceof IncompatibleSchemaError)) throw e;
        if (out !== null) ctx.annos.merge(out.a);
        ctx.annos.add(annos.mixedExponentialCustomHistograms(metricName(w), w.pos));
        return;
      }
    }
  } else if (numMinusOne === 0) {
    if (out !== null) ctx.annos.merge(out.a);
    return;
  } else {
    // Extrapolate to the edge if the first/last sample is within 110% of the average
    // interval from it; otherwise assume the series starts/ends half an interval away.
    if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
    if (isCounter) {
      // Counters cannot go below zero: don't extrapolate past the zero point.
      let durationToZero = durationToStart;
      if (resultFloat > 0 && nf > 0 && w.fV[w.fLo]! >= 0) {
        durationToZero = sampledInterval * (w.fV[w.fLo]! / resultFloat);
      } else if (resultHist !== null && resultHist.count > 0 && nh > 0 && w.hV[w.hLo]!.count >= 0) {
        durationToZero = sampledInterval * (w.hV[w.hLo]!.count / resultHist.count);
      }
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = 1;
  if (sampledInterval !== 0) factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= w.range / 1000;
  if (out !== null) ctx.annos.merge(out.a);
  if (resultHist === null) ctx.emit(Labels.EMPTY, resultFloat * factor, null, false);
  else ctx.emit(Labels.EMPTY, 0, mulInPlace(resultHist, factor), false);
}

export const funcRate: RangeFn = (w, _s, _c, ctx) => { extrapolatedRate(w, ctx, true, true); };
export const funcIncrease: RangeFn = (w, _s, _c, ctx) => { extrapolatedRate(w, ctx, true, false); };
export const funcDelta: RangeFn = (w, _s, _c, ctx) => { extrapolatedRate(w, ctx, false, false); };

export type { PositionRange };
