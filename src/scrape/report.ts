/**
 * The series every scrape reports about itself, with the target's labels: `up`,
 * `scrape_duration_seconds`, `scrape_samples_scraped`, `scrape_samples_post_metric_relabeling`,
 * `scrape_series_added`, and with `extra_scrape_metrics` also `scrape_timeout_seconds`,
 * `scrape_sample_limit` and `scrape_body_size_bytes`. Their cache keys end in `\xff`, which no
 * exposition can produce, so they never collide with scraped series.
 */
import { Labels, LabelsBuilder, METRIC_NAME, type Millis } from '../model/index.js';
import { AppendError, type Appender } from '../storage/interface.js';
import type { ScrapeCache } from './cache.js';

export const REPORT_METRICS = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
] as const;
export const EXTRA_REPORT_METRICS = ['scrape_timeout_seconds', 'scrape_sample_limit', 'scrape_body_size_bytes'] as const;

/** Cache keys of the report series, made once (a key built per sample is a new string to hash every scrape). */
const REPORT_KEYS = new Map<string, string>([...REPORT_METRICS, ...EXTRA_REPORT_METRICS].map((n) => [n, n + '\xff']));

export interface ReportValues {
  up: number;
  durationSeconds: number;
  scraped: number;
  added: number;
  seriesAdded: number;
  timeoutSeconds: number;
  sampleLimit: number;
  /** Uncompressed body size; -1 when the body size limit was hit, 0 for other failures. */
  bodySizeBytes: number;
}

/**
 * The labels of a report series: its name, and the target's labels, which win over a
 * conflicting name (moved to `exported_<name>`), as Prometheus merges them.
 */
export function reportLabels(name: string, target: Labels): Labels {
  const base = Labels.fromStrings(METRIC_NAME, name);
  const b = new LabelsBuilder(base);
  for (let i = 0; i < target.length; i++) {
    const n = target.nameAt(i);
    b.set('exported_' + n, base.get(n));
    b.set(n, target.valueAt(i));
  }
  return b.labels();
}

/**
 * Appends one report sample (a stale marker when `stale`). Out-of-order and duplicate
 * rejections are expected when a target comes back under a new loop and are ignored; other
 * errors are returned.
 */
export function addReportSample(cache: ScrapeCache, app: Appender, name: string, targetLabels: Labels, t: Millis, v: number, stale: boolean): Error | null {
  const key = REPORT_KEYS.get(name) ?? name + '\xff';
  const ce = cache.get(key);
  let ref = 0;
  let lset: Labels;
  if (ce !== undefined) {
    ce.lastIter = cache.iter;
    ref = ce.ref;
    lset = ce.labels;
  } else {
    lset = reportLabels(name, targetLabels);
  }
  try {
    ref = stale ? app.appendStale(ref, lset, t) : app.append(ref, lset, t, v);
  } catch (e) {
    if (e instanceof AppendError && (e.kind === 'out_of_order' || e.kind === 'duplicate_sample')) return null;
    return e instanceof Error ? e : new Error(String(e));
  }
  if (ce === undefined) cache.addRef(key, ref, lset);
  else if (ref !== 0) ce.ref = ref;
  return null;
}

/** Appends the report of one scrape. Returns the first error. */
export function report(cache: ScrapeCache, app: Appender, targetLabels: Labels, t: Millis, v: ReportValues, extra: boolean): Error | null {
  const vals = [v.up, v.durationSeconds, v.scraped, v.added, v.seriesAdded];
  for (let i = 0; i < REPORT_METRICS.length; i++) {
    const e = addReportSample(cache, app, REPORT_METRICS[i]!, targetLabels, t, vals[i]!, false);
    if (e !== null) return e;
  }
  if (!extra) return null;
  const xs = [v.timeoutSeconds, v.sampleLimit, v.bodySizeBytes];
  for (let i = 0; i < EXTRA_REPORT_METRICS.length; i++) {
    const e = addReportSample(cache, app, EXTRA_REPORT_METRICS[i]!, targetLabels, t, xs[i]!, false);
    if (e !== null) return e;
  }
  return null;
}

/** Stale markers for the report series, when a target goes away. */
export function reportStale(cache: ScrapeCache, app: Appender, targetLabels: Labels, t: Millis, extra: boolean): Error | null {
  const names: readonly string[] = extra ? [...REPORT_METRICS, ...EXTRA_REPORT_METRICS] : REPORT_METRICS;
  for (const n of names) {
    const e = addReportSample(cache, app, n, targetLabels, t, NaN, true);
    if (e !== null) return e;
  }
  return null;
}
