/**
 * Writes the chunk segment files of a block (`<block>/chunks/000001`, ...): after the 8-byte
 * header, each chunk as `len uvarint | encoding byte | data | CRC-32C(encoding, data)`, cutting
 * a new segment when the next batch would pass the segment size, exactly as Prometheus splits
 * them (so the same chunks give the same files and refs).
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import type { Chunk } from '../chunkenc/index.js';
import { crc32c } from '../../util/crc32c.js';
import { packChunkRef, type ChunkRef } from './refs.js';
import {
  CRC_SIZE, MAGIC_CHUNKS, MAX_CHUNK_LENGTH_FIELD_SIZE, SEGMENT_HEADER_SIZE, listSegments, putUvarint, segmentHeader, segmentPath,
} from './segment.js';

/** Prometheus's default block chunk segment size: 512 MiB. */
export const DEFAULT_CHUNK_SEGMENT_SIZE = 512 * 1024 * 1024;

/**
 * A chunk of one series with the times of its first and last samples (ms, inclusive). The
 * writer sets `ref`; readers take `ref` from the index. `chunk` is null until loaded. (The
 * block seam's ChunkToWrite is one of these.)
 */
export interface ChunkMeta {
  ref: ChunkRef;
  chunk: Chunk | null;
  mint: number;
  maxt: number;
}

export interface ChunkWriterOptions {
  /** Maximum segment file size in bytes; <= 0 means the default (512 MiB). */
  segmentSize?: number;
  /** Write buffer size in bytes (default 1 MiB). */
  bufferSize?: number;
}

const ENC = new Uint8Array(1);

/** Not safe for concurrent use: await each writeChunks before the next call. */
export class ChunkWriter {
  private readonly dir: string;
  private readonly segmentSize: number;
  private fh: FileHandle | null = null;
  /** Segments cut so far; the current one has index segments - 1. */
  private segments = 0;
  /** Bytes in the current segment, header and buffered bytes included. */
  private n = 0;
  private readonly buf: Uint8Array;
  private bufLen = 0;
  /** File position of buf[0]. */
  private bufPos = 0;
  private closed = false;

  private constructor(dir: string, segmentSize: number, bufferSize: number) {
    this.dir = dir;
    this.segmentSize = segmentSize;
    this.buf = new Uint8Array(bufferSize);
  }

  static async create(dir: string, opts: ChunkWriterOptions = {}): Promise<ChunkWriter> {
    await mkdir(dir, { recursive: true });
    const seg = opts.segmentSize !== undefined && opts.segmentSize > 0 ? opts.segmentSize : DEFAULT_CHUNK_SEGMENT_SIZE;
    return new ChunkWriter(dir, seg, opts.bufferSize ?? 1024 * 1024);
  }

  /**
   * Writes the chunks (all with non-null `chunk`) in order and sets each meta's `ref`. Chunks
   * that would overflow the current segment go to new segments, in batches as Prometheus forms
   * them; a single chunk larger than a segment still gets written (into its own segment).
   */
  async writeChunks(chks: ChunkMeta[]): Promise<void> {
    if (this.closed) throw new Error('chunk writer closed');
    const starts = [0];
    let batchSize = 0;
    let firstBatch = true;
    for (let i = 0; i < chks.length; i++) {
      const chk = chks[i]!.chunk;
      if (chk === null) throw new Error('writing chunks: chunk data missing');
      const size = MAX_CHUNK_LENGTH_FIELD_SIZE + 1 + chk.bytes().length + CRC_SIZE;
      batchSize += size;
      let cut = i !== 0 && batchSize + SEGMENT_HEADER_SIZE > this.segmentSize;
      // A partly filled segment: the first batch must fit what is left of it.
      if (firstBatch && this.n > SEGMENT_HEADER_SIZE) {
        cut = batchSize + this.n > this.segmentSize;
        if (cut) firstBatch = false;
      }
      if (cut) {
        starts.push(i);
        batchSize = size;
      }
    }
    const batches = starts.map((s, j) => chks.slice(s, starts[j + 1] ?? chks.length));
    if (this.n === 0) await this.cut();
    for (let i = 0; i < batches.length; i++) {
      await this.writeBatch(batches[i]!);
      if (i < batches.length - 1) await this.cut();
    }
  }

  private async writeBatch(chks: readonly ChunkMeta[]): Promise<void> {
    const seq = this.segments - 1;
    const head = new Uint8Array(MAX_CHUNK_LENGTH_FIELD_SIZE + 1);
    const sum = new Uint8Array(CRC_SIZE);
    const sumView = new DataView(sum.buffer);
    for (const m of chks) {
      const c = m.chunk!;
      const data = c.bytes();
      m.ref = packChunkRef(seq, this.n);
      const k = putUvarint(head, 0, data.length);
      head[k] = c.encoding;
      await this.write(head.subarray(0, k + 1));
      await this.write(data);
      ENC[0] = c.encoding;
      sumView.setUint32(0, crc32c(data, 0, data.length, crc32c(ENC)), false);
      await this.write(sum);
    }
  }

  private async write(b: Uint8Array): Promise<void> {
    this.n += b.length;
    if (this.bufLen + b.length > this.buf.length) {
      await this.flush();
      if (b.length > this.buf.length) {
        await writeAll(this.fh!, b, this.bufPos);
        this.bufPos += b.length;
        return;
      }
    }
    this.buf.set(b, this.bufLen);
    this.bufLen += b.length;
  }

  private async flush(): Promise<void> {
    if (this.bufLen === 0) return;
    await writeAll(this.fh!, this.buf.subarray(0, this.bufLen), this.bufPos);
    this.bufPos += this.bufLen;
    this.bufLen = 0;
  }

  /** Syncs and closes the current segment, then starts the next one (after the highest number present). */
  private async cut(): Promise<void> {
    await this.finishTail();
    const existing = await listSegments(this.dir);
    let max = 0;
    for (const s of existing) if (s.n > max) max = s.n;
    const fh = await open(segmentPath(this.dir, max + 1), 'w', 0o666);
    this.fh = fh;
    await syncDir(this.dir);
    this.segments++;
    this.bufPos = 0;
    this.bufLen = 0;
    this.n = 0;
    await this.write(segmentHeader(MAGIC_CHUNKS));
  }

  private async finishTail(): Promise<void> {
    if (this.fh === null) return;
    await this.flush();
    await this.fh.sync();
    await this.fh.close();
    this.fh = null;
  }

  /** Flushes, fsyncs and closes the last segment, and fsyncs the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.finishTail();
    await syncDir(this.dir);
  }
}

async function writeAll(fh: FileHandle, b: Uint8Array, pos: number): Promise<void> {
  let done = 0;
  while (done < b.length) {
    const { bytesWritten } = await fh.write(b, done, b.length - done, pos + done);
    done += bytesWritten;
  }
}

/** Makes a directory's entries (new files, renames) durable. */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
