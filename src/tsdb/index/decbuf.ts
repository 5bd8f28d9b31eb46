/**
 * A cursor that decodes the integer and string forms of Prometheus's TSDB files from a
 * byte range. Like Prometheus's decoder it keeps the first error and turns every later
 * read into a no-op returning 0, so a caller checks `err` once after a group of reads.
 *
 * 64-bit integers decode to JS numbers: exact below 2^53, rounded above (callers that need
 * exactness, like chunk refs, check `Number.isSafeInteger`). Strings decode as UTF-8.
 */

/** Prometheus's wording for a read past the end or a malformed varint. */
export const ERR_INVALID_SIZE = 'invalid size';
/** Prometheus's wording for a checksum mismatch. */
export const ERR_INVALID_CHECKSUM = 'invalid checksum';

const TWO32 = 0x1_0000_0000;

export class DecBuf {
  b: Buffer;
  pos: number;
  end: number;
  #err: string | null = null;

  constructor(b: Buffer, start = 0, end = b.length) {
    this.b = b;
    this.pos = start;
    this.end = end;
  }

  reset(b: Buffer, start: number, end: number): void {
    this.b = b;
    this.pos = start;
    this.end = end;
    this.#err = null;
  }

  /** The first error ('invalid size'), or null. */
  err(): string | null {
    return this.#err;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  skip(n: number): void {
    if (this.#err !== null) return;
    if (n > this.end - this.pos || n < 0) { this.#err = ERR_INVALID_SIZE; return; }
    this.pos += n;
  }

  byte(): number {
    if (this.#err !== null) return 0;
    if (this.pos >= this.end) { this.#err = ERR_INVALID_SIZE; return 0; }
    return this.b[this.pos++]!;
  }

  be32(): number {
    if (this.#err !== null) return 0;
    if (this.end - this.pos < 4) { this.#err = ERR_INVALID_SIZE; return 0; }
    const v = this.b.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An unsigned 64-bit big-endian integer (exact below 2^53). */
  be64(): number {
    if (this.#err !== null) return 0;
    if (this.end - this.pos < 8) { this.#err = ERR_INVALID_SIZE; return 0; }
    const v = this.b.readUInt32BE(this.pos) * TWO32 + this.b.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return v;
  }

  uvarint(): number {
    if (this.#err !== null) return 0;
    const b = this.b;
    let p = this.pos;
    const end = this.end;
    if (p < end) {
      const c = b[p]!;
      if (c < 0x80) { this.pos = p + 1; return c; }
    }
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= end) { this.#err = ERR_INVALID_SIZE; return 0; }
      const c = b[p++]!;
      if (c < 0x80) {
        if (i === 9 && c > 1) { this.#err = ERR_INVALID_SIZE; return 0; } // Overflows 64 bits.
        this.pos = p;
        return x + c * mul;
      }
      x += (c & 0x7f) * mul;
      mul *= 128;
    }
    this.#err = ERR_INVALID_SIZE;
    return 0;
  }

  /** A zigzag varint. */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** A uvarint as a bigint (exact over the full 64 bits). */
  uvarintBig(): bigint {
    if (this.#err !== null) return 0n;
    let x = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) { this.#err = ERR_INVALID_SIZE; return 0n; }
      const c = this.b[this.pos++]!;
      if (c < 0x80) {
        if (i === 9 && c > 1) { this.#err = ERR_INVALID_SIZE; return 0n; }
        return x | (BigInt(c) << shift);
      }
      x |= BigInt(c & 0x7f) << shift;
      shift += 7n;
    }
    this.#err = ERR_INVALID_SIZE;
    return 0n;
  }

  varintBig(): bigint {
    const u = this.uvarintBig();
    return (u & 1n) === 0n ? u >> 1n : -((u + 1n) >> 1n);
  }

  /** Reads a uvarint length prefix and skips the bytes; returns their start (read `pos - start` bytes). */
  uvarintBytesStart(): number {
    const n = this.uvarint();
    if (this.#err !== null) return this.pos;
    if (n > this.end - this.pos) { this.#err = ERR_INVALID_SIZE; return this.pos; }
    const s = this.pos;
    this.pos += n;
    return s;
  }

  /** A uvarint-length-prefixed UTF-8 string. */
  uvarintStr(): string {
    const s = this.uvarintBytesStart();
    if (this.#err !== null) return '';
    return decodeUtf8(this.b, s, this.pos);
  }
}

/** Decodes `b[s:e)` as UTF-8, with an ASCII fast path for the short strings labels are. */
export function decodeUtf8(b: Buffer, s: number, e: number): string {
  const n = e - s;
  if (n === 0) return '';
  if (n <= 24) {
    let out = '';
    for (let i = s; i < e; i++) {
      const c = b[i]!;
      if (c >= 0x80) return b.toString('utf8', s, e);
      out += String.fromCharCode(c);
    }
    return out;
  }
  return b.toString('utf8', s, e);
}
