/**
 * Function calls. Instant-vector functions go through the per-step path; range-vector
 * functions are evaluated series by series: each series' samples for the whole grid are
 * loaded once into columns, and a window (t - offset - range, t - offset] slides over them
 * with two cursors, so every sample is read once however many steps overlap it.
 */
import { Labels } from '../../model/index.js';
import type { SampleIterator, Series as StorageSeries } from '../../storage/index.js';
import { positionRange, type Call, type Expr, type MatrixSelector, type PositionRange } from '../parser/index.js';
import { ANCHORED_SAFE_FUNCTIONS, FUNCTION_IMPLS, labelsForAbsent, SMOOTHED_SAFE_FUNCTIONS, type RangeFn, type Window } from '../functions/index.js';
import { floatExtrapolatedRate } from '../functions/rate.js';
import { annos } from './annotations.js';
import { Columns, type LoadSchedule } from './columns.js';
import { HistogramStatsReader } from './histogram-stats.js';
import { DUPLICATE_LABELSET, EvalError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { evalClassicHistogramFunction } from './eval-classic-histogram.js';
import { canEvalElementwise, evalElementwise } from './eval-elementwise.js';
import { evalInfo } from './eval-info.js';
import { evalLabelJoin, evalLabelReplace, evalTimestampOverSelector } from './eval-labels.js';
import { evalSubqueryArg, type SubqueryMatrix } from './eval-subquery.js';
import { dropMetadata, matrixContainsSameLabelset, TYPE_LABEL } from './labels-util.js';
import { RangeFnContext, rangeEval } from './range-eval.js';
import { exactArray, histogramSize, matrixValue, SeriesData, type EvalValue } from './types.js';

const SORT_FUNCTIONS = new Set(['sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc']);
const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];
/** The functions that use start timestamps (use-start-timestamps). */
const ST_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'resets']);

/**
 * Receives the series a range-vector function produces, one by one, instead of a matrix
 * (for an aggregation that folds them at once, see eval-aggregate-fused.ts).
 */
export type SeriesSink = (s: SinkSeries) => void;

/** A function output series handed to a sink: float points in scratch columns (valid during the call). */
export interface SinkSeries {
  metric: Labels;
  dropName: boolean;
  fT: Float64Array;
  fV: Float64Array;
  fN: number;
  /** Whether the function produced histogram points (not in the columns). */
  histograms: boolean;
}

export async function evalCall(ev: Evaluator, e: Call, sink: SeriesSink | null = null): Promise<EvalValue> {
  const name = e.func.name;
  const a0 = e.args[0];
  if ((name === 'timestamp' || name === 'start_timestamp') && a0 !== undefined && a0.kind === 'VectorSelector') {
    return matrixValue(await evalTimestampOverSelector(ev, a0, name === 'start_timestamp'));
  }
  let matrixIdx = -1;
  let subq: SubqueryMatrix | null = null;
  for (let i = 0; i < e.args.length; i++) {
    const a = e.args[i]!;
    if (a.kind === 'MatrixSelector') { matrixIdx = i; break; }
    if (a.kind === 'SubqueryExpr') {
      matrixIdx = i;
      subq = await evalSubqueryArg(ev, a);
      break;
    }
  }
  try {
    switch (name) {
      case 'label_replace': return matrixValue(await evalLabelReplace(ev, e.args));
      case 'label_join': return matrixValue(await evalLabelJoin(ev, e.args));
      case 'info': return matrixValue(await evalInfo(ev, e.args));
      default: break;
    }
    const impl = FUNCTION_IMPLS.get(name);
    if (impl === undefined || impl.kind === 'special') throw new EvalError(`unexpected function ${name} at evaluation`);
    if (SORT_FUNCTIONS.has(name) && ev.start !== ev.end) ev.annos.add(annos.sortInRangeQuery(positionRange(e)));
    if (impl.kind === 'instant') {
      if ((name === 'histogram_quantile' || name === 'histogram_fraction') && !ev.isInstant) return await evalClassicHistogramFunction(ev, e);
      const fn = impl.fn;
      if (impl.elementwise && canEvalElementwise(ev, e)) return matrixValue(await evalElementwise(ev, e, fn));
      const args = e.args;
      const exprs = args.map((a) => (a.kind === 'StringLiteral' ? null : a));
      const m = await rangeEval(ev, null, (vecs, _sigs, enh) => { fn(vecs, args, enh); }, exprs);
      if (e.func.returnType === 'scalar') return { kind: 'scalar', v: toDense(ev, m) };
      return matrixValue(m);
    }
    if (matrixIdx < 0) throw new EvalError(`function ${name} has no range-vector argument`);
    return matrixValue(await evalRangeCall(ev, e, impl.fn, matrixIdx, subq, sink));
  } finally {
    if (subq !== null) ev.currentSamples -= subq.samples;
  }
}

function toDense(ev: Evaluator, m: SeriesData[]): Float64Array {
  const out = ev.stepArray().fill(NaN);
  const s = m[0];
  if (s !== undefined) for (let i = 0; i < s.fT.length; i++) out[Math.round((s.fT[i]! - ev.start) / ev.interval)] = s.fV[i]!;
  return out;
}

/** Where the range-vector argument's samples come from. */
interface RangeSource {
  range: number;
  offset: number;
  timestamp: number | null;
  anchored: boolean;
  smoothed: boolean;
  pos: PositionRange;
  count: number;
  labels(i: number): Labels;
  dropName(i: number): boolean;
  load(i: number, cols: Columns, sched: LoadSchedule): void;
}

function selectorSource(ev: Evaluator, ms: MatrixSelector): RangeSource {
  const vs = ms.vectorSelector;
  const series: StorageSeries[] = ev.selectedSeries(vs);
  let it: SampleIterator | null = null;
  return {
    range: ms.range, offset: vs.offset, timestamp: vs.timestamp, anchored: vs.anchored, smoothed: vs.smoothed,
    pos: positionRange(ms), count: series.length,
    labels: (i) => series[i]!.labels,
    dropName: () => false,
    load: (i, cols, sched) => {
      it = series[i]!.iterator(it);
      cols.loadSteps(it, sched, vs.skipHistogramBuckets ? new HistogramStatsReader() : null);
    },
  };
}

function subquerySource(sq: SubqueryMatrix): RangeSource {
  return {
    range: sq.range, offset: sq.offset, timestamp: sq.timestamp, anchored: false, smoothed: false,
    // The materialised subquery stands in for a selector without a position, as in Prometheus.
    pos: { start: 0, end: 0 }, count: sq.series.length,
    labels: (i) => sq.series[i]!.metric,
    dropName: (i) => sq.series[i]!.dropName,
    load: (i, cols) => {
      const s = sq.series[i]!;
      cols.loadSeries(s.fT, s.fV, s.hT, s.hV);
    },
  };
}

async function evalRangeCall(
  ev: Evaluator, e: Call, fn: RangeFn, matrixIdx: number, subq: SubqueryMatrix | null, sink: SeriesSink | null,
): Promise<SeriesData[]> {
  const name = e.func.name;
  const scalarArgs: Float64Array[] = [];
  for (let i = 0; i < e.args.length; i++) if (i !== matrixIdx) scalarArgs.push(await ev.evalScalar(e.args[i]!));
  const src = subq !== null ? subquerySource(subq) : selectorSource(ev, e.args[matrixIdx] as MatrixSelector);
  if (src.anchored && !ANCHORED_SAFE_FUNCTIONS.includes(name)) {
    throw new EvalError(`anchored modifier can only be used with: ${ANCHORED_SAFE_FUNCTIONS.join(', ')} - not with ${name}`);
  }
  if (src.smoothed && !SMOOTHED_SAFE_FUNCTIONS.includes(name)) {
    throw new EvalError(`smoothed modifier can only be used with: ${SMOOTHED_SAFE_FUNCTIONS.join(', ')} - not with ${name}`);
  }
  const lb = ev.opts.lookbackDelta;
  const extraBefore = src.anchored || src.smoothed ? lb : 0;
  const extraAfter = src.smoothed ? lb : 0;
  const pinned = src.timestamp !== null;
  const firstMaxt = ev.start - src.offset;
  const dropName = name !== 'last_over_time' && name !== 'first_over_time';
  const delayed = ev.opts.delayedNameRemoval;
  const checkCounter = name === 'rate' || name === 'increase';
  // Annotations point at the first argument, which a subquery argument leaves without position.
  const argPos = subq !== null && matrixIdx === 0 ? src.pos : positionRange(e.args[0]!);
  const bufferRange = src.range + extraBefore + extraAfter;
  const sched: LoadSchedule = {
    firstMaxt: firstMaxt + extraAfter, interval: ev.interval, steps: pinned ? 1 : ev.numSteps,
    bufferRange, stepRange: Math.min(bufferRange, ev.interval),
  };
  const cols = new Columns();
  cols.trackST = ev.opts.useStartTimestamps && subq === null && ST_FUNCTIONS.has(name);
  const findResets = name === 'rate' || name === 'increase';
  // rate/increase/delta over float-only series slide their windows here and compute each
  // step's value directly (floatExtrapolatedRate, the function's own arithmetic) instead of
  // calling the function through the window and emit context at every step.
  const directRate = (name === 'rate' || name === 'increase' || name === 'delta') && !src.anchored && !src.smoothed && !pinned && !cols.trackST;
  const rateIsCounter = name !== 'delta', rateIsRate = name === 'rate';
  const enh = new RangeFnContext(delayed, ev.annos);
  const scalars: number[] = new Array<number>(scalarArgs.length).fill(0);
  const w: Window = {
    metric: Labels.EMPTY, fT: cols.fT, fV: cols.fV, fLo: 0, fHi: 0, hT: cols.hT, hV: cols.hV, hLo: 0, hHi: 0,
    fResets: null, fResetsN: 0, fST: null, hST: null, range: src.range, offset: src.offset, anchored: src.anchored, smoothed: src.smoothed, pos: argPos,
  };
  const out: SeriesData[] = [];
  const y = ev.q.yielder;
  const base = ev.currentSamples;
  const steps = ev.numSteps, start = ev.start, interval = ev.interval;
  const offset = src.offset, range = src.range;
  const perStepStats = ev.stats.tracksSteps;
  const sinkKeys = sink !== null ? new Set<string>() : null;
  // Work done since the last report to the yielder (reported in batches).
  let units = 0;
  // Float outputs go to scratch columns reused from series to series: handed to the sink, or
  // copied into exact-size arrays when the series is done (pushing step by step grows and
  // copies them). Instant queries make their one-point arrays directly; grids with more
  // steps than the sample limit could never be held whole and keep pushing.
  const fOut: SinkSeries | null = sink !== null || (steps > 1 && steps <= ev.opts.maxSamples) ? {
    metric: Labels.EMPTY, dropName: false, fT: ev.stepArray(), fV: ev.stepArray(), fN: 0, histograms: false,
  } : null;
  let outSamples = 0;
  // The output label sets need the duplicate check (a string key per series) only when
  // dropping the name could make two of them equal. A selector's series are distinct, and
  // stay so when each loses nothing or the same one label (one __name__ value, no
  // __type__/__unit__); `sameDrop` says that held for every series so far.
  let sameDrop = subq === null;
  let dropCount = -1;
  let droppedName = '';
  const emitted: number[] = [];
  // The last metric name checked for looking like a counter's: the series of a selector
  // mostly share one, and the check depends on nothing else (without type-and-unit labels).
  let counterChecked: string | null = null;
  for (let i = 0; i < src.count; i++) {
    if (y.tick()) await y.pause();
    src.load(i, cols, sched);
    const labels = src.labels(i);
    const seriesDropName = dropName || src.dropName(i);
    const metric = !delayed && seriesDropName ? dropMetadata(labels) : labels;
    // Made at the first point that needs it: with a sink only histogram points do, and an
    // instant query's series get exact-size columns.
    let sd: SeriesData | null = null;
    if (sameDrop && !delayed) {
      const d = labels.length - metric.length;
      const name = d === 1 ? labels.metricName() : '';
      if (dropCount < 0) {
        dropCount = d;
        droppedName = name;
      }
      if (d !== dropCount || d > 1 || (d === 1 && (droppedName === '' || name !== droppedName))) {
        sameDrop = false;
        // From here on keys are checked: those of the series already passed on first.
        if (sinkKeys !== null) for (const j of emitted) sinkKeys.add(dropMetadata(src.labels(j)).key());
      }
    }
    w.metric = labels;
    w.fT = cols.fT; w.fV = cols.fV; w.hT = cols.hT; w.hV = cols.hV;
    w.fST = cols.fST; w.hST = cols.hST;
    if (findResets) {
      cols.findResets();
      w.fResets = cols.fResets;
      w.fResetsN = cols.fResetsN;
    }
    let fLo = 0, fHi = 0, hLo = 0, hHi = 0, hSize = 0;
    let maxWindow = 0, totalWindow = 0;
    if (fOut !== null) fOut.fN = 0;
    const hasH = cols.hN > 0;
    const fT = cols.fT, fN = cols.fN;
    if (directRate && !hasH) {
      const fV = cols.fV, resets = findResets ? cols.fResets : null, resetsN = cols.fResetsN;
      for (let step = 0; step < steps; step++) {
        // Work is reported before the step, not within it: no number computed in the step
        // lives across the await, so none is kept (boxed) in the async function's context.
        if (units >= 1024) {
          const u = units;
          units = 0;
          if (y.tick(u)) await y.pause();
        }
        const ts = start + step * interval;
        const maxt = ts - offset;
        const mint = ts - offset - range;
        while (fLo < fN && fT[fLo]! <= mint) fLo++;
        if (fHi < fLo) fHi = fLo;
        while (fHi < fN && fT[fHi]! <= maxt) fHi++;
        const windowSamples = fHi - fLo;
        units += windowSamples + 1;
        if (windowSamples === 0) continue;
        if (windowSamples > maxWindow) maxWindow = windowSamples;
        totalWindow += windowSamples;
        if (perStepStats) ev.stats.incrementSamplesAtStep(step, windowSamples);
        // One sample gives no rate.
        if (windowSamples < 2) continue;
        const v = floatExtrapolatedRate(fT, fV, fLo, fHi, resets, resetsN, ts - (range + offset), maxt, range, rateIsCounter, rateIsRate);
        if (fOut !== null) {
          fOut.fT[fOut.fN] = ts;
          fOut.fV[fOut.fN++] = v;
        } else if (sd === null) {
          sd = new SeriesData(metric, seriesDropName, [ts], [v]);
        } else {
          sd.fT.push(ts);
          sd.fV.push(v);
        }
      }
    } else {
      for (let step = 0; step < steps; step++) {
        // As above: the work is reported before the step.
        if (units >= 1024) {
          const u = units;
          units = 0;
          if (y.tick(u)) await y.pause();
        }
        const ts = start + step * interval;
        if (step === 0 || !pinned) {
          const maxt = ts - offset + extraAfter;
          const mint = ts - offset - range - extraBefore;
          while (fLo < fN && fT[fLo]! <= mint) fLo++;
          if (fHi < fLo) fHi = fLo;
          while (fHi < fN && fT[fHi]! <= maxt) fHi++;
          if (hasH) {
            while (hHi < cols.hN && cols.hT[hHi]! <= maxt) hSize += histogramSize(cols.hV[hHi++]!);
            while (hLo < cols.hN && cols.hT[hLo]! <= mint) { if (hLo < hHi) hSize -= histogramSize(cols.hV[hLo]!); hLo++; }
            if (hHi < hLo) { hHi = hLo; hSize = 0; }
          }
        }
        const windowSamples = (fHi - fLo) + hSize;
        units += windowSamples + 1;
        if (windowSamples === 0) continue;
        if (windowSamples > maxWindow) maxWindow = windowSamples;
        totalWindow += windowSamples;
        if (perStepStats) ev.stats.incrementSamplesAtStep(step, windowSamples);
        for (let k = 0; k < scalarArgs.length; k++) scalars[k] = scalarArgs[k]![step]!;
        w.fLo = fLo; w.fHi = fHi; w.hLo = hLo; w.hHi = hHi;
        enh.ts = ts;
        enh.has = false;
        fn(w, scalars, e, enh);
        if (enh.has) {
          if (enh.h !== null) {
            sd ??= new SeriesData(metric, seriesDropName);
            sd.hT.push(ts);
            sd.hV.push(enh.h);
          } else if (fOut !== null) {
            fOut.fT[fOut.fN] = ts;
            fOut.fV[fOut.fN++] = enh.f;
          } else if (sd === null) {
            sd = new SeriesData(metric, seriesDropName, [ts], [enh.f]);
          } else {
            sd.fT.push(ts);
            sd.fV.push(enh.f);
          }
        }
      }
    }
    // The series' largest window was held with everything output so far, as Prometheus counts.
    ev.currentSamples = base + outSamples + maxWindow;
    ev.checkSamples();
    ev.stats.updatePeak(ev.currentSamples);
    if (!perStepStats) ev.stats.totalSamples += totalWindow;
    if (sink === null && fOut !== null && fOut.fN > 0) {
      const ft = exactArray(fOut.fT, fOut.fN), fv = exactArray(fOut.fV, fOut.fN);
      if (sd === null) {
        sd = new SeriesData(metric, seriesDropName, ft, fv);
      } else {
        sd.fT = ft;
        sd.fV = fv;
      }
      fOut.fN = 0;
    }
    const floats = (sd !== null ? sd.fT.length : 0) + (sink !== null ? fOut!.fN : 0);
    let n = floats;
    if (sd !== null) for (let k = 0; k < sd.hV.length; k++) n += histogramSize(sd.hV[k]!);
    ev.currentSamples = base + outSamples;
    if (n > 0) {
      ev.addSamples(n);
      outSamples += n;
      if (sink === null) out.push(sd!);
      else {
        // The matrix is not kept, but its label sets must still be distinct.
        if (!delayed && sinkKeys !== null) {
          if (sameDrop) {
            emitted.push(i);
          } else {
            const k = metric.key();
            if (sinkKeys.has(k)) throw new EvalError(DUPLICATE_LABELSET);
            sinkKeys.add(k);
          }
        }
        fOut!.metric = metric;
        fOut!.dropName = seriesDropName;
        fOut!.histograms = sd !== null && sd.hT.length > 0;
        sink(fOut!);
      }
    }
    ev.stats.updatePeak(ev.currentSamples);
    if (checkCounter && floats > 0) {
      if (ev.opts.typeAndUnitLabels) {
        noteNonCounter(ev, labels, argPos);
      } else {
        const name = labels.metricName();
        if (name !== counterChecked) {
          counterChecked = name;
          noteNonCounter(ev, labels, argPos);
        }
      }
    }
  }
  ev.currentSamples = base + outSamples;
  if (name === 'absent_over_time') return absentOverTime(ev, out, e.args[0]!, dropName);
  if (!delayed && !sameDrop && matrixContainsSameLabelset(out)) throw new EvalError(DUPLICATE_LABELSET);
  return out;
}

/** rate/increase of a float series whose name does not look like a counter's: an info. */
function noteNonCounter(ev: Evaluator, labels: Labels, pos: PositionRange): void {
  const metricName = labels.metricName();
  if (metricName === '') return;
  if (ev.opts.typeAndUnitLabels) {
    const t = labels.get(TYPE_LABEL);
    if (t !== 'counter' && t !== 'histogram') ev.annos.add(annos.possibleNonCounterLabel(metricName, t, pos));
    return;
  }
  for (const suffix of COUNTER_SUFFIXES) if (metricName.endsWith(suffix)) return;
  ev.annos.add(annos.possibleNonCounter(metricName, pos));
}

/** absent_over_time: 1 at the steps where no input series had a sample. */
function absentOverTime(ev: Evaluator, mat: SeriesData[], arg: Expr, dropName: boolean): SeriesData[] {
  const steps = ev.numSteps;
  for (const s of mat) if (s.numPoints === steps) return [];
  const found = new Uint8Array(steps);
  let nFound = 0;
  for (const s of mat) {
    for (const t of s.fT) { const k = Math.round((t - ev.start) / ev.interval); if (found[k] === 0) { found[k] = 1; nFound++; } }
    for (const t of s.hT) { const k = Math.round((t - ev.start) / ev.interval); if (found[k] === 0) { found[k] = 1; nFound++; } }
  }
  if (nFound === steps) return [];
  const sd = new SeriesData(labelsForAbsent(arg), dropName);
  for (let k = 0; k < steps; k++) {
    if (found[k] === 0) { sd.fT.push(ev.stepTs(k)); sd.fV.push(1); }
  }
  return [sd];
}
