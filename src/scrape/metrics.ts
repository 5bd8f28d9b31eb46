/**
 * The scrape manager's self-metrics, under Prometheus 3's names and help texts, so that the
 * Prometheus mixin dashboards and alerts work unchanged. Summaries are approximated (see
 * instrument's Summary); native-histogram-only metrics are exposed as classic histograms.
 */
import { DEFAULT_BUCKETS, type Counter, type Gauge, type Histogram, type Registry, type Summary } from '../instrument/index.js';

/** The objectives of Prometheus's target interval summaries. */
const TARGET_SUMMARY_OBJECTIVES: readonly number[] = [0.01, 0.05, 0.5, 0.9, 0.99];

/** What the metadata collector needs to know about each pool's targets. */
export interface MetadataSizes {
  /** Per pool: [entries, bytes] of the targets' metadata caches. */
  metadataSizes(): Map<string, [number, number]>;
}

export class ScrapeMetrics {
  // Manager.
  readonly targetScrapePools: Counter;
  readonly targetScrapePoolsFailed: Counter;
  // Pools.
  readonly targetReloadIntervalLength: Summary;
  readonly targetScrapePoolReloads: Counter;
  readonly targetScrapePoolReloadsFailed: Counter;
  readonly targetScrapePoolSyncsCounter: Counter;
  readonly targetScrapePoolExceededTargetLimit: Counter;
  readonly targetScrapePoolTargetLimit: Gauge;
  readonly targetScrapePoolTargetsAdded: Gauge;
  readonly targetScrapePoolSymbolTableItems: Gauge;
  readonly targetSyncIntervalLength: Summary;
  readonly targetSyncIntervalLengthHistogram: Histogram;
  readonly targetSyncFailed: Counter;
  // Scraper.
  readonly targetScrapeExceededBodySizeLimit: Counter;
  // Cache.
  readonly targetScrapeCacheFlushForced: Counter;
  // Loops.
  readonly targetIntervalLength: Summary;
  readonly targetIntervalLengthHistogram: Histogram;
  readonly targetScrapeSampleLimit: Counter;
  readonly targetScrapeSampleDuplicate: Counter;
  readonly targetScrapeSampleOutOfOrder: Counter;
  readonly targetScrapeSampleOutOfBounds: Counter;
  readonly targetScrapeExemplarOutOfOrder: Counter;
  readonly targetScrapePoolExceededLabelLimits: Counter;
  readonly targetScrapeNativeHistogramBucketLimit: Counter;
  readonly targetScrapeDuration: Histogram;

  constructor(r: Registry, sizes: MetadataSizes) {
    r.collector('prometheus_target_metadata_cache_entries', 'Total number of metric metadata entries in the cache', 'gauge', () => {
      const out = [];
      for (const [job, [entries]] of sizes.metadataSizes()) out.push({ suffix: '', labels: [['scrape_job', job]] as const, value: entries });
      return out;
    });
    r.collector('prometheus_target_metadata_cache_bytes', 'The number of bytes that are currently used for storing metric metadata in the cache', 'gauge', () => {
      const out = [];
      for (const [job, [, bytes]] of sizes.metadataSizes()) out.push({ suffix: '', labels: [['scrape_job', job]] as const, value: bytes });
      return out;
    });
    this.targetScrapePools = r.counter({ name: 'prometheus_target_scrape_pools_total', help: 'Total number of scrape pool creation attempts.' });
    this.targetScrapePoolsFailed = r.counter({ name: 'prometheus_target_scrape_pools_failed_total', help: 'Total number of scrape pool creations that failed.' });

    this.targetReloadIntervalLength = r.summary({ name: 'prometheus_target_reload_length_seconds', help: 'Actual interval to reload the scrape pool with a given configuration.', labelNames: ['interval'], objectives: TARGET_SUMMARY_OBJECTIVES });
    this.targetScrapePoolReloads = r.counter({ name: 'prometheus_target_scrape_pool_reloads_total', help: 'Total number of scrape pool reloads.' });
    this.targetScrapePoolReloadsFailed = r.counter({ name: 'prometheus_target_scrape_pool_reloads_failed_total', help: 'Total number of failed scrape pool reloads.' });
    this.targetScrapePoolExceededTargetLimit = r.counter({ name: 'prometheus_target_scrape_pool_exceeded_target_limit_total', help: 'Total number of times scrape pools hit the target limit, during sync or config reload.' });
    this.targetScrapePoolTargetLimit = r.gauge({ name: 'prometheus_target_scrape_pool_target_limit', help: 'Maximum number of targets allowed in this scrape pool.', labelNames: ['scrape_job'] });
    this.targetScrapePoolTargetsAdded = r.gauge({ name: 'prometheus_target_scrape_pool_targets', help: 'Current number of targets in this scrape pool.', labelNames: ['scrape_job'] });
    this.targetScrapePoolSymbolTableItems = r.gauge({ name: 'prometheus_target_scrape_pool_symboltable_items', help: 'Current number of symbols in table for this scrape pool.', labelNames: ['scrape_job'] });
    this.targetScrapePoolSyncsCounter = r.counter({ name: 'prometheus_target_scrape_pool_sync_total', help: 'Total number of syncs that were executed on a scrape pool.', labelNames: ['scrape_job'] });
    this.targetSyncIntervalLength = r.summary({ name: 'prometheus_target_sync_length_seconds', help: 'Actual interval to sync the scrape pool.', labelNames: ['scrape_job'], objectives: TARGET_SUMMARY_OBJECTIVES });
    this.targetSyncIntervalLengthHistogram = r.histogram({ name: 'prometheus_target_sync_length_histogram_seconds', help: 'Actual interval to sync the scrape pool.', labelNames: ['scrape_job'], buckets: [0.01, 0.1, 1, 10] });
    this.targetSyncFailed = r.counter({ name: 'prometheus_target_sync_failed_total', help: 'Total number of target sync failures.', labelNames: ['scrape_job'] });

    this.targetScrapeExceededBodySizeLimit = r.counter({ name: 'prometheus_target_scrapes_exceeded_body_size_limit_total', help: 'Total number of scrapes that hit the body size limit' });
    this.targetScrapeCacheFlushForced = r.counter({ name: 'prometheus_target_scrapes_cache_flush_forced_total', help: 'How many times a scrape cache was flushed due to getting big while scrapes are failing.' });

    this.targetIntervalLength = r.summary({ name: 'prometheus_target_interval_length_seconds', help: 'Actual intervals between scrapes.', labelNames: ['interval'], objectives: TARGET_SUMMARY_OBJECTIVES });
    this.targetIntervalLengthHistogram = r.histogram({ name: 'prometheus_target_interval_length_histogram_seconds', help: 'Actual intervals between scrapes.', labelNames: ['interval'], buckets: [0.01, 0.1, 1, 10] });
    this.targetScrapeSampleLimit = r.counter({ name: 'prometheus_target_scrapes_exceeded_sample_limit_total', help: 'Total number of scrapes that hit the sample limit and were rejected.' });
    this.targetScrapeSampleDuplicate = r.counter({ name: 'prometheus_target_scrapes_sample_duplicate_timestamp_total', help: 'Total number of samples rejected due to duplicate timestamps but different values.' });
    this.targetScrapeSampleOutOfOrder = r.counter({ name: 'prometheus_target_scrapes_sample_out_of_order_total', help: 'Total number of samples rejected due to not being out of the expected order.' });
    this.targetScrapeSampleOutOfBounds = r.counter({ name: 'prometheus_target_scrapes_sample_out_of_bounds_total', help: 'Total number of samples rejected due to timestamp falling outside of the time bounds.' });
    this.targetScrapePoolExceededLabelLimits = r.counter({ name: 'prometheus_target_scrape_pool_exceeded_label_limits_total', help: 'Total number of times scrape pools hit the label limits, during sync or config reload.' });
    this.targetScrapeNativeHistogramBucketLimit = r.counter({ name: 'prometheus_target_scrapes_exceeded_native_histogram_bucket_limit_total', help: 'Total number of scrapes that hit the native histogram bucket limit and were rejected.' });
    this.targetScrapeExemplarOutOfOrder = r.counter({ name: 'prometheus_target_scrapes_exemplar_out_of_order_total', help: 'Total number of exemplar rejected due to not being out of the expected order.' });
    this.targetScrapeDuration = r.histogram({ name: 'prometheus_target_scrape_duration_seconds', help: 'Total duration of the scrape from start to commit completion in seconds.', buckets: DEFAULT_BUCKETS });
  }

  /** Drops the per-job children of a stopped pool, as Prometheus does. */
  forgetJob(job: string): void {
    this.targetScrapePoolSyncsCounter.remove(job);
    this.targetScrapePoolTargetLimit.remove(job);
    this.targetScrapePoolTargetsAdded.remove(job);
    this.targetScrapePoolSymbolTableItems.remove(job);
    this.targetSyncIntervalLength.remove(job);
    this.targetSyncIntervalLengthHistogram.remove(job);
    this.targetSyncFailed.remove(job);
  }
}
