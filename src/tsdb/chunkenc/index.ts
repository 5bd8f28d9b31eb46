/**
 * Prometheus's chunk encodings, bit for bit: XOR floats (1, the default), integer histograms
 * (2), float histograms (3) and XOR2 floats with start timestamps (4, Prometheus 3.x's
 * optional float encoding) and the histogram encodings with start timestamps (5, 6,
 * Prometheus's `histograms-st-encoding`), read and written.
 */
export {
  ChunkEncodingError, Encoding, encodingName, isSupportedEncoding,
  MAX_BYTES_PER_XOR_CHUNK, MAX_BYTES_PER_XOR_CHUNK_BEFORE_APPEND, MAX_SAMPLES_PER_CHUNK,
  MIN_SAMPLES_PER_HISTOGRAM_CHUNK, TARGET_BYTES_PER_HISTOGRAM_CHUNK,
  type Appender, type Chunk, type ChunkIterator, type HistogramAppendResult,
} from './chunk.js';
export { checkChunkBytes, chunkFromBytes, newEmptyChunk } from './from-data.js';
export { ARENA_CLASSES, ChunkArena, type ArenaStats } from './arena.js';
export { XorIterator, appendFloat } from './xor.js';
export { XorChunk, type XorAppender } from './xor-chunk.js';
export { Xor2Appender, Xor2Chunk } from './xor2.js';
export { Xor2Iterator } from './xor2-iterator.js';
export { HistogramAppender, HistogramChunk } from './histogram.js';
export { HistogramIterator } from './histogram-iterator.js';
export { FloatHistogramAppender, FloatHistogramChunk } from './float-histogram.js';
export { FloatHistogramIterator } from './float-histogram-iterator.js';
export { CounterResetHeader, counterResetHint } from './histogram-meta.js';
