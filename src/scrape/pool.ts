/**
 * A scrape pool: the targets and loops of one scrape config (job). `sync` turns discovered
 * groups into targets, deduplicates them by labels and URL, starts loops for new targets and
 * stops those of vanished ones (their series go stale); `reload` restarts every loop with a
 * new config, handing over the caches when the change cannot affect the stored series.
 */
import type { ScrapeConfig } from '../config/types.js';
import type { TargetGroup } from '../discovery/index.js';
import { newHTTPClient, type HTTPClient } from '../httpclient/index.js';
import { formatGoDuration, LabelsBuilder, type Labels } from '../model/index.js';
import type { Appendable } from '../storage/index.js';
import { acceptHeader } from '../textparse/index.js';
import type { ParserFactory } from '../textparse/interface.js';
import type { Logger } from '../util/log.js';
import { ScrapeCache } from './cache.js';
import type { FailureLogger } from './failure-log.js';
import { sameScrapeConfig } from './config-equal.js';
import { pickSchema } from './histogram-limit.js';
import { ScrapeLoop } from './loop.js';
import type { ScrapeMetrics } from './metrics.js';
import { parseGoBool, targetsFromGroup, type GroupTargets } from './populate-labels.js';
import { mutateSampleLabels } from './sample-labels.js';
import { TargetScraper, type Scraper } from './scraper.js';
import {
  ALWAYS_SCRAPE_CLASSIC_LABEL, CONVERT_NHCB_LABEL, SCRAPE_NATIVE_HISTOGRAMS_LABEL, type DroppedTarget, type Target,
} from './target.js';

/** Options shared by all pools of a manager. */
export interface PoolOptions {
  readonly appendable: Appendable;
  readonly metrics: ScrapeMetrics;
  readonly logger: Logger;
  readonly newParser: ParserFactory;
  readonly newClient: (cfg: ScrapeConfig) => HTTPClient;
  /** Replaces the HTTP scraper (tests). */
  readonly newScraper: ((target: Target, cfg: ScrapeConfig) => Scraper) | null;
  readonly userAgent: string;
  readonly offsetSeed: () => number;
  /** Aborted on manager shutdown. */
  readonly parentSignal: AbortSignal;
  readonly extraScrapeMetrics: boolean;
  readonly enableStartTimestamps: boolean;
  readonly startTimestampZeroIngestion: boolean;
  readonly synthesizeST: boolean;
  readonly appendMetadata: boolean;
  readonly alignTimestamps: boolean;
  readonly toleranceMs: number;
  readonly skipOffset: boolean;
}

export function defaultClientFactory(userAgent: string): (cfg: ScrapeConfig) => HTTPClient {
  // Scrapes of plain-HTTP targets use the built-in HTTP/1.1 connections (far cheaper per request than undici).
  return (cfg) => newHTTPClient(cfg.http_client, cfg.job_name, { userAgent, fastHTTP1: true });
}

function boolLabel(t: Target, name: string, def: boolean): boolean {
  const v = t.getValue(name);
  if (v === '') return def;
  return parseGoBool(v) ?? def;
}

export class ScrapePool {
  readonly name: string;
  readonly #o: PoolOptions;
  #cfg: ScrapeConfig;
  #client: HTTPClient;
  /** Active targets' loops by target key. */
  readonly #loops = new Map<string, ScrapeLoop>();
  #dropped: DroppedTarget[] = [];
  #droppedCount = 0;
  /** Loops stopped but not yet finished (end-of-run staleness pending). */
  readonly #ending = new Set<Promise<void>>();
  #stopped = false;
  #failureLogger: FailureLogger | null = null;

  /** Throws when the HTTP client cannot be built from the config. */
  constructor(cfg: ScrapeConfig, o: PoolOptions) {
    this.name = cfg.job_name;
    this.#o = o;
    this.#cfg = cfg;
    this.#client = o.newClient(cfg);
    o.metrics.targetScrapePoolTargetLimit.labels(this.name).set(cfg.target_limit);
  }

  get config(): ScrapeConfig {
    return this.#cfg;
  }

  /** Where failed scrapes are logged (`scrape_failure_log_file`), or null. */
  setFailureLogger(l: FailureLogger | null): void {
    this.#failureLogger = l;
  }

  activeTargets(): Target[] {
    const out: Target[] = [];
    for (const l of this.#loops.values()) out.push(l.target);
    return out;
  }

  droppedTargets(): DroppedTarget[] {
    return this.#dropped;
  }

  droppedTargetsCount(): number {
    return this.#droppedCount;
  }

  /** Turns discovered groups into targets and starts and stops loops to match. */
  sync(groups: readonly TargetGroup[]): void {
    if (this.#stopped) return;
    const start = performance.now();
    const m = this.#o.metrics;
    const cfg = this.#cfg;
    const lb = new LabelsBuilder();
    const out: GroupTargets = { targets: [], dropped: [], failures: [] };
    for (const tg of groups) targetsFromGroup(tg, cfg, lb, out);
    for (const e of out.failures) this.#o.logger.error('Creating target failed', { err: e });
    m.targetSyncFailed.labels(this.name).inc(out.failures.length);
    const keep = cfg.keep_dropped_targets;
    const dropped: DroppedTarget[] = [];
    for (const d of out.dropped) {
      if (keep === 0 || dropped.length < keep) dropped.push({ discoveredLabels: d });
    }
    this.#dropped = dropped;
    this.#droppedCount = out.dropped.length;
    // A target whose public labels are all gone counts as dropped too, as in Prometheus.
    const active: Target[] = [];
    for (const t of out.targets) {
      if (t.labels.isEmpty()) {
        if (keep === 0 || this.#dropped.length < keep) this.#dropped.push({ discoveredLabels: t.discoveredLabels });
        this.#droppedCount++;
      } else {
        active.push(t);
      }
    }
    this.#syncTargets(active);
    const secs = (performance.now() - start) / 1000;
    m.targetSyncIntervalLength.labels(this.name).observe(secs);
    m.targetSyncIntervalLengthHistogram.labels(this.name).observe(secs);
    m.targetScrapePoolSyncsCounter.labels(this.name).inc();
  }

  #syncTargets(targets: readonly Target[]): void {
    const unique = new Map<string, ScrapeLoop | null>();
    for (const t of targets) {
      const existing = this.#loops.get(t.key);
      if (existing === undefined) {
        const l = this.#newLoop(t, this.#newCache());
        this.#loops.set(t.key, l);
        unique.set(t.key, l);
      } else {
        if (!unique.has(t.key)) unique.set(t.key, null);
        // Keep the latest discovery for the service discovery page.
        existing.target.setDiscoveredLabels(t.discoveredLabels);
      }
    }
    for (const [key, l] of this.#loops) {
      if (!unique.has(key)) {
        this.#loops.delete(key);
        void this.#retire(l);
      }
    }
    this.#o.metrics.targetScrapePoolTargetsAdded.labels(this.name).set(unique.size);
    const forced = this.#targetLimitError();
    for (const l of this.#loops.values()) l.setForcedError(forced);
    for (const l of unique.values()) l?.start();
  }

  /** Stops a loop; its end-of-run staleness runs on in the background. */
  #retire(l: ScrapeLoop): Promise<void> {
    const stopped = l.stop();
    const fin = l.finished.finally(() => { this.#ending.delete(fin); });
    this.#ending.add(fin);
    return stopped;
  }

  #targetLimitError(): Error | null {
    const limit = this.#cfg.target_limit;
    if (limit === 0) return null;
    const n = this.#loops.size;
    if (n <= limit) return null;
    this.#o.metrics.targetScrapePoolExceededTargetLimit.inc();
    return new Error(`target_limit exceeded (number of targets: ${n}, limit: ${limit})`);
  }

  /**
   * Applies a changed config: a new HTTP client and fresh loops for the current targets.
   * Caches carry over (no stale markers in between) when only the interval, timeout,
   * sample limit or HTTP settings changed. Throws when the new client cannot be built.
   */
  reload(cfg: ScrapeConfig): void {
    const m = this.#o.metrics;
    m.targetScrapePoolReloads.inc();
    const start = performance.now();
    let client: HTTPClient;
    try {
      client = this.#o.newClient(cfg);
    } catch (e) {
      m.targetScrapePoolReloadsFailed.inc();
      throw e;
    }
    const reuse = sameScrapeConfig(this.#cfg, cfg);
    const old = this.#client;
    this.#cfg = cfg;
    this.#client = client;
    m.targetScrapePoolTargetLimit.labels(this.name).set(cfg.target_limit);
    const forced = this.#targetLimitError();
    const restarts: Promise<void>[] = [];
    for (const [key, oldLoop] of this.#loops) {
      let cache: ScrapeCache;
      if (reuse) {
        oldLoop.disableEndOfRunStalenessMarkers();
        cache = oldLoop.cache;
      } else {
        cache = this.#newCache();
      }
      const nl = this.#newLoop(oldLoop.target, cache);
      nl.setForcedError(forced);
      this.#loops.set(key, nl);
      // The successor starts once the old loop finished its scrape in progress.
      restarts.push(this.#retire(oldLoop).then(() => { if (!this.#stopped && this.#loops.get(key) === nl) nl.start(); }));
    }
    void Promise.all(restarts).then(() => old.close()).catch(() => undefined);
    m.targetReloadIntervalLength.labels(formatGoDuration(cfg.scrape_interval)).observe((performance.now() - start) / 1000);
  }

  #newCache(): ScrapeCache {
    const m = this.#o.metrics;
    return new ScrapeCache({ flushForced: () => { m.targetScrapeCacheFlushForced.inc(); } });
  }

  #newLoop(t: Target, cache: ScrapeCache): ScrapeLoop {
    const o = this.#o;
    const cfg = this.#cfg;
    const scraper = o.newScraper !== null ? o.newScraper(t, cfg) : new TargetScraper(t, {
      client: this.#client,
      timeoutMs: t.timeoutMs,
      bodySizeLimit: cfg.body_size_limit,
      acceptHeader: acceptHeader(cfg.scrape_protocols, cfg.metric_name_escaping_scheme),
      enableCompression: cfg.enable_compression,
      userAgent: o.userAgent,
      onBodySizeLimit: () => { o.metrics.targetScrapeExceededBodySizeLimit.inc(); },
    });
    const scrapeNative = boolLabel(t, SCRAPE_NATIVE_HISTOGRAMS_LABEL, cfg.scrape_native_histograms);
    const alwaysClassic = boolLabel(t, ALWAYS_SCRAPE_CLASSIC_LABEL, cfg.always_scrape_classic_histograms);
    const toNHCB = boolLabel(t, CONVERT_NHCB_LABEL, cfg.convert_classic_histograms_to_nhcb);
    const targetLabels: Labels = t.labels;
    const honor = cfg.honor_labels;
    const mrc = cfg.metric_relabel_configs;
    const scheme = cfg.metric_name_validation_scheme;
    return new ScrapeLoop({
      target: t,
      scraper,
      cache,
      appendable: o.appendable,
      intervalMs: t.intervalMs,
      timeoutMs: t.timeoutMs,
      offsetSeed: o.offsetSeed(),
      skipOffset: o.skipOffset,
      alignTimestamps: o.alignTimestamps,
      toleranceMs: o.toleranceMs,
      reportExtraMetrics: o.extraScrapeMetrics || cfg.extra_scrape_metrics,
      parentSignal: o.parentSignal,
      newParser: o.newParser,
      parserOptions: {
        parseStartTimestamps: o.enableStartTimestamps,
        keepClassicHistograms: alwaysClassic,
        convertClassicHistogramsToNHCB: toNHCB,
        // Without native histogram scraping, histograms are taken in their classic form.
        ignoreNativeHistograms: !scrapeNative,
      },
      fallbackProtocol: cfg.fallback_scrape_protocol,
      sampleMutator: (l) => mutateSampleLabels(l, targetLabels, honor, mrc, scheme),
      honorTimestamps: cfg.honor_timestamps,
      trackTimestampsStaleness: cfg.track_timestamps_staleness,
      sampleLimit: cfg.sample_limit,
      bucketLimit: cfg.native_histogram_bucket_limit,
      maxSchema: pickSchema(cfg.native_histogram_min_bucket_factor),
      labelLimits: {
        labelLimit: cfg.label_limit,
        labelNameLengthLimit: cfg.label_name_length_limit,
        labelValueLengthLimit: cfg.label_value_length_limit,
      },
      validationScheme: cfg.metric_name_validation_scheme,
      scrapeNativeHistograms: scrapeNative,
      enableStartTimestamps: o.enableStartTimestamps,
      startTimestampZeroIngestion: o.startTimestampZeroIngestion,
      synthesizeST: o.synthesizeST,
      appendMetadata: o.appendMetadata,
      metrics: o.metrics,
      logger: o.logger.with({ target: t.scrapeURL }),
      failureLogger: () => this.#failureLogger,
      jobName: this.name,
    });
  }

  /**
   * Stops every loop and resolves when their scrapes in progress are done. Their series go
   * stale about two intervals later unless the manager is shutting down; `finished` waits
   * for that too.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    const all: Promise<void>[] = [];
    for (const l of this.#loops.values()) all.push(this.#retire(l));
    this.#loops.clear();
    await Promise.all(all);
    this.#o.metrics.forgetJob(this.name);
    await this.#client.close();
  }

  /** Resolves when all stopped loops have fully ended (end-of-run staleness included). */
  async finished(): Promise<void> {
    while (this.#ending.size > 0) await Promise.all([...this.#ending]);
  }

  /** [entries, bytes] of the metadata of this pool's active targets. */
  metadataSize(): [number, number] {
    let n = 0, b = 0;
    for (const l of this.#loops.values()) {
      n += l.target.lengthMetadata();
      b += l.target.sizeMetadata();
    }
    return [n, b];
  }
}
