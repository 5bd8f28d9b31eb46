/**
 * The TSDB head (Prometheus's in-memory block with its WAL): `Head.open(dataDir, opts)`
 * replays `chunks_head/` and `wal/` and returns a head that is `Appendable`, `Queryable` and
 * `ExemplarQueryable`, and that the DB compacts into blocks (`chunksForBlock`) and truncates
 * (`truncateMemory`, `truncateWAL`).
 *
 * Contract for the DB:
 * - open: `Head.open(dir, { minValidTime: <max time of the newest block>, chunkRange, ... })`.
 * - append: `head.appender()`; `await app.commit()` resolves once the WAL write is durable
 *   (per `walSync`) and the samples are visible; it rejects with "write to WAL: ..." when the
 *   WAL write failed, and then nothing of the batch is visible (the next commit retries).
 * - compaction: when `head.compactable()`, write a block from
 *   `head.chunksForBlock(mint, maxt)` (its `symbols` and `series` fit `writeBlock`'s input;
 *   [mint, maxt) is the block range), then `await head.truncateMemory(maxt)` and
 *   `await head.truncateWAL(maxt)`.
 * - read: `head.querier(mint, maxt)` (inclusive), merged with the blocks' queriers by the DB.
 * - close: `await head.close()` after the last commit.
 */
export { Head, type OOOCompaction } from './head.js';
export type { BlockSource } from './compact-source.js';
export type { GCResult } from './truncate.js';
export {
  CHUNKS_HEAD_DIRNAME, DEFAULT_CHUNK_RANGE_MS, DEFAULT_MAX_EXEMPLARS, DEFAULT_OUT_OF_ORDER_CAP_MAX, DEFAULT_SAMPLES_PER_CHUNK,
  WAL_DIRNAME, WBL_DIRNAME, floatEncodingOf,
  type FloatChunkEncoding, type HeadOptions, type HeadStats, type NameCount, type ReplayResult, type ReplayStatus,
} from './options.js';
export { HeadPostings } from './postings-index.js';
