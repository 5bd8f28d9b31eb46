/**
 * The TSDB database around the head: blocks loaded from the data directory, queries merged
 * over blocks and head, head compaction into 2h blocks, leveled and vertical compaction of
 * blocks, time and size retention, snapshots, deletion and tombstone cleaning, the `lock`
 * file and the `prometheus_tsdb_*` metrics, as Prometheus's `tsdb.DB`.
 */
export { DB, DEFAULT_BLOCK_DURATION_MS, DEFAULT_COMPACTION_DELAY_MAX_PERCENT, DEFAULT_RETENTION_MS, fsCapacity, storagePathCapacity, type DBOptions, type DBStatus } from './db.js';
export type { DamagedBlock, RetentionSettings } from './block-set.js';
export { queryableBlockSource, type DBHead, type HeadStatsShape, type OpenHead, type OpenHeadOptions, type ReplayProgress } from './head-seam.js';
export { TSDBHead, openTSDBHead } from './head-adapter.js';
export { BlockQuerier, type BlockReadLease } from './block-querier.js';
export { compactBlocks, compactedMeta, writeLevel1Block, blocksSource, type BlockSource, type CompactOptions, type CompactResult } from './compactor.js';
export { compactionRanges, exponentialBlockRanges, plan, selectDirs, selectOverlappingDirs, splitByRange, type PlanBlock } from './planner.js';
export { beyondSizeRetention, beyondTimeRetention } from './retention.js';
export { encodeChunks, SAMPLES_PER_REENCODED_CHUNK } from './chunk-encoder.js';
export { DirLock, LOCK_FILENAME, LockfileState } from './lock.js';
export { Yielder } from './yielder.js';
export { isTmpDirName } from './dirs.js';
export { ReadyStorage } from './ready-storage.js';
export { resolveRetention, resolveTSDBSettings, type TSDBFlags, type TSDBSettings } from './settings.js';
export { excludeBlocksPendingUpload } from './upload-filter.js';
