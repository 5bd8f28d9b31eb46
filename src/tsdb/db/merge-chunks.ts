/**
 * The chunks of one series in a new block, from its chunks in one or more source blocks, as
 * Prometheus's compacting chunk merger builds them:
 * - chunks outside the new block's range, or wholly deleted by tombstones, are dropped;
 * - chunks partly deleted or reaching outside the range are re-encoded without those samples;
 * - time-overlapping chunks (vertical compaction) are merged sample by sample, one sample
 *   kept per timestamp, and re-encoded; byte-identical duplicates are dropped without decoding;
 * - every other chunk is copied as it is, bytes untouched.
 */
import { addInterval, type Interval } from '../tombstones/index.js';
import { Encoding, type Chunk } from '../chunkenc/index.js';
import type { ChunkToWrite } from '../block/index.js';
import type { SampleIterator } from '../../storage/interface.js';
import { ChainSampleIterator } from '../../storage/merge/index.js';
import { BlockSeriesIterator } from './block-series.js';
import { encodeChunks } from './chunk-encoder.js';

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/** A chunk of a source series with the intervals deleted from that series. */
export interface SourceChunk {
  mint: number;
  maxt: number;
  chunk: Chunk;
  intervals: readonly Interval[];
}

function overlapsAny(mint: number, maxt: number, ivs: readonly Interval[]): boolean {
  for (const iv of ivs) if (iv.mint <= maxt && mint <= iv.maxt) return true;
  return false;
}

function whollyDeleted(mint: number, maxt: number, ivs: readonly Interval[]): boolean {
  for (const iv of ivs) if (iv.mint <= mint && maxt <= iv.maxt) return true;
  return false;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a source chunk must be dropped before reading its bytes. */
export function chunkSkipped(mint: number, maxt: number, ivs: readonly Interval[], rangeMint: number, rangeMaxt: number): boolean {
  return maxt < rangeMint || mint > rangeMaxt || whollyDeleted(mint, maxt, ivs);
}

/** Reusable state for merging; one per compaction. */
export class ChunkMerger {
  readonly #single = new BlockSeriesIterator();
  readonly #chain = new ChainSampleIterator();
  /** Chunks re-encoded or merged in this compaction (for tests and logs). */
  reencoded = 0;
  /** Encoding of re-encoded float chunks (XOR or XOR2, `storage.tsdb.chunk_encoding.floats`). */
  readonly #floatEncoding: number;

  constructor(floatEncoding: number = Encoding.XOR) {
    this.#floatEncoding = floatEncoding;
  }

  /**
   * The new block's chunks for one series, in time order, from `src` (chunks of all source
   * blocks, any order) limited to [rangeMint, rangeMaxt].
   */
  merge(src: SourceChunk[], rangeMint: number, rangeMaxt: number): ChunkToWrite[] {
    // First trim each source chunk to what survives on its own.
    const pieces: ChunkToWrite[] = [];
    for (const c of src) {
      if (chunkSkipped(c.mint, c.maxt, c.intervals, rangeMint, rangeMaxt)) continue;
      let ivs = c.intervals;
      if (c.mint < rangeMint) ivs = addInterval(ivs, { mint: MIN_INT64, maxt: rangeMint - 1 });
      if (c.maxt > rangeMaxt) ivs = addInterval(ivs, { mint: rangeMaxt + 1, maxt: MAX_INT64 });
      if (!overlapsAny(c.mint, c.maxt, ivs)) {
        pieces.push({ mint: c.mint, maxt: c.maxt, chunk: c.chunk, ref: 0 });
        continue;
      }
      this.reencoded++;
      encodeChunks(this.#single.reset({ chunks: [c.chunk], maxts: [c.maxt], intervals: ivs }), pieces, this.#floatEncoding);
    }
    if (pieces.length <= 1) return pieces;
    pieces.sort((a, b) => a.mint - b.mint || a.maxt - b.maxt);
    // Then merge runs of overlapping chunks.
    const out: ChunkToWrite[] = [];
    let i = 0;
    while (i < pieces.length) {
      const first = pieces[i]!;
      let runMaxt = first.maxt;
      const run: ChunkToWrite[] = [first];
      let prev = first;
      let j = i + 1;
      for (; j < pieces.length && pieces[j]!.mint <= runMaxt; j++) {
        const next = pieces[j]!;
        if (next.mint === prev.mint && next.maxt === prev.maxt && next.chunk.encoding === prev.chunk.encoding && bytesEqual(next.chunk.bytes(), prev.chunk.bytes())) continue;
        run.push(next);
        prev = next;
        if (next.maxt > runMaxt) runMaxt = next.maxt;
      }
      i = j;
      if (run.length === 1) {
        out.push(first);
        continue;
      }
      this.reencoded += run.length;
      const its: SampleIterator[] = [];
      for (const c of run) its.push(c.chunk.iterator(null));
      encodeChunks(this.#chain.reset(its), out, this.#floatEncoding);
    }
    return out;
  }
}
