/**
 * XOR2 float chunks (encoding 4), Prometheus 3.x's optional float encoding
 * (`storage.tsdb.chunk_encoding.floats: xor2`), with optional start timestamps (ST).
 *
 *   num_samples u16 | st_header u8 | t0 varint | v0 64 bits | [t0-st0 varint]
 *   | t1-t0 uvarint | v1 <xor2> | [st delta varbit] | (joint sample | [st delta varbit])*
 *
 * From the third sample on, one control prefix covers both timestamp and value:
 * "0" same interval and value; "10" same interval, value changed (then "0" reuse window or
 * "1" new window); "110"+13-bit, "1110"+20-bit, "11110"+64-bit delta-of-delta followed by a
 * value ("0" same, "10" reuse window, "110" new window, "111" stale); "11111" same interval,
 * stale marker. Values XOR against the last non-stale value. The ST header byte: top bit
 * "st0 present", low 7 bits the sample index from which every sample carries an ST delta.
 */
import type { Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import { BitWriter } from './bstream.js';
import { Encoding, wrongSampleType, type Appender, type Chunk, type ChunkIterator, type HistogramAppendResult } from './chunk.js';
import { putVarbitInt } from './varbit.js';
import { NO_WINDOW, XorState } from './xor-value.js';
import { STALE_HI, STALE_LO, W, floatWords, intWords, isStaleWords, writeUvarintWords, writeVarint } from './words.js';
import { HEADER, ST_POS, Xor2Iterator } from './xor2-iterator.js';

/** From this sample index on an ST delta is always written, so the 7-bit header stays valid. */
const MAX_FIRST_ST_CHANGE_ON = 0x7f;

export class Xor2Chunk implements Chunk {
  readonly encoding = Encoding.XOR2;
  private ro: Uint8Array | null;
  private w: BitWriter | null;

  private constructor(ro: Uint8Array | null, w: BitWriter | null) {
    this.ro = ro;
    this.w = w;
  }

  static empty(): Xor2Chunk {
    return new Xor2Chunk(null, BitWriter.withHeader(HEADER));
  }

  /** A chunk over encoded bytes, read in place. The caller must not modify them afterwards. */
  static fromBytes(b: Uint8Array): Xor2Chunk {
    return new Xor2Chunk(b, null);
  }

  bytes(): Uint8Array {
    return this.ro ?? this.w!.bytes();
  }

  byteLength(): number {
    return this.ro !== null ? this.ro.length : this.w!.len;
  }

  numSamples(): number {
    const b = this.ro ?? this.w!.buf;
    return (b[0]! << 8) | b[1]!;
  }

  appender(): Xor2Appender {
    if (this.numSamples() === 0) {
      if (this.w === null) {
        this.w = BitWriter.withHeader(HEADER);
        this.ro = null;
      }
      return new Xor2Appender(this.w, null);
    }
    const it = new Xor2Iterator(this.bytes());
    while (it.next() !== ValueType.None) { /* to the end */ }
    const err = it.err();
    if (err !== null) throw new Error('reading chunk for appending', { cause: err });
    if (this.w === null) {
      const b = this.ro!;
      this.w = BitWriter.copyOf(b, b.length * 8 - it.bitPosition());
      this.ro = null;
    }
    return new Xor2Appender(this.w, it);
  }

  iterator(reuse: SampleIterator | null): ChunkIterator {
    if (reuse instanceof Xor2Iterator) {
      reuse.reset(this.bytes());
      return reuse;
    }
    return new Xor2Iterator(this.bytes());
  }
}

/** Writes the XOR2 value of the dod != 0 cases: "0" same, "10" reuse window, "110" new window, "111" stale. */
function writeValue(w: BitWriter, v: XorState, hi: number, lo: number): void {
  if (isStaleWords(hi, lo)) {
    w.writeBits(0b111, 3);
    return;
  }
  const dhi = (hi ^ v.hi) | 0;
  const dlo = (lo ^ v.lo) | 0;
  if (dhi === 0 && dlo === 0) {
    w.writeBit(0);
    return;
  }
  writeWindow(w, v, hi, lo, dhi, dlo, 0b10, 2, 0b110, 3);
}

/**
 * Writes a non-zero XOR inside the current window (prefix `reuse`) or a new one (prefix
 * `fresh`, then 5 bits of leading zeros and 6 of length), and moves the baseline to (hi, lo).
 */
function writeWindow(
  w: BitWriter, v: XorState, hi: number, lo: number, dhi: number, dlo: number,
  reuse: number, reuseBits: number, fresh: number, freshBits: number,
): void {
  let leading = dhi !== 0 ? Math.clz32(dhi) : 32 + Math.clz32(dlo);
  const trailing = dlo !== 0 ? 31 - Math.clz32(dlo & -dlo) : 32 + (31 - Math.clz32(dhi & -dhi));
  if (leading >= 32) leading = 31;
  if (v.leading === NO_WINDOW || leading < v.leading || trailing < v.trailing) {
    v.leading = leading;
    v.trailing = trailing;
    w.writeBits(fresh, freshBits);
    w.writeBits((leading << 6) | ((64 - leading - trailing) & 63), 11);
  } else {
    w.writeBits(reuse, reuseBits);
  }
  const l = v.leading;
  const t = v.trailing;
  if (t >= 32) {
    w.writeBits(dhi >>> (t - 32), 64 - l - t);
  } else {
    w.writeBits(dhi, 32 - l);
    w.writeBits(dlo >>> t, 32 - t);
  }
  v.hi = hi | 0;
  v.lo = lo | 0;
}

export class Xor2Appender implements Appender {
  private readonly w: BitWriter;
  private st = 0;
  private t = 0;
  private tDelta = 0;
  private stDiff = 0;
  private firstSTChangeOn = 0;
  /** The last non-stale value (the XOR baseline) and its window. */
  private readonly v = new XorState();

  constructor(w: BitWriter, from: Xor2Iterator | null) {
    this.w = w;
    this.v.reset(NO_WINDOW);
    if (from !== null) {
      this.st = from.st;
      this.t = from.t;
      this.tDelta = from.tDelta;
      this.stDiff = from.stDiff;
      this.firstSTChangeOn = from.firstSTChangeOn;
      this.v.copyFrom(from.base);
    }
  }

  append(t: Millis, v: number, st = 0): void {
    floatWords(v);
    this.appendBits(st, t, W.hi, W.lo);
  }

  appendStale(t: Millis, st = 0): void {
    this.appendBits(st, t, STALE_HI, STALE_LO);
  }

  /** Appends a sample with a start timestamp (0: none) and a value given by its exact bits. */
  appendBits(st: number, t: number, hi: number, lo: number): void {
    const w = this.w;
    const num = (w.buf[0]! << 8) | w.buf[1]!;
    const stale = isStaleWords(hi, lo);
    let tDelta = 0;
    if (num === 0) {
      writeVarint(w, t);
      w.writeBits(hi, 32);
      w.writeBits(lo, 32);
      if (st !== 0) {
        writeVarint(w, t - st);
        w.buf[ST_POS] = 0x80;
      }
      this.stDiff = 0;
    } else if (num === 1) {
      tDelta = t - this.t;
      intWords(tDelta);
      writeUvarintWords(w, W.hi, W.lo);
      writeValue(w, this.v, hi, lo);
      let stDiff = 0;
      if (st !== this.st) {
        stDiff = this.t - st;
        this.firstSTChangeOn = 1;
        w.buf[ST_POS]! |= 1;
        putVarbitInt(w, stDiff);
      }
      this.stDiff = stDiff;
    } else if (num === 0xffff) {
      throw new Error('chunk capacity exceeded');
    } else {
      tDelta = t - this.t;
      this.writeJoint(tDelta - this.tDelta, hi, lo, stale);
      if (this.firstSTChangeOn > 0) {
        const stDiff = this.t - st;
        putVarbitInt(w, stDiff - this.stDiff);
        this.stDiff = stDiff;
      } else if (st !== this.st || num === MAX_FIRST_ST_CHANGE_ON) {
        const stDiff = this.t - st;
        this.firstSTChangeOn = num;
        w.buf[ST_POS]! |= num;
        putVarbitInt(w, stDiff);
        this.stDiff = stDiff;
      } else {
        this.stDiff = 0;
      }
    }
    if (num === 0 && !stale) {
      this.v.hi = hi | 0;
      this.v.lo = lo | 0;
    }
    this.st = st;
    this.t = t;
    this.tDelta = tDelta;
    const n = num + 1;
    w.buf[0] = n >>> 8;
    w.buf[1] = n & 0xff;
  }

  private writeJoint(dod: number, hi: number, lo: number, stale: boolean): void {
    const w = this.w;
    const v = this.v;
    if (dod === 0) {
      if (stale) {
        w.writeBits(0b11111, 5);
        return;
      }
      const dhi = (hi ^ v.hi) | 0;
      const dlo = (lo ^ v.lo) | 0;
      if (dhi === 0 && dlo === 0) {
        w.writeBit(0);
        return;
      }
      w.writeBits(0b10, 2);
      writeWindow(w, v, hi, lo, dhi, dlo, 0, 1, 1, 1);
      return;
    }
    if (dod >= -4096 && dod <= 4095) {
      w.writeBits((0b110 << 13) | (dod & 0x1fff), 16);
    } else if (dod >= -524288 && dod <= 524287) {
      w.writeBits((0b1110 << 20) | (dod & 0xfffff), 24);
    } else {
      w.writeBits(0b11110, 5);
      intWords(dod);
      w.writeBits(W.hi, 32);
      w.writeBits(W.lo, 32);
    }
    writeValue(w, v, hi, lo);
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
}
