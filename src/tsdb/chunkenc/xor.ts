/**
 * XOR float chunks (encoding 1), bit for bit as Prometheus writes them:
 *
 *   num_samples u16 | t0 varint | v0 64 bits | t1-t0 uvarint | v1 xor | (dod varbit_ts | v xor)*
 *
 * Timestamp delta-of-deltas use Prometheus's buckets: "0" for 0, "10"+14 bits, "110"+17 bits,
 * "1110"+20 bits, "1111"+64 bits, where an n-bit bucket holds -(2^(n-1)-1) .. 2^(n-1).
 */
import type { FloatHistogram, Histogram, Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import { BitReader, BitWriter } from './bstream.js';
import { Encoding, wrongSampleType, type Appender, type Chunk, type ChunkIterator, type HistogramAppendResult } from './chunk.js';
import { NO_WINDOW, XorState, xorRead, xorWrite } from './xor-value.js';
import {
  STALE_HI, STALE_LO, W, floatWords, intWords, isStaleWords, readUvarintWords, readVarintWords,
  wordsFloat, wordsInt, writeUvarintWords, writeVarint,
} from './words.js';

const HEADER = 2;

export class XorChunk implements Chunk {
  readonly encoding = Encoding.XOR;
  /** The bytes read in place (from disk), or null once an appender made them writable. */
  private ro: Uint8Array | null;
  private w: BitWriter | null;

  private constructor(ro: Uint8Array | null, w: BitWriter | null) {
    this.ro = ro;
    this.w = w;
  }

  static empty(): XorChunk {
    return new XorChunk(null, BitWriter.withHeader(HEADER));
  }

  /** A chunk over encoded bytes, read in place. The caller must not modify them afterwards. */
  static fromBytes(b: Uint8Array): XorChunk {
    return new XorChunk(b, null);
  }

  bytes(): Uint8Array {
    return this.ro ?? this.w!.bytes();
  }

  numSamples(): number {
    const b = this.bytes();
    return (b[0]! << 8) | b[1]!;
  }

  appender(): XorAppender {
    if (this.numSamples() === 0) {
      if (this.w === null) {
        this.w = BitWriter.withHeader(HEADER);
        this.ro = null;
      }
      return new XorAppender(this.w, 0, 0, 0, 0, NO_WINDOW, 0);
    }
    // Resume with the state a writer would have after the existing samples. As in
    // Prometheus, the XOR window comes from the reader, which starts at 0/0 rather than
    // "none": if no value changed yet, the next change reuses a full 64-bit window.
    // The bytes then differ from appending in one go; they decode the same.
    const it = new XorIterator(this.bytes());
    while (it.next() !== ValueType.None) { /* to the end */ }
    const err = it.err();
    if (err !== null) throw new Error('reading chunk for appending', { cause: err });
    if (this.w === null) {
      const b = this.ro!;
      this.w = BitWriter.copyOf(b, b.length * 8 - it.bitPosition());
      this.ro = null;
    }
    const v = it.v;
    return new XorAppender(this.w, it.t, it.tDelta, v.hi, v.lo, v.leading, v.trailing);
  }

  iterator(reuse: SampleIterator | null): ChunkIterator {
    if (reuse instanceof XorIterator) {
      reuse.reset(this.bytes());
      return reuse;
    }
    return new XorIterator(this.bytes());
  }
}

export class XorAppender implements Appender {
  private readonly w: BitWriter;
  private t: number;
  private tDelta: number;
  private readonly v: XorState;

  constructor(w: BitWriter, t: number, tDelta: number, hi: number, lo: number, leading: number, trailing: number) {
    this.w = w;
    this.t = t;
    this.tDelta = tDelta;
    this.v = new XorState();
    this.v.hi = hi;
    this.v.lo = lo;
    this.v.leading = leading;
    this.v.trailing = trailing;
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
    const w = this.w;
    const num = (w.buf[0]! << 8) | w.buf[1]!;
    let tDelta = 0;
    if (num === 0) {
      writeVarint(w, t);
      w.writeBits(hi, 32);
      w.writeBits(lo, 32);
      this.v.hi = hi | 0;
      this.v.lo = lo | 0;
    } else if (num === 1) {
      tDelta = t - this.t;
      intWords(tDelta);
      writeUvarintWords(w, W.hi, W.lo);
      xorWrite(w, this.v, hi, lo);
    } else if (num === 0xffff) {
      throw new Error('chunk capacity exceeded');
    } else {
      tDelta = t - this.t;
      const dod = tDelta - this.tDelta;
      if (dod === 0) {
        w.writeBit(0);
      } else if (dod >= -8191 && dod <= 8192) {
        w.writeBits((0b10 << 14) | (dod & 0x3fff), 16);
      } else if (dod >= -65535 && dod <= 65536) {
        w.writeBits((0b110 << 17) | (dod & 0x1ffff), 20);
      } else if (dod >= -524287 && dod <= 524288) {
        w.writeBits((0b1110 << 20) | (dod & 0xfffff), 24);
      } else {
        w.writeBits(0b1111, 4);
        intWords(dod);
        w.writeBits(W.hi, 32);
        w.writeBits(W.lo, 32);
      }
      xorWrite(w, this.v, hi, lo);
    }
    this.t = t;
    this.tDelta = tDelta;
    const n = num + 1;
    w.buf[0] = n >>> 8;
    w.buf[1] = n & 0xff;
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

const EOF = 'EOF';
const DOD_WIDTHS = [0, 14, 17, 20, 64] as const;

export class XorIterator implements ChunkIterator {
  private readonly br: BitReader;
  private numTotal: number;
  private numRead: number;
  /** @internal */
  t: number;
  /** @internal */
  tDelta: number;
  /** The current value's bits and window. @internal */
  readonly v: XorState;
  private error: Error | null;

  constructor(b: Uint8Array) {
    this.br = new BitReader(b, HEADER);
    this.numTotal = b.length >= HEADER ? (b[0]! << 8) | b[1]! : 0;
    this.numRead = 0;
    this.t = 0;
    this.tDelta = 0;
    this.v = new XorState();
    this.error = b.length >= HEADER ? null : new Error('chunk too short');
  }

  reset(b: Uint8Array): void {
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
