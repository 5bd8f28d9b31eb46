/**
 * Chunk files in Prometheus's formats: a block's chunk segments (`chunks/000001`, magic
 * 0x85BD40DD) with a writer and a cached reader, and the head's chunk files
 * (`chunks_head/000001`, magic 0x0130BC91) with Prometheus's ChunkDiskMapper behaviour.
 * Refs are numbers (file sequence * 2^32 + offset), see refs.ts.
 */
export { ChunkReader, ChunkCorruptionError, type ChunkReaderOptions } from './chunk-reader.js';
export { ChunkWriter, DEFAULT_CHUNK_SEGMENT_SIZE, syncDir, type ChunkMeta, type ChunkWriterOptions } from './chunk-writer.js';
export { crc32c } from '../../util/crc32c.js';
export {
  HeadChunkDiskMapper, DEFAULT_WRITE_BUFFER_SIZE, MAX_HEAD_CHUNK_FILE_SIZE, MAX_WRITE_BUFFER_SIZE, MIN_WRITE_BUFFER_SIZE,
  type HeadChunkDiskMapperOptions, type HeadChunkSpan,
} from './head-chunk-mapper.js';
export { HeadChunksCorruptionError, OUT_OF_ORDER_MASK, type HeadChunkInfo } from './head-chunk-scan.js';
export { PageCache, type CachedFile, type PageCacheOptions } from './page-cache.js';
export { MAX_REF_SEQ, chunkRefOffset, chunkRefSeq, packChunkRef, type ChunkRef } from './refs.js';
export { MAGIC_CHUNKS, MAGIC_HEAD_CHUNKS, SEGMENT_HEADER_SIZE, segmentName } from './segment.js';
