/**
 * One series in the head: its labels and WAL ref, the open chunk it appends to, and the
 * metas of its full chunks, which live in `chunks_head/` (so memory holds one open chunk per
 * series). Appends here are the commit half of the head's appender: samples arrive in order
 * after the WAL write and are checked once more (another commit may have overtaken them).
 */
import { Encoding, XorChunk, newEmptyChunk, type Appender as ChunkAppender, type ChunkArena, type Chunk } from '../chunkenc/index.js';
import type { FloatHistogram, Histogram, Labels, Metadata, Millis } from '../../model/index.js';
import { floatChunkFull, histogramChunkFull, rangeForTimestamp, type CutState } from './chunk-cut.js';
import { histogramsEqual, type AnyHistogram } from './histogram-check.js';
import type { OOOFields } from './ooo-chunk.js';

/** What a sample is; stale markers are a flag beside the kind. */
export const enum Kind {
  None = 0,
  Float = 1,
  Histogram = 2,
  FloatHistogram = 3,
}

/**
 * Writes a full chunk to `chunks_head/` and returns its ref, or -1 when it could not (the
 * disk mapper failed): the series then keeps the chunk in memory (`spill`), so no committed
 * sample is lost from queries; a replay rebuilds it from the WAL.
 */
export interface ChunkSink {
  writeChunk(seriesRef: number, mint: number, maxt: number, chunk: Chunk): number;
}

export interface ChunkOpts {
  chunkRange: number;
  samplesPerChunk: number;
  sink: ChunkSink;
  /** Buffers of open XOR chunks; a chunk gives its buffer back when sealed. */
  arena: ChunkArena;
  /** Encoding of new float chunks: XOR, or XOR2 (`storage.tsdb.chunk_encoding.floats`). */
  floatEncoding: number;
  /**
   * Start timestamps are stored (`st-storage`): an open XOR chunk, which cannot hold them, is
   * cut at the next float sample when new chunks are XOR2, instead of being continued.
   */
  storeST: boolean;
  /**
   * Histogram chunks with start timestamps (encodings 5 and 6, `histograms-st-encoding`)
   * instead of 2 and 3; a chunk of the other kind is cut at the series' next histogram.
   */
  histogramST: boolean;
}

/** Stride of the m-mapped chunk metas: ref, mint, maxt, numSamples << 8 | encoding. */
export const MM_STRIDE = 4;

/**
 * Numbers of a series kept in a shared Float64Array (a page of the series table) rather than
 * in fields: a double field costs a separately allocated box, read through one more pointer.
 */
export const COLUMNS = 5;
const C_CHUNK_MINT = 0;
const C_CHUNK_MAXT = 1;
const C_NEXT_AT = 2;
const C_LAST_V = 3;
const C_SCRATCH = 4;

// Bits of MemSeries.#flags.
const F_IN_INDEX = 1;
const F_LOGGED = 2;
const F_LAST_STALE = 4;
const F_HIST_END = 8;
const F_KIND_SHIFT = 4;
const F_KIND_MASK = 3 << F_KIND_SHIFT;
const KINDS: readonly Kind[] = [Kind.None, Kind.Float, Kind.Histogram, Kind.FloatHistogram];

/**
 * What the batches of open appenders need per series. `batch` is the batch that last
 * touched the series (an appender holds one batch until commit or rollback); `pending`
 * counts the touches not yet committed or rolled back, over all batches.
 */
export interface BatchRef {
  /** Sample i's time, value and flags (see batch.ts). */
  readonly t: Float64Array;
  readonly v: Float64Array;
}

export class MemSeries implements CutState {
  readonly ref: number;
  readonly labels: Labels;
  // The open chunk; for XOR chunks `app` is the chunk itself.
  chunk: Chunk | null = null;
  app: ChunkAppender | null = null;
  /** The batch that last touched this series (see BatchRef), null when none is open. */
  batch: BatchRef | null = null;
  /** Index in `batch` of the newest in-order sample this series has there, -1 for none. */
  batchIdx = -1;
  /** Grouping of `batch` into WAL records (see batch.ts): the series' group (-1: none yet) and kind in it. */
  groupIdx = -1;
  groupRank: Kind = Kind.None;
  /** Open batches holding samples, exemplars or metadata of this series (not yet committed or rolled back). */
  pending = 0;
  /** F_* bits: index and WAL membership, the newest sample's kind and staleness, histogram cut state. */
  #flags = 0;
  readonly #f: Float64Array;
  readonly #fi: number;

  /** Full chunks in chunks_head, oldest first, MM_STRIDE numbers each. A negative ref -k names spill[k-1]. */
  mm: Float64Array | null = null;
  mmLen = 0;
  /** Full chunks that could not be written to chunks_head. */
  spill: Chunk[] | null = null;

  /** The newest sample's histogram (null for floats). */
  lastH: AnyHistogram | null = null;
  meta: Metadata | null = null;
  ooo: OOOFields | null = null;
  /** Slots of the oldest and newest exemplar in the exemplar ring, -1 when none. */
  exOldest = -1;
  exNewest = -1;

  /**
   * `cols[at .. at + COLUMNS)` hold the series' numbers (see SeriesTable.columns); without
   * them the series gets its own.
   */
  constructor(ref: number, labels: Labels, cols?: Float64Array, at = 0) {
    this.ref = ref;
    this.labels = labels;
    this.#f = cols ?? new Float64Array(COLUMNS);
    this.#fi = cols === undefined ? 0 : at;
    this.#f.fill(0, this.#fi, this.#fi + COLUMNS);
    this.#f[this.#fi + C_SCRATCH] = -Infinity;
  }

  /** Whether the series is in the postings index (it is from its first commit on). */
  get inIndex(): boolean { return (this.#flags & F_IN_INDEX) !== 0; }
  set inIndex(b: boolean) { this.#flags = b ? this.#flags | F_IN_INDEX : this.#flags & ~F_IN_INDEX; }
  /** Whether a series record of it is in the WAL. */
  get logged(): boolean { return (this.#flags & F_LOGGED) !== 0; }
  set logged(b: boolean) { this.#flags = b ? this.#flags | F_LOGGED : this.#flags & ~F_LOGGED; }
  /** The newest sample's kind, and whether it is a stale marker. */
  get lastKind(): Kind { return KINDS[(this.#flags & F_KIND_MASK) >> F_KIND_SHIFT]!; }
  set lastKind(k: Kind) { this.#flags = (this.#flags & ~F_KIND_MASK) | (k << F_KIND_SHIFT); }
  get lastStale(): boolean { return (this.#flags & F_LAST_STALE) !== 0; }
  set lastStale(b: boolean) { this.#flags = b ? this.#flags | F_LAST_STALE : this.#flags & ~F_LAST_STALE; }
  /** The newest float value (0 for histograms). */
  get lastV(): number { return this.#f[this.#fi + C_LAST_V]!; }
  set lastV(v: number) { this.#f[this.#fi + C_LAST_V] = v; }

  // The open chunk's range and predicted end (CutState).
  get chunkMint(): number { return this.#f[this.#fi + C_CHUNK_MINT]!; }
  set chunkMint(t: number) { this.#f[this.#fi + C_CHUNK_MINT] = t; }
  get chunkMaxt(): number { return this.#f[this.#fi + C_CHUNK_MAXT]!; }
  set chunkMaxt(t: number) { this.#f[this.#fi + C_CHUNK_MAXT] = t; }
  get nextAt(): number { return this.#f[this.#fi + C_NEXT_AT]!; }
  set nextAt(t: number) { this.#f[this.#fi + C_NEXT_AT] = t; }
  get histogramEndComputed(): boolean { return (this.#flags & F_HIST_END) !== 0; }
  set histogramEndComputed(b: boolean) { this.#flags = b ? this.#flags | F_HIST_END : this.#flags & ~F_HIST_END; }

  /** A number the WAL replay keeps per series while it runs (the newest time seen in the WAL). */
  get scratch(): number { return this.#f[this.#fi + C_SCRATCH]!; }
  set scratch(t: number) { this.#f[this.#fi + C_SCRATCH] = t; }

  /** Time of the newest in-order sample, or -Infinity when none. */
  maxTime(): number {
    if (this.chunk !== null) return this.chunkMaxt;
    if (this.mmLen > 0) return this.mm![this.mmLen - MM_STRIDE + 2]!;
    return -Infinity;
  }

  minTime(): number {
    if (this.mmLen > 0) return this.mm![1]!;
    if (this.chunk !== null) return this.chunkMint;
    return Infinity;
  }

  numChunks(): number {
    return this.mmLen / MM_STRIDE + (this.chunk !== null ? 1 : 0);
  }

  pushMmapped(ref: number, mint: number, maxt: number, numSamples: number, encoding: number): void {
    if (this.mm === null) this.mm = new Float64Array(MM_STRIDE * 2);
    else if (this.mmLen + MM_STRIDE > this.mm.length) {
      const n = new Float64Array(this.mm.length * 2);
      n.set(this.mm);
      this.mm = n;
    }
    const m = this.mm;
    const i = this.mmLen;
    m[i] = ref;
    m[i + 1] = mint;
    m[i + 2] = maxt;
    m[i + 3] = numSamples * 256 + encoding;
    this.mmLen += MM_STRIDE;
  }

  /** Drops the m-mapped chunks that end before mint; returns how many. */
  truncateMmapped(mint: number): number {
    const m = this.mm;
    if (m === null) return 0;
    let k = 0;
    while (k < this.mmLen && m[k + 2]! < mint) k += MM_STRIDE;
    if (k === 0) return 0;
    m.copyWithin(0, k, this.mmLen);
    this.mmLen -= k;
    if (this.mmLen === 0) this.mm = null;
    if (this.spill !== null) this.#compactSpill();
    return k / MM_STRIDE;
  }

  #compactSpill(): void {
    const m = this.mm;
    const old = this.spill!;
    const kept: Chunk[] = [];
    for (let i = 0; m !== null && i < this.mmLen; i += MM_STRIDE) {
      const r = m[i]!;
      if (r < 0) {
        kept.push(old[-r - 1]!);
        m[i] = -kept.length;
      }
    }
    this.spill = kept.length > 0 ? kept : null;
  }

  /** The full chunk a negative ref names. */
  spilled(ref: number): Chunk {
    return this.spill![-ref - 1]!;
  }

  /** Writes the open chunk out (it is full or the series is cut) and forgets it. */
  #mmapOpen(o: ChunkOpts): void {
    const c = this.chunk;
    if (c === null) return;
    // Nothing appends to it any more: its exact bytes are kept, its arena buffer reused.
    if (c instanceof XorChunk) c.seal();
    if (c.numSamples() === 0) return;
    let ref = o.sink.writeChunk(this.ref, this.chunkMint, this.chunkMaxt, c);
    if (ref < 0) {
      (this.spill ??= []).push(c);
      ref = -this.spill.length;
    }
    this.pushMmapped(ref, this.chunkMint, this.chunkMaxt, c.numSamples(), c.encoding);
  }

  #cut(t: number, encoding: number, o: ChunkOpts): void {
    this.#mmapOpen(o);
    const c = encoding === Encoding.XOR ? XorChunk.emptyIn(o.arena) : newEmptyChunk(encoding);
    this.chunk = c;
    this.app = c.appender();
    this.chunkMint = t;
    this.chunkMaxt = -Infinity;
    this.nextAt = rangeForTimestamp(t, o.chunkRange);
    this.histogramEndComputed = false;
  }

  /**
   * Appends an in-order float sample or stale marker. Returns 1 when appended and a chunk
   * was cut, 0 when appended, -1 when t is not after the newest sample (dropped).
   */
  appendFloat(t: number, v: number, stale: boolean, o: ChunkOpts, st = 0): number {
    if (t <= this.maxTime()) return -1;
    let created = 0;
    let c = this.chunk;
    // No appender: a chunk restored from a snapshot, which the next sample cuts (see restoreOpen).
    // XOR and XOR2 take each other's samples: a change of the setting applies from the next
    // chunk, except that with start timestamps stored an XOR chunk is not continued.
    if (c === null || (c.encoding !== Encoding.XOR && c.encoding !== Encoding.XOR2) || this.app === null
      || (o.storeST && c.encoding !== o.floatEncoding)) {
      this.#cut(t, o.floatEncoding, o);
      c = this.chunk!;
      created = 1;
    } else if (floatChunkFull(this, t, c.numSamples(), c.byteLength(), o.samplesPerChunk)) {
      this.#cut(t, o.floatEncoding, o);
      c = this.chunk!;
      created = 1;
    }
    if (stale) this.app!.appendStale(t as Millis, st);
    else this.app!.append(t as Millis, v, st);
    this.chunkMaxt = t;
    this.lastV = v;
    this.#flags = (this.#flags & ~(F_KIND_MASK | F_LAST_STALE)) | (Kind.Float << F_KIND_SHIFT) | (stale ? F_LAST_STALE : 0);
    this.lastH = null;
    return created;
  }

  /**
   * Appends an in-order histogram (h), float histogram (fh) or, with both null, a stale
   * histogram marker of the series' current histogram kind (`staleKind`). Same result codes
   * as appendFloat.
   */
  appendHistogram(t: number, h: Histogram | null, fh: FloatHistogram | null, staleKind: Kind, o: ChunkOpts, st = 0): number {
    if (t <= this.maxTime()) return -1;
    const isFloat = fh !== null || (h === null && staleKind === Kind.FloatHistogram);
    const enc = isFloat ? (o.histogramST ? Encoding.FloatHistogramST : Encoding.FloatHistogram) : (o.histogramST ? Encoding.HistogramST : Encoding.Histogram);
    let prev: ChunkAppender | null = this.app;
    let created = 0;
    const c = this.chunk;
    if (c === null || c.encoding !== enc) {
      this.#cut(t, enc, o);
      created = 1;
    } else {
      if (c.numSamples() === 0) this.chunkMint = t;
      if (histogramChunkFull(this, t, c.numSamples(), c.byteLength(), o.chunkRange)) {
        this.#cut(t, enc, o);
        created = 1;
      }
    }
    if (created === 0) prev = null;
    const app = this.app!;
    const r = h !== null ? app.appendHistogram(prev, t as Millis, h, false, st)
      : fh !== null ? app.appendFloatHistogram(prev, t as Millis, fh, false, st)
        : app.appendStaleHistogram(prev, t as Millis, false, st);
    this.app = r.appender;
    if (r.chunk !== null) {
      if (r.recoded) {
        this.chunk = r.chunk;
      } else {
        // The appender started a new chunk (counter reset, layout change): the old one is full.
        this.#mmapOpen(o);
        this.chunk = r.chunk;
        this.chunkMint = t;
        this.nextAt = rangeForTimestamp(t, o.chunkRange);
        this.histogramEndComputed = false;
        created = 1;
      }
    }
    this.chunkMaxt = t;
    this.lastKind = isFloat ? Kind.FloatHistogram : Kind.Histogram;
    this.lastV = 0;
    this.lastStale = h === null && fh === null;
    this.lastH = h ?? fh;
    return created;
  }

  /**
   * Makes `chunk` (read from a chunk snapshot) the open chunk, with the newest sample's
   * value. As in Prometheus, the next sample starts a new chunk (`nextAt` is the chunk's
   * end), so a float chunk needs no appender; a histogram chunk gets one, since a chunk
   * of few histograms may still take more.
   */
  restoreOpen(chunk: Chunk, mint: number, maxt: number, kind: Kind, lastV: number, stale: boolean, lastH: AnyHistogram | null): void {
    this.chunk = chunk;
    this.app = kind === Kind.Float ? null : chunk.appender();
    this.chunkMint = mint;
    this.chunkMaxt = maxt;
    this.nextAt = maxt;
    this.histogramEndComputed = false;
    this.lastV = kind === Kind.Float ? lastV : 0;
    this.#flags = (this.#flags & ~(F_KIND_MASK | F_LAST_STALE)) | (kind << F_KIND_SHIFT) | (stale ? F_LAST_STALE : 0);
    this.lastH = stale ? null : lastH;
  }

  /** Forgets the open chunk (all its samples are older than what the head keeps). */
  dropOpen(): void {
    const c = this.chunk;
    // A querier may still read it: keep its bytes, give back its arena buffer.
    if (c instanceof XorChunk) c.seal();
    this.chunk = null;
    this.app = null;
  }

  /** Writes the open chunk to chunks_head when nothing can be appended to it any more (its range ended). */
  mmapIfBefore(t: number, o: ChunkOpts): boolean {
    if (this.chunk === null || this.chunkMaxt >= t || this.nextAt > t) return false;
    this.#mmapOpen(o);
    this.chunk = null;
    this.app = null;
    return true;
  }
}

/**
 * Whether a sample equals another at the same timestamp: floats by bits (so NaN equals NaN,
 * 0 differs from -0), a stale marker only a stale marker, histograms by value.
 */
export function sameSample(kind: Kind, v: number, stale: boolean, h: AnyHistogram | null, k2: Kind, v2: number, stale2: boolean, h2: AnyHistogram | null): boolean {
  if (stale || stale2) return stale === stale2 && (kind === k2 || kind === Kind.Float || k2 === Kind.Float);
  if (kind !== k2) return false;
  if (kind === Kind.Float) return Object.is(v, v2);
  return h !== null && h2 !== null && histogramsEqual(h, h2);
}
