/**
 * What an appender gathered before commit, in columns. Samples keep their append order and
 * are split into groups the way Prometheus splits an appender's batches: within a group the
 * WAL holds metadata, then floats, then integer histograms, then float histograms, then
 * exemplars, so a group ends where a series would otherwise read out of order (a float after
 * a histogram, one histogram kind after the other). Commit and replay apply groups in that
 * same order, so memory always matches what a replay of the WAL rebuilds.
 *
 * Reused: the head keeps a few batches and hands them to appenders (`reset` clears). A batch
 * must be released (its series' `groupOwner` cleared) before it is reused. The per-sample
 * arrays keep their storage across batches (entries past the counts are cleared, not
 * dropped: truncating a JS array frees its storage, and regrowing it for every scrape was a
 * large share of the ingestion garbage).
 */
import type { Labels, Metadata } from '../../model/index.js';
import type { AnyHistogram } from './histogram-check.js';
import { Kind, type BatchRef, type MemSeries } from './series.js';

const STALE = 4;

export class Batch implements BatchRef {
  n = 0;
  /** Series of sample i, for i < n. */
  series: (MemSeries | null)[] = [];
  t = new Float64Array(256);
  v = new Float64Array(256);
  /** Start timestamp of sample i (0: none). */
  st = new Float64Array(256);
  /** Kind | STALE. */
  flags = new Uint8Array(256);
  group = new Uint32Array(256);
  /** Histogram of sample i (null for floats and stale markers). */
  h: (AnyHistogram | null)[] = [];
  floats = 0;
  histograms = 0;
  groups = 1;

  exSeries: MemSeries[] = [];
  exLabels: Labels[] = [];
  exTs: number[] = [];
  exVs: number[] = [];
  exGroup: number[] = [];

  metaSeries: MemSeries[] = [];
  metas: Metadata[] = [];
  metaGroup: number[] = [];

  /** Series this batch refers to, each once (for the pending counts and series records): the first `nTouched`. */
  touched: (MemSeries | null)[] = [];
  nTouched = 0;
  reset(): void {
    const series = this.series, h = this.h;
    for (let i = 0; i < this.n; i++) {
      series[i] = null;
      h[i] = null;
    }
    this.n = 0;
    const touched = this.touched;
    for (let i = 0; i < this.nTouched; i++) touched[i] = null;
    this.nTouched = 0;
    this.floats = 0;
    this.histograms = 0;
    this.groups = 1;
    this.exSeries.length = 0;
    this.exLabels.length = 0;
    this.exTs.length = 0;
    this.exVs.length = 0;
    this.exGroup.length = 0;
    this.metaSeries.length = 0;
    this.metas.length = 0;
    this.metaGroup.length = 0;
  }

  touch(s: MemSeries): void {
    const i = this.nTouched++;
    if (i < this.touched.length) this.touched[i] = s;
    else this.touched.push(s);
  }

  #grow(): void {
    const c = this.t.length * 2;
    const t = new Float64Array(c); t.set(this.t); this.t = t;
    const v = new Float64Array(c); v.set(this.v); this.v = v;
    const st = new Float64Array(c); st.set(this.st); this.st = st;
    const f = new Uint8Array(c); f.set(this.flags); this.flags = f;
    const g = new Uint32Array(c); g.set(this.group); this.group = g;
  }

  /**
   * The group a sample of `kind` for `s` belongs to, starting a new one where order requires.
   * `s.batch` is this batch (the appender touched the series first), and `s.groupIdx` is -1
   * until the series' first sample in it.
   */
  #groupFor(s: MemSeries, kind: Kind): number {
    const cur = this.groups - 1;
    if (s.groupIdx !== cur) {
      s.groupIdx = cur;
      s.groupRank = kind;
      return cur;
    }
    if (kind === s.groupRank) return cur;
    if (s.groupRank === Kind.Float && kind !== Kind.Float) {
      s.groupRank = kind;
      return cur;
    }
    this.groups++;
    s.groupIdx = cur + 1;
    s.groupRank = kind;
    return cur + 1;
  }

  /** Adds a sample; returns its index. */
  push(s: MemSeries, t: number, v: number, kind: Kind, stale: boolean, h: AnyHistogram | null, st: number): number {
    if (this.n === this.t.length) this.#grow();
    const i = this.n++;
    if (i < this.series.length) {
      this.series[i] = s;
      this.h[i] = h;
    } else {
      this.series.push(s);
      this.h.push(h);
    }
    this.t[i] = t;
    this.v[i] = v;
    this.st[i] = st;
    this.flags[i] = kind | (stale ? STALE : 0);
    this.group[i] = this.#groupFor(s, kind);
    if (kind === Kind.Float) this.floats++; else this.histograms++;
    return i;
  }

  kind(i: number): Kind {
    switch (this.flags[i]! & 3) {
      case 1: return Kind.Float;
      case 2: return Kind.Histogram;
      case 3: return Kind.FloatHistogram;
      default: return Kind.None;
    }
  }

  stale(i: number): boolean {
    return (this.flags[i]! & STALE) !== 0;
  }

  pushExemplar(s: MemSeries, labels: Labels, ts: number, v: number): void {
    this.exSeries.push(s);
    this.exLabels.push(labels);
    this.exTs.push(ts);
    this.exVs.push(v);
    this.exGroup.push(this.groups - 1);
  }

  pushMetadata(s: MemSeries, m: Metadata): void {
    this.metaSeries.push(s);
    this.metas.push(m);
    this.metaGroup.push(this.groups - 1);
  }

  empty(): boolean {
    return this.n === 0 && this.exSeries.length === 0 && this.metaSeries.length === 0 && this.nTouched === 0;
  }
}
