/**
 * The real head (`tsdb/head`) seen through the DB's head seam: empty-head times as
 * ±Infinity instead of NaN, inclusive block ranges, its disk size (WAL and head chunks), and
 * its statistics and replay status for the status API.
 */
import { join } from 'node:path';
import type { Matcher, Millis } from '../../model/index.js';
import type { Appender, ExemplarQueryResult, Querier } from '../../storage/interface.js';
import { CHUNKS_HEAD_DIRNAME, Head, WAL_DIRNAME, WBL_DIRNAME, type FloatChunkEncoding, type HeadOptions, type HeadStats, type ReplayStatus } from '../head/index.js';
import type { BlockSource } from './compactor.js';
import { dirSize } from './dirs.js';
import type { DBHead, OOOCompactionSeam, OpenHead, StaleSeriesSeam } from './head-seam.js';

export class TSDBHead implements DBHead {
  readonly head: Head;
  readonly #dir: string;

  constructor(head: Head, dir: string) {
    this.head = head;
    this.#dir = dir;
  }

  appender(): Appender {
    return this.head.appender();
  }

  querier(mint: Millis, maxt: Millis): Promise<Querier> {
    return this.head.querier(mint, maxt);
  }

  exemplars(mint: Millis, maxt: Millis, matcherSets: readonly (readonly Matcher[])[]): Promise<ExemplarQueryResult[]> {
    return this.head.exemplars(mint, maxt, matcherSets);
  }

  minTime(): number {
    const t = this.head.minTime;
    return Number.isNaN(t) ? Infinity : t;
  }

  maxTime(): number {
    const t = this.head.maxTime;
    return Number.isNaN(t) ? -Infinity : t;
  }

  blockSource(mint: number, maxt: number): BlockSource {
    return this.head.chunksForBlock(mint, maxt + 1);
  }

  readonly staleSeries: StaleSeriesSeam = {
    counts: () => ({ series: this.head.numSeries, stale: this.head.numStaleSeries() }),
    refs: () => this.head.staleSeriesRefs(),
    blockSource: (refs, mint, maxt) => this.head.seriesChunksForBlock(refs, mint, maxt + 1),
    delete: (refs, maxt) => this.head.deleteStaleSeries(refs, maxt),
  };

  async truncateMemory(mint: number): Promise<void> {
    await this.head.truncateMemory(mint);
  }

  truncateWAL(mint: number): Promise<void> {
    return this.head.truncateWAL(mint);
  }

  delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    return this.head.delete(mint, maxt, matchers);
  }

  async size(): Promise<number> {
    let n = 0;
    for (const d of [WAL_DIRNAME, WBL_DIRNAME, CHUNKS_HEAD_DIRNAME]) n += await dirSize(join(this.#dir, d));
    return n;
  }

  stats(limit: number): HeadStats {
    return this.head.stats(limit);
  }

  replayStatus(): ReplayStatus {
    return this.head.replayStatus();
  }

  close(): Promise<void> {
    return this.head.close();
  }

  setFloatChunkEncoding(e: FloatChunkEncoding): void {
    this.head.setFloatChunkEncoding(e);
  }

  setMaxExemplars(n: number): void {
    this.head.setMaxExemplars(n);
  }

  setOutOfOrderTimeWindow(ms: number): Promise<void> {
    return this.head.setOutOfOrderTimeWindow(ms);
  }

  async prepareOOOCompaction(): Promise<OOOCompactionSeam | null> {
    const c = await this.head.prepareOOOCompaction();
    if (c === null) return null;
    return {
      mint: c.mint,
      maxt: c.maxt,
      blockSource: (mint, maxt) => this.head.oooChunksForBlock(mint, maxt + 1, c),
      done: () => this.head.truncateOOO(c),
    };
  }
}

/** `DBOptions.openHead` for the real head, with its other options (WAL compression, segment size, ...). */
export function openTSDBHead(o: Omit<HeadOptions, 'minValidTime' | 'chunkRange' | 'floatChunkEncoding' | 'enableSTStorage'> = {}): OpenHead {
  return async ({ dir, minValidTime, chunkRange, floatChunkEncoding, enableSTStorage }) => {
    const opts: HeadOptions = { ...o, chunkRange, floatChunkEncoding, enableSTStorage };
    if (Number.isFinite(minValidTime)) opts.minValidTime = minValidTime;
    return new TSDBHead(await Head.open(dir, opts), dir);
  };
}
