/**
 * The registry's collected families as exposition metric families (the protobuf
 * MetricFamily model of `expfmt`), for `/metrics` in formats other than the text one.
 * Counters, gauges and untyped metrics carry one value per label set; a histogram's
 * `_bucket` (by `le`), `_sum` and `_count` samples, and a summary's quantile (by `quantile`),
 * `_sum` and `_count` samples, become one metric per label set without `le`/`quantile`, in
 * the order their label sets first appear.
 */
import type { Bucket, LabelPair, Metric, MetricFamily, Quantile } from '../expfmt/index.js';
import type { CollectedFamily, CollectedSample } from './registry.js';

function labelPairs(labels: CollectedSample['labels'], skip: string): LabelPair[] {
  const out: LabelPair[] = [];
  for (const [name, value] of labels) if (name !== skip) out.push({ name, value });
  return out;
}

/** `le` and `quantile` label values as the text format writes them (`+Inf`, Go floats). */
function boundOf(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

interface Group {
  labels: LabelPair[];
  sum: number;
  count: number;
  buckets: Bucket[];
  quantiles: Quantile[];
}

/** Groups a histogram's or summary's samples by their label set without `skip`. */
function grouped(f: CollectedFamily, skip: string): Group[] {
  const byKey = new Map<string, Group>();
  for (const s of f.samples) {
    const labels = labelPairs(s.labels, skip);
    const key = labels.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');
    let g = byKey.get(key);
    if (g === undefined) byKey.set(key, (g = { labels, sum: 0, count: 0, buckets: [], quantiles: [] }));
    const bound = s.labels.find(([n]) => n === skip)?.[1];
    if (s.suffix === '_sum') g.sum = s.value;
    else if (s.suffix === '_count') g.count = s.value;
    else if (s.suffix === '_bucket' && bound !== undefined) {
      // The +Inf bucket is implied by the count, as in Go's client.
      if (bound !== '+Inf') g.buckets.push({ upperBound: boundOf(bound), cumulativeCount: s.value });
    } else if (s.suffix === '' && bound !== undefined) g.quantiles.push({ quantile: boundOf(bound), value: s.value });
  }
  return [...byKey.values()];
}

/** One family in the exposition model; null for a family without samples (not exposed). */
export function toMetricFamily(f: CollectedFamily): MetricFamily | null {
  if (f.samples.length === 0) return null;
  let metrics: Metric[];
  switch (f.kind) {
    case 'counter':
    case 'gauge':
    case 'untyped': {
      const kind = f.kind;
      metrics = f.samples.map((s) => ({ labels: labelPairs(s.labels, ''), value: { kind, value: s.value } }));
      break;
    }
    case 'histogram':
      metrics = grouped(f, 'le').map((g) => ({
        labels: g.labels, value: { kind: 'histogram', sampleCount: g.count, sampleSum: g.sum, buckets: g.buckets },
      }));
      break;
    case 'summary':
      metrics = grouped(f, 'quantile').map((g) => ({
        labels: g.labels, value: { kind: 'summary', sampleCount: g.count, sampleSum: g.sum, quantiles: g.quantiles },
      }));
      break;
  }
  return { name: f.name, help: f.help, type: f.kind, metrics };
}

/** The families in the exposition model, empty ones left out. */
export function toMetricFamilies(fams: readonly CollectedFamily[]): MetricFamily[] {
  const out: MetricFamily[] = [];
  for (const f of fams) {
    const mf = toMetricFamily(f);
    if (mf !== null) out.push(mf);
  }
  return out;
}
