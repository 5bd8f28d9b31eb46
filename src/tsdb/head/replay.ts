/**
 * Start-up replay, as Prometheus's head does it: first the m-mapped chunks of `chunks_head/`
 * (per series ref), then the WAL (last checkpoint, then the segments after it): series
 * records recreate series with their refs and pick up their m-mapped chunks; samples already
 * covered by those chunks, or older than the min valid time, are skipped; the rest is applied
 * exactly as a commit applies it. A damaged chunks_head tail or WAL tail is logged and
 * repaired (everything before the damage is kept) and replay carries on, as Prometheus does;
 * a damaged checkpoint is an error.
 *
 * Out-of-order data comes back as in Prometheus: its m-mapped chunks from chunks_head (out-of-
 * order bit), then the WBL (replay-wbl.ts) for the samples after them. In the WAL, a sample not
 * newer than the series' newest sample seen so far in the replay was out of order when
 * committed and is skipped.
 */
import { CorruptionError, openReplay, repair, segmentRange } from '../wal/index.js';
import {
  RecordDecodeError, RecordDecoder, RecordType, SampleBatch,
  type RefExemplar, type RefFloatHistogramSample, type RefHistogramSample, type RefMetadata, type RefSeries, type Tombstone,
} from '../record/index.js';
import { HeadChunksCorruptionError, type HeadChunkDiskMapper, type HeadChunkInfo } from '../chunks/index.js';
import type { Logger } from '../../util/log.js';
import { Applied, type HeadCore } from './head-core.js';
import { Kind, MM_STRIDE, type MemSeries } from './series.js';
import { lastChunkSnapshot, loadChunkSnapshot, snapshotUsable, type LoadedSnapshot } from './snapshot.js';
import { DenseRefs, Pend, Pending, scanSamplesV1, type ScanCounts } from './replay-refs.js';
import { OOOFields } from './ooo-chunk.js';
import type { ReplayResult, ReplayStatus } from './options.js';
import { Encoding } from '../chunkenc/index.js';
import type { Millis } from '../../model/index.js';
import { MmappedChunks } from './replay-mmapped.js';
import { ReplayQueue } from './replay-queue.js';

/** Loads chunks_head's chunk metas by series ref (repairing a damaged tail). */
export async function replayChunksHead(mapper: HeadChunkDiskMapper, core: HeadCore, logger: Logger, res: ReplayResult): Promise<MmappedChunks> {
  const out = new MmappedChunks();
  const collect = (c: HeadChunkInfo): void => {
    // Refs of chunks on disk are never handed out again, even if the WAL forgot their series.
    if (c.seriesRef > core.lastSeriesRef) core.lastSeriesRef = c.seriesRef;
    out.add(c);
  };
  const reuse: HeadChunkInfo = { seriesRef: 0, chunkRef: 0, mint: 0 as Millis, maxt: 0 as Millis, numSamples: 0, encoding: 0, isOOO: false };
  logger.info('Replaying on-disk memory mappable chunks if any');
  const t0 = performance.now();
  try {
    await mapper.iterateAllChunks(collect, reuse);
  } catch (e) {
    if (!(e instanceof HeadChunksCorruptionError)) throw e;
    logger.error('Loading on-disk chunks failed', { err: e.message });
    core.counters.mmapChunkCorruptions++;
    // Keep every complete chunk before the damage; the WAL holds the samples after it.
    await mapper.repairCorrupted(e);
    res.chunksHeadRepaired = true;
  }
  logger.info('On-disk memory mappable chunks replay completed', { duration: `${((performance.now() - t0) / 1000).toFixed(3)}s` });
  return out;
}

/** The out-of-order chunks of a series (no bound: they go once a block holds them). */
function attachOOOChunks(core: HeadCore, s: MemSeries, m: MmappedChunks, ref: number, res: ReplayResult): void {
  let i = m.first(ref, true);
  if (i < 0) return;
  const f = (s.ooo ??= new OOOFields());
  for (; i >= 0; i = m.next[i]!) {
    const mint = m.mint[i]!, maxt = m.maxt[i]!;
    f.pushMmapped(m.chunkRef[i]!, mint, maxt, m.numSamples[i]!, m.encoding[i]);
    if (mint < core.minOOOTime) core.minOOOTime = mint;
    if (maxt > core.maxOOOTime) core.maxOOOTime = maxt;
    core.counters.chunks++;
    core.counters.chunksCreated++;
    res.mmappedChunks++;
  }
}

function attachChunks(core: HeadCore, s: MemSeries, m: MmappedChunks, ref: number, res: ReplayResult): void {
  let last = -1;
  for (let i = m.first(ref, false); i >= 0; i = m.next[i]!) {
    const mint = m.mint[i]!, maxt = m.maxt[i]!;
    if (maxt < core.minValidTime) continue;
    if (last >= 0 && mint <= m.maxt[last]!) continue; // overlapping leftovers of a duplicate series record
    s.pushMmapped(m.chunkRef[i]!, mint, maxt, m.numSamples[i]!, m.encoding[i]!);
    core.updateMinMax(mint, maxt);
    core.counters.chunks++;
    core.counters.chunksCreated++;
    res.mmappedChunks++;
    last = i;
  }
  if (last >= 0) {
    const e = m.encoding[last];
    s.lastKind = e === Encoding.Histogram || e === Encoding.HistogramST ? Kind.Histogram
      : e === Encoding.FloatHistogram || e === Encoding.FloatHistogramST ? Kind.FloatHistogram : Kind.Float;
  }
}

/**
 * Loads the newest chunk snapshot of `dataDir` into the empty `core` (see snapshot.ts); the
 * caller keeps it with attachSnapshotSeries. Null when there is none, when it is older than
 * the WAL's last segment (then deleted), or when it could not be read: then `res.snapshotFailed` is set and the caller must start over
 * with an empty core.
 */
export async function loadSnapshotInto(core: HeadCore, dataDir: string, walDir: string, logger: Logger, res: ReplayResult): Promise<LoadedSnapshot | null> {
  logger.info('Chunk snapshot is enabled, replaying from the snapshot');
  const t0 = performance.now();
  try {
    const ref = await lastChunkSnapshot(dataDir);
    if (ref === null || !(await snapshotUsable(dataDir, walDir, ref, logger))) return null;
    const snap = await loadChunkSnapshot(core, ref);
    const duration = `${((performance.now() - t0) / 1000).toFixed(3)}s`;
    logger.info('chunk snapshot loaded', { dir: snap.dir, num_series: snap.series.length, duration });
    logger.info('Chunk snapshot loading time', { duration });
    return snap;
  } catch (e) {
    res.snapshotFailed = true;
    logger.error('Failed to load chunk snapshot', { err: e instanceof Error ? e.message : String(e) });
    return null;
  }
}

/**
 * Keeps a loaded snapshot: counts what it gave and gives its series their m-mapped chunks. An
 * open chunk that chunks_head also holds (written after the snapshot was taken) is dropped, as
 * Prometheus does.
 */
export function attachSnapshotSeries(core: HeadCore, snap: LoadedSnapshot, m: MmappedChunks, res: ReplayResult): void {
  res.snapshotSeries = snap.series.length;
  res.series += snap.series.length;
  res.exemplars += snap.exemplars;
  res.tombstones += snap.tombstones;
  for (const s of snap.series) {
    const kind = s.lastKind;
    attachChunks(core, s, m, s.ref, res);
    attachOOOChunks(core, s, m, s.ref, res);
    if (s.chunk === null) continue;
    if (s.mmLen > 0 && s.mm![s.mmLen - MM_STRIDE + 2]! >= s.chunkMint) {
      s.dropOpen();
      core.counters.chunks--;
    } else {
      s.lastKind = kind;
    }
  }
}

/**
 * The newest time the WAL gave a series so far (-Infinity until then): in the dense arrays
 * for series whose ref they took at creation (mmMax set), else in the series' `scratch`.
 */
function walMaxT(d: DenseRefs, s: MemSeries): number {
  const r = s.ref;
  if (r < d.mmMax.length && d.mmMax[r] === d.mmMax[r]) return d.walMax[r]!;
  return s.scratch;
}

/**
 * Whether a WAL sample of a known series needs nothing: a repeat or out of order when
 * committed (not newer than what the WAL gave the series so far; out-of-order samples come
 * back from the WBL), or in an m-mapped chunk already. Records t as seen.
 */
function skipSeen(d: DenseRefs, s: MemSeries, t: number): boolean {
  const seen = walMaxT(d, s);
  seenT(d, s, t);
  return t <= seen || t <= s.maxTime();
}

function seenT(d: DenseRefs, s: MemSeries, t: number): void {
  const r = s.ref;
  if (r < d.mmMax.length && d.mmMax[r] === d.mmMax[r]) {
    if (t > d.walMax[r]!) d.walMax[r] = t;
  } else if (t > s.scratch) {
    s.scratch = t;
  }
}

export interface WalReplayOptions {
  walDir: string;
  mmapped: MmappedChunks;
  /** Refs of duplicate series records mapped to the series they repeat (filled here; the WBL replay uses it). */
  multiRef: Map<number, number>;
  logger: Logger;
  onProgress: ((p: ReplayStatus) => void) | undefined;
  status: ReplayStatus;
  /** The WAL position a loaded chunk snapshot covers (see openReplay); undefined without one. */
  from?: { segment: number; offset: number } | undefined;
}

/** Replays the WAL into the core; repairs a damaged tail. */
export async function replayWal(core: HeadCore, o: WalReplayOptions, res: ReplayResult): Promise<void> {
  const { logger } = o;
  const dec = new RecordDecoder();
  const multiRef = o.multiRef;
  const dense = new DenseRefs();
  // Series from a chunk snapshot: their samples so far are in their chunks.
  for (const s of core.series.values()) {
    if (dense.fits(s.ref, core.series.size)) dense.mmMax[s.ref] = s.maxTime();
  }
  const pending = new Pending();
  const queue = new ReplayQueue();
  const flush = (): void => { queue.flush(core, res); };
  const counts: ScanCounts = { skipped: 0 };
  const batch = new SampleBatch(4096);
  const series: RefSeries[] = [];
  const hs: RefHistogramSample[] = [];
  const fhs: RefFloatHistogramSample[] = [];
  const exs: RefExemplar[] = [];
  const metas: RefMetadata[] = [];
  const tss: Tombstone[] = [];
  const seriesOf = (ref: number): MemSeries | undefined => {
    const s = core.series.get(multiRef.size === 0 ? ref : multiRef.get(ref) ?? ref);
    if (s === undefined) res.unknownRefs++;
    return s;
  };
  logger.info('Replaying WAL, this may take a while');
  const plan = await openReplay(o.walDir, o.from);
  const { last } = await segmentRange(o.walDir);
  const st = o.status;
  st.min = plan.checkpoint?.index ?? Math.max(0, plan.segments.first ?? 0);
  st.max = Math.max(last, st.min);
  st.current = st.min;
  o.onProgress?.({ ...st });
  const r = plan.reader;
  let curSeg = -1, curDir = '';
  let segStart = performance.now();
  const segmentDone = (): void => {
    flush();
    if (curSeg < 0) return;
    if (curDir === o.walDir) logger.info('WAL segment loaded', { segment: curSeg, maxSegment: st.max, duration: `${((performance.now() - segStart) / 1000).toFixed(3)}s` });
    else logger.info('WAL checkpoint loaded');
    st.current = curSeg;
    o.onProgress?.({ ...st });
    segStart = performance.now();
  };
  let err: CorruptionError | null = null;
  try {
    while (r.nextBuffered() || await r.next()) {
      if (r.segment() !== curSeg || r.dir() !== curDir) {
        segmentDone();
        curSeg = r.segment();
        curDir = r.dir();
      }
      const rec = r.record();
      try {
        switch (dec.type(rec)) {
          case RecordType.Series:
            series.length = 0;
            dec.series(rec, series);
            for (const x of series) {
              const { s, created } = core.createWithRef(x.ref, x.labels);
              if (created) {
                core.index(s);
                attachChunks(core, s, o.mmapped, x.ref, res);
                attachOOOChunks(core, s, o.mmapped, x.ref, res);
                res.series++;
                if (s.ref === x.ref && dense.fits(x.ref, core.series.size)) dense.mmMax[x.ref] = s.maxTime();
              } else if (s.ref !== x.ref) {
                multiRef.set(x.ref, s.ref);
              }
            }
            break;
          case RecordType.Samples:
          case RecordType.SamplesV2:
            if (scanSamplesV1(rec, dense, core.series.size, core.minValidTime, pending, counts)) {
              replayPending(core, rec, pending, dense, seriesOf, res, queue);
              break;
            }
            flush();
            batch.reset();
            dec.samples(rec, batch);
            replaySamples(core, batch, dense, seriesOf, res);
            break;
          case RecordType.HistogramSamples:
          case RecordType.CustomBucketsHistogramSamples:
          case RecordType.HistogramSamplesV2:
            flush();
            hs.length = 0;
            dec.histogramSamples(rec, hs);
            for (const x of hs) {
              const s = seriesOf(x.ref);
              if (s === undefined || x.t < core.minValidTime || skipSeen(dense, s, x.t)) { res.skippedSamples++; continue; }
              if (core.applyHistogram(s, x.t, x.stale ? null : x.h, null, Kind.Histogram, null, x.st) === Applied.InOrder) res.histograms++;
            }
            break;
          case RecordType.FloatHistogramSamples:
          case RecordType.CustomBucketsFloatHistogramSamples:
          case RecordType.FloatHistogramSamplesV2:
            flush();
            fhs.length = 0;
            dec.floatHistogramSamples(rec, fhs);
            for (const x of fhs) {
              const s = seriesOf(x.ref);
              if (s === undefined || x.t < core.minValidTime || skipSeen(dense, s, x.t)) { res.skippedSamples++; continue; }
              if (core.applyHistogram(s, x.t, null, x.stale ? null : x.fh, Kind.FloatHistogram, null, x.st) === Applied.InOrder) res.histograms++;
            }
            break;
          case RecordType.Exemplars:
            exs.length = 0;
            dec.exemplars(rec, exs);
            for (const x of exs) {
              const s = x.t >= core.minValidTime ? seriesOf(x.ref) : undefined;
              if (s !== undefined && core.exemplars.add(s, x.labels, x.v, x.t)) res.exemplars++;
            }
            break;
          case RecordType.Metadata:
            metas.length = 0;
            dec.metadata(rec, metas);
            for (const x of metas) {
              const s = seriesOf(x.ref);
              if (s !== undefined) { s.meta = { type: x.type, help: x.help, unit: x.unit }; res.metadata++; }
            }
            break;
          case RecordType.Tombstones:
            tss.length = 0;
            dec.tombstones(rec, tss);
            for (const x of tss) {
              if (x.mint <= MIN_INT64 && x.maxt >= MAX_INT64) {
                // The series was deleted here (Prometheus's stale series compaction wrote it to
                // a block): it goes, and a later series record with its labels starts anew.
                const s = seriesOf(x.ref);
                if (s === undefined) continue;
                flush();
                core.deleteSeries(s);
                if (s.ref < dense.mmMax.length) dense.mmMax[s.ref] = NaN;
                res.deletedSeries++;
                continue;
              }
              if (x.maxt < core.minValidTime) continue;
              const s = seriesOf(x.ref);
              if (s !== undefined) { core.tombstones.addInterval(s.ref, { mint: x.mint, maxt: x.maxt }); res.tombstones++; }
            }
            break;
          default:
            break;
        }
      } catch (e) {
        if (!(e instanceof RecordDecodeError)) throw e;
        err = new CorruptionError(r.dir(), r.segment(), r.recordOffset(), `decode record: ${e.message}`, { cause: e });
        break;
      }
    }
    err ??= r.err();
  } finally {
    await r.close();
  }
  segmentDone();
  res.skippedSamples += counts.skipped;
  for (const s of core.series.values()) s.scratch = -Infinity;
  if (err !== null) {
    core.counters.walCorruptions++;
    if (err.dir !== o.walDir) throw new Error(`backfill checkpoint: ${err.message}`, { cause: err });
    logger.warn('Encountered WAL read error, attempting repair', { err: err.message });
    await repair(o.walDir, err, logger);
    logger.info('Successfully repaired WAL');
    res.walRepaired = true;
  }
  if (res.unknownRefs > 0) core.counters.replayUnknownRefs.set('samples', res.unknownRefs);
}

/** A tombstone from MinInt64 to MaxInt64 (as read into numbers) deletes its series. */
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Applies the samples `scanSamplesV1` left for the general path; values are read from the
 * record. In-order samples of series with their own ref go to the queue, unless the record
 * also holds a ref of another kind (a duplicate series record's): then the queue is flushed
 * and the whole record applied in order.
 */
function replayPending(core: HeadCore, rec: Uint8Array, p: Pending, d: DenseRefs, seriesOf: (ref: number) => MemSeries | undefined, res: ReplayResult, q: ReplayQueue): void {
  const minValid = core.minValidTime;
  let queued = true;
  for (let i = 0; i < p.n; i++) {
    if (p.kind[i] === Pend.General) { queued = false; break; }
  }
  if (!queued) q.flush(core, res);
  for (let i = 0; i < p.n; i++) {
    const ref = p.ref[i]!, t = p.t[i]!, at = p.at[i]!;
    const hi = ((rec[at]! << 24) | (rec[at + 1]! << 16) | (rec[at + 2]! << 8) | rec[at + 3]!) >>> 0;
    const lo = ((rec[at + 4]! << 24) | (rec[at + 5]! << 16) | (rec[at + 6]! << 8) | rec[at + 7]!) >>> 0;
    const stale = hi === 0x7ff00000 && lo === 2;
    u32[LITTLE ? 1 : 0] = hi;
    u32[LITTLE ? 0 : 1] = lo;
    const v = stale ? NaN : f64[0]!;
    const kind = p.kind[i];
    if (kind === Pend.InOrder) {
      if (queued) {
        if (q.full()) q.flush(core, res);
        q.push(ref, t, v, stale);
        continue;
      }
      const s = core.series.get(ref)!;
      if (core.applyFloat(s, t, v, stale, null) === Applied.InOrder) res.samples++;
      else res.skippedSamples++;
    } else if (kind === Pend.OutOfOrder) {
      res.skippedSamples++; // the WBL has it
    } else {
      // Pend.General: a ref without a series of its own.
      const s = seriesOf(ref);
      if (s === undefined || t < minValid) res.skippedSamples++;
      else replayOne(core, d, s, t, v, stale, res);
    }
  }
}

/** One float sample of a known series at or after the min valid time (see the file comment). */
function replayOne(core: HeadCore, d: DenseRefs, s: MemSeries, t: number, v: number, stale: boolean, res: ReplayResult, st = 0): void {
  if (skipSeen(d, s, t)) { res.skippedSamples++; return; }
  if (core.applyFloat(s, t, v, stale, null, st) === Applied.InOrder) res.samples++;
  else res.skippedSamples++;
}

function replaySamples(core: HeadCore, b: SampleBatch, d: DenseRefs, seriesOf: (ref: number) => MemSeries | undefined, res: ReplayResult): void {
  const minValid = core.minValidTime;
  let prevRef = -1;
  let s: MemSeries | undefined;
  for (let i = 0; i < b.length; i++) {
    const ref = b.ref[i]!;
    if (ref !== prevRef) { s = seriesOf(ref); prevRef = ref; }
    const t = b.t[i]!;
    if (s === undefined || t < minValid) { res.skippedSamples++; continue; }
    replayOne(core, d, s, t, b.v[i]!, b.stale[i] === 1, res, b.st[i]);
  }
}

