/**
 * The WAL's on-disk layout, as Prometheus's `tsdb/wlog` writes it: segments of whole
 * 32 KiB pages; each record split into fragments that never cross a page; each fragment a
 * 7-byte header (type byte, 2-byte big-endian length, 4-byte big-endian CRC-32C of the
 * data) and its data. A page whose rest cannot hold a header is zero-padded.
 */

export const PAGE_SIZE = 32 * 1024;
export const HEADER_SIZE = 7;
/** 128 MiB: Prometheus's default (`--storage.tsdb.wal-segment-size`). */
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;

/** Fragment types: the low three bits of the header's type byte. */
export const FRAG_PAGE_TERM = 0;
export const FRAG_FULL = 1;
export const FRAG_FIRST = 2;
export const FRAG_MIDDLE = 3;
export const FRAG_LAST = 4;
export const FRAG_TYPE_MASK = 0x07;
/** Compression flags of the type byte. Each fragment of a record carries the record's flag. */
export const SNAPPY_FLAG = 0x08;
export const ZSTD_FLAG = 0x10;

export const CHECKPOINT_PREFIX = 'checkpoint.';
export const CHECKPOINT_TMP_SUFFIX = '.tmp';
