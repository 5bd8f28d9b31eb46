/**
 * Reads records from a segment that is still being written (Prometheus's LiveReader):
 * records come out as soon as their last fragment is on disk, and running out of data is
 * not an error, only a pause.
 *
 * Contract: call `poll()` to pick up bytes written since the last call (it never blocks on
 * the writer), then `next()` until it returns false. false with `err() === null` means
 * "no whole record yet": poll again later. `err()` set means the segment is damaged
 * (bad CRC, bad fragment order, non-zero padding) and the reader is done. A record still
 * incomplete when the segment was finished is simply never returned; compare `offset()`
 * with the file size to notice (the watcher logs it). `record()` is valid until the next
 * `next()` or `poll()`.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CorruptionError } from './errors.js';
import { RecordAssembler, STEP_ERROR, STEP_RECORD } from './record-assembler.js';
import { segmentName } from './segments.js';

export class LiveReader {
  readonly dir: string;
  readonly segment: number;
  readonly #fh: FileHandle;
  readonly #asm = new RecordAssembler(4);
  #filePos = 0;
  #err: CorruptionError | null = null;

  private constructor(dir: string, segment: number, fh: FileHandle) {
    this.dir = dir;
    this.segment = segment;
    this.#fh = fh;
  }

  static async open(dir: string, segment: number): Promise<LiveReader> {
    return new LiveReader(dir, segment, await open(segmentName(dir, segment), 'r'));
  }

  /** Reads what was appended since the last poll; returns the number of new bytes. */
  async poll(): Promise<number> {
    if (this.#err !== null) return 0;
    const a = this.#asm;
    let total = 0;
    for (;;) {
      a.compact();
      const space = a.space();
      if (space.length === 0) return total;
      const { bytesRead } = await this.#fh.read(space, 0, space.length, this.#filePos);
      if (bytesRead === 0) return total;
      this.#filePos += bytesRead;
      a.filled(bytesRead);
      total += bytesRead;
      // Stop once the buffer is full; the caller drains it and polls again.
      if (bytesRead < space.length) return total;
    }
  }

  next(): boolean {
    if (this.#err !== null) return false;
    const s = this.#asm.step();
    if (s === STEP_RECORD) return true;
    if (s === STEP_ERROR) {
      const a = this.#asm;
      this.#err = new CorruptionError(this.dir, this.segment, a.errorOffset, a.error, a.errorCause === undefined ? undefined : { cause: a.errorCause });
    }
    return false;
  }

  record(): Uint8Array {
    return this.#asm.record;
  }

  /** Bytes of the segment consumed: up to the end of the last record or padding read. */
  offset(): number {
    return this.#asm.consumed();
  }

  /** Bytes read from the file so far. */
  bytesRead(): number {
    return this.#filePos;
  }

  err(): CorruptionError | null {
    return this.#err;
  }

  close(): Promise<void> {
    return this.#fh.close();
  }
}
