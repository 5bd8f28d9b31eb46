/**
 * Reading a Samples (V1) record straight from its bytes, for readers that walk many records
 * and need less than the full decoder gives (the WAL replay's skip of samples already in
 * chunks_head, a checkpoint's time-range test): the header, then per sample a zig-zag varint
 * ref delta, a zig-zag varint time delta and 8 value bytes. Anything these readers cannot take
 * (another record type, a truncated record, a varint out of the safe range) makes them fall
 * back to the full decoder, which names the error.
 */
import { RecordType } from './types.js';
import { readVarint64, v64 } from './varint64.js';

const TWO32 = 4294967296;

/** The base series ref and base time (ms) of the record whose header was read last. */
export const rawV1 = { baseRef: 0, baseT: 0 };

/**
 * Where the last `zigzagAt` stopped. A module binding rather than a field of `rawV1`: the
 * replay reads it twice per sample, and a binding is the cheapest place to keep it.
 */
export let zigzagEnd = 0;

/**
 * Reads the header of a Samples (V1) record into `rawV1` and returns the offset of its first
 * sample (the record's length when it holds none), or -1 when `rec` is not a V1 samples record
 * or its header does not decode to safe integers.
 */
export function samplesV1Header(rec: Uint8Array): number {
  const n = rec.length;
  if (n === 0 || rec[0] !== RecordType.Samples) return -1;
  if (n === 1) return 1;
  if (n < 17) return -1;
  const hiR = ((rec[1]! << 24) | (rec[2]! << 16) | (rec[3]! << 8) | rec[4]!) >>> 0;
  if (hiR >= 0x200000) return -1;
  const baseT = ((rec[9]! << 24) | (rec[10]! << 16) | (rec[11]! << 8) | rec[12]!) * TWO32
    + (((rec[13]! << 24) | (rec[14]! << 16) | (rec[15]! << 8) | rec[16]!) >>> 0);
  if (!Number.isSafeInteger(baseT)) return -1;
  rawV1.baseRef = hiR * TWO32 + (((rec[5]! << 24) | (rec[6]! << 16) | (rec[7]! << 8) | rec[8]!) >>> 0);
  rawV1.baseT = baseT;
  return 17;
}

/**
 * The zig-zag varint at rec[p] as a safe integer, or NaN when it is malformed or outside the
 * safe range; sets `zigzagEnd`. The one- to three-byte forms (ref deltas within a record and
 * time deltas over minutes) are read inline, longer ones by a loop.
 */
export function zigzagAt(rec: Uint8Array, p: number, end: number): number {
  const x = rec[p]!;
  if (x < 0x80) { zigzagEnd = p + 1; return (x >>> 1) ^ -(x & 1); }
  if (p + 2 < end && rec[p + 1]! < 0x80) {
    const u = (x & 0x7f) | (rec[p + 1]! << 7);
    zigzagEnd = p + 2;
    return (u >>> 1) ^ -(u & 1);
  }
  if (p + 3 < end && rec[p + 2]! < 0x80) {
    const u = (x & 0x7f) | ((rec[p + 1]! & 0x7f) << 7) | (rec[p + 2]! << 14);
    zigzagEnd = p + 3;
    return (u >>> 1) ^ -(u & 1);
  }
  return zigzagLong(rec, p, end);
}

function zigzagLong(rec: Uint8Array, p: number, end: number): number {
  const q = readVarint64(rec, p, end);
  if (q < 0) return NaN;
  zigzagEnd = q;
  const lo = v64.lo, hi = v64.hi;
  const neg = (lo & 1) === 1;
  const mhi = hi >>> 1;
  const mlo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
  if (mhi >= 0x200000) return NaN;
  const mag = mhi * TWO32 + mlo;
  if (!neg) return mag;
  const v = -mag - 1;
  return Number.isSafeInteger(v) ? v : NaN;
}
