/**
 * A growable big-endian byte writer for record encoding. 64-bit integers are JS numbers
 * that must be safe integers (|n| <= 2^53-1); they are split into two 32-bit words before
 * any bit operation, so no precision is lost and no BigInt is needed.
 *
 * Reuse: `reset()` starts over in the same memory. A view returned by `view()` stays valid
 * until the next `reset()` (growing copies into new memory and leaves old views intact).
 */
import { Buffer } from 'node:buffer';
import { STALE_NAN_HI, STALE_NAN_LO } from '../../model/index.js';

const TWO32 = 4294967296;

export class Encbuf {
  /** The bytes written so far are `b[0:len]`. */
  b: Buffer;
  len: number;
  #dv: DataView;

  constructor(capacity = 4096) {
    // allocUnsafeSlow: an ArrayBuffer of our own, so the DataView spans exactly this buffer.
    this.b = Buffer.allocUnsafeSlow(Math.max(16, capacity));
    this.len = 0;
    this.#dv = new DataView(this.b.buffer, this.b.byteOffset, this.b.byteLength);
  }

  reset(): void {
    this.len = 0;
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.b.length) return;
    let cap = this.b.length * 2;
    while (cap < need) cap *= 2;
    const nb = Buffer.allocUnsafeSlow(cap);
    nb.set(this.b.subarray(0, this.len));
    this.b = nb;
    this.#dv = new DataView(nb.buffer, nb.byteOffset, nb.byteLength);
  }

  /**
   * The bytes from `start` to the current end, without copying. A plain Uint8Array (not a
   * Buffer), so that `.slice()` on it copies as callers expect.
   */
  view(start = 0): Uint8Array {
    return new Uint8Array(this.b.buffer, this.b.byteOffset + start, this.len - start);
  }

  putByte(x: number): void {
    this.reserve(1);
    this.b[this.len++] = x;
  }

  putBytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.b.set(src, this.len);
    this.len += src.length;
  }

  putBE32(x: number): void {
    this.reserve(4);
    this.#dv.setUint32(this.len, x >>> 0);
    this.len += 4;
  }

  /** An int64 in two's complement, big-endian. `n` must be a safe integer. */
  putBE64Int(n: number): void {
    if (!Number.isSafeInteger(n)) throw new RangeError(`encoding int64: ${n} is not a safe integer`);
    this.reserve(8);
    const hi = Math.floor(n / TWO32);
    this.#dv.setInt32(this.len, hi);
    this.#dv.setUint32(this.len + 4, n - hi * TWO32);
    this.len += 8;
  }

  /** A uint64, big-endian. `n` must be a non-negative safe integer. */
  putBE64Uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`encoding uint64: ${n} is not a non-negative safe integer`);
    this.putBE64Int(n);
  }

  putBEFloat64(f: number): void {
    this.reserve(8);
    this.#dv.setFloat64(this.len, f);
    this.len += 8;
  }

  /** A float64, or Prometheus's stale-marker NaN (exact bits) when `stale`. */
  putSampleValue(f: number, stale: boolean): void {
    this.reserve(8);
    if (stale) {
      this.#dv.setUint32(this.len, STALE_NAN_HI);
      this.#dv.setUint32(this.len + 4, STALE_NAN_LO);
    } else {
      this.#dv.setFloat64(this.len, f);
    }
    this.len += 8;
  }

  /** An unsigned LEB128 varint. `n` must be a non-negative safe integer. */
  putUvarint(n: number): void {
    this.reserve(10);
    const b = this.b;
    let p = this.len;
    if (n >>> 0 === n && n <= 0x7fffffff) {
      while (n > 0x7f) {
        b[p++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      b[p++] = n;
      this.len = p;
      return;
    }
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`encoding uvarint: ${n} is not a non-negative safe integer`);
    const hi = Math.floor(n / TWO32);
    this.#putUvarintWords(hi, n - hi * TWO32);
  }

  /** A zig-zag signed varint, as Go's `binary.PutVarint`. `n` must be a safe integer. */
  putVarint(n: number): void {
    if (n >= -0x40000000 && n < 0x40000000 && (n | 0) === n) {
      // int32 zig-zag is exact in this range.
      this.putUvarint(((n << 1) ^ (n >> 31)) >>> 0);
      return;
    }
    if (!Number.isSafeInteger(n)) throw new RangeError(`encoding varint: ${n} is not a safe integer`);
    const neg = n < 0;
    const a = neg ? -n : n;
    const hi = Math.floor(a / TWO32);
    const lo = a - hi * TWO32;
    // u = a << 1 over two words, minus one for negatives (a >= 1 there, so u >= 2).
    let uhi = hi * 2 + (lo >>> 31);
    let ulo = (lo * 2) % TWO32;
    if (neg) {
      if (ulo === 0) { ulo = 0xffffffff; uhi -= 1; } else ulo -= 1;
    }
    this.reserve(10);
    this.#putUvarintWords(uhi, ulo);
  }

  /**
   * A zig-zag varint of any int64, for values that may lie beyond the safe range (tombstone
   * bounds: Prometheus writes MinInt64/MaxInt64 for "all time"). Doubles at or beyond ±2^63
   * clamp to MinInt64/MaxInt64; others are written as the exact integer the double holds.
   */
  putVarintWide(n: number): void {
    if (Number.isSafeInteger(n)) { this.putVarint(n); return; }
    if (Number.isNaN(n)) throw new RangeError('encoding varint: NaN');
    this.reserve(10);
    if (n >= 2 ** 63) { this.#putUvarintWords(0xffffffff, 0xfffffffe); return; }
    if (n <= -(2 ** 63)) { this.#putUvarintWords(0xffffffff, 0xffffffff); return; }
    const neg = n < 0;
    const a = Math.trunc(neg ? -n : n);
    const hi = Math.floor(a / TWO32);
    const lo = a - hi * TWO32;
    let uhi = hi * 2 + (lo >>> 31);
    let ulo = (lo * 2) % TWO32;
    if (neg) {
      if (ulo === 0) { ulo = 0xffffffff; uhi -= 1; } else ulo -= 1;
    }
    this.#putUvarintWords(uhi, ulo);
  }

  #putUvarintWords(hi: number, lo: number): void {
    const b = this.b;
    let p = this.len;
    while (hi !== 0 || lo > 0x7f) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
      hi = hi >>> 7;
    }
    b[p++] = lo;
    this.len = p;
  }

  /** A UTF-8 string prefixed by its byte length as a uvarint. */
  putUvarintStr(s: string): void {
    const n = s.length;
    if (n < 128) {
      // Fast path: short ASCII strings need a one-byte length and one byte per char.
      this.reserve(1 + n);
      const b = this.b;
      let p = this.len + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === n) {
        b[this.len] = n;
        this.len = p;
        return;
      }
    }
    const bl = Buffer.byteLength(s, 'utf8');
    this.putUvarint(bl);
    this.reserve(bl);
    this.b.write(s, this.len, bl, 'utf8');
    this.len += bl;
  }
}
