/**
 * A big-endian byte reader for record decoding with a sticky error, as Prometheus's
 * `encoding.Decbuf`: once a read runs past the end (or a 64-bit value is outside the safe
 * integer range), every later read returns 0 and `err` says what went wrong. Callers check
 * `err` once per record instead of once per field.
 *
 * Reuse: `reset(rec)` points the reader at a new record without allocating more than a
 * DataView. Strings are copied out of the record; nothing returned aliases `rec`.
 */
import { Buffer } from 'node:buffer';
import { isStaleNaNBits } from '../../model/index.js';
import { readVarint64, v64 } from './varint64.js';

const TWO32 = 4294967296;
/** Prometheus's Decbuf reports every short read and bad varint as "invalid size". */
export const ERR_INVALID_SIZE = 'invalid size';
export const ERR_UNSAFE_INT = 'integer outside the safe range of a JS number';

const EMPTY = new Uint8Array(0);

/** Strings at most this long go through a StringTable; longer ones are decoded each time. */
const TABLE_MAX_LEN = 64;
const TABLE_BITS = 12;

/**
 * A direct-mapped table of recently decoded short ASCII strings, so that the label names and
 * values a WAL repeats in every series record (job, instance, __name__, ...) are decoded once
 * and then matched byte by byte, and the series share one string per value. A slot holds the
 * last string hashed there; a collision only costs a decode.
 */
export class StringTable {
  readonly #slots: string[] = new Array<string>(1 << TABLE_BITS).fill('');

  /** The string of the ASCII or UTF-8 bytes b[p, p+n) (`str` views the same bytes as b). */
  get(b: Uint8Array, p: number, n: number, str: Buffer): string {
    let h = 0x811c9dc5, or = 0;
    for (let i = p; i < p + n; i++) {
      const c = b[i]!;
      or |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    // Non-ASCII strings are left out: their UTF-16 form cannot be compared byte by byte.
    if (or >= 0x80) return str.toString('utf8', p, p + n);
    const slot = (h ^ (h >>> TABLE_BITS)) & ((1 << TABLE_BITS) - 1);
    const s = this.#slots[slot]!;
    if (s.length === n) {
      let i = 0;
      while (i < n && s.charCodeAt(i) === b[p + i]) i++;
      if (i === n) return s;
    }
    const fresh = str.toString('latin1', p, p + n);
    this.#slots[slot] = fresh;
    return fresh;
  }
}

export class Decbuf {
  b: Uint8Array = EMPTY;
  pos = 0;
  end = 0;
  err: string | null = null;
  /** Set by `sampleValue()`: whether the last value read was the stale-marker NaN. */
  lastStale = false;
  #dv: DataView = new DataView(EMPTY.buffer);
  #str: Buffer = Buffer.alloc(0);

  reset(rec: Uint8Array): void {
    this.b = rec;
    this.pos = 0;
    this.end = rec.length;
    this.err = null;
    this.lastStale = false;
    this.#dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    this.#str = Buffer.from(rec.buffer, rec.byteOffset, rec.byteLength);
  }

  len(): number {
    return this.end - this.pos;
  }

  #short(n: number): boolean {
    if (this.err !== null) return true;
    if (this.end - this.pos < n) {
      this.err = ERR_INVALID_SIZE;
      return true;
    }
    return false;
  }

  byte(): number {
    if (this.#short(1)) return 0;
    return this.b[this.pos++]!;
  }

  /** A big-endian uint64 as a safe integer. */
  be64Uint(): number {
    if (this.#short(8)) return 0;
    const hi = this.#dv.getUint32(this.pos);
    const lo = this.#dv.getUint32(this.pos + 4);
    this.pos += 8;
    if (hi >= 0x200000) { this.err = ERR_UNSAFE_INT; return 0; }
    return hi * TWO32 + lo;
  }

  /** A big-endian two's complement int64 as a safe integer. */
  be64Int(): number {
    if (this.#short(8)) return 0;
    const hi = this.#dv.getInt32(this.pos);
    const lo = this.#dv.getUint32(this.pos + 4);
    this.pos += 8;
    const v = hi * TWO32 + lo;
    if (!Number.isSafeInteger(v)) { this.err = ERR_UNSAFE_INT; return 0; }
    return v;
  }

  be64Float(): number {
    if (this.#short(8)) return 0;
    const f = this.#dv.getFloat64(this.pos);
    this.pos += 8;
    return f;
  }

  /** A float64 sample value; sets `lastStale` when it carries the stale-marker bits. */
  sampleValue(): number {
    if (this.#short(8)) { this.lastStale = false; return 0; }
    const p = this.pos;
    this.pos += 8;
    this.lastStale = isStaleNaNBits(this.#dv.getUint32(p), this.#dv.getUint32(p + 4));
    return this.lastStale ? NaN : this.#dv.getFloat64(p);
  }

  /** An unsigned LEB128 varint of up to 64 bits, as a safe integer. */
  uvarint(): number {
    if (this.err !== null) return 0;
    const b = this.b;
    const p = this.pos;
    if (p < this.end) {
      const x = b[p]!;
      if (x < 0x80) { this.pos = p + 1; return x; }
    }
    const q = readVarint64(b, p, this.end);
    if (q < 0) { this.err = ERR_INVALID_SIZE; return 0; }
    this.pos = q;
    const hi = v64.hi >>> 0;
    if (hi >= 0x200000) { this.err = ERR_UNSAFE_INT; return 0; }
    return hi * TWO32 + (v64.lo >>> 0);
  }

  /** A zig-zag signed varint of up to 64 bits, as a safe integer. */
  varint(): number {
    if (this.err !== null) return 0;
    const b = this.b;
    const p = this.pos;
    if (p < this.end) {
      const x = b[p]!;
      if (x < 0x80) { this.pos = p + 1; return (x >>> 1) ^ -(x & 1); }
    }
    const q = readVarint64(b, p, this.end);
    if (q < 0) { this.err = ERR_INVALID_SIZE; return 0; }
    this.pos = q;
    const lo = v64.lo, hi = v64.hi;
    const neg = (lo & 1) === 1;
    const mhi = hi >>> 1;
    const mlo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    if (mhi >= 0x200000) { this.err = ERR_UNSAFE_INT; return 0; }
    const mag = mhi * TWO32 + mlo;
    if (!neg) return mag;
    const v = -mag - 1;
    if (!Number.isSafeInteger(v)) { this.err = ERR_UNSAFE_INT; return 0; }
    return v;
  }

  /**
   * A zig-zag signed varint of any int64, as the nearest double: for values that may lie
   * beyond the safe range (tombstone bounds; MinInt64/MaxInt64 read as ∓2^63).
   */
  varintWide(): number {
    if (this.err !== null) return 0;
    const q = readVarint64(this.b, this.pos, this.end);
    if (q < 0) { this.err = ERR_INVALID_SIZE; return 0; }
    this.pos = q;
    const lo = v64.lo, hi = v64.hi;
    const neg = (lo & 1) === 1;
    const mag = (hi >>> 1) * TWO32 + (((lo >>> 1) | ((hi & 1) << 31)) >>> 0);
    return neg ? -mag - 1 : mag;
  }

  /** A uvarint-length-prefixed UTF-8 string. */
  uvarintStr(): string {
    const n = this.uvarint();
    if (this.#short(n)) return '';
    const p = this.pos;
    this.pos = p + n;
    return this.#str.toString('utf8', p, p + n);
  }

  /** As `uvarintStr`, short strings looked up in (and added to) `t` first. */
  uvarintStrIn(t: StringTable): string {
    const n = this.uvarint();
    if (this.#short(n)) return '';
    const p = this.pos;
    this.pos = p + n;
    if (n > TABLE_MAX_LEN) return this.#str.toString('utf8', p, p + n);
    return t.get(this.b, p, n, this.#str);
  }
}
