/**
 * Reading XOR2 float chunks (the format is described in xor2.ts, which writes them). The
 * appender of a chunk being resumed reads its running state from an iterator that went to
 * the end.
 */
import type { FloatHistogram, Histogram, Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { BitReader } from './bstream.js';
import type { ChunkIterator } from './chunk.js';
import { readVarbitInt } from './varbit.js';
import { XorState } from './xor-value.js';
import { STALE_HI, STALE_LO, W, isStaleWords, readUvarintWords, readVarintWords, wordsFloat, wordsInt } from './words.js';

/** Bytes before the first sample: the sample count (u16) and the ST header byte. */
export const HEADER = 3;
/** Where the ST header byte is. */
export const ST_POS = 2;

export class Xor2Iterator implements ChunkIterator {
  private readonly br: BitReader;
  private numTotal = 0;
  private numRead = 0;
  private firstSTKnown = false;
  private error: Error | null = null;
  // Running state. @internal (read when resuming an appender)
  firstSTChangeOn = 0;
  st = 0;
  t = 0;
  tDelta = 0;
  stDiff = 0;
  /** The last non-stale value and its window: the XOR baseline. */
  readonly base = new XorState();
  /** The current value's bits (the stale marker or the baseline). */
  private hi = 0;
  private lo = 0;
  private value = 0;

  constructor(b: Uint8Array) {
    this.br = new BitReader(b, HEADER);
    this.reset(b);
  }

  reset(b: Uint8Array): void {
    this.br.reset(b, HEADER);
    this.numRead = 0;
    this.st = 0;
    this.t = 0;
    this.tDelta = 0;
    this.stDiff = 0;
    this.base.reset(0);
    this.hi = 0;
    this.lo = 0;
    this.value = 0;
    if (b.length < HEADER) {
      this.numTotal = 0;
      this.error = new Error('chunk too short');
      return;
    }
    this.numTotal = (b[0]! << 8) | b[1]!;
    this.firstSTKnown = (b[ST_POS]! & 0x80) !== 0;
    this.firstSTChangeOn = b[ST_POS]! & 0x7f;
    this.error = null;
  }

  bitPosition(): number {
    return this.br.bitPosition();
  }

  next(): ValueType {
    if (this.error !== null || this.numRead === this.numTotal) return ValueType.None;
    const br = this.br;
    const prevT = this.t;
    const n = this.numRead;
    if (n === 0) {
      if (!readVarintWords(br)) return this.fail(new Error('varint overflows a 64-bit integer'));
      this.t = wordsInt(W.hi, W.lo);
      const hi = br.readBits(32) | 0;
      const lo = br.readBits(32) | 0;
      this.setValue(hi, lo);
      if (!isStaleWords(hi, lo)) this.setBase(hi, lo);
      if (this.firstSTKnown) {
        if (!readVarintWords(br)) return this.fail(new Error('varint overflows a 64-bit integer'));
        this.st = this.t - wordsInt(W.hi, W.lo);
      }
    } else if (n === 1) {
      if (!readUvarintWords(br)) return this.fail(new Error('varint overflows a 64-bit integer'));
      this.tDelta = wordsInt(W.hi, W.lo);
      this.t += this.tDelta;
      if (!this.readValue()) return this.fail(new Error('invalid xor window'));
      if (this.firstSTChangeOn === 1) {
        this.stDiff = readVarbitInt(br);
        this.st = prevT - this.stDiff;
      }
    } else {
      let ones = 0;
      const valid = br.valid;
      if (valid > 0 && ((br.cur >>> (valid - 1)) & 1) === 0) br.valid = valid - 1; // "0", the common case
      else while (ones < 5 && br.readBit() === 1) ones++;
      switch (ones) {
        case 0:
          this.t += this.tDelta;
          this.setValue(this.base.hi, this.base.lo);
          break;
        case 1:
          this.t += this.tDelta;
          if (!this.readWindow(br.readBit() === 0)) return this.fail(new Error('invalid xor window'));
          break;
        case 5:
          this.t += this.tDelta;
          this.setValue(STALE_HI, STALE_LO);
          break;
        default: {
          let dod: number;
          if (ones === 4) {
            const hi = br.readBits(32);
            dod = wordsInt(hi, br.readBits(32));
          } else {
            const width = ones === 2 ? 13 : 20;
            dod = br.readBits(width);
            if (dod >= 2 ** (width - 1)) dod -= 2 ** width;
          }
          this.tDelta += dod;
          this.t += this.tDelta;
          if (!this.readValue()) return this.fail(new Error('invalid xor window'));
        }
      }
      if (this.firstSTChangeOn > 0 && n >= this.firstSTChangeOn) {
        const sdod = readVarbitInt(br);
        this.stDiff = n === this.firstSTChangeOn ? sdod : this.stDiff + sdod;
        this.st = prevT - this.stDiff;
      }
    }
    if (br.eof) return this.fail(new Error('EOF'));
    this.numRead++;
    return ValueType.Float;
  }

  /** "0" same as the baseline, "10" reuse window, "110" new window, "111" stale. */
  private readValue(): boolean {
    const br = this.br;
    if (br.readBit() === 0) {
      this.setValue(this.base.hi, this.base.lo);
      return true;
    }
    if (br.readBit() === 0) return this.readWindow(true);
    if (br.readBit() === 0) return this.readWindow(false);
    this.setValue(STALE_HI, STALE_LO);
    return true;
  }

  /** Reads XOR bits in the current window or a new one; the result becomes the baseline. */
  private readWindow(reuse: boolean): boolean {
    const br = this.br;
    const b = this.base;
    if (!reuse) {
      const leading = br.readBits(5);
      let sig = br.readBits(6);
      if (sig === 0) sig = 64;
      if (leading + sig > 64) return false;
      b.leading = leading;
      b.trailing = 64 - leading - sig;
    }
    const l = b.leading;
    const t = b.trailing;
    let hi = b.hi;
    let lo = b.lo;
    if (t >= 32) {
      hi ^= br.readBits(64 - l - t) << (t - 32);
    } else {
      hi ^= br.readBits(32 - l);
      lo ^= br.readBits(32 - t) << t;
    }
    this.setBase(hi | 0, lo | 0);
    this.setValue(hi | 0, lo | 0);
    return true;
  }

  private setBase(hi: number, lo: number): void {
    this.base.hi = hi;
    this.base.lo = lo;
  }

  private setValue(hi: number, lo: number): void {
    if (hi === this.hi && lo === this.lo) return;
    this.hi = hi;
    this.lo = lo;
    this.value = wordsFloat(hi, lo);
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

  /** The current sample's start timestamp in ms (0 when the chunk carries none). */
  atST(): number {
    return this.st;
  }

  atF(): number {
    return this.value;
  }

  atStale(): boolean {
    return isStaleWords(this.hi, this.lo);
  }

  atBitsHi(): number {
    return this.hi;
  }

  atBitsLo(): number {
    return this.lo;
  }

  atHistogram(): Histogram {
    throw new Error('cannot call Xor2Iterator.atHistogram');
  }

  atFloatHistogram(): FloatHistogram {
    throw new Error('cannot call Xor2Iterator.atFloatHistogram');
  }

  err(): Error | null {
    return this.error;
  }
}
