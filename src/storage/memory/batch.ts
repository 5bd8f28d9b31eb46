/**
 * An appender's pending writes, in columns like the series themselves, so that a 10k-sample
 * scrape costs no per-sample object. Batches are pooled by the head and reused.
 */
import type { Labels, Metadata } from '../../model/index.js';
import type { AnyHistogram, MemSeries, SampleKind } from './series.js';

export class Batch {
  series: (MemSeries | null)[] = [];
  ts = new Float64Array(256);
  vs = new Float64Array(256);
  kinds = new Uint8Array(256);
  /** Histograms by batch index; only written for histogram samples. */
  hs: (AnyHistogram | null)[] = [];
  n = 0;
  exSeries: MemSeries[] = [];
  exLabels: Labels[] = [];
  exTs: number[] = [];
  exVs: number[] = [];
  metaSeries: MemSeries[] = [];
  metas: Metadata[] = [];

  push(s: MemSeries, t: number, v: number, kind: SampleKind, h: AnyHistogram | null): void {
    const i = this.n;
    if (i === this.ts.length) this.#grow();
    this.series[i] = s;
    this.ts[i] = t;
    this.vs[i] = v;
    this.kinds[i] = kind;
    if (h !== null) this.hs[i] = h;
    this.n = i + 1;
  }

  #grow(): void {
    const cap = this.ts.length * 2;
    const ts = new Float64Array(cap), vs = new Float64Array(cap), kinds = new Uint8Array(cap);
    ts.set(this.ts);
    vs.set(this.vs);
    kinds.set(this.kinds);
    this.ts = ts;
    this.vs = vs;
    this.kinds = kinds;
  }

  /** Empties the batch, dropping references so that pooled batches do not pin dead series. */
  reset(): void {
    this.series.fill(null, 0, this.n);
    this.n = 0;
    if (this.hs.length > 0) this.hs = [];
    if (this.exSeries.length > 0) {
      this.exSeries = [];
      this.exLabels = [];
      this.exTs = [];
      this.exVs = [];
    }
    if (this.metaSeries.length > 0) {
      this.metaSeries = [];
      this.metas = [];
    }
  }
}
