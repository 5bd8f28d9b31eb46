/**
 * topk, bottomk, limitk and limit_ratio (which keep whole input samples, chosen per group
 * with Go's heap so that ties break as in Prometheus) and count_values.
 */
import type { Labels } from '../../model/index.js';
import { formatFloatG } from '../../model/index.js';
import { positionRange, type AggregateExpr } from '../parser/index.js';
import { goSort, heapFix, heapPush, type Less } from '../functions/index.js';
import { histogramString } from '../functions/histogram-ops.js';
import { annos } from './annotations.js';
import { EvalError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import type { FParams, Group, KCollector, StepCursor } from './aggregate-state.js';
import { formatFloatF } from './format.js';
import { groupingKey, groupingLabels, withLabel } from './labels-util.js';
import type { NodeHelper } from './range-eval.js';
import type { Sample, SeriesData } from './types.js';
import { labelsHashFraction } from './xxhash.js';

const MAX_INT64 = 9223372036854774784;
const MIN_INT64 = -9223372036854775808;

/** Validates the k or ratio parameter; false when nothing can be selected at any step. */
export function checkKParams(ev: Evaluator, e: AggregateExpr, p: FParams): boolean {
  if (e.op === 'limit_ratio') {
    if (p.max === 0 && p.min === 0) return false;
    if (p.hasNaN) throw new EvalError('Ratio value is NaN');
    const pos = positionRange(e.param!);
    if (p.max > 1) ev.annos.add(annos.invalidRatio(p.max, 1, pos));
    if (p.min < -1) ev.annos.add(annos.invalidRatio(p.min, -1, pos));
    return true;
  }
  if (p.max < 1) return false;
  if (p.hasNaN) throw new EvalError('Parameter value is NaN');
  if (p.min <= MIN_INT64) throw new EvalError(`Scalar value ${formatFloatG(p.min)} underflows int64`);
  if (p.max >= MAX_INT64) throw new EvalError(`Scalar value ${formatFloatG(p.max)} overflows int64`);
  return true;
}

/** The top of a topk heap is its smallest value (NaN counts as smallest). */
const topLess: Less<Sample> = (a, b) => Number.isNaN(a.f) || a.f < b.f;
const bottomLess: Less<Sample> = (a, b) => Number.isNaN(a.f) || a.f > b.f;

function addRatioSample(ratio: number, s: Sample): boolean {
  const off = labelsHashFraction(s.metric);
  return (ratio >= 0 && off < ratio) || (ratio < 0 && off >= 1 + ratio);
}

type KGroup = Group & { kheap?: Sample[] };

export function aggregationK(
  ev: Evaluator, e: AggregateExpr, param: number, input: readonly SeriesData[], seriesToGroup: Int32Array, groups: Group[],
  cursor: StepCursor, ts: number, out: KCollector,
): void {
  const op = e.op;
  const pos = e.posRange;
  let remaining = groups.length;
  for (const g of groups) g.seen = false;
  const advanceRest = (from: number): void => {
    for (let i = from; i < input.length; i++) cursor.next(i, ts);
  };
  for (let si = 0; si < input.length; si++) {
    if (!cursor.next(si, ts)) continue;
    const s: Sample = { metric: input[si]!.metric, t: ts, f: cursor.f, h: cursor.h, dropName: input[si]!.dropName };
    let k = 0, r = 0;
    if (op === 'limit_ratio') {
      if (param === 0) { advanceRest(si + 1); return; }
      r = param < -1 ? -1 : param > 1 ? 1 : param;
    } else {
      k = Math.min(Math.trunc(param), input.length);
      if (k < 1) { advanceRest(si + 1); return; }
    }
    const g = groups[seriesToGroup[si]!]! as KGroup;
    if (!g.seen) {
      g.seen = true;
      g.complete = false;
      const heap: Sample[] = [];
      g.kheap = heap;
      switch (op) {
        case 'limit_ratio': if (addRatioSample(r, s)) heap.push(s); break;
        case 'limitk': heap.push(s); break;
        case 'topk': case 'bottomk':
          if (s.h !== null) {
            g.seen = false;
            ev.annos.add(annos.histogramIgnoredInAggregation(op, pos));
          } else {
            heapPush(heap, s, op === 'topk' ? topLess : bottomLess);
          }
          break;
        default: break;
      }
      continue;
    }
    const heap = g.kheap!;
    switch (op) {
      case 'topk':
        if (s.h !== null) ev.annos.add(annos.histogramIgnoredInAggregation('topk', pos));
        else if (heap.length < k) heapPush(heap, s, topLess);
        else if (heap[0]!.f < s.f || (Number.isNaN(heap[0]!.f) && !Number.isNaN(s.f))) {
          heap[0] = s;
          if (k > 1) heapFix(heap, 0, topLess);
        }
        break;
      case 'bottomk':
        if (s.h !== null) ev.annos.add(annos.histogramIgnoredInAggregation('bottomk', pos));
        else if (heap.length < k) heapPush(heap, s, bottomLess);
        else if (heap[0]!.f > s.f || (Number.isNaN(heap[0]!.f) && !Number.isNaN(s.f))) {
          heap[0] = s;
          if (k > 1) heapFix(heap, 0, bottomLess);
        }
        break;
      case 'limitk':
        if (heap.length < k) heapPush(heap, s, topLess);
        if (!g.complete && heap.length === k) {
          g.complete = true;
          if (--remaining === 0) { advanceRest(si + 1); si = input.length; }
        }
        break;
      case 'limit_ratio':
        if (addRatioSample(r, s)) heapPush(heap, s, topLess);
        break;
      default: throw new Error(`expected aggregation operator but got "${op}"`);
    }
  }
  for (const g0 of groups) {
    const g = g0 as KGroup;
    if (!g.seen) continue;
    const heap = g.kheap!;
    if (op === 'topk' && heap.length > 1) goSort(heap, (a, b) => topLess(b, a));
    else if (op === 'bottomk' && heap.length > 1) goSort(heap, (a, b) => bottomLess(b, a));
    for (const s of heap) out.add(s.metric, ts, s.f, s.h, s.dropName);
  }
}

/** count_values: one output series per distinct value (per group), counting the samples. */
export function countValues(e: AggregateExpr, grouping: readonly string[], valueLabel: string, vec: readonly Sample[], enh: NodeHelper): void {
  const counts = new Map<string, { labels: Labels; count: number }>();
  for (const s of vec) {
    const v = s.h === null ? formatFloatF(s.f) : histogramString(s.h);
    const metric = withLabel(s.metric, valueLabel, v);
    const key = groupingKey(metric, grouping, e.without);
    const g = counts.get(key);
    if (g === undefined) counts.set(key, { labels: groupingLabels(metric, grouping, e.without), count: 1 });
    else g.count++;
  }
  for (const g of counts.values()) enh.emit(g.labels, g.count, null, false);
}
