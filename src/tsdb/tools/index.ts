/**
 * promtool's TSDB commands as a library, for `watchfire tool tsdb ...`: listing and
 * analyzing blocks, dumping a data directory (blocks and the WAL-replayed head) in
 * promtool's formats, and backfilling blocks from an OpenMetrics file. Output texts follow
 * promtool 3.x byte for byte where they are deterministic.
 */
export { listBlocks, formatBlockTable, BLOCK_TABLE_HEADER, type BlockRow } from './list.js';
export { analyzeBlock, type AnalyzeOptions } from './analyze.js';
export { displayHistogram, generateBucket } from './analyze-chunks.js';
export { dumpTSDB, type DumpFormat, type DumpOptions } from './dump.js';
export { replayWAL, type WalHead } from './wal-head.js';
export { DataDirError, openBlocks, lastBlockID } from './data-dir.js';
export {
  base2Bytes, goJSONString, goQuote, goUnixSecondsUTC, parseGoDuration, parseGoInt64, tabwriterTable,
} from './go-format.js';
export { condensedLabelsString, histogramString, labelsJSON, labelsString } from './series-format.js';
export {
  backfillOpenMetrics, compatibleBlockDuration, BackfillError, DEFAULT_BLOCK_DURATION,
  type BackfillOptions, type BackfillProgress,
} from './backfill.js';
