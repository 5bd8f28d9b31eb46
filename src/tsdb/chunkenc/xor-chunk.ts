/**
 * XOR float chunks being written (the encoding is described in xor.ts, which reads them).
 *
 * An XOR chunk is its own appender: the bit stream and the state after the last sample live
 * in this one object, as numbers that fit small integers (no boxed double, no view object),
 * because a head holds one open chunk per series and touches it once per sample: every
 * object and pointer per chunk is memory, and on a cold cache every cache line counts.
 *
 * Storage: a chunk made with `emptyIn(arena)` writes into blocks of the arena's shared slabs
 * and gives each block back when it grows out of it or when `seal` copies the bytes out;
 * other chunks own a plain buffer. Views from `bytes()` are valid until the next append or
 * `seal`; iterators follow the chunk's current storage (see `gen`). The sample count in the
 * first two bytes is written when the bytes are handed out, not on every append.
 */
import type { Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import type { ChunkArena } from './arena.js';
import { Encoding, wrongSampleType, type Appender, type Chunk, type ChunkIterator, type HistogramAppendResult } from './chunk.js';
import { NO_WINDOW } from './xor-value.js';
import { XorIterator } from './xor.js';
import { STALE_HI, STALE_LO, W, floatWords, intWords } from './words.js';

const HEADER = 2;
/** First buffer of a chunk with no arena. */
const INITIAL_CAPACITY = 128;
/** A head chunk never needs more than this (cut before 1005 bytes, plus one maximal sample). */
const MAX_CAPACITY = 1048;
/** First arena block: the header and the first sample (at most 18 bytes) with room to spare. */
const INITIAL_ARENA_CAPACITY = 64;
/** Bytes a sample may add: a 10-byte varint and a 77-bit value, or a 68-bit delta of deltas and a 77-bit value. */
const MAX_SAMPLE_BYTES = 21;
const TWO32 = 4294967296;
const EMPTY = new Uint8Array(0);
/** MASK[n] keeps the low n bits (n = 0..32) of an int32. */
const MASK = new Int32Array(33);
for (let n = 1; n <= 32; n++) MASK[n] = n === 32 ? -1 : (1 << n) - 1;

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

export class XorChunk implements Chunk, Appender {
  /** The bytes read in place (from disk, or sealed), or null while the chunk is writable. */
  private ro: Uint8Array | null;
  /** The writable stream is mem[off, off + cap): an arena slab (block handle h) or an own buffer (h = -1). */
  private mem: Uint8Array;
  private h: number;
  private off: number;
  private cap: number;
  /** Bits written, header included. */
  private bits: number;
  /** Samples written (the header holds it once synced). */
  private n: number;
  // State after the last sample: its time as two 32-bit words (high, signed low), the last
  // time delta, the value's bits and the XOR window (leading << 8 | trailing).
  private t1: number;
  private t0: number;
  private tDelta: number;
  private hi: number;
  private lo: number;
  private win: number;
  private arena: ChunkArena | null;
  /** Changes whenever the storage moves (growth, seal), so iterators know to follow it. @internal */
  gen: number;

  private constructor(ro: Uint8Array | null, mem: Uint8Array, h: number, off: number, cap: number, arena: ChunkArena | null) {
    this.ro = ro;
    this.mem = mem;
    this.h = h;
    this.off = off;
    this.cap = cap;
    this.bits = ro === null ? HEADER * 8 : 0;
    this.n = ro === null ? 0 : (ro[0]! << 8) | ro[1]!;
    this.t1 = 0;
    this.t0 = 0;
    this.tDelta = 0;
    this.hi = 0;
    this.lo = 0;
    this.win = NO_WINDOW << 8;
    this.arena = arena;
    this.gen = 0;
  }

  static empty(): XorChunk {
    return new XorChunk(null, new Uint8Array(INITIAL_CAPACITY), -1, 0, INITIAL_CAPACITY, null);
  }

  /** An empty chunk whose buffers come from `arena` (see `seal`). */
  static emptyIn(arena: ChunkArena): XorChunk {
    const h = arena.allocBlock(INITIAL_ARENA_CAPACITY);
    return new XorChunk(null, arena.slabOf(h), h, arena.offsetOf(h), arena.blockSizeFor(INITIAL_ARENA_CAPACITY), arena);
  }

  /** A chunk over encoded bytes, read in place. The caller must not modify them afterwards. */
  static fromBytes(b: Uint8Array): XorChunk {
    return new XorChunk(b, EMPTY, -1, 0, 0, null);
  }

  get encoding(): typeof Encoding.XOR {
    return Encoding.XOR;
  }

  bytes(): Uint8Array {
    if (this.ro !== null) return this.ro;
    this.syncHeader();
    return this.mem.subarray(this.off, this.off + ((this.bits + 7) >> 3));
  }

  byteLength(): number {
    return this.ro !== null ? this.ro.length : (this.bits + 7) >> 3;
  }

  numSamples(): number {
    return this.n;
  }

  /**
   * The buffer holding the chunk now and where in it the chunk starts (readers keep offsets
   * into it rather than a view: no object per read). @internal
   */
  rawBuffer(): Uint8Array {
    return this.ro ?? this.mem;
  }

  /** See rawBuffer. @internal */
  rawStart(): number {
    return this.ro !== null ? 0 : this.off;
  }

  /** byteLength(), with the sample count in the header brought up to date. @internal */
  syncedLength(): number {
    if (this.ro !== null) return this.ro.length;
    this.syncHeader();
    return (this.bits + 7) >> 3;
  }

  /** The whole current storage; bytes [0, byteLength()) are the chunk (header possibly stale). @internal */
  storage(): Uint8Array {
    return this.ro ?? this.mem.subarray(this.off, this.off + this.cap);
  }

  /**
   * Makes the chunk read-only over an exact copy of its bytes and gives its buffer back to
   * the arena. A head seals a chunk when it stops appending to it (it is full, written to
   * chunks_head, or dropped); appending afterwards starts from a private copy.
   */
  seal(): void {
    if (this.ro !== null) return;
    this.syncHeader();
    this.ro = this.mem.slice(this.off, this.off + ((this.bits + 7) >> 3));
    this.release();
    this.mem = EMPTY;
    this.off = 0;
    this.cap = 0;
    this.gen++;
  }

  /**
   * Positions the appending state after the existing samples and returns this chunk. As in
   * Prometheus, the XOR window of a resumed chunk comes from the reader, which starts at 0/0
   * rather than "none": if no value changed yet, the next change reuses a full 64-bit window.
   * The bytes then differ from appending in one go; they decode the same.
   */
  appender(): this {
    if (this.n === 0) {
      if (this.ro !== null) {
        this.ro = null;
        this.mem = new Uint8Array(INITIAL_CAPACITY);
        this.off = 0;
        this.cap = INITIAL_CAPACITY;
        this.gen++;
      }
      this.mem.fill(0, this.off, this.off + ((this.bits + 7) >> 3));
      this.bits = HEADER * 8;
      this.setT(0);
      this.tDelta = 0;
      this.hi = 0;
      this.lo = 0;
      this.win = NO_WINDOW << 8;
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
      const pos = it.bitPosition();
      const len = (pos + 7) >> 3;
      const cap = Math.max(INITIAL_CAPACITY, len * 2);
      const mem = new Uint8Array(cap);
      mem.set(b.subarray(0, len));
      if ((pos & 7) !== 0) mem[len - 1]! &= ~((1 << (8 - (pos & 7))) - 1);
      this.ro = null;
      this.mem = mem;
      this.off = 0;
      this.cap = cap;
      this.bits = pos;
      this.gen++;
    }
    const v = it.v;
    this.setT(it.t);
    this.tDelta = it.tDelta;
    this.hi = v.hi;
    this.lo = v.lo;
    this.win = (v.leading << 8) | v.trailing;
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
    const num = this.n;
    if (num === 0xffff) throw new Error('chunk capacity exceeded');
    // Make room for one sample once, then write unchecked.
    if (((this.bits + 7) >> 3) + MAX_SAMPLE_BYTES > this.cap) this.grow();
    let tDelta = 0;
    if (num === 0) {
      this.writeVarint(t);
      this.writeBits(hi, 32);
      this.writeBits(lo, 32);
      this.hi = hi | 0;
      this.lo = lo | 0;
    } else {
      tDelta = t - (this.t1 * TWO32 + (this.t0 >>> 0));
      if (num === 1) {
        intWords(tDelta);
        this.writeUvarint(W.hi, W.lo);
      } else {
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
      }
      this.writeValue(hi, lo);
    }
    this.setT(t);
    this.tDelta = tDelta;
    this.n = num + 1;
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

  private setT(t: number): void {
    const h = Math.floor(t / TWO32);
    this.t1 = h;
    this.t0 = (t - h * TWO32) | 0;
  }

  private syncHeader(): void {
    const m = this.mem, o = this.off, n = this.n;
    m[o] = n >>> 8;
    m[o + 1] = n & 0xff;
  }

  /** Gives an arena block back; the chunk has no storage of its own afterwards. */
  private release(): void {
    if (this.arena !== null && this.h >= 0) this.arena.freeBlock(this.h, this.cap);
    this.h = -1;
    this.arena = null;
  }

  /**
   * Room for one more sample. Grows by half rather than double, and stops once at the size a
   * head chunk can reach (cut at 1005 bytes), so open chunks waste little; chunks written
   * past that (backfill, tests) keep growing by half.
   */
  private grow(): void {
    const len = (this.bits + 7) >> 3;
    const min = len + MAX_SAMPLE_BYTES;
    const old = this.cap;
    let cap = old + (old >> 1);
    if (old < MAX_CAPACITY && cap > MAX_CAPACITY) cap = MAX_CAPACITY;
    if (cap < min) cap = min;
    const a = this.arena;
    const size = a !== null ? a.blockSizeFor(cap) : 0;
    let mem: Uint8Array, off: number, h: number;
    if (size > 0) {
      h = a!.allocBlock(cap);
      mem = a!.slabOf(h);
      off = a!.offsetOf(h);
      cap = size;
    } else {
      h = -1;
      mem = new Uint8Array(cap);
      off = 0;
    }
    // Byte by byte: a few hundred bytes at most, and no view object to collect.
    const src = this.mem, from = this.off;
    for (let k = 0; k < len; k++) mem[off + k] = src[from + k]!;
    if (a !== null && this.h >= 0) a.freeBlock(this.h, this.cap);
    // Past the arena's largest block the chunk keeps buffers of its own.
    if (size === 0) this.arena = null;
    this.mem = mem;
    this.h = h;
    this.off = off;
    this.cap = cap;
    this.gen++;
  }

  /**
   * Writes the low n bits (0..32) of v, most significant first. The caller made room. The
   * bytes after the current one are still zero, so whole bytes are stored, not merged.
   */
  private writeBits(v: number, n: number): void {
    if (n === 0) return;
    const m = this.mem;
    const bits = this.bits;
    let i = this.off + (bits >> 3);
    const free = 8 - (bits & 7);
    this.bits = bits + n;
    if (n <= free) {
      m[i]! |= (v & MASK[n]!) << (free - n);
      return;
    }
    let r = n - free;
    m[i]! |= (v >>> r) & MASK[free]!;
    while (r >= 8) {
      r -= 8;
      m[++i] = v >>> r;
    }
    if (r > 0) m[i + 1] = v << (8 - r);
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
    const pl = this.win >> 8, pt = this.win & 0xff;
    if (pl !== NO_WINDOW && leading >= pl && trailing >= pt) {
      this.writeBits(0b10, 2);
      leading = pl;
      trailing = pt;
    } else {
      this.win = (leading << 8) | trailing;
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
