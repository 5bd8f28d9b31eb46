/**
 * A growable byte buffer that encodes the integer and string forms of Prometheus's TSDB
 * files: big-endian fixed-width integers, Go's uvarint/varint (zigzag), and
 * uvarint-length-prefixed UTF-8 strings.
 *
 * 64-bit values are JS numbers: exact up to 2^53 (checked by callers on the way in); the
 * `*Big` variants take a bigint for the rare values beyond that (tombstone bounds at
 * ±2^63). Reused: `reset()` keeps the allocation; `get()` is a view valid until the next
 * write.
 */

const TWO32 = 0x1_0000_0000;
const encoder = new TextEncoder();

export class EncBuf {
  b: Buffer;
  len = 0;

  constructor(capacity = 256) {
    this.b = Buffer.allocUnsafe(capacity);
  }

  reset(): void {
    this.len = 0;
  }

  /** The bytes written so far: a view, valid until the next write or reset. */
  get(): Buffer {
    return this.b.subarray(0, this.len);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.b.length) return;
    let c = this.b.length * 2;
    while (c < this.len + n) c *= 2;
    const nb = Buffer.allocUnsafe(c);
    this.b.copy(nb, 0, 0, this.len);
    this.b = nb;
  }

  putByte(x: number): void {
    this.ensure(1);
    this.b[this.len++] = x;
  }

  putBytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.b.set(src, this.len);
    this.len += src.length;
  }

  /** An unsigned 32-bit integer, big-endian. */
  putBE32(x: number): void {
    this.ensure(4);
    this.b.writeUInt32BE(x >>> 0, this.len);
    this.len += 4;
  }

  /** A non-negative safe integer as an unsigned 64-bit big-endian integer. */
  putBE64(x: number): void {
    this.ensure(8);
    this.b.writeUInt32BE(Math.floor(x / TWO32) >>> 0, this.len);
    this.b.writeUInt32BE(x >>> 0, this.len + 4);
    this.len += 8;
  }

  /** A non-negative safe integer as a uvarint. */
  putUvarint(x: number): void {
    this.ensure(10);
    const b = this.b;
    let p = this.len;
    if (x < 0x80000000) {
      while (x >= 0x80) { b[p++] = (x & 0x7f) | 0x80; x >>>= 7; }
    } else {
      // `& 0x7f` is exact for any safe integer: ToInt32 keeps the low bits.
      while (x >= 0x80) { b[p++] = (x & 0x7f) | 0x80; x = Math.floor(x / 128); }
    }
    b[p++] = x;
    this.len = p;
  }

  /** A safe integer as a zigzag varint (Go's `PutVarint`). */
  putVarint(x: number): void {
    if (x >= -0x8_0000_0000_0000 && x < 0x8_0000_0000_0000) {
      this.putUvarint(x >= 0 ? x * 2 : -x * 2 - 1);
      return;
    }
    this.putVarintBig(BigInt(Math.trunc(x)));
  }

  putUvarintBig(x: bigint): void {
    this.ensure(10);
    while (x >= 0x80n) { this.b[this.len++] = Number(x & 0x7fn) | 0x80; x >>= 7n; }
    this.b[this.len++] = Number(x);
  }

  /** A signed 64-bit value as a zigzag varint; `x` is clamped to the int64 range. */
  putVarintBig(x: bigint): void {
    if (x > 0x7fff_ffff_ffff_ffffn) x = 0x7fff_ffff_ffff_ffffn;
    if (x < -0x8000_0000_0000_0000n) x = -0x8000_0000_0000_0000n;
    this.putUvarintBig(x >= 0n ? x << 1n : ((-x) << 1n) - 1n);
  }

  /** A string as uvarint(byte length) followed by its UTF-8 bytes. */
  putUvarintStr(s: string): void {
    const n = s.length;
    // ASCII fast path: byte length equals string length.
    this.ensure(10 + n * 3);
    const start = this.len;
    this.putUvarint(n);
    const b = this.b;
    let p = this.len;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    if (i === n) {
      this.len = p;
      return;
    }
    this.len = start;
    const bytes = Buffer.byteLength(s, 'utf8');
    this.putUvarint(bytes);
    const r = encoder.encodeInto(s, b.subarray(this.len, this.len + bytes));
    this.len += r.written;
  }
}

/** The number of bytes `putUvarint(x)` writes. */
export function uvarintSize(x: number): number {
  let n = 1;
  while (x >= 0x80) { x = Math.floor(x / 128); n++; }
  return n;
}
