/**
 * Elementwise instant functions (abs, clamp, round, histogram_count, ...) in range
 * evaluations, applied series by series: each point of each input series goes through the
 * function on its own, with the scalar arguments of its step, and the results form the
 * output series directly, without the per-step gathering of every series. Results equal the
 * step-by-step evaluation's: series whose labels then coincide are merged, or rejected when
 * they share a timestamp.
 */
import type { Call, Expr } from '../parser/index.js';
import type { InstantFn } from '../functions/index.js';
import type { Evaluator } from './evaluator.js';
import { mergeSeriesWithSameLabelset } from './merge.js';
import { NodeHelper } from './range-eval.js';
import { Labels } from '../../model/index.js';
import { matrixSamples, newSample, SeriesData, type Sample } from './types.js';

/** Whether the call can take the series-by-series path: a range evaluation with a vector first argument. */
export function canEvalElementwise(ev: Evaluator, e: Call): boolean {
  if (ev.isInstant || e.args.length === 0) return false;
  for (let i = 1; i < e.args.length; i++) if (e.args[i]!.kind === 'StringLiteral') return false;
  return e.func.argTypes[0] === 'vector';
}

export async function evalElementwise(ev: Evaluator, e: Call, fn: InstantFn): Promise<SeriesData[]> {
  const original = ev.currentSamples;
  const input = await ev.evalMatrix(e.args[0]!);
  const scalars: Float64Array[] = [];
  for (let i = 1; i < e.args.length; i++) scalars.push(await ev.evalScalar(e.args[i]!));
  const enh = new NodeHelper(ev.opts.delayedNameRemoval, ev.annos);
  const sample = newSample(Labels.EMPTY, 0, 0, null, false);
  const vecs: Sample[][] = [[sample]];
  const scalarSamples: Sample[] = [];
  for (let i = 0; i < scalars.length; i++) {
    const s = newSample(Labels.EMPTY, 0, 0, null, false);
    scalarSamples.push(s);
    vecs.push([s]);
  }
  const args: readonly Expr[] = e.args;
  const start = ev.start, interval = ev.interval;
  const y = ev.q.yielder;
  const out: SeriesData[] = [];
  for (const s of input) {
    if (y.tick(s.fT.length + s.hT.length + 1)) await y.pause();
    let sd: SeriesData | null = null;
    let fi = 0, hi = 0;
    const nf = s.fT.length, nh = s.hT.length;
    while (fi < nf || hi < nh) {
      let t: number;
      if (hi >= nh || (fi < nf && s.fT[fi]! < s.hT[hi]!)) {
        t = s.fT[fi]!;
        sample.f = s.fV[fi++]!;
        sample.h = null;
      } else {
        t = s.hT[hi]!;
        sample.f = 0;
        sample.h = s.hV[hi++]!;
      }
      sample.metric = s.metric;
      sample.t = t;
      sample.dropName = s.dropName;
      const step = Math.round((t - start) / interval);
      for (let k = 0; k < scalars.length; k++) {
        const sc = scalarSamples[k]!;
        sc.t = t;
        sc.f = scalars[k]![step]!;
      }
      enh.reset(t);
      fn(vecs, args, enh);
      if (enh.out.length === 0) continue;
      const r = enh.out[0]!;
      sd ??= new SeriesData(r.metric, r.dropName);
      if (r.h === null) { sd.fT.push(t); sd.fV.push(r.f); } else { sd.hT.push(t); sd.hV.push(r.h); }
    }
    if (sd !== null) out.push(sd);
  }
  const res = mergeSeriesWithSameLabelset(out);
  ev.currentSamples = original + matrixSamples(res);
  ev.checkSamples();
  ev.stats.updatePeak(ev.currentSamples);
  return res;
}

