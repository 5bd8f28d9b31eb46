/**
 * PromQL's function implementations, by name. `instant` functions run once per step on the
 * argument vectors; `range` functions run per series and step on a window of a range-vector
 * argument; `special` functions (label_replace, label_join, info, and those folded into
 * numbers before evaluation) are handled by the evaluator itself.
 */
import { absentOverTime, avgOverTime, countOverTime, firstOverTime, lastOverTime, madOverTime, maxOverTime, minOverTime, presentOverTime,
  quantileOverTime, stddevOverTime, stdvarOverTime, sumOverTime, tsOfFirstOverTime, tsOfLastOverTime, tsOfMaxOverTime, tsOfMinOverTime,
} from './over-time.js';
import { funcDelta, funcIncrease, funcRate } from './rate.js';
import { funcChanges, funcDeriv, funcDoubleExponentialSmoothing, funcIdelta, funcIrate, funcPredictLinear, funcResets } from './range-misc.js';
import {
  DATE_FUNCTIONS, funcClamp, funcClampMax, funcClampMin, funcMaxOf, funcMinOf, funcPi, funcRound, funcScalar, funcStartTimestamp, funcTime,
  funcTimestamp, funcVector, MATH_FUNCTIONS,
} from './instant.js';
import { funcHistogramFraction, funcHistogramQuantile, funcHistogramQuantiles, HISTOGRAM_STAT_FUNCTIONS } from './histograms.js';
import { funcAbsent, funcSort, funcSortByLabel, funcSortByLabelDesc, funcSortDesc } from './sorting.js';
import type { InstantFn, RangeFn } from './types.js';

export type FunctionImpl =
  /**
   * `elementwise`: each output sample depends only on one input sample of the first
   * argument (with its labels and time) and the scalar arguments at that step, so the
   * engine may apply the function series by series instead of step by step.
   */
  | { readonly kind: 'instant'; readonly fn: InstantFn; readonly elementwise: boolean }
  | { readonly kind: 'range'; readonly fn: RangeFn }
  | { readonly kind: 'special' };

const instant = (fn: InstantFn): FunctionImpl => ({ kind: 'instant', fn, elementwise: false });
const elementwise = (fn: InstantFn): FunctionImpl => ({ kind: 'instant', fn, elementwise: true });
const range = (fn: RangeFn): FunctionImpl => ({ kind: 'range', fn });
const special: FunctionImpl = { kind: 'special' };

const table = new Map<string, FunctionImpl>([
  ['absent', instant(funcAbsent)],
  ['absent_over_time', range(absentOverTime)],
  ['avg_over_time', range(avgOverTime)],
  ['changes', range(funcChanges)],
  ['clamp', elementwise(funcClamp)],
  ['clamp_max', elementwise(funcClampMax)],
  ['clamp_min', elementwise(funcClampMin)],
  ['count_over_time', range(countOverTime)],
  ['delta', range(funcDelta)],
  ['deriv', range(funcDeriv)],
  ['double_exponential_smoothing', range(funcDoubleExponentialSmoothing)],
  ['end', special],
  ['first_over_time', range(firstOverTime)],
  ['histogram_fraction', instant(funcHistogramFraction)],
  ['histogram_quantile', instant(funcHistogramQuantile)],
  ['histogram_quantiles', instant(funcHistogramQuantiles)],
  ['idelta', range(funcIdelta)],
  ['increase', range(funcIncrease)],
  ['info', special],
  ['irate', range(funcIrate)],
  ['label_join', special],
  ['label_replace', special],
  ['last_over_time', range(lastOverTime)],
  ['mad_over_time', range(madOverTime)],
  ['max_of', instant(funcMaxOf)],
  ['max_over_time', range(maxOverTime)],
  ['min_of', instant(funcMinOf)],
  ['min_over_time', range(minOverTime)],
  ['pi', instant(funcPi)],
  ['predict_linear', range(funcPredictLinear)],
  ['present_over_time', range(presentOverTime)],
  ['quantile_over_time', range(quantileOverTime)],
  ['range', special],
  ['rate', range(funcRate)],
  ['resets', range(funcResets)],
  ['round', elementwise(funcRound)],
  ['scalar', instant(funcScalar)],
  ['sort', instant(funcSort)],
  ['sort_by_label', instant(funcSortByLabel)],
  ['sort_by_label_desc', instant(funcSortByLabelDesc)],
  ['sort_desc', instant(funcSortDesc)],
  ['start', special],
  ['start_timestamp', instant(funcStartTimestamp)],
  ['stddev_over_time', range(stddevOverTime)],
  ['stdvar_over_time', range(stdvarOverTime)],
  ['step', special],
  ['sum_over_time', range(sumOverTime)],
  ['time', instant(funcTime)],
  ['timestamp', elementwise(funcTimestamp)],
  ['ts_of_first_over_time', range(tsOfFirstOverTime)],
  ['ts_of_last_over_time', range(tsOfLastOverTime)],
  ['ts_of_max_over_time', range(tsOfMaxOverTime)],
  ['ts_of_min_over_time', range(tsOfMinOverTime)],
  ['vector', instant(funcVector)],
]);
for (const [name, fn] of MATH_FUNCTIONS) table.set(name, elementwise(fn));
// Date functions are elementwise when given a vector; without one they read the step time.
for (const [name, fn] of DATE_FUNCTIONS) table.set(name, elementwise(fn));
for (const [name, fn] of HISTOGRAM_STAT_FUNCTIONS) table.set(name, elementwise(fn));

/** Every function of the parser's table, by name. */
export const FUNCTION_IMPLS: ReadonlyMap<string, FunctionImpl> = table;

/** Functions that accept `anchored` range selectors. */
export const ANCHORED_SAFE_FUNCTIONS: readonly string[] = ['changes', 'delta', 'increase', 'rate', 'resets'];
/** Functions that accept `smoothed` range selectors. */
export const SMOOTHED_SAFE_FUNCTIONS: readonly string[] = ['delta', 'increase', 'rate'];

export { labelsForAbsent } from './sorting.js';
export { quantile } from './quantile.js';
export { kahanInc, kahanC } from './kahan.js';
export { goSort, heapPush, heapFix, type Less } from './go-sort.js';
export { goPow } from './go-math.js';
export { interpolate, interpolateHistograms } from './rate-extended.js';
export * as hist from './histogram-ops.js';
export { IncompatibleSchemaError } from './histogram-ops.js';
export type { FnContext, InstantFn, NodeCache, RangeFn, Sample, Window } from './types.js';
