/**
 * A growable buffer for JSON answers. Small answers (most instant queries) are joined as a
 * string and sent with one write: a few hundred string appends, and the engine's native
 * code doing the copying, cost a fraction of copying characters in JavaScript while the
 * server's code is not yet compiled. Past STRING_UNITS characters (or when the caller
 * announces a large answer) it writes bytes instead: query results are hundreds of thousands
 * of short fragments (timestamps, values, punctuation), and copying their characters into
 * bytes here costs about half of joining them as strings and encoding the joined text.
 * ASCII text is then copied character by character (a native call per fragment costs more for
 * strings this short); anything else is written as UTF-8.
 *
 * Not safe to share between answers being built at once; `bytes()` is a view that the next
 * write may invalidate.
 */
import { Buffer } from 'node:buffer';

const INITIAL_CAPACITY = 16 * 1024;

/** The longest answer (in UTF-16 units) built as a string. */
export const STRING_UNITS = 32 * 1024;

/** One-character strings of the ASCII codes, for `byte` while building a string. */
const CHARS: readonly string[] = Array.from({ length: 128 }, (_v, i) => String.fromCharCode(i));

/** Characters a JSON string cannot hold as they are (and lone surrogates, which JSON.stringify escapes). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal. Label names and values rarely need escaping: those skip JSON.stringify. */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

const EMPTY = Buffer.alloc(0);

export class JsonWriter {
  #buf: Buffer;
  #len = 0;
  /** The answer so far while it is built as a string; null once it is written as bytes. */
  #str: string | null;
  readonly #capacity: number;

  /** `capacity`: the expected size in bytes; above STRING_UNITS the answer is written as bytes from the start. */
  constructor(capacity = INITIAL_CAPACITY) {
    this.#capacity = capacity;
    if (capacity > STRING_UNITS) {
      this.#str = null;
      this.#buf = Buffer.allocUnsafe(capacity);
    } else {
      this.#str = '';
      this.#buf = EMPTY;
    }
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#str !== null ? Buffer.byteLength(this.#str) : this.#len;
  }

  /** The answer as a string while it is still built as one, else null (then use `bytes()`). */
  smallText(): string | null {
    return this.#str;
  }

  /** Moves the string built so far into the byte buffer; writes are bytes from then on. */
  #toBytes(): void {
    const s = this.#str!;
    this.#str = null;
    this.#buf = Buffer.allocUnsafe(Math.max(this.#capacity, INITIAL_CAPACITY, s.length * 3));
    this.#len = this.#buf.write(s, 0, 'utf8');
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
    if (this.#str !== null) {
      this.#str += s;
      if (this.#str.length > STRING_UNITS) this.#toBytes();
      return;
    }
    const n = s.length;
    this.#reserve(n);
    const b = this.#buf;
    let o = this.#len;
    for (let i = 0; i < n; i++) b[o++] = s.charCodeAt(i);
    this.#len = o;
  }

  /** One byte (an ASCII character code). */
  byte(c: number): void {
    if (this.#str !== null) {
      this.#str += CHARS[c]!;
      if (this.#str.length > STRING_UNITS) this.#toBytes();
      return;
    }
    this.#reserve(1);
    this.#buf[this.#len++] = c;
  }

  /** Any text, as UTF-8 (ASCII copied as `ascii` does). */
  text(s: string): void {
    if (this.#str !== null) {
      this.#str += s;
      if (this.#str.length > STRING_UNITS) this.#toBytes();
      return;
    }
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
    if (this.#str !== null) {
      this.#str += jsonString(s);
      if (this.#str.length > STRING_UNITS) this.#toBytes();
      return;
    }
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
    if (this.#str !== null) this.#toBytes();
    return this.#buf.subarray(0, this.#len);
  }

  toString(): string {
    if (this.#str !== null) return this.#str;
    return this.#buf.toString('utf8', 0, this.#len);
  }
}
