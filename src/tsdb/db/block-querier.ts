/**
 * A querier over one persisted block and a closed time range, as Prometheus's block querier:
 * series from the block's index, chunks overlapping the range, samples under tombstones or
 * outside the range skipped. `select` loads the chunks of every selected series before it
 * resolves (through the block's page cache), because iterating samples must never await.
 *
 * Label names and values come from the whole block, as in Prometheus.
 */
import { Labels, type Matcher, type Millis } from '../../model/index.js';
import type { LabelHints, Querier, QueryResult, SelectHints, Series, SeriesSet } from '../../storage/interface.js';
import type { Block, SelectOptions } from '../block/index.js';
import { SpanSeries } from './block-series.js';

export class ListSeriesSet implements SeriesSet {
  readonly #list: readonly Series[];
  #i = -1;

  constructor(list: readonly Series[]) {
    this.#list = list;
  }

  next(): boolean {
    if (this.#i < this.#list.length) this.#i++;
    return this.#i < this.#list.length;
  }

  at(): Series {
    return this.#list[this.#i]!;
  }

  err(): Error | null {
    return null;
  }

  warnings(): string[] {
    return [];
  }
}

/** Tracks readers of a block so that it is closed only when none is left. */
export interface BlockReadLease {
  readonly block: Block;
  release(): void;
}

export class BlockQuerier implements Querier {
  readonly #lease: BlockReadLease;
  readonly #mint: number;
  readonly #maxt: number;
  #closed = false;

  constructor(lease: BlockReadLease, mint: Millis, maxt: Millis) {
    this.#lease = lease;
    this.#mint = mint;
    this.#maxt = maxt;
  }

  async select(sortSeries: boolean, hints: SelectHints | null, matchers: readonly Matcher[], signal?: AbortSignal): Promise<SeriesSet> {
    const block = this.#lease.block;
    const opts: SelectOptions = { limit: hints?.limit ?? 0 };
    if (signal !== undefined) opts.signal = signal;
    if (hints?.latestOnly === true) opts.latest = hints.end;
    const out: SpanSeries[] = [];
    const budget = block.chunks.cacheBudget();
    for await (const batch of block.selectColumns(matchers, this.#mint, this.#maxt, opts)) {
      // The batch's chunks in one call, as byte ranges: the reader reads neighbouring chunks
      // together, and no object is made per chunk. Spans and metas share their indexes.
      const metas = batch.metas;
      const spans = await block.chunks.chunkSpansAt(metas.ref.subarray(0, metas.n), budget);
      for (let i = 0; i < batch.refs.length; i++) {
        out.push(new SpanSeries(batch.labels[i]!, { spans, maxts: metas.maxt, from: batch.from[i]!, to: batch.from[i + 1]!, intervals: batch.intervals[i]! }));
      }
    }
    // The index orders series by UTF-8 bytes; the merge wants `Labels.compare` (UTF-16 code
    // units). They differ only for rare characters, and sorting a sorted list is linear.
    if (sortSeries) out.sort((a, b) => Labels.compare(a.labels, b.labels));
    return new ListSeriesSet(out);
  }

  async labelValues(name: string, hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    const value = await this.#lease.block.labelValues(name, matchers, hints?.limit ?? 0);
    return { value, warnings: [] };
  }

  async labelNames(hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    const names = await this.#lease.block.labelNames(matchers);
    const limit = hints?.limit ?? 0;
    // Copied: without matchers the block hands out its index's own list.
    return { value: limit > 0 ? names.slice(0, limit) : names.slice(), warnings: [] };
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#lease.release();
    }
    return Promise.resolve();
  }
}
