/**
 * From discovered target groups to targets, exactly as Prometheus 3 does it: the discovered
 * labels (target labels over group labels, then the scrape config's `job`,
 * `__scrape_interval__`, `__scrape_timeout__`, `__metrics_path__`, `__scheme__`, the
 * native-histogram switches and `__param_<name>` where not set), then `relabel_configs`,
 * then the checks and defaults that make the final label set.
 */
import type { ScrapeConfig } from '../config/types.js';
import type { TargetGroup } from '../discovery/index.js';
import { Labels, LabelsBuilder, formatDuration, isWellFormedUTF16, parseDuration, quoteGoString, type Millis } from '../model/index.js';
import { processBuilder } from '../relabel/index.js';
import {
  ADDRESS_LABEL, ALWAYS_SCRAPE_CLASSIC_LABEL, CONVERT_NHCB_LABEL, INSTANCE_LABEL, JOB_LABEL, META_LABEL_PREFIX,
  METRICS_PATH_LABEL, PARAM_LABEL_PREFIX, SCHEME_LABEL, SCRAPE_INTERVAL_LABEL, SCRAPE_NATIVE_HISTOGRAMS_LABEL,
  SCRAPE_TIMEOUT_LABEL, Target,
} from './target.js';

export interface PopulateResult {
  /** The final labels; null when relabeling dropped the target or an error occurred. */
  labels: Labels | null;
  /** The labels before relabeling. */
  discovered: Labels;
  /** Why the target is unusable; null when kept or merely dropped. */
  error: Error | null;
  /** Interval and timeout from the final labels (valid only when `labels` is set). */
  intervalMs: Millis;
  timeoutMs: Millis;
}

/** The labels a target starts with before relabeling. */
export function populateDiscoveredLabels(lb: LabelsBuilder, cfg: ScrapeConfig, tLabels: Readonly<Record<string, string>>, tgLabels: Readonly<Record<string, string>>): void {
  lb.reset(Labels.EMPTY);
  for (const [n, v] of Object.entries(tLabels)) lb.set(n, v);
  for (const [n, v] of Object.entries(tgLabels)) if (!Object.hasOwn(tLabels, n)) lb.set(n, v);
  const defaults: [string, string][] = [
    [JOB_LABEL, cfg.job_name],
    [SCRAPE_INTERVAL_LABEL, formatDuration(cfg.scrape_interval)],
    [SCRAPE_TIMEOUT_LABEL, formatDuration(cfg.scrape_timeout)],
    [METRICS_PATH_LABEL, cfg.metrics_path],
    [SCHEME_LABEL, cfg.scheme],
    [CONVERT_NHCB_LABEL, String(cfg.convert_classic_histograms_to_nhcb)],
    [ALWAYS_SCRAPE_CLASSIC_LABEL, String(cfg.always_scrape_classic_histograms)],
    [SCRAPE_NATIVE_HISTOGRAMS_LABEL, String(cfg.scrape_native_histograms)],
  ];
  for (const [n, v] of defaults) if (lb.get(n) === '') lb.set(n, v);
  for (const [k, vs] of Object.entries(cfg.params)) {
    const name = PARAM_LABEL_PREFIX + k;
    if (vs.length > 0 && lb.get(name) === '') lb.set(name, vs[0]!);
  }
}

/** Go's `strconv.ParseBool`. */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case '1': case 't': case 'T': case 'true': case 'TRUE': case 'True': return true;
    case '0': case 'f': case 'F': case 'false': case 'FALSE': case 'False': return false;
    default: return undefined;
  }
}

function fail(discovered: Labels, error: Error): PopulateResult {
  return { labels: null, discovered, error, intervalMs: 0 as Millis, timeoutMs: 0 as Millis };
}

/**
 * Builds a target's labels from its discovered labels and the scrape config, relabels,
 * validates and defaults them. Dropped by relabeling: `labels` null, `error` null.
 */
export function populateLabels(lb: LabelsBuilder, cfg: ScrapeConfig, tLabels: Readonly<Record<string, string>>, tgLabels: Readonly<Record<string, string>>): PopulateResult {
  populateDiscoveredLabels(lb, cfg, tLabels, tgLabels);
  const discovered = lb.labels();
  if (!processBuilder(lb, cfg.relabel_configs, cfg.metric_name_validation_scheme)) return { labels: null, discovered, error: null, intervalMs: 0 as Millis, timeoutMs: 0 as Millis };
  const addr = lb.get(ADDRESS_LABEL);
  if (addr === '') return fail(discovered, new Error('no address'));
  if (addr.includes('/')) return fail(discovered, new Error(`${quoteGoString(addr)} is not a valid hostname`));

  const interval = lb.get(SCRAPE_INTERVAL_LABEL);
  let intervalMs: Millis;
  try {
    intervalMs = parseDuration(interval);
  } catch (e) {
    return fail(discovered, new Error(`error parsing scrape interval: ${(e as Error).message}`, { cause: e }));
  }
  if (intervalMs === 0) return fail(discovered, new Error('scrape interval cannot be 0'));
  const timeout = lb.get(SCRAPE_TIMEOUT_LABEL);
  let timeoutMs: Millis;
  try {
    timeoutMs = parseDuration(timeout);
  } catch (e) {
    return fail(discovered, new Error(`error parsing scrape timeout: ${(e as Error).message}`, { cause: e }));
  }
  if (timeoutMs === 0) return fail(discovered, new Error('scrape timeout cannot be 0'));
  if (timeoutMs > intervalMs) {
    return fail(discovered, new Error(`scrape timeout cannot be greater than scrape interval (${quoteGoString(timeout)} > ${quoteGoString(interval)})`));
  }
  for (const [name, desc] of [
    [CONVERT_NHCB_LABEL, 'convert classic histograms to nhcb'],
    [ALWAYS_SCRAPE_CLASSIC_LABEL, 'always scrape classic histograms'],
    [SCRAPE_NATIVE_HISTOGRAMS_LABEL, 'scrape native histograms'],
  ] as const) {
    const v = lb.get(name);
    if (v !== '' && parseGoBool(v) === undefined) {
      return fail(discovered, new Error(`error parsing ${desc}: strconv.ParseBool: parsing ${quoteGoString(v)}: invalid syntax`));
    }
  }
  // Meta labels go; other internal labels stay with the target.
  lb.keepIf((n) => !n.startsWith(META_LABEL_PREFIX));
  if (lb.get(INSTANCE_LABEL) === '') lb.set(INSTANCE_LABEL, addr);
  const res = lb.labels();
  for (let i = 0; i < res.length; i++) {
    const v = res.valueAt(i);
    if (!isWellFormedUTF16(v)) return fail(discovered, new Error(`invalid label value for ${quoteGoString(res.nameAt(i))}: ${quoteGoString(v)}`));
  }
  return { labels: res, discovered, error: null, intervalMs, timeoutMs };
}

export interface GroupTargets {
  targets: Target[];
  /** Targets dropped by relabeling, by their discovered labels. */
  dropped: Labels[];
  failures: Error[];
}

/** The targets of one group; failures are worded `instance <i> in group <source>: <why>`. */
export function targetsFromGroup(tg: TargetGroup, cfg: ScrapeConfig, lb: LabelsBuilder, out: GroupTargets): void {
  for (let i = 0; i < tg.targets.length; i++) {
    const r = populateLabels(lb, cfg, tg.targets[i]!, tg.labels);
    if (r.error !== null) {
      out.failures.push(new Error(`instance ${i} in group ${tg.source}: ${r.error.message}`, { cause: r.error }));
    } else if (r.labels === null) {
      out.dropped.push(r.discovered);
    } else {
      out.targets.push(new Target(r.labels, r.discovered, cfg.params, r.intervalMs, r.timeoutMs));
    }
  }
}
