/**
 * Aggregations. Each input series is mapped to its group once; then at each step every
 * series' value at that step is folded into its group, as Prometheus does it (so the order
 * of additions, and with it the floating-point result, is the same): Kahan sums, a mean
 * that falls back to incremental form where the sum would overflow, Welford variance,
 * histograms summed with the histogram library, mixtures annotated.
 */
import { isValidLabelName, type FloatHistogram } from '../../model/index.js';
import { exprToString, positionRange, type AggregateExpr, type Expr, type StringLiteral } from '../parser/index.js';
import { addInPlace, compactInPlace, copyHistogram, divInPlace, hasOverflow, IncompatibleSchemaError, kahanAddInPlace, mulInPlace } from '../functions/histogram-ops.js';
import { kahanC, kahanInc, quantile } from '../functions/index.js';
import { ColumnarAggregator, COLUMNAR_OPS } from './aggregate-columnar.js';
import { annos } from './annotations.js';
import { EvalError, tooManySamplesError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { aggregationK, checkKParams, countValues } from './eval-aggregate-k.js';
import { evalFusedAggregate } from './eval-aggregate-fused.js';
import { GroupIndex } from './group-index.js';
import { groupingLabels } from './labels-util.js';
import { rangeEval } from './range-eval.js';
import { matrixSamples, SeriesData } from './types.js';
import { FParams, Group, KCollector, StepCursor } from './aggregate-state.js';

/** Largest groups × steps the columnar aggregation keeps state for. */
export const MAX_COLUMNAR_CELLS = 4_000_000;

async function evalParams(ev: Evaluator, param: Expr | null): Promise<FParams> {
  if (param === null) return new FParams(null, false);
  return new FParams(await ev.evalScalar(param), param.kind === 'NumberLiteral');
}

export async function evalAggregate(ev: Evaluator, e: AggregateExpr): Promise<SeriesData[]> {
  let grouping = e.grouping.slice().sort();
  if (e.op === 'count_values') {
    const valueLabel = (e.param as StringLiteral).val;
    if (!isValidLabelName(valueLabel)) throw new EvalError(`invalid label name ${exprToString(e.param!)}`);
    if (!e.without) grouping = [...grouping, valueLabel].sort();
    const g = grouping;
    return rangeEval(ev, null, (v, _s, enh) => { countValues(e, g, valueLabel, v[0]!, enh); }, [e.expr]);
  }
  const fused = await evalFusedAggregate(ev, e, grouping, MAX_COLUMNAR_CELLS);
  if (fused !== null) return fused;
  const original = ev.currentSamples;
  const params = await evalParams(ev, e.param);
  const input = await ev.evalMatrix(e.expr);
  const result = await rangeEvalAgg(ev, e, grouping, input, params);
  ev.currentSamples = original + matrixSamples(result);
  ev.stats.updatePeak(ev.currentSamples);
  return result;
}

async function rangeEvalAgg(ev: Evaluator, e: AggregateExpr, grouping: string[], input: SeriesData[], params: FParams): Promise<SeriesData[]> {
  const isK = e.op === 'topk' || e.op === 'bottomk' || e.op === 'limitk' || e.op === 'limit_ratio';
  const groupIndex = new GroupIndex(grouping, e.without);
  const seriesToGroup = new Int32Array(input.length);
  const result: SeriesData[] = [];
  for (let i = 0; i < input.length; i++) {
    const s = input[i]!;
    if (ev.q.yielder.tick(8)) await ev.q.yielder.pause();
    const idx = groupIndex.groupOf(s.metric);
    if (groupIndex.created && !isK) result.push(new SeriesData(groupingLabels(s.metric, grouping, e.without), false));
    seriesToGroup[i] = idx;
  }
  if (!isK && COLUMNAR_OPS.has(e.op) && result.length * ev.numSteps <= MAX_COLUMNAR_CELLS && input.every((s) => s.hT.length === 0)) {
    const agg = new ColumnarAggregator(e.op, ev.start, ev.interval, ev.numSteps);
    const y = ev.q.yielder;
    for (let i = 0; i < input.length; i++) {
      const s = input[i]!;
      if (y.tick(s.fT.length + 1)) await y.pause();
      agg.add(s, seriesToGroup[i]!);
    }
    agg.finish(result);
    return result.filter((s) => s.numPoints > 0);
  }
  const groups: Group[] = [];
  for (let i = 0; i < groupIndex.size; i++) groups.push(new Group());
  if (isK) {
    if (!checkKParams(ev, e, params)) return [];
  } else if (e.op === 'quantile') {
    const pos = positionRange(e.param!);
    if (params.hasNaN) ev.annos.add(annos.invalidQuantile(NaN, pos));
    if (params.max > 1) ev.annos.add(annos.invalidQuantile(params.max, pos));
    if (params.min < 0) ev.annos.add(annos.invalidQuantile(params.min, pos));
  }
  const cursor = new StepCursor(input);
  const y = ev.q.yielder;
  const temp = ev.currentSamples;
  const kOut = isK ? new KCollector(ev.isInstant) : null;
  for (let step = 0; step < ev.numSteps; step++) {
    const q = params.next();
    if (y.tick(input.length + 1)) await y.pause();
    ev.currentSamples = temp;
    const ts = ev.stepTs(step);
    if (kOut !== null) {
      aggregationK(ev, e, q, input, seriesToGroup, groups, cursor, ts, kOut);
      if (ev.isInstant) return kOut.list;
    } else {
      aggregate(ev, e, q, input, seriesToGroup, groups, cursor, ts, result);
    }
    if (ev.currentSamples > ev.opts.maxSamples) throw tooManySamplesError();
  }
  if (kOut !== null) return kOut.list;
  return result.filter((s) => s.numPoints > 0);
}

function handleAggError(e: unknown, ev: Evaluator, agg: AggregateExpr, metricName: string, g: Group): void {
  if (!(e instanceof IncompatibleSchemaError)) throw e;
  ev.annos.add(annos.mixedExponentialCustomHistograms(metricName, positionRange(agg.expr)));
  g.incompatible = true;
}

function aggregate(
  ev: Evaluator, e: AggregateExpr, q: number, input: SeriesData[], seriesToGroup: Int32Array, groups: Group[], cursor: StepCursor,
  ts: number, result: SeriesData[],
): void {
  const op = e.op;
  const pos = positionRange(e.expr);
  for (const g of groups) g.seen = false;
  for (let si = 0; si < input.length; si++) {
    if (!cursor.next(si, ts)) continue;
    const f = cursor.f, h = cursor.h;
    const g = groups[seriesToGroup[si]!]!;
    if (!g.seen) {
      g.init(f, input[si]!.dropName);
      switch (op) {
        case 'avg': case 'sum':
          if (h === null) g.hasFloat = true;
          else { g.histogramValue = copyHistogram(h); g.hasHistogram = true; g.trackHint(h); }
          break;
        case 'stdvar': case 'stddev':
          if (h !== null) { g.seen = false; ev.annos.add(annos.histogramIgnoredInAggregation(op, pos)); }
          else g.floatValue = Number.isNaN(f) || f === Infinity || f === -Infinity ? NaN : 0;
          break;
        case 'quantile':
          if (h !== null) { g.seen = false; ev.annos.add(annos.histogramIgnoredInAggregation('quantile', pos)); }
          g.heap.push(f);
          break;
        case 'group': g.floatValue = 1; break;
        case 'min': case 'max':
          if (h !== null) { g.seen = false; ev.annos.add(annos.histogramIgnoredInAggregation(op, pos)); }
          break;
        default: break;
      }
      continue;
    }
    if (g.incompatible) continue;
    if (input[si]!.dropName) g.dropName = true;
    switch (op) {
      case 'sum':
        if (h !== null) {
          g.hasHistogram = true;
          if (g.histogramValue !== null) {
            g.trackHint(h);
            try {
              const r = kahanAddInPlace(g.histogramValue, h, g.histogramKahanC);
              g.histogramKahanC = r.c;
              if (r.nhcbBoundsReconciled) ev.annos.add(annos.mismatchedCustomBuckets(pos, 'aggregation'));
            } catch (err) { handleAggError(err, ev, e, input[si]!.metric.metricName(), g); }
          }
        } else {
          g.hasFloat = true;
          g.floatValue = kahanInc(f, g.floatValue, g.floatKahanC);
          g.floatKahanC = kahanC();
        }
        break;
      case 'avg':
        g.groupCount++;
        if (h !== null) {
          g.hasHistogram = true;
          if (g.histogramValue !== null) {
            try { avgHistogram(ev, g, h, pos); } catch (err) { handleAggError(err, ev, e, input[si]!.metric.metricName(), g); }
          }
        } else {
          g.hasFloat = true;
          avgFloat(g, f);
        }
        break;
      case 'group': break;
      case 'max':
        if (h !== null) { ev.annos.add(annos.histogramIgnoredInAggregation('max', pos)); continue; }
        if (g.floatValue < f || Number.isNaN(g.floatValue)) g.floatValue = f;
        break;
      case 'min':
        if (h !== null) { ev.annos.add(annos.histogramIgnoredInAggregation('min', pos)); continue; }
        if (g.floatValue > f || Number.isNaN(g.floatValue)) g.floatValue = f;
        break;
      case 'count': g.groupCount++; break;
      case 'stdvar': case 'stddev':
        if (h === null) {
          g.groupCount++;
          const delta = f - g.floatMean;
          g.floatMean += delta / g.groupCount;
          g.floatValue += delta * (f - g.floatMean);
        } else {
          ev.annos.add(annos.histogramIgnoredInAggregation(op, pos));
        }
        break;
      case 'quantile':
        if (h !== null) { ev.annos.add(annos.histogramIgnoredInAggregation('quantile', pos)); continue; }
        g.heap.push(f);
        break;
      default: throw new Error(`expected aggregation operator but got "${op}"`);
    }
  }
  for (let ri = 0; ri < groups.length; ri++) {
    const g = groups[ri]!;
    if (!g.seen) continue;
    switch (op) {
      case 'avg':
        if (g.hasFloat && g.hasHistogram) { ev.annos.add(annos.mixedFloatsHistogramsAgg(pos)); continue; }
        if (g.incompatible) continue;
        if (g.hasHistogram) finishAvgHistogram(g);
        else if (g.floatIncrementalMean) g.floatValue = g.floatMean + g.floatKahanC;
        else g.floatValue = g.floatValue / g.groupCount + g.floatKahanC / g.groupCount;
        break;
      case 'count': g.floatValue = g.groupCount; break;
      case 'stdvar': g.floatValue /= g.groupCount; break;
      case 'stddev': g.floatValue = Math.sqrt(g.floatValue / g.groupCount); break;
      case 'quantile': g.floatValue = quantile(q, g.heap); break;
      case 'sum':
        if (g.hasFloat && g.hasHistogram) { ev.annos.add(annos.mixedFloatsHistogramsAgg(pos)); continue; }
        if (g.incompatible) continue;
        if (g.hasHistogram) {
          if (g.histogramKahanC !== null) addInPlace(g.histogramValue!, g.histogramKahanC);
          compactInPlace(g.histogramValue!, 0);
        } else {
          g.floatValue += g.floatKahanC;
        }
        break;
      default: break;
    }
    if (g.counterResetSeen && g.notCounterResetSeen) ev.annos.add(annos.histogramCounterResetCollision(pos, 'aggregation'));
    const out = result[ri]!;
    if (g.histogramValue === null || (op !== 'sum' && op !== 'avg')) { out.fT.push(ts); out.fV.push(g.floatValue); } else { out.hT.push(ts); out.hV.push(g.histogramValue); }
    out.dropName = g.dropName;
  }
}

/** One more float into a mean: a direct Kahan sum while it does not overflow, then incremental. */
function avgFloat(g: Group, f: number): void {
  if (!g.floatIncrementalMean) {
    const nv = kahanInc(f, g.floatValue, g.floatKahanC);
    if (nv !== Infinity && nv !== -Infinity) {
      g.floatValue = nv;
      g.floatKahanC = kahanC();
      return;
    }
    g.floatIncrementalMean = true;
    g.floatMean = g.floatValue / (g.groupCount - 1);
    g.floatKahanC /= g.groupCount - 1;
  }
  const q = (g.groupCount - 1) / g.groupCount;
  g.floatMean = kahanInc(f / g.groupCount, q * g.floatMean, q * g.floatKahanC);
  g.floatKahanC = kahanC();
}

function avgHistogram(ev: Evaluator, g: Group, h: FloatHistogram, pos: ReturnType<typeof positionRange>): void {
  g.trackHint(h);
  if (!g.histogramIncrementalMean) {
    const v = copyHistogram(g.histogramValue!);
    const c = g.histogramKahanC !== null ? copyHistogram(g.histogramKahanC) : null;
    const r = kahanAddInPlace(v, h, c);
    if (r.nhcbBoundsReconciled) ev.annos.add(annos.mismatchedCustomBuckets(pos, 'aggregation'));
    if (!hasOverflow(v)) {
      g.histogramValue = v;
      g.histogramKahanC = r.c;
      return;
    }
    g.histogramIncrementalMean = true;
    g.histogramMean = divInPlace(copyHistogram(g.histogramValue!), g.groupCount - 1);
    if (g.histogramKahanC !== null) divInPlace(g.histogramKahanC, g.groupCount - 1);
  }
  const q = (g.groupCount - 1) / g.groupCount;
  if (g.histogramKahanC !== null) mulInPlace(g.histogramKahanC, q);
  const toAdd = divInPlace(copyHistogram(h), g.groupCount);
  const r = kahanAddInPlace(mulInPlace(g.histogramMean!, q), toAdd, g.histogramKahanC);
  g.histogramKahanC = r.c;
  if (r.nhcbBoundsReconciled) ev.annos.add(annos.mismatchedCustomBuckets(pos, 'aggregation'));
}

function finishAvgHistogram(g: Group): void {
  if (g.histogramIncrementalMean) {
    if (g.histogramKahanC !== null) addInPlace(g.histogramMean!, g.histogramKahanC);
    g.histogramValue = g.histogramMean;
  } else {
    divInPlace(g.histogramValue!, g.groupCount);
    if (g.histogramKahanC !== null) addInPlace(g.histogramValue!, divInPlace(g.histogramKahanC, g.groupCount));
  }
  g.histogramValue = compactInPlace(g.histogramValue!, 0);
}
