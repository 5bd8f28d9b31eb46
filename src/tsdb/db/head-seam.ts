/**
 * What the DB needs from the head (`tsdb/head`): the storage seams for the newest data, its
 * time range, the data of a range as a block source, truncation after that range became a
 * block, deletion, its size on disk and its statistics. The DB opens the head through
 * `DBOptions.openHead` after loading blocks, passing the newest block's maxTime as the
 * lowest time the head accepts.
 */
import type { FloatChunkEncoding } from '../head/index.js';
import { Matcher, type Millis } from '../../model/index.js';
import type { Appendable, ExemplarQueryable, Queryable, SampleIterator } from '../../storage/interface.js';
import type { SeriesToWrite } from '../block/index.js';
import { compareLabelsUtf8 } from '../index/index.js';
import { compareUtf8 } from '../../util/utf8-order.js';
import type { BlockSource } from './compactor.js';
import { encodeChunks } from './chunk-encoder.js';

export interface NameValue {
  name: string;
  value: number;
}

/** Head statistics for `/api/v1/status/tsdb`, as the head reports them. */
export interface HeadStatsShape {
  numSeries: number;
  numLabelPairs: number;
  chunkCount: number | null;
  minTime: number | null;
  maxTime: number | null;
  seriesCountByMetricName: NameValue[];
  labelValueCountByLabelName: NameValue[];
  memoryInBytesByLabelName: NameValue[];
  seriesCountByLabelValuePair: NameValue[];
}

/** WAL replay progress in segments. */
export interface ReplayProgress {
  min: number;
  max: number;
  current: number;
}

export interface DBHead extends Appendable, Queryable, ExemplarQueryable {
  /** Oldest sample time in the head; +Infinity when it holds none. */
  minTime(): number;
  /** Newest sample time in the head; -Infinity when it holds none. */
  maxTime(): number;
  /** The samples of [mint, maxt] (ms, inclusive) as a block source, series in index order. */
  blockSource(mint: number, maxt: number): BlockSource;
  /** Drops the in-memory samples before `mint` (they are in a block now). */
  truncateMemory(mint: number): Promise<void>;
  /** Checkpoints and drops WAL segments holding only samples before `mint`. */
  truncateWAL(mint: number): Promise<void>;
  /** Tombstones the matching series' samples in [mint, maxt]. */
  delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void>;
  /** Bytes of the WAL and head chunk files (counted by size-based retention). */
  size(): number | Promise<number>;
  /** Statistics with top lists of `limit` entries (optional). */
  stats?(limit: number): HeadStatsShape;
  /** WAL replay progress (optional). */
  replayStatus?(): ReplayProgress;
  /** Flushes and closes (WAL synced, chunk files closed). */
  close(): Promise<void>;
  /**
   * Out-of-order compaction (optional; heads without out-of-order data leave it out): the
   * out-of-order data as block sources, then dropped from the head (see OOOCompactionSeam).
   */
  prepareOOOCompaction?(): Promise<OOOCompactionSeam | null>;
  /** Changes the out-of-order time window (ms, 0: off), starting the WBL if needed (optional). */
  setOutOfOrderTimeWindow?(ms: number): Promise<void>;
  /** Changes the exemplar storage's capacity, keeping the newest exemplars (optional). */
  setMaxExemplars?(n: number): void;
  /** Changes the encoding of float chunks cut from now on (optional). */
  setFloatChunkEncoding?(e: FloatChunkEncoding): void;
  /** Stale series compaction (optional; see stale-compaction.ts). */
  staleSeries?: StaleSeriesSeam;
}

/** What a stale series compaction needs from the head. */
export interface StaleSeriesSeam {
  /** Series in the head, and how many of them are stale. */
  counts(): { series: number; stale: number };
  /** Refs of the stale series without out-of-order data, in ref order. */
  refs(): number[];
  /** The samples of `refs` in [mint, maxt] (inclusive) as a block source. */
  blockSource(refs: ReadonlySet<number>, mint: number, maxt: number): BlockSource;
  /** Deletes those of `refs` still stale and not newer than `maxt`, logging it to the WAL; resolves to how many. */
  delete(refs: readonly number[], maxt: number): Promise<number>;
}

/** One out-of-order compaction: what it covers, its block sources, and the head's truncation after. */
export interface OOOCompactionSeam {
  /** Time range (ms, inclusive) of the out-of-order data it holds. */
  mint: number;
  maxt: number;
  /** The out-of-order samples of [mint, maxt] (inclusive) as a block source. */
  blockSource(mint: number, maxt: number): BlockSource;
  /** Drops what the written blocks hold from the head (and its WBL). */
  done(): Promise<void>;
}

export interface OpenHeadOptions {
  dir: string;
  /** Samples before this are rejected and skipped at replay (newest block's maxTime). */
  minValidTime: number;
  chunkRange: number;
  /** Encoding of new float chunks. */
  floatChunkEncoding: FloatChunkEncoding;
  /** Store start timestamps (`st-storage`; the float encoding is then 'xor2'). */
  enableSTStorage: boolean;
}

export type OpenHead = (o: OpenHeadOptions) => Promise<DBHead>;

const ALL_SERIES = [new Matcher('=~', '__name__', '.+')];

/**
 * A block source read from any `Queryable` over [mint, maxt]: every named series, samples
 * re-encoded into chunks. For heads that offer nothing better and for tests; everything is
 * held in memory until written.
 */
export async function queryableBlockSource(q: Queryable, mint: number, maxt: number): Promise<BlockSource> {
  const querier = await q.querier(mint as Millis, maxt as Millis);
  const series: SeriesToWrite[] = [];
  const symbols = new Set<string>();
  try {
    const set = await querier.select(false, null, ALL_SERIES);
    let it: SampleIterator | null = null;
    while (set.next()) {
      const s = set.at();
      it = s.iterator(it);
      const chunks: SeriesToWrite['chunks'] = [];
      encodeChunks(it, chunks);
      if (chunks.length === 0) continue;
      series.push({ labels: s.labels, chunks });
      for (let i = 0; i < s.labels.length; i++) {
        symbols.add(s.labels.nameAt(i));
        symbols.add(s.labels.valueAt(i));
      }
    }
    const e = set.err();
    if (e !== null) throw e;
  } finally {
    await querier.close();
  }
  series.sort((a, b) => compareLabelsUtf8(a.labels, b.labels));
  return { symbols: [...symbols].sort(compareUtf8), series };
}
