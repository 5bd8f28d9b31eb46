/**
 * Out-of-order samples of one series, as Prometheus's head keeps them: an in-memory chunk of
 * up to `outOfOrderCapMax` samples kept sorted by time (inserts anywhere), which, when full,
 * is encoded and written to `chunks_head/` with the out-of-order bit; reads merge those
 * chunks with the in-order ones. Only float samples go out of order here; out-of-order
 * histograms are rejected as Prometheus 2.x did.
 */
import { Encoding, newEmptyChunk, type Chunk } from '../chunkenc/index.js';
import type { Millis } from '../../model/index.js';
import { MM_STRIDE } from './series.js';

export class OOOChunk {
  readonly t: number[] = [];
  readonly v: number[] = [];
  readonly stale: boolean[] = [];

  get length(): number {
    return this.t.length;
  }

  /** Inserts in time order; false (nothing inserted) when a sample at t exists already. */
  insert(t: number, v: number, stale: boolean): boolean {
    const ts = this.t;
    let i = ts.length;
    if (i > 0 && ts[i - 1]! >= t) {
      let lo = 0, hi = i;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ts[mid]! < t) lo = mid + 1; else hi = mid;
      }
      if (ts[lo] === t) return false;
      i = lo;
    }
    ts.splice(i, 0, t);
    this.v.splice(i, 0, v);
    this.stale.splice(i, 0, stale);
    return true;
  }

  minTime(): number {
    return this.t[0] ?? Infinity;
  }

  maxTime(): number {
    return this.t[this.t.length - 1] ?? -Infinity;
  }

  /** The samples as an XOR chunk. */
  encode(): Chunk {
    const c = newEmptyChunk(Encoding.XOR);
    const app = c.appender();
    for (let i = 0; i < this.t.length; i++) {
      if (this.stale[i]) app.appendStale(this.t[i]! as Millis);
      else app.append(this.t[i]! as Millis, this.v[i]!);
    }
    return c;
  }
}

/** A series' out-of-order state: the open OOO chunk and the metas of written ones. */
export class OOOFields {
  head: OOOChunk | null = null;
  /** Written OOO chunks (MM_STRIDE numbers each: ref, mint, maxt, numSamples << 8 | encoding). */
  mm: Float64Array | null = null;
  mmLen = 0;

  pushMmapped(ref: number, mint: number, maxt: number, numSamples: number): void {
    if (this.mm === null) this.mm = new Float64Array(MM_STRIDE * 2);
    else if (this.mmLen + MM_STRIDE > this.mm.length) {
      const n = new Float64Array(this.mm.length * 2);
      n.set(this.mm);
      this.mm = n;
    }
    const i = this.mmLen;
    this.mm[i] = ref;
    this.mm[i + 1] = mint;
    this.mm[i + 2] = maxt;
    this.mm[i + 3] = numSamples * 256 + Encoding.XOR;
    this.mmLen += MM_STRIDE;
  }

  /** Drops written OOO chunks ending before mint; returns how many. */
  truncate(mint: number): number {
    const m = this.mm;
    if (m === null) return 0;
    let w = 0, dropped = 0;
    for (let i = 0; i < this.mmLen; i += MM_STRIDE) {
      if (m[i + 2]! < mint) { dropped++; continue; }
      if (w !== i) m.copyWithin(w, i, i + MM_STRIDE);
      w += MM_STRIDE;
    }
    this.mmLen = w;
    return dropped;
  }

  empty(): boolean {
    return this.mmLen === 0 && (this.head === null || this.head.length === 0);
  }
}
