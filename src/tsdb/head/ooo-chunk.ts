/**
 * Out-of-order samples of one series, as Prometheus's head keeps them: an in-memory chunk of
 * up to `outOfOrderCapMax` samples kept sorted by time (inserts anywhere, a time already
 * there is refused), which, when full, is encoded and written to `chunks_head/` with the
 * out-of-order bit; reads merge those chunks with the in-order ones. Floats, native
 * histograms and float histograms all go out of order (Prometheus 3.x); encoding cuts a new
 * chunk where the sample kind changes and where a histogram chunk would (counter reset,
 * layout change), as Prometheus's ToEncodedChunks does.
 */
import { Encoding, newEmptyChunk, type Appender as ChunkAppender, type Chunk, type HistogramAppendResult } from '../chunkenc/index.js';
import type { Millis } from '../../model/index.js';
import type { AnyHistogram } from './histogram-check.js';
import { Kind, MM_STRIDE } from './series.js';

/** A chunk of encoded out-of-order samples with its time range and count. */
export interface EncodedOOO {
  chunk: Chunk;
  mint: number;
  maxt: number;
  n: number;
}

export class OOOChunk {
  readonly t: number[] = [];
  readonly v: number[] = [];
  readonly stale: boolean[] = [];
  /** The kind of each sample; histograms (stale markers included) in `h`. */
  readonly kind: Kind[] = [];
  readonly h: (AnyHistogram | null)[] = [];
  /** Start timestamp of each sample (0: none). */
  readonly sts: number[] = [];

  get length(): number {
    return this.t.length;
  }

  /** Inserts in time order; false (nothing inserted) when a sample at t exists already. */
  insert(t: number, v: number, stale: boolean, kind: Kind = Kind.Float, h: AnyHistogram | null = null, st = 0): boolean {
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
    this.kind.splice(i, 0, kind);
    this.h.splice(i, 0, h);
    this.sts.splice(i, 0, st);
    return true;
  }

  minTime(): number {
    return this.t[0] ?? Infinity;
  }

  maxTime(): number {
    return this.t[this.t.length - 1] ?? -Infinity;
  }

  /** The samples as chunks (one unless the kinds change or a histogram chunk is cut); floats in `floatEncoding` (XOR or XOR2). */
  encode(floatEncoding: number, histogramST = false): EncodedOOO[] {
    return encodeSamples(this.t, this.kind, this.v, this.stale, this.h, 0, this.t.length, Infinity, floatEncoding, this.sts, histogramST);
  }
}

function encodingOf(k: Kind, floatEncoding: number, histogramST: boolean): number {
  if (k === Kind.Histogram) return histogramST ? Encoding.HistogramST : Encoding.Histogram;
  if (k === Kind.FloatHistogram) return histogramST ? Encoding.FloatHistogramST : Encoding.FloatHistogram;
  return floatEncoding;
}

/**
 * Encodes samples [from, to) of the columns (in time order) into chunks: a new chunk where
 * the kind changes, where a histogram appender starts one, and after `maxPerChunk` samples.
 * The previous appender is offered to a histogram chunk's first sample only when it is of
 * the same kind (it sets the counter reset header), as in Prometheus. Floats go into chunks of
 * `floatEncoding` (XOR or XOR2), with the start timestamps of `sts` when given.
 */
export function encodeSamples(
  t: readonly number[], kind: readonly Kind[], v: readonly number[], stale: readonly boolean[], h: readonly (AnyHistogram | null)[],
  from: number, to: number, maxPerChunk: number, floatEncoding: number, sts: readonly number[] | null = null, histogramST = false,
): EncodedOOO[] {
  const out: EncodedOOO[] = [];
  let cur: EncodedOOO | null = null;
  let app: ChunkAppender | null = null;
  let enc = -1;
  for (let i = from; i < to; i++) {
    const ts = t[i]!;
    const e = encodingOf(kind[i]!, floatEncoding, histogramST);
    const prev = e === enc ? app : null;
    if (cur === null || e !== enc || cur.n >= maxPerChunk) {
      const c = newEmptyChunk(e);
      cur = { chunk: c, mint: ts, maxt: ts, n: 0 };
      out.push(cur);
      app = c.appender();
      enc = e;
    }
    // Start timestamps go into XOR2 and ST histogram chunks (the others ignore them), as in Prometheus.
    const st = sts !== null ? sts[i]! : 0;
    if (e === floatEncoding) {
      if (stale[i]) app!.appendStale(ts as Millis, st); else app!.append(ts as Millis, v[i]!, st);
    } else {
      const hv = h[i] ?? null;
      let r: HistogramAppendResult;
      if (stale[i] || hv === null) r = app!.appendStaleHistogram(prev, ts as Millis, false, st);
      else if (e === Encoding.Histogram || e === Encoding.HistogramST) r = app!.appendHistogram(prev, ts as Millis, hv, false, st);
      else r = app!.appendFloatHistogram(prev, ts as Millis, hv, false, st);
      app = r.appender;
      if (r.chunk !== null) {
        if (r.recoded) {
          cur.chunk = r.chunk;
        } else {
          // The appender started a new chunk: the current one is complete.
          cur = { chunk: r.chunk, mint: ts, maxt: ts, n: 0 };
          out.push(cur);
        }
      }
    }
    cur.maxt = ts;
    cur.n++;
  }
  return out;
}

/** A series' out-of-order state: the open OOO chunk and the metas of written ones. */
export class OOOFields {
  head: OOOChunk | null = null;
  /** Written OOO chunks (MM_STRIDE numbers each: ref, mint, maxt, numSamples << 8 | encoding). */
  mm: Float64Array | null = null;
  mmLen = 0;

  pushMmapped(ref: number, mint: number, maxt: number, numSamples: number, encoding: number = Encoding.XOR): void {
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
    this.mm[i + 3] = numSamples * 256 + encoding;
    this.mmLen += MM_STRIDE;
  }

  /** Drops written OOO chunks with refs up to `maxRef` (a block holds them); returns how many. */
  truncateRefs(maxRef: number): number {
    const m = this.mm;
    if (m === null) return 0;
    let w = 0, dropped = 0;
    for (let i = 0; i < this.mmLen; i += MM_STRIDE) {
      if (m[i]! <= maxRef) { dropped++; continue; }
      if (w !== i) m.copyWithin(w, i, i + MM_STRIDE);
      w += MM_STRIDE;
    }
    this.mmLen = w;
    return dropped;
  }

  /** Oldest and newest time of the out-of-order data (Infinity, -Infinity when none). */
  timeRange(): [number, number] {
    let lo = Infinity, hi = -Infinity;
    const m = this.mm;
    for (let i = 0; m !== null && i < this.mmLen; i += MM_STRIDE) {
      if (m[i + 1]! < lo) lo = m[i + 1]!;
      if (m[i + 2]! > hi) hi = m[i + 2]!;
    }
    const h = this.head;
    if (h !== null && h.length > 0) {
      if (h.minTime() < lo) lo = h.minTime();
      if (h.maxTime() > hi) hi = h.maxTime();
    }
    return [lo, hi];
  }

  empty(): boolean {
    return this.mmLen === 0 && (this.head === null || this.head.length === 0);
  }
}
