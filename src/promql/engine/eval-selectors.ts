/**
 * Selectors. An instant vector selector takes, at each step, the latest sample in the
 * lookback window (t - lookback, t] (shifted by offset or pinned by @), unless that sample
 * is a staleness marker; it walks each series' iterator once for the whole grid. A
 * `smoothed` selector interpolates between the samples around each step instead. A range
 * selector (only evaluated directly at the top of an instant query) returns the samples in
 * (t - range, t], extended to the window edges for `anchored`/`smoothed`.
 */
import type { FloatHistogram, Millis } from '../../model/index.js';
import { CounterResetHint, Labels } from '../../model/index.js';
import { ValueType, type SampleIterator, type Series as StorageSeries } from '../../storage/interface.js';
import { positionRange, type MatrixSelector, type VectorSelector } from '../parser/index.js';
import { copyHistogram, IncompatibleSchemaError, usesCustomBuckets } from '../functions/histogram-ops.js';
import { interpolate, interpolateHistograms } from '../functions/rate-extended.js';
import { annos } from './annotations.js';
import { Columns } from './columns.js';
import { HistogramStatsReader } from './histogram-stats.js';
import { EvalError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import type { SeriesSink, SinkSeries } from './eval-call.js';
import { histogramSize, SeriesData } from './types.js';

/** With a `sink`, see evalSeries (not for `smoothed` selectors). */
export async function evalVectorSelector(ev: Evaluator, vs: VectorSelector, sink: SeriesSink | null = null): Promise<SeriesData[]> {
  const series = ev.selectedSeries(vs);
  if (vs.smoothed) {
    if (sink !== null) throw new EvalError('smoothed selectors cannot be folded');
    return smoothSeries(ev, series, vs);
  }
  return evalSeries(ev, series, vs.offset, 'value', null, vs.skipHistogramBuckets, sink);
}

/**
 * What evalSeries stores per point: the sample value, or its timestamp (for timestamp(),
 * which needs when the sample was taken rather than its value), or for info() the
 * timestamp of a float sample (info series must not be histograms), or its start
 * timestamp (0 when unknown; for start_timestamp()).
 */
export type SeriesMode = 'value' | 'timestamp' | 'info' | 'startTimestamp';

/**
 * Evaluates series over the grid with the lookback rule. With `atTs`, every step looks at
 * that fixed time (the point is still placed at the step). With a `sink` (mode 'value'
 * only), each series' float points go to it in scratch columns instead of into the result
 * (an aggregation folding them at once); a series with histogram points is handed over
 * flagged, and the sink is expected to abort. Samples are counted as if the matrix existed.
 */
export async function evalSeries(
  ev: Evaluator, series: readonly StorageSeries[], offset: number, mode: SeriesMode, atTs: number | null, statsOnly = false,
  sink: SeriesSink | null = null,
): Promise<SeriesData[]> {
  const out: SeriesData[] = [];
  const lookback = ev.opts.lookbackDelta;
  const y = ev.q.yielder;
  const steps = ev.numSteps;
  let it: SampleIterator | null = null;
  // Floats are read in bulk where the iterator can: only the latest one before each step
  // counts (or a stale marker after it, which the bulk read reports in staleT).
  const scratch = new Columns();
  const sinkOut: SinkSeries | null = sink === null ? null : {
    metric: Labels.EMPTY, dropName: false, fT: ev.stepArray(), fV: ev.stepArray(), fN: 0, histograms: false,
  };
  for (const s of series) {
    if (y.tick(steps)) await y.pause();
    it = s.iterator(it);
    const bulk = it.readFloats !== undefined && mode !== 'startTimestamp';
    // Made at the first point: most series of an instant query have one point, and many
    // selected series none at all.
    let sd: SeriesData | null = null;
    if (sinkOut !== null) {
      sinkOut.fN = 0;
      sinkOut.histograms = false;
    }
    const stats = statsOnly ? new HistogramStatsReader() : null;
    // The latest sample at or before the reference time, and the next one (peeked).
    let curT = -Infinity, curF = 0, curStale = true;
    let curH: FloatHistogram | null = null;
    let curIsHist = false;
    let curST = 0;
    let peek = it.next();
    let peekT = peek === ValueType.None ? Infinity : it.atT();
    for (let step = 0; step < steps; step++) {
      // Long grids (a subquery with a tiny step) yield within a series too.
      if ((step & 4095) === 4095 && y.tick(4096)) await y.pause();
      const ts = ev.stepTs(step);
      const ref = (atTs ?? ts) - offset;
      const lo = ref - lookback;
      // Seek past the lookback window only when the next sample is before it, as Prometheus's
      // memoizing iterator does (a stats reader forgets its previous histogram there).
      if (peek !== ValueType.None && peekT < lo) {
        stats?.forget();
        peek = it.seek(lo as Millis);
        peekT = peek === ValueType.None ? Infinity : it.atT();
      }
      while (peek !== ValueType.None && peekT <= ref) {
        if (bulk && peek === ValueType.Float) {
          scratch.fN = 0;
          scratch.staleT = -Infinity;
          peek = it.readFloats!(ref, scratch);
          peekT = peek === ValueType.None ? Infinity : it.atT();
          const n = scratch.fN;
          const lastT = n > 0 ? scratch.fT[n - 1]! : -Infinity;
          curIsHist = false;
          curH = null;
          if (scratch.staleT > lastT) {
            curT = scratch.staleT;
            curStale = true;
          } else {
            curT = lastT;
            curF = scratch.fV[n - 1]!;
            curStale = false;
          }
          continue;
        }
        curT = peekT;
        curIsHist = peek !== ValueType.Float;
        if (mode === 'startTimestamp') curST = it.atST?.() ?? 0;
        if (!curIsHist) {
          // Stale markers read as NaN: only a NaN needs the staleness check.
          curF = it.atF();
          curStale = curF !== curF && it.atStale();
          curH = null;
        } else if ((curStale = it.atStale())) {
          curH = null;
        } else {
          curH = mode !== 'value' ? null : stats !== null ? stats.read(it.atFloatHistogram()) : copyHistogram(it.atFloatHistogram());
          curF = 0;
        }
        peek = it.next();
        peekT = peek === ValueType.None ? Infinity : it.atT();
      }
      if (curT <= lo || curStale) continue;
      if (mode !== 'value') {
        if (mode === 'info' && curIsHist) throw new EvalError(`this should be an info metric, with float samples: ${s.labels.toString()}`);
        const v = mode === 'startTimestamp' ? curST : curT;
        if (sd === null) {
          sd = new SeriesData(s.labels, false, [ts], [v]);
        } else {
          sd.fT.push(ts);
          sd.fV.push(v);
        }
        ev.addSamples(1);
      } else if (curH === null) {
        if (sinkOut !== null) {
          sinkOut.fT[sinkOut.fN] = ts;
          sinkOut.fV[sinkOut.fN++] = curF;
        } else if (sd === null) {
          sd = new SeriesData(s.labels, false, [ts], [curF]);
        } else {
          sd.fT.push(ts);
          sd.fV.push(curF);
        }
        ev.addSamples(1);
      } else {
        if (sinkOut !== null) sinkOut.histograms = true;
        sd ??= new SeriesData(s.labels, false);
        sd.hT.push(ts);
        sd.hV.push(curH);
        ev.addSamples(histogramSize(curH));
      }
      ev.stats.incrementSamplesAtStep(step, 1);
    }
    if (sinkOut !== null) {
      if (sinkOut.fN > 0 || sinkOut.histograms) {
        sinkOut.metric = s.labels;
        sink!(sinkOut);
      }
    } else if (sd !== null) {
      out.push(sd);
    }
  }
  ev.stats.updatePeak(ev.currentSamples);
  return out;
}

/** `metric smoothed`: values interpolated between the samples around each step. */
async function smoothSeries(ev: Evaluator, series: readonly StorageSeries[], vs: VectorSelector): Promise<SeriesData[]> {
  const lb = ev.opts.lookbackDelta;
  const offset = vs.offset;
  const pos = positionRange(vs);
  const cols = new Columns();
  const out: SeriesData[] = [];
  const y = ev.q.yielder;
  let it: SampleIterator | null = null;
  for (const s of series) {
    if (y.tick(ev.numSteps)) await y.pause();
    it = s.iterator(it);
    cols.load(it, ev.start - offset - lb, ev.end - offset + lb, vs.skipHistogramBuckets ? new HistogramStatsReader() : null);
    const sd = new SeriesData(s.labels, false);
    const name = s.labels.metricName();
    let fLo = 0, fHi = 0, hLo = 0, hHi = 0;
    for (let step = 0; step < ev.numSteps; step++) {
      if ((step & 4095) === 4095 && y.tick(4096)) await y.pause();
      const evalTs = ev.stepTs(step);
      const dataTs = evalTs - offset;
      const mint = dataTs - lb, maxt = dataTs + lb;
      while (fLo < cols.fN && cols.fT[fLo]! <= mint) fLo++;
      while (fHi < cols.fN && cols.fT[fHi]! <= maxt) fHi++;
      while (hLo < cols.hN && cols.hT[hLo]! <= mint) hLo++;
      while (hHi < cols.hN && cols.hT[hHi]! <= maxt) hHi++;
      const nf = Math.max(0, fHi - fLo), nh = Math.max(0, hHi - hLo);
      if (nf === 0 && nh === 0) continue;
      if (nf > 0 && nh > 0) {
        ev.annos.add(annos.mixedFloatsHistograms(name, pos));
        continue;
      }
      if (nh > 0) {
        let i = hLo;
        while (i < hHi && cols.hT[i]! < dataTs) i++;
        if (i < hHi && cols.hT[i] === dataTs) {
          pushH(ev, sd, evalTs, copyHistogram(cols.hV[i]!));
        } else if (i > hLo && i < hHi) {
          const prev = cols.hV[i - 1]!, next = cols.hV[i]!;
          if (usesCustomBuckets(prev) !== usesCustomBuckets(next)) {
            ev.annos.add(annos.mixedExponentialCustomHistograms(name, pos));
            continue;
          }
          const isCounter = prev.counterResetHint !== CounterResetHint.Gauge || next.counterResetHint !== CounterResetHint.Gauge;
          try {
            pushH(ev, sd, evalTs, interpolateHistograms(prev, cols.hT[i - 1]!, next, cols.hT[i]!, dataTs, isCounter, ev.annos, pos));
          } catch (e) {
            if (!(e instanceof IncompatibleSchemaError)) throw e;
            ev.annos.add(annos.mixedExponentialCustomHistograms(name, pos));
          }
        } else if (i > hLo) {
          const h = copyHistogram(cols.hV[i - 1]!);
          h.counterResetHint = CounterResetHint.Unknown;
          pushH(ev, sd, evalTs, h);
        }
      } else {
        let i = fLo;
        while (i < fHi && cols.fT[i]! < dataTs) i++;
        let v: number;
        if (i < fHi && cols.fT[i] === dataTs) v = cols.fV[i]!;
        else if (i > fLo && i < fHi) v = interpolate(cols.fT[i - 1]!, cols.fV[i - 1]!, cols.fT[i]!, cols.fV[i]!, dataTs, false);
        else if (i > fLo) v = cols.fV[i - 1]!;
        else continue;
        sd.fT.push(evalTs);
        sd.fV.push(v);
        ev.addSamples(1);
      }
    }
    if (sd.numPoints > 0) out.push(sd);
  }
  return out;
}

function pushH(ev: Evaluator, sd: SeriesData, t: number, h: FloatHistogram): void {
  sd.hT.push(t);
  sd.hV.push(h);
  ev.addSamples(histogramSize(h));
}

/** A range selector evaluated at the single step of an instant query. */
export async function evalMatrixSelector(ev: Evaluator, ms: MatrixSelector): Promise<SeriesData[]> {
  const vs = ms.vectorSelector;
  const lb = ev.opts.lookbackDelta;
  let maxt = ev.start - vs.offset;
  let mint = maxt - ms.range;
  const matrixMint = mint, matrixMaxt = maxt;
  if (vs.anchored) mint -= lb;
  else if (vs.smoothed) { mint -= lb; maxt += lb; }
  const cols = new Columns();
  const out: SeriesData[] = [];
  const y = ev.q.yielder;
  let it: SampleIterator | null = null;
  for (const s of ev.selectedSeries(vs)) {
    if (y.tick(64)) await y.pause();
    it = s.iterator(it);
    cols.load(it, mint, maxt, vs.skipHistogramBuckets ? new HistogramStatsReader() : null);
    const sd = new SeriesData(s.labels, false);
    for (let i = 0; i < cols.hN; i++) {
      sd.hT.push(cols.hT[i]!);
      sd.hV.push(cols.hV[i]!);
    }
    if ((vs.anchored || vs.smoothed) && cols.hN > 0) {
      throw new EvalError(`${vs.anchored ? 'anchored' : 'smoothed'} modifier is not supported with histograms`);
    }
    if (vs.anchored || vs.smoothed) {
      if (cols.fN > 0) extendFloats(cols, matrixMint, matrixMaxt, vs.smoothed, sd);
    } else {
      for (let i = 0; i < cols.fN; i++) {
        sd.fT.push(cols.fT[i]!);
        sd.fV.push(cols.fV[i]!);
      }
    }
    let hist = 0;
    for (let i = 0; i < sd.hV.length; i++) hist += histogramSize(sd.hV[i]!);
    ev.addSamples(cols.fN + hist);
    const total = sd.fT.length + hist;
    ev.stats.incrementSamplesAtTimestamp(ev.start, total);
    if (total > 0) out.push(sd);
  }
  ev.stats.updatePeak(ev.currentSamples);
  return out;
}

/** The floats of an anchored/smoothed range, with points added at both range boundaries. */
function extendFloats(cols: Columns, mint: number, maxt: number, smoothed: boolean, sd: SeriesData): void {
  const ft = cols.fT, fv = cols.fV;
  let last = cols.fN - 1;
  let first = 0;
  while (first < last && ft[first]! <= mint) first++;
  first = Math.max(0, first - 1);
  if (smoothed) {
    let k = 0;
    while (k < last && ft[k]! < maxt) k++;
    last = k;
  }
  if (ft[last]! <= mint) return;
  const left = smoothed && ft[first]! < mint ? interpolate(ft[first]!, fv[first]!, ft[first + 1]!, fv[first + 1]!, mint, false) : fv[first]!;
  const right = smoothed && last > 0 && ft[last]! > maxt ? interpolate(ft[last - 1]!, fv[last - 1]!, ft[last]!, fv[last]!, maxt, false) : fv[last]!;
  if (ft[first]! <= mint) first++;
  if (ft[last]! >= maxt) last--;
  sd.fT.push(mint);
  sd.fV.push(left);
  for (let i = first; i <= last; i++) {
    sd.fT.push(ft[i]!);
    sd.fV.push(fv[i]!);
  }
  sd.fT.push(maxt);
  sd.fV.push(right);
}
