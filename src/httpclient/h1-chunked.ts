/**
 * The decoder of a `Transfer-Encoding: chunked` response body, fed the bytes as they arrive:
 * hex chunk sizes (at most 16 digits), extensions skipped, CRLF or bare LF line ends, trailer
 * lines ignored until the empty line that ends the body, lines bounded as Go's chunked reader
 * bounds them. Errors are `HTTPClientError`s of kind 'body'.
 */
import { HTTPClientError } from './errors.js';

/** Longest chunk-size or trailer line, extensions included (as Go's chunked reader). */
const MAX_CHUNK_LINE = 4096;
const CR = 13, LF = 10;

const enum State { Size, Ext, SizeLF, Data, DataCR, DataLF, Trailer }

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

export class ChunkedDecoder {
  /** The body's last chunk and trailer have been read. */
  done = false;
  #state = State.Size;
  /** Bytes left in the current chunk (while reading its size: the size so far). */
  #remaining = 0;
  /** Length of the size or trailer line being read. */
  #line = 0;

  /** Starts a new body. */
  reset(): void {
    this.done = false;
    this.#state = State.Size;
    this.#remaining = 0;
    this.#line = 0;
  }

  /**
   * Reads buf[off, end) until the end of the body, the end of the bytes, or one piece of data
   * handed to `sink` (so that the caller can see what the sink did before more is fed);
   * returns the offset after what it read.
   */
  step(buf: Buffer, off: number, end: number, sink: (chunk: Buffer) => void): number {
    while (off < end && !this.done) {
      const c = buf[off]!;
      switch (this.#state) {
        case State.Size: {
          const v = hexVal(c);
          if (v >= 0) {
            this.#remaining = this.#remaining * 16 + v;
            if (++this.#line > 16 || !Number.isSafeInteger(this.#remaining)) throw new HTTPClientError('body', 'http chunk length too large');
            off++;
            break;
          }
          if (this.#line === 0) throw new HTTPClientError('body', 'invalid byte in chunk length');
          this.#state = State.Ext;
          break;
        }
        case State.Ext:
          if (c === LF) {
            this.#state = State.SizeLF;
            break;
          }
          if (++this.#line > MAX_CHUNK_LINE) throw new HTTPClientError('body', 'header line too long');
          off++;
          break;
        case State.SizeLF:
          off++;
          this.#line = 0;
          this.#state = this.#remaining === 0 ? State.Trailer : State.Data;
          break;
        case State.Data: {
          const n = Math.min(end - off, this.#remaining);
          sink(buf.subarray(off, off + n));
          this.#remaining -= n;
          off += n;
          if (this.#remaining === 0) this.#state = State.DataCR;
          return off;
        }
        case State.DataCR:
          if (c === CR) off++;
          this.#state = State.DataLF;
          break;
        case State.DataLF:
          if (c !== LF) throw new HTTPClientError('body', 'malformed chunked encoding');
          off++;
          this.#state = State.Size;
          break;
        case State.Trailer:
          // Trailer lines (ignored) until an empty one.
          if (c === LF) {
            off++;
            if (this.#line === 0) { this.done = true; break; }
            this.#line = 0;
            break;
          }
          if (c !== CR && ++this.#line > MAX_CHUNK_LINE) throw new HTTPClientError('body', 'trailer line too long');
          off++;
          break;
      }
    }
    return off;
  }
}
