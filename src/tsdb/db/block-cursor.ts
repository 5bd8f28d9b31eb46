/**
 * Reading every series of a block in index order (Prometheus's label order with byte-wise
 * strings), with its chunk metas and tombstones, for compaction. Series are decoded in
 * prefetched batches, so memory stays bounded by a batch whatever the block's size.
 */
import type { Labels } from '../../model/index.js';
import type { Block } from '../block/index.js';
import { postingsToUint32Array, type ChunkMeta } from '../index/index.js';
import type { Interval } from '../tombstones/index.js';

const BATCH = 256;

export class BlockCursor {
  readonly block: Block;
  #refs: Uint32Array = new Uint32Array(0);
  #i = -1;
  #prefetched = 0;
  labels: Labels | null = null;
  ref = 0;
  readonly chunks: ChunkMeta[] = [];
  intervals: readonly Interval[] = [];

  constructor(block: Block) {
    this.block = block;
  }

  async init(): Promise<void> {
    this.#refs = postingsToUint32Array(await this.block.index.allPostings());
  }

  /** Moves to the next series; false at the end. */
  async next(): Promise<boolean> {
    this.#i++;
    if (this.#i >= this.#refs.length) {
      this.labels = null;
      return false;
    }
    const ix = this.block.index;
    if (this.#i >= this.#prefetched) {
      this.#prefetched = await ix.prefetchSeries(this.#refs, this.#i, Math.min(this.#refs.length, this.#i + BATCH));
    }
    const ref = this.#refs[this.#i]!;
    this.ref = ref;
    this.labels = ix.seriesSync(ref, this.chunks) ?? (await ix.series(ref, this.chunks));
    this.intervals = this.block.tombstones.get(ref);
    return true;
  }
}
