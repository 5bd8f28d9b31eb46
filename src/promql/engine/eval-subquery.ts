/**
 * Subqueries and step-invariant subtrees, each evaluated by a child evaluator on its own
 * grid. A subquery's grid is aligned to multiples of its step (Prometheus's alignment:
 * the first step strictly after start - offset - range, the last at the parent's last step
 * minus the offset). A step-invariant subtree is evaluated once at the start and its result
 * repeated at every step.
 */
import { CounterResetHint } from '../../model/index.js';
import type { StepInvariantExpr, SubqueryExpr } from '../parser/index.js';
import type { Evaluator } from './evaluator.js';
import { setOffsetForAtModifier } from './preprocess.js';
import type { QuerySamples } from './stats.js';
import { histogramSize, matrixSamples, matrixValue, type EvalValue, type SeriesData } from './types.js';

/** The child grid of a subquery evaluated inside `ev`. */
export function subqueryTimeRange(ev: Evaluator, e: SubqueryExpr): { start: number; end: number; interval: number } {
  const offset = e.offset;
  const range = e.range;
  let parentEnd = ev.end;
  if (ev.interval > 0) parentEnd = ev.start + Math.trunc((ev.end - ev.start) / ev.interval) * ev.interval;
  const end = parentEnd - offset;
  const interval = e.step !== 0 ? e.step : ev.opts.noStepSubqueryInterval(range);
  // Integer division truncating toward zero, as Go's does.
  const from = ev.start - offset - range;
  let start = interval * Math.trunc(from / interval);
  if (start <= from) start += interval;
  return { start, end, interval };
}

async function runSubquery(ev: Evaluator, e: SubqueryExpr): Promise<{ res: SeriesData[]; childStats: QuerySamples }> {
  const { start, end, interval } = subqueryTimeRange(ev, e);
  const childStats = ev.stats.newChild();
  const child = ev.child(start, end, interval, childStats);
  // The @ offsets were computed relative to the query start; redo them for this grid.
  if (start !== ev.start) setOffsetForAtModifier(start, e.expr);
  const res = await child.evalMatrix(e.expr);
  ev.currentSamples = child.currentSamples;
  ev.stats.updatePeakFromSubquery(childStats);
  return { res, childStats };
}

/** A subquery as the value of an expression (not as a function argument). */
export async function evalSubqueryExpr(ev: Evaluator, e: SubqueryExpr): Promise<SeriesData[]> {
  const { res, childStats } = await runSubquery(ev, e);
  ev.stats.incrementSamplesAtTimestamp(ev.end, childStats.totalSamples);
  return res;
}

/** A subquery argument of a range function, materialised, with the selector-like properties of its window. */
export interface SubqueryMatrix {
  series: SeriesData[];
  range: number;
  offset: number;
  timestamp: number | null;
  /** Samples held by the result, released when the function is done. */
  samples: number;
}

export async function evalSubqueryArg(ev: Evaluator, e: SubqueryExpr): Promise<SubqueryMatrix> {
  const mat = (await runSubquery(ev, e)).res;
  // Explicit counter-reset hints would be wrong for the subquery's resampled points: a reset
  // between them may be missed, or seen several times. Treat them as unknown, as for floats.
  for (const s of mat) {
    const hv = s.hV;
    for (let i = 0; i < hv.length; i++) {
      const h = hv[i]!;
      if (h.counterResetHint === CounterResetHint.CounterReset || h.counterResetHint === CounterResetHint.NotCounterReset) {
        hv[i] = { ...h, counterResetHint: CounterResetHint.Unknown };
      }
    }
  }
  const offset = e.timestamp !== null ? e.originalOffset + (ev.start - e.timestamp) : e.offset;
  return { series: mat, range: e.range, offset, timestamp: e.timestamp, samples: matrixSamples(mat) };
}

export async function evalStepInvariant(ev: Evaluator, e: StepInvariantExpr): Promise<EvalValue> {
  const childStats = ev.stats.newChild();
  const child = ev.child(ev.start, ev.start, ev.interval, childStats);
  const res = await child.eval(e.expr);
  ev.currentSamples = child.currentSamples;
  ev.stats.updatePeakFromSubquery(childStats);
  if (ev.stats.tracksSteps) for (let step = 0; step < ev.numSteps; step++) ev.stats.incrementSamplesAtStep(step, childStats.totalSamples);
  else ev.stats.totalSamples += childStats.totalSamples * ev.numSteps;
  if (e.expr.kind === 'MatrixSelector' || e.expr.kind === 'SubqueryExpr') return res;
  if (res.kind === 'scalar') return { kind: 'scalar', v: ev.stepArray().fill(res.v[0] ?? NaN) };
  if (res.kind !== 'matrix') return res;
  const y = ev.q.yielder;
  for (const s of res.m) {
    if (y.tick(ev.numSteps)) await y.pause();
    // Counted before the copies are made, so that a grid too long to hold fails at once.
    if (s.fT.length > 0) {
      ev.addSamples(ev.numSteps - 1);
      const f = s.fV[0]!;
      for (let step = 1; step < ev.numSteps; step++) {
        if ((step & 65535) === 0 && y.tick(65536)) await y.pause();
        s.fT.push(ev.stepTs(step));
        s.fV.push(f);
      }
    } else if (s.hT.length > 0) {
      const h = s.hV[0]!;
      ev.addSamples((ev.numSteps - 1) * histogramSize(h));
      for (let step = 1; step < ev.numSteps; step++) {
        s.hT.push(ev.stepTs(step));
        s.hV.push(h);
      }
    }
  }
  ev.stats.updatePeak(ev.currentSamples);
  return matrixValue(res.m);
}

