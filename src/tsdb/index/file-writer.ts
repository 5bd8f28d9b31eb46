/**
 * A buffered, append-mostly file writer tracking its position, for the index writer and
 * its temporary files. Writes go to a 1 MiB buffer and reach the file through async
 * positional writes, so the event loop never blocks on disk. Not safe for concurrent use:
 * await each call before the next.
 */
import { open, rm, type FileHandle } from 'node:fs/promises';

const BUF_SIZE = 1 << 20;
const ZEROS = Buffer.alloc(16);

export class FileWriter {
  readonly path: string;
  readonly #fh: FileHandle;
  readonly #buf: Buffer;
  #n = 0;
  /** File offset of the buffer's first byte. */
  #flushed = 0;
  #closed = false;

  private constructor(path: string, fh: FileHandle, bufSize: number) {
    this.path = path;
    this.#fh = fh;
    this.#buf = Buffer.allocUnsafeSlow(bufSize);
  }

  /** Creates (or truncates) the file, open for reading and writing. */
  static async create(path: string, bufSize = BUF_SIZE): Promise<FileWriter> {
    const fh = await open(path, 'w+');
    return new FileWriter(path, fh, bufSize);
  }

  /** The number of bytes written so far (the offset of the next byte). */
  get pos(): number {
    return this.#flushed + this.#n;
  }

  /** The open handle, for positional reads of what was already flushed. */
  get handle(): FileHandle {
    return this.#fh;
  }

  /**
   * Copies `src[start:end)` into the buffer when it fits, without I/O; returns false (and
   * copies nothing) when it does not, and the caller must `await write()` instead.
   */
  append(src: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    if (this.#n + n > this.#buf.length) return false;
    const buf = this.#buf;
    if (n <= 32) {
      // Short entries (most symbols and series): a loop beats making a view to copy from.
      let p = this.#n;
      for (let i = start; i < end; i++) buf[p++] = src[i]!;
    } else {
      buf.set(src.subarray(start, end), this.#n);
    }
    this.#n += n;
    return true;
  }

  async write(src: Uint8Array): Promise<void> {
    let off = 0;
    while (off < src.length) {
      if (this.#n === this.#buf.length) await this.flush();
      const k = Math.min(src.length - off, this.#buf.length - this.#n);
      this.#buf.set(src.subarray(off, off + k), this.#n);
      this.#n += k;
      off += k;
    }
  }

  /** Appends zero bytes until the position is a multiple of `align` (at most 16). */
  async addPadding(align: number): Promise<void> {
    const r = this.pos % align;
    if (r !== 0) await this.write(ZEROS.subarray(0, align - r));
  }

  async flush(): Promise<void> {
    let off = 0;
    while (off < this.#n) {
      const { bytesWritten } = await this.#fh.write(this.#buf, off, this.#n - off, this.#flushed + off);
      off += bytesWritten;
    }
    this.#flushed += this.#n;
    this.#n = 0;
  }

  /** Overwrites bytes at an earlier position (flushes first). */
  async writeAt(src: Uint8Array, pos: number): Promise<void> {
    await this.flush();
    let off = 0;
    while (off < src.length) {
      const { bytesWritten } = await this.#fh.write(src, off, src.length - off, pos + off);
      off += bytesWritten;
    }
  }

  /** Flushes, fsyncs and closes. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.flush();
      await this.#fh.sync();
    } finally {
      await this.#fh.close();
    }
  }

  /** Closes without syncing and deletes the file (for temporary files and aborted writes). */
  async discard(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#fh.close();
    }
    await rm(this.path, { force: true });
  }
}
