/**
 * The scrape manager: one pool per scrape config, fed by discovery. `applyConfig` reloads
 * (unchanged jobs keep their loops and caches, changed jobs restart their loops, removed
 * jobs stop and their series go stale); `sync` hands each pool its discovered target groups.
 * The accessors serve `/api/v1/targets`, `/api/v1/targets/metadata` and `/api/v1/scrape_pools`.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { ScrapeConfig } from '../config/types.js';
import type { TargetGroup } from '../discovery/index.js';
import type { HTTPClient } from '../httpclient/index.js';
import type { Registry } from '../instrument/index.js';
import { Labels } from '../model/index.js';
import type { Appendable } from '../storage/index.js';
import { newParser } from '../textparse/index.js';
import type { ParserFactory } from '../textparse/interface.js';
import { nopLogger, type Logger } from '../util/log.js';
import { scrapeConfigEqual } from './config-equal.js';
import { FailureLogs } from './failure-log.js';
import { fnv1a53 } from './hash.js';
import { ScrapeMetrics } from './metrics.js';
import { defaultClientFactory, ScrapePool } from './pool.js';
import type { Scraper } from './scraper.js';
import type { DroppedTarget, Target } from './target.js';
import { USER_AGENT } from './version.js';

export interface ScrapeManagerOptions {
  /** Where scraped samples go. */
  appendable: Appendable;
  /** Self-metrics (`prometheus_target_*`) are registered here. */
  registry: Registry;
  logger?: Logger;
  /** Report `scrape_timeout_seconds`, `scrape_sample_limit`, `scrape_body_size_bytes` for every job (`--enable-feature=extra-scrape-metrics`). */
  extraScrapeMetrics?: boolean;
  /**
   * Parse start (created) timestamps and pass them to storage with each sample
   * (`created-timestamp-zero-ingestion` and `st-storage`).
   */
  enableStartTimestamps?: boolean;
  /** Also store a zero sample at each start timestamp (`created-timestamp-zero-ingestion`). */
  startTimestampZeroIngestion?: boolean;
  /** Make up start timestamps for counters and histograms that expose none (`st-synthesis`). */
  synthesizeStartTimestamps?: boolean;
  /** Pass TYPE/HELP/UNIT to storage with the samples (`metadata-wal-records`). */
  appendMetadata?: boolean;
  /** Align sample timestamps to the schedule (`--scrape.adjust-timestamps`, default true). */
  adjustTimestamps?: boolean;
  /** Tolerance of that alignment in ms (`--scrape.timestamp-tolerance`, default 2). */
  timestampToleranceMs?: number;
  /** Default `Watchfire/<version>`. */
  userAgent?: string;
  /** Host name mixed into the offset seed (default: the machine's). */
  hostname?: string;
  /** Stops the manager (as `stop()`) when aborted. */
  signal?: AbortSignal;
  /** Test hooks: scrape at once instead of at the target's offset; replace the parser, HTTP client or scraper. */
  skipOffset?: boolean;
  newParser?: ParserFactory;
  newClient?: (cfg: ScrapeConfig) => HTTPClient;
  newScraper?: (target: Target, cfg: ScrapeConfig) => Scraper;
}

export class ScrapeManager {
  readonly #logger: Logger;
  readonly #metrics: ScrapeMetrics;
  readonly #pools = new Map<string, ScrapePool>();
  #configs = new Map<string, ScrapeConfig>();
  #targetSets = new Map<string, TargetGroup[]>();
  /** Every scrape loop's sleep listens on this signal: one listener per target, no limit. */
  readonly #ac = ((): AbortController => { const ac = new AbortController(); setMaxListeners(0, ac.signal); return ac; })();
  readonly #o: ScrapeManagerOptions;
  readonly #hostname: string;
  #offsetSeed = 0;
  /** Pools removed by a reload, still finishing (stale markers). */
  readonly #retired = new Set<Promise<void>>();
  #stopped = false;
  readonly #failureLogs = new FailureLogs();

  constructor(o: ScrapeManagerOptions) {
    this.#o = o;
    this.#logger = o.logger ?? nopLogger;
    this.#hostname = o.hostname ?? hostname();
    this.#metrics = new ScrapeMetrics(o.registry, { metadataSizes: () => this.#metadataSizes() });
    this.#setOffsetSeed(Labels.EMPTY);
    if (o.signal !== undefined) {
      if (o.signal.aborted) void this.stop();
      else o.signal.addEventListener('abort', () => { void this.stop(); }, { once: true });
    }
  }

  /** The seed that spreads this server's scrapes differently from its HA twin's: host name and external labels. */
  #setOffsetSeed(externalLabels: Labels): void {
    this.#offsetSeed = fnv1a53(this.#hostname + externalLabels.toString());
  }

  #poolOptions(): ConstructorParameters<typeof ScrapePool>[1] {
    const o = this.#o;
    const userAgent = o.userAgent ?? USER_AGENT;
    return {
      appendable: o.appendable,
      metrics: this.#metrics,
      logger: this.#logger,
      newParser: o.newParser ?? newParser,
      newClient: o.newClient ?? defaultClientFactory(userAgent),
      newScraper: o.newScraper ?? null,
      userAgent,
      offsetSeed: () => this.#offsetSeed,
      parentSignal: this.#ac.signal,
      extraScrapeMetrics: o.extraScrapeMetrics ?? false,
      enableStartTimestamps: o.enableStartTimestamps ?? false,
      startTimestampZeroIngestion: (o.enableStartTimestamps ?? false) && (o.startTimestampZeroIngestion ?? false),
      synthesizeST: o.synthesizeStartTimestamps ?? false,
      appendMetadata: o.appendMetadata ?? false,
      alignTimestamps: o.adjustTimestamps ?? true,
      toleranceMs: o.timestampToleranceMs ?? 2,
      skipOffset: o.skipOffset ?? false,
    };
  }

  /**
   * Applies the scrape configs of a (re)loaded configuration. Throws
   * `failed to apply the new configuration` when a changed job's HTTP client cannot be
   * built (that pool keeps its old config); everything else is applied regardless.
   */
  applyConfig(configs: readonly ScrapeConfig[], opts: { externalLabels?: Readonly<Record<string, string>> } = {}): void {
    if (this.#stopped) return;
    // Failure log files are reopened on every reload; a file that cannot be opened fails it.
    this.#failureLogs.reopen(configs.map((c) => c.scrape_failure_log_file));
    const next = new Map<string, ScrapeConfig>();
    for (const c of configs) next.set(c.job_name, c);
    this.#configs = next;
    this.#setOffsetSeed(opts.externalLabels !== undefined ? Labels.fromObject(opts.externalLabels) : Labels.EMPTY);
    let failed = false;
    for (const [name, pool] of this.#pools) {
      const cfg = next.get(name);
      if (cfg === undefined) {
        this.#pools.delete(name);
        const done = pool.stop().then(() => pool.finished()).catch((e: unknown) => {
          this.#logger.error('Stopping scrape pool failed', { scrape_pool: name, err: e });
        });
        const tracked = done.finally(() => { this.#retired.delete(tracked); });
        this.#retired.add(tracked);
        continue;
      }
      pool.setFailureLogger(this.#failureLogs.get(cfg.scrape_failure_log_file));
      if (scrapeConfigEqual(pool.config, cfg)) continue;
      try {
        pool.reload(cfg);
      } catch (e) {
        this.#logger.error('error reloading scrape pool', { scrape_pool: name, err: e });
        failed = true;
        continue;
      }
      // Re-derive the targets under the new config (relabeling, params, ...) right away.
      const groups = this.#targetSets.get(name);
      if (groups !== undefined) pool.sync(groups);
    }
    // Jobs that are new but already have discovered targets start now.
    this.#syncPools();
    if (failed) throw new Error('failed to apply the new configuration');
  }

  /** Takes the full target groups of every set from discovery and syncs the pools. */
  sync(targetSets: ReadonlyMap<string, TargetGroup[]>): void {
    if (this.#stopped) return;
    this.#targetSets = new Map(targetSets);
    this.#syncPools(this.#targetSets);
  }

  #syncPools(only?: ReadonlyMap<string, TargetGroup[]>): void {
    const sets = only ?? this.#targetSets;
    for (const [name, groups] of sets) {
      let pool = this.#pools.get(name);
      if (pool === undefined) {
        const cfg = this.#configs.get(name);
        if (cfg === undefined) {
          if (only !== undefined) this.#logger.error('error reloading target set', { err: `invalid config id:${name}` });
          continue;
        }
        this.#metrics.targetScrapePools.inc();
        try {
          pool = new ScrapePool(cfg, this.#poolOptions());
        } catch (e) {
          this.#metrics.targetScrapePoolsFailed.inc();
          this.#logger.error('error creating new scrape pool', { scrape_pool: name, err: e });
          continue;
        }
        pool.setFailureLogger(this.#failureLogs.get(cfg.scrape_failure_log_file));
        this.#pools.set(name, pool);
      } else if (only === undefined) {
        continue;
      }
      pool.sync(groups);
    }
  }

  /** Stops every pool without writing end-of-run stale markers (the server is shutting down, as in Prometheus). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#ac.abort();
    const all: Promise<void>[] = [];
    for (const p of this.#pools.values()) all.push(p.stop().then(() => p.finished()));
    this.#pools.clear();
    await Promise.allSettled([...all, ...this.#retired]);
    this.#failureLogs.close();
  }

  /** Names of the scrape pools (jobs with discovered targets). */
  scrapePools(): string[] {
    return [...this.#pools.keys()];
  }

  /** Active targets by pool. */
  targetsActive(): Map<string, Target[]> {
    const out = new Map<string, Target[]>();
    for (const [n, p] of this.#pools) out.set(n, p.activeTargets());
    return out;
  }

  /** Dropped targets kept for display (up to `keep_dropped_targets` per pool), by pool. */
  targetsDropped(): Map<string, DroppedTarget[]> {
    const out = new Map<string, DroppedTarget[]>();
    for (const [n, p] of this.#pools) out.set(n, p.droppedTargets());
    return out;
  }

  /** Number of dropped targets per pool, those not kept included. */
  targetsDroppedCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [n, p] of this.#pools) out[n] = p.droppedTargetsCount();
    return out;
  }

  /** The config a pool runs with, or undefined. */
  scrapePoolConfig(name: string): ScrapeConfig | undefined {
    return this.#pools.get(name)?.config;
  }

  #metadataSizes(): Map<string, [number, number]> {
    const out = new Map<string, [number, number]>();
    for (const [n, p] of this.#pools) out.set(n, p.metadataSize());
    return out;
  }
}
