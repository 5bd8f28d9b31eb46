/**
 * Reads chunks of a block's segment files by ref, through a bounded page cache: positional
 * reads of whole pages, never whole files; or many at once with large reads of the runs
 * they form (`chunksAt`). Each read checks the chunk's CRC-32C, as Prometheus does.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { checkChunkBytes, chunkFromBytes, type Chunk } from '../chunkenc/index.js';
import type { CacheBudget, ChunkSpans } from '../block/chunk-seam.js';
import { crc32cView } from '../../util/crc32c.js';
import { PageCache, readFully, type CachedFile } from './page-cache.js';
import { chunkRefOffset, chunkRefSeq, type ChunkRef } from './refs.js';
import {
  CHUNKS_FORMAT_V1, CRC_SIZE, MAGIC_CHUNKS, MAX_CHUNK_LENGTH_FIELD_SIZE, SEGMENT_HEADER_SIZE, hex, listSegments, readUvarint,
} from './segment.js';

/** Chunks at most this far apart are read in one run (the gap is read and dropped). */
const RUN_GAP = 16 * 1024;
/** Bytes read after a run's last chunk start: an XOR chunk with its length and CRC fits easily. */
const RUN_TAIL = 2048;
/** A run's longest read. */
const MAX_RUN = 4 * 1024 * 1024;
/** Runs up to this long go through the page cache (they are what instant queries read). */
const CACHED_RUN = 64 * 1024;
/**
 * A run whose chunks lie further apart than this on average (one chunk per series out of a
 * long block: what instant and short-range queries read) is read chunk by chunk through the
 * page cache instead of reading and dropping its gaps every time, as long as the query's
 * budget lasts: half the cache, since more would only push its own pages out. Beyond it, runs
 * are read whole, past the cache, as dense ones are.
 */
const SPARSE_STRIDE = 1024;

/**
 * Replaces the bytes of the chunks at run positions [i, j), all in `sp.bufs[bi]`, with one
 * compact copy of them.
 */
function compact(sp: ChunkSpans, bi: number, order: Uint32Array | null, i: number, j: number): void {
  let total = 0;
  for (let k = i; k < j; k++) {
    const idx = order === null ? k : order[k]!;
    if (sp.buf[idx] === bi) total += sp.end[idx]! - sp.start[idx]!;
  }
  const mem = new Uint8Array(total);
  const src = sp.bufs[bi]!;
  let at = 0;
  for (let k = i; k < j; k++) {
    const idx = order === null ? k : order[k]!;
    if (sp.buf[idx] !== bi) continue;
    const len = sp.end[idx]! - sp.start[idx]!;
    mem.set(src.subarray(sp.start[idx], sp.end[idx]), at);
    sp.start[idx] = at;
    sp.end[idx] = at + len;
    at += len;
  }
  sp.bufs[bi] = mem;
}

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
  /** A view of the last buffer checked (runs check many chunks of one buffer). */
  private dv: DataView = new DataView(new ArrayBuffer(0));
  /** The span `chunk` parses into (calls are synchronous between awaits). */
  private readonly single: ChunkSpans = { bufs: [], buf: new Uint32Array(1), start: new Uint32Array(1), end: new Uint32Array(1), enc: new Uint8Array(1) };

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
    const f = this.fileOf(ref);
    const start = chunkRefOffset(ref);
    const rec = await this.record(f, start);
    const sp = this.single;
    this.parse(f, rec, start, start, sp, 0, 0);
    return chunkFromBytes(sp.enc[0]!, rec.subarray(sp.start[0], sp.end[0]));
  }

  /**
   * The chunks at `refs` into `out[0, refs.length)`, each as `chunk(ref)` returns it (same
   * checks and errors), read together as `chunkSpansAt` reads them.
   */
  async chunksAt(refs: ArrayLike<number>, out: Chunk[]): Promise<void> {
    const sp = await this.chunkSpansAt(refs);
    for (let i = 0; i < refs.length; i++) out[i] = chunkFromBytes(sp.enc[i]!, sp.bufs[sp.buf[i]!]!.subarray(sp.start[i], sp.end[i]));
  }

  /**
   * The chunks at `refs` (any order) as byte ranges, with the checks and errors of `chunk`.
   * Refs near each other in a segment (a block writes a series' chunks one after the other,
   * and series in index order) are read with one large read per run instead of one cached
   * read per chunk; a run of a few pages goes through the page cache. A sparse run (mostly
   * gaps) is copied down to its chunks, so that the gaps are not kept alive with them.
   */
  cacheBudget(): CacheBudget {
    return { bytes: this.cache.maxBytes / 2 };
  }

  async chunkSpansAt(refs: ArrayLike<number>, budget: CacheBudget = this.cacheBudget()): Promise<ChunkSpans> {
    const n = refs.length;
    const sp: ChunkSpans = { bufs: [], buf: new Uint32Array(n), start: new Uint32Array(n), end: new Uint32Array(n), enc: new Uint8Array(n) };
    let order: Uint32Array | null = null;
    for (let i = 1; i < n; i++) {
      if (refs[i]! < refs[i - 1]!) {
        order = new Uint32Array(n);
        for (let k = 0; k < n; k++) order[k] = k;
        order.sort((a, b) => refs[a]! - refs[b]!);
        break;
      }
    }
    let i = 0;
    while (i < n) {
      const first = refs[order === null ? i : order[i]!]!;
      const f = this.fileOf(first);
      const seq = chunkRefSeq(first);
      const runStart = chunkRefOffset(first);
      let last = runStart;
      let j = i + 1;
      for (; j < n; j++) {
        const r = refs[order === null ? j : order[j]!]!;
        const off = chunkRefOffset(r);
        if (chunkRefSeq(r) !== seq || off - last > RUN_GAP || off + RUN_TAIL - runStart > MAX_RUN) break;
        last = off;
      }
      if (j - i > 1 && last - runStart > SPARSE_STRIDE * (j - i - 1) && last - runStart <= budget.bytes) {
        budget.bytes -= last - runStart;
        await this.sparseRun(f, refs, order, i, j, sp);
        i = j;
        continue;
      }
      if (j - i === 1) {
        sp.bufs.push(await this.record(f, runStart));
        this.parse(f, sp.bufs[sp.bufs.length - 1]!, runStart, runStart, sp, order === null ? i : order[i]!, sp.bufs.length - 1);
        i = j;
        continue;
      }
      const runEnd = Math.min(f.size, last + RUN_TAIL);
      let buf: Uint8Array;
      if (runEnd - runStart <= CACHED_RUN) {
        buf = await this.cache.read(f, runStart, runEnd - runStart);
      } else {
        buf = new Uint8Array(runEnd - runStart);
        await readFully(f.fh, buf, runStart);
      }
      const bi = sp.bufs.length;
      sp.bufs.push(buf);
      let used = 0;
      for (let k = i; k < j; k++) {
        const idx = order === null ? k : order[k]!;
        const start = chunkRefOffset(refs[idx]!);
        if (!this.parse(f, buf, runStart, start, sp, idx, bi)) {
          // A chunk reaching past the guessed end of the run is read on its own.
          sp.bufs.push(await this.record(f, start));
          this.parse(f, sp.bufs[sp.bufs.length - 1]!, start, start, sp, idx, sp.bufs.length - 1);
        }
        used += sp.end[idx]! - sp.start[idx]! + 16;
      }
      if (used * 4 < buf.length) compact(sp, bi, order, i, j);
      i = j;
    }
    return sp;
  }

  /**
   * The chunks at run positions [i, j) of one file, each from the cached page holding it when
   * there is one (no read, no copy), else through `record` (which caches its pages).
   */
  private async sparseRun(f: CachedFile, refs: ArrayLike<number>, order: Uint32Array | null, i: number, j: number, sp: ChunkSpans): Promise<void> {
    const ps = this.cache.pageSize;
    for (let k = i; k < j; k++) {
      const idx = order === null ? k : order[k]!;
      const start = chunkRefOffset(refs[idx]!);
      const page = this.cache.peekPage(f, start, 1);
      if (page !== null) {
        const last = sp.bufs.length - 1;
        const bi = last >= 0 && sp.bufs[last] === page ? last : sp.bufs.push(page) - 1;
        if (this.parse(f, page, start - (start % ps), start, sp, idx, bi)) continue;
      }
      sp.bufs.push(await this.record(f, start));
      this.parse(f, sp.bufs[sp.bufs.length - 1]!, start, start, sp, idx, sp.bufs.length - 1);
    }
  }

  private fileOf(ref: ChunkRef): CachedFile {
    const seg = chunkRefSeq(ref);
    const f = this.files[seg];
    if (f === undefined) throw new ChunkCorruptionError(`segment index ${seg} out of range`);
    return f;
  }

  /** The whole record (length, encoding, data, CRC) of the chunk at file offset `start`, through the cache. */
  private async record(f: CachedFile, start: number): Promise<Uint8Array> {
    if (start + MAX_CHUNK_LENGTH_FIELD_SIZE > f.size) {
      throw new ChunkCorruptionError(`segment doesn't include enough bytes to read the chunk size data field - required:${start + MAX_CHUNK_LENGTH_FIELD_SIZE}, available:${f.size}`);
    }
    const head = await this.cache.read(f, start, MAX_CHUNK_LENGTH_FIELD_SIZE);
    const lo = this.lenOut;
    if (!readUvarint(head, 0, head.length, lo)) throw new ChunkCorruptionError('reading chunk length failed with 0');
    const end = start + lo.n + 1 + lo.v + CRC_SIZE;
    if (end > f.size) throw new ChunkCorruptionError(`segment doesn't include enough bytes to read the chunk - required:${end}, available:${f.size}`);
    return this.cache.read(f, start, end - start);
  }

  /**
   * Checks the chunk whose record starts at file offset `start`, in `buf` holding the file's
   * bytes from `bufStart`, and sets its span at `sp[idx]` (bytes in `sp.bufs[bi]`); false
   * when the record reaches past `buf` (but not past the file).
   */
  private parse(f: CachedFile, buf: Uint8Array, bufStart: number, start: number, sp: ChunkSpans, idx: number, bi: number): boolean {
    const at = start - bufStart;
    if (start + MAX_CHUNK_LENGTH_FIELD_SIZE > f.size) {
      throw new ChunkCorruptionError(`segment doesn't include enough bytes to read the chunk size data field - required:${start + MAX_CHUNK_LENGTH_FIELD_SIZE}, available:${f.size}`);
    }
    const lo = this.lenOut;
    if (!readUvarint(buf, at, Math.min(buf.length, at + MAX_CHUNK_LENGTH_FIELD_SIZE), lo)) {
      if (at + MAX_CHUNK_LENGTH_FIELD_SIZE > buf.length) return false;
      throw new ChunkCorruptionError('reading chunk length failed with 0');
    }
    const dataLen = lo.v;
    const enc = at + lo.n;
    const end = start + lo.n + 1 + dataLen + CRC_SIZE;
    if (end > f.size) throw new ChunkCorruptionError(`segment doesn't include enough bytes to read the chunk - required:${end}, available:${f.size}`);
    if (end - bufStart > buf.length) return false;
    const dataEnd = enc + 1 + dataLen;
    const want = ((buf[dataEnd]! << 24) | (buf[dataEnd + 1]! << 16) | (buf[dataEnd + 2]! << 8) | buf[dataEnd + 3]!) >>> 0;
    let dv = this.dv;
    if (dv.buffer !== buf.buffer || dv.byteOffset !== buf.byteOffset || dv.byteLength !== buf.byteLength) {
      dv = this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const got = crc32cView(dv, buf, enc, dataEnd);
    if (got !== want) throw new ChunkCorruptionError(`checksum mismatch expected:${hex(want)}, actual:${hex(got)}`);
    checkChunkBytes(buf[enc]!, dataLen);
    sp.enc[idx] = buf[enc]!;
    sp.buf[idx] = bi;
    sp.start[idx] = enc + 1;
    sp.end[idx] = dataEnd;
    return true;
  }

  async close(): Promise<void> {
    for (const f of this.files) this.cache.forget(f);
    await Promise.all(this.files.map((f) => f.fh.close()));
  }
}
