/**
 * The time range of a Samples (V1) record without decoding its values: for readers that only
 * need to know whether a record lies wholly before or after a time (a WAL checkpoint drops
 * the records before its mint and keeps the ones after it as they are, and only decodes the
 * records that straddle it).
 */
import { rawV1, samplesV1Header, zigzagAt, zigzagEnd } from './samples-v1-raw.js';

/** What `samplesV1TimeRange` found; reused across calls. Times are ms. */
export interface SamplesTimeRange {
  /** Samples in the record. */
  n: number;
  /** Oldest and newest sample time (Infinity / -Infinity when n is 0). */
  mint: number;
  maxt: number;
}

/**
 * Fills `out` with the sample count and time range of a Samples (V1) record. Returns false
 * when `rec` is not a V1 samples record or does not decode exactly (truncated, a varint out
 * of range, bytes left over): `out` is then meaningless and the caller should decode the
 * record in full, which reports the error.
 */
export function samplesV1TimeRange(rec: Uint8Array, out: SamplesTimeRange): boolean {
  out.n = 0;
  out.mint = Infinity;
  out.maxt = -Infinity;
  const end = rec.length;
  let p = samplesV1Header(rec);
  if (p < 0) return false;
  const { baseRef, baseT } = rawV1;
  let minD = Infinity, maxD = -Infinity, minR = 0, maxR = 0, n = 0;
  while (p < end) {
    const r = zigzagAt(rec, p, end);
    if (r !== r) return false;
    p = zigzagEnd;
    if (p >= end) return false;
    const d = zigzagAt(rec, p, end);
    if (d !== d) return false;
    p = zigzagEnd + 8;
    if (p > end) return false;
    if (d < minD) minD = d;
    if (d > maxD) maxD = d;
    if (r < minR) minR = r;
    if (r > maxR) maxR = r;
    n++;
  }
  // A type byte alone is an empty record; a header without samples is left to the decoder.
  if (n === 0) return end === 1;
  const mint = baseT + minD, maxt = baseT + maxD;
  // Refs out of the safe range would be a decode error: leave them to the full decoder.
  if (!Number.isSafeInteger(mint) || !Number.isSafeInteger(maxt) || !Number.isSafeInteger(baseRef + minR) || !Number.isSafeInteger(baseRef + maxR)) return false;
  out.n = n;
  out.mint = mint;
  out.maxt = maxt;
  return true;
}
