/**
 * Sequential reading of a byte range of a file through a bounded window, for the scans the
 * index needs without mmap: the symbol table and postings offset table when a reader opens,
 * and the series section when the writer builds postings. Optionally checksums every byte
 * of the range as it is loaded.
 *
 * Use: decode synchronously from `buf[pos:end)`; when an entry is incomplete, `await
 * fill(n)` and retry. Memory stays at about the window size (larger only for an entry that
 * is itself larger).
 */
import type { FileHandle } from 'node:fs/promises';
import { crc32c } from '../../util/crc32c.js';

export class RangeScanner {
  buf: Buffer;
  /** Next unread byte in `buf`. */
  pos = 0;
  /** End of the loaded bytes in `buf`. */
  end = 0;
  /** File offset of `buf[0]`. */
  #bufFileOff: number;
  /** File offset of the first byte not loaded yet. */
  #next: number;
  readonly #rangeEnd: number;
  readonly #fh: FileHandle;
  readonly #withCrc: boolean;
  #crc = 0;

  constructor(fh: FileHandle, start: number, end: number, opts: { window?: number; crc?: boolean } = {}) {
    this.#fh = fh;
    this.#bufFileOff = start;
    this.#next = start;
    this.#rangeEnd = end;
    this.#withCrc = opts.crc === true;
    this.buf = Buffer.allocUnsafeSlow(Math.max(64, Math.min(opts.window ?? 1 << 22, end - start)));
  }

  /** File offset of `buf[pos]`. */
  get filePos(): number {
    return this.#bufFileOff + this.pos;
  }

  /** Bytes of the range not consumed yet (loaded or not). */
  get left(): number {
    return this.#rangeEnd - this.filePos;
  }

  /** CRC-32C of all bytes loaded so far (the whole range once everything is loaded). */
  get crc(): number {
    return this.#crc;
  }

  /**
   * Makes at least `n` bytes available at `pos` (fewer only at the end of the range).
   * Returns whether `n` bytes are available.
   */
  async fill(n: number): Promise<boolean> {
    if (this.end - this.pos >= n) return true;
    const keep = this.end - this.pos;
    if (n > this.buf.length) {
      const nb = Buffer.allocUnsafeSlow(Math.max(n, this.buf.length * 2));
      this.buf.copy(nb, 0, this.pos, this.end);
      this.buf = nb;
    } else if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.end);
    }
    this.#bufFileOff += this.pos;
    this.pos = 0;
    this.end = keep;
    while (this.end < this.buf.length && this.#next < this.#rangeEnd) {
      const want = Math.min(this.buf.length - this.end, this.#rangeEnd - this.#next);
      const { bytesRead } = await this.#fh.read(this.buf, this.end, want, this.#next);
      if (bytesRead === 0) break;
      if (this.#withCrc) this.#crc = crc32c(this.buf, this.end, this.end + bytesRead, this.#crc);
      this.end += bytesRead;
      this.#next += bytesRead;
    }
    return this.end - this.pos >= n;
  }

  /** Loads and checksums the rest of the range without keeping it. */
  async drain(): Promise<void> {
    while (this.#next < this.#rangeEnd) {
      this.pos = this.end;
      await this.fill(this.buf.length);
    }
    this.pos = this.end;
  }
}
