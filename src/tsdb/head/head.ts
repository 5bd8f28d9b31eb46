/**
 * The TSDB head: the newest data of every series in memory (one open chunk per series, full
 * chunks in `chunks_head/`), made durable by the WAL, as Prometheus's head. The DB around it
 * opens it on a data directory, appends through `appender()`, reads through `querier()`,
 * writes blocks from `chunksForBlock()` and then calls `truncateMemory` and `truncateWAL`.
 *
 * Concurrency: JavaScript runs one thing at a time, so appends and the in-memory half of a
 * commit never interleave with reads; across awaits (WAL writes, chunk reads) the head stays
 * consistent: a commit becomes visible all at once after its WAL write, a querier's series
 * are snapshots taken at select, and truncation waits for selects reading chunk files.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Matcher, Millis } from '../../model/index.js';
import type { Appendable, Appender, ExemplarQueryable, ExemplarQueryResult, Queryable, Querier } from '../../storage/interface.js';
import { nopLogger, type Logger } from '../../util/log.js';
import { HeadChunkDiskMapper, PageCache, type ChunkRef, type HeadChunkSpan } from '../chunks/index.js';
import { Encoding, type Chunk } from '../chunkenc/index.js';
import { postingsForMatchers } from '../index/index.js';
import { Encbuf, RecordEncoder, type Tombstone } from '../record/index.js';
import { dirSize, type CompressionType, type WlogOptions } from '../wal/index.js';
import { HeadAppender, type AppenderHost } from './appender.js';
import { Batch } from './batch.js';
import { commitBatch, type CommitContext } from './commit.js';
import { chunksForBlock, oooChunksForBlock, type BlockSource } from './compact-source.js';
import { HeadCore } from './head-core.js';
import { registerHeadMetrics } from './metrics.js';
import {
  CHUNKS_HEAD_DIRNAME, DEFAULT_CHUNK_RANGE_MS, DEFAULT_MAX_EXEMPLARS, DEFAULT_OUT_OF_ORDER_CAP_MAX, DEFAULT_SAMPLES_PER_CHUNK,
  WAL_DIRNAME, WBL_DIRNAME, floatEncodingOf, type FloatChunkEncoding, type HeadOptions, type HeadStats, type ReplayResult, type ReplayStatus,
} from './options.js';
import { HeadQuerier, type QuerierHost } from './querier.js';
import { MM_STRIDE, type MemSeries } from './series.js';
import { attachSnapshotSeries, loadSnapshotInto, replayChunksHead, replayWal } from './replay.js';
import { deleteChunkSnapshots, writeChunkSnapshot, type LoadedSnapshot } from './snapshot.js';
import { replayWbl } from './replay-wbl.js';
import { headStats } from './stats.js';
import { gc, truncateWAL, type GCResult } from './truncate.js';
import { WalHandle } from './wal-handle.js';

/** Released batches kept for reuse. */
const BATCH_POOL_MAX = 256;

/** What an out-of-order compaction covers (see Head.prepareOOOCompaction). */
export interface OOOCompaction {
  /** The WBL segment started for it: earlier ones go once its blocks are written. */
  lastWBLFile: number;
  /** The newest out-of-order chunk it holds. */
  lastMmapRef: number;
  /** Time range of the out-of-order data. */
  mint: number;
  maxt: number;
}

export class Head implements Appendable, Queryable, ExemplarQueryable {
  readonly dir: string;
  readonly #core: HeadCore;
  readonly #mapper: HeadChunkDiskMapper;
  readonly #wal: WalHandle;
  #wbl: WalHandle | null;
  /** Options to open the WBL with when an out-of-order window is set at run time (the WAL's). */
  readonly #wblOpts: WlogOptions;
  readonly #logger: Logger;
  readonly #ctx: CommitContext;
  readonly #compression: CompressionType;
  readonly #snapshotOnClose: boolean;
  readonly #host: AppenderHost & QuerierHost;
  readonly #pool: Batch[] = [];
  readonly #expiries = new Map<number, number>();
  readonly #replayStatus: ReplayStatus;
  readonly #replay: ReplayResult;
  #unregister: (() => void) | null = null;
  #inflight = new Set<Promise<void>>();
  #reads = 0;
  #readsDone: (() => void)[] = [];
  #lastWalTruncation = -Infinity;
  #closed = false;

  private constructor(dir: string, core: HeadCore, mapper: HeadChunkDiskMapper, wal: WalHandle, wbl: WalHandle | null, o: HeadOptions, status: ReplayStatus, replay: ReplayResult, wblOpts: WlogOptions) {
    this.dir = dir;
    this.#core = core;
    this.#mapper = mapper;
    this.#wal = wal;
    this.#wbl = wbl;
    this.#wblOpts = wblOpts;
    this.#logger = o.logger ?? nopLogger;
    this.#compression = o.walCompression ?? 'snappy';
    this.#snapshotOnClose = o.enableMemorySnapshotOnShutdown === true;
    this.#replayStatus = status;
    this.#replay = replay;
    this.#ctx = { core, wal, wbl, encoder: new RecordEncoder({ enableSTStorage: o.enableSTStorage ?? false }), withMetadata: o.enableMetadataWalRecords ?? false, logger: this.#logger };
    // The appender and querier see the head through this host, not through public methods.
    this.#host = {
      core,
      takeBatch: () => this.#pool.pop() ?? new Batch(),
      commitBatch: (b) => this.#commit(b),
      releaseBatch: (b) => { this.#release(b); },
      appenderDone: () => { core.counters.activeAppenders--; },
      readChunk: (ref: ChunkRef): Promise<Chunk> => mapper.chunk(ref),
      readChunkCached: (ref: ChunkRef): Chunk | null => mapper.chunkIfCached(ref),
      readChunkSpanCached: (ref: ChunkRef, out: HeadChunkSpan): boolean => mapper.chunkSpanIfCached(ref, out),
      beginRead: () => { this.#reads++; },
      endRead: () => {
        if (--this.#reads === 0) for (const f of this.#readsDone.splice(0)) f();
      },
    };
  }

  /**
   * Opens the head of the data directory `dir` (creating `wal/` and `chunks_head/` as needed):
   * replays chunks_head and the WAL, repairing a damaged tail of either, then opens the WAL for
   * appending. Resolves once the head is ready to append and query.
   */
  static async open(dir: string, o: HeadOptions = {}): Promise<Head> {
    const logger = o.logger ?? nopLogger;
    const chunkRange = o.chunkRange ?? DEFAULT_CHUNK_RANGE_MS;
    if (!Number.isSafeInteger(chunkRange) || chunkRange <= 0) throw new Error(`opening head: invalid chunk range ${chunkRange}`);
    const oooWindow = o.outOfOrderTimeWindow ?? 0;
    const oooCapMax = o.outOfOrderCapMax ?? DEFAULT_OUT_OF_ORDER_CAP_MAX;
    if (oooCapMax < 1 || oooCapMax > 255) throw new Error(`opening head: out_of_order_cap_max must be in 1..255, got ${oooCapMax}`);
    const newCore = (): HeadCore => new HeadCore({
      chunkRange, samplesPerChunk: o.samplesPerChunk ?? DEFAULT_SAMPLES_PER_CHUNK, maxExemplars: o.maxExemplars ?? DEFAULT_MAX_EXEMPLARS,
      floatEncoding: floatEncodingOf(o.floatChunkEncoding ?? 'xor'), storeST: o.enableSTStorage ?? false, histogramST: o.enableHistogramSTEncoding ?? false,
      oooWindow, oooCapMax, minValidTime: o.minValidTime ?? -Infinity, logger,
    });
    let core = newCore();
    const status: ReplayStatus = { min: -1, max: -1, current: -1, done: false };
    const res: ReplayResult = {
      series: 0, samples: 0, histograms: 0, exemplars: 0, tombstones: 0, deletedSeries: 0, metadata: 0, skippedSamples: 0, unknownRefs: 0,
      mmappedChunks: 0, oooSamples: 0, walRepaired: false, chunksHeadRepaired: false, wblRepaired: false,
      snapshotSeries: 0, snapshotFailed: false, seconds: 0,
    };
    const t0 = performance.now();
    await mkdir(dir, { recursive: true });
    const mapperOpts = { cache: new PageCache({ maxBytes: o.chunkCacheBytes ?? 16 << 20 }), ...(o.headChunkFileSize === undefined ? {} : { maxFileSize: o.headChunkFileSize }) };
    const mapper = await HeadChunkDiskMapper.open(join(dir, CHUNKS_HEAD_DIRNAME), mapperOpts);
    const walOpts: WlogOptions = {
      compression: o.walCompression ?? 'snappy', sync: o.walSync ?? 'write', logger,
      ...(o.walSegmentSize === undefined ? {} : { segmentSize: o.walSegmentSize }),
    };
    let wal: WalHandle | null = null;
    let wbl: WalHandle | null = null;
    try {
      const walDir = join(dir, WAL_DIRNAME);
      await mkdir(walDir, { recursive: true });
      let snap: LoadedSnapshot | null = null;
      if (o.enableMemorySnapshotOnShutdown === true) {
        snap = await loadSnapshotInto(core, dir, walDir, logger, res);
        if (snap === null && res.snapshotFailed) core = newCore();
      }
      core.mapper = mapper;
      const mmapped = await replayChunksHead(mapper, core, logger, res);
      if (snap !== null && res.chunksHeadRepaired) {
        // Chunks the snapshot's series relied on may be gone: rebuild from the WAL alone.
        const lastRef = core.lastSeriesRef;
        core = newCore();
        core.mapper = mapper;
        core.lastSeriesRef = lastRef;
        snap = null;
      }
      if (snap !== null) attachSnapshotSeries(core, snap, mmapped, res);
      if (res.snapshotFailed) core.counters.snapshotReplayErrors = 1;
      const multiRef = new Map<number, number>();
      const from = snap === null ? undefined : { segment: snap.index, offset: snap.offset };
      await replayWal(core, { walDir, mmapped, multiRef, logger, onProgress: o.onReplayProgress, status, from }, res);
      // As Prometheus: a WBL is used with an out-of-order window, and replayed whenever it holds data.
      const wblDir = join(dir, WBL_DIRNAME);
      const useWbl = oooWindow > 0 || (await dirSize(wblDir).catch(() => 0)) > 0;
      if (useWbl) {
        await mkdir(wblDir, { recursive: true });
        await replayWbl(core, { wblDir, lastMmapRef: mmapped.lastRef, multiRef, logger }, res);
      }
      if (core.minTime < core.minValidTime) core.minTime = core.minValidTime;
      gc(core, core.minValidTime, new Map());
      wal = await WalHandle.open(walDir, walOpts, logger);
      if (useWbl) wbl = await WalHandle.open(wblDir, walOpts, logger);
    } catch (e) {
      await wal?.close().catch(() => undefined);
      await mapper.close().catch(() => undefined);
      throw e;
    }
    res.seconds = (performance.now() - t0) / 1000;
    core.counters.replaySeconds = res.seconds;
    status.done = true;
    o.onReplayProgress?.({ ...status });
    logger.info('WAL replay completed', { total_replay_duration: `${res.seconds.toFixed(3)}s`, series: res.series, samples: res.samples });
    const h = new Head(dir, core, mapper, wal, wbl, o, status, res, walOpts);
    if (o.registry !== undefined) {
      h.#unregister = registerHeadMetrics(o.registry, {
        counters: core.counters,
        numSeries: () => core.postings.numSeries,
        numStaleSeries: () => h.numStaleSeries(),
        minTime: () => (core.initialized() ? core.minTime : 0),
        maxTime: () => (core.initialized() ? core.maxTime : 0),
        walStats: () => wal.stats(),
        wblStats: () => h.#wbl?.stats() ?? null,
        exemplarStats: () => ({
          appended: core.exemplars.appended, inStorage: core.exemplars.size, series: core.exemplars.seriesCount,
          max: core.exemplars.capacity, outOfOrder: core.exemplars.outOfOrder, oldest: core.exemplars.oldestTime(),
        }),
        chunksStorageBytes: () => mapper.listFiles().reduce((a, f) => a + f.size, 0),
      });
    }
    return h;
  }

  appender(): Appender {
    if (this.#closed) throw new Error('head is closed');
    this.#core.counters.activeAppenders++;
    this.#core.counters.appendersCreated++;
    return new HeadAppender(this.#host);
  }

  async #commit(b: Batch): Promise<void> {
    if (this.#closed) {
      this.#release(b);
      throw new Error('write to WAL: head is closed');
    }
    const p = commitBatch(this.#ctx, b).finally(() => { this.#release(b); });
    this.#inflight.add(p);
    try {
      await p;
    } finally {
      this.#inflight.delete(p);
    }
  }

  #release(b: Batch): void {
    for (let i = 0; i < b.nTouched; i++) {
      const s = b.touched[i]!;
      s.pending--;
      if (s.batch === b) {
        s.batch = null;
        s.batchIdx = -1;
        s.groupIdx = -1;
      }
    }
    b.reset();
    // As many as are in use at once (commits waiting for a slow disk): a batch made anew
    // grows its arrays again and, living across the WAL write, ends up as old-space garbage.
    if (this.#pool.length < BATCH_POOL_MAX) this.#pool.push(b);
  }

  querier(mint: Millis, maxt: Millis): Promise<Querier> {
    if (this.#closed) return Promise.reject(new Error('head is closed'));
    return Promise.resolve(new HeadQuerier(this.#host, mint, maxt));
  }

  exemplars(mint: Millis, maxt: Millis, matcherSets: readonly (readonly Matcher[])[]): Promise<ExemplarQueryResult[]> {
    return Promise.resolve(this.#core.exemplars.query(mint, maxt, matcherSets));
  }

  /** Oldest in-order sample time (or the truncation point); NaN while the head is empty. */
  get minTime(): number {
    return this.#core.initialized() ? this.#core.minTime : NaN;
  }

  /** Newest in-order sample time; NaN while the head is empty. */
  get maxTime(): number {
    return this.#core.initialized() ? this.#core.maxTime : NaN;
  }

  /** Out-of-order sample bounds; NaN when there is none. */
  get oooTimeRange(): { min: number; max: number } {
    const c = this.#core;
    return c.minOOOTime === Infinity ? { min: NaN, max: NaN } : { min: c.minOOOTime, max: c.maxOOOTime };
  }

  get numSeries(): number {
    return this.#core.postings.numSeries;
  }

  get chunkRange(): number {
    return this.#core.opts.chunkRange;
  }

  /** Samples older than this are rejected as out of bounds (NaN while the head is empty and unbounded). */
  appendableMinValidTime(): number {
    const t = this.#core.appendableMinValidTime();
    return Number.isFinite(t) ? t : NaN;
  }

  /** Whether the head spans more than 1.5 chunk ranges: time to write a block, as Prometheus decides. */
  compactable(): boolean {
    const c = this.#core;
    return c.initialized() && c.maxTime - c.minTime > (c.opts.chunkRange / 2) * 3;
  }

  /** WAL replay progress (done after open). */
  replayStatus(): ReplayStatus {
    return { ...this.#replayStatus };
  }

  /** What the replay at open read, and how long it took. */
  replayResult(): ReplayResult {
    return { ...this.#replay };
  }

  stats(limit = 10): HeadStats {
    return headStats(this.#core, limit);
  }

  /** Metadata of the series' metric names, newest per series (needs updateMetadata calls). */
  metadata(metric = ''): Map<string, { type: string; help: string; unit: string }[]> {
    const out = new Map<string, { type: string; help: string; unit: string }[]>();
    for (const s of this.#core.series.values()) {
      if (s.meta === null || !s.inIndex) continue;
      const name = s.labels.get('__name__');
      if (metric !== '' && name !== metric) continue;
      let l = out.get(name);
      if (l === undefined) out.set(name, (l = []));
      const m = s.meta;
      if (!l.some((x) => x.type === m.type && x.help === m.help && x.unit === m.unit)) l.push(m);
    }
    return out;
  }

  /**
   * Deletes the samples in [mint, maxt] of the series matching the matchers: a tombstones
   * record goes to the WAL, then reads skip them (and blocks written later leave them out).
   */
  async delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    const core = this.#core;
    const p = await postingsForMatchers(core.postings, matchers);
    const stones: Tombstone[] = [];
    while (p.next()) {
      const s = core.series.get(p.at());
      if (s === undefined) continue;
      if (s.minTime() > maxt || s.maxTime() < mint) continue;
      stones.push({ ref: s.ref, mint, maxt });
    }
    if (stones.length === 0) return;
    await this.#wal.log([this.#ctx.encoder.tombstones(stones, new Encbuf(64 + stones.length * 32))]);
    for (const t of stones) core.tombstones.addInterval(t.ref, { mint: t.mint, maxt: t.maxt });
  }

  /**
   * The series and chunks of [mint, maxt) for a new block, sorted as the index needs them;
   * chunks crossing the range ends or holding deleted samples are re-encoded.
   */
  chunksForBlock(mint: number, maxt: number): BlockSource {
    return chunksForBlock(this.#core, this.#host, mint, maxt);
  }

  /** `chunksForBlock` for the series `refs` only (a stale series compaction's blocks). */
  seriesChunksForBlock(refs: ReadonlySet<number>, mint: number, maxt: number): BlockSource {
    return chunksForBlock(this.#core, this.#host, mint, maxt, refs);
  }

  /**
   * The stale series a stale series compaction may take out of the head: those whose newest
   * in-order sample is a stale marker, without out-of-order data, as Prometheus picks them;
   * in ref order.
   */
  staleSeriesRefs(): number[] {
    const out: number[] = [];
    for (const s of this.#core.series.values()) if (isStale(s)) out.push(s.ref);
    return out.sort((a, b) => a - b);
  }

  /** How many series of the head are stale (`prometheus_tsdb_head_stale_series`). */
  numStaleSeries(): number {
    let n = 0;
    for (const s of this.#core.series.values()) if (isStaleSeries(s)) n++;
    return n;
  }

  /**
   * Deletes the series of `refs` that a stale series compaction wrote to blocks up to `maxt`:
   * those still stale, with nothing newer than `maxt` and no append in flight (others got
   * samples meanwhile and stay). The WAL records each deletion as a tombstone over all time,
   * so that a replay deletes the series again, as Prometheus does. Returns how many went.
   */
  async deleteStaleSeries(refs: readonly number[], maxt: number): Promise<number> {
    const core = this.#core;
    const stones: Tombstone[] = [];
    // Deleted in one turn, before anything else can append: a sample arriving afterwards
    // makes a new series (a new ref), so no WAL sample ever follows a deleting tombstone.
    for (const ref of refs) {
      const s = core.series.get(ref);
      if (s === undefined || !isStale(s) || s.maxTime() > maxt) continue;
      core.deleteSeries(s);
      stones.push({ ref, mint: -(2 ** 63), maxt: 2 ** 63 });
    }
    if (stones.length > 0) await this.#wal.log([this.#ctx.encoder.tombstones(stones, new Encbuf(64 + stones.length * 32))]);
    return stones.length;
  }

  /**
   * The out-of-order samples of [mint, maxt) for a block of their own (it overlaps in-order
   * blocks). Write it before `truncateMemory` passes maxt: truncation drops out-of-order
   * chunks that end before its mint.
   */
  oooChunksForBlock(mint: number, maxt: number, c: OOOCompaction | null = null): BlockSource {
    return oooChunksForBlock(this.#core, this.#host, mint, maxt, c === null ? Infinity : c.lastMmapRef);
  }

  #waitReads(): Promise<void> {
    if (this.#reads === 0) return Promise.resolve();
    return new Promise((r) => { this.#readsDone.push(r); });
  }

  /**
   * Drops everything before mint after a block holding it was written: chunks and the series
   * left empty (garbage collected), and chunks_head files no longer referenced. Samples older
   * than mint are rejected from then on (out of bounds).
   */
  async truncateMemory(mint: number): Promise<GCResult | null> {
    const core = this.#core;
    if (core.initialized() && core.minTime >= mint) return null;
    core.counters.truncations++;
    try {
      if (mint > core.minValidTime) core.minValidTime = mint;
      core.minTime = mint;
      if (core.maxTime < mint) core.maxTime = mint;
      const r = gc(core, mint, this.#expiries);
      if (r.actualMint !== Infinity && r.actualMint > core.minTime) core.minTime = r.actualMint;
      await this.#waitReads();
      await this.#mapper.truncate(r.minMmapFile === Infinity ? Number.MAX_SAFE_INTEGER : r.minMmapFile);
      return r;
    } catch (e) {
      core.counters.truncationsFailed++;
      throw e;
    }
  }

  /** Checkpoints and truncates the WAL as Prometheus does at head compaction (samples before mint dropped). */
  async truncateWAL(mint: number): Promise<void> {
    if (mint <= this.#lastWalTruncation) return;
    this.#lastWalTruncation = mint;
    await truncateWAL(this.#core, mint, this.#expiries, { wal: this.#wal, compression: this.#compression, enableSTStorage: this.#core.chunkOpts.storeST, logger: this.#logger });
  }

  /**
   * Starts an out-of-order compaction, as Prometheus's OOO compaction head does: the WBL moves
   * on to a new segment, every open out-of-order chunk is written to chunks_head, and the
   * result names what the blocks will hold: the out-of-order chunks up to `lastMmapRef`, over
   * [mint, maxt]. Null when the head has no out-of-order data. Pass the result to
   * `oooChunksForBlock`, then (blocks written) to `truncateOOO`.
   */
  async prepareOOOCompaction(): Promise<OOOCompaction | null> {
    const core = this.#core;
    const lastWBLFile = this.#wbl !== null ? await this.#wbl.wal.nextSegment() : 0;
    let lastMmapRef = -1, mint = Infinity, maxt = -Infinity;
    for (const s of core.series.values()) {
      const f = s.ooo;
      if (f === null) continue;
      core.mmapOOO(s);
      const m = f.mm;
      for (let i = 0; m !== null && i < f.mmLen; i += MM_STRIDE) {
        if (m[i]! > lastMmapRef) lastMmapRef = m[i]!;
        if (m[i + 1]! < mint) mint = m[i + 1]!;
        if (m[i + 2]! > maxt) maxt = m[i + 2]!;
      }
    }
    if (lastMmapRef < 0) return null;
    return { lastWBLFile, lastMmapRef, mint, maxt };
  }

  /**
   * After the blocks of an out-of-order compaction are written: the out-of-order chunks they
   * hold leave the head (at this garbage collection), and WBL segments before the one the
   * compaction started go.
   */
  async truncateOOO(c: OOOCompaction): Promise<void> {
    const core = this.#core;
    if (c.lastMmapRef > core.minOOOMmapRef) {
      core.minOOOMmapRef = c.lastMmapRef;
      await this.#waitReads();
      const r = gc(core, core.initialized() ? core.minTime : core.minValidTime, this.#expiries);
      await this.#mapper.truncate(r.minMmapFile === Infinity ? Number.MAX_SAFE_INTEGER : r.minMmapFile);
    }
    if (this.#wbl !== null && c.lastWBLFile > 0) await this.#wbl.wal.truncate(c.lastWBLFile);
  }

  /** Flushes chunks_head buffers to disk (not needed for durability: the WAL has the samples). */
  async flushChunks(): Promise<void> {
    await this.#mapper.flush();
  }

  /** Waits for commits in flight, then closes the WAL, WBL and chunk files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inflight]);
    this.#unregister?.();
    const errs: unknown[] = [];
    for (const c of [() => this.#wal.close(), () => this.#wbl?.close(), () => this.#mapper.close()]) {
      try { await c(); } catch (e) { errs.push(e); }
    }
    if (errs.length === 0 && this.#snapshotOnClose) {
      try { await this.#chunkSnapshot(); } catch (e) { errs.push(new Error(`chunk snapshot: ${e instanceof Error ? e.message : String(e)}`, { cause: e })); }
    }
    if (errs.length > 0) throw new Error(`closing head: ${errs.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`, { cause: errs[0] });
  }

  /**
   * Sets the encoding of float chunks cut from now on, as a configuration reload does in
   * Prometheus (`storage.tsdb.chunk_encoding.floats`). Open chunks keep theirs: XOR and XOR2
   * take each other's samples, so nothing is cut early.
   */
  setFloatChunkEncoding(e: FloatChunkEncoding): void {
    this.#core.chunkOpts.floatEncoding = floatEncodingOf(e);
  }

  /** The encoding of float chunks cut from now on. */
  get floatChunkEncoding(): FloatChunkEncoding {
    return this.#core.chunkOpts.floatEncoding === Encoding.XOR2 ? 'xor2' : 'xor';
  }

  /**
   * Sets the out-of-order time window (ms, 0: out-of-order samples are rejected), as a
   * configuration reload does in Prometheus. The WBL is opened first when it is not running,
   * so that every out-of-order sample accepted afterwards is logged to it.
   */
  async setOutOfOrderTimeWindow(ms: number): Promise<void> {
    if (this.#closed) throw new Error('head is closed');
    const w = Number.isFinite(ms) && ms > 0 ? ms : 0;
    if (w > 0 && this.#wbl === null) {
      const wblDir = join(this.dir, WBL_DIRNAME);
      await mkdir(wblDir, { recursive: true });
      this.#wbl = await WalHandle.open(wblDir, this.#wblOpts, this.#logger);
      this.#ctx.wbl = this.#wbl;
    }
    this.#core.opts.oooWindow = w;
    this.#core.exemplars.oooWindow = w;
  }

  /** Sets the exemplar ring's capacity (a configuration reload), keeping the newest exemplars. */
  setMaxExemplars(n: number): void {
    this.#core.resizeExemplars(n);
  }

  /** Writes the chunk snapshot after the WAL and chunk files are closed (see snapshot.ts). */
  async #chunkSnapshot(): Promise<void> {
    const logger = this.#logger;
    const core = this.#core;
    for (const s of core.series.values()) {
      if (s.spill === null) continue;
      // Full chunks that chunks_head could not take live only in memory and the WAL: the
      // next start must replay the WAL, so no snapshot may stand in for it.
      logger.warn('Not writing a chunk snapshot: some full chunks could not be written to chunks_head');
      await deleteChunkSnapshots(this.dir, Infinity, Infinity);
      return;
    }
    logger.info('creating chunk snapshot');
    const t0 = performance.now();
    const { segment, offset } = this.#wal.wal.lastSegmentAndOffset();
    const st = await writeChunkSnapshot(core, this.dir, segment, offset, this.#compression, logger);
    logger.info('chunk snapshot complete', { duration: `${((performance.now() - t0) / 1000).toFixed(3)}s`, num_series: st.series, dir: st.dir });
  }

  /** @internal For tests and benchmarks: the core state. */
  get internals(): HeadCore {
    return this.#core;
  }
}

/** Whether the series is stale: indexed, with samples, its newest in-order one a stale marker. */
function isStaleSeries(s: MemSeries): boolean {
  return s.inIndex && s.lastStale && s.numChunks() > 0;
}

/** Whether a stale series compaction may take the series: stale, no out-of-order data, no append in flight. */
function isStale(s: MemSeries): boolean {
  return isStaleSeries(s) && s.ooo === null && s.pending === 0;
}
