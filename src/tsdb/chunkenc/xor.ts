/**
 * XOR float chunks (encoding 1), bit for bit as Prometheus writes them:
 *
 *   num_samples u16 | t0 varint | v0 64 bits | t1-t0 uvarint | v1 xor | (dod varbit_ts | v xor)*
 *
 * Timestamp delta-of-deltas use Prometheus's buckets: "0" for 0, "10"+14 bits, "110"+17 bits,
 * "1110"+20 bits, "1111"+64 bits, where an n-bit bucket holds -(2^(n-1)-1) .. 2^(n-1).
 *
 * This file reads them; xor-chunk.ts writes them.
 */
import type { FloatHistogram, Histogram, Millis } from '../../model/index.js';
import { ValueType, type FloatColumns } from '../../storage/interface.js';
import { BitReader } from './bstream.js';
import type { ChunkIterator } from './chunk.js';
import type { XorChunk } from './xor-chunk.js';
import { XorState, xorRead } from './xor-value.js';
import { RunStop, XorRunSource, decodeXorRun } from './xor-run.js';
import {
  STALE_HI, STALE_LO, W, isStaleWords, readUvarintWords, readVarintWords,
  wordsFloat, wordsInt,
} from './words.js';

const HEADER = 2;

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
  /** @internal */
  readonly br: BitReader;
  // Initialisers keep V8 from boxing the time (a double) on every sample: see BitReader.
  /** @internal */
  numTotal = 0;
  /** @internal */
  numRead = 0;
  /** @internal */
  t = 0;
  /** @internal */
  tDelta = 0;
  /** The current value's bits and window. @internal */
  readonly v: XorState;
  private error: Error | null;
  /** The bytes were too short for a header (numTotal is 0; err() reports it). */
  private short = false;
  /** The head chunk read, whose storage may move while this reads it (see XorChunk.gen). */
  private src: XorChunk | null;
  private gen = 0;
  /** Where bulk reads find the bytes (attached at the first one after a reset or a move). */
  private run: XorRunSource | null;
  private copied = false;
  /** Where the chunk starts in the reader's bytes (see resetRange). @internal */
  base = 0;

  constructor(b: Uint8Array) {
    this.src = null;
    this.gen = 0;
    this.run = null;
    this.copied = false;
    this.base = 0;
    this.br = new BitReader(b, HEADER);
    this.numTotal = b.length >= HEADER ? (b[0]! << 8) | b[1]! : 0;
    this.numRead = 0;
    this.t = 0;
    this.tDelta = 0;
    this.v = new XorState();
    // Iterators are made over no bytes to be reset later: the error of a short chunk is made
    // when asked for (an Error records a stack, which costs microseconds).
    this.error = null;
    this.short = b.length < HEADER;
  }

  /** Reads `c`'s samples as they are now, following its storage when it moves. @internal */
  bind(c: XorChunk): void {
    const start = c.rawStart();
    this.resetRange(c.rawBuffer(), start, start + c.syncedLength());
    this.src = c;
    this.gen = c.gen;
  }

  /**
   * Follows a chunk whose storage moved (same leading bytes; the old buffer may be reused):
   * the reader's offsets shift with the chunk's start in the new buffer.
   */
  #follow(src: XorChunk): void {
    this.gen = src.gen;
    const start = src.rawStart();
    const d = start - this.base;
    const br = this.br;
    br.rebase(src.rawBuffer());
    br.off += d;
    br.end += d;
    this.base = start;
    this.copied = false;
  }

  reset(b: Uint8Array): void {
    this.resetRange(b, 0, b.length);
  }

  /**
   * Reads the chunk whose bytes are b[start, end), without a view of them: for readers that
   * hold many chunks in one buffer. The bytes must stay unmodified while this reads them.
   */
  resetRange(b: Uint8Array, start: number, end: number): void {
    this.src = null;
    this.copied = false;
    this.base = start;
    this.br.reset(b, start + HEADER, end);
    const len = end - start;
    this.numTotal = len >= HEADER ? (b[start]! << 8) | b[start + 1]! : 0;
    this.numRead = 0;
    this.t = 0;
    this.tDelta = 0;
    this.v.reset(0);
    this.error = null;
    this.short = len < HEADER;
  }

  bitPosition(): number {
    return this.br.bitPosition() - this.base * 8;
  }

  next(): ValueType {
    if (this.error !== null || this.numRead === this.numTotal) return ValueType.None;
    const src = this.src;
    // The chunk moved to new storage with the same leading bytes; the old may be reused.
    if (src !== null && src.gen !== this.gen) this.#follow(src);
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
    if (this.numRead === 0 && this.next() === ValueType.None) return ValueType.None;
    // Timestamps are integers: skipping every sample at or before t - 1 stops on the first >= t.
    return this.#decodeUntil(t - 1, null);
  }

  /**
   * SampleIterator.readFloats: decodes from the current sample on straight into `out`, the
   * time kept in locals (next() stores it in a field and every atT()/atF() call across the
   * iterator layers boxes a number). Same decoding and error handling as next().
   */
  readFloats(maxt: number, out: FloatColumns): ValueType {
    if (this.error !== null || this.numRead === 0) return ValueType.None;
    return this.#decodeUntil(maxt, out);
  }

  /**
   * From the current sample on, passes every sample with t <= maxt (appending the ones that
   * are not stale markers to `out`, when given) and stops on the first later one (Float) or
   * at the end (None).
   */
  #decodeUntil(maxt: number, out: FloatColumns | null): ValueType {
    const v = this.v;
    // The first two samples have encodings of their own: one at a time.
    while (this.numRead < 2) {
      if (this.t > maxt) return ValueType.Float;
      if (out !== null) {
        if (v.hi !== STALE_HI || v.lo !== STALE_LO) appendFloat(out, this.t, v.value);
        else out.staleT = this.t;
      }
      if (this.next() === ValueType.None) return ValueType.None;
    }
    if (this.t > maxt) return ValueType.Float;
    const src = this.src;
    if (src !== null && src.gen !== this.gen) this.#follow(src);
    const run = this.run ??= new XorRunSource();
    if (!this.copied) {
      // The bytes up to the reader's end are final once the iterator is reset (a head chunk
      // that moves keeps its leading bytes, and #follow attaches again), so this serves every
      // later run.
      run.attach(this.br.b, this.base, this.br.end);
      this.copied = true;
    }
    switch (decodeXorRun(this, run, maxt, out)) {
      case RunStop.Later: return ValueType.Float;
      case RunStop.End: return ValueType.None;
      case RunStop.BadWindow: return this.fail(new Error('invalid xor window'));
      case RunStop.Eof: return this.fail(new Error(EOF));
    }
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
    if (this.short && this.error === null) this.error = new Error('chunk too short');
    return this.error;
  }
}
