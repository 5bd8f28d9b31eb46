/**
 * Reads chunks of a block's segment files by ref, through a bounded page cache: positional
 * reads of whole pages, never whole files. Each read checks the chunk's CRC-32C, as
 * Prometheus does.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { chunkFromBytes, type Chunk } from '../chunkenc/index.js';
import { crc32c } from './crc32c.js';
import { PageCache, type CachedFile } from './page-cache.js';
import { chunkRefOffset, chunkRefSeq, type ChunkRef } from './refs.js';
import {
  CHUNKS_FORMAT_V1, CRC_SIZE, MAGIC_CHUNKS, MAX_CHUNK_LENGTH_FIELD_SIZE, SEGMENT_HEADER_SIZE, hex, listSegments, readUvarint,
} from './segment.js';

export interface ChunkReaderOptions {
  /** The page cache to read through; by default a private 16 MiB one. */
  cache?: PageCache;
}

/** Thrown when a checksum does not match or a chunk reaches past its file. */
export class ChunkCorruptionError extends Error {
  override readonly name = 'ChunkCorruptionError';
}

/**
 * Chunk bytes handed out are views of cached pages (or private copies): never modified, valid
 * as long as the caller holds them, also after `close()`. Safe for concurrent reads.
 */
export class ChunkReader {
  private readonly files: CachedFile[];
  private readonly cache: PageCache;
  private readonly totalSize: number;
  private readonly lenOut = { v: 0, n: 0 };

  private constructor(files: CachedFile[], cache: PageCache) {
    this.files = files;
    this.cache = cache;
    let total = 0;
    for (const f of files) total += f.size;
    this.totalSize = total;
  }

  /** Opens the numbered segment files of `dir` and checks their headers. */
  static async open(dir: string, opts: ChunkReaderOptions = {}): Promise<ChunkReader> {
    const cache = opts.cache ?? new PageCache({ maxBytes: 16 * 1024 * 1024 });
    const segs = await listSegments(dir);
    const handles: FileHandle[] = [];
    const files: CachedFile[] = [];
    try {
      for (let i = 0; i < segs.length; i++) {
        const fh = await open(segs[i]!.path, 'r');
        handles.push(fh);
        const size = (await fh.stat()).size;
        if (size < SEGMENT_HEADER_SIZE) throw new Error(`invalid segment header in segment ${i}: invalid size`);
        const h = new Uint8Array(SEGMENT_HEADER_SIZE);
        await fh.read(h, 0, SEGMENT_HEADER_SIZE, 0);
        const dv = new DataView(h.buffer);
        const magic = dv.getUint32(0, false);
        if (magic !== MAGIC_CHUNKS) throw new Error(`invalid magic number ${hex(magic)}`);
        if (h[4] !== CHUNKS_FORMAT_V1) throw new Error(`invalid chunk format version ${h[4]}`);
        files.push(cache.register(fh, size));
      }
    } catch (e) {
      await Promise.allSettled(handles.map((fh) => fh.close()));
      throw e;
    }
    return new ChunkReader(files, cache);
  }

  /** Total size of the segment files in bytes. */
  size(): number {
    return this.totalSize;
  }

  /** The chunk at `ref`; throws ChunkCorruptionError on a bad checksum or a ref past the data. */
  async chunk(ref: ChunkRef): Promise<Chunk> {
    const seg = chunkRefSeq(ref);
    const start = chunkRefOffset(ref);
    const f = this.files[seg];
    if (f === undefined) throw new ChunkCorruptionError(`segment index ${seg} out of range`);
    if (start + MAX_CHUNK_LENGTH_FIELD_SIZE > f.size) {
      throw new ChunkCorruptionError(`segment doesn't include enough bytes to read the chunk size data field - required:${start + MAX_CHUNK_LENGTH_FIELD_SIZE}, available:${f.size}`);
    }
    const head = await this.cache.read(f, start, MAX_CHUNK_LENGTH_FIELD_SIZE);
    const lo = this.lenOut;
    if (!readUvarint(head, 0, head.length, lo)) throw new ChunkCorruptionError('reading chunk length failed with 0');
    const dataLen = lo.v;
    const encStart = start + lo.n;
    const end = encStart + 1 + dataLen + CRC_SIZE;
    if (end > f.size) throw new ChunkCorruptionError(`segment doesn't include enough bytes to read the chunk - required:${end}, available:${f.size}`);
    const rec = await this.cache.read(f, encStart, end - encStart);
    const dataEnd = 1 + dataLen;
    const want = ((rec[dataEnd]! << 24) | (rec[dataEnd + 1]! << 16) | (rec[dataEnd + 2]! << 8) | rec[dataEnd + 3]!) >>> 0;
    const got = crc32c(rec, 0, dataEnd);
    if (got !== want) throw new ChunkCorruptionError(`checksum mismatch expected:${hex(want)}, actual:${hex(got)}`);
    return chunkFromBytes(rec[0]!, rec.subarray(1, dataEnd));
  }

  async close(): Promise<void> {
    for (const f of this.files) this.cache.forget(f);
    await Promise.all(this.files.map((f) => f.fh.close()));
  }
}
