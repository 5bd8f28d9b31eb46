/**
 * Record compression as Prometheus's WAL knows it: none, snappy (the default since
 * Prometheus 2.20) or zstd (3.x, `--storage.tsdb.wal-compression-type=zstd`).
 *
 * zstd comes from node:zlib where the running Node has it (22.15+ / 23.8+); on older Node
 * a zstd WAL cannot be read or written and the codec says so with a clear error.
 */
import * as zlib from 'node:zlib';
import { SnappyBuffer, snappyCompress, snappyDecompress } from '../../util/snappy.js';

export type CompressionType = 'none' | 'snappy' | 'zstd';

export const COMPRESSION_TYPES: readonly CompressionType[] = ['none', 'snappy', 'zstd'];

type ZstdFn = (b: Uint8Array) => Buffer;
const zmod = zlib as unknown as Record<string, unknown>;
const zstdCompressSync = typeof zmod['zstdCompressSync'] === 'function' ? (zmod['zstdCompressSync'] as ZstdFn) : null;
const zstdDecompressSync = typeof zmod['zstdDecompressSync'] === 'function' ? (zmod['zstdDecompressSync'] as ZstdFn) : null;

/** Whether this Node can read and write zstd-compressed records. */
export const ZSTD_AVAILABLE = zstdCompressSync !== null && zstdDecompressSync !== null;

const NO_ZSTD = 'zstd-compressed WAL records need Node.js 22.15 or later (node:zlib has no zstd here)';

/**
 * A compressor/decompressor with its own reusable buffers. Output views alias those
 * buffers until the next call of the same direction. Not for concurrent use.
 */
export class Codec {
  readonly #enc = new SnappyBuffer();
  readonly #dec = new SnappyBuffer();

  compress(type: CompressionType, src: Uint8Array): Uint8Array {
    switch (type) {
      case 'none': return src;
      case 'snappy': return snappyCompress(src, this.#enc);
      case 'zstd':
        if (zstdCompressSync === null) throw new Error(NO_ZSTD);
        return plain(zstdCompressSync(src));
      default: return unknownType(type);
    }
  }

  decompress(type: CompressionType, src: Uint8Array): Uint8Array {
    if (src.length === 0) return src;
    switch (type) {
      case 'none': return src;
      case 'snappy': return snappyDecompress(src, this.#dec);
      case 'zstd':
        if (zstdDecompressSync === null) throw new Error(NO_ZSTD);
        return plain(zstdDecompressSync(src));
      default: return unknownType(type);
    }
  }
}

/** A Buffer as a plain Uint8Array view, so that `.slice()` copies. */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function unknownType(t: never): never {
  throw new Error(`unsupported compression type: ${String(t)}`);
}

/** Parses a `--storage.tsdb.wal-compression-type` value. */
export function parseCompressionType(s: string): CompressionType {
  for (const t of COMPRESSION_TYPES) if (t === s) return t;
  throw new Error(`unsupported compression type: ${s}`);
}
