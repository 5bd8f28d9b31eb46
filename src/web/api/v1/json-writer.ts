/**
 * A growable byte buffer for large JSON answers. Query results are hundreds of thousands of
 * short fragments (timestamps, values, punctuation); copying their characters into bytes here
 * costs about half of joining them as strings and then encoding the joined text for the
 * socket. ASCII text is copied character by character (a native call per fragment costs more
 * for strings this short); anything else is written as UTF-8.
 *
 * Not safe to share between answers being built at once; `bytes()` is a view that the next
 * write may invalidate.
 */
import { Buffer } from 'node:buffer';

const INITIAL_CAPACITY = 16 * 1024;

export class JsonWriter {
  #buf: Buffer;
  #len = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.#buf = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.#len;
  }

  /** Makes room for `n` more bytes. */
  #reserve(n: number): void {
    const need = this.#len + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const b = Buffer.allocUnsafe(cap);
    this.#buf.copy(b, 0, 0, this.#len);
    this.#buf = b;
  }

  /** Text known to be ASCII (numbers, timestamps, JSON punctuation, quoted names). */
  ascii(s: string): void {
    const n = s.length;
    this.#reserve(n);
    const b = this.#buf;
    let o = this.#len;
    for (let i = 0; i < n; i++) b[o++] = s.charCodeAt(i);
    this.#len = o;
  }

  /** One byte (an ASCII character code). */
  byte(c: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = c;
  }

  /** Any text, as UTF-8 (ASCII copied as `ascii` does). */
  text(s: string): void {
    const n = s.length;
    this.#reserve(n);
    const b = this.#buf;
    const start = this.#len;
    let o = start;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // Not ASCII: the rest goes through the UTF-8 encoder (at most 3 bytes per UTF-16 unit).
        const rest = s.slice(i);
        this.#len = o;
        this.#reserve(rest.length * 3);
        this.#len += this.#buf.write(rest, this.#len, 'utf8');
        return;
      }
      b[o++] = c;
    }
    this.#len = o;
  }

  /**
   * A JSON string literal of `s`, quotes included. Names and values of labels are short
   * ASCII without anything to escape: they are copied in the same pass that checks them;
   * anything else (escapes, non-ASCII) goes through JSON.stringify as a whole.
   */
  jsonString(s: string): void {
    const n = s.length;
    this.#reserve(n + 2);
    const b = this.#buf;
    const start = this.#len;
    let o = start;
    b[o++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x7f) {
        this.#len = start;
        this.text(JSON.stringify(s));
        return;
      }
      b[o++] = c;
    }
    b[o++] = 0x22;
    this.#len = o;
  }

  /** The bytes written so far (a view: valid until the next write). */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#len);
  }

  toString(): string {
    return this.#buf.toString('utf8', 0, this.#len);
  }
}
