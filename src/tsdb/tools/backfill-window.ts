/**
 * One block window of a backfill: the XOR chunks of every series with samples in
 * [mint, mint + blockDuration), built the way promtool's block writer (a TSDB head with a
 * chunk range of twice the block duration) builds them, so that the blocks come out the
 * same:
 *  - a chunk is cut when it holds more than 1005 bytes, when the sample reaches the chunk's
 *    end time (first the end of the chunk range, then, once the chunk holds 30 samples, an
 *    end predicted to spread the range's samples evenly over 120-sample chunks), or at 240
 *    samples;
 *  - promtool commits every 5000 samples of a window; a sample that is older than the last
 *    committed one of its series is an error ("out of order sample"), as is one at the same
 *    time with another value ("duplicate sample for timestamp"); within a batch, samples
 *    not after the series' last one are dropped silently.
 */
import { formatFloatG, type Millis } from '../../model/index.js';
import { MAX_BYTES_PER_XOR_CHUNK_BEFORE_APPEND, XorChunk, type XorAppender } from '../chunkenc/index.js';
import { ChunkArena } from './chunk-arena.js';

/** promtool commits its appender after this many samples. */
export const MAX_SAMPLES_IN_APPENDER = 5000;
/** The head's target samples per chunk. */
const SAMPLES_PER_CHUNK = 120;
/** More than any one XOR sample can add to a chunk, in bytes. */
const MAX_SAMPLE_BYTES = 21;
/** Rough bytes a series' state costs besides its finished chunks (for the memory budget). */
export const SERIES_OVERHEAD_BYTES = 600;

/** The end of the chunk range `t` falls in (Go's truncating division). */
export function rangeForTimestamp(t: number, width: number): number {
  return Math.trunc(t / width) * width + width;
}

/** The head's predicted end of a chunk after `cur - start` of its range held a quarter of a chunk. */
export function computeChunkEndTime(start: number, cur: number, maxT: number, ratioToFull: number): number {
  const n = (maxT - start) / ((cur - start + 1) * ratioToFull);
  if (n <= 1) return maxT;
  return Math.trunc(start + (maxT - start) / Math.floor(n));
}

/** The chunks of one series in one window. */
export class SeriesBuilder {
  readonly id: number;
  /** Finished chunks: [arena address, length, mint, maxt] each. */
  readonly done: number[] = [];
  chunk: XorChunk | null = null;
  app: XorAppender | null = null;
  cMint = 0;
  cN = 0;
  nextAt = 0;
  /** Chunk length at the last exact check, and samples appended since. */
  knownLen = 0;
  since = 0;
  lastT = -Infinity;
  lastV = 0;
  /** The series' last sample as of the end of the previous appender batch. */
  commT = -Infinity;
  commV = 0;
  batch = -1;

  constructor(id: number) {
    this.id = id;
  }
}

export class BackfillWindow {
  readonly index: number;
  readonly mint: number;
  readonly #chunkRange: number;
  readonly builders: (SeriesBuilder | undefined)[] = [];
  builderCount = 0;
  readonly arena = new ChunkArena();
  /** Samples appended so far (promtool's per-window count, which drives its batches). */
  count = 0;
  /** Range of the samples kept. */
  minT = Infinity;
  maxT = -Infinity;
  /** The error that ends this window (and the backfill when its turn comes), or null. */
  error: string | null = null;

  constructor(index: number, blockDuration: number) {
    this.index = index;
    this.mint = index * blockDuration;
    this.#chunkRange = 2 * blockDuration;
  }

  /** Bytes this window holds, roughly. */
  memory(): number {
    return this.arena.bytes + this.builderCount * SERIES_OVERHEAD_BYTES;
  }

  fail(msg: string): void {
    this.error ??= msg;
  }

  /** Adds a sample of series `id` (timestamps in ms within the window). */
  add(id: number, t: number, v: number): void {
    if (this.error !== null) return;
    let b = this.builders[id];
    if (b === undefined) {
      b = new SeriesBuilder(id);
      this.builders[id] = b;
      this.builderCount++;
    }
    const batch = Math.floor(this.count / MAX_SAMPLES_IN_APPENDER);
    if (b.batch !== batch) {
      b.commT = b.lastT;
      b.commV = b.lastV;
      b.batch = batch;
    }
    if (b.commT !== -Infinity && t <= b.commT) {
      if (t < b.commT) { this.error = 'out of order sample'; return; }
      if (!Object.is(v, b.commV)) { this.error = duplicateText(t, b.commV, v); return; }
    }
    this.count++;
    if (t <= b.lastT) return;
    this.#append(b, t, v);
    b.lastT = t;
    b.lastV = v;
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
  }

  #append(b: SeriesBuilder, t: number, v: number): void {
    if (b.chunk === null) {
      this.#cut(b, t);
    } else if (b.knownLen + MAX_SAMPLE_BYTES * b.since > MAX_BYTES_PER_XOR_CHUNK_BEFORE_APPEND
      && this.#exactLen(b) > MAX_BYTES_PER_XOR_CHUNK_BEFORE_APPEND) {
      this.#cut(b, t);
    } else {
      const n = b.cN;
      if (n === SAMPLES_PER_CHUNK / 4) b.nextAt = computeChunkEndTime(b.cMint, b.lastT, b.nextAt, 4);
      if (t >= b.nextAt || n >= SAMPLES_PER_CHUNK * 2) this.#cut(b, t);
    }
    b.app!.append(t as Millis, v);
    b.cN++;
    b.since++;
  }

  #exactLen(b: SeriesBuilder): number {
    b.knownLen = b.chunk!.bytes().length;
    b.since = 0;
    return b.knownLen;
  }

  #cut(b: SeriesBuilder, t: number): void {
    this.#finish(b);
    const c = XorChunk.empty();
    b.chunk = c;
    b.app = c.appender();
    b.cMint = t;
    b.cN = 0;
    b.nextAt = rangeForTimestamp(t, this.#chunkRange);
    b.knownLen = 2;
    b.since = 0;
  }

  /** Moves the open chunk of `b` into the arena. */
  #finish(b: SeriesBuilder): void {
    if (b.chunk === null) return;
    const bytes = b.chunk.bytes();
    b.done.push(this.arena.add(bytes), bytes.length, b.cMint, b.lastT);
    b.chunk = null;
    b.app = null;
  }

  /** Ends the pass: every open chunk goes into the arena. */
  seal(): void {
    for (const b of this.builders) if (b !== undefined) this.#finish(b);
  }
}

/** Prometheus 3's text for a float appended at the time of another with a different value. */
function duplicateText(t: number, existing: number, v: number): string {
  if (t === 0) return 'duplicate sample for timestamp';
  return `duplicate sample for timestamp ${t}; overrides not allowed: existing ${formatFloatG(existing)}, new value ${formatFloatG(v)}`;
}
