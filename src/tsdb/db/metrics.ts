/**
 * The DB's and compactor's `prometheus_tsdb_*` metrics, with Prometheus's names and help
 * texts. Without a registry the metrics still count (tests read them) but are not exposed.
 */
import { Counter, Gauge, Histogram, Registry, exponentialBuckets } from '../../instrument/index.js';

export class DBMetrics {
  readonly reloads: Counter;
  readonly reloadsFailed: Counter;
  readonly compactionsTriggered: Counter;
  readonly compactionsFailed: Counter;
  readonly compactionsSkipped: Counter;
  readonly timeRetentions: Counter;
  readonly sizeRetentions: Counter;
  readonly blocksBytes: Gauge;
  readonly maxBytes: Gauge;
  readonly retentionSeconds: Gauge;
  readonly maxPercentage: Gauge;
  readonly tombstoneCleanup: Histogram;
  readonly cleanStart: Gauge;
  // The compactor's.
  readonly compactionsRan: Counter;
  readonly populatingBlock: Gauge;
  readonly verticalCompactions: Counter;
  readonly compactionDuration: Histogram;
  readonly staleCompactionsTriggered: Counter;
  readonly staleCompactionsFailed: Counter;
  readonly staleCompactionDuration: Histogram;
  readonly chunkSize: Histogram;
  readonly chunkSamples: Histogram;
  readonly chunkRange: Histogram;

  constructor(registry: Registry | undefined, blocksLoaded: () => number, lowestTimestamp: () => number) {
    const r = registry ?? new Registry();
    r.collector('prometheus_tsdb_blocks_loaded', 'Number of currently loaded data blocks', 'gauge', () => [{ suffix: '', labels: [], value: blocksLoaded() }]);
    r.collector('prometheus_tsdb_lowest_timestamp', 'Lowest timestamp value stored in the database. The unit is decided by the library consumer.', 'gauge', () => [{ suffix: '', labels: [], value: lowestTimestamp() }]);
    this.reloads = r.counter({ name: 'prometheus_tsdb_reloads_total', help: 'Number of times the database reloaded block data from disk.' });
    this.reloadsFailed = r.counter({ name: 'prometheus_tsdb_reloads_failures_total', help: 'Number of times the database failed to reloadBlocks block data from disk.' });
    this.compactionsTriggered = r.counter({ name: 'prometheus_tsdb_compactions_triggered_total', help: 'Total number of triggered compactions for the partition.' });
    this.compactionsFailed = r.counter({ name: 'prometheus_tsdb_compactions_failed_total', help: 'Total number of compactions that failed for the partition.' });
    this.compactionsSkipped = r.counter({ name: 'prometheus_tsdb_compactions_skipped_total', help: 'Total number of skipped compactions due to disabled auto compaction.' });
    this.timeRetentions = r.counter({ name: 'prometheus_tsdb_time_retentions_total', help: 'The number of times that blocks were deleted because the maximum time limit was exceeded.' });
    this.sizeRetentions = r.counter({ name: 'prometheus_tsdb_size_retentions_total', help: 'The number of times that blocks were deleted because the maximum number of bytes was exceeded.' });
    this.blocksBytes = r.gauge({ name: 'prometheus_tsdb_storage_blocks_bytes', help: 'The number of bytes that are currently used for local storage by all blocks.' });
    this.maxBytes = r.gauge({ name: 'prometheus_tsdb_retention_limit_bytes', help: 'Max number of bytes to be retained in the tsdb blocks, configured 0 means disabled' });
    this.retentionSeconds = r.gauge({ name: 'prometheus_tsdb_retention_limit_seconds', help: 'How long to retain samples in storage.' });
    this.maxPercentage = r.gauge({ name: 'prometheus_tsdb_retention_limit_percentage', help: 'Max percentage of total storage space to be retained in the tsdb blocks, configured 0 means disabled' });
    this.tombstoneCleanup = r.histogram({ name: 'prometheus_tsdb_tombstone_cleanup_seconds', help: 'The time taken to recompact blocks to remove tombstones.', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    this.cleanStart = r.gauge({ name: 'prometheus_tsdb_clean_start', help: '-1: lockfile is disabled. 0: a lockfile from a previous execution was replaced. 1: lockfile creation was clean' });
    this.compactionsRan = r.counter({ name: 'prometheus_tsdb_compactions_total', help: 'Total number of compactions that were executed for the partition.' });
    this.populatingBlock = r.gauge({ name: 'prometheus_tsdb_compaction_populating_block', help: 'Set to 1 when a block is currently being written to the disk.' });
    this.verticalCompactions = r.counter({ name: 'prometheus_tsdb_vertical_compactions_total', help: 'Total number of compactions done on overlapping blocks.' });
    this.compactionDuration = r.histogram({ name: 'prometheus_tsdb_compaction_duration_seconds', help: 'Duration of compaction runs', buckets: exponentialBuckets(1, 2, 14) });
    this.staleCompactionsTriggered = r.counter({ name: 'prometheus_tsdb_stale_series_compactions_triggered_total', help: 'Total number of triggered stale series compactions.' });
    this.staleCompactionsFailed = r.counter({ name: 'prometheus_tsdb_stale_series_compactions_failed_total', help: 'Total number of stale series compactions that failed.' });
    this.staleCompactionDuration = r.histogram({ name: 'prometheus_tsdb_stale_series_compaction_duration_seconds', help: 'Duration of stale series compaction runs.', buckets: exponentialBuckets(1, 2, 14) });
    this.chunkSize = r.histogram({ name: 'prometheus_tsdb_compaction_chunk_size_bytes', help: 'Final size of chunks on their first compaction', buckets: exponentialBuckets(32, 1.5, 12) });
    this.chunkSamples = r.histogram({ name: 'prometheus_tsdb_compaction_chunk_samples', help: 'Final number of samples on their first compaction', buckets: exponentialBuckets(4, 1.5, 12) });
    this.chunkRange = r.histogram({ name: 'prometheus_tsdb_compaction_chunk_range_seconds', help: 'Final time range of chunks on their first compaction', buckets: exponentialBuckets(100, 4, 10) });
  }
}
