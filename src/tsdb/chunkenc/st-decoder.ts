/**
 * Histogram chunks with start timestamps (encodings 5 and 6), which Prometheus 3.x writes with
 * its `histograms-st-encoding` feature, are the integer and float histogram chunks with two
 * changes:
 *
 *   byte 0 bits 7-6: counter reset header | byte 0 bits 5-0 + byte 1: 14-bit sample count
 *   | byte 2: ST header (bit 7: the first sample has an ST; bits 6-0: the sample index from
 *   which every sample carries an ST delta)
 *
 * and after each sample's own fields, its start timestamp: for the first sample (when the
 * header says it has one) `t - st` as a signed varint; from the change index on, `prevT - st`
 * as a varbit integer, after the change index itself as the difference to the previous one.
 *
 * HistogramChunk and FloatHistogramChunk read and write them (`withST`); this file holds the
 * header fields and the start timestamp encoder and decoder they run after each sample.
 */
import type { BitReader, BitWriter } from './bstream.js';
import type { CounterResetHeader, HistogramHeaderLayout } from './histogram-meta.js';
import { putVarbitInt, readVarbitInt } from './varbit.js';
import { W, readVarintWords, wordsInt, writeVarint } from './words.js';

/** The sample count's bits in the first two bytes of an ST histogram chunk. */
export const ST_SAMPLE_COUNT_MASK = 0x3fff;
const ST_HEADER_POS = 2;

/** The sample count of an ST histogram chunk. */
export function stNumSamplesOf(b: Uint8Array): number {
  return ((b[0]! << 8) | b[1]!) & ST_SAMPLE_COUNT_MASK;
}

/** The counter reset header of an ST histogram chunk (top bits of byte 0). */
export function stCounterResetHeader(b: Uint8Array): CounterResetHeader {
  return (b[0]! & 0xc0) as CounterResetHeader;
}

export function setSTCounterResetHeader(b: Uint8Array, h: CounterResetHeader): void {
  b[0] = (b[0]! & 0x3f) | h;
}

/** Stores the sample count, keeping the counter reset header in the top bits of byte 0. */
export function setSTNumSamples(b: Uint8Array, n: number): void {
  b[0] = (b[0]! & 0xc0) | ((n >>> 8) & 0x3f);
  b[1] = n & 0xff;
}

/** The header of encodings 5 and 6: only so many samples fit the 14-bit count. */
export const ST_LAYOUT: HistogramHeaderLayout = {
  numSamples: stNumSamplesOf,
  setNumSamples: setSTNumSamples,
  counterResetHeader: stCounterResetHeader,
  setCounterResetHeader: setSTCounterResetHeader,
  maxSamples: ST_SAMPLE_COUNT_MASK,
};

/** From this sample index on an ST delta is always written, so the 7-bit header stays valid. */
const MAX_FIRST_ST_CHANGE_ON = 0x7f;

/**
 * Writes the start timestamps after each sample of an ST histogram chunk, as Prometheus's
 * stEncoder: the first sample's as `t - st` (signed varint, when not 0), nothing while it
 * stays the same, then from the first change (or from sample 127 at the latest) `prevT - st`
 * as a varbit integer and after that its difference to the previous one.
 */
export class StEncoder {
  st = 0;
  stDiff = 0;
  firstSTChangeOn = 0;

  /** Continues a chunk that `d` read to its end. */
  resume(d: StDecoder): void {
    this.st = d.st;
    this.stDiff = d.stDiffNow;
    this.firstSTChangeOn = d.firstSTChangeOnNow;
  }

  /** After sample `num` (counting from 1) at `curT`, the previous one at `prevT`. */
  encode(w: BitWriter, num: number, curT: number, prevT: number, st: number): void {
    if (num === 1) {
      if (st !== 0) {
        writeVarint(w, curT - st);
        w.buf[ST_HEADER_POS] = 0x80;
      }
    } else if (num === 2) {
      if (st !== this.st) {
        const d = prevT - st;
        this.firstSTChangeOn = 1;
        w.buf[ST_HEADER_POS] = w.buf[ST_HEADER_POS]! | 1;
        putVarbitInt(w, d);
        this.stDiff = d;
      }
    } else if (this.firstSTChangeOn === 0) {
      if (st !== this.st || num - 1 === MAX_FIRST_ST_CHANGE_ON) {
        const d = prevT - st;
        this.firstSTChangeOn = num - 1;
        w.buf[ST_HEADER_POS] = w.buf[ST_HEADER_POS]! | (num - 1);
        putVarbitInt(w, d);
        this.stDiff = d;
      }
    } else {
      const d = prevT - st;
      putVarbitInt(w, d - this.stDiff);
      this.stDiff = d;
    }
    this.st = st;
  }
}

/** Reads the start timestamps that follow each sample of an ST histogram chunk. */
export class StDecoder {
  st = 0;
  private stDiff = 0;
  private firstSTKnown = false;
  private firstSTChangeOn = 0;

  /** The state an encoder continues from. */
  get stDiffNow(): number { return this.stDiff; }
  get firstSTChangeOnNow(): number { return this.firstSTChangeOn; }

  reset(b: Uint8Array): void {
    const h = b[ST_HEADER_POS] ?? 0;
    this.firstSTKnown = (h & 0x80) !== 0;
    this.firstSTChangeOn = h & 0x7f;
    this.st = 0;
    this.stDiff = 0;
  }

  /**
   * Reads the start timestamp of sample `numRead` (counting from 1, the sample just read at
   * `curT`, after one at `prevT`). False when the varint does not fit 64 bits; a read past the
   * end shows in `br.eof`.
   */
  decode(br: BitReader, numRead: number, curT: number, prevT: number): boolean {
    if (numRead === 1) {
      if (this.firstSTKnown) {
        if (!readVarintWords(br)) return false;
        this.stDiff = wordsInt(W.hi, W.lo);
        this.st = curT - this.stDiff;
      }
    } else if (numRead === 2) {
      if (this.firstSTChangeOn === 1) {
        this.stDiff = readVarbitInt(br);
        this.st = prevT - this.stDiff;
      }
    } else if (this.firstSTChangeOn > 0 && numRead - 1 >= this.firstSTChangeOn) {
      const d = readVarbitInt(br);
      if (numRead - 1 === this.firstSTChangeOn) this.stDiff = d;
      else this.stDiff += d;
      this.st = prevT - this.stDiff;
    }
    return true;
  }
}
