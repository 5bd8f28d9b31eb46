/**
 * A series read from a block: its chunks (already loaded, so that iterating never awaits)
 * and the intervals whose samples are dropped (tombstones, and the parts of edge chunks
 * outside the querier's range), iterated as one sample cursor. The chunks are either chunk
 * objects or byte ranges in buffers shared by many series (what queries load: no object
 * per chunk).
 */
import type { Labels, FloatHistogram, Histogram, Millis } from '../../model/index.js';
import { ValueType, type FloatColumns, type SampleIterator, type Series } from '../../storage/interface.js';
import type { ChunkSpans } from '../block/index.js';
import { Encoding, XorIterator, appendFloat, chunkFromBytes, type Chunk, type ChunkIterator } from '../chunkenc/index.js';
import type { Interval } from '../tombstones/index.js';

/** Chunks of one series in time order, with their inclusive time ranges. */
export interface LoadedChunks {
  chunks: readonly Chunk[];
  maxts: readonly number[];
  /** Sorted, non-overlapping; samples inside are skipped. */
  intervals: readonly Interval[];
}

/** Chunks of one series as the byte ranges [from, to) of `spans`, with max times at the same indexes of `maxts`. */
export interface SpanChunks {
  spans: ChunkSpans;
  maxts: Float64Array;
  from: number;
  to: number;
  /** Sorted, non-overlapping; samples inside are skipped. */
  intervals: readonly Interval[];
}

const NO_CHUNKS: readonly Chunk[] = [];
const NO_TIMES: readonly number[] = [];
const EMPTY = new Uint8Array(0);

export class BlockSeriesIterator implements SampleIterator {
  // Chunk ci (from <= ci < to) is #chunks[ci], or the byte range ci of #spans.
  #chunks: readonly Chunk[] = NO_CHUNKS;
  #spans: ChunkSpans | null = null;
  #maxts: ArrayLike<number> = NO_TIMES;
  #from = 0;
  #to = 0;
  #intervals: readonly Interval[] = [];
  #ci = -1;
  #it: ChunkIterator | null = null;
  #iv = 0;
  #vt: ValueType = ValueType.None;
  #done = false;
  #err: Error | null = null;
  /** One reusable iterator per chunk encoding. */
  readonly #cache: (ChunkIterator | null)[] = [null, null, null, null, null, null, null];

  reset(data: LoadedChunks): this {
    this.#chunks = data.chunks;
    this.#spans = null;
    this.#maxts = data.maxts;
    this.#from = 0;
    this.#to = data.chunks.length;
    return this.#restart(data.intervals);
  }

  resetSpans(data: SpanChunks): this {
    this.#chunks = NO_CHUNKS;
    this.#spans = data.spans;
    this.#maxts = data.maxts;
    this.#from = data.from;
    this.#to = data.to;
    return this.#restart(data.intervals);
  }

  #restart(intervals: readonly Interval[]): this {
    this.#intervals = intervals;
    this.#ci = this.#from - 1;
    this.#it = null;
    this.#iv = 0;
    this.#vt = ValueType.None;
    this.#done = false;
    this.#err = null;
    return this;
  }

  next(): ValueType {
    if (this.#done) return ValueType.None;
    for (;;) {
      const it = this.#it;
      if (it !== null) {
        const vt = it.next();
        if (vt !== ValueType.None) {
          if (!this.#deleted(it.atT())) return (this.#vt = vt);
          continue;
        }
        const e = it.err();
        if (e !== null) return this.#fail(e);
      }
      if (!this.#openChunk(this.#ci + 1)) return this.#end();
    }
  }

  seek(t: Millis): ValueType {
    if (this.#done) return ValueType.None;
    if (this.#vt !== ValueType.None && this.#it!.atT() >= t) return this.#vt;
    const maxts = this.#maxts;
    const to = this.#to;
    let ci = this.#ci < this.#from ? this.#from : this.#ci;
    while (ci < to && maxts[ci]! < t) ci++;
    if (ci >= to) return this.#end();
    if (ci !== this.#ci && !this.#openChunk(ci)) return this.#end();
    const vt = this.#it!.seek(t);
    if (vt === ValueType.None) {
      const e = this.#it!.err();
      if (e !== null) return this.#fail(e);
      this.#vt = ValueType.None;
      return this.next();
    }
    if (!this.#deleted(this.#it!.atT())) return (this.#vt = vt);
    return this.next();
  }

  /**
   * SampleIterator.readFloats: chunk by chunk through the chunk iterators' own bulk reads,
   * each bounded by the next deleted interval (the samples inside are skipped by next()).
   */
  readFloats(maxt: number, out: FloatColumns): ValueType {
    let vt = this.#vt;
    const ivs = this.#intervals;
    for (;;) {
      if (vt !== ValueType.Float) return vt;
      const it = this.#it!;
      const t = it.atT();
      if (t > maxt) return vt;
      let bound = maxt;
      if (ivs.length > 0) {
        while (this.#iv < ivs.length && ivs[this.#iv]!.maxt < t) this.#iv++;
        // The current sample is not deleted, so the interval (if any) starts after it.
        if (this.#iv < ivs.length && ivs[this.#iv]!.mint - 1 < bound) bound = ivs[this.#iv]!.mint - 1;
      }
      if (it.readFloats === undefined) {
        if (!it.atStale()) appendFloat(out, t, it.atF());
        else out.staleT = t;
        vt = this.next();
        continue;
      }
      vt = it.readFloats(bound, out);
      if (vt === ValueType.None) {
        const e = it.err();
        if (e !== null) return this.#fail(e);
        if (!this.#openChunk(this.#ci + 1)) return this.#end();
        vt = this.next();
        continue;
      }
      this.#vt = vt;
      if (this.#deleted(it.atT())) vt = this.next();
    }
  }

  atT(): Millis {
    return this.#it!.atT();
  }

  atF(): number {
    return this.#it!.atF();
  }

  atStale(): boolean {
    return this.#it!.atStale();
  }

  atHistogram(): Histogram {
    return this.#it!.atHistogram();
  }

  atFloatHistogram(): FloatHistogram {
    return this.#it!.atFloatHistogram();
  }

  atST(): number {
    const it = this.#it!;
    return it.atST !== undefined ? it.atST() : 0;
  }

  err(): Error | null {
    return this.#err;
  }

  #openChunk(ci: number): boolean {
    if (ci >= this.#to) return false;
    const sp = this.#spans;
    let it: ChunkIterator;
    if (sp === null) {
      const c = this.#chunks[ci]!;
      it = c.iterator(this.#cache[c.encoding] ?? null);
      this.#cache[c.encoding] = it;
    } else {
      const enc = sp.enc[ci]!;
      const b = sp.bufs[sp.buf[ci]!]!;
      if (enc === Encoding.XOR) {
        const x = this.#cache[enc];
        const xit = x instanceof XorIterator ? x : new XorIterator(EMPTY);
        xit.resetRange(b, sp.start[ci]!, sp.end[ci]!);
        it = xit;
      } else {
        it = chunkFromBytes(enc, b.subarray(sp.start[ci], sp.end[ci])).iterator(this.#cache[enc] ?? null);
      }
      this.#cache[enc] = it;
    }
    this.#ci = ci;
    this.#it = it;
    return true;
  }

  #deleted(t: number): boolean {
    const ivs = this.#intervals;
    while (this.#iv < ivs.length && ivs[this.#iv]!.maxt < t) this.#iv++;
    return this.#iv < ivs.length && ivs[this.#iv]!.mint <= t;
  }

  #end(): ValueType {
    this.#done = true;
    this.#vt = ValueType.None;
    return ValueType.None;
  }

  #fail(e: Error): ValueType {
    this.#err = e;
    return this.#end();
  }
}

/** A series whose chunks are byte ranges (what block queriers return). */
export class SpanSeries implements Series {
  readonly labels: Labels;
  readonly data: SpanChunks;

  constructor(labels: Labels, data: SpanChunks) {
    this.labels = labels;
    this.data = data;
  }

  iterator(reuse: SampleIterator | null): SampleIterator {
    const it = reuse instanceof BlockSeriesIterator ? reuse : new BlockSeriesIterator();
    return it.resetSpans(this.data);
  }
}

export class LoadedSeries implements Series {
  readonly labels: Labels;
  readonly data: LoadedChunks;

  constructor(labels: Labels, data: LoadedChunks) {
    this.labels = labels;
    this.data = data;
  }

  iterator(reuse: SampleIterator | null): SampleIterator {
    const it = reuse instanceof BlockSeriesIterator ? reuse : new BlockSeriesIterator();
    return it.reset(this.data);
  }
}
