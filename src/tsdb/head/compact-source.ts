/**
 * The head as the input of a new block (Prometheus's head compaction): the series with
 * in-order samples in [mint, maxt), in index order (labels compared byte-wise), with their
 * chunks in time order. Chunks wholly inside the range and without deleted samples are
 * passed as they are (read from chunks_head); chunks crossing a range end, holding deleted
 * samples, or still open are re-encoded with just the samples to keep, as Prometheus re-cuts
 * them. Out-of-order samples are not included (they are compacted separately).
 */
import { newEmptyChunk, Encoding, type Appender as ChunkAppender, type Chunk, type HistogramAppendResult } from '../chunkenc/index.js';
import type { ChunkToWrite, SeriesToWrite } from '../block/index.js';
import { compareLabelsUtf8, compareUtf8 } from '../index/index.js';
import { ValueType } from '../../storage/interface.js';
import type { Interval } from '../tombstones/index.js';
import type { HeadCore } from './head-core.js';
import type { QuerierHost } from './querier.js';
import { ChunksIterator } from './series-iterator.js';
import type { AnyHistogram } from './histogram-check.js';
import { encodeSamples } from './ooo-chunk.js';
import { Kind, MM_STRIDE, type MemSeries } from './series.js';

/** Samples per chunk in out-of-order blocks, as Prometheus re-cuts them. */
const OOO_SAMPLES_PER_CHUNK = 120;

/** What `writeBlock` takes: symbols in UTF-8 byte order and series in index order. */
export interface BlockSource {
  symbols: string[];
  series: AsyncIterable<SeriesToWrite>;
  /** Number of series the iterable yields. */
  numSeries: number;
}

interface Part {
  ref: number;
  chunk: Chunk | null;
  n: number;
  mint: number;
  maxt: number;
}

function parts(s: MemSeries, lo: number, hi: number): Part[] {
  const out: Part[] = [];
  const m = s.mm;
  for (let i = 0; m !== null && i < s.mmLen; i += MM_STRIDE) {
    if (m[i + 2]! < lo || m[i + 1]! > hi) continue;
    const ref = m[i]!;
    out.push({ ref, chunk: ref < 0 ? s.spilled(ref) : null, n: Math.floor(m[i + 3]! / 256), mint: m[i + 1]!, maxt: m[i + 2]! });
  }
  if (s.chunk !== null && s.chunkMint <= hi && s.chunkMaxt >= lo) {
    // The open chunk keeps growing: always re-encoded from its snapshot length (ref NaN).
    out.push({ ref: NaN, chunk: s.chunk, n: s.chunk.numSamples(), mint: s.chunkMint, maxt: s.chunkMaxt });
  }
  return out;
}

function overlapsDeleted(ivs: readonly Interval[], mint: number, maxt: number): boolean {
  for (const iv of ivs) if (iv.mint <= maxt && iv.maxt >= mint) return true;
  return false;
}

export function chunksForBlock(core: HeadCore, host: QuerierHost, mint: number, maxt: number, only: ReadonlySet<number> | null = null): BlockSource {
  const hi = maxt - 1;
  const picked: { s: MemSeries; parts: Part[] }[] = [];
  const syms = new Set<string>();
  for (const s of core.series.values()) {
    if (!s.inIndex || (only !== null && !only.has(s.ref))) continue;
    const ps = parts(s, mint, hi);
    if (ps.length === 0) continue;
    picked.push({ s, parts: ps });
    const l = s.labels;
    for (let i = 0; i < l.length; i++) { syms.add(l.nameAt(i)); syms.add(l.valueAt(i)); }
  }
  picked.sort((a, b) => compareLabelsUtf8(a.s.labels, b.s.labels));
  const symbols = [...syms].sort(compareUtf8);
  async function* series(): AsyncGenerator<SeriesToWrite> {
    for (const { s, parts: ps } of picked) {
      const ivs = core.tombstones.get(s.ref);
      const chunks: ChunkToWrite[] = [];
      host.beginRead();
      try {
        for (const p of ps) {
          const chunk = p.chunk ?? await host.readChunk(p.ref);
          const whole = !Number.isNaN(p.ref) && p.mint >= mint && p.maxt <= hi && !overlapsDeleted(ivs, p.mint, p.maxt);
          if (whole) chunks.push({ mint: p.mint, maxt: p.maxt, chunk, ref: 0 });
          else reencode(chunk, p.n, mint, hi, ivs, chunks, core.chunkOpts.floatEncoding);
        }
      } finally {
        host.endRead();
      }
      if (chunks.length > 0) yield { labels: s.labels, chunks };
    }
  }
  return { symbols, series: series(), numSeries: picked.length };
}

/**
 * The out-of-order samples in [mint, maxt) as block input (Prometheus's out-of-order
 * compaction): per series, its out-of-order samples sorted by time in XOR chunks of up to 120
 * samples. The block overlaps in-order blocks; readers merge them.
 */
export function oooChunksForBlock(core: HeadCore, host: QuerierHost, mint: number, maxt: number, lastMmapRef: number): BlockSource {
  const hi = maxt - 1;
  // An out-of-order compaction takes the written chunks up to its last ref, not the open ones.
  const withHead = lastMmapRef === Infinity;
  const picked: MemSeries[] = [];
  const syms = new Set<string>();
  for (const s of core.series.values()) {
    const f = s.ooo;
    if (f === null || !s.inIndex) continue;
    let hit = withHead && f.head !== null && f.head.length > 0 && f.head.minTime() <= hi && f.head.maxTime() >= mint;
    for (let i = 0; !hit && f.mm !== null && i < f.mmLen; i += MM_STRIDE) hit = f.mm[i]! <= lastMmapRef && f.mm[i + 1]! <= hi && f.mm[i + 2]! >= mint;
    if (!hit) continue;
    picked.push(s);
    const l = s.labels;
    for (let i = 0; i < l.length; i++) { syms.add(l.nameAt(i)); syms.add(l.valueAt(i)); }
  }
  picked.sort((a, b) => compareLabelsUtf8(a.labels, b.labels));
  async function* series(): AsyncGenerator<SeriesToWrite> {
    for (const s of picked) {
      const f = s.ooo;
      if (f === null) continue;
      const ts: number[] = [], ks: Kind[] = [], vs: number[] = [], st: boolean[] = [], hs: (AnyHistogram | null)[] = [], sts: number[] = [];
      const refs: number[] = [];
      for (let i = 0; f.mm !== null && i < f.mmLen; i += MM_STRIDE) {
        if (f.mm[i]! <= lastMmapRef && f.mm[i + 1]! <= hi && f.mm[i + 2]! >= mint) refs.push(f.mm[i]!);
      }
      if (withHead && f.head !== null) {
        const h = f.head;
        for (let i = 0; i < h.length; i++) { ts.push(h.t[i]!); ks.push(h.kind[i]!); vs.push(h.v[i]!); st.push(h.stale[i]!); hs.push(h.h[i] ?? null); sts.push(h.sts[i] ?? 0); }
      }
      host.beginRead();
      try {
        for (const r of refs) {
          const it = (await host.readChunk(r)).iterator(null);
          for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
            ts.push(it.atT());
            st.push(it.atStale());
            sts.push(it.atST?.() ?? 0);
            if (vt === ValueType.Float) { ks.push(Kind.Float); vs.push(it.atF()); hs.push(null); continue; }
            // Iterators reuse their histograms: copies.
            ks.push(vt === ValueType.Histogram ? Kind.Histogram : Kind.FloatHistogram);
            vs.push(0);
            hs.push(vt === ValueType.Histogram ? structuredClone(it.atHistogram()) : structuredClone(it.atFloatHistogram()));
          }
        }
      } finally {
        host.endRead();
      }
      const ivs = core.tombstones.get(s.ref);
      const order = ts.map((_, i) => i).filter((i) => ts[i]! >= mint && ts[i]! <= hi && !overlapsDeleted(ivs, ts[i]!, ts[i]!));
      order.sort((a, b) => ts[a]! - ts[b]!);
      // Sorted columns without repeated times (the first of equal times wins).
      const t2: number[] = [], k2: Kind[] = [], v2: number[] = [], s2: boolean[] = [], h2: (AnyHistogram | null)[] = [], st2: number[] = [];
      for (const i of order) {
        if (t2.length > 0 && t2[t2.length - 1] === ts[i]) continue;
        t2.push(ts[i]!); k2.push(ks[i]!); v2.push(vs[i]!); s2.push(st[i]!); h2.push(hs[i] ?? null); st2.push(sts[i]!);
      }
      const chunks: ChunkToWrite[] = encodeSamples(t2, k2, v2, s2, h2, 0, t2.length, OOO_SAMPLES_PER_CHUNK, core.chunkOpts.floatEncoding, st2, core.chunkOpts.histogramST)
        .map((e) => ({ mint: e.mint, maxt: e.maxt, chunk: e.chunk, ref: 0 }));
      if (chunks.length > 0) yield { labels: s.labels, chunks };
    }
  }
  return { symbols: [...syms].sort(compareUtf8), series: series(), numSeries: picked.length };
}

/**
 * Appends to `out` the chunk(s) holding the samples of `chunk` (first n) in [lo, hi] not
 * deleted; floats in `floatEncoding` chunks, or XOR2 ones when `chunk` is XOR2, and histograms
 * in the encoding of `chunk`, so that its start timestamps are kept.
 */
export function reencode(chunk: Chunk, n: number, lo: number, hi: number, ivs: readonly Interval[], out: ChunkToWrite[], floatEncoding: number): void {
  if (chunk.encoding === Encoding.XOR2) floatEncoding = Encoding.XOR2;
  const histST = chunk.encoding === Encoding.HistogramST || chunk.encoding === Encoding.FloatHistogramST;
  const it = new ChunksIterator().reset([{ chunk, n, maxt: Infinity }], lo, hi, ivs);
  let cur: Chunk | null = null;
  let app: ChunkAppender | null = null;
  let cmint = 0, cmaxt = 0;
  const flush = (): void => {
    if (cur !== null && cur.numSamples() > 0) out.push({ mint: cmint, maxt: cmaxt, chunk: cur, ref: 0 });
    cur = null;
    app = null;
  };
  const start = (enc: number, t: number): ChunkAppender => {
    if (cur === null || cur.encoding !== enc) {
      flush();
      cur = newEmptyChunk(enc);
      app = cur.appender();
      cmint = t;
    }
    return app!;
  };
  const took = (r: HistogramAppendResult, t: number): void => {
    app = r.appender;
    if (r.chunk !== null) {
      if (r.recoded) cur = r.chunk;
      else { flush(); cur = r.chunk; app = r.appender; cmint = t; }
    }
  };
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
    const t = it.atT();
    switch (vt) {
      case ValueType.Float: {
        const a = start(floatEncoding, t);
        if (it.atStale()) a.appendStale(t, it.atST()); else a.append(t, it.atF(), it.atST());
        break;
      }
      case ValueType.Histogram: {
        const a = start(histST ? Encoding.HistogramST : Encoding.Histogram, t);
        const st = it.atST();
        took(it.atStale() ? a.appendStaleHistogram(null, t, false, st) : a.appendHistogram(null, t, it.atHistogram(), false, st), t);
        break;
      }
      case ValueType.FloatHistogram: {
        const a = start(histST ? Encoding.FloatHistogramST : Encoding.FloatHistogram, t);
        const st = it.atST();
        took(it.atStale() ? a.appendStaleHistogram(null, t, false, st) : a.appendFloatHistogram(null, t, it.atFloatHistogram(), false, st), t);
        break;
      }
    }
    cmaxt = t;
  }
  flush();
}
