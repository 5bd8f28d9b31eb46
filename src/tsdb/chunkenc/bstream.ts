/**
 * Bit streams, most significant bit first, as Prometheus's chunk encodings lay them out.
 *
 * JS bit operators work on 32 bits, so both sides move at most 32 bits per call; 64-bit
 * fields (floats, large integers) go through as two words, high word first.
 */

/** MASK[n] keeps the low n bits (n = 0..32) of an int32. */
const MASK = new Int32Array(33);
for (let n = 1; n <= 32; n++) MASK[n] = n === 32 ? -1 : (1 << n) - 1;

const INITIAL_CAPACITY = 128;

/**
 * An append-only bit stream over a growable byte buffer. Bytes not yet written are zero,
 * so a partly filled last byte has zero padding, as Prometheus's chunks do.
 *
 * `bytes()` is a view of the internal buffer: it is valid until the next write (a write may
 * move the buffer); copy it to keep it. Writers own their buffer; nothing else mutates it.
 */
export class BitWriter {
  /** The buffer; bytes [0, len) are in use. @internal */
  buf: Uint8Array;
  /** Bytes in use, including a partly filled last byte. */
  len: number;
  /** Free bits (0..7) in the last byte; 0 means the next bit starts a new byte. */
  free: number;

  constructor(buf: Uint8Array, len: number, free: number) {
    this.buf = buf;
    this.len = len;
    this.free = free;
  }

  /** A stream that starts with `headerBytes` zero bytes (the chunk header). */
  static withHeader(headerBytes: number): BitWriter {
    return new BitWriter(new Uint8Array(INITIAL_CAPACITY), headerBytes, 0);
  }

  /**
   * A stream that continues after `bytes`, of which the last `free` bits are unused
   * padding. The bytes are copied: the source stays untouched.
   */
  static copyOf(bytes: Uint8Array, free: number): BitWriter {
    // Whole unused bytes at the end are dropped, unused bits of the last byte cleared, so
    // that appending works on a stream that was stored with extra padding.
    const len = bytes.length - Math.floor(free / 8);
    const f = free % 8;
    const buf = new Uint8Array(Math.max(INITIAL_CAPACITY, len * 2));
    buf.set(bytes.subarray(0, len));
    if (f > 0 && len > 0) buf[len - 1]! &= ~((1 << f) - 1);
    return new BitWriter(buf, len, f);
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** Bits written so far, header included. */
  bitLength(): number {
    return this.len * 8 - this.free;
  }

  private grow(min: number): void {
    let cap = this.buf.length * 2;
    while (cap < min) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  writeBit(bit: number): void {
    if (this.free === 0) {
      if (this.len === this.buf.length) this.grow(this.len + 1);
      this.len++;
      this.free = 8;
    }
    this.free--;
    if (bit !== 0) this.buf[this.len - 1]! |= 1 << this.free;
  }

  /** Writes the low n bits (0..32) of v, most significant first. */
  writeBits(v: number, n: number): void {
    if (this.len + 5 > this.buf.length) this.grow(this.len + 5);
    const buf = this.buf;
    let len = this.len;
    let free = this.free;
    while (n > 0) {
      if (free === 0) {
        len++;
        free = 8;
      }
      const take = n < free ? n : free;
      const bits = (v >>> (n - take)) & MASK[take]!;
      free -= take;
      buf[len - 1]! |= bits << free;
      n -= take;
    }
    this.len = len;
    this.free = free;
  }

  /** Writes 64 bits given as high and low 32-bit words. */
  writeWords(hi: number, lo: number): void {
    this.writeBits(hi, 32);
    this.writeBits(lo, 32);
  }

  writeByte(b: number): void {
    this.writeBits(b, 8);
  }
}

/**
 * A cursor reading bits from a byte range. Reading past the end yields zero bits and sets
 * `eof`; decoders check it once per sample rather than after every field.
 *
 * The reader keeps up to 32 not-yet-consumed bits in `cur` (right-aligned, `valid` of them).
 * It never writes to the bytes it reads.
 */
export class BitReader {
  /** The bytes read. @internal */
  b: Uint8Array;
  // Number fields get initialisers: a field declared without one starts out undefined, and
  // V8 then keeps it "tagged", allocating a new heap number for every store of a value
  // outside the small-integer range (half of all 32-bit words in `cur`).
  /** Next byte to load. @internal */
  off = 0;
  /** @internal */
  end = 0;
  /** @internal */
  cur = 0;
  /** @internal */
  valid = 0;
  eof = false;

  constructor(b: Uint8Array, start: number) {
    this.b = b;
    this.off = start;
    this.end = b.length;
    this.cur = 0;
    this.valid = 0;
    this.eof = false;
  }

  /** Reads b[start, end). */
  reset(b: Uint8Array, start: number, end = b.length): void {
    this.b = b;
    this.off = start;
    this.end = end;
    this.cur = 0;
    this.valid = 0;
    this.eof = false;
  }

  /**
   * Continues in `b`, which must hold the same bytes as the current array up to where this
   * reader stops (its end stays): for storage that moved.
   */
  rebase(b: Uint8Array): void {
    this.b = b;
  }

  /** Bits consumed since the start of the byte array (header included). */
  bitPosition(): number {
    return this.off * 8 - this.valid;
  }

  /** Loads the next up to 4 bytes into `cur`; false (and eof) when none is left. */
  refill(): boolean {
    const off = this.off;
    const b = this.b;
    if (off + 4 <= this.end) {
      this.cur = (b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!;
      this.off = off + 4;
      this.valid = 32;
      return true;
    }
    if (off >= this.end) {
      this.eof = true;
      return false;
    }
    let cur = 0;
    let n = 0;
    while (this.off < this.end) {
      cur = (cur << 8) | b[this.off++]!;
      n += 8;
    }
    this.cur = cur;
    this.valid = n;
    return true;
  }

  readBit(): number {
    if (this.valid === 0 && !this.refill()) return 0;
    this.valid--;
    return (this.cur >>> this.valid) & 1;
  }

  /** Reads n bits (1..32) as an unsigned number. */
  readBits(n: number): number {
    if (n <= this.valid) {
      this.valid -= n;
      return ((this.cur >>> this.valid) & MASK[n]!) >>> 0;
    }
    // Take what is left, then the rest from the next load.
    const have = this.valid;
    const high = this.cur & MASK[have]!;
    const need = n - have;
    this.valid = 0;
    if (!this.refill()) return 0;
    if (need > this.valid) {
      // Fewer bits remain in the stream than asked for.
      this.eof = true;
      this.valid = 0;
      return 0;
    }
    this.valid -= need;
    const low = (this.cur >>> this.valid) & MASK[need]!;
    // high has `have` bits and low `need` bits: together at most 32.
    return have === 0 ? low >>> 0 : ((high << need) | low) >>> 0;
  }

  readByte(): number {
    return this.readBits(8);
  }
}
