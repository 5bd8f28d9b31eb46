/**
 * The histogram functions. histogram_quantile, histogram_quantiles and histogram_fraction
 * accept classic histograms (float series with an `le` label, grouped by their other labels)
 * and native histograms; where both exist for the same series they warn and skip it.
 * histogram_count/sum/avg/stddev/stdvar read native histograms only.
 */
import { parseGoFloat, type Labels } from '../../model/index.js';
import { annos } from '../engine/annotations.js';
import { dropMetadata, dropMetricNameOnly, withLabel } from '../engine/labels-util.js';
import { positionRange, type Expr } from '../parser/index.js';
import { formatOpenMetricsFloat } from '../engine/format.js';
import { bucketFraction, bucketQuantile, histogramFraction, histogramQuantile, histogramStdVar, type ClassicBucket as Bucket } from './histogram-ops.js';
import type { FnContext, InstantFn, NodeCache, Sample } from './types.js';

const LE = 'le';

interface MetricWithBuckets {
  metric: Labels;
  buckets: Bucket[];
}

/** What a bucket series contributes, worked out once per label set: its group signature and `le`. */
interface BucketSeries {
  sig: string;
  /** The parsed `le`, or undefined when it is missing or malformed. */
  upper: number | undefined;
}

/** Per-node state kept across steps: classic histograms by signature, bucket facts per input label set. */
interface HistogramCache {
  groups: Map<string, MetricWithBuckets>;
  series: Map<Labels, BucketSeries>;
  natives: Sample[];
}

function cacheOf(c: NodeCache): HistogramCache {
  let hc = c['histograms'] as HistogramCache | undefined;
  if (hc === undefined) {
    hc = { groups: new Map(), series: new Map(), natives: [] };
    c['histograms'] = hc;
  }
  return hc;
}

/** The signature (labels without `le`) and bound of a bucket series. */
function bucketSeries(hc: HistogramCache, l: Labels): BucketSeries {
  let s = hc.series.get(l);
  if (s === undefined) {
    s = { sig: l.without(LE).key(), upper: parseGoFloat(l.get(LE)) };
    hc.series.set(l, s);
  }
  return s;
}

/**
 * Splits the step's vector into classic bucket groups and native histograms; a native
 * histogram with the same labels as a classic group cancels both (with a warning).
 */
function resetHistograms(vec: readonly Sample[], arg: Expr, ctx: FnContext): HistogramCache {
  const hc = cacheOf(ctx.cache);
  for (const mb of hc.groups.values()) mb.buckets.length = 0;
  hc.natives.length = 0;
  const pos = positionRange(arg);
  const delayed = ctx.delayedNameRemoval;
  for (let i = 0; i < vec.length; i++) {
    const s = vec[i]!;
    if (s.h !== null) {
      hc.natives.push({ metric: s.metric, t: s.t, f: s.f, h: s.h, dropName: s.dropName });
      continue;
    }
    const bs = bucketSeries(hc, s.metric);
    const upper = bs.upper;
    if (upper === undefined) {
      ctx.annos.add(annos.badBucketLabel(delayed ? s.metric.metricName() : '', s.metric.get(LE), pos));
      continue;
    }
    const sig = bs.sig;
    let mb = hc.groups.get(sig);
    if (mb === undefined) {
      mb = { metric: s.metric.without(LE), buckets: [] };
      hc.groups.set(sig, mb);
    }
    mb.buckets.push({ upperBound: upper, count: s.f });
  }
  for (let i = 0; i < hc.natives.length; i++) {
    const s = hc.natives[i]!;
    const key = s.metric.key();
    const mb = hc.groups.get(key);
    if (mb !== undefined && mb.buckets.length > 0) {
      ctx.annos.add(annos.mixedClassicNativeHistograms(delayed ? s.metric.metricName() : '', pos));
      hc.groups.delete(key);
      s.h = null;
    }
  }
  return hc;
}

function validateQuantile(q: number, arg: Expr, ctx: FnContext): void {
  if (Number.isNaN(q) || q < 0 || q > 1) ctx.annos.add(annos.invalidQuantile(q, positionRange(arg)));
}

function outMetric(l: Labels, ctx: FnContext): Labels {
  return ctx.delayedNameRemoval ? l : dropMetadata(l);
}

function nativeQuantile(q: number, s: Sample, arg: Expr, ctx: FnContext, metric: Labels): number {
  const r = histogramQuantile(q, s.h!);
  const name = metric.metricName();
  if (r.nanResult) ctx.annos.add(annos.nativeHistogramQuantileNaNResult(name, positionRange(arg)));
  if (r.nanSkew) ctx.annos.add(annos.nativeHistogramQuantileNaNSkew(name, positionRange(arg)));
  return r.value;
}

function classicQuantile(q: number, mb: MetricWithBuckets, arg: Expr, ctx: FnContext): number {
  const r = bucketQuantile(q, mb.buckets);
  if (r.forcedMonotonic) {
    const name = ctx.delayedNameRemoval ? mb.metric.metricName() : '';
    ctx.annos.add(annos.histogramQuantileForcedMonotonicity(name, positionRange(arg), ctx.ts, r.minBucket, r.maxBucket, r.maxDiff));
  }
  return r.quantile;
}

export const funcHistogramQuantile: InstantFn = (vals, args, ctx) => {
  if (vals[0]!.length === 0) return;
  const q = vals[0]![0]!.f;
  validateQuantile(q, args[0]!, ctx);
  const hc = resetHistograms(vals[1]!, args[1]!, ctx);
  for (const s of hc.natives) {
    if (s.h === null) continue;
    const metric = outMetric(s.metric, ctx);
    ctx.emit(metric, nativeQuantile(q, s, args[1]!, ctx, metric), null, true);
  }
  for (const mb of hc.groups.values()) {
    if (mb.buckets.length === 0) continue;
    const v = classicQuantile(q, mb, args[1]!, ctx);
    ctx.emit(outMetric(mb.metric, ctx), v, null, true);
  }
};

export const funcHistogramQuantiles: InstantFn = (vals, args, ctx) => {
  const label = (args[1] as { val: string }).val;
  const qs: number[] = [];
  for (let i = 2; i < vals.length; i++) {
    const q = vals[i]![0]!.f;
    validateQuantile(q, args[i]!, ctx);
    qs.push(q);
  }
  const hc = resetHistograms(vals[0]!, args[0]!, ctx);
  for (const q of qs) {
    const qStr = Number.isNaN(q) ? 'NaN' : formatOpenMetricsFloat(q);
    for (const s of hc.natives) {
      if (s.h === null) continue;
      const metric = outMetric(s.metric, ctx);
      const v = nativeQuantile(q, s, args[0]!, ctx, metric);
      ctx.emit(withLabel(metric, label, qStr), v, null, true);
    }
    for (const mb of hc.groups.values()) {
      if (mb.buckets.length === 0) continue;
      const v = classicQuantile(q, mb, args[0]!, ctx);
      ctx.emit(withLabel(outMetric(mb.metric, ctx), label, qStr), v, null, true);
    }
  }
};

export const funcHistogramFraction: InstantFn = (vals, args, ctx) => {
  if (vals[0]!.length === 0 || vals[1]!.length === 0) return;
  const lower = vals[0]![0]!.f, upper = vals[1]![0]!.f;
  const hc = resetHistograms(vals[2]!, args[2]!, ctx);
  for (const s of hc.natives) {
    if (s.h === null) continue;
    const metric = outMetric(s.metric, ctx);
    const r = histogramFraction(lower, upper, s.h);
    if (r.nans) ctx.annos.add(annos.nativeHistogramFractionNaNs(metric.metricName(), positionRange(args[2]!)));
    ctx.emit(metric, r.value, null, true);
  }
  for (const mb of hc.groups.values()) {
    if (mb.buckets.length === 0) continue;
    ctx.emit(outMetric(mb.metric, ctx), bucketFraction(lower, upper, mb.buckets), null, true);
  }
};

type StatFn = (h: NonNullable<Sample['h']>) => number;

function simpleHistogram(fn: StatFn): InstantFn {
  return (vals, _args, ctx) => {
    const v = vals[0]!;
    const delayed = ctx.delayedNameRemoval;
    for (let i = 0; i < v.length; i++) {
      const s = v[i]!;
      if (s.h === null) continue;
      ctx.emit(delayed ? s.metric : dropMetricNameOnly(s.metric), fn(s.h), null, true);
    }
  };
}

export const HISTOGRAM_STAT_FUNCTIONS: ReadonlyMap<string, InstantFn> = new Map<string, InstantFn>([
  ['histogram_count', simpleHistogram((h) => h.count)],
  ['histogram_sum', simpleHistogram((h) => h.sum)],
  ['histogram_avg', simpleHistogram((h) => h.sum / h.count)],
  ['histogram_stddev', simpleHistogram((h) => Math.sqrt(histogramStdVar(h)))],
  ['histogram_stdvar', simpleHistogram((h) => histogramStdVar(h))],
]);
