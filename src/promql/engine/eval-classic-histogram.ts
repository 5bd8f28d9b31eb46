/**
 * histogram_quantile and histogram_fraction over classic histograms in range evaluations,
 * group by group: the `le` series are grouped once by their other labels (in input order),
 * and each group's buckets are gathered step by step from its own members only. Results and
 * annotations equal the step-by-step evaluation's; inputs with native histograms take the
 * general path.
 */
import { parseGoFloat, type Labels } from '../../model/index.js';
import { positionRange, type Call } from '../parser/index.js';
import { bucketFraction, bucketQuantile, type ClassicBucket } from '../functions/histogram-ops.js';
import { annos } from './annotations.js';
import type { Evaluator } from './evaluator.js';
import { dropMetadata } from './labels-util.js';
import { mergeSeriesWithSameLabelset } from './merge.js';
import { NodeHelper, rangeEval } from './range-eval.js';
import { exactArray, matrixSamples, matrixValue, SeriesData, type EvalValue } from './types.js';
import { FUNCTION_IMPLS } from '../functions/index.js';

interface Member {
  s: SeriesData;
  upper: number;
}

/** Evaluates histogram_quantile(q, v) or histogram_fraction(lo, hi, v) in a range evaluation. */
export async function evalClassicHistogramFunction(ev: Evaluator, e: Call): Promise<EvalValue> {
  const quantileFn = e.func.name === 'histogram_quantile';
  const vecArg = e.args[quantileFn ? 1 : 2]!;
  const original = ev.currentSamples;
  const scalars: Float64Array[] = [];
  const values: EvalValue[] = [];
  for (let i = 0; i < e.args.length; i++) {
    const v = await ev.eval(e.args[i]!);
    values.push(v);
    if (v.kind === 'scalar') scalars.push(v.v);
  }
  const input = values[quantileFn ? 1 : 2]!;
  if (input.kind !== 'matrix' || input.m.some((s) => s.hT.length > 0)) {
    const impl = FUNCTION_IMPLS.get(e.func.name)!;
    if (impl.kind !== 'instant') throw new Error(`${e.func.name} is not an instant function`);
    const fn = impl.fn;
    const args = e.args;
    const enh = new NodeHelper(ev.opts.delayedNameRemoval, ev.annos);
    return matrixValue(await rangeEval(ev, null, (vecs, _s, h) => { fn(vecs, args, h); },
      values.map((value) => ({ kind: 'evaluated' as const, value })), enh, original));
  }
  const delayed = ev.opts.delayedNameRemoval;
  const pos = positionRange(vecArg);
  const groups = new Map<string, { metric: Labels; members: Member[] }>();
  for (const s of input.m) {
    const le = s.metric.get('le');
    const upper = parseGoFloat(le);
    if (upper === undefined) {
      if (s.fT.length > 0) ev.annos.add(annos.badBucketLabel(delayed ? s.metric.metricName() : '', le, pos));
      continue;
    }
    const withoutLe = s.metric.without('le');
    const k = withoutLe.key();
    let g = groups.get(k);
    if (g === undefined) {
      g = { metric: withoutLe, members: [] };
      groups.set(k, g);
    }
    g.members.push({ s, upper });
  }
  if (quantileFn) {
    const qs = scalars[0]!;
    for (let k = 0; k < qs.length; k++) {
      const q = qs[k]!;
      if (Number.isNaN(q) || q < 0 || q > 1) ev.annos.add(annos.invalidQuantile(q, positionRange(e.args[0]!)));
    }
  }
  const out: SeriesData[] = [];
  const y = ev.q.yielder;
  // A group's points, copied into exact-size arrays when it is done.
  const outT = ev.stepArray(), outV = ev.stepArray();
  for (const g of groups.values()) {
    // In bucket order (stable: equal bounds stay in input order, as a stable sort of each
    // step's buckets would leave them), so the per-step sort has nothing left to move.
    g.members.sort((a, b) => (a.upper < b.upper ? -1 : a.upper > b.upper ? 1 : 0));
    if (y.tick(g.members.length * ev.numSteps)) await y.pause();
    let n = 0;
    const cursors = new Int32Array(g.members.length);
    const pool: ClassicBucket[] = g.members.map(() => ({ upperBound: 0, count: 0 }));
    // Refilled from the pool at every step (the quantile functions reorder and change them).
    const buckets: ClassicBucket[] = [];
    const name = delayed ? g.metric.metricName() : '';
    for (let step = 0; step < ev.numSteps; step++) {
      if ((step & 1023) === 1023 && y.tick(1024 * g.members.length)) await y.pause();
      const ts = ev.stepTs(step);
      buckets.length = 0;
      for (let i = 0; i < g.members.length; i++) {
        const m = g.members[i]!;
        const c = cursors[i]!;
        if (c < m.s.fT.length && m.s.fT[c] === ts) {
          const b = pool[buckets.length]!;
          b.upperBound = m.upper;
          b.count = m.s.fV[c]!;
          buckets.push(b);
          cursors[i] = c + 1;
        }
      }
      if (buckets.length === 0) continue;
      let v: number;
      if (quantileFn) {
        const r = bucketQuantile(scalars[0]![step]!, buckets);
        if (r.forcedMonotonic) ev.annos.add(annos.histogramQuantileForcedMonotonicity(name, pos, ts, r.minBucket, r.maxBucket, r.maxDiff));
        v = r.quantile;
      } else {
        v = bucketFraction(scalars[0]![step]!, scalars[1]![step]!, buckets);
      }
      outT[n] = ts;
      outV[n++] = v;
    }
    if (n > 0) out.push(new SeriesData(delayed ? g.metric : dropMetadata(g.metric), true, exactArray(outT, n), exactArray(outV, n)));
  }
  // Groups whose labels coincide once names are dropped collide as in the per-step evaluation.
  const res = mergeSeriesWithSameLabelset(out);
  ev.currentSamples = original + matrixSamples(res);
  ev.checkSamples();
  ev.stats.updatePeak(ev.currentSamples);
  return matrixValue(res);
}
