/**
 * When the head cuts a new chunk, as Prometheus's head does: every chunk ends at the next
 * multiple of the chunk range (so that no chunk crosses a block boundary); float chunks aim at
 * `samplesPerChunk` samples spread evenly over what is left of that range, predicted once a
 * chunk holds a quarter of them, with a hard stop at twice the target or when the chunk is
 * nearly 1 KiB; histogram chunks aim at 1 KiB the same way, never under 10 samples unless
 * the range ends.
 */
import { MAX_BYTES_PER_XOR_CHUNK_BEFORE_APPEND, MIN_SAMPLES_PER_HISTOGRAM_CHUNK, TARGET_BYTES_PER_HISTOGRAM_CHUNK } from '../chunkenc/index.js';

/** The end of the chunk range holding t: the next multiple of `width` above t (Go's truncating division). */
export function rangeForTimestamp(t: number, width: number): number {
  return Math.trunc(t / width) * width + width;
}

/**
 * The time at which the current chunk should end so that the rest of the range splits into
 * equally full chunks, given that [start, cur] filled 1/ratioToFull of a chunk.
 */
export function computeChunkEndTime(start: number, cur: number, maxT: number, ratioToFull: number): number {
  const n = (maxT - start) / ((cur - start + 1) * ratioToFull);
  if (n <= 1) return maxT;
  return Math.trunc(start + (maxT - start) / Math.floor(n));
}

/** The open chunk's state the cut decision reads and updates. */
export interface CutState {
  chunkMint: number;
  chunkMaxt: number;
  nextAt: number;
  histogramEndComputed: boolean;
}

/**
 * Whether a float sample at t (in order) must start a new chunk; updates the predicted end.
 * `numSamples`/`numBytes` describe the open chunk, which is non-empty.
 */
export function floatChunkFull(s: CutState, t: number, numSamples: number, numBytes: number, samplesPerChunk: number): boolean {
  if (numBytes > MAX_BYTES_PER_XOR_CHUNK_BEFORE_APPEND) return true;
  if (numSamples === Math.trunc(samplesPerChunk / 4)) {
    s.nextAt = computeChunkEndTime(s.chunkMint, s.chunkMaxt, s.nextAt, 4);
  }
  return t >= s.nextAt || numSamples >= samplesPerChunk * 2;
}

/** The histogram counterpart of floatChunkFull (size-driven). */
export function histogramChunkFull(s: CutState, t: number, numSamples: number, numBytes: number, chunkRange: number): boolean {
  const nextRangeStart = s.histogramEndComputed ? rangeForTimestamp(s.chunkMint, chunkRange) : s.nextAt;
  if (!s.histogramEndComputed && numBytes >= TARGET_BYTES_PER_HISTOGRAM_CHUNK / 4) {
    s.nextAt = computeChunkEndTime(s.chunkMint, s.chunkMaxt, s.nextAt, TARGET_BYTES_PER_HISTOGRAM_CHUNK / numBytes);
    s.histogramEndComputed = true;
  }
  return (t >= s.nextAt || numBytes >= TARGET_BYTES_PER_HISTOGRAM_CHUNK * 2)
    && (numSamples >= MIN_SAMPLES_PER_HISTOGRAM_CHUNK || t >= nextRangeStart);
}
