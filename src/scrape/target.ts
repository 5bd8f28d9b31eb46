/**
 * A scrape target: its labels after relabeling, the labels it was discovered with, the URL
 * they make, and what the last scrape found (health, error, time, duration, metadata).
 *
 * As in Prometheus 3, the target keeps its internal labels (`__address__`, `__scheme__`,
 * `__metrics_path__`, `__param_*`, `__scrape_interval__`, ...; only `__meta_*` are gone);
 * `labels` are the public ones that scraped series and the API get.
 */
import { Labels, RESERVED_LABEL_PREFIX, type MetricType, type Millis } from '../model/index.js';
import { fnv1a53 } from './hash.js';

export type TargetHealth = 'up' | 'down' | 'unknown';

export const ADDRESS_LABEL = '__address__';
export const SCHEME_LABEL = '__scheme__';
export const METRICS_PATH_LABEL = '__metrics_path__';
export const SCRAPE_INTERVAL_LABEL = '__scrape_interval__';
export const SCRAPE_TIMEOUT_LABEL = '__scrape_timeout__';
export const PARAM_LABEL_PREFIX = '__param_';
export const META_LABEL_PREFIX = '__meta_';
export const INSTANCE_LABEL = 'instance';
export const JOB_LABEL = 'job';
export const CONVERT_NHCB_LABEL = '__convert_classic_histograms_to_nhcb__';
export const ALWAYS_SCRAPE_CLASSIC_LABEL = '__always_scrape_classic_histograms__';
export const SCRAPE_NATIVE_HISTOGRAMS_LABEL = '__scrape_native_histograms__';

/** Metadata of one metric family scraped from a target, as `/api/v1/targets/metadata` shows it. */
export interface MetricMetadata {
  metric: string;
  type: MetricType;
  help: string;
  unit: string;
}

/** Per-target metadata, kept by the scrape cache. */
export interface MetadataStore {
  listMetadata(): MetricMetadata[];
  getMetadata(metric: string): MetricMetadata | undefined;
  /** Bytes of help, unit and type text held. */
  sizeMetadata(): number;
  lengthMetadata(): number;
}

/** A target dropped by relabeling, kept for the service discovery page. */
export interface DroppedTarget {
  readonly discoveredLabels: Labels;
}

export class Target {
  /** All labels after relabeling, internal ones included (not `__meta_*`). Immutable. */
  readonly allLabels: Labels;
  /** The public labels: those not starting with `__`. Attached to every scraped series. */
  readonly labels: Labels;
  /** Query parameters from the config, before `__param_*` overrides. */
  readonly #params: Readonly<Record<string, readonly string[]>>;
  readonly scrapeURL: string;
  /** Identity within a pool: equal for the same labels and URL. */
  readonly key: string;
  /** A 53-bit hash of `key`, to spread scrape offsets. */
  readonly hash: number;
  /** Effective interval and timeout in ms (from the labels, validated by `populateLabels`). */
  readonly intervalMs: Millis;
  readonly timeoutMs: Millis;

  #discoveredLabels: Labels;
  #health: TargetHealth = 'unknown';
  #lastError: Error | null = null;
  #lastScrape: Date | null = null;
  #lastScrapeDurationMs = 0;
  #metadata: MetadataStore | null = null;

  constructor(allLabels: Labels, discoveredLabels: Labels, params: Readonly<Record<string, readonly string[]>>, intervalMs: Millis, timeoutMs: Millis) {
    this.allLabels = allLabels;
    this.#discoveredLabels = discoveredLabels;
    this.#params = params;
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
    const pub: string[] = [];
    for (let i = 0; i < allLabels.length; i++) {
      const n = allLabels.nameAt(i);
      if (!n.startsWith(RESERVED_LABEL_PREFIX)) pub.push(n, allLabels.valueAt(i));
    }
    this.labels = pub.length === allLabels.length * 2 ? allLabels : Labels.fromSortedArray(pub);
    this.scrapeURL = buildURL(allLabels, params);
    this.key = allLabels.key() + '\xfe' + this.scrapeURL;
    this.hash = fnv1a53(this.key);
  }

  /** The labels the target was discovered with, before relabeling. */
  get discoveredLabels(): Labels {
    return this.#discoveredLabels;
  }

  /** Replaces the discovered labels with a newer discovery of the same target. */
  setDiscoveredLabels(l: Labels): void {
    this.#discoveredLabels = l;
  }

  get params(): Readonly<Record<string, readonly string[]>> {
    return this.#params;
  }

  get health(): TargetHealth {
    return this.#health;
  }

  /** The error text of the last scrape, '' when it succeeded. */
  get lastError(): string {
    return this.#lastError === null ? '' : this.#lastError.message;
  }

  get lastErrorObject(): Error | null {
    return this.#lastError;
  }

  get lastScrape(): Date | null {
    return this.#lastScrape;
  }

  get lastScrapeDurationSeconds(): number {
    return this.#lastScrapeDurationMs / 1000;
  }

  /** A label by name from all labels (internal ones included). */
  getValue(name: string): string {
    return this.allLabels.get(name);
  }

  /** Records the outcome of a scrape that started at `start` (ms) and took `durationMs`. */
  report(start: number, durationMs: number, err: Error | null): void {
    this.#health = err === null ? 'up' : 'down';
    this.#lastError = err;
    this.#lastScrape = new Date(start);
    this.#lastScrapeDurationMs = durationMs;
  }

  setMetadataStore(s: MetadataStore): void {
    this.#metadata = s;
  }

  metadata(): MetricMetadata[] {
    return this.#metadata === null ? [] : this.#metadata.listMetadata();
  }

  getMetadata(metric: string): MetricMetadata | undefined {
    return this.#metadata?.getMetadata(metric);
  }

  sizeMetadata(): number {
    return this.#metadata === null ? 0 : this.#metadata.sizeMetadata();
  }

  lengthMetadata(): number {
    return this.#metadata === null ? 0 : this.#metadata.lengthMetadata();
  }

  /**
   * Delay (ms) until this target's first scrape: targets spread over the interval by their
   * hash and a per-server seed, pinned to absolute time so that every start of the same
   * target on the same server lands on the same phase, as Prometheus does.
   */
  offset(intervalMs: number, seed: number, now: number = Date.now()): number {
    if (intervalMs <= 0) return 0;
    const base = intervalMs - (now % intervalMs);
    const off = mix53(this.hash, seed) % intervalMs;
    let next = base + off;
    if (next > intervalMs) next -= intervalMs;
    return next;
  }

  toString(): string {
    return this.scrapeURL;
  }
}

/** Combines two 53-bit values without 64-bit bit operators. */
function mix53(a: number, b: number): number {
  return fnv1a53(`${a}:${b}`);
}

/**
 * The scrape URL: `__scheme__://__address____metrics_path__?params`, where the config's
 * params are overridden (first value) or extended by `__param_<name>` labels. Query keys
 * are sorted and escaped as Go's `url.Values.Encode` does.
 */
function buildURL(l: Labels, cfgParams: Readonly<Record<string, readonly string[]>>): string {
  const params = new Map<string, string[]>();
  for (const [k, v] of Object.entries(cfgParams)) params.set(k, v.slice());
  for (let i = 0; i < l.length; i++) {
    const n = l.nameAt(i);
    if (!n.startsWith(PARAM_LABEL_PREFIX)) continue;
    const k = n.slice(PARAM_LABEL_PREFIX.length);
    const cur = params.get(k);
    if (cur !== undefined && cur.length > 0) cur[0] = l.valueAt(i);
    else params.set(k, [l.valueAt(i)]);
  }
  let q = '';
  for (const k of [...params.keys()].sort()) {
    for (const v of params.get(k)!) {
      if (q !== '') q += '&';
      q += queryEscape(k) + '=' + queryEscape(v);
    }
  }
  const scheme = l.get(SCHEME_LABEL);
  const host = l.get(ADDRESS_LABEL);
  let path = l.get(METRICS_PATH_LABEL);
  if (path !== '' && !path.startsWith('/') && host !== '') path = '/' + path;
  return `${scheme}://${host}${escapePath(path)}${q === '' ? '' : '?' + q}`;
}

/** Go's `url.QueryEscape`: all but `A-Za-z0-9-_.~` percent-encoded, space as `+`. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

/** Escapes a path as Go's `url.URL.EscapedPath` does for characters that need it. */
function escapePath(p: string): string {
  return encodeURI(p).replace(/[?#]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase());
}
