/**
 * Reading series from several sources (blocks, the WAL-replayed head) as one stream, as
 * Prometheus's merge querier does for promtool's dump: series with equal labels from
 * different sources are merged into one, their samples interleaved by time with duplicate
 * timestamps dropped. Sources hand out series in label order (the head's may come in ref
 * order when it is the only source). Iterating samples never awaits: a series' chunks are
 * loaded before it is handed out.
 */
import type { FloatHistogram, Histogram, Labels, Matcher, Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import type { Block, BlockSeries } from '../block/index.js';
import type { Chunk } from '../chunkenc/index.js';
import { compareLabelsUtf8 } from '../index/index.js';
import { addInterval, type Interval } from '../tombstones/index.js';
import type { HeadSeries } from './head-series.js';
import type { WalHead } from './wal-head.js';

const MIN_T = -(2 ** 63);
const MAX_T = 2 ** 63;

/** One source's part of a series: its chunks in time order and the times to skip. */
export interface SeriesPart {
  chunks: readonly Chunk[];
  intervals: readonly Interval[];
}

/** A series handed out by a stream; `load` reads its chunks. */
interface SeriesDesc {
  labels: Labels;
  load(): Promise<SeriesPart>;
}

/** An ordered stream of series. `peek` shows the next one without consuming it. */
interface SeriesStream {
  peek(): Promise<SeriesDesc | null>;
  take(): void;
}

class BlockStream implements SeriesStream {
  readonly #block: Block;
  readonly #gen: AsyncGenerator<BlockSeries[]>;
  #batch: BlockSeries[] = [];
  #i = 0;
  #done = false;

  constructor(block: Block, matchers: readonly Matcher[], mint: number, maxt: number, signal?: AbortSignal) {
    this.#block = block;
    this.#gen = block.selectBatches(matchers, mint, maxt, signal !== undefined ? { signal } : {});
  }

  async peek(): Promise<SeriesDesc | null> {
    while (this.#i >= this.#batch.length) {
      if (this.#done) return null;
      const r = await this.#gen.next();
      if (r.done === true) { this.#done = true; return null; }
      this.#batch = r.value;
      this.#i = 0;
    }
    const s = this.#batch[this.#i]!;
    const block = this.#block;
    return {
      labels: s.labels,
      load: async () => ({ chunks: await Promise.all(s.chunks.map((c) => block.chunks.chunk(c.ref))), intervals: s.intervals }),
    };
  }

  take(): void {
    this.#i++;
  }
}

class HeadStream implements SeriesStream {
  readonly #series: readonly HeadSeries[];
  readonly #parts: readonly SeriesPart[];
  #i = 0;

  constructor(series: readonly HeadSeries[], parts: readonly SeriesPart[]) {
    this.#series = series;
    this.#parts = parts;
  }

  peek(): Promise<SeriesDesc | null> {
    if (this.#i >= this.#series.length) return Promise.resolve(null);
    const s = this.#series[this.#i]!, p = this.#parts[this.#i]!;
    return Promise.resolve({ labels: s.labels, load: () => Promise.resolve(p) });
  }

  take(): void {
    this.#i++;
  }
}

function matchesAll(ls: Labels, matchers: readonly Matcher[]): boolean {
  for (const m of matchers) if (!m.matches(ls.get(m.name))) return false;
  return true;
}

/**
 * The head's series selected by `matchers` with a chunk in [mint, maxt] that tombstones do
 * not wholly delete, in ref order or (`sorted`) label order.
 */
export function headStream(head: WalHead, matchers: readonly Matcher[], mint: number, maxt: number, sorted: boolean): SeriesStream {
  const picked: HeadSeries[] = [];
  for (const s of head.series) if (matchesAll(s.labels, matchers)) picked.push(s);
  if (sorted) picked.sort((a, b) => compareLabelsUtf8(a.labels, b.labels));
  const series: HeadSeries[] = [];
  const parts: SeriesPart[] = [];
  for (const s of picked) {
    let intervals: readonly Interval[] = head.tombstones.get(s.ref) ?? [];
    const chunks: Chunk[] = [];
    let front = false, back = false;
    for (let i = 0; i < s.chunks.length; i++) {
      const cmin = s.chunkMint[i]!, cmax = s.chunkMaxt[i]!;
      if (cmax < mint || cmin > maxt) continue;
      if (intervals.some((iv) => cmin >= iv.mint && cmax <= iv.maxt)) continue;
      chunks.push(s.chunks[i]!);
      if (cmin < mint) front = true;
      if (cmax > maxt) back = true;
    }
    if (chunks.length === 0) continue;
    if (front) intervals = addInterval(intervals, { mint: MIN_T, maxt: mint - 1 });
    if (back) intervals = addInterval(intervals, { mint: maxt + 1, maxt: MAX_T });
    series.push(s);
    parts.push({ chunks, intervals });
  }
  return new HeadStream(series, parts);
}

export function blockStream(block: Block, matchers: readonly Matcher[], mint: number, maxt: number, signal?: AbortSignal): SeriesStream {
  return new BlockStream(block, matchers, mint, maxt, signal);
}

/** A series of the merged stream: labels and the parts of every source that has it. */
export interface MergedSeries {
  labels: Labels;
  parts: SeriesPart[];
}

/**
 * Merges streams by labels. With one stream, its order is kept as it is (the head alone
 * hands out series in ref order, as Prometheus does when no merge is needed).
 */
export async function* mergeStreams(streams: readonly SeriesStream[]): AsyncGenerator<MergedSeries> {
  const heads: (SeriesDesc | null)[] = await Promise.all(streams.map((s) => s.peek()));
  for (;;) {
    let min: Labels | null = null;
    for (const h of heads) if (h !== null && (min === null || compareLabelsUtf8(h.labels, min) < 0)) min = h.labels;
    if (min === null) return;
    const parts: SeriesPart[] = [];
    for (let i = 0; i < streams.length; i++) {
      const h = heads[i];
      if (h === null || h === undefined || (h.labels !== min && compareLabelsUtf8(h.labels, min) !== 0)) continue;
      parts.push(await h.load());
      streams[i]!.take();
      heads[i] = await streams[i]!.peek();
    }
    yield { labels: min, parts };
  }
}

/** Iterates the samples of one part: its chunks in order, skipping deleted times. */
class PartIterator {
  #chunks: readonly Chunk[] = [];
  #ivs: readonly Interval[] = [];
  #ci = -1;
  #ii = 0;
  #it: SampleIterator | null = null;
  #reuse: SampleIterator | null = null;
  err: Error | null = null;

  reset(p: SeriesPart): void {
    this.#chunks = p.chunks;
    this.#ivs = p.intervals;
    this.#ci = -1;
    this.#ii = 0;
    this.#it = null;
    this.err = null;
  }

  get it(): SampleIterator {
    return this.#it!;
  }

  next(): ValueType {
    for (;;) {
      if (this.#it !== null) {
        const vt = this.#it.next();
        if (vt !== ValueType.None) {
          if (!this.#deleted(this.#it.atT())) return vt;
          continue;
        }
        const e = this.#it.err();
        if (e !== null) { this.err = e; return ValueType.None; }
      }
      if (++this.#ci >= this.#chunks.length) return ValueType.None;
      const c = this.#chunks[this.#ci]!;
      this.#it = c.iterator(this.#reuse);
      this.#reuse = this.#it;
    }
  }

  #deleted(t: number): boolean {
    const ivs = this.#ivs;
    while (this.#ii < ivs.length && ivs[this.#ii]!.maxt < t) this.#ii++;
    return this.#ii < ivs.length && ivs[this.#ii]!.mint <= t;
  }
}

/**
 * The samples of a merged series in time order; of samples with equal timestamps only the
 * first source's is kept. Reusable across series with `reset`.
 */
export class MergedSampleIterator implements SampleIterator {
  readonly #pool: PartIterator[] = [];
  #n = 0;
  readonly #cur: ValueType[] = [];
  #sel = -1;
  #started = false;

  reset(parts: readonly SeriesPart[]): this {
    while (this.#pool.length < parts.length) this.#pool.push(new PartIterator());
    for (let i = 0; i < parts.length; i++) this.#pool[i]!.reset(parts[i]!);
    this.#n = parts.length;
    this.#cur.length = parts.length;
    this.#sel = -1;
    this.#started = false;
    return this;
  }

  next(): ValueType {
    const n = this.#n, pool = this.#pool, cur = this.#cur;
    if (!this.#started) {
      for (let i = 0; i < n; i++) cur[i] = pool[i]!.next();
      this.#started = true;
    } else if (this.#sel >= 0) {
      const t = pool[this.#sel]!.it.atT();
      for (let i = 0; i < n; i++) if (cur[i] !== ValueType.None && pool[i]!.it.atT() === t) cur[i] = pool[i]!.next();
    }
    let sel = -1, best = Infinity;
    for (let i = 0; i < n; i++) {
      if (cur[i] === ValueType.None) continue;
      const t = pool[i]!.it.atT();
      if (t < best) { best = t; sel = i; }
    }
    this.#sel = sel;
    return sel < 0 ? ValueType.None : cur[sel]!;
  }

  seek(t: Millis): ValueType {
    let vt = this.#sel >= 0 ? this.#cur[this.#sel]! : this.next();
    while (vt !== ValueType.None && this.atT() < t) vt = this.next();
    return vt;
  }

  atT(): Millis {
    return this.#pool[this.#sel]!.it.atT();
  }

  atF(): number {
    return this.#pool[this.#sel]!.it.atF();
  }

  atStale(): boolean {
    return this.#pool[this.#sel]!.it.atStale();
  }

  atHistogram(): Histogram {
    return this.#pool[this.#sel]!.it.atHistogram();
  }

  atFloatHistogram(): FloatHistogram {
    return this.#pool[this.#sel]!.it.atFloatHistogram();
  }

  err(): Error | null {
    for (let i = 0; i < this.#n; i++) {
      const e = this.#pool[i]!.err;
      if (e !== null) return e;
    }
    return null;
  }
}
