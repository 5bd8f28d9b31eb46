/**
 * The `*_over_time` functions: aggregations of each series' samples inside the window, with
 * Prometheus's numerics (Kahan sums, a mean that switches to incremental form when the sum
 * would overflow, Welford variance) and its rules for windows that mix floats and
 * histograms.
 */
import { annos } from '../engine/annotations.js';
import { copyHistogram, IncompatibleSchemaError, addInPlace, divInPlace, mulInPlace, kahanAddInPlace, hasOverflow } from './histogram-ops.js';
import { kahanC, kahanInc } from './kahan.js';
import { quantile } from './quantile.js';
import type { FnContext, RangeFn, Window } from './types.js';
import { CounterResetHint, Labels, type FloatHistogram } from '../../model/index.js';

export function metricName(w: Window): string {
  return w.metric.get('__name__');
}

function emitF(ctx: FnContext, f: number): void {
  ctx.emit(Labels.EMPTY, f, null, false);
}

/** Mixed-range note for functions that use only the floats. */
function noteIgnoredHistograms(w: Window, ctx: FnContext): void {
  if (w.hHi > w.hLo) ctx.annos.add(annos.histogramIgnoredInMixedRange(metricName(w), w.pos));
}

/** Tracks counter-reset hints of summed histograms, to warn about conflicting ones. */
class HintTracker {
  reset = false;
  notReset = false;
  reconciled = false;
  track(h: FloatHistogram): void {
    if (h.counterResetHint === CounterResetHint.CounterReset) this.reset = true;
    else if (h.counterResetHint === CounterResetHint.NotCounterReset) this.notReset = true;
  }
  report(w: Window, ctx: FnContext): void {
    if (this.reset && this.notReset) ctx.annos.add(annos.histogramCounterResetCollision(w.pos, 'aggregation'));
    if (this.reconciled) ctx.annos.add(annos.mismatchedCustomBuckets(w.pos, 'aggregation'));
  }
}

function histogramAvg(w: Window, tr: HintTracker): FloatHistogram {
  const hv = w.hV;
  let sum = copyHistogram(hv[w.hLo]!);
  tr.track(sum);
  let mean: FloatHistogram | null = null;
  let c: FloatHistogram | null = null;
  let count = 1;
  let incremental = false;
  for (let i = w.hLo + 1; i < w.hHi; i++) {
    const h = hv[i]!;
    tr.track(h);
    count = i - w.hLo + 1;
    if (!incremental) {
      const sumCopy = copyHistogram(sum);
      const cCopy = c === null ? null : copyHistogram(c);
      const r = kahanAddInPlace(sumCopy, h, cCopy);
      if (r.nhcbBoundsReconciled) tr.reconciled = true;
      if (!hasOverflow(sumCopy)) {
        sum = sumCopy;
        c = r.c;
        continue;
      }
      incremental = true;
      mean = divInPlace(copyHistogram(sum), count - 1);
      if (c !== null) divInPlace(c, count - 1);
    }
    const q = (count - 1) / count;
    if (c !== null) mulInPlace(c, q);
    const toAdd = divInPlace(copyHistogram(h), count);
    const r = kahanAddInPlace(mulInPlace(mean!, q), toAdd, c);
    c = r.c;
    if (r.nhcbBoundsReconciled) tr.reconciled = true;
  }
  if (incremental) {
    if (c !== null) addInPlace(mean!, c);
    return mean!;
  }
  if (c !== null) {
    divInPlace(sum, count);
    addInPlace(sum, divInPlace(c, count));
    return sum;
  }
  return divInPlace(sum, count);
}

export const avgOverTime: RangeFn = (w, _s, _call, ctx) => {
  const nf = w.fHi - w.fLo, nh = w.hHi - w.hLo;
  if (nf > 0 && nh > 0) {
    ctx.annos.add(annos.mixedFloatsHistograms(metricName(w), w.pos));
    return;
  }
  if (nf === 0) {
    const tr = new HintTracker();
    try {
      const h = histogramAvg(w, tr);
      ctx.emit(Labels.EMPTY, 0, h, false);
    } catch (e) {
      if (!(e instanceof IncompatibleSchemaError)) throw e;
      ctx.annos.add(annos.mixedExponentialCustomHistograms(metricName(w), w.pos));
      return;
    }
    tr.report(w, ctx);
    return;
  }
  const fv = w.fV;
  let sum = fv[w.fLo]!, count = 1, mean = 0, c = 0;
  let incremental = false;
  for (let i = w.fLo + 1; i < w.fHi; i++) {
    const f = fv[i]!;
    count = i - w.fLo + 1;
    if (!incremental) {
      const ns = kahanInc(f, sum, c);
      if (ns !== Infinity && ns !== -Infinity) {
        sum = ns;
        c = kahanC();
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    mean = kahanInc(f / count, q * mean, q * c);
    c = kahanC();
  }
  emitF(ctx, incremental ? mean + c : sum / count + c / count);
};

export const countOverTime: RangeFn = (w, _s, _call, ctx) => { emitF(ctx, (w.fHi - w.fLo) + (w.hHi - w.hLo)); };

export const presentOverTime: RangeFn = (_w, _s, _call, ctx) => { emitF(ctx, 1); };

/** Called only for windows with samples; the engine turns presence into absence. */
export const absentOverTime: RangeFn = (_w, _s, _call, ctx) => { emitF(ctx, 1); };

export const firstOverTime: RangeFn = (w, _s, _call, ctx) => {
  const hasF = w.fHi > w.fLo, hasH = w.hHi > w.hLo;
  if (!hasH || (hasF && w.fT[w.fLo]! < w.hT[w.hLo]!)) {
    emitF(ctx, hasF ? w.fV[w.fLo]! : 0);
    return;
  }
  ctx.emit(Labels.EMPTY, 0, copyHistogram(w.hV[w.hLo]!), false);
};

export const lastOverTime: RangeFn = (w, _s, _call, ctx) => {
  const hasF = w.fHi > w.fLo, hasH = w.hHi > w.hLo;
  if (!hasH || (hasF && w.hT[w.hHi - 1]! < w.fT[w.fHi - 1]!)) {
    emitF(ctx, hasF ? w.fV[w.fHi - 1]! : 0);
    return;
  }
  ctx.emit(Labels.EMPTY, 0, copyHistogram(w.hV[w.hHi - 1]!), false);
};

export const tsOfFirstOverTime: RangeFn = (w, _s, _call, ctx) => {
  const tf = w.fHi > w.fLo ? w.fT[w.fLo]! : Infinity;
  const th = w.hHi > w.hLo ? w.hT[w.hLo]! : Infinity;
  emitF(ctx, Math.min(tf, th) / 1000);
};

export const tsOfLastOverTime: RangeFn = (w, _s, _call, ctx) => {
  const tf = w.fHi > w.fLo ? w.fT[w.fHi - 1]! : 0;
  const th = w.hHi > w.hLo ? w.hT[w.hHi - 1]! : 0;
  emitF(ctx, Math.max(tf, th) / 1000);
};

type Better = (cur: number, best: number) => boolean;

function compareOverTime(better: Better, returnTimestamp: boolean): RangeFn {
  return (w, _s, _call, ctx) => {
    if (w.fHi === w.fLo) return;
    noteIgnoredHistograms(w, ctx);
    const fv = w.fV, ft = w.fT;
    let best = fv[w.fLo]!, bestT = ft[w.fLo]!;
    for (let i = w.fLo; i < w.fHi; i++) {
      const f = fv[i]!;
      if (better(f, best)) { best = f; bestT = ft[i]!; }
    }
    emitF(ctx, returnTimestamp ? bestT / 1000 : best);
  };
}

export const maxOverTime = compareOverTime((cur, best) => cur > best || Number.isNaN(best), false);
export const minOverTime = compareOverTime((cur, best) => cur < best || Number.isNaN(best), false);
export const tsOfMaxOverTime = compareOverTime((cur, best) => cur >= best || Number.isNaN(best), true);
export const tsOfMinOverTime = compareOverTime((cur, best) => cur <= best || Number.isNaN(best), true);

export const sumOverTime: RangeFn = (w, _s, _call, ctx) => {
  const nf = w.fHi - w.fLo, nh = w.hHi - w.hLo;
  if (nf > 0 && nh > 0) {
    ctx.annos.add(annos.mixedFloatsHistograms(metricName(w), w.pos));
    return;
  }
  if (nf === 0) {
    const tr = new HintTracker();
    let sum: FloatHistogram;
    try {
      sum = copyHistogram(w.hV[w.hLo]!);
      tr.track(sum);
      let c: FloatHistogram | null = null;
      for (let i = w.hLo + 1; i < w.hHi; i++) {
        const h = w.hV[i]!;
        tr.track(h);
        const r = kahanAddInPlace(sum, h, c);
        c = r.c;
        if (r.nhcbBoundsReconciled) tr.reconciled = true;
      }
      if (c !== null) {
        const r = addInPlace(sum, c);
        if (r.nhcbBoundsReconciled) tr.reconciled = true;
      }
    } catch (e) {
      if (!(e instanceof IncompatibleSchemaError)) throw e;
      ctx.annos.add(annos.mixedExponentialCustomHistograms(metricName(w), w.pos));
      return;
    }
    tr.report(w, ctx);
    ctx.emit(Labels.EMPTY, 0, sum, false);
    return;
  }
  const fv = w.fV;
  let sum = 0, c = 0;
  for (let i = w.fLo; i < w.fHi; i++) {
    sum = kahanInc(fv[i]!, sum, c);
    c = kahanC();
  }
  emitF(ctx, sum === Infinity || sum === -Infinity ? sum : sum + c);
};

/** Scratch for the quantile-based functions; grows as needed. */
let scratch = new Float64Array(64);

function scratchFor(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  return scratch;
}

export const quantileOverTime: RangeFn = (w, scalars, _call, ctx) => {
  const q = scalars[0]!;
  if (w.fHi === w.fLo) return;
  if (Number.isNaN(q) || q < 0 || q > 1) ctx.annos.add(annos.invalidQuantile(q, w.pos));
  noteIgnoredHistograms(w, ctx);
  const n = w.fHi - w.fLo;
  const buf = scratchFor(n);
  buf.set(w.fV.subarray(w.fLo, w.fHi));
  emitF(ctx, quantile(q, buf, n));
};

export const madOverTime: RangeFn = (w, _s, _call, ctx) => {
  if (w.fHi === w.fLo) return;
  noteIgnoredHistograms(w, ctx);
  const n = w.fHi - w.fLo;
  const buf = scratchFor(n);
  for (let i = 0; i < n; i++) {
    const f = w.fV[w.fLo + i]!;
    if (Number.isNaN(f)) { emitF(ctx, NaN); return; }
    buf[i] = f;
  }
  const median = quantile(0.5, buf, n);
  for (let i = 0; i < n; i++) buf[i] = Math.abs(buf[i]! - median);
  emitF(ctx, quantile(0.5, buf, n));
};

function varianceOverTime(sqrt: boolean): RangeFn {
  return (w, _s, _call, ctx) => {
    if (w.fHi === w.fLo) return;
    noteIgnoredHistograms(w, ctx);
    let count = 0, mean = 0, cMean = 0, aux = 0, cAux = 0;
    for (let i = w.fLo; i < w.fHi; i++) {
      const f = w.fV[i]!;
      count++;
      const delta = f - (mean + cMean);
      mean = kahanInc(delta / count, mean, cMean);
      cMean = kahanC();
      aux = kahanInc(delta * (f - (mean + cMean)), aux, cAux);
      cAux = kahanC();
    }
    const variance = (aux + cAux) / count;
    emitF(ctx, sqrt ? Math.sqrt(variance) : variance);
  };
}

export const stddevOverTime = varianceOverTime(true);
export const stdvarOverTime = varianceOverTime(false);
