/**
 * One series in memory: its labels and its samples in columns (timestamps and values as
 * Float64Array, a kind byte per sample that also carries staleness, histograms in a sparse
 * side array only for series that have any). Samples live in [start, n) of the columns;
 * retention advances `start`, and compaction moves the live samples to the front. Once a
 * query has taken a snapshot of the columns (`shared`), compaction moves them to fresh
 * arrays instead, so that the snapshot stays consistent; otherwise it compacts in place,
 * which spares the scrape path from allocating (and page-faulting) new arrays.
 */
import type { FloatHistogram, Histogram, Labels, Metadata } from '../../model/index.js';

/** What a stored sample is; one byte per sample. Staleness is a kind, never a NaN payload. */
export const SampleKind = { Float: 0, Stale: 1, Histogram: 2, FloatHistogram: 3 } as const;
export type SampleKind = (typeof SampleKind)[keyof typeof SampleKind];

export type AnyHistogram = Histogram | FloatHistogram;

const INITIAL_CAPACITY = 8;

export class MemSeries {
  readonly id: number;
  readonly labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  kinds: Uint8Array;
  /** Histograms by sample index; null until the series gets its first histogram. */
  hs: (AnyHistogram | undefined)[] | null;
  start: number;
  n: number;
  /** Entries of uncommitted batches referring to this series; GC leaves it alone while > 0. */
  pending: number;
  /** Whether the series is in the label index (it gets there with its first committed sample). */
  indexed: boolean;
  /** The appender whose batch last touched this series, and that batch's last sample for it. */
  batchOwner: object | null;
  batchT: number;
  batchKind: SampleKind;
  batchV: number;
  batchH: AnyHistogram | null;
  /** Latest metadata recorded for the series. */
  meta: Metadata | null;
  /** Slots of the oldest and newest exemplar in the exemplar ring, -1 when none. */
  exOldest: number;
  exNewest: number;
  /** Whether a query snapshot may hold the current columns (they must then not be rewritten). */
  shared: boolean;

  constructor(id: number, labels: Labels) {
    this.id = id;
    this.labels = labels;
    this.ts = new Float64Array(INITIAL_CAPACITY);
    this.vs = new Float64Array(INITIAL_CAPACITY);
    this.kinds = new Uint8Array(INITIAL_CAPACITY);
    this.hs = null;
    this.start = 0;
    this.n = 0;
    this.pending = 0;
    this.indexed = false;
    this.batchOwner = null;
    this.batchT = 0;
    this.batchKind = SampleKind.Float;
    this.batchV = 0;
    this.batchH = null;
    this.meta = null;
    this.exOldest = -1;
    this.exNewest = -1;
    this.shared = false;
  }

  get numSamples(): number {
    return this.n - this.start;
  }

  push(t: number, v: number, kind: SampleKind, h: AnyHistogram | null): void {
    if (this.n === this.ts.length) this.#realloc(this.start >= this.ts.length >> 1 ? this.ts.length : this.ts.length * 2);
    const i = this.n;
    this.ts[i] = t;
    this.vs[i] = v;
    this.kinds[i] = kind;
    if (h !== null) {
      this.hs ??= [];
      this.hs[i] = h;
    }
    this.n = i + 1;
  }

  /** First index in [start, n) whose timestamp is >= t (n when none). */
  lowerBound(t: number): number {
    let lo = this.start, hi = this.n;
    const ts = this.ts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid]! < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** First index in [from, n) whose timestamp is > t (n when none). */
  upperBound(t: number, from: number): number {
    let lo = from, hi = this.n;
    const ts = this.ts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid]! <= t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Drops samples older than `t`; returns how many. Compacts once most of the columns are dead. */
  truncateBefore(t: number): number {
    const i = this.lowerBound(t);
    const removed = i - this.start;
    if (removed === 0) return 0;
    // Columns are left as they are (an iterator may still read them); compaction frees them.
    this.start = i;
    const live = this.n - i;
    if (live === 0) {
      if (this.ts.length > INITIAL_CAPACITY || this.shared) this.#realloc(INITIAL_CAPACITY);
      else { this.start = 0; this.n = 0; this.hs = null; }
    } else if (i >= this.ts.length >> 1) {
      let cap = INITIAL_CAPACITY;
      while (cap < live * 2) cap *= 2;
      this.#realloc(cap);
    }
    return removed;
  }

  /**
   * Removes the samples with timestamps in [mint, maxt]; returns how many. The survivors go
   * to fresh columns, so that query snapshots of the old ones stay consistent.
   */
  deleteRange(mint: number, maxt: number): number {
    const from = this.lowerBound(mint);
    const to = this.upperBound(maxt, from);
    const removed = to - from;
    if (removed === 0) return 0;
    const live = this.n - this.start - removed;
    let cap = INITIAL_CAPACITY;
    while (cap < live) cap *= 2;
    const ts = new Float64Array(cap), vs = new Float64Array(cap), kinds = new Uint8Array(cap);
    let hs: (AnyHistogram | undefined)[] | null = null;
    let k = 0;
    for (let i = this.start; i < this.n; i++) {
      if (i >= from && i < to) continue;
      ts[k] = this.ts[i]!;
      vs[k] = this.vs[i]!;
      kinds[k] = this.kinds[i]!;
      const h = this.hs?.[i];
      if (h !== undefined) (hs ??= [])[k] = h;
      k++;
    }
    this.ts = ts;
    this.vs = vs;
    this.kinds = kinds;
    this.hs = hs;
    this.start = 0;
    this.n = k;
    this.shared = false;
    return removed;
  }

  /** Moves the live samples to the front of columns of `cap` slots: in place when allowed, else to fresh arrays. */
  #realloc(cap: number): void {
    const start = this.start, n = this.n, live = n - start;
    if (!this.shared && cap === this.ts.length) {
      this.ts.copyWithin(0, start, n);
      this.vs.copyWithin(0, start, n);
      this.kinds.copyWithin(0, start, n);
      if (this.hs !== null) this.hs = this.#movedHistograms();
      this.start = 0;
      this.n = live;
      return;
    }
    const ts = new Float64Array(cap), vs = new Float64Array(cap), kinds = new Uint8Array(cap);
    ts.set(this.ts.subarray(start, n));
    vs.set(this.vs.subarray(start, n));
    kinds.set(this.kinds.subarray(start, n));
    if (this.hs !== null) this.hs = this.#movedHistograms();
    this.ts = ts;
    this.vs = vs;
    this.kinds = kinds;
    this.start = 0;
    this.n = live;
    this.shared = false;
  }

  /** The live histograms re-indexed from 0, in a new array (the old one may be shared); null when none is left. */
  #movedHistograms(): (AnyHistogram | undefined)[] | null {
    const hs: (AnyHistogram | undefined)[] = [];
    let any = false;
    for (let k = this.start; k < this.n; k++) {
      const h = this.hs![k];
      if (h !== undefined) { hs[k - this.start] = h; any = true; }
    }
    return any ? hs : null;
  }
}
