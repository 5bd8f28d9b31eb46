/**
 * The counter reset hints that Prometheus's TSDB hands back for stored native histograms,
 * which some expectations of the scripts spell out and which steer how the engine detects
 * counter resets. The TSDB keeps histograms in chunks: a reader sees `unknown` on the first
 * sample of a chunk, `not_reset` on every later one, and `gauge` throughout a gauge chunk.
 * Which samples start a chunk depends on the head's chunk cutting (a new series, a change
 * between floats and histograms, a detected counter reset, a schema or layout change, a
 * sample after a stale marker, the 2h chunk range, the chunk size), so this replays each
 * series through the project's chunk encoder with the head's cutting rules and reports
 * the hint each histogram sample will read back with.
 *
 * The memory storage keeps hints as appended, so the runner stamps these hints on the
 * histograms it loads. Against a storage with real chunks this step becomes unnecessary.
 */
import { CounterResetHint, type FloatHistogram, type Millis } from '../../model/index.js';
import {
  FloatHistogramChunk, MIN_SAMPLES_PER_HISTOGRAM_CHUNK, TARGET_BYTES_PER_HISTOGRAM_CHUNK, counterResetHint,
  type Appender, type Chunk,
} from '../../tsdb/chunkenc/index.js';

/** The head's chunk range in the reference runner's storage (2h, the default block size). */
const CHUNK_RANGE = 2 * 3600 * 1000;

/** Start of the next chunk range after t (t's range is [k*width, (k+1)*width)). */
function rangeForTimestamp(t: number, width: number): number {
  return Math.trunc(t / width) * width + width;
}

/** Prometheus's estimate of when to cut a histogram chunk so chunks in a range end up equally full. */
function computeChunkEndTime(start: number, cur: number, maxT: number, ratioToFull: number): number {
  const n = (maxT - start) / ((cur - start + 1) * ratioToFull);
  if (n <= 1) return maxT;
  return Math.trunc(start + (maxT - start) / Math.floor(n));
}

/** One series' head chunk state. Float chunks are not encoded: only their existence matters here. */
class SeriesChunks {
  /** 'fh' while the head chunk is a float histogram chunk. */
  kind: 'none' | 'float' | 'fh' = 'none';
  chunk: Chunk | null = null;
  app: Appender | null = null;
  minT = 0;
  maxT = 0;
  nextAt = 0;
  computedEndTime = false;
  /** The last sample was a histogram (a stale marker then goes into the histogram chunk). */
  lastWasHistogram = false;

  #cut(t: number): void {
    this.chunk = FloatHistogramChunk.empty();
    this.app = this.chunk.appender();
    this.kind = 'fh';
    this.minT = t;
    this.nextAt = rangeForTimestamp(t, CHUNK_RANGE);
    this.computedEndTime = false;
  }

  float(): void {
    if (this.kind !== 'float') {
      this.kind = 'float';
      this.chunk = null;
      this.app = null;
    }
    this.lastWasHistogram = false;
  }

  /** Appends a histogram (or a histogram stale marker when h is null); returns its read-back hint. */
  histogram(t: number, h: FloatHistogram | null): CounterResetHint {
    const prevApp = this.app;
    let created = false;
    if (this.kind !== 'fh') {
      this.#cut(t);
      created = true;
    } else {
      const numSamples = this.chunk!.numSamples();
      const numBytes = this.chunk!.bytes().length;
      const nextRangeStart = this.computedEndTime ? rangeForTimestamp(this.minT, CHUNK_RANGE) : this.nextAt;
      if (!this.computedEndTime && numBytes >= TARGET_BYTES_PER_HISTOGRAM_CHUNK / 4) {
        this.nextAt = computeChunkEndTime(this.minT, this.maxT, this.nextAt, TARGET_BYTES_PER_HISTOGRAM_CHUNK / numBytes);
        this.computedEndTime = true;
      }
      if ((t >= this.nextAt || numBytes >= TARGET_BYTES_PER_HISTOGRAM_CHUNK * 2) &&
        (numSamples >= MIN_SAMPLES_PER_HISTOGRAM_CHUNK || t >= nextRangeStart)) {
        this.#cut(t);
        created = true;
      }
    }
    const prev = created && prevApp !== null ? prevApp : null;
    const r = h === null
      ? this.app!.appendStaleHistogram(prev, t as Millis, false)
      : this.app!.appendFloatHistogram(prev, t as Millis, h, false);
    this.app = r.appender;
    if (r.chunk !== null) {
      this.chunk = r.chunk;
      if (!r.recoded) {
        this.minT = t;
        this.nextAt = rangeForTimestamp(t, CHUNK_RANGE);
      }
    }
    this.maxT = t;
    this.lastWasHistogram = true;
    const c = this.chunk as FloatHistogramChunk;
    return counterResetHint(c.counterResetHeader(), c.numSamples());
  }
}

/** Head chunk state of every series since the last `clear`, by label-set key. */
export class HeadHints {
  readonly #series = new Map<string, SeriesChunks>();

  #get(key: string): SeriesChunks {
    let s = this.#series.get(key);
    if (s === undefined) {
      s = new SeriesChunks();
      this.#series.set(key, s);
    }
    return s;
  }

  /** Records a float sample. */
  float(key: string): void {
    this.#get(key).float();
  }

  /**
   * Records a stale marker; returns true when it lands in a histogram chunk (the head then
   * stores it as a histogram stale marker).
   */
  stale(key: string, t: number): boolean {
    const s = this.#get(key);
    if (!s.lastWasHistogram) {
      s.float();
      return false;
    }
    s.histogram(t, null);
    return true;
  }

  /** Records a histogram sample; returns the hint it reads back with. */
  histogram(key: string, t: number, h: FloatHistogram): CounterResetHint {
    return this.#get(key).histogram(t, h);
  }
}
