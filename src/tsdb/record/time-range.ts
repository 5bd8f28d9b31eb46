/**
 * The time range of a Samples (V1) record without decoding its values: for readers that only
 * need to know whether a record lies wholly before or after a time (a WAL checkpoint drops
 * the records before its mint and keeps the ones after it as they are, and only decodes the
 * records that straddle it).
 */
import { RecordType } from './types.js';

const TWO32 = 4294967296;

/** What `samplesV1TimeRange` found; reused across calls. Times are ms. */
export interface SamplesTimeRange {
  /** Samples in the record. */
  n: number;
  /** Oldest and newest sample time (Infinity / -Infinity when n is 0). */
  mint: number;
  maxt: number;
}

/** Where the last `zigzagAt` stopped. */
let varintEnd = 0;

/**
 * A zig-zag varint at rec[p] as a safe integer, or NaN when it is malformed or outside the
 * safe range (the caller then falls back to the full decoder, which names the error).
 */
function zigzagAt(rec: Uint8Array, p: number, end: number): number {
  let lo = 0, hi = 0, shift = 0;
  for (;;) {
    if (p >= end || shift > 63) return NaN;
    const x = rec[p++]!;
    const bits = x & 0x7f;
    if (shift < 28) lo |= bits << shift;
    else if (shift === 28) { lo |= (bits & 0x0f) << 28; hi = bits >>> 4; }
    else hi |= bits << (shift - 32);
    shift += 7;
    if (x < 0x80) break;
  }
  varintEnd = p;
  const neg = (lo & 1) === 1;
  const mhi = hi >>> 1;
  const mlo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
  if (mhi >= 0x200000) return NaN;
  const mag = mhi * TWO32 + mlo;
  if (!neg) return mag;
  const v = -mag - 1;
  return Number.isSafeInteger(v) ? v : NaN;
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
  if (end === 0 || rec[0] !== RecordType.Samples) return false;
  if (end === 1) return true;
  if (end < 17) return false;
  const hiR = ((rec[1]! << 24) | (rec[2]! << 16) | (rec[3]! << 8) | rec[4]!) >>> 0;
  if (hiR >= 0x200000) return false;
  const baseRef = hiR * TWO32 + (((rec[5]! << 24) | (rec[6]! << 16) | (rec[7]! << 8) | rec[8]!) >>> 0);
  const baseT = ((rec[9]! << 24) | (rec[10]! << 16) | (rec[11]! << 8) | rec[12]!) * TWO32
    + (((rec[13]! << 24) | (rec[14]! << 16) | (rec[15]! << 8) | rec[16]!) >>> 0);
  if (!Number.isSafeInteger(baseT)) return false;
  let minD = Infinity, maxD = -Infinity, minR = 0, maxR = 0, n = 0;
  let p = 17;
  while (p < end) {
    // Zig-zag varints, the short forms inline (ref deltas within a record mostly take one or
    // two bytes).
    let x = rec[p]!;
    let r: number;
    if (x < 0x80) { r = (x >>> 1) ^ -(x & 1); p++; } else if (p + 2 < end && rec[p + 1]! < 0x80) {
      const u = (x & 0x7f) | (rec[p + 1]! << 7);
      r = (u >>> 1) ^ -(u & 1);
      p += 2;
    } else {
      r = zigzagAt(rec, p, end);
      if (r !== r) return false;
      p = varintEnd;
    }
    if (p >= end) return false;
    // Time deltas mostly take two or three bytes.
    x = rec[p]!;
    let d: number;
    if (x < 0x80) { d = (x >>> 1) ^ -(x & 1); p++; } else if (p + 2 < end && rec[p + 1]! < 0x80) {
      const u = (x & 0x7f) | (rec[p + 1]! << 7);
      d = (u >>> 1) ^ -(u & 1);
      p += 2;
    } else if (p + 3 < end && rec[p + 2]! < 0x80) {
      const u = (x & 0x7f) | ((rec[p + 1]! & 0x7f) << 7) | (rec[p + 2]! << 14);
      d = (u >>> 1) ^ -(u & 1);
      p += 3;
    } else {
      d = zigzagAt(rec, p, end);
      if (d !== d) return false;
      p = varintEnd;
    }
    p += 8;
    if (p > end) return false;
    if (d < minD) minD = d;
    if (d > maxD) maxD = d;
    if (r < minR) minR = r;
    if (r > maxR) maxR = r;
    n++;
  }
  const mint = baseT + minD, maxt = baseT + maxD;
  // Refs out of the safe range would be a decode error: leave them to the full decoder.
  if (!Number.isSafeInteger(mint) || !Number.isSafeInteger(maxt) || !Number.isSafeInteger(baseRef + minR) || !Number.isSafeInteger(baseRef + maxR)) return false;
  out.n = n;
  out.mint = mint;
  out.maxt = maxt;
  return true;
}
