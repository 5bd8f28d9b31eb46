/**
 * A minimal chunk segment reader and writer in Prometheus's format, standing in for the
 * chunk files component (src/tsdb/chunks/) until it lands; blocks take the real one through
 * `OpenChunkReader`/`OpenChunkWriter`. Segments: `magic<4> version<1> pad<3>` then chunks
 * `len<uvarint> encoding<1> data crc32c(encoding, data)<4>`, files 000001, 000002, ...
 * cut before 512 MiB. Reads are positional (no caching).
 */
import { mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { chunkFromBytes, type Chunk } from '../chunkenc/index.js';
import { crc32c, DecBuf, EncBuf } from '../index/index.js';
import type { ChunkReader, ChunkToWrite, ChunkWriter } from './chunk-seam.js';

const MAGIC_CHUNKS = 0x85bd40dd;
const HEADER_SIZE = 8;
const SEGMENT_SIZE = 512 * 1024 * 1024;
const TWO32 = 0x1_0000_0000;

export class StandinChunkReader implements ChunkReader {
  readonly #files: FileHandle[];
  readonly #sizes: number[];

  private constructor(files: FileHandle[], sizes: number[]) {
    this.#files = files;
    this.#sizes = sizes;
  }

  static async open(dir: string): Promise<StandinChunkReader> {
    const names = (await readdir(dir)).filter((n) => /^\d+$/.test(n)).sort();
    const files: FileHandle[] = [];
    const sizes: number[] = [];
    try {
      for (const n of names) {
        const fh = await open(join(dir, n), 'r');
        files.push(fh);
        const st = await fh.stat();
        sizes.push(st.size);
        const h = Buffer.alloc(HEADER_SIZE);
        await fh.read(h, 0, HEADER_SIZE, 0);
        if (h.readUInt32BE(0) !== MAGIC_CHUNKS) throw new Error(`invalid magic number ${h.readUInt32BE(0).toString(16)} in ${n}`);
        if (h[4] !== 1) throw new Error(`invalid chunk format version ${h[4]}`);
      }
    } catch (e) {
      for (const f of files) await f.close();
      throw e;
    }
    return new StandinChunkReader(files, sizes);
  }

  size(): number {
    return this.#sizes.reduce((a, b) => a + b, 0);
  }

  async chunk(ref: number): Promise<Chunk> {
    const seg = Math.floor(ref / TWO32), off = ref % TWO32;
    const fh = this.#files[seg];
    if (fh === undefined) throw new Error(`segment index ${seg} out of range`);
    const head = Buffer.alloc(6);
    await fh.read(head, 0, 6, off);
    const d = new DecBuf(head);
    const len = d.uvarint();
    if (d.err() !== null) throw new Error(`reading chunk length failed at ${ref}`);
    const start = off + d.pos;
    const b = Buffer.alloc(len + 5);
    const { bytesRead } = await fh.read(b, 0, len + 5, start);
    if (bytesRead < len + 5) throw new Error(`segment doesn't include enough bytes to read the chunk at ${ref}`);
    const sum = crc32c(b, 0, 0, len + 1);
    if (sum !== b.readUInt32BE(len + 1)) throw new Error(`checksum mismatch expected:${b.readUInt32BE(len + 1).toString(16)}, actual:${sum.toString(16)}`);
    return chunkFromBytes(b[0]!, b.subarray(1, len + 1));
  }

  async close(): Promise<void> {
    for (const f of this.#files) await f.close();
  }
}

export class StandinChunkWriter implements ChunkWriter {
  readonly #dir: string;
  #fh: FileHandle | null = null;
  #seq = -1;
  #n = 0;
  readonly #e = new EncBuf(1 << 16);

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async create(dir: string): Promise<StandinChunkWriter> {
    await mkdir(dir, { recursive: true });
    return new StandinChunkWriter(dir);
  }

  async writeChunks(chunks: ChunkToWrite[]): Promise<void> {
    for (const c of chunks) {
      const data = c.chunk.bytes();
      const size = 5 + 1 + data.length + 4;
      if (this.#fh === null || this.#n + this.#e.len + size > SEGMENT_SIZE) await this.#cut();
      c.ref = this.#seq * TWO32 + this.#n + this.#e.len;
      const e = this.#e;
      e.putUvarint(data.length);
      const crcStart = e.len;
      e.putByte(c.chunk.encoding);
      e.putBytes(data);
      e.putBE32(crc32c(e.b, 0, crcStart, e.len));
      if (e.len > 1 << 20) await this.#flush();
    }
  }

  async close(): Promise<void> {
    await this.#finishSegment();
  }

  async #flush(): Promise<void> {
    if (this.#fh === null || this.#e.len === 0) return;
    await this.#fh.write(this.#e.get(), 0, this.#e.len, this.#n);
    this.#n += this.#e.len;
    this.#e.reset();
  }

  async #finishSegment(): Promise<void> {
    if (this.#fh === null) return;
    await this.#flush();
    await this.#fh.sync();
    await this.#fh.close();
    this.#fh = null;
  }

  async #cut(): Promise<void> {
    await this.#finishSegment();
    this.#seq++;
    const fh = await open(join(this.#dir, String(this.#seq + 1).padStart(6, '0')), 'w');
    const h = Buffer.alloc(HEADER_SIZE);
    h.writeUInt32BE(MAGIC_CHUNKS, 0);
    h[4] = 1;
    await fh.write(h, 0, HEADER_SIZE, 0);
    this.#fh = fh;
    this.#n = HEADER_SIZE;
  }
}
