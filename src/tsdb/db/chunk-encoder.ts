/**
 * Re-encoding a series' samples into chunks, as Prometheus does when compaction merges
 * overlapping chunks or drops deleted samples: a new chunk at every change of sample type
 * and every 120 samples; histogram chunks also cut (or are re-encoded wider) where the
 * histogram appender asks for it.
 */
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import { Encoding, newEmptyChunk, type Appender, type Chunk, type HistogramAppendResult } from '../chunkenc/index.js';
import type { ChunkToWrite } from '../block/index.js';

/** Prometheus's seriesToChunkEncoderSplit. */
export const SAMPLES_PER_REENCODED_CHUNK = 120;

function encodingFor(vt: ValueType, floatEncoding: number): number {
  switch (vt) {
    case ValueType.Float: return floatEncoding;
    case ValueType.Histogram: return Encoding.Histogram;
    case ValueType.FloatHistogram: return Encoding.FloatHistogram;
    case ValueType.None: throw new Error('encoding chunks: no sample');
  }
}

function keepsST(e: number): boolean {
  return e === Encoding.XOR2 || e === Encoding.HistogramST || e === Encoding.FloatHistogramST;
}

function withST(vt: ValueType): number {
  return vt === ValueType.Float ? Encoding.XOR2 : vt === ValueType.Histogram ? Encoding.HistogramST : Encoding.FloatHistogramST;
}

/**
 * Reads `it` to its end and appends the chunks holding its samples to `out`, floats in
 * `floatEncoding` chunks (XOR or XOR2); a sample with a start timestamp goes into a chunk that
 * keeps it (XOR2, histogram encodings 5 and 6). Throws the iterator's error, if any.
 */
export function encodeChunks(it: SampleIterator, out: ChunkToWrite[], floatEncoding: number = Encoding.XOR): void {
  let chunk: Chunk | null = null;
  let app: Appender | null = null;
  let lastType: ValueType = ValueType.None;
  let n = 0;
  let mint = 0, maxt = 0;
  const flush = (): void => {
    if (chunk !== null && chunk.numSamples() > 0) out.push({ mint, maxt, chunk, ref: 0 });
  };
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
    const t = it.atT();
    // A sample with a start timestamp needs a chunk that keeps it: XOR2, or a histogram
    // encoding with start timestamps (Prometheus's seriesToChunkEncoder).
    const st = it.atST !== undefined ? it.atST() : 0;
    if (vt !== lastType || n >= SAMPLES_PER_REENCODED_CHUNK || app === null || (st !== 0 && !keepsST(chunk!.encoding))) {
      flush();
      chunk = newEmptyChunk(st !== 0 ? withST(vt) : encodingFor(vt, floatEncoding));
      app = chunk.appender();
      n = 0;
      mint = t;
    }
    lastType = vt;
    switch (vt) {
      case ValueType.Float:
        if (it.atStale()) app.appendStale(t, st);
        else app.append(t, it.atF(), st);
        break;
      case ValueType.Histogram:
      case ValueType.FloatHistogram: {
        const r: HistogramAppendResult = it.atStale()
          ? app.appendStaleHistogram(null, t, false, st)
          : vt === ValueType.Histogram
            ? app.appendHistogram(null, t, it.atHistogram(), false, st)
            : app.appendFloatHistogram(null, t, it.atFloatHistogram(), false, st);
        if (r.chunk !== null) {
          if (!r.recoded) {
            flush();
            n = 0;
            mint = t;
          }
          chunk = r.chunk;
        }
        app = r.appender;
        break;
      }
    }
    maxt = t;
    n++;
  }
  const e = it.err();
  if (e !== null) throw e;
  flush();
}
