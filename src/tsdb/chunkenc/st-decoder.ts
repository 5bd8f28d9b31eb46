/**
 * Start timestamps in histogram chunks with start timestamps (encodings 5 and 6; see
 * histogram-st.ts for the layout): the header fields and the decoder run after each sample.
 */
import type { BitReader } from './bstream.js';
import type { CounterResetHeader } from './histogram-meta.js';
import { readVarbitInt } from './varbit.js';
import { W, readVarintWords, wordsInt } from './words.js';

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

/** Reads the start timestamps that follow each sample of an ST histogram chunk. */
export class StDecoder {
  st = 0;
  private stDiff = 0;
  private firstSTKnown = false;
  private firstSTChangeOn = 0;

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
