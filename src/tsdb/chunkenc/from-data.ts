/**
 * Chunks by encoding number: decoding stored bytes and starting new chunks.
 */
import { ChunkEncodingError, Encoding, encodingName, type Chunk } from './chunk.js';
import { FloatHistogramChunk } from './float-histogram.js';
import { HistogramChunk } from './histogram.js';
import { XorChunk } from './xor-chunk.js';
import { Xor2Chunk } from './xor2.js';

/**
 * Throws the ChunkEncodingError that `chunkFromBytes` would throw for a chunk of `length`
 * bytes in `encoding`: for readers that keep chunks as byte ranges and make chunk objects
 * (or iterators) later.
 */
export function checkChunkBytes(encoding: number, length: number): void {
  switch (encoding) {
    case Encoding.XOR:
      if (length < 2) throw new ChunkEncodingError(`chunk too short: ${length} bytes`);
      return;
    case Encoding.XOR2:
    case Encoding.Histogram:
    case Encoding.FloatHistogram:
    case Encoding.HistogramST:
    case Encoding.FloatHistogramST:
      if (length < 3) throw new ChunkEncodingError(`chunk too short: ${length} bytes`);
      return;
    default:
      throw new ChunkEncodingError(`invalid chunk encoding "${encodingName(encoding)}" (${encoding})`);
  }
}

/**
 * A chunk over stored bytes (without the encoding byte), read in place: the chunk keeps a
 * reference to `bytes`, which the caller must leave unmodified while the chunk is in use.
 * Throws ChunkEncodingError for an encoding this package cannot read or a truncated header.
 */
export function chunkFromBytes(encoding: number, bytes: Uint8Array): Chunk {
  checkChunkBytes(encoding, bytes.length);
  switch (encoding) {
    case Encoding.XOR: return XorChunk.fromBytes(bytes);
    case Encoding.XOR2: return Xor2Chunk.fromBytes(bytes);
    case Encoding.Histogram: return HistogramChunk.fromBytes(bytes);
    case Encoding.FloatHistogram: return FloatHistogramChunk.fromBytes(bytes);
    case Encoding.HistogramST: return HistogramChunk.fromBytes(bytes, true);
    case Encoding.FloatHistogramST: return FloatHistogramChunk.fromBytes(bytes, true);
    default: throw new ChunkEncodingError(`invalid chunk encoding "${encodingName(encoding)}" (${encoding})`);
  }
}

/** An empty chunk of the given encoding, ready for appending. */
export function newEmptyChunk(encoding: number): Chunk {
  switch (encoding) {
    case Encoding.XOR: return XorChunk.empty();
    case Encoding.XOR2: return Xor2Chunk.empty();
    case Encoding.Histogram: return HistogramChunk.empty();
    case Encoding.FloatHistogram: return FloatHistogramChunk.empty();
    case Encoding.HistogramST: return HistogramChunk.empty(true);
    case Encoding.FloatHistogramST: return FloatHistogramChunk.empty(true);
    default: throw new ChunkEncodingError(`invalid chunk encoding "${encodingName(encoding)}" (${encoding})`);
  }
}
