/**
 * The head's own metrics under Prometheus's names (`prometheus_tsdb_head_*`,
 * `prometheus_tsdb_wal_*`, `prometheus_tsdb_exemplar_*`, checkpoints, out-of-order), so the
 * Prometheus mixin dashboards work. Counts are plain fields bumped on the hot path; the
 * registry reads them through collectors when scraped.
 */
import type { CollectedSample, MetricKind, Registry } from '../../instrument/index.js';
import type { WlogStats } from '../wal/index.js';

export class HeadCounters {
  seriesCreated = 0;
  seriesRemoved = 0;
  chunksCreated = 0;
  chunksRemoved = 0;
  chunks = 0;
  samplesAppendedFloat = 0;
  samplesAppendedHistogram = 0;
  oooAppendedFloat = 0;
  oooAppendedHistogram = 0;
  outOfOrderFloat = 0;
  outOfOrderHistogram = 0;
  outOfBoundFloat = 0;
  outOfBoundHistogram = 0;
  tooOldFloat = 0;
  tooOldHistogram = 0;
  truncations = 0;
  truncationsFailed = 0;
  gcSeconds = 0;
  gcCount = 0;
  activeAppenders = 0;
  appendersCreated = 0;
  walCorruptions = 0;
  walWritesFailedRecovered = 0;
  walTruncateSeconds = 0;
  walTruncateCount = 0;
  checkpointCreations = 0;
  checkpointCreationsFailed = 0;
  checkpointDeletions = 0;
  checkpointDeletionsFailed = 0;
  mmapChunkCorruptions = 0;
  /** Chunk snapshots that failed to load (0 or 1: only at open). */
  snapshotReplayErrors = 0;
  replaySeconds = 0;
  replayUnknownRefs = new Map<string, number>();
}

/** What the collectors read besides the counters. */
export interface MetricsSource {
  counters: HeadCounters;
  numSeries(): number;
  numStaleSeries(): number;
  minTime(): number;
  maxTime(): number;
  walStats(): WlogStats | null;
  wblStats(): WlogStats | null;
  exemplarStats(): { appended: number; inStorage: number; series: number; max: number; outOfOrder: number; oldest: number };
  chunksStorageBytes(): number;
}

/** Registers the collectors; the returned function unregisters them (on close). */
export function registerHeadMetrics(reg: Registry, src: MetricsSource): () => void {
  const c = src.counters;
  const one = (v: number): CollectedSample[] => [{ suffix: '', labels: [], value: v }];
  const byType = (f: number, h: number): CollectedSample[] => [
    { suffix: '', labels: [['type', 'float']], value: f },
    { suffix: '', labels: [['type', 'histogram']], value: h },
  ];
  const summary = (sum: number, count: number): CollectedSample[] => [
    { suffix: '_sum', labels: [], value: sum },
    { suffix: '_count', labels: [], value: count },
  ];
  const names: string[] = [];
  const reg1 = (name: string, help: string, kind: MetricKind, fn: () => CollectedSample[]): void => {
    reg.collector(name, help, kind, fn);
    names.push(name);
  };
  reg1('prometheus_tsdb_head_series', 'Total number of series in the head block.', 'gauge', () => one(src.numSeries()));
  reg1('prometheus_tsdb_head_stale_series', 'Total number of stale series in the head block.', 'gauge', () => one(src.numStaleSeries()));
  reg1('prometheus_tsdb_head_series_created_total', 'Total number of series created in the head', 'counter', () => one(c.seriesCreated));
  reg1('prometheus_tsdb_head_series_removed_total', 'Total number of series removed in the head', 'counter', () => one(c.seriesRemoved));
  reg1('prometheus_tsdb_head_chunks', 'Total number of chunks in the head block.', 'gauge', () => one(c.chunks));
  reg1('prometheus_tsdb_head_chunks_created_total', 'Total number of chunks created in the head', 'counter', () => one(c.chunksCreated));
  reg1('prometheus_tsdb_head_chunks_removed_total', 'Total number of chunks removed in the head', 'counter', () => one(c.chunksRemoved));
  reg1('prometheus_tsdb_head_chunks_storage_size_bytes', 'Size of the chunks_head directory.', 'gauge', () => one(src.chunksStorageBytes()));
  reg1('prometheus_tsdb_head_samples_appended_total', 'Total number of appended samples.', 'counter', () => byType(c.samplesAppendedFloat, c.samplesAppendedHistogram));
  reg1('prometheus_tsdb_head_out_of_order_samples_appended_total', 'Total number of appended out of order samples.', 'counter', () => byType(c.oooAppendedFloat, c.oooAppendedHistogram));
  reg1('prometheus_tsdb_out_of_order_samples_total', 'Total number of out of order samples ingestion failed attempts due to out of order being disabled.', 'counter', () => byType(c.outOfOrderFloat, c.outOfOrderHistogram));
  reg1('prometheus_tsdb_out_of_bound_samples_total', 'Total number of out of bound samples ingestion failed attempts with out of order support disabled.', 'counter', () => byType(c.outOfBoundFloat, c.outOfBoundHistogram));
  reg1('prometheus_tsdb_too_old_samples_total', 'Total number of out of order samples ingestion failed attempts with out of support enabled, but sample outside of time window.', 'counter', () => byType(c.tooOldFloat, c.tooOldHistogram));
  reg1('prometheus_tsdb_head_min_time', 'Minimum time bound of the head block.', 'gauge', () => one(src.minTime()));
  reg1('prometheus_tsdb_head_max_time', 'Maximum timestamp of the head block.', 'gauge', () => one(src.maxTime()));
  reg1('prometheus_tsdb_head_min_time_seconds', 'Minimum time bound of the head block.', 'gauge', () => one(src.minTime() / 1000));
  reg1('prometheus_tsdb_head_max_time_seconds', 'Maximum timestamp of the head block.', 'gauge', () => one(src.maxTime() / 1000));
  reg1('prometheus_tsdb_head_truncations_total', 'Total number of head truncations attempted.', 'counter', () => one(c.truncations));
  reg1('prometheus_tsdb_head_truncations_failed_total', 'Total number of head truncations that failed.', 'counter', () => one(c.truncationsFailed));
  reg1('prometheus_tsdb_head_gc_duration_seconds', 'Runtime of garbage collection in the head block.', 'summary', () => summary(c.gcSeconds, c.gcCount));
  reg1('prometheus_tsdb_head_active_appenders', 'Number of currently active appender transactions', 'gauge', () => one(c.activeAppenders));
  reg1('prometheus_tsdb_head_appenders_created_total', 'Total number of appenders created.', 'counter', () => one(c.appendersCreated));
  reg1('prometheus_tsdb_data_replay_duration_seconds', 'Time taken to replay the data on disk.', 'gauge', () => one(c.replaySeconds));
  reg1('prometheus_tsdb_wal_replay_unknown_refs_total', 'Total number of unknown series references encountered during WAL replay.', 'counter',
    () => [...c.replayUnknownRefs].map(([t, v]) => ({ suffix: '', labels: [['type', t]], value: v })));
  reg1('prometheus_tsdb_snapshot_replay_error_total', 'Total number snapshot replays that failed.', 'counter', () => one(c.snapshotReplayErrors));
  reg1('prometheus_tsdb_mmap_chunk_corruptions_total', 'Total number of memory-mapped chunk corruptions.', 'counter', () => one(c.mmapChunkCorruptions));
  reg1('prometheus_tsdb_checkpoint_creations_total', 'Total number of checkpoint creations attempted.', 'counter', () => one(c.checkpointCreations));
  reg1('prometheus_tsdb_checkpoint_creations_failed_total', 'Total number of checkpoint creations that failed.', 'counter', () => one(c.checkpointCreationsFailed));
  reg1('prometheus_tsdb_checkpoint_deletions_total', 'Total number of checkpoint deletions attempted.', 'counter', () => one(c.checkpointDeletions));
  reg1('prometheus_tsdb_checkpoint_deletions_failed_total', 'Total number of checkpoint deletions that failed.', 'counter', () => one(c.checkpointDeletionsFailed));
  reg1('prometheus_tsdb_wal_corruptions_total', 'Total number of WAL corruptions.', 'counter', () => one(c.walCorruptions));
  reg1('prometheus_tsdb_wal_truncate_duration_seconds', 'Duration of WAL truncation.', 'summary', () => summary(c.walTruncateSeconds, c.walTruncateCount));
  const wal = (prefix: string, stats: () => WlogStats | null): void => {
    const w = (f: (s: WlogStats) => number): (() => CollectedSample[]) => () => { const s = stats(); return s === null ? [] : one(f(s)); };
    reg1(`${prefix}_fsync_duration_seconds`, 'Duration of write log fsync.', 'summary', () => { const s = stats(); return s === null ? [] : summary(s.fsyncSeconds, s.fsyncs); });
    reg1(`${prefix}_page_flushes_total`, 'Total number of page flushes.', 'counter', w((s) => s.pageFlushes));
    reg1(`${prefix}_completed_pages_total`, 'Total number of completed pages.', 'counter', w((s) => s.completedPages));
    reg1(`${prefix}_truncations_failed_total`, 'Total number of write log truncations that failed.', 'counter', w((s) => s.truncationsFailed));
    reg1(`${prefix}_truncations_total`, 'Total number of write log truncations attempted.', 'counter', w((s) => s.truncations));
    reg1(`${prefix}_writes_failed_total`, 'Total number of write log writes that failed.', 'counter', w((s) => s.writesFailed));
    reg1(`${prefix}_segment_current`, 'Write log segment index that TSDB is currently writing to.', 'gauge', w((s) => s.currentSegment));
    reg1(`${prefix}_record_part_writes_total`, 'Total number of record parts written before flushing.', 'counter', w((s) => s.recordPartWrites));
    reg1(`${prefix}_record_parts_bytes_written_total`, 'Total number of record part bytes written before flushing, including CRC and compression headers.', 'counter', w((s) => s.recordPartBytes));
    reg1(`${prefix}_record_bytes_saved_total`, 'Total number of bytes saved by the optional record compression. Use this metric to learn about the effectiveness compression.', 'counter', w((s) => s.recordBytesSaved));
  };
  wal('prometheus_tsdb_wal', () => src.walStats());
  wal('prometheus_tsdb_out_of_order_wbl', () => src.wblStats());
  const ex = (): ReturnType<MetricsSource['exemplarStats']> => src.exemplarStats();
  reg1('prometheus_tsdb_exemplar_exemplars_appended_total', 'Total number of appended exemplars.', 'counter', () => one(ex().appended));
  reg1('prometheus_tsdb_exemplar_exemplars_in_storage', 'Number of exemplars currently in circular storage.', 'gauge', () => one(ex().inStorage));
  reg1('prometheus_tsdb_exemplar_series_with_exemplars_in_storage', 'Number of series with exemplars currently in circular storage.', 'gauge', () => one(ex().series));
  reg1('prometheus_tsdb_exemplar_max_exemplars', 'Total number of exemplars the exemplar storage can store, resizeable.', 'gauge', () => one(ex().max));
  reg1('prometheus_tsdb_exemplar_out_of_order_exemplars_total', 'Total number of out of order exemplar ingestion failed attempts.', 'counter', () => one(ex().outOfOrder));
  reg1('prometheus_tsdb_exemplar_last_exemplars_timestamp_seconds', 'The timestamp of the oldest exemplar stored in circular storage. Useful to check for what timerange the current exemplar buffer limit allows. This usually means the last timestampfor all exemplars for a typical setup. This is not true though if one of the series timestamp is in future compared to rest series.', 'gauge', () => one(ex().oldest / 1000));
  return () => { for (const n of names) reg.unregister(n); };
}
