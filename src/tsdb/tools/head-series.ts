/**
 * A series of the in-memory head rebuilt from the WAL for promtool-style reads: its samples
 * kept in chunks (XOR for floats, the histogram encodings for histograms), appended in time
 * order only, as the head does on replay: a sample at or before the last one is dropped.
 */
import type { FloatHistogram, Histogram, Labels, Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import {
  Encoding, MIN_SAMPLES_PER_HISTOGRAM_CHUNK, TARGET_BYTES_PER_HISTOGRAM_CHUNK, newEmptyChunk,
  type Appender, type Chunk, type HistogramAppendResult,
} from '../chunkenc/index.js';

/** Float chunks are cut at this many samples (the head's target). */
const SAMPLES_PER_CHUNK = 120;

export class HeadSeries {
  readonly ref: number;
  readonly labels: Labels;
  /** Chunks in time order; the last one is open. */
  readonly chunks: Chunk[] = [];
  /** Time range of each chunk (ms, inclusive). */
  readonly chunkMint: number[] = [];
  readonly chunkMaxt: number[] = [];
  /** Type of the latest sample: Float, Histogram or FloatHistogram; None while empty. */
  lastType: ValueType = ValueType.None;
  #app: Appender | null = null;
  #prevApp: Appender | null = null;
  #enc: Encoding = Encoding.None;
  #lastT = -Infinity;

  constructor(ref: number, labels: Labels) {
    this.ref = ref;
    this.labels = labels;
  }

  get lastT(): number {
    return this.#lastT;
  }

  #cut(enc: Encoding, t: number): Appender {
    // Histogram appenders read the previous chunk's appender (same kind only) to set the
    // counter reset header of a new chunk.
    this.#prevApp = this.#enc === enc ? this.#app : null;
    const c = newEmptyChunk(enc);
    this.chunks.push(c);
    this.chunkMint.push(t);
    this.chunkMaxt.push(t);
    this.#enc = enc;
    this.#app = c.appender();
    return this.#app;
  }

  #open(enc: Encoding, t: number): Appender {
    if (this.#app === null || this.#enc !== enc) return this.#cut(enc, t);
    const c = this.chunks[this.chunks.length - 1]!;
    const n = c.numSamples();
    const full = enc === Encoding.XOR
      ? n >= SAMPLES_PER_CHUNK
      : n >= SAMPLES_PER_CHUNK || (n >= MIN_SAMPLES_PER_HISTOGRAM_CHUNK && c.bytes().length >= TARGET_BYTES_PER_HISTOGRAM_CHUNK);
    return full ? this.#cut(enc, t) : this.#app;
  }

  /** Appends a float (or a float stale marker); false when it is not after the last sample. */
  appendFloat(t: number, v: number, stale: boolean): boolean {
    if (t <= this.#lastT) return false;
    const app = this.#open(Encoding.XOR, t);
    if (stale) app.appendStale(t as Millis);
    else app.append(t as Millis, v);
    this.#done(t, ValueType.Float);
    return true;
  }

  /**
   * Appends an integer or float histogram (exactly one non-null), or, when `stale`, the
   * stale histogram marker of that kind (the histogram's content is then ignored); false
   * when it is not after the last sample.
   */
  appendHistogram(t: number, h: Histogram | null, fh: FloatHistogram | null, stale: boolean): boolean {
    if (t <= this.#lastT) return false;
    const enc = h !== null ? Encoding.Histogram : Encoding.FloatHistogram;
    const app = this.#open(enc, t);
    const prev = this.#prevApp;
    let r: HistogramAppendResult;
    if (stale) r = app.appendStaleHistogram(prev, t as Millis, false);
    else if (h !== null) r = app.appendHistogram(prev, t as Millis, h, false);
    else r = app.appendFloatHistogram(prev, t as Millis, fh!, false);
    if (r.chunk !== null) {
      const last = this.chunks.length - 1;
      if (r.recoded) {
        this.chunks[last] = r.chunk;
      } else {
        this.chunks.push(r.chunk);
        this.chunkMint.push(t);
        this.chunkMaxt.push(t);
      }
    }
    if (r.chunk !== null && !r.recoded) this.#prevApp = app;
    this.#app = r.appender;
    this.#done(t, enc === Encoding.Histogram ? ValueType.Histogram : ValueType.FloatHistogram);
    return true;
  }

  #done(t: number, type: ValueType): void {
    this.#lastT = t;
    this.chunkMaxt[this.chunkMaxt.length - 1] = t;
    this.lastType = type;
  }
}
