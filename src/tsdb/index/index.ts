/**
 * The block index: Prometheus's index file format v2 (symbols, series with chunk metas,
 * postings, offset tables, TOC, CRC-32C per section), written streaming and read through
 * bounded caches; postings set operations and matcher resolution shared with the head.
 */
export {
  ALL_POSTINGS_KEY, FORMAT_V2, IndexFormatError, MAGIC_INDEX, SERIES_ALIGN, SYMBOL_FACTOR,
  ChunkMetaColumns, type ChunkMeta, type ChunkMetaSink, type TOC,
} from './format.js';
export { IndexWriter, type IndexWriterOptions } from './writer.js';
export { collectSymbols, writeIndexFile, type IndexSeries } from './build.js';
export { IndexReader, type IndexReaderOptions } from './reader.js';
export type { PagedFileStats } from './paged-file.js';
export {
  EMPTY_POSTINGS, ErrPostings, ListPostings, expandPostings, intersectPostings, isEmptyPostings,
  mergePostings, postingsToUint32Array, withoutPostings, type Postings,
} from './postings.js';
export { decodeBigEndianRefs, differenceSorted, intersectSorted, unionSorted } from './postings-arrays.js';
export { literalSetMatches, postingsForMatchers, type PostingsIndex } from './postings-for-matchers.js';
export { compareLabelsUtf8, compareUtf8 } from './utf8-order.js';
export { crc32c, crc32cCombine } from '../../util/crc32c.js';
export { EncBuf, uvarintSize } from './encbuf.js';
export { DecBuf, ERR_INVALID_CHECKSUM, ERR_INVALID_SIZE, decodeUtf8 } from './decbuf.js';
export { FileWriter } from './file-writer.js';
