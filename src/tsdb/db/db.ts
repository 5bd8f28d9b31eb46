/**
 * The TSDB: persisted blocks plus the head, in one data directory, as Prometheus's DB:
 * - `open` removes leftovers of interrupted writes and deletes, takes the `lock`, loads the
 *   blocks and opens the head (which replays its WAL) with the newest block's end as the
 *   lowest time it accepts;
 * - appends go to the head; queries merge the head with every block overlapping the range;
 * - in the background (and when a commit makes the head compactable) the head's oldest
 *   chunk range becomes a block once the head spans 1.5 ranges, the head and WAL are
 *   truncated, then blocks are compacted as the planner says; blocks are reloaded on an
 *   interval and after every change, which applies time and size retention;
 * - a block that fails to open is reported, left on disk untouched and not served, while
 *   the other blocks are.
 *
 * Concurrency: compaction, reloads, deletes, snapshots and tombstone cleaning run one at a
 * time (a promise chain, Prometheus's compaction mutex). Queries take a lease on each
 * block they read, so a block replaced meanwhile is closed only after its last reader.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, statfs } from 'node:fs/promises';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Registry } from '../../instrument/index.js';
import type { Matcher, Millis } from '../../model/index.js';
import type { Appendable, Appender, ExemplarQueryable, ExemplarQueryResult, Queryable, Querier } from '../../storage/interface.js';
import { newMergeQuerier } from '../../storage/merge/index.js';
import { nopLogger, type Logger } from '../../util/log.js';

import { deleteTempCheckpoints } from '../wal/index.js';
import { BlockQuerier } from './block-querier.js';
import { HINT_FROM_OUT_OF_ORDER, partialHeadHint, type BlockMeta } from '../block/index.js';
import { CompactionDelay, compactAll, compactOpts, headCompactable, type CompactionHost } from './compaction-run.js';
import { blocksSource, writeLevel1Block } from './compactor.js';
import { DBAppender } from './db-appender.js';
import { removeTmpDirs } from './dirs.js';
import { BlockSet, type DamagedBlock, type RetentionSettings } from './block-set.js';
import type { DBHead, HeadStatsShape, OpenHead, ReplayProgress } from './head-seam.js';
import { DirLock, LockfileState } from './lock.js';
import { DBMetrics } from './metrics.js';
import { snapshotBlock } from './ops.js';
import { compactionRanges } from './planner.js';
import { Yielder } from './yielder.js';
import { floatEncodingOf, type FloatChunkEncoding } from '../head/index.js';
import { compactStaleSeries, staleCompactionDue } from './stale-compaction.js';
import { ChunkMerger } from './merge-chunks.js';

export const DEFAULT_BLOCK_DURATION_MS = 2 * 3600 * 1000;
export const DEFAULT_RETENTION_MS = 15 * 24 * 3600 * 1000;
const MAX_BLOCK_DURATION_CAP_MS = 31 * 24 * 3600 * 1000;

/** Percent of the block range the random compaction delay stays below (Prometheus's default). */
export const DEFAULT_COMPACTION_DELAY_MAX_PERCENT = 10;

function compactionDelay(o: DBOptions, chunkRange: number): number {
  if (o.compactionDelayMs !== undefined) return o.compactionDelayMs;
  if (o.enableDelayedCompaction !== true) return 0;
  const pct = o.compactionDelayMaxPercent ?? DEFAULT_COMPACTION_DELAY_MAX_PERCENT;
  return Math.floor(Math.random() * Math.floor((chunkRange * pct) / 100));
}

/**
 * fsCapacity of the storage path, or of its nearest existing parent while it does not exist
 * yet (a first start), as Prometheus checks it at start-up.
 */
export async function storagePathCapacity(path: string): Promise<number> {
  for (let p = resolvePath(path); ; p = dirname(p)) {
    const size = await fsCapacity(p);
    if (size > 0) return size;
    if (existsSync(p) || dirname(p) === p) return 0;
  }
}

/** Total bytes of the filesystem holding `dir` (statfs), 0 when it cannot be read. */
export async function fsCapacity(dir: string): Promise<number> {
  try {
    const st = await statfs(dir);
    return st.bsize * st.blocks;
  } catch {
    return 0;
  }
}

export interface DBOptions {
  /** Time retention in ms (default 15d); 0 disables it. */
  retentionMs?: number;
  /** Size retention in bytes over blocks, WAL and head chunks; 0 (default) disables it. */
  maxBytes?: number;
  /**
   * Size retention as a percentage (0-100] of the capacity of the filesystem holding the data
   * directory (`storage.tsdb.retention.percentage`); wins over `maxBytes`. 0 (default): off.
   */
  maxPercentage?: number;
  /** The filesystem capacity reader (tests); default statfs. */
  fsSize?: (dir: string) => Promise<number>;
  /** Head chunk range and level-1 block duration (default 2h). */
  minBlockDurationMs?: number;
  /** Largest compacted block (default 10% of the time retention, at most 31d). */
  maxBlockDurationMs?: number;
  noLockfile?: boolean;
  /** Interval of block reloads and compaction checks (default 1m, at least 1s). */
  blockReloadIntervalMs?: number;
  /** Compact overlapping blocks together (default true, as Prometheus). */
  allowOverlappingCompaction?: boolean;
  /** Chunk segment file size of written blocks (default 512 MiB). */
  maxBlockChunkSegmentSize?: number;
  /**
   * Encoding of new and re-encoded float chunks: 'xor' (default) or 'xor2'
   * (`storage.tsdb.chunk_encoding.floats`, Prometheus's `xor2-encoding` feature).
   */
  floatChunkEncoding?: FloatChunkEncoding;
  /**
   * Store start timestamps (Prometheus's `st-storage` feature): V2 WAL records and XOR2 float
   * chunks. Open fails unless `floatChunkEncoding` is 'xor2', and `setFloatChunkEncoding`
   * then refuses 'xor', as in Prometheus.
   */
  enableSTStorage?: boolean;
  /**
   * `storage.tsdb.stale_series_compaction_threshold`: the share (0-1] of stale head series
   * at which they are compacted into blocks of their own ahead of the regular head
   * compaction; 0 (default) turns it off (see stale-compaction.ts).
   */
  staleSeriesCompactionThreshold?: number;
  /** Run compactions automatically (default true). */
  autoCompact?: boolean;
  /**
   * Prometheus's `delayed-compaction`: head compactions start a random delay (up to 10% of the
   * block range, drawn at open) after the head becomes compactable. Default false.
   */
  enableDelayedCompaction?: boolean;
  /**
   * Holds blocks back from block compactions (Prometheus's BlockCompactionExcludeFunc): the
   * planner considers blocks in ULID order up to the first one this returns true for.
   */
  blockCompactionExclude?: (meta: BlockMeta) => Promise<boolean>;
  /** Upper limit of the random delay in percent of the block range, 1-100 (default 10). */
  compactionDelayMaxPercent?: number;
  /** A fixed compaction delay in ms instead (tests); overrides the random one. */
  compactionDelayMs?: number;
  /** Opens the head; without it the DB serves blocks only and refuses appends. */
  openHead?: OpenHead;
  registry?: Registry;
  logger?: Logger;
}

/** The DB's own status, beside the head's statistics. */
export interface DBStatus {
  blocks: BlockMeta[];
  damaged: DamagedBlock[];
  blocksBytes: number;
  /** Oldest sample time stored (first block, else the head); null when empty. */
  lowestTimestamp: number | null;
}

export class DB implements Appendable, Queryable, ExemplarQueryable {
  readonly dir: string;
  readonly metrics: DBMetrics;
  readonly #logger: Logger;
  readonly #retentionMs: number;
  readonly #chunkRange: number;
  readonly #ranges: number[];
  readonly #reloadMs: number;
  readonly #ac = new AbortController();
  #lock: DirLock | null = null;
  #head: DBHead | null = null;
  readonly #set: BlockSet;
  /** What compaction runs work on (compaction-run.ts); built once, it reads the head when asked. */
  readonly #host: CompactionHost;
  #mutex: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #backoffMs = 0;
  #compactQueued = false;
  #floatChunkEncoding: FloatChunkEncoding;
  readonly #enableSTStorage: boolean;
  #staleThreshold: number;
  /** When the last head compaction wrote a block (ms since the epoch), null before the first. */
  #lastHeadCompaction: number | null = null;
  #autoCompact: boolean;
  #closed = false;

  private constructor(dir: string, opts: DBOptions) {
    this.dir = dir;
    this.#logger = opts.logger ?? nopLogger;
    this.#retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    this.#chunkRange = opts.minBlockDurationMs !== undefined && opts.minBlockDurationMs > 0 ? opts.minBlockDurationMs : DEFAULT_BLOCK_DURATION_MS;
    let maxBlock = opts.maxBlockDurationMs ?? 0;
    if (maxBlock <= 0) {
      maxBlock = MAX_BLOCK_DURATION_CAP_MS;
      if (this.#retentionMs > 0 && this.#retentionMs / 10 < maxBlock) maxBlock = this.#retentionMs / 10;
    }
    this.#ranges = compactionRanges(this.#chunkRange, Math.max(maxBlock, this.#chunkRange));
    this.#reloadMs = Math.max(1000, opts.blockReloadIntervalMs ?? 60_000);
    this.#autoCompact = opts.autoCompact ?? true;
    this.#floatChunkEncoding = opts.floatChunkEncoding ?? 'xor';
    this.#enableSTStorage = opts.enableSTStorage ?? false;
    this.#staleThreshold = opts.staleSeriesCompactionThreshold ?? 0;
    this.metrics = new DBMetrics(opts.registry, () => this.#set.loaded.length, () => this.#lowestTimestamp() ?? 0);
    this.#set = new BlockSet(dir, this.#logger, this.metrics, {
      retentionMs: this.#retentionMs, maxBytes: opts.maxBytes ?? 0, maxPercentage: opts.maxPercentage ?? 0,
      warnOverlaps: opts.allowOverlappingCompaction ?? true, fsSize: opts.fsSize ?? fsCapacity,
      headBytes: () => this.#head?.size() ?? 0,
    });
    this.#retentionMetrics({ retentionMs: this.#retentionMs, maxBytes: opts.maxBytes ?? 0, maxPercentage: opts.maxPercentage ?? 0 });
    this.#host = {
      dir: this.dir,
      metrics: this.metrics,
      logger: this.#logger,
      chunkRange: this.#chunkRange,
      ranges: this.#ranges,
      set: this.#set,
      signal: this.#ac.signal,
      delay: new CompactionDelay(compactionDelay(opts, this.#chunkRange)),
      excludeBlock: opts.blockCompactionExclude,
      allowOverlapping: opts.allowOverlappingCompaction ?? true,
      segmentSize: opts.maxBlockChunkSegmentSize,
      head: () => this.#head,
      floatEncoding: () => floatEncodingOf(this.#floatChunkEncoding),
      headCompacted: () => { this.#lastHeadCompaction = Date.now(); },
      reloadBlocks: () => this.#reloadBlocks(),
    };
  }

  /** Opens (creating when needed) the DB in `dir`. */
  static async open(dir: string, opts: DBOptions = {}): Promise<DB> {
    if (opts.enableSTStorage === true && (opts.floatChunkEncoding ?? 'xor') !== 'xor2') {
      throw new Error(`float chunk encoding "${opts.floatChunkEncoding ?? 'xor'}" is incompatible with start-timestamp storage; XOR chunks do not store start timestamps, use "xor2"`);
    }
    await mkdir(dir, { recursive: true });
    const walDir = join(dir, 'wal');
    for (const d of [walDir, dir]) {
      await removeTmpDirs(d);
      await deleteTempCheckpoints(d).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      });
    }
    const db = new DB(dir, opts);
    try {
      if (opts.noLockfile === true) {
        db.metrics.cleanStart.labels().set(LockfileState.Disabled);
      } else {
        if (existsSync(join(dir, 'lock'))) db.#logger.warn('A lockfile from a previous execution already existed. It was replaced', { file: join(dir, 'lock') });
        db.#lock = await DirLock.acquire(dir);
        db.metrics.cleanStart.labels().set(db.#lock.state);
      }
      await db.#reloadBlocks();
      if (opts.openHead !== undefined) {
        db.#head = await opts.openHead({ dir, minValidTime: db.#inOrderBlocksMaxTime(), chunkRange: db.#chunkRange, floatChunkEncoding: db.#floatChunkEncoding, enableSTStorage: db.#enableSTStorage });
      }
    } catch (e) {
      await db.#set.closeAll();
      await db.#lock?.release();
      throw e;
    }
    db.#schedule(db.#reloadMs);
    return db;
  }

  /** The head, or null for a blocks-only DB. */
  get head(): DBHead | null {
    return this.#head;
  }

  /** Metas of the loaded blocks, oldest first. */
  blocks(): BlockMeta[] {
    return this.#set.loaded.map((b) => b.block.meta);
  }

  /** Blocks that failed to open and are not served. */
  damagedBlocks(): DamagedBlock[] {
    return this.#set.damaged();
  }

  status(): DBStatus {
    let bytes = 0;
    for (const b of this.#set.loaded) bytes += b.size;
    return { blocks: this.blocks(), damaged: this.damagedBlocks(), blocksBytes: bytes, lowestTimestamp: this.#lowestTimestamp() };
  }

  appender(): Appender {
    const head = this.#head;
    if (head === null) throw new Error('appending to the TSDB: no head (the DB serves blocks only)');
    return new DBAppender(head.appender(), () => { this.#onCommit(); });
  }

  async querier(mint: Millis, maxt: Millis): Promise<Querier> {
    // Leases are taken before any await, so a reload meanwhile cannot close these blocks.
    const queriers: Querier[] = [];
    for (const lb of this.#set.loaded) {
      if (lb.block.overlaps(mint, maxt)) queriers.push(new BlockQuerier(this.#set.lease(lb), mint, maxt));
    }
    const head = this.#head;
    if (head !== null && maxt >= head.minTime()) {
      try {
        queriers.unshift(await head.querier(mint, maxt));
      } catch (e) {
        for (const q of queriers) await q.close();
        throw e;
      }
    }
    return newMergeQuerier(queriers);
  }

  exemplars(mint: Millis, maxt: Millis, matcherSets: readonly (readonly Matcher[])[]): Promise<ExemplarQueryResult[]> {
    return this.#head === null ? Promise.resolve([]) : this.#head.exemplars(mint, maxt, matcherSets);
  }

  // --- what the admin and status API needs (its AdminStorage) ---

  /** Head statistics for `/api/v1/status/tsdb` (all zero without a head). */
  stats(limit: number): HeadStatsShape {
    const s = this.#head?.stats?.(limit);
    if (s !== undefined) return s;
    return {
      numSeries: 0, numLabelPairs: 0, chunkCount: null, minTime: null, maxTime: null,
      seriesCountByMetricName: [], labelValueCountByLabelName: [], memoryInBytesByLabelName: [], seriesCountByLabelValuePair: [],
    };
  }

  walReplayStatus(): ReplayProgress {
    const r = this.#head?.replayStatus?.();
    return r === undefined ? { min: 0, max: 0, current: 0 } : { min: r.min, max: r.max, current: r.current };
  }

  /** The loaded blocks' meta.json contents, oldest first. */
  blockMetas(): BlockMeta[] {
    return this.blocks();
  }

  /** `deleteSeries` with the API's argument order. */
  delete(mint: Millis, maxt: Millis, matchers: readonly Matcher[], signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return this.deleteSeries(matchers, mint, maxt);
  }

  /** Reloads blocks from disk (retention applied). */
  reloadBlocks(): Promise<void> {
    return this.#locked(() => this.#reloadBlocks());
  }

  /** Persists compactable head ranges, then compacts blocks as planned. */
  compact(): Promise<void> {
    return this.#locked(() => compactAll(this.#host));
  }

  /**
   * Writes the head's stale series to blocks of their own and deletes them from the head
   * (see stale-compaction.ts); resolves to how many series went. The periodic check runs it
   * when `staleSeriesCompactionThreshold` is reached.
   */
  compactStaleHead(): Promise<number> {
    return this.#locked(() => compactStaleSeries(this.#host));
  }

  /** Sets `storage.tsdb.stale_series_compaction_threshold` (a configuration reload's); 0 turns it off. */
  setStaleSeriesCompactionThreshold(x: number): void {
    this.#staleThreshold = Number.isFinite(x) && x > 0 ? x : 0;
  }

  /**
   * Applies retention settings from a reloaded configuration (time, size, percentage), as
   * Prometheus's ApplyConfig: they take effect at the next block reload. The largest
   * compacted block, derived from the time retention at open, stays.
   */
  setRetention(r: RetentionSettings): void {
    this.#set.setRetention(r);
    this.#retentionMetrics(r);
  }

  /**
   * Applies `storage.tsdb.out_of_order_time_window` from a reloaded configuration, as
   * Prometheus's ApplyConfig: the head accepts out-of-order samples within the new window from
   * now on (0: none), and its write-behind log starts if it was not running.
   */
  async setOutOfOrderTimeWindow(ms: number): Promise<void> {
    await this.#head?.setOutOfOrderTimeWindow?.(Number.isFinite(ms) && ms > 0 ? ms : 0);
  }

  /** Applies `storage.exemplars.max_exemplars` from a reloaded configuration (0: exemplar storage off). */
  setMaxExemplars(n: number): void {
    this.#head?.setMaxExemplars?.(n);
  }

  /**
   * Sets the encoding of float chunks the head cuts and compactions re-encode from now on
   * (a configuration reload's `storage.tsdb.chunk_encoding.floats`).
   */
  setFloatChunkEncoding(e: FloatChunkEncoding): void {
    if (e === 'xor' && this.#enableSTStorage) {
      throw new Error("'storage.tsdb.chunk_encoding.floats: xor' is incompatible with st-storage; XOR chunks do not store start timestamps");
    }
    this.#floatChunkEncoding = e;
    this.#head?.setFloatChunkEncoding?.(e);
  }

  /** The encoding of float chunks cut and re-encoded from now on. */
  get floatChunkEncoding(): FloatChunkEncoding {
    return this.#floatChunkEncoding;
  }

  #retentionMetrics(r: RetentionSettings): void {
    this.metrics.maxBytes.labels().set(r.maxBytes);
    this.metrics.retentionSeconds.labels().set(r.retentionMs / 1000);
    this.metrics.maxPercentage.labels().set(Math.max(0, r.maxPercentage));
  }

  /** Stops or resumes automatic compaction (Prometheus's DisableCompactions). */
  setAutoCompaction(on: boolean): void {
    this.#autoCompact = on;
    this.#logger.info(on ? 'Compactions enabled' : 'Compactions disabled');
  }

  /**
   * Writes the data into `dir`: hard links of every block, and with `withHead` a block of
   * everything in the head. `dir` must not be the data directory nor named like a block.
   */
  snapshot(dir: string, withHead: boolean): Promise<void> {
    return this.#locked(async () => {
      if (dir === this.dir) throw new Error('cannot snapshot into base directory');
      if (/^[0-9A-HJKMNP-TV-Z]{26}$/i.test(dir.split('/').pop() ?? '')) throw new Error('dir must not be a valid ULID');
      await mkdir(dir, { recursive: true });
      for (const lb of this.#set.loaded) {
        this.#logger.info('Snapshotting block', { block: lb.block.ulid });
        try {
          await snapshotBlock(lb.block, dir);
        } catch (e) {
          throw new Error(`error snapshotting block: ${lb.block.dir}: ${(e as Error).message}`, { cause: e });
        }
      }
      const head = this.#head;
      if (!withHead || head === null || head.maxTime() < head.minTime()) return;
      const mint = head.minTime(), maxt = head.maxTime();
      try {
        await writeLevel1Block(dir, head.blockSource(mint, maxt), mint, maxt + 1, this.#compactOpts());
      } catch (e) {
        throw new Error(`snapshot head block: ${(e as Error).message}`, { cause: e });
      }
    });
  }

  /** Deletes the matching series' samples in [mint, maxt] (tombstones in blocks and head). */
  deleteSeries(matchers: readonly Matcher[], mint: number, maxt: number): Promise<void> {
    return this.#locked(async () => {
      const jobs: Promise<void>[] = [];
      for (const lb of this.#set.loaded) if (lb.block.overlaps(mint, maxt)) jobs.push(lb.block.delete(mint, maxt, matchers));
      const head = this.#head;
      if (head !== null && head.minTime() <= maxt && mint <= head.maxTime()) jobs.push(head.delete(mint, maxt, matchers));
      await Promise.all(jobs);
    });
  }

  /** Rewrites every block that has tombstones without the deleted data. */
  cleanTombstones(): Promise<void> {
    return this.#locked(async () => {
      const t0 = performance.now();
      try {
        for (;;) {
          const lb = this.#set.loaded.find((b) => b.block.tombstones.total() > 0);
          if (lb === undefined) return;
          const b = lb.block;
          const merger = new ChunkMerger(this.#host.floatEncoding());
          const src = blocksSource([b], b.meta.minTime, b.meta.maxTime - 1, merger, new Yielder(), this.#ac.signal);
          let written: BlockMeta | null;
          try {
            written = await writeLevel1Block(this.dir, src, b.meta.minTime, b.meta.maxTime, { ...this.#compactOpts(), parent: b.meta });
          } catch (e) {
            throw new Error(`clean tombstones: ${b.dir}: ${(e as Error).message}`, { cause: e });
          }
          // The new block names the old one as parent; without one, the old one is marked.
          if (written === null) this.#set.markDeletable(b.ulid);
          try {
            await this.#reloadBlocks();
          } catch (e) {
            if (written !== null) await rm(join(this.dir, written.ulid), { recursive: true, force: true });
            throw new Error(`reload blocks: ${(e as Error).message}`, { cause: e });
          }
        }
      } finally {
        this.metrics.tombstoneCleanup.labels().observe((performance.now() - t0) / 1000);
      }
    });
  }

  /** Stops background work, closes blocks and head (WAL flushed), releases the lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#ac.abort();
    await this.#mutex.catch(() => undefined);
    const errs: unknown[] = [];
    errs.push(...await this.#set.closeAll());
    if (this.#head !== null) await this.#head.close().catch((e: unknown) => errs.push(e));
    await this.#lock?.release().catch((e: unknown) => errs.push(e));
    if (errs.length > 0) throw new AggregateError(errs, `closing the TSDB: ${errs.map((e) => (e as Error).message).join('; ')}`);
  }

  // --- internals ---

  #locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#mutex.then(() => {
      if (this.#closed) throw new Error('the TSDB is closed');
      return fn();
    });
    this.#mutex = run.catch(() => undefined);
    return run;
  }

  #lowestTimestamp(): number | null {
    const blocks = this.#set.loaded;
    if (blocks.length > 0) return blocks[0]!.block.meta.minTime;
    const h = this.#head;
    return h !== null && h.maxTime() >= h.minTime() ? h.minTime() : null;
  }

  #inOrderBlocksMaxTime(): number {
    let maxt = -Infinity;
    for (const lb of this.#set.loaded) {
      const m = lb.block.meta;
      // Out-of-order blocks and blocks of some head series only (Prometheus's stale series
      // compaction) do not mean that the WAL's samples up to their end are in blocks.
      if (!m.compaction.hints.includes(HINT_FROM_OUT_OF_ORDER) && partialHeadHint(m.compaction) === null && m.maxTime > maxt) maxt = m.maxTime;
    }
    return maxt;
  }

  #headCompactable(): boolean {
    return headCompactable(this.#head, this.#chunkRange);
  }

  #compactOpts(): ReturnType<typeof compactOpts> {
    return compactOpts(this.#host);
  }

  #onCommit(): void {
    if (this.#compactQueued || this.#closed || !this.#autoCompact || !this.#headCompactable() || this.#host.delay.waiting()) return;
    this.#compactQueued = true;
    setImmediate(() => {
      this.#compactQueued = false;
      void this.#runCompaction();
    });
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => { void this.#tick(); }, ms);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    try {
      await this.reloadBlocks();
    } catch (e) {
      if (!this.#closed) this.#logger.error('reloadBlocks', { err: (e as Error).message });
    }
    await this.#runCompaction();
    await this.#maybeCompactStale();
    this.#schedule(this.#reloadMs + this.#backoffMs);
  }

  async #maybeCompactStale(): Promise<void> {
    const seam = this.#head?.staleSeries;
    if (this.#closed || !this.#autoCompact || seam === undefined || this.#staleThreshold <= 0) return;
    if (!staleCompactionDue(seam.counts(), this.#staleThreshold, this.#lastHeadCompaction, this.#chunkRange, Date.now())) return;
    try {
      await this.compactStaleHead();
    } catch (e) {
      if (!this.#closed) this.#logger.error('immediate stale series compaction failed', { err: (e as Error).message });
    }
  }

  async #runCompaction(): Promise<void> {
    if (this.#closed) return;
    this.metrics.compactionsTriggered.labels().inc();
    if (!this.#autoCompact) {
      this.metrics.compactionsSkipped.labels().inc();
      return;
    }
    try {
      await this.compact();
      this.#backoffMs = 0;
    } catch (e) {
      if (this.#closed) return;
      this.#logger.error('compaction failed', { err: (e as Error).message });
      this.#backoffMs = Math.min(60_000, Math.max(1000, this.#backoffMs * 2));
    }
  }

  async #reloadBlocks(): Promise<void> {
    const m = this.metrics;
    m.reloads.labels().inc();
    try {
      await this.#set.reload();
    } catch (e) {
      m.reloadsFailed.labels().inc();
      throw e;
    }
  }

}
