/**
 * A growable protobuf wire writer: varints (64-bit values as two 32-bit words, never through
 * 64-bit bit operators), zigzag, little-endian doubles, strings, and length-delimited
 * sub-messages. A sub-message is written in place after a one-byte length placeholder
 * (`begin`), and `end` patches the length, moving the body when the length needs more bytes;
 * nesting is shallow, so the moves stay cheap.
 */

const TWO32 = 4294967296;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;

export class ProtoWriter {
  buf: Uint8Array;
  n = 0;
  #view: DataView;
  readonly #utf8 = new TextEncoder();

  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
    this.#view = new DataView(this.buf.buffer);
  }

  #grow(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const g = new Uint8Array(size);
    g.set(this.buf.subarray(0, this.n));
    this.buf = g;
    this.#view = new DataView(g.buffer);
  }

  /** Drops everything written; keeps the buffer. */
  reset(): void {
    this.n = 0;
  }

  /** Unsigned varint of the 64-bit value hi·2^32 + lo (both taken as uint32). */
  words(lo: number, hi: number): void {
    this.#grow(10);
    let l = lo >>> 0, h = hi >>> 0;
    const b = this.buf;
    while (h !== 0 || l > 0x7f) {
      b[this.n++] = (l & 0x7f) | 0x80;
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    b[this.n++] = l;
  }

  /** Varint of an integer: non-negative up to 2^64, or negative as its 64-bit two's complement (int32/int64 fields). */
  varint(v: number): void {
    if (v >= 0 && v <= 0x7f) {
      this.#grow(1);
      this.buf[this.n++] = v;
      return;
    }
    if (v >= 0) {
      this.words(v % TWO32, Math.floor(v / TWO32));
      return;
    }
    const hi = Math.floor(v / TWO32);
    this.words(v - hi * TWO32, hi >>> 0);
  }

  /** Zigzag varint (sint32/sint64 fields), exact for |v| < 2^52. */
  zigzag(v: number): void {
    this.varint(v >= 0 ? 2 * v : -2 * v - 1);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  double(v: number): void {
    this.#grow(8);
    this.#view.setFloat64(this.n, v, true);
    this.n += 8;
  }

  doubleField(field: number, v: number): void {
    this.tag(field, WIRE_FIXED64);
    this.double(v);
  }

  varintField(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(v);
  }

  zigzagField(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.zigzag(v);
  }

  stringField(field: number, s: string): void {
    this.tag(field, WIRE_BYTES);
    const max = s.length * 3;
    if (max < 0x80) {
      // One length byte suffices: encode in place and patch it.
      this.#grow(1 + max);
      const r = this.#utf8.encodeInto(s, this.buf.subarray(this.n + 1, this.n + 1 + max));
      this.buf[this.n] = r.written;
      this.n += 1 + r.written;
      return;
    }
    const bytes = this.#utf8.encode(s);
    this.varint(bytes.length);
    this.#grow(bytes.length);
    this.buf.set(bytes, this.n);
    this.n += bytes.length;
  }

  /** Starts a length-delimited field; returns the mark to pass to `end`. */
  begin(field: number): number {
    this.tag(field, WIRE_BYTES);
    this.#grow(1);
    this.buf[this.n++] = 0;
    return this.n;
  }

  /** Ends the field started at `mark`, writing its length. */
  end(mark: number): void {
    const len = this.n - mark;
    if (len <= 0x7f) {
      this.buf[mark - 1] = len;
      return;
    }
    let extra = 0;
    for (let v = len; v > 0x7f; v = Math.floor(v / 128)) extra++;
    this.#grow(extra);
    this.buf.copyWithin(mark + extra, mark, this.n);
    const save = this.n + extra;
    this.n = mark - 1;
    this.varint(len);
    this.n = save;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}
