/**
 * The chunk seam, modelled on Prometheus's chunkenc: a `Chunk` holds encoded samples of one
 * series, hands out an `Appender` to add samples and iterators to read them.
 */
import type { FloatHistogram, Histogram, Millis } from '../../model/index.js';
import type { SampleIterator } from '../../storage/interface.js';

/** Chunk encodings with Prometheus's numbers, as stored in the encoding byte on disk. */
export const Encoding = {
  None: 0,
  XOR: 1,
  Histogram: 2,
  FloatHistogram: 3,
  /** Prometheus 3.x's optional float encoding with start timestamps. */
  XOR2: 4,
  /** Histogram encodings with start timestamps (Prometheus's `histograms-st-encoding`). */
  HistogramST: 5,
  FloatHistogramST: 6,
} as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

export function encodingName(e: number): string {
  switch (e) {
    case Encoding.None: return 'none';
    case Encoding.XOR: return 'XOR';
    case Encoding.Histogram: return 'histogram';
    case Encoding.FloatHistogram: return 'floathistogram';
    case Encoding.XOR2: return 'XOR2';
    case Encoding.HistogramST: return 'histogramST';
    case Encoding.FloatHistogramST: return 'floathistogramST';
    default: return '<unknown>';
  }
}

/** The encodings this package reads and writes. */
export function isSupportedEncoding(e: number): boolean {
  return e >= Encoding.XOR && e <= Encoding.FloatHistogramST;
}

/** An XOR chunk never grows past this many bytes (Prometheus's MaxBytesPerXORChunk). */
export const MAX_BYTES_PER_XOR_CHUNK = 1024;
/** Cut a new XOR chunk once it is this large, leaving room for one maximal sample (19 bytes). */
export const MAX_BYTES_PER_XOR_CHUNK_BEFORE_APPEND = MAX_BYTES_PER_XOR_CHUNK - 19;
/** Size a histogram chunk aims at. */
export const TARGET_BYTES_PER_HISTOGRAM_CHUNK = 1024;
/** Histogram chunks hold at least this many samples before a size-based cut. */
export const MIN_SAMPLES_PER_HISTOGRAM_CHUNK = 10;
/** The 16-bit sample counter of every chunk header caps a chunk at this many samples. */
export const MAX_SAMPLES_PER_CHUNK = 0xffff;

/**
 * A sequence of encoded samples.
 *
 * Ownership: a chunk built by appending owns its growing buffer. A chunk made with
 * `chunkFromBytes` reads the caller's bytes in place and never writes them; its appender
 * works on a private copy. Not safe for concurrent appends; iterators may run beside an
 * appender (they read only the samples that existed when they were made or reset).
 */
export interface Chunk {
  readonly encoding: Encoding;
  /**
   * The encoded chunk (without the encoding byte). A view, not a copy: it stays valid until
   * the next append to this chunk; do not modify it, copy it to keep it across appends.
   */
  bytes(): Uint8Array;
  /** `bytes().length`, without making a view. */
  byteLength(): number;
  numSamples(): number;
  /**
   * An appender positioned after the last sample. Only one appender may be used at a time;
   * for a chunk read from bytes the first call copies them.
   */
  appender(): Appender;
  /**
   * An iterator over the chunk's samples. Passing a previous iterator of the same encoding
   * reuses it (its earlier values become invalid); otherwise a new one is allocated.
   */
  iterator(reuse: SampleIterator | null): ChunkIterator;
}

/** A sample iterator over one chunk. */
export interface ChunkIterator extends SampleIterator {
  /** Bits consumed so far, header included (used to resume appending). */
  bitPosition(): number;
}

/**
 * The outcome of appending a histogram sample. When the sample could not go into the current
 * chunk, `chunk` is the chunk that now holds it: a fresh chunk (`recoded` false; the old one
 * is complete) or the current chunk re-encoded with a wider bucket layout (`recoded` true;
 * it replaces the old one). `appender` is the appender to use for the next sample.
 */
export interface HistogramAppendResult {
  chunk: Chunk | null;
  recoded: boolean;
  appender: Appender;
}

/**
 * Adds samples to a chunk. The caller decides when to cut chunks for size or time; the
 * histogram methods cut by themselves where Prometheus does (counter reset, schema or zero
 * threshold change, custom bounds change, buckets disappearing) and re-encode when new buckets
 * appear. Timestamps must be safe integers in non-decreasing order.
 *
 * Histograms passed in are read, never kept nor modified.
 */
export interface Appender {
  /**
   * Appends a float sample (float chunks only). Every NaN is stored as Go's math.NaN() bits.
   * `st` is the sample's start timestamp in ms (0 or absent: none); XOR2 chunks store it, XOR
   * chunks ignore it, as in Prometheus.
   */
  append(t: Millis, v: number, st?: number): void;
  /** Appends a staleness marker with its exact bits (float chunks only); `st` as in `append`. */
  appendStale(t: Millis, st?: number): void;
  /**
   * Appends an integer histogram (histogram chunks only). `prev` is the appender of the
   * series' previous chunk, consulted only for the first sample of a chunk to set the counter
   * reset header. With `appendOnly`, a sample that would need a new or recoded chunk throws
   * instead and leaves the chunk unchanged. `st` is the start timestamp (0 or absent: none),
   * which chunks of encodings 5 and 6 store and the others ignore.
   */
  appendHistogram(prev: Appender | null, t: Millis, h: Histogram, appendOnly: boolean, st?: number): HistogramAppendResult;
  /** Appends a float histogram (float histogram chunks only); see appendHistogram. */
  appendFloatHistogram(prev: Appender | null, t: Millis, h: FloatHistogram, appendOnly: boolean, st?: number): HistogramAppendResult;
  /**
   * Appends Prometheus's stale histogram marker (sum = stale NaN, no buckets) to a histogram
   * or float histogram chunk; see appendHistogram.
   */
  appendStaleHistogram(prev: Appender | null, t: Millis, appendOnly: boolean, st?: number): HistogramAppendResult;
}

/** Thrown for samples that a chunk's encoding cannot take (a programming error in the caller). */
export function wrongSampleType(what: string, chunk: string): Error {
  return new Error(`appended a ${what} sample to a ${chunk} chunk`);
}

/** Reading `bytes` into a chunk failed: unknown encoding or a header too short. */
export class ChunkEncodingError extends Error {
  override readonly name = 'ChunkEncodingError';
}
