/**
 * A persisted block: `meta.json`, `index`, `chunks/` and `tombstones` in one directory,
 * opened read-only. `select` resolves matchers to postings and returns the matching
 * series with the chunk metas that overlap the requested range and are not wholly deleted,
 * as Prometheus's block querier does; the caller reads chunk data through `chunks`.
 *
 * Safe for concurrent queries. Close it only once no query is running.
 */
import { join } from 'node:path';
import type { Labels, Matcher } from '../../model/index.js';
import {
  ChunkMetaColumns, IndexReader, compareUtf8, postingsForMatchers, postingsToUint32Array,
  type ChunkMeta, type IndexReaderOptions, type Postings,
} from '../index/index.js';
import {
  MemTombstones, addInterval, readTombstonesFile, writeTombstonesFile, type Interval, type TombstoneReader,
} from '../tombstones/index.js';
import { readMetaFile, writeMetaFile, type BlockMeta } from './meta.js';
import type { ChunkReader, OpenChunkReader } from './chunk-seam.js';
import { ChunkReader as SegmentChunkReader } from '../chunks/index.js';

export const INDEX_FILENAME = 'index';
export const CHUNKS_DIRNAME = 'chunks';

/** Prometheus's ±int64 bounds of the trim intervals, as floats. */
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

export interface OpenBlockOptions {
  /** Opens the block's chunk reader (default: the chunk files component's `ChunkReader`). */
  openChunks?: OpenChunkReader;
  index?: IndexReaderOptions;
}

/** One series selected from a block. Owned by the caller. */
export interface BlockSeries {
  /** The series ref in this block's index. */
  ref: number;
  labels: Labels;
  /** Chunks overlapping the selected range and not wholly deleted, in time order. */
  chunks: ChunkMeta[];
  /**
   * Times whose samples must be dropped when iterating: the series' tombstones, plus
   * [-2^63, mint-1] and [maxt+1, 2^63] when a chunk reaches outside the selected range.
   */
  intervals: readonly Interval[];
}

export interface SelectOptions {
  signal?: AbortSignal;
  /** Stop after this many series (0: no limit). */
  limit?: number;
  /**
   * Only each series' latest sample at or before this time is wanted (SelectHints.latestOnly):
   * chunks before the last one starting at or before it are left out, unless the series has
   * tombstones.
   */
  latest?: number;
}

/**
 * One batch of `selectColumns`: series i (ref refs[i], labels labels[i]) has the chunk metas
 * [from[i], from[i + 1]) of `metas` and the deleted intervals intervals[i] (as in BlockSeries).
 * Owned by the caller.
 */
export interface BlockSeriesBatch {
  refs: number[];
  labels: Labels[];
  from: number[];
  metas: ChunkMetaColumns;
  intervals: (readonly Interval[])[];
}

/** Series decoded per prefetch batch in `select`. */
const BATCH = 512;

export class Block {
  readonly dir: string;
  readonly index: IndexReader;
  readonly chunks: ChunkReader;
  #meta: BlockMeta;
  #metaSize: number;
  #tombstones: MemTombstones;
  #tombstonesSize: number;

  private constructor(dir: string, meta: BlockMeta, metaSize: number, index: IndexReader, chunks: ChunkReader, tombstones: MemTombstones, tombstonesSize: number) {
    this.dir = dir;
    this.#meta = meta;
    this.#metaSize = metaSize;
    this.index = index;
    this.chunks = chunks;
    this.#tombstones = tombstones;
    this.#tombstonesSize = tombstonesSize;
  }

  static async open(dir: string, opts: OpenBlockOptions = {}): Promise<Block> {
    const { meta, size } = await readMetaFile(dir);
    const openChunks = opts.openChunks ?? ((d: string) => SegmentChunkReader.open(d));
    const chunks = await openChunks(join(dir, CHUNKS_DIRNAME));
    let index: IndexReader | null = null;
    try {
      index = await IndexReader.open(join(dir, INDEX_FILENAME), opts.index ?? {});
      const t = await readTombstonesFile(dir);
      return new Block(dir, meta, size, index, chunks, t.tombstones, t.size);
    } catch (e) {
      await index?.close();
      await chunks.close();
      throw e;
    }
  }

  /** The block's meta.json (replaced, not mutated, by `delete`). Do not modify. */
  get meta(): BlockMeta {
    return this.#meta;
  }

  /** The block's tombstones. Do not modify; use `delete`. */
  get tombstones(): TombstoneReader {
    return this.#tombstones;
  }

  get ulid(): string {
    return this.#meta.ulid;
  }

  /** Bytes on disk: index, chunks, tombstones and meta. */
  size(): number {
    return this.index.size + this.chunks.size() + this.#tombstonesSize + this.#metaSize;
  }

  /** Whether the block's range [minTime, maxTime) meets the closed range [mint, maxt]. */
  overlaps(mint: number, maxt: number): boolean {
    return this.#meta.minTime <= maxt && mint < this.#meta.maxTime;
  }

  /** Refs of the series all matchers select. */
  postings(matchers: readonly Matcher[], signal?: AbortSignal): Promise<Postings> {
    return postingsForMatchers(this.index, matchers, signal);
  }

  /**
   * Series matching all matchers that have data in [mint, maxt] (ms, inclusive), in label
   * order, with their chunk metas in that range.
   */
  async select(matchers: readonly Matcher[], mint: number, maxt: number, opts: SelectOptions = {}): Promise<BlockSeries[]> {
    const out: BlockSeries[] = [];
    for await (const batch of this.selectBatches(matchers, mint, maxt, opts)) {
      for (const s of batch) out.push(s);
    }
    return out;
  }

  /**
   * `select` in batches of up to a few hundred series, in label order, so that a caller can
   * stream a large selection with bounded memory. Each batch is a fresh array.
   */
  async *selectBatches(matchers: readonly Matcher[], mint: number, maxt: number, opts: SelectOptions = {}): AsyncGenerator<BlockSeries[]> {
    const refs = postingsToUint32Array(await this.postings(matchers, opts.signal));
    const limit = opts.limit ?? 0;
    const latest = opts.latest ?? -Infinity;
    const ix = this.index;
    const chks: ChunkMeta[] = [];
    let n = 0;
    let i = 0;
    while (i < refs.length) {
      opts.signal?.throwIfAborted();
      const upTo = await ix.prefetchSeries(refs, i, Math.min(refs.length, i + BATCH));
      const batch: BlockSeries[] = [];
      for (; i < upTo; i++) {
        const ref = refs[i]!;
        const labels = ix.seriesSync(ref, chks) ?? (await ix.series(ref, chks));
        const s = this.#filter(ref, labels, chks, mint, maxt, latest);
        if (s === null) continue;
        batch.push(s);
        if (limit > 0 && ++n >= limit) break;
      }
      if (batch.length > 0) yield batch;
      if (limit > 0 && n >= limit) return;
    }
  }

  /**
   * `selectBatches` in columns: the kept chunk metas of a batch's series in one
   * ChunkMetaColumns, no object per chunk; series without tombstones share the intervals
   * that trim chunks reaching outside [mint, maxt].
   */
  async *selectColumns(matchers: readonly Matcher[], mint: number, maxt: number, opts: SelectOptions = {}): AsyncGenerator<BlockSeriesBatch> {
    const refs = postingsToUint32Array(await this.postings(matchers, opts.signal));
    const limit = opts.limit ?? 0;
    const latest = opts.latest ?? -Infinity;
    const ix = this.index;
    const chks = new ChunkMetaColumns();
    const front: readonly Interval[] = [{ mint: MIN_INT64, maxt: mint - 1 }];
    const back: readonly Interval[] = [{ mint: maxt + 1, maxt: MAX_INT64 }];
    const both: readonly Interval[] = [front[0]!, back[0]!];
    let n = 0;
    let i = 0;
    while (i < refs.length) {
      opts.signal?.throwIfAborted();
      const upTo = await ix.prefetchSeries(refs, i, Math.min(refs.length, i + BATCH));
      const batch: BlockSeriesBatch = { refs: [], labels: [], from: [0], metas: new ChunkMetaColumns(256), intervals: [] };
      const out = batch.metas;
      for (; i < upTo; i++) {
        const ref = refs[i]!;
        const labels = ix.seriesSync(ref, chks) ?? (await ix.series(ref, chks));
        const stones = this.#tombstones.get(ref);
        let first = 0;
        if (latest !== -Infinity && stones.length === 0) {
          for (let c = 0; c < chks.n; c++) if (chks.mint[c]! <= latest) first = c;
        }
        const start = out.n;
        let trimFront = false, trimBack = false;
        for (let c = first; c < chks.n; c++) {
          const cmint = chks.mint[c]!, cmaxt = chks.maxt[c]!;
          if (cmaxt < mint || cmint > maxt) continue;
          if (stones.length > 0 && whollyDeletedRange(cmint, cmaxt, stones)) continue;
          out.push(chks.ref[c]!, cmint, cmaxt);
          if (cmint < mint) trimFront = true;
          if (cmaxt > maxt) trimBack = true;
        }
        if (out.n === start) continue;
        let intervals: readonly Interval[] = stones;
        if (stones.length === 0) {
          intervals = trimFront ? (trimBack ? both : front) : trimBack ? back : stones;
        } else {
          if (trimFront) intervals = addInterval(intervals, front[0]!);
          if (trimBack) intervals = addInterval(intervals, back[0]!);
        }
        batch.refs.push(ref);
        batch.labels.push(labels);
        batch.from.push(out.n);
        batch.intervals.push(intervals);
        if (limit > 0 && ++n >= limit) break;
      }
      if (batch.refs.length > 0) yield batch;
      if (limit > 0 && n >= limit) return;
    }
  }

  /**
   * Deletes the samples in [mint, maxt] of the matching series, as Prometheus's delete API
   * does on a block: tombstones, clamped to each series' data, merged with the existing
   * ones, written to a new tombstones file, and counted in meta.json. Not safe concurrently
   * with another `delete` of the same block.
   */
  async delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    const p = await this.postings(matchers);
    const stones = new MemTombstones();
    const chks: ChunkMeta[] = [];
    while (p.next()) {
      const ref = p.at();
      await this.index.series(ref, chks);
      if (!chks.some((c) => c.mint <= maxt && mint <= c.maxt)) continue;
      // Delete only as far as the series has data.
      stones.addInterval(ref, { mint: Math.max(mint, chks[0]!.mint), maxt: Math.min(maxt, chks[chks.length - 1]!.maxt) });
    }
    const e = p.err();
    if (e !== null) throw e;
    this.#tombstones.forEach((ref, ivs) => { stones.addInterval(ref, ...ivs); });
    const meta: BlockMeta = { ...this.#meta, stats: { ...this.#meta.stats, numTombstones: stones.total() } };
    this.#tombstonesSize = await writeTombstonesFile(this.dir, stones);
    this.#tombstones = stones;
    this.#metaSize = await writeMetaFile(this.dir, meta);
    this.#meta = meta;
  }

  /** Sorted label names of the series the matchers select (all names without matchers). */
  async labelNames(matchers: readonly Matcher[] = []): Promise<string[]> {
    if (matchers.length === 0) return this.index.labelNames();
    const names = new Set<string>();
    for (const s of await this.#matching(matchers)) s.forEach((n) => { names.add(n); });
    return [...names].sort(compareUtf8);
  }

  /** Sorted values of `name` over the series the matchers select (all values without matchers). */
  async labelValues(name: string, matchers: readonly Matcher[] = [], limit = 0): Promise<string[]> {
    if (matchers.length === 0) return this.index.labelValues(name, limit);
    const values = new Set<string>();
    for (const s of await this.#matching(matchers)) {
      const v = s.get(name);
      if (v !== '') values.add(v);
    }
    const out = [...values].sort(compareUtf8);
    return limit > 0 ? out.slice(0, limit) : out;
  }

  async close(): Promise<void> {
    await this.index.close();
    await this.chunks.close();
  }

  async #matching(matchers: readonly Matcher[]): Promise<Labels[]> {
    const p = await this.postings(matchers);
    const out: Labels[] = [];
    while (p.next()) out.push(await this.index.series(p.at(), null));
    const e = p.err();
    if (e !== null) throw e;
    return out;
  }

  #filter(ref: number, labels: Labels, chks: readonly ChunkMeta[], mint: number, maxt: number, latest: number): BlockSeries | null {
    if (chks.length === 0) return null;
    let intervals: readonly Interval[] = this.#tombstones.get(ref);
    const keep: ChunkMeta[] = [];
    let trimFront = false, trimBack = false;
    let first = 0;
    if (latest !== -Infinity && intervals.length === 0) {
      for (let i = 0; i < chks.length; i++) if (chks[i]!.mint <= latest) first = i;
    }
    for (let i = first; i < chks.length; i++) {
      const c = chks[i]!;
      if (c.maxt < mint || c.mint > maxt) continue;
      if (whollyDeleted(c, intervals)) continue;
      keep.push(c);
      if (c.mint < mint) trimFront = true;
      if (c.maxt > maxt) trimBack = true;
    }
    if (keep.length === 0) return null;
    if (trimFront) intervals = addInterval(intervals, { mint: MIN_INT64, maxt: mint - 1 });
    if (trimBack) intervals = addInterval(intervals, { mint: maxt + 1, maxt: MAX_INT64 });
    return { ref, labels, chunks: keep, intervals };
  }
}

function whollyDeletedRange(mint: number, maxt: number, ivs: readonly Interval[]): boolean {
  for (const iv of ivs) if (mint >= iv.mint && maxt <= iv.maxt) return true;
  return false;
}

function whollyDeleted(c: ChunkMeta, ivs: readonly Interval[]): boolean {
  for (const iv of ivs) if (c.mint >= iv.mint && c.maxt <= iv.maxt) return true;
  return false;
}
