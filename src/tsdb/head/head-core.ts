/**
 * The head's state and the rules that change it, shared by the appender's commit and the
 * WAL replay (so that what a commit makes visible is exactly what a replay rebuilds): the
 * series by ref and by labels, the postings index, the time bounds, and applying one sample
 * to a series (in order into its open chunk, or into its out-of-order chunk within the
 * window). Nothing here does I/O except handing full chunks to the chunk disk mapper, whose
 * `writeChunk` is synchronous.
 */
import type { FloatHistogram, Histogram, Labels, Millis } from '../../model/index.js';
import type { Logger } from '../../util/log.js';
import { MemTombstones } from '../tombstones/index.js';
import { ChunkArena, type Chunk } from '../chunkenc/index.js';
import type { HeadChunkDiskMapper } from '../chunks/index.js';
import { ExemplarRing } from './exemplars.js';
import { HeadCounters } from './metrics.js';
import { OOOChunk, OOOFields } from './ooo-chunk.js';
import { HeadPostings } from './postings-index.js';
import { staleHistogram, type AnyHistogram } from './histogram-check.js';
import { Kind, MemSeries, type ChunkOpts, type ChunkSink } from './series.js';
import { SeriesTable } from './series-table.js';
import { SeriesByLabels } from './series-by-labels.js';

export interface CoreOptions {
  chunkRange: number;
  samplesPerChunk: number;
  /** Encoding of new float chunks (Encoding.XOR or Encoding.XOR2). */
  floatEncoding: number;
  /** Start timestamps are stored (`st-storage`; see ChunkOpts.storeST). */
  storeST: boolean;
  /** Histogram chunks with start timestamps (`histograms-st-encoding`; see ChunkOpts). */
  histogramST: boolean;
  maxExemplars: number;
  oooWindow: number;
  oooCapMax: number;
  minValidTime: number;
  logger: Logger;
}

/** The outcome of applying one sample. */
export const enum Applied {
  InOrder = 0,
  OutOfOrder = 1,
  /** Same time as a sample already there: dropped (a silent duplicate or a lost race). */
  Duplicate = 2,
  Rejected = 3,
}

/** An out-of-order sample accepted at commit, for the WBL. */
export interface OOOAccepted {
  s: MemSeries;
  t: number;
  v: number;
  stale: boolean;
  kind: Kind;
  /** The histogram (a stale marker's too) for histogram kinds, else null. */
  h: AnyHistogram | null;
  /** Refs of OOO chunks written to chunks_head just before this sample (WBL m-map markers). */
  mmapped: number[] | null;
  /** Start timestamp (0: none). */
  st: number;
}

export class HeadCore implements ChunkSink {
  readonly opts: CoreOptions;
  readonly series = new SeriesTable();
  /** Series by label set (see series-by-labels.ts), for lookups without a ref. */
  readonly byLabels = new SeriesByLabels<MemSeries>();
  readonly postings = new HeadPostings();
  exemplars: ExemplarRing;
  readonly tombstones = new MemTombstones();
  readonly counters = new HeadCounters();
  readonly chunkOpts: ChunkOpts;
  mapper: HeadChunkDiskMapper | null = null;
  lastSeriesRef = 0;
  /** In-order sample time bounds; Infinity/-Infinity while the head has none. */
  minTime = Infinity;
  maxTime = -Infinity;
  minOOOTime = Infinity;
  maxOOOTime = -Infinity;
  /** Out-of-order chunks with refs up to this are in blocks (dropped at the next GC); -1 for none. */
  minOOOMmapRef = -1;
  minValidTime: number;
  /** Chunk writes that failed; the chunk then stays in memory (see writeChunk). */
  chunkWriteErrors = 0;
  #lastChunkError: Error | null = null;

  constructor(opts: CoreOptions) {
    this.opts = opts;
    this.minValidTime = opts.minValidTime;
    this.exemplars = new ExemplarRing(opts.maxExemplars, opts.oooWindow);
    this.chunkOpts = { chunkRange: opts.chunkRange, samplesPerChunk: opts.samplesPerChunk, sink: this, arena: new ChunkArena(), floatEncoding: opts.floatEncoding, storeST: opts.storeST, histogramST: opts.histogramST };
  }

  /**
   * Gives the exemplar ring a new capacity (a configuration reload's `max_exemplars`), keeping
   * the newest exemplars that fit, as Prometheus's Resize does; 0 or less turns storage off.
   */
  resizeExemplars(capacity: number): void {
    const n = Math.max(0, Math.floor(capacity));
    const old = this.exemplars;
    if (n === old.capacity) return;
    const ring = new ExemplarRing(n, old.oooWindow);
    const kept: [MemSeries, Labels, number, number][] = [];
    old.forEachInOrder((s, labels, v, t) => { kept.push([s, labels, v, t]); });
    for (const s of this.series.values()) { s.exOldest = -1; s.exNewest = -1; }
    for (let i = Math.max(0, kept.length - n); i < kept.length; i++) {
      const [s, labels, v, t] = kept[i]!;
      if (this.series.get(s.ref) === s) ring.add(s, labels, v, t);
    }
    ring.appended = old.appended;
    ring.outOfOrder = old.outOfOrder;
    this.exemplars = ring;
  }

  initialized(): boolean {
    return this.maxTime !== -Infinity;
  }

  /** Appends below this are out of bounds: behind the last block, or half a chunk range behind the newest sample. */
  appendableMinValidTime(): number {
    if (!this.initialized()) return this.minValidTime;
    return Math.max(this.minValidTime, this.maxTime - this.opts.chunkRange / 2);
  }

  updateMinMax(mint: number, maxt: number): void {
    if (mint < this.minTime) this.minTime = mint;
    if (maxt > this.maxTime) this.maxTime = maxt;
  }

  /** The series of a ref if its labels are these, else the series of these labels, created if new. */
  lookup(ref: number, labels: Labels): MemSeries | undefined {
    if (ref > 0) {
      const s = this.series.get(ref);
      if (s !== undefined && (s.labels === labels || s.labels.equals(labels))) return s;
    }
    return this.byLabels.get(labels);
  }

  /** A new series with the next ref (labels already validated). Not in the index until committed. */
  create(labels: Labels): MemSeries {
    const ref = ++this.lastSeriesRef;
    const { cols, at } = this.series.columns(ref);
    const s = new MemSeries(ref, labels, cols, at);
    this.series.set(s.ref, s);
    this.byLabels.set(s);
    this.counters.seriesCreated++;
    return s;
  }

  /** A series from a WAL series record; an existing one when the labels are known already. */
  createWithRef(ref: number, labels: Labels): { s: MemSeries; created: boolean } {
    const old = this.byLabels.get(labels);
    if (ref > this.lastSeriesRef) this.lastSeriesRef = ref;
    if (old !== undefined) return { s: old, created: false };
    // A ref already taken by other labels (a damaged WAL) must not share its numbers.
    const { cols, at } = this.series.has(ref) ? { cols: undefined, at: 0 } : this.series.columns(ref);
    const s = new MemSeries(ref, labels, cols, at);
    s.logged = true;
    this.series.set(ref, s);
    this.byLabels.set(s);
    this.counters.seriesCreated++;
    return { s, created: true };
  }

  index(s: MemSeries): void {
    if (s.inIndex) return;
    s.inIndex = true;
    this.postings.add(s.ref, s.labels);
  }

  /**
   * Removes a series and everything the head holds of it (chunks, exemplars, tombstones);
   * its m-mapped chunks stay in chunks_head until those files are truncated. For a series
   * that Prometheus's stale series compaction wrote to a block and then deleted, as the WAL
   * records with a tombstone over all time.
   */
  deleteSeries(s: MemSeries): void {
    if (this.series.get(s.ref) !== s) return;
    this.series.delete(s.ref);
    this.byLabels.delete(s);
    this.exemplars.forget(s);
    const gone = new Set([s.ref]);
    if (s.inIndex) this.postings.delete(gone, [s.labels]);
    this.tombstones.deleteTombstones(gone);
    this.counters.seriesRemoved++;
    this.counters.chunks -= s.numChunks();
    // Its open chunk's arena buffer goes back (a querier may still read the sealed bytes).
    s.dropOpen();
  }

  /** ChunkSink: writes a full chunk to chunks_head; -1 when that failed (the series keeps the chunk in memory). */
  writeChunk(seriesRef: number, mint: number, maxt: number, chunk: Chunk): number {
    if (this.mapper === null) return -1;
    try {
      return this.mapper.writeChunk(seriesRef, mint as Millis, maxt as Millis, chunk, false);
    } catch (e) {
      this.chunkWriteErrors++;
      const err = e instanceof Error ? e : new Error(String(e));
      if (this.#lastChunkError !== err) this.opts.logger.error('Writing head chunk failed; keeping chunks in memory', { err: err.message });
      this.#lastChunkError = err;
      return -1;
    }
  }

  /** Applies a float sample or stale marker (commit and replay). */
  applyFloat(s: MemSeries, t: number, v: number, stale: boolean, oooOut: OOOAccepted[] | null, st = 0): Applied {
    // A stale float for a series holding histograms becomes a stale histogram, as in Prometheus.
    if (stale && (s.lastKind === Kind.Histogram || s.lastKind === Kind.FloatHistogram) && t > s.maxTime()) {
      return this.applyHistogram(s, t, null, null, s.lastKind, oooOut, st);
    }
    const minValid = this.minValidTime;
    if (t >= minValid && t > s.maxTime()) {
      const cut = s.appendFloat(t, v, stale, this.chunkOpts, st);
      this.counters.samplesAppendedFloat++;
      if (cut === 1) { this.counters.chunks++; this.counters.chunksCreated++; }
      if (t < this.minTime) this.minTime = t;
      if (t > this.maxTime) this.maxTime = t;
      return Applied.InOrder;
    }
    if (t >= minValid && t === s.maxTime()) return Applied.Duplicate;
    return this.#applyOOO(s, t, v, stale, Kind.Float, null, oooOut, st);
  }

  /** A sample older than the series' newest: into the out-of-order chunk when the window takes it. */
  #applyOOO(s: MemSeries, t: number, v: number, stale: boolean, kind: Kind, h: AnyHistogram | null, oooOut: OOOAccepted[] | null, st = 0): Applied {
    const w = this.opts.oooWindow;
    const isFloat = kind === Kind.Float;
    const c = this.counters;
    if (w <= 0 || t < this.maxTime - w) {
      if (w > 0) { if (isFloat) c.tooOldFloat++; else c.tooOldHistogram++; }
      else if (t < this.minValidTime) { if (isFloat) c.outOfBoundFloat++; else c.outOfBoundHistogram++; }
      else if (isFloat) c.outOfOrderFloat++;
      else c.outOfOrderHistogram++;
      return Applied.Rejected;
    }
    if (!this.insertOOO(s, t, v, stale, kind, h, st)) return Applied.Duplicate;
    if (isFloat) c.oooAppendedFloat++; else c.oooAppendedHistogram++;
    oooOut?.push({ s, t, v, stale, kind, h, mmapped: this.oooMmapped, st });
    return Applied.OutOfOrder;
  }

  /**
   * Refs of the out-of-order chunks the last `insertOOO` wrote to chunks_head before it
   * started a new one (empty: it started the series' first), or null when it started none:
   * what the WBL's m-map markers record.
   */
  oooMmapped: number[] | null = null;

  /**
   * Inserts into the series' out-of-order chunk, writing it to chunks_head first when full
   * (see `oooMmapped`). False when a sample at t is there already. No window or bounds
   * check: the WBL replay inserts what was accepted before.
   */
  insertOOO(s: MemSeries, t: number, v: number, stale: boolean, kind: Kind, h: AnyHistogram | null, st = 0): boolean {
    const f = (s.ooo ??= new OOOFields());
    this.oooMmapped = null;
    if (f.head === null || f.head.length >= this.opts.oooCapMax) {
      this.oooMmapped = this.mmapOOO(s);
      if (f.head === null) {
        f.head = new OOOChunk();
        this.counters.chunks++;
        this.counters.chunksCreated++;
      }
    }
    if (!f.head.insert(t, v, stale, kind, h, st)) return false;
    if (t < this.minOOOTime) this.minOOOTime = t;
    if (t > this.maxOOOTime) this.maxOOOTime = t;
    return true;
  }

  /** Writes a series' open OOO chunk to chunks_head (OOO bit set, one or more chunks); returns the refs written. */
  mmapOOO(s: MemSeries): number[] {
    const f = s.ooo;
    if (f === null || f.head === null || f.head.length === 0 || this.mapper === null) return [];
    const encoded = f.head.encode(this.chunkOpts.floatEncoding, this.chunkOpts.histogramST);
    const refs: number[] = [];
    try {
      for (const e of encoded) refs.push(this.mapper.writeChunk(s.ref, e.mint as Millis, e.maxt as Millis, e.chunk, true));
    } catch (e) {
      // Keep the samples in the open OOO chunk; it grows past the cap until writes work again.
      // (Chunks written before the failure stay in chunks_head unused, as garbage.)
      this.chunkWriteErrors++;
      this.opts.logger.error('Writing out-of-order head chunk failed', { err: e instanceof Error ? e.message : String(e) });
      return [];
    }
    for (let i = 0; i < encoded.length; i++) {
      const e = encoded[i]!;
      f.pushMmapped(refs[i]!, e.mint, e.maxt, e.n, e.chunk.encoding);
    }
    f.head = null;
    return refs;
  }

  /**
   * Applies an integer histogram, a float histogram, or (both null) a stale histogram of kind
   * `staleKind`; older than the series' newest, into the out-of-order chunk (as floats).
   */
  applyHistogram(s: MemSeries, t: number, h: Histogram | null, fh: FloatHistogram | null, staleKind: Kind, oooOut: OOOAccepted[] | null = null, st = 0): Applied {
    if (t >= this.minValidTime && t > s.maxTime()) {
      const cut = s.appendHistogram(t, h, fh, staleKind, this.chunkOpts, st);
      this.counters.samplesAppendedHistogram++;
      if (cut === 1) { this.counters.chunks++; this.counters.chunksCreated++; }
      if (t < this.minTime) this.minTime = t;
      if (t > this.maxTime) this.maxTime = t;
      return Applied.InOrder;
    }
    if (t >= this.minValidTime && t === s.maxTime()) return Applied.Duplicate;
    const kind = h !== null ? Kind.Histogram : fh !== null ? Kind.FloatHistogram : staleKind;
    return this.#applyOOO(s, t, 0, h === null && fh === null, kind, h ?? fh ?? staleHistogram(), oooOut, st);
  }
}
