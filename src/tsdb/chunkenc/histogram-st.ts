/**
 * Histogram chunks with start timestamps (encodings 5 and 6), which Prometheus 3.x writes with
 * its `st-storage` feature. They are the integer and float histogram chunks with two changes:
 *
 *   byte 0 bits 7-6: counter reset header | byte 0 bits 5-0 + byte 1: 14-bit sample count
 *   | byte 2: ST header (bit 7: the first sample has an ST; bits 6-0: the sample index from
 *   which every sample carries an ST delta)
 *
 * and after each sample's own fields, its start timestamp: for the first sample (when the
 * header says it has one) `t - st` as a signed varint; from the change index on, `prevT - st`
 * as a varbit integer, after the change index itself as the difference to the previous one.
 *
 * Watchfire reads these chunks (blocks, `chunks_head/`, snapshots written by Prometheus) and
 * does not write them: its histogram chunks use encodings 2 and 3 (with `st-storage` the start
 * timestamps of histograms are kept in the WAL only, as Prometheus does without
 * `histograms-st-encoding`).
 */
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import { ChunkEncodingError, Encoding, type Appender, type Chunk, type ChunkIterator } from './chunk.js';
import { FloatHistogramIterator } from './float-histogram-iterator.js';
import { FloatHistogramChunk } from './float-histogram.js';
import { HistogramIterator } from './histogram-iterator.js';
import { setCounterResetHeader, type CounterResetHeader } from './histogram-meta.js';
import { HistogramChunk } from './histogram.js';
import { stCounterResetHeader, stNumSamplesOf } from './st-decoder.js';

function notAppendable(e: number): ChunkEncodingError {
  return new ChunkEncodingError(`appending to ${e === Encoding.HistogramST ? 'histogramST' : 'floathistogramST'} chunks is not supported: Watchfire reads chunks with start timestamps but writes its own without them`);
}

type STIteratorClass = typeof HistogramIterator | typeof FloatHistogramIterator;

/** A stored ST chunk, read in place (the caller leaves the bytes unmodified while it is in use). */
abstract class StoredSTChunk implements Chunk {
  abstract readonly encoding: typeof Encoding.HistogramST | typeof Encoding.FloatHistogramST;
  protected readonly b: Uint8Array;
  readonly #Iterator: STIteratorClass;

  constructor(b: Uint8Array, iterator: STIteratorClass) {
    this.b = b;
    this.#Iterator = iterator;
  }

  bytes(): Uint8Array {
    return this.b;
  }

  byteLength(): number {
    return this.b.length;
  }

  numSamples(): number {
    return stNumSamplesOf(this.b);
  }

  counterResetHeader(): CounterResetHeader {
    return stCounterResetHeader(this.b);
  }

  /** Throws: see notAppendable. Readers that continue such a chunk re-encode it first (plainCopy). */
  appender(): Appender {
    throw notAppendable(this.encoding);
  }

  iterator(reuse: SampleIterator | null): ChunkIterator {
    if (reuse instanceof this.#Iterator && reuse.readsStartTimestamps) {
      reuse.reset(this.b);
      return reuse;
    }
    return new this.#Iterator(this.b, true);
  }
}

export class HistogramSTChunk extends StoredSTChunk {
  readonly encoding = Encoding.HistogramST;

  static fromBytes(b: Uint8Array): HistogramSTChunk {
    return new HistogramSTChunk(b, HistogramIterator);
  }
}

export class FloatHistogramSTChunk extends StoredSTChunk {
  readonly encoding = Encoding.FloatHistogramST;

  static fromBytes(b: Uint8Array): FloatHistogramSTChunk {
    return new FloatHistogramSTChunk(b, FloatHistogramIterator);
  }
}

/**
 * The samples of an ST histogram chunk in a chunk of the plain encoding (2 or 3), start
 * timestamps dropped and the counter reset header kept: for an open chunk that Watchfire
 * continues (one loaded from a chunk snapshot). Throws ChunkEncodingError when the chunk is
 * unreadable or its samples do not fit one chunk.
 */
export function plainCopy(c: HistogramSTChunk | FloatHistogramSTChunk): HistogramChunk | FloatHistogramChunk {
  const float = c.encoding === Encoding.FloatHistogramST;
  const out = float ? FloatHistogramChunk.empty() : HistogramChunk.empty();
  let app: Appender = out.appender();
  const it = c.iterator(null);
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
    const t = it.atT();
    const r = it.atStale() ? app.appendStaleHistogram(null, t, false)
      : float ? app.appendFloatHistogram(null, t, it.atFloatHistogram(), false)
        : app.appendHistogram(null, t, it.atHistogram(), false);
    if (r.chunk !== null) throw new ChunkEncodingError(`re-encoding a ${float ? 'floathistogramST' : 'histogramST'} chunk: its samples do not fit one chunk`);
    app = r.appender;
  }
  const err = it.err();
  if (err !== null) throw new ChunkEncodingError(`reading a ${float ? 'floathistogramST' : 'histogramST'} chunk: ${err.message}`, { cause: err });
  setCounterResetHeader(out.bytes(), c.counterResetHeader());
  return out;
}
