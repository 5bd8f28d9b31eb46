/**
 * XOR float chunks (encoding 1), bit for bit as Prometheus writes them:
 *
 *   num_samples u16 | t0 varint | v0 64 bits | t1-t0 uvarint | v1 xor | (dod varbit_ts | v xor)*
 *
 * Timestamp delta-of-deltas use Prometheus's buckets: "0" for 0, "10"+14 bits, "110"+17 bits,
 * "1110"+20 bits, "1111"+64 bits, where an n-bit bucket holds -(2^(n-1)-1) .. 2^(n-1).
 */
import type { FloatHistogram, Histogram, Millis } from '../../model/index.js';
import { ValueType, type FloatColumns, type SampleIterator } from '../../storage/interface.js';
import type { ChunkArena } from './arena.js';
import { BitReader } from './bstream.js';
import { Encoding, wrongSampleType, type Appender, type Chunk, type ChunkIterator, type HistogramAppendResult } from './chunk.js';
import { NO_WINDOW, XorState, xorRead } from './xor-value.js';
import {
  STALE_HI, STALE_LO, W, floatWords, intWords, isStaleWords, readUvarintWords, readVarintWords,
  wordsFloat, wordsInt,
} from './words.js';

const HEADER = 2;
/** First buffer of a chunk being written; most chunks outgrow it a few times. */
const INITIAL_CAPACITY = 128;
/** A chunk never needs more than this (cut before 1005 bytes, plus one maximal sample). */
const MAX_CAPACITY = 1048;
/** First arena block: the header and the first sample (at most 18 bytes) with room to spare. */
const INITIAL_ARENA_CAPACITY = 64;
const EMPTY = new Uint8Array(0);
/** MASK[n] keeps the low n bits (n = 0..32) of an int32. */
const MASK = new Int32Array(33);
for (let n = 1; n <= 32; n++) MASK[n] = n === 32 ? -1 : (1 << n) - 1;

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * An XOR chunk is its own appender: the bit stream and the state after the last sample live
 * in this one object (a head holds one open chunk per series, so objects per chunk count).
 * `appender()` positions that state after the existing samples and returns the chunk.
 *
 * A chunk made with `emptyIn(arena)` takes its buffers from the arena and gives each one
 * back when it grows out of it or when `seal` copies the bytes out. Views from `bytes()`
 * are valid until the next append or `seal`; iterators follow the chunk's current storage.
 */
export class XorChunk implements Chunk, Appender {
  readonly encoding = Encoding.XOR;
  /** The bytes read in place (from disk, or sealed), or null while the chunk is writable. */
  private ro: Uint8Array | null;
  /** The writable stream: bytes [0, len) in use, `free` (0..7) unused low bits in the last byte. */
  private buf: Uint8Array;
  private len: number;
  private free: number;
  // State after the last sample: its time, the last time delta, the value's bits and XOR window.
  private t: number;
  private tDelta: number;
  private hi: number;
  private lo: number;
  private leading: number;
  private trailing: number;
  private arena: ChunkArena | null;
  /** Changes whenever the storage moves (growth, seal), so iterators know to follow it. @internal */
  gen: number;

  private constructor(ro: Uint8Array | null, buf: Uint8Array, len: number, arena: ChunkArena | null) {
    this.ro = ro;
    this.buf = buf;
    this.len = len;
    this.free = 0;
    this.t = 0;
    this.tDelta = 0;
    this.hi = 0;
    this.lo = 0;
    this.leading = NO_WINDOW;
    this.trailing = 0;
    this.arena = arena;
    this.gen = 0;
  }

  static empty(): XorChunk {
    return new XorChunk(null, new Uint8Array(INITIAL_CAPACITY), HEADER, null);
  }

  /** An empty chunk whose buffers come from `arena` (see `seal`). */
  static emptyIn(arena: ChunkArena): XorChunk {
    return new XorChunk(null, arena.alloc(INITIAL_ARENA_CAPACITY), HEADER, arena);
  }

  /** A chunk over encoded bytes, read in place. The caller must not modify them afterwards. */
  static fromBytes(b: Uint8Array): XorChunk {
    return new XorChunk(b, EMPTY, 0, null);
  }

  /**
   * Makes the chunk read-only over an exact copy of its bytes and gives its buffer back to
   * the arena. A head seals a chunk when it stops appending to it (it is full, written to
   * chunks_head, or dropped); appending afterwards starts from a private copy.
   */
  seal(): void {
    if (this.ro !== null) return;
    this.ro = this.buf.slice(0, this.len);
    if (this.arena !== null) this.arena.free(this.buf);
    this.arena = null;
    this.buf = EMPTY;
    this.len = 0;
    this.gen++;
  }

  /** The whole current storage (bytes [0, byteLength()) are the chunk). @internal */
  storage(): Uint8Array {
    return this.ro ?? this.buf;
  }

  bytes(): Uint8Array {
    return this.ro ?? this.buf.subarray(0, this.len);
  }

  byteLength(): number {
    return this.ro !== null ? this.ro.length : this.len;
  }

  numSamples(): number {
    const b = this.ro ?? this.buf;
    return (b[0]! << 8) | b[1]!;
  }

  /**
   * Positions the appending state after the existing samples and returns this chunk. As in
   * Prometheus, the XOR window of a resumed chunk comes from the reader, which starts at 0/0
   * rather than "none": if no value changed yet, the next change reuses a full 64-bit window.
   * The bytes then differ from appending in one go; they decode the same.
   */
  appender(): this {
    if (this.numSamples() === 0) {
      if (this.ro !== null) {
        this.buf = new Uint8Array(INITIAL_CAPACITY);
        this.ro = null;
        this.gen++;
      }
      this.buf.fill(0, 0, this.len);
      this.len = HEADER;
      this.free = 0;
      this.t = 0;
      this.tDelta = 0;
      this.hi = 0;
      this.lo = 0;
      this.leading = NO_WINDOW;
      this.trailing = 0;
      return this;
    }
    const it = new XorIterator(this.bytes());
    while (it.next() !== ValueType.None) { /* to the end */ }
    const err = it.err();
    if (err !== null) throw new Error('reading chunk for appending', { cause: err });
    if (this.ro !== null) {
      // Whole unused bytes at the end are dropped, unused bits of the last byte cleared, so
      // that appending works on a stream that was stored with extra padding.
      const b = this.ro;
      const pad = b.length * 8 - it.bitPosition();
      const len = b.length - Math.floor(pad / 8);
      const f = pad % 8;
      const buf = new Uint8Array(Math.max(INITIAL_CAPACITY, len * 2));
      buf.set(b.subarray(0, len));
      if (f > 0 && len > 0) buf[len - 1]! &= ~((1 << f) - 1);
      this.buf = buf;
      this.len = len;
      this.free = f;
      this.ro = null;
      this.gen++;
    }
    const v = it.v;
    this.t = it.t;
    this.tDelta = it.tDelta;
    this.hi = v.hi;
    this.lo = v.lo;
    this.leading = v.leading;
    this.trailing = v.trailing;
    return this;
  }

  iterator(reuse: SampleIterator | null): ChunkIterator {
    const it = reuse instanceof XorIterator ? reuse : new XorIterator(EMPTY);
    it.bind(this);
    return it;
  }

  append(t: Millis, v: number): void {
    floatWords(v);
    this.appendBits(t, W.hi, W.lo);
  }

  appendStale(t: Millis): void {
    this.appendBits(t, STALE_HI, STALE_LO);
  }

  /** Appends a float given by its exact bits (two 32-bit words), e.g. copied from another chunk. */
  appendBits(t: number, hi: number, lo: number): void {
    // A sample takes at most 20 new bytes (a 10-byte varint and a 77-bit value, or a 68-bit
    // delta of deltas and a 77-bit value): make room once, then write unchecked.
    if (this.len + 21 > this.buf.length) this.grow(this.len + 21);
    const b = this.buf;
    const num = (b[0]! << 8) | b[1]!;
    let tDelta = 0;
    if (num === 0) {
      this.writeVarint(t);
      this.writeBits(hi, 32);
      this.writeBits(lo, 32);
      this.hi = hi | 0;
      this.lo = lo | 0;
    } else if (num === 1) {
      tDelta = t - this.t;
      intWords(tDelta);
      this.writeUvarint(W.hi, W.lo);
      this.writeValue(hi, lo);
    } else if (num === 0xffff) {
      throw new Error('chunk capacity exceeded');
    } else {
      tDelta = t - this.t;
      const dod = tDelta - this.tDelta;
      if (dod === 0) {
        this.writeBits(0, 1);
      } else if (dod >= -8191 && dod <= 8192) {
        this.writeBits((0b10 << 14) | (dod & 0x3fff), 16);
      } else if (dod >= -65535 && dod <= 65536) {
        this.writeBits((0b110 << 17) | (dod & 0x1ffff), 20);
      } else if (dod >= -524287 && dod <= 524288) {
        this.writeBits((0b1110 << 20) | (dod & 0xfffff), 24);
      } else {
        this.writeBits(0b1111, 4);
        intWords(dod);
        this.writeBits(W.hi, 32);
        this.writeBits(W.lo, 32);
      }
      this.writeValue(hi, lo);
    }
    this.t = t;
    this.tDelta = tDelta;
    const n = num + 1;
    b[0] = n >>> 8;
    b[1] = n & 0xff;
  }

  appendHistogram(): HistogramAppendResult {
    throw wrongSampleType('histogram', 'float');
  }

  appendFloatHistogram(): HistogramAppendResult {
    throw wrongSampleType('float histogram', 'float');
  }

  appendStaleHistogram(): HistogramAppendResult {
    throw wrongSampleType('histogram', 'float');
  }

  /**
   * Room for `min` bytes. Grows by half rather than double, and stops once at the size a
   * head chunk can reach (cut at 1005 bytes), so open chunks waste little; chunks written
   * past that (backfill, tests) keep growing by half.
   */
  private grow(min: number): void {
    const old = this.buf.length;
    let cap = old + (old >> 1);
    if (old < MAX_CAPACITY && cap > MAX_CAPACITY) cap = MAX_CAPACITY;
    if (cap < min) cap = min;
    const a = this.arena;
    const nb = a !== null ? a.alloc(cap) : new Uint8Array(cap);
    // The whole old buffer (bytes past len are zero): no view to allocate.
    nb.set(this.buf);
    if (a !== null) a.free(this.buf);
    this.buf = nb;
    this.gen++;
  }

  /** Writes the low n bits (0..32) of v, most significant first. The caller made room. */
  private writeBits(v: number, n: number): void {
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

  private writeUvarint(hi: number, lo: number): void {
    while (hi !== 0 || lo >>> 0 >= 0x80) {
      this.writeBits((lo & 0x7f) | 0x80, 8);
      lo = (lo >>> 7) | (hi << 25);
      hi = hi >>> 7;
    }
    this.writeBits(lo & 0x7f, 8);
  }

  private writeVarint(v: number): void {
    intWords(v);
    const sign = W.hi >> 31;
    this.writeUvarint(((W.hi << 1) | (W.lo >>> 31)) ^ sign, (W.lo << 1) ^ sign);
  }

  /** The value's XOR against the previous one, in the previous window or a new one (see xor-value.ts). */
  private writeValue(hi: number, lo: number): void {
    const dhi = (hi ^ this.hi) | 0;
    const dlo = (lo ^ this.lo) | 0;
    this.hi = hi | 0;
    this.lo = lo | 0;
    if (dhi === 0 && dlo === 0) {
      this.writeBits(0, 1);
      return;
    }
    let leading = dhi !== 0 ? Math.clz32(dhi) : 32 + Math.clz32(dlo);
    let trailing = dlo !== 0 ? ctz32(dlo) : 32 + ctz32(dhi);
    if (leading >= 32) leading = 31;
    if (this.leading !== NO_WINDOW && leading >= this.leading && trailing >= this.trailing) {
      this.writeBits(0b10, 2);
      leading = this.leading;
      trailing = this.trailing;
    } else {
      this.leading = leading;
      this.trailing = trailing;
      // "11", 5 bits of leading zeros, 6 bits of length (64 wraps to 0).
      this.writeBits((0b11 << 11) | (leading << 6) | ((64 - leading - trailing) & 63), 13);
    }
    if (trailing >= 32) {
      this.writeBits(dhi >>> (trailing - 32), 64 - leading - trailing);
    } else {
      this.writeBits(dhi, 32 - leading);
      this.writeBits(dlo >>> trailing, 32 - trailing);
    }
  }
}

/** The appender of an XOR chunk is the chunk itself. */
export type XorAppender = XorChunk;

const EOF = 'EOF';
const DOD_WIDTHS = [0, 14, 17, 20, 64] as const;

/** Appends one sample to float columns (SampleIterator.readFloats). */
export function appendFloat(out: FloatColumns, t: number, v: number): void {
  const k = out.fN;
  if (k === out.fT.length) out.growF();
  out.fT[k] = t;
  out.fV[k] = v;
  out.fN = k + 1;
}

export class XorIterator implements ChunkIterator {
  private readonly br: BitReader;
  // Initialisers keep V8 from boxing the time (a double) on every sample: see BitReader.
  private numTotal = 0;
  private numRead = 0;
  /** @internal */
  t = 0;
  /** @internal */
  tDelta = 0;
  /** The current value's bits and window. @internal */
  readonly v: XorState;
  private error: Error | null;
  /** The head chunk read, whose storage may move while this reads it (see XorChunk.gen). */
  private src: XorChunk | null;
  private gen = 0;

  constructor(b: Uint8Array) {
    this.src = null;
    this.gen = 0;
    this.br = new BitReader(b, HEADER);
    this.numTotal = b.length >= HEADER ? (b[0]! << 8) | b[1]! : 0;
    this.numRead = 0;
    this.t = 0;
    this.tDelta = 0;
    this.v = new XorState();
    this.error = b.length >= HEADER ? null : new Error('chunk too short');
  }

  /** Reads `c`'s samples as they are now, following its storage when it moves. @internal */
  bind(c: XorChunk): void {
    this.reset(c.bytes());
    this.src = c;
    this.gen = c.gen;
  }

  reset(b: Uint8Array): void {
    this.src = null;
    this.br.reset(b, HEADER);
    this.numTotal = b.length >= HEADER ? (b[0]! << 8) | b[1]! : 0;
    this.numRead = 0;
    this.t = 0;
    this.tDelta = 0;
    this.v.reset(0);
    this.error = b.length >= HEADER ? null : new Error('chunk too short');
  }

  bitPosition(): number {
    return this.br.bitPosition();
  }

  next(): ValueType {
    if (this.error !== null || this.numRead === this.numTotal) return ValueType.None;
    const src = this.src;
    if (src !== null && src.gen !== this.gen) {
      // The chunk moved to new storage with the same leading bytes; the old may be reused.
      this.gen = src.gen;
      this.br.rebase(src.storage());
    }
    const br = this.br;
    if (this.numRead >= 2) {
      // The common case of a regular interval and an unchanged value: two zero bits.
      const valid = br.valid;
      if (valid >= 2 && ((br.cur >>> (valid - 2)) & 3) === 0) {
        br.valid = valid - 2;
        this.t += this.tDelta;
        this.numRead++;
        return ValueType.Float;
      }
      let dod = 0;
      if (br.readBit() !== 0) {
        // After the first 1 bit, up to three more select 14, 17, 20 or 64 bits.
        let ones = 1;
        while (ones < 4 && br.readBit() === 1) ones++;
        const sz = DOD_WIDTHS[ones]!;
        if (sz === 64) {
          const hi = br.readBits(32);
          dod = wordsInt(hi, br.readBits(32));
        } else {
          dod = br.readBits(sz);
          // Values above 2^(sz-1) are negative in sz-bit two's complement.
          if (dod > 1 << (sz - 1)) dod -= 1 << sz;
        }
      }
      this.tDelta += dod;
      this.t += this.tDelta;
      return this.readValue();
    }
    if (this.numRead === 0) {
      if (!readVarintWords(br)) return this.fail(new Error('varint overflows a 64-bit integer'));
      this.t = wordsInt(W.hi, W.lo);
      const v = this.v;
      v.hi = br.readBits(32) | 0;
      v.lo = br.readBits(32) | 0;
      v.value = wordsFloat(v.hi, v.lo);
      if (br.eof) return this.fail(new Error(EOF));
      this.numRead++;
      return ValueType.Float;
    }
    if (!readUvarintWords(br)) return this.fail(new Error('varint overflows a 64-bit integer'));
    this.tDelta = wordsInt(W.hi, W.lo);
    this.t += this.tDelta;
    return this.readValue();
  }

  private readValue(): ValueType {
    if (xorRead(this.br, this.v) < 0) return this.fail(new Error('invalid xor window'));
    if (this.br.eof) return this.fail(new Error(EOF));
    this.numRead++;
    return ValueType.Float;
  }

  private fail(e: Error): ValueType {
    this.error = e;
    return ValueType.None;
  }

  seek(t: Millis): ValueType {
    if (this.error !== null) return ValueType.None;
    while (t > this.t || this.numRead === 0) {
      if (this.next() === ValueType.None) return ValueType.None;
    }
    return ValueType.Float;
  }

  /**
   * SampleIterator.readFloats: decodes from the current sample on straight into `out`, the
   * time kept in locals (next() stores it in a field and every atT()/atF() call across the
   * iterator layers boxes a number). Same decoding and error handling as next().
   */
  readFloats(maxt: number, out: FloatColumns): ValueType {
    if (this.error !== null || this.numRead === 0) return ValueType.None;
    const v = this.v;
    // The first two samples have encodings of their own: one at a time.
    while (this.numRead < 2) {
      if (this.t > maxt) return ValueType.Float;
      if (v.hi !== STALE_HI || v.lo !== STALE_LO) appendFloat(out, this.t, v.value);
      if (this.next() === ValueType.None) return ValueType.None;
    }
    let t = this.t;
    if (t > maxt) return ValueType.Float;
    const src = this.src;
    if (src !== null && src.gen !== this.gen) {
      this.gen = src.gen;
      this.br.rebase(src.storage());
    }
    const br = this.br;
    const total = this.numTotal;
    let td = this.tDelta;
    let read = this.numRead;
    let fT = out.fT, fV = out.fV, k = out.fN;
    for (;;) {
      // The current sample (t <= maxt) goes out, unless it is a stale marker.
      if (v.hi !== STALE_HI || v.lo !== STALE_LO) {
        if (k === fT.length) {
          out.fN = k;
          out.growF();
          fT = out.fT;
          fV = out.fV;
        }
        fT[k] = t;
        fV[k++] = v.value;
      }
      if (read === total) break;
      const valid = br.valid;
      if (valid >= 2 && ((br.cur >>> (valid - 2)) & 3) === 0) {
        // A regular interval and an unchanged value: two zero bits.
        br.valid = valid - 2;
      } else {
        let dod = 0;
        if (br.readBit() !== 0) {
          let ones = 1;
          while (ones < 4 && br.readBit() === 1) ones++;
          const sz = DOD_WIDTHS[ones]!;
          if (sz === 64) {
            const hi = br.readBits(32);
            dod = wordsInt(hi, br.readBits(32));
          } else {
            dod = br.readBits(sz);
            if (dod > 1 << (sz - 1)) dod -= 1 << sz;
          }
        }
        td += dod;
        if (xorRead(br, v) < 0) {
          out.fN = k;
          return this.fail(new Error('invalid xor window'));
        }
        if (br.eof) {
          out.fN = k;
          return this.fail(new Error(EOF));
        }
      }
      t += td;
      read++;
      if (t > maxt) {
        this.t = t;
        this.tDelta = td;
        this.numRead = read;
        out.fN = k;
        return ValueType.Float;
      }
    }
    this.t = t;
    this.tDelta = td;
    this.numRead = read;
    out.fN = k;
    return ValueType.None;
  }

  atT(): Millis {
    return this.t as Millis;
  }

  atF(): number {
    return this.v.value;
  }

  atStale(): boolean {
    return isStaleWords(this.v.hi, this.v.lo);
  }

  /** The current value's exact bits: high word. */
  atBitsHi(): number {
    return this.v.hi;
  }

  /** The current value's exact bits: low word. */
  atBitsLo(): number {
    return this.v.lo;
  }

  atHistogram(): Histogram {
    throw new Error('cannot call XorIterator.atHistogram');
  }

  atFloatHistogram(): FloatHistogram {
    throw new Error('cannot call XorIterator.atFloatHistogram');
  }

  err(): Error | null {
    return this.error;
  }
}
