/**
 * The write-ahead log in Prometheus's exact on-disk format (`data/wal/`): segment files of
 * 32 KiB pages holding fragmented, CRC-checked, optionally compressed records, plus
 * checkpoints. A Prometheus WAL opens here and Prometheus replays one written here.
 *
 * - `Wlog`: the writer (`log(records)` with group commit and an fsync policy).
 * - `WalReader`: sequential reading of segments and checkpoints, with `CorruptionError`s
 *   that `repair` fixes by truncating at the last good record.
 * - `LiveReader` / `WalWatcher`: tailing a WAL being written (remote write, agents).
 * - `checkpoint`, `lastCheckpoint`, `deleteCheckpoints`, `Wlog.truncate`: WAL truncation.
 * - `openReplay`: checkpoint + following segments, in replay order.
 *
 * Record contents are encoded by `tsdb/record`.
 *
 * Opening a data directory, as Prometheus does:
 *   const { reader } = await openReplay(walDir);
 *   while (reader.nextBuffered() || await reader.next()) replayRecord(reader.record());
 *   const err = reader.err(); await reader.close();
 *   if (err !== null) {
 *     if (err.dir !== walDir) throw err;   // a damaged checkpoint cannot be repaired
 *     await repair(walDir, err);           // keep everything before the damage
 *   }
 *   const wal = await Wlog.open(walDir, { compression: 'snappy', segmentSize });
 *   ... Appender.commit(): await wal.log([seriesRecord, samplesRecord]);
 * Truncation (after a head compaction): `const { segment } = wal.lastSegmentAndOffset()`,
 * `await wal.nextSegment()`, `checkpoint(walDir, first, last, keep, mint)` over the first
 * two thirds, `wal.truncate(last + 1)`, `deleteCheckpoints(walDir, last)`.
 */
export { Wlog, type WlogOptions, type WlogStats, type SyncPolicy } from './writer.js';
export { WalReader, selectSegments, type SegmentRange, type SegmentFile } from './reader.js';
export { LiveReader } from './live-reader.js';
export { WalWatcher, type WatchHandler, type WatchPosition, type WatcherOptions } from './watcher.js';
export { repair } from './repair.js';
export { checkpoint, type CheckpointStats, type CheckpointOptions } from './checkpoint.js';
export { CorruptionError } from './errors.js';
export {
  segmentName, listSegments, segmentRange, deleteSegmentsBefore, checkpointDir, listCheckpoints, lastCheckpoint, deleteCheckpoints, deleteTempCheckpoints, dirSize,
  type SegmentRef,
} from './segments.js';
export { Codec, parseCompressionType, COMPRESSION_TYPES, ZSTD_AVAILABLE, type CompressionType } from './compression.js';
export { SnappyBuffer, SnappyError, snappyCompress, snappyDecompress, snappyDecodedLength, maxCompressedLength } from '../../util/snappy.js';
export { crc32c } from '../../util/crc32c.js';
export { PAGE_SIZE, HEADER_SIZE, DEFAULT_SEGMENT_SIZE } from './constants.js';
export { openReplay, type ReplayPlan } from './replay.js';
