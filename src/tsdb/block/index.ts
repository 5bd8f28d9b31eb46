/**
 * Persisted blocks: opening a block directory (meta.json, index, chunks, tombstones) for
 * queries, writing new blocks atomically, meta.json and ULIDs.
 */
export { Block, CHUNKS_DIRNAME, INDEX_FILENAME, type BlockSeries, type BlockSeriesBatch, type OpenBlockOptions, type SelectOptions } from './block.js';
export {
  TMP_FOR_CREATION_SUFFIX, writeBlock, type BlockWriteInput, type SeriesToWrite, type WriteBlockOptions, type WrittenBlock,
} from './block-writer.js';
export type { ChunkReader, ChunkSpans, ChunkToWrite, ChunkWriter, OpenChunkReader, OpenChunkWriter } from './chunk-seam.js';
export {
  BlockMetaError, HINT_FROM_OUT_OF_ORDER, HINT_FROM_SELECTED_SERIES, HINT_FROM_STALE_SERIES, META_FILENAME, META_VERSION_1,
  emptyStats, encodeMeta, parseMeta, partialHeadHint, readMetaFile, writeMetaFile,
  type BlockDesc, type BlockMeta, type BlockMetaCompaction, type BlockStats,
} from './meta.js';
export { encodeULID, isValidULID, newULID, ulidTime } from './ulid.js';
export { replace, syncDir } from './fsutil.js';
