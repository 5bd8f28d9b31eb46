/**
 * The head's chunk files (`<data>/chunks_head/`), Prometheus's ChunkDiskMapper: full head
 * chunks are written out so that memory only holds the open chunk of each series, and read
 * back by ref for queries and at start-up.
 *
 * Writing: `writeChunk` is synchronous. It assigns the ref at once (file number, offset) and
 * buffers the record; buffers go to disk in the background, in order, when full, when a new
 * file is cut (at 128 MiB, or on request), on `flush()` and on `close()`. Until written, a chunk
 * is served from memory. A write failure is kept and thrown by the next call. After a restart
 * writing always starts a new file, as Prometheus does.
 */
import { mkdir, open, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import type { Millis } from '../../model/index.js';
import { Encoding, checkChunkBytes, chunkFromBytes, type Chunk } from '../chunkenc/index.js';
import { syncDir } from './chunk-writer.js';
import { crc32c } from '../../util/crc32c.js';
import {
  HeadChunksCorruptionError, MAX_HEAD_CHUNK_META_SIZE, OUT_OF_ORDER_MASK, scanHeadChunkFile, type HeadChunkInfo,
} from './head-chunk-scan.js';
import { PageChecks, readHeadChunk } from './head-chunk-read.js';
import { PageCache, type CachedFile } from './page-cache.js';
import { chunkRefOffset, chunkRefSeq, packChunkRef, type ChunkRef } from './refs.js';
import {
  CHUNKS_FORMAT_V1, CRC_SIZE, MAGIC_HEAD_CHUNKS, MAX_CHUNK_LENGTH_FIELD_SIZE, SEGMENT_HEADER_SIZE, hex, listSegments, putUvarint,
  readUvarint, segmentHeader, segmentPath, uvarintSize,
} from './segment.js';

export const MAX_HEAD_CHUNK_FILE_SIZE = 128 * 1024 * 1024;
export const MIN_WRITE_BUFFER_SIZE = 64 * 1024;
export const MAX_WRITE_BUFFER_SIZE = 8 * 1024 * 1024;
export const DEFAULT_WRITE_BUFFER_SIZE = 4 * 1024 * 1024;

export interface HeadChunkDiskMapperOptions {
  /** Write buffer size: 64 KiB..8 MiB, a multiple of 1024 (default 4 MiB). */
  writeBufferSize?: number;
  /** Size at which a new file is cut (default 128 MiB; smaller only for tests). */
  maxFileSize?: number;
  /** Page cache for reads (default: a private 16 MiB one). */
  cache?: PageCache;
}

interface FileState {
  /** Bytes on disk (written and completed). */
  size: number;
  maxt: number;
  reader: CachedFile | null;
  /** The reader being opened (see readerOf): concurrent first reads share one handle. */
  opening: Promise<CachedFile> | null;
}

const TWO32 = 4294967296;

function putU64(b: Uint8Array, o: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  const lo = v - hi * TWO32;
  const dv = new DataView(b.buffer, b.byteOffset + o, 8);
  dv.setInt32(0, hi | 0, false);
  dv.setUint32(4, lo >>> 0, false);
}

/** Where `chunkSpanIfCached` found a chunk: a chunk object, or XOR bytes in a page. */
export interface HeadChunkSpan {
  chunk: Chunk | null;
  bytes: Uint8Array;
  start: number;
  end: number;
}

export class HeadChunkDiskMapper {
  readonly dir: string;
  private readonly bufferSize: number;
  private readonly maxFileSize: number;
  private readonly cache: PageCache;
  private readonly files = new Map<number, FileState>();

  // Where the next record goes, known ahead of the disk.
  private seq: number;
  private offset = 0;
  private cutPending = false;

  // The record buffer of file bufSeq, to be written at file position bufPos.
  private buf: Uint8Array;
  private bufLen = 0;
  private bufSeq = 0;
  private bufPos = 0;
  private bufRefs: ChunkRef[] = [];
  /** Chunks written but not yet on disk, by ref. */
  private readonly pending = new Map<ChunkRef, Chunk>();

  private chain: Promise<void> = Promise.resolve();
  private writeErr: Error | null = null;
  private curFh: FileHandle | null = null;
  private closed = false;

  private constructor(dir: string, bufferSize: number, maxFileSize: number, cache: PageCache, lastSeq: number) {
    this.dir = dir;
    this.bufferSize = bufferSize;
    this.maxFileSize = maxFileSize;
    this.cache = cache;
    this.seq = lastSeq;
    this.buf = new Uint8Array(bufferSize);
  }

  /**
   * Opens (creating if needed) a head chunks directory: removes an empty last file left by a
   * crash, then checks that the files are consecutive and have valid headers. Call
   * `iterateAllChunks` next to replay them.
   */
  static async open(dir: string, opts: HeadChunkDiskMapperOptions = {}): Promise<HeadChunkDiskMapper> {
    const bufferSize = opts.writeBufferSize ?? DEFAULT_WRITE_BUFFER_SIZE;
    if (bufferSize < MIN_WRITE_BUFFER_SIZE || bufferSize > MAX_WRITE_BUFFER_SIZE) {
      throw new Error(`ChunkDiskMapper write buffer size should be between ${MIN_WRITE_BUFFER_SIZE} and ${MAX_WRITE_BUFFER_SIZE} (actual: ${bufferSize})`);
    }
    if (bufferSize % 1024 !== 0) throw new Error(`ChunkDiskMapper write buffer size should be a multiple of 1024 (actual: ${bufferSize})`);
    await mkdir(dir, { recursive: true });
    let segs = await listSegments(dir);
    segs.sort((a, b) => a.n - b.n);
    const last = segs[segs.length - 1];
    if (last !== undefined && last.n > 0) {
      // Files are not synced when cut: a crash can leave an empty or zeroed last file.
      const fh = await open(last.path, 'r');
      const magic = new Uint8Array(4);
      let got: number;
      try {
        got = (await fh.read(magic, 0, 4, 0)).bytesRead;
      } finally {
        await fh.close();
      }
      if (got < 4 || new DataView(magic.buffer).getUint32(0, false) === 0) {
        await rm(last.path, { force: true });
        segs = segs.slice(0, -1);
      }
    }
    for (let i = 1; i < segs.length; i++) {
      if (segs[i]!.n !== segs[i - 1]!.n + 1) {
        throw new Error(`found unsequential head chunk files ${segs[i - 1]!.path} (index: ${segs[i - 1]!.n}) and ${segs[i]!.path} (index: ${segs[i]!.n})`);
      }
    }
    const m = new HeadChunkDiskMapper(dir, bufferSize, opts.maxFileSize ?? MAX_HEAD_CHUNK_FILE_SIZE, opts.cache ?? new PageCache({ maxBytes: 16 * 1024 * 1024 }), segs.length > 0 ? segs[segs.length - 1]!.n : 0);
    for (const s of segs) {
      const size = (await stat(s.path)).size;
      if (size < SEGMENT_HEADER_SIZE) throw new Error(`${s.path}: invalid head chunk file header: invalid size`);
      const fh = await open(s.path, 'r');
      const h = new Uint8Array(SEGMENT_HEADER_SIZE);
      await fh.read(h, 0, SEGMENT_HEADER_SIZE, 0);
      const magic = new DataView(h.buffer).getUint32(0, false);
      const err = magic !== MAGIC_HEAD_CHUNKS ? `${s.path}: invalid magic number ${hex(magic)}`
        : h[4] !== CHUNKS_FORMAT_V1 ? `${s.path}: invalid chunk format version ${h[4]}` : null;
      if (err !== null) {
        await fh.close();
        await m.close();
        throw new Error(err);
      }
      m.files.set(s.n, { size, maxt: 0, reader: m.cache.register(fh, size), opening: null });
    }
    return m;
  }

  /**
   * Replays every chunk of every file in order (call once after open, before writing).
   * Throws HeadChunksCorruptionError at the first torn or corrupt record; `repairCorrupted`
   * (or `deleteCorrupted`) then makes the directory usable again. `reuse`: see
   * scanHeadChunkFile.
   */
  async iterateAllChunks(fn: (c: HeadChunkInfo) => void, reuse?: HeadChunkInfo): Promise<void> {
    const seqs = [...this.files.keys()].sort((a, b) => a - b);
    for (const seq of seqs) {
      const st = this.files.get(seq)!;
      st.maxt = await scanHeadChunkFile(this.dir, seq, st.reader!.fh, st.size, fn, reuse);
    }
  }

  /**
   * Truncates the corrupt file to its complete records and deletes the files after it, so
   * that replay and Prometheus both read a clean end. (Prometheus itself deletes the corrupt
   * file whole; see deleteCorrupted.) The next write starts a new file.
   */
  async repairCorrupted(err: HeadChunksCorruptionError): Promise<void> {
    await this.dropFiles((seq) => seq > err.fileIndex);
    const st = this.files.get(err.fileIndex);
    if (st !== undefined) {
      const keep = Math.max(SEGMENT_HEADER_SIZE, err.offset);
      await truncate(segmentPath(this.dir, err.fileIndex), keep);
      await this.closeReader(st);
      const fh = await open(segmentPath(this.dir, err.fileIndex), 'r');
      this.files.set(err.fileIndex, { size: keep, maxt: st.maxt, reader: this.cache.register(fh, keep), opening: null });
    }
    this.resetPosition();
  }

  /** Deletes the corrupt file and all files after it, as Prometheus's DeleteCorrupted does. */
  async deleteCorrupted(err: HeadChunksCorruptionError): Promise<void> {
    await this.dropFiles((seq) => seq >= err.fileIndex);
    this.resetPosition();
  }

  private resetPosition(): void {
    let last = 0;
    for (const seq of this.files.keys()) if (seq > last) last = seq;
    this.seq = last;
    this.offset = 0;
  }

  private async dropFiles(which: (seq: number) => boolean): Promise<void> {
    for (const [seq, st] of [...this.files].sort((a, b) => a[0] - b[0])) {
      if (!which(seq)) continue;
      await this.closeReader(st);
      this.files.delete(seq);
      await rm(segmentPath(this.dir, seq), { force: true });
    }
  }

  /**
   * Buffers a chunk record and returns its ref. The chunk must no longer change; it is read
   * (not copied) until its record is on disk. `mint`/`maxt` in ms.
   */
  writeChunk(seriesRef: number, mint: Millis, maxt: Millis, chunk: Chunk, isOOO: boolean): ChunkRef {
    if (this.closed) throw new Error('ChunkDiskMapper closed');
    if (this.writeErr !== null) throw this.writeErr;
    const data = chunk.bytes();
    const recLen = MAX_HEAD_CHUNK_META_SIZE - MAX_CHUNK_LENGTH_FIELD_SIZE + uvarintSize(data.length) + data.length;
    if (this.cutPending || this.offset === 0 || this.offset + recLen > this.maxFileSize) this.cutFile();
    const ref = packChunkRef(this.seq, this.offset);
    if (this.bufLen + recLen > this.buf.length) {
      this.flushBuffer();
      if (recLen > this.buf.length) this.buf = new Uint8Array(recLen);
    }
    const b = this.buf;
    const o = this.bufLen;
    putU64(b, o, seriesRef);
    putU64(b, o + 8, mint);
    putU64(b, o + 16, maxt);
    b[o + 24] = chunk.encoding | (isOOO ? OUT_OF_ORDER_MASK : 0);
    const n = putUvarint(b, o + 25, data.length);
    b.set(data, o + 25 + n);
    const end = o + 25 + n + data.length;
    new DataView(b.buffer, b.byteOffset + end, CRC_SIZE).setUint32(0, crc32c(b, o, end), false);
    this.bufLen += recLen;
    this.bufRefs.push(ref);
    this.pending.set(ref, chunk);
    this.offset += recLen;
    const st = this.files.get(this.seq)!;
    if (maxt > st.maxt) st.maxt = maxt;
    // A record as large as the buffer goes out at once rather than linger.
    if (recLen + MAX_HEAD_CHUNK_META_SIZE >= this.bufferSize) this.flushBuffer();
    return ref;
  }

  /** Makes the next chunk start a new file. */
  cutNewFile(): void {
    this.cutPending = true;
  }

  private cutFile(): void {
    this.flushBuffer();
    this.seq++;
    this.offset = SEGMENT_HEADER_SIZE;
    this.cutPending = false;
    const seq = this.seq;
    this.files.set(seq, { size: 0, maxt: 0, reader: null, opening: null });
    this.bufSeq = seq;
    this.bufPos = SEGMENT_HEADER_SIZE;
    this.enqueue(async () => {
      await this.closeCurrent();
      const path = segmentPath(this.dir, seq);
      const fh = await open(path, 'w', 0o666);
      this.curFh = fh;
      await writeAt(fh, segmentHeader(MAGIC_HEAD_CHUNKS), 0);
      await syncDir(this.dir);
      const st = this.files.get(seq);
      if (st !== undefined) st.size = SEGMENT_HEADER_SIZE;
    });
  }

  /** Hands the buffered records to the background writer. */
  private flushBuffer(): void {
    if (this.bufLen === 0) return;
    const bytes = this.buf.subarray(0, this.bufLen);
    const seq = this.bufSeq;
    const pos = this.bufPos;
    const refs = this.bufRefs;
    this.bufPos += this.bufLen;
    this.buf = new Uint8Array(this.bufferSize);
    this.bufLen = 0;
    this.bufRefs = [];
    this.enqueue(async () => {
      await writeAt(this.curFh!, bytes, pos);
      const st = this.files.get(seq);
      if (st !== undefined) {
        st.size = pos + bytes.length;
        if (st.reader !== null) st.reader.size = st.size;
      }
      for (const r of refs) this.pending.delete(r);
    });
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.writeErr !== null) return;
      try {
        await job();
      } catch (e) {
        this.writeErr = e instanceof Error ? e : new Error(String(e));
      }
    });
  }

  private async closeCurrent(): Promise<void> {
    if (this.curFh === null) return;
    const fh = this.curFh;
    this.curFh = null;
    await fh.sync();
    await fh.close();
  }

  /** Writes out everything buffered (not fsynced). */
  async flush(): Promise<void> {
    this.flushBuffer();
    await this.chain;
    if (this.writeErr !== null) throw this.writeErr;
  }

  /** Writes out everything buffered and fsyncs the current file. */
  async sync(): Promise<void> {
    await this.flush();
    if (this.curFh !== null) await this.curFh.sync();
  }

  /** The chunk with this ref, from memory while pending, else from its file. */
  async chunk(ref: ChunkRef): Promise<Chunk> {
    if (this.closed) throw new Error('ChunkDiskMapper closed');
    const warm = this.chunkIfCached(ref);
    if (warm !== null) return warm;
    const seq = chunkRefSeq(ref);
    const off = chunkRefOffset(ref);
    const st = this.files.get(seq);
    if (st === undefined) {
      if (seq > this.seq) throw new HeadChunksCorruptionError(this.dir, -1, 0, `head chunk file index ${seq} more than current open file`);
      throw new HeadChunksCorruptionError(this.dir, seq, 0, `head chunk file index ${seq} does not exist on disk`);
    }
    return readHeadChunk(this.dir, this.cache, await this.readerOf(seq, st), seq, off);
  }

  /**
   * The chunk with this ref when reading it needs no I/O (still pending, or its whole record
   * in cached pages), checked as `chunk` checks it; else null, and `chunk` reads it (and
   * reports what is wrong with it). Queries over warm chunks read them without a promise each.
   */
  chunkIfCached(ref: ChunkRef): Chunk | null {
    const sp = this.spanScratch;
    if (!this.chunkSpanIfCached(ref, sp)) return null;
    return sp.chunk ?? chunkFromBytes(Encoding.XOR, sp.bytes.subarray(sp.start, sp.end));
  }

  /**
   * `chunkIfCached` without an object per chunk: fills `out` and returns true when reading
   * needs no I/O. A pending chunk, or one of another encoding than XOR, is `out.chunk`; an XOR
   * chunk in a cached page is `out.bytes[out.start, out.end)` with `out.chunk` null (the page
   * is never modified; it stays valid while referenced).
   */
  chunkSpanIfCached(ref: ChunkRef, out: HeadChunkSpan): boolean {
    if (this.closed) return false;
    // Refs are large numbers (hashed as doubles): look only when anything is pending.
    const mem = this.pending.size === 0 ? undefined : this.pending.get(ref);
    if (mem !== undefined) {
      out.chunk = mem;
      return true;
    }
    const st = this.files.get(chunkRefSeq(ref));
    const f = st?.reader ?? null;
    if (f === null) return false;
    f.size = st!.size;
    // The record (meta, encoding, length, data, CRC) read in place from one cached page.
    const off = chunkRefOffset(ref);
    const metaLen = MAX_HEAD_CHUNK_META_SIZE - MAX_CHUNK_LENGTH_FIELD_SIZE - CRC_SIZE;
    const page = this.cache.peekPage(f, off, metaLen + MAX_CHUNK_LENGTH_FIELD_SIZE);
    if (page === null) return false;
    const at = off % this.cache.pageSize;
    const lo = this.lenScratch;
    if (!readUvarint(page, at + metaLen, at + metaLen + MAX_CHUNK_LENGTH_FIELD_SIZE, lo)) return false;
    const d = at + metaLen + lo.n + lo.v;
    if (d + CRC_SIZE > page.length || off + (d + CRC_SIZE - at) > f.size) return false;
    if (!this.pageChecks.verified(page, at, d)) return false;
    const enc = page[at + metaLen - 1]! & ~OUT_OF_ORDER_MASK;
    if (enc !== Encoding.XOR) {
      out.chunk = chunkFromBytes(enc, page.subarray(d - lo.v, d));
      return true;
    }
    checkChunkBytes(enc, lo.v);
    out.chunk = null;
    out.bytes = page;
    out.start = d - lo.v;
    out.end = d;
    return true;
  }

  private readonly spanScratch: HeadChunkSpan = { chunk: null, bytes: new Uint8Array(0), start: 0, end: 0 };

  /** Scratch of chunkIfCached's length field (it never awaits, so one is enough). */
  private readonly lenScratch = { v: 0, n: 0 };
  /** CRCs of records read in place from cached pages, checked once per page read. */
  private readonly pageChecks = new PageChecks();

  /**
   * The file's reader, opened on first use. Reads of one file that arrive while it opens wait
   * for the same open: each opening its own handle kept only the last one, and the others were
   * left to the garbage collector to close.
   */
  private async readerOf(seq: number, st: FileState): Promise<CachedFile> {
    if (st.reader === null) {
      st.opening ??= this.openReader(seq, st);
      await st.opening;
    }
    const r = st.reader!;
    r.size = st.size;
    return r;
  }

  private async openReader(seq: number, st: FileState): Promise<CachedFile> {
    try {
      const fh = await open(segmentPath(this.dir, seq), 'r');
      if (this.closed || this.files.get(seq) !== st) {
        await fh.close();
        throw new Error(`head chunk file ${segmentPath(this.dir, seq)} was removed while opening it`);
      }
      st.reader = this.cache.register(fh, st.size);
      return st.reader;
    } finally {
      st.opening = null;
    }
  }

  /** Closes a file's reader, once one being opened is open. */
  private async closeReader(st: FileState): Promise<void> {
    if (st.opening !== null) await st.opening.catch(() => undefined);
    const r = st.reader;
    if (r === null) return;
    st.reader = null;
    this.cache.forget(r);
    await r.fh.close();
  }

  /**
   * Deletes the files numbered below `fileNo`, never the one being written; cuts a new file
   * first when the current one holds chunks, so that the caller can truncate it next time.
   */
  async truncate(fileNo: number): Promise<void> {
    const seqs = [...this.files.keys()].sort((a, b) => a - b);
    const current = this.offset > 0 ? this.seq : 0;
    const remove: number[] = [];
    for (const seq of seqs) {
      if (seq === current || seq >= fileNo) break;
      remove.push(seq);
    }
    if (this.offset > SEGMENT_HEADER_SIZE) this.cutNewFile();
    // Writes still queued for older files finish before those files go.
    await this.chain;
    await this.dropFiles((seq) => remove.includes(seq));
    if (remove.length === seqs.length) {
      this.seq = 0;
      this.offset = 0;
    }
  }

  /** Files on disk (or being written) with their sizes and the highest maxt of their chunks. */
  listFiles(): { seq: number; size: number; maxt: number }[] {
    return [...this.files].sort((a, b) => a[0] - b[0]).map(([seq, st]) => ({ seq, size: st.size, maxt: st.maxt }));
  }

  /** Flushes, fsyncs and closes everything. Reads and writes fail afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flushBuffer();
    await this.chain;
    this.closed = true;
    await this.closeCurrent();
    for (const st of this.files.values()) await this.closeReader(st);
    if (this.writeErr !== null) throw this.writeErr;
  }
}

async function writeAt(fh: FileHandle, b: Uint8Array, pos: number): Promise<void> {
  let done = 0;
  while (done < b.length) {
    const { bytesWritten } = await fh.write(b, done, b.length - done, pos + done);
    done += bytesWritten;
  }
}
