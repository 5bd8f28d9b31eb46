/**
 * Scanning head chunk files (`chunks_head/000001`) record by record, as replay at start-up
 * does. A record is
 *
 *   series ref u64 | mint i64 | maxt i64 | encoding byte | len uvarint | data | CRC-32C
 *
 * (big-endian; the CRC covers everything before it; the encoding's top bit marks an
 * out-of-order chunk). A file may end in zero bytes (Prometheus preallocates): a record
 * header of all zeros ends the data.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Millis } from '../../model/index.js';
import { crc32cView } from '../../util/crc32c.js';
import { packChunkRef, type ChunkRef } from './refs.js';
import { CRC_SIZE, MAX_CHUNK_LENGTH_FIELD_SIZE, SEGMENT_HEADER_SIZE, hex, readUvarint, segmentPath } from './segment.js';

export const SERIES_REF_SIZE = 8;
export const MINT_MAXT_SIZE = 8;
/** Record size without the data, at its largest (a 5-byte length). */
export const MAX_HEAD_CHUNK_META_SIZE = SERIES_REF_SIZE + 2 * MINT_MAXT_SIZE + 1 + MAX_CHUNK_LENGTH_FIELD_SIZE + CRC_SIZE;
/** The encoding byte's top bit marks out-of-order chunks in head chunk files only. */
export const OUT_OF_ORDER_MASK = 0b10000000;

/** One chunk found while replaying head chunk files. */
export interface HeadChunkInfo {
  seriesRef: number;
  chunkRef: ChunkRef;
  mint: Millis;
  maxt: Millis;
  numSamples: number;
  /** The chunk encoding with the out-of-order bit removed. */
  encoding: number;
  isOOO: boolean;
}

/**
 * Corruption in a head chunk file. `offset` is where the bad record starts, i.e. the end of the
 * last complete record of file `fileIndex`: truncating there keeps every good record before it.
 */
export class HeadChunksCorruptionError extends Error {
  override readonly name = 'HeadChunksCorruptionError';
  readonly dir: string;
  readonly fileIndex: number;
  readonly offset: number;

  constructor(dir: string, fileIndex: number, offset: number, why: string) {
    super(`corruption in head chunk file ${segmentPath(dir, fileIndex)}: ${why}`);
    this.dir = dir;
    this.fileIndex = fileIndex;
    this.offset = offset;
  }
}

const TWO32 = 4294967296;
const WINDOW = 1024 * 1024;

const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * A sliding read window over a file: positional reads, never the whole file at once. The
 * window's buffer is read into again for the next window (callers copy what they keep), so
 * scanning a file touches one window's worth of fresh memory, not the file's size: on start-up
 * every new page costs a fault (about 2 µs here), 4,300 of them for a 17 MB file.
 */
class Window {
  buf: Uint8Array = EMPTY;
  /** Views `buf` (for the CRCs). */
  dv: DataView = new DataView(this.buf.buffer);
  start = 0;
  /** The buffer read into, reused while windows fit it. */
  #own: Uint8Array | null = null;
  private readonly fh: FileHandle;
  private readonly size: number;

  constructor(fh: FileHandle, size: number) {
    this.fh = fh;
    this.size = size;
  }

  /** Whether bytes [pos, pos+n) are at hand (then no `ensure` is needed: an await per record costs). */
  has(pos: number, n: number): boolean {
    return pos >= this.start && pos + n <= this.start + this.buf.length;
  }

  /** Makes bytes [pos, pos+n) available at buf[pos - start]; they must lie inside the file. */
  async ensure(pos: number, n: number): Promise<void> {
    if (this.has(pos, n)) return;
    const len = Math.min(Math.max(n, WINDOW), this.size - pos);
    const own = this.#own;
    const b = own !== null && own.length >= len ? own.subarray(0, len) : new Uint8Array(len);
    if (b.buffer !== own?.buffer) this.#own = b;
    // Nothing is at hand while the buffer is refilled (a failed read leaves no stale window).
    this.buf = EMPTY;
    this.start = 0;
    let done = 0;
    while (done < len) {
      const { bytesRead } = await this.fh.read(b, done, len - done, pos + done);
      if (bytesRead === 0) throw new Error(`unexpected end of file at ${pos + done}`);
      done += bytesRead;
    }
    this.buf = b;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.start = pos;
  }
}

function u64(b: Uint8Array, i: number, signed: boolean): number {
  const hi = (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
  const lo = ((b[i + 4]! << 24) | (b[i + 5]! << 16) | (b[i + 6]! << 8) | b[i + 7]!) >>> 0;
  return (signed ? hi : hi >>> 0) * TWO32 + lo;
}

/**
 * Calls `fn` for every record of head chunk file `seq` (of `size` bytes, opened as `fh`), in
 * order. Returns the maximum maxt seen (0 when none). Throws HeadChunksCorruptionError on a torn
 * or corrupt record. With `reuse`, every call gets that object, filled afresh (no object per
 * chunk: `fn` copies what it keeps); without it, each call gets a new object.
 */
export async function scanHeadChunkFile(
  dir: string, seq: number, fh: FileHandle, size: number, fn: (c: HeadChunkInfo) => void, reuse?: HeadChunkInfo,
): Promise<number> {
  const w = new Window(fh, size);
  const lenOut = { v: 0, n: 0 };
  let maxFileMaxt = 0;
  let idx = SEGMENT_HEADER_SIZE;
  while (idx < size) {
    if (size - idx < MAX_HEAD_CHUNK_META_SIZE) {
      await w.ensure(idx, size - idx);
      let zeros = true;
      for (let i = idx - w.start; i < size - w.start; i++) if (w.buf[i] !== 0) zeros = false;
      if (zeros) break;
      throw new HeadChunksCorruptionError(dir, seq, idx, `head chunk file has some unread data, but doesn't include enough bytes to read the chunk header - required:${idx + MAX_HEAD_CHUNK_META_SIZE}, available:${size}, file:${seq}`);
    }
    if (!w.has(idx, MAX_HEAD_CHUNK_META_SIZE)) await w.ensure(idx, MAX_HEAD_CHUNK_META_SIZE);
    let b = w.buf;
    let o = idx - w.start;
    const seriesRef = u64(b, o, false);
    const mint = u64(b, o + 8, true);
    const maxt = u64(b, o + 16, true);
    // Series refs start at 1: an all-zero header is the zero fill after the last record.
    if (seriesRef === 0 && mint === 0 && maxt === 0) break;
    const enc = b[o + 24]!;
    if (!readUvarint(b, o + 25, o + 25 + MAX_CHUNK_LENGTH_FIELD_SIZE, lenOut)) {
      throw new HeadChunksCorruptionError(dir, seq, idx, `reading chunk length failed at ${idx + 25}`);
    }
    const dataStart = idx + 25 + lenOut.n;
    const dataEnd = dataStart + lenOut.v;
    if (dataEnd + CRC_SIZE > size || lenOut.v < 2) {
      throw new HeadChunksCorruptionError(dir, seq, idx, `head chunk file doesn't include enough bytes to read the chunk header - required:${dataEnd + CRC_SIZE}, available:${size}, file:${seq}`);
    }
    if (!w.has(idx, dataEnd + CRC_SIZE - idx)) await w.ensure(idx, dataEnd + CRC_SIZE - idx);
    b = w.buf;
    o = idx - w.start;
    const d = dataEnd - w.start;
    const want = ((b[d]! << 24) | (b[d + 1]! << 16) | (b[d + 2]! << 8) | b[d + 3]!) >>> 0;
    const got = crc32cView(w.dv, b, o, d);
    if (want !== got) throw new HeadChunksCorruptionError(dir, seq, idx, `checksum mismatch expected:${hex(want)}, actual:${hex(got)}`);
    const ds = dataStart - w.start;
    if (maxt > maxFileMaxt) maxFileMaxt = maxt;
    if (reuse !== undefined) {
      reuse.seriesRef = seriesRef;
      reuse.chunkRef = packChunkRef(seq, idx);
      reuse.mint = mint as Millis;
      reuse.maxt = maxt as Millis;
      reuse.numSamples = (b[ds]! << 8) | b[ds + 1]!;
      reuse.encoding = enc & ~OUT_OF_ORDER_MASK;
      reuse.isOOO = (enc & OUT_OF_ORDER_MASK) !== 0;
      fn(reuse);
    } else fn({
      seriesRef,
      chunkRef: packChunkRef(seq, idx),
      mint: mint as Millis,
      maxt: maxt as Millis,
      numSamples: (b[ds]! << 8) | b[ds + 1]!,
      encoding: enc & ~OUT_OF_ORDER_MASK,
      isOOO: (enc & OUT_OF_ORDER_MASK) !== 0,
    });
    idx = dataEnd + CRC_SIZE;
  }
  return maxFileMaxt;
}
