/**
 * A series read from a block: its chunks (already loaded, so that iterating never awaits)
 * and the intervals whose samples are dropped (tombstones, and the parts of edge chunks
 * outside the querier's range), iterated as one sample cursor.
 */
import type { Labels, FloatHistogram, Histogram, Millis } from '../../model/index.js';
import { ValueType, type FloatColumns, type SampleIterator, type Series } from '../../storage/interface.js';
import { appendFloat, type Chunk, type ChunkIterator } from '../chunkenc/index.js';
import type { Interval } from '../tombstones/index.js';

/** Chunks of one series in time order, with their inclusive time ranges. */
export interface LoadedChunks {
  chunks: readonly Chunk[];
  maxts: readonly number[];
  /** Sorted, non-overlapping; samples inside are skipped. */
  intervals: readonly Interval[];
}

export class BlockSeriesIterator implements SampleIterator {
  #data: LoadedChunks = { chunks: [], maxts: [], intervals: [] };
  #ci = -1;
  #it: ChunkIterator | null = null;
  #iv = 0;
  #vt: ValueType = ValueType.None;
  #done = false;
  #err: Error | null = null;
  /** One reusable iterator per chunk encoding. */
  readonly #cache: (ChunkIterator | null)[] = [null, null, null, null, null, null, null];

  reset(data: LoadedChunks): this {
    this.#data = data;
    this.#ci = -1;
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
    const { chunks, maxts } = this.#data;
    let ci = this.#ci < 0 ? 0 : this.#ci;
    while (ci < chunks.length && maxts[ci]! < t) ci++;
    if (ci >= chunks.length) return this.#end();
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
    const ivs = this.#data.intervals;
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
    const chunks = this.#data.chunks;
    if (ci >= chunks.length) return false;
    const c = chunks[ci]!;
    const enc = c.encoding;
    const it = c.iterator(this.#cache[enc] ?? null);
    this.#cache[enc] = it;
    this.#ci = ci;
    this.#it = it;
    return true;
  }

  #deleted(t: number): boolean {
    const ivs = this.#data.intervals;
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
