/**
 * `sum by (...) (rate(x[5m]))`, `count by (...) (x)` and the like, in instant and range
 * evaluations: the aggregation folds each series the range function or the selector
 * produces as soon as it is computed, so their output matrix is never built. Results,
 * errors and annotations are those of the two-stage evaluation (samples are counted as if
 * the matrix existed; groups appear in the order of their first series, as there). The
 * fold needs float-only series: when a histogram shows up, everything done so far is
 * rolled back and the expression is evaluated the ordinary way.
 */
import type { AggregateExpr, Call, Expr, VectorSelector } from '../parser/index.js';
import { FUNCTION_IMPLS } from '../functions/index.js';
import { ColumnarAggregator, COLUMNAR_OPS } from './aggregate-columnar.js';
import type { Evaluator } from './evaluator.js';
import { evalCall, type SinkSeries } from './eval-call.js';
import { evalVectorSelector } from './eval-selectors.js';
import { GroupIndex } from './group-index.js';
import { groupingLabels } from './labels-util.js';
import { matrixSamples, SeriesData } from './types.js';

class FusionAbort extends Error {
  override readonly name = 'FusionAbort';
}

function unwrap(e: Expr): Expr {
  while (e.kind === 'ParenExpr') e = e.expr;
  return e;
}

/** The range-function call or plain vector selector an aggregation can fold on the fly, or null. */
function fusableInput(e: AggregateExpr): Call | VectorSelector | null {
  if (!COLUMNAR_OPS.has(e.op)) return null;
  const inner = unwrap(e.expr);
  if (inner.kind === 'VectorSelector') return inner.smoothed ? null : inner;
  if (inner.kind !== 'Call' || inner.func.name === 'absent_over_time') return null;
  return FUNCTION_IMPLS.get(inner.func.name)?.kind === 'range' ? inner : null;
}

/**
 * Evaluates the aggregation with its range function fused in; null when the expression does
 * not have that shape or the input turned out to hold histograms (then nothing has changed).
 */
export async function evalFusedAggregate(ev: Evaluator, e: AggregateExpr, grouping: readonly string[], maxCells: number): Promise<SeriesData[] | null> {
  const input = fusableInput(e);
  if (input === null) return null;
  const annos = ev.annos.snapshot();
  const stats = ev.stats.snapshot();
  const original = ev.currentSamples;
  const groups = new GroupIndex(grouping, e.without);
  const result: SeriesData[] = [];
  const agg = new ColumnarAggregator(e.op, ev.start, ev.interval, ev.numSteps);
  const sink = (s: SinkSeries): void => {
    if (s.histograms) throw new FusionAbort();
    const g = groups.groupOf(s.metric);
    if (groups.created) {
      if ((g + 1) * ev.numSteps > maxCells) throw new FusionAbort();
      result.push(new SeriesData(groupingLabels(s.metric, grouping, e.without), false));
    }
    agg.addColumns(s.fT, s.fV, s.fN, s.dropName, g);
  };
  try {
    if (input.kind === 'VectorSelector') await evalVectorSelector(ev, input, sink);
    else await evalCall(ev, input, sink);
  } catch (err) {
    if (!(err instanceof FusionAbort)) throw err;
    ev.annos.restore(annos);
    ev.stats.restore(stats);
    ev.currentSamples = original;
    return null;
  }
  agg.finish(result);
  const out = result.filter((s) => s.numPoints > 0);
  ev.currentSamples = original + matrixSamples(out);
  ev.stats.updatePeak(ev.currentSamples);
  return out;
}
