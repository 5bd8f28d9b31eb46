/**
 * Reading the head over [mint, maxt]: matchers resolve through the head's postings with the
 * same algorithm as blocks; each selected series' chunks in range are gathered at select time
 * (full ones read from chunks_head through the disk mapper's page cache, the open one read in
 * place up to its length at that moment), so iterating never awaits. Series with
 * out-of-order data get their in-order and out-of-order samples merged.
 */
import { Labels, type Matcher } from '../../model/index.js';
import type { LabelHints, Querier, QueryResult, SampleIterator, SelectHints, Series, SeriesSet } from '../../storage/interface.js';
import { ValueType } from '../../storage/interface.js';
import { postingsForMatchers, type Postings } from '../index/index.js';
import { Encoding, type Chunk } from '../chunkenc/index.js';
import type { HeadChunkSpan } from '../chunks/index.js';
import type { Interval } from '../tombstones/index.js';
import type { HeadCore } from './head-core.js';
import { ArrayIterator, ChunksIterator, PieceTable, type MergedSamples, type Piece } from './series-iterator.js';
import type { AnyHistogram } from './histogram-check.js';
import { Kind, MM_STRIDE, type MemSeries } from './series.js';

export interface QuerierHost {
  readonly core: HeadCore;
  /** Reads a chunk from chunks_head by ref. */
  readChunk(ref: number): Promise<Chunk>;
  /** The chunk when reading it needs no I/O (see HeadChunkDiskMapper.chunkIfCached), else null. */
  readChunkCached?(ref: number): Chunk | null;
  /**
   * readChunkCached without an object per chunk (see HeadChunkDiskMapper.chunkSpanIfCached):
   * fills `out`, false when reading needs I/O.
   */
  readChunkSpanCached?(ref: number, out: HeadChunkSpan): boolean;
  /** Brackets chunk reads, so that truncation does not delete files under a select. */
  beginRead(): void;
  endRead(): void;
}

/** The range a select reads, shared by its series. */
interface Range {
  readonly mint: number;
  readonly maxt: number;
}

class HeadSeries implements Series {
  readonly labels: Labels;
  readonly #table: PieceTable;
  /** The series' pieces: [from, to) of the table (set after reading, for series that needed I/O). */
  from: number;
  to: number;
  merged: MergedSamples | null;
  readonly #range: Range;
  readonly #ivs: readonly Interval[];

  constructor(labels: Labels, table: PieceTable, from: number, to: number, range: Range, ivs: readonly Interval[]) {
    this.labels = labels;
    this.#table = table;
    this.from = from;
    this.to = to;
    this.merged = null;
    this.#range = range;
    this.#ivs = ivs;
  }

  iterator(reuse: SampleIterator | null): SampleIterator {
    if (this.merged !== null) return (reuse instanceof ArrayIterator ? reuse : new ArrayIterator()).reset(this.merged);
    const it = reuse instanceof ChunksIterator ? reuse : new ChunksIterator();
    return it.resetTable(this.#table, this.from, this.to, this.#range.mint, this.#range.maxt, this.#ivs);
  }
}

class ListSeriesSet implements SeriesSet {
  readonly #list: Series[];
  #i = -1;
  constructor(list: Series[]) { this.#list = list; }
  next(): boolean {
    if (this.#i < this.#list.length) this.#i++;
    return this.#i < this.#list.length;
  }
  at(): Series { return this.#list[this.#i]!; }
  err(): Error | null { return null; }
  warnings(): string[] { return []; }
}

/** What select captures of a series synchronously, before any await. */
interface Snapshot {
  s: MemSeries;
  /** The series' chunks in range read so far, in time order (the open one last when `mm` is null). */
  pieces: Piece[];
  /** m-mapped chunks in range still to be read from disk: ref, maxt, numSamples; null when none. */
  mm: number[] | null;
  /** The open chunk when `mm` is not null (it goes after them); null otherwise. */
  open: Piece | null;
  ooo: number[] | null;
  oooHead: { t: number[]; v: number[]; stale: boolean[]; kind: Kind[]; h: (AnyHistogram | null)[]; sts: number[] } | null;
}

/**
 * The first m-mapped chunk (index into s.mm) that a latest-sample reader needs: with a
 * `latest` time, chunks before the last one starting at or before it are left out (all of
 * them when the open chunk starts by then).
 */
function firstNeeded(s: MemSeries, mint: number, latest: number): number {
  if (latest === -Infinity || s.ooo !== null) return 0;
  if (s.chunk !== null && s.chunkMint <= latest && s.chunkMaxt >= mint) return s.mmLen;
  const m = s.mm;
  let first = 0;
  for (let i = 0; m !== null && i < s.mmLen; i += MM_STRIDE) if (m[i + 1]! <= latest) first = i;
  return first;
}

/**
 * Appends a series' chunks in [mint, maxt] to the table when none needs I/O and the series
 * has no out-of-order data, and returns how many; -1 (the table as it was) otherwise.
 */
/** Scratch of captureCached (synchronous, so one serves every select). */
const span: HeadChunkSpan = { chunk: null, bytes: new Uint8Array(0), start: 0, end: 0 };

function captureCached(host: QuerierHost, table: PieceTable, s: MemSeries, mint: number, maxt: number, latest: number): number {
  if (s.ooo !== null) return -1;
  // A latest-sample reader of a series whose newest sample, a float in an XOR chunk, lies by
  // `latest`: that sample alone, as the series holds it, with no chunk to decode.
  const c = s.chunk;
  if (latest !== -Infinity && c !== null && c.encoding === Encoding.XOR && s.lastKind === Kind.Float
    && s.chunkMaxt <= latest && s.chunkMaxt >= mint && s.chunkMaxt <= maxt && c.numSamples() > 0) {
    table.addLast(s.chunkMaxt, s.lastV, s.lastStale);
    return 1;
  }
  const size = table.size;
  const m = s.mm;
  for (let i = firstNeeded(s, mint, latest); m !== null && i < s.mmLen; i += MM_STRIDE) {
    if (m[i + 2]! < mint || m[i + 1]! > maxt) continue;
    const ref = m[i]!;
    const n = Math.floor(m[i + 3]! / 256);
    if (ref < 0) {
      table.addChunk(s.spilled(ref), n, m[i + 2]!);
      continue;
    }
    if (host.readChunkSpanCached !== undefined) {
      if (!host.readChunkSpanCached(ref, span)) {
        table.size = size;
        return -1;
      }
      if (span.chunk !== null) table.addChunk(span.chunk, n, m[i + 2]!);
      else table.addBytes(span.bytes, span.start, span.end, n, m[i + 2]!);
      continue;
    }
    const c = host.readChunkCached?.(ref) ?? null;
    if (c === null) {
      table.size = size;
      return -1;
    }
    table.addChunk(c, n, m[i + 2]!);
  }
  if (s.chunk !== null && s.chunkMint <= maxt && s.chunkMaxt >= mint) table.addChunk(s.chunk, s.chunk.numSamples(), s.chunkMaxt);
  return table.size - size;
}

/**
 * Captures a series' chunks in [mint, maxt]. Chunks that need no I/O (spilled, pending or in
 * cached pages) are read at once; from the first one that does, the rest are noted (ref,
 * maxt, count) to be read after the capture of every series.
 */
function snapshot(host: QuerierHost, s: MemSeries, mint: number, maxt: number, latest: number): Snapshot | null {
  const pieces: Piece[] = [];
  let mm: number[] | null = null;
  const m = s.mm;
  const first = firstNeeded(s, mint, latest);
  for (let i = first; m !== null && i < s.mmLen; i += MM_STRIDE) {
    if (m[i + 2]! < mint || m[i + 1]! > maxt) continue;
    const ref = m[i]!;
    const n = Math.floor(m[i + 3]! / 256);
    if (mm === null) {
      const c = ref < 0 ? s.spilled(ref) : host.readChunkCached?.(ref) ?? null;
      if (c !== null) {
        pieces.push({ chunk: c, n, maxt: m[i + 2]! });
        continue;
      }
      mm = [];
    }
    mm.push(ref, m[i + 2]!, n);
  }
  let open: Piece | null = null;
  if (s.chunk !== null && s.chunkMint <= maxt && s.chunkMaxt >= mint) {
    const p: Piece = { chunk: s.chunk, n: s.chunk.numSamples(), maxt: s.chunkMaxt };
    if (mm === null) pieces.push(p);
    else open = p;
  }
  let ooo: number[] | null = null;
  let oooHead: Snapshot['oooHead'] = null;
  const f = s.ooo;
  if (f !== null) {
    for (let i = 0; f.mm !== null && i < f.mmLen; i += MM_STRIDE) {
      if (f.mm[i + 2]! < mint || f.mm[i + 1]! > maxt) continue;
      (ooo ??= []).push(f.mm[i]!);
    }
    const h = f.head;
    if (h !== null && h.length > 0 && h.minTime() <= maxt && h.maxTime() >= mint) {
      // Histograms in the OOO chunk are never changed in place: sharing them is a snapshot.
      oooHead = { t: h.t.slice(), v: h.v.slice(), stale: h.stale.slice(), kind: h.kind.slice(), h: h.h.slice(), sts: h.sts.slice() };
    }
  }
  if (pieces.length === 0 && mm === null && open === null && ooo === null && oooHead === null) return null;
  return { s, pieces, mm, open, ooo, oooHead };
}

/** Whether a series has samples in [mint, maxt], going by its chunks' time ranges only. */
function hasData(s: MemSeries, mint: number, maxt: number): boolean {
  const m = s.mm;
  for (let i = 0; m !== null && i < s.mmLen; i += MM_STRIDE) if (m[i + 2]! >= mint && m[i + 1]! <= maxt) return true;
  if (s.chunk !== null && s.chunkMint <= maxt && s.chunkMaxt >= mint) return true;
  const f = s.ooo;
  if (f === null) return false;
  for (let i = 0; f.mm !== null && i < f.mmLen; i += MM_STRIDE) if (f.mm[i + 2]! >= mint && f.mm[i + 1]! <= maxt) return true;
  const h = f.head;
  return h !== null && h.length > 0 && h.minTime() <= maxt && h.maxTime() >= mint;
}

const NO_INTERVALS: readonly Interval[] = [];

export class HeadQuerier implements Querier {
  readonly #host: QuerierHost;
  readonly #mint: number;
  readonly #maxt: number;

  constructor(host: QuerierHost, mint: number, maxt: number) {
    this.#host = host;
    this.#mint = mint;
    this.#maxt = maxt;
  }

  /** Whether the head holds data that can overlap the querier's range. */
  #overlaps(): boolean {
    const c = this.#host.core;
    const lo = Math.min(c.minTime, c.minOOOTime);
    const hi = Math.max(c.maxTime, c.maxOOOTime);
    return lo <= this.#maxt && hi >= this.#mint;
  }

  async #refs(matchers: readonly Matcher[], signal?: AbortSignal): Promise<number[]> {
    const p: Postings = await postingsForMatchers(this.#host.core.postings, matchers, signal);
    const refs: number[] = [];
    while (p.next()) refs.push(p.at());
    const err = p.err();
    if (err !== null) throw err;
    return refs;
  }

  async select(sortSeries: boolean, hints: SelectHints | null, matchers: readonly Matcher[], signal?: AbortSignal): Promise<SeriesSet> {
    if (!this.#overlaps()) return new ListSeriesSet([]);
    const core = this.#host.core;
    const mint = this.#mint, maxt = this.#maxt;
    const refs = await this.#refs(matchers, signal);
    // Metadata-only selects (the series API) need the series in range, not their samples, as
    // Prometheus answers them without reading chunks.
    if (hints?.func === 'series') return this.#labelsOnly(refs, sortSeries, hints.limit);
    const table = new PieceTable();
    const range: Range = { mint, maxt };
    const out: HeadSeries[] = [];
    // Series whose chunks need reading from disk or merging with out-of-order data.
    const slow: Snapshot[] = [];
    const slowSeries: HeadSeries[] = [];
    // Chunk files must not be deleted by a truncation while chunks are read from them.
    this.#host.beginRead();
    try {
      // Latest-sample readers need no chunk before the last one starting by `end`, unless a
      // deletion could hide the latest sample (then an earlier one counts).
      const latest = hints?.latestOnly === true ? hints.end : -Infinity;
      // Everything is captured before the first await: what the series held at select time.
      for (const ref of refs) {
        const s = core.series.get(ref);
        if (s === undefined) continue;
        const ivs = core.tombstones.get(ref);
        const lt = latest !== -Infinity && ivs.length === 0 ? latest : -Infinity;
        const from = table.size;
        const n = captureCached(this.#host, table, s, mint, maxt, lt);
        if (n > 0) {
          out.push(new HeadSeries(s.labels, table, from, from + n, range, ivs));
          continue;
        }
        if (n === 0) continue;
        const sn = snapshot(this.#host, s, mint, maxt, lt);
        if (sn === null) continue;
        const hs = new HeadSeries(s.labels, table, 0, 0, range, ivs);
        slow.push(sn);
        slowSeries.push(hs);
        out.push(hs);
      }
      if (sortSeries) out.sort((a, b) => Labels.compare(a.labels, b.labels));
      const limit = hints?.limit ?? 0;
      const kept = limit > 0 && out.length > limit ? new Set(out.slice(0, limit)) : null;
      if (kept !== null) out.length = limit;
      for (let k = 0; k < slow.length; k++) {
        if ((k & 255) === 255) signal?.throwIfAborted();
        const sn = slow[k]!;
        const hs = slowSeries[k]!;
        if (kept !== null && !kept.has(hs)) continue;
        const pieces = sn.pieces;
        if (sn.mm !== null) {
          for (let i = 0; i < sn.mm.length; i += 3) {
            const ref = sn.mm[i]!;
            const chunk = ref < 0 ? sn.s.spilled(ref) : await this.#host.readChunk(ref);
            pieces.push({ chunk, n: sn.mm[i + 2]!, maxt: sn.mm[i + 1]! });
          }
          if (sn.open !== null) pieces.push(sn.open);
        }
        if (sn.ooo !== null || sn.oooHead !== null) {
          const oooPieces: Chunk[] = [];
          for (const r of sn.ooo ?? []) oooPieces.push(this.#host.readChunkCached?.(r) ?? await this.#host.readChunk(r));
          hs.merged = mergeOOO(pieces, oooPieces, sn.oooHead, mint, maxt, core.tombstones.get(sn.s.ref));
        } else {
          hs.from = table.size;
          for (const pc of pieces) table.addChunk(pc.chunk, pc.n, pc.maxt);
          hs.to = table.size;
        }
      }
    } finally {
      this.#host.endRead();
    }
    return new ListSeriesSet(out);
  }

  /** Series with data in range, without samples: their iterators are empty. */
  #labelsOnly(refs: readonly number[], sortSeries: boolean, limit: number): SeriesSet {
    const core = this.#host.core;
    const mint = this.#mint, maxt = this.#maxt;
    const out: Series[] = [];
    const table = new PieceTable();
    const range: Range = { mint, maxt };
    for (const ref of refs) {
      const s = core.series.get(ref);
      if (s !== undefined && hasData(s, mint, maxt)) out.push(new HeadSeries(s.labels, table, 0, 0, range, NO_INTERVALS));
    }
    if (sortSeries) out.sort((a, b) => Labels.compare(a.labels, b.labels));
    if (limit > 0 && out.length > limit) out.length = limit;
    return new ListSeriesSet(out);
  }

  async labelValues(name: string, hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    const out: string[] = [];
    if (this.#overlaps()) {
      const core = this.#host.core;
      if (matchers.length === 0) {
        const vals = core.postings.values(name);
        if (vals !== undefined) for (const [v, l] of vals) if (l.n > 0) out.push(v);
      } else {
        const seen = new Set<string>();
        for (const ref of await this.#refs(matchers)) {
          const v = core.series.get(ref)?.labels.get(name) ?? '';
          if (v !== '') seen.add(v);
        }
        for (const v of seen) out.push(v);
      }
    }
    out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const limit = hints?.limit ?? 0;
    if (limit > 0 && out.length > limit) out.length = limit;
    return { value: out, warnings: [] };
  }

  async labelNames(hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    const out: string[] = [];
    if (this.#overlaps()) {
      const core = this.#host.core;
      if (matchers.length === 0) {
        for (const n of core.postings.labelNames()) out.push(n);
      } else {
        const seen = new Set<string>();
        for (const ref of await this.#refs(matchers)) {
          const l = core.series.get(ref)?.labels;
          if (l !== undefined) for (let i = 0; i < l.length; i++) seen.add(l.nameAt(i));
        }
        for (const n of seen) out.push(n);
      }
    }
    out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const limit = hints?.limit ?? 0;
    if (limit > 0 && out.length > limit) out.length = limit;
    return { value: out, warnings: [] };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** In-order and out-of-order samples of a series in [mint, maxt], merged by time (in-order wins ties). */
function mergeOOO(inOrder: Piece[], ooo: Chunk[], oooHead: Snapshot['oooHead'], mint: number, maxt: number, ivs: readonly Interval[]): MergedSamples {
  const m: MergedSamples = { t: [], vt: [], v: [], stale: [], h: [], st: [] };
  const o: MergedSamples = { t: [], vt: [], v: [], stale: [], h: [], st: [] };
  const deleted = (t: number): boolean => { for (const iv of ivs) if (t >= iv.mint && t <= iv.maxt) return true; return false; };
  const take = (it: SampleIterator, out: MergedSamples, filter: boolean): void => {
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      const t = it.atT();
      if (filter && (t < mint || t > maxt || deleted(t))) continue;
      out.t.push(t);
      out.vt.push(vt);
      out.v.push(vt === ValueType.Float ? it.atF() : 0);
      out.stale.push(it.atStale());
      out.st.push(it.atST?.() ?? 0);
      // Iterators reuse their histograms: copies.
      out.h.push(vt === ValueType.Histogram ? structuredClone(it.atHistogram()) : vt === ValueType.FloatHistogram ? structuredClone(it.atFloatHistogram()) : null);
    }
  };
  take(new ChunksIterator().reset(inOrder, mint, maxt, ivs), m, false);
  for (const c of ooo) take(c.iterator(null), o, true);
  if (oooHead !== null) {
    for (let i = 0; i < oooHead.t.length; i++) {
      const t = oooHead.t[i]!;
      if (t < mint || t > maxt || deleted(t)) continue;
      const k = oooHead.kind[i]!;
      o.t.push(t);
      o.vt.push(k === Kind.Histogram ? ValueType.Histogram : k === Kind.FloatHistogram ? ValueType.FloatHistogram : ValueType.Float);
      o.v.push(oooHead.v[i]!);
      o.stale.push(oooHead.stale[i]!);
      o.h.push(oooHead.h[i] ?? null);
      o.st.push(oooHead.sts[i] ?? 0);
    }
  }
  if (o.t.length === 0) return m;
  const order = o.t.map((_, i) => i).sort((a, b) => o.t[a]! - o.t[b]!);
  const out: MergedSamples = { t: [], vt: [], v: [], stale: [], h: [], st: [] };
  let i = 0, j = 0;
  let last = -Infinity;
  while (i < m.t.length || j < order.length) {
    const useIn = j >= order.length || (i < m.t.length && m.t[i]! <= o.t[order[j]!]!);
    const src = useIn ? m : o;
    const k = useIn ? i++ : order[j++]!;
    const t = src.t[k]!;
    if (t === last) continue;
    out.t.push(t); out.vt.push(src.vt[k]!); out.v.push(src.v[k]!); out.stale.push(src.stale[k]!); out.h.push(src.h[k] ?? null); out.st.push(src.st[k] ?? 0);
    last = t;
  }
  return out;
}
