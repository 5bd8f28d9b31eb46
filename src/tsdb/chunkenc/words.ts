/**
 * 64-bit values as two 32-bit words (high, low), the way the codecs move them: floats by
 * their IEEE 754 bits, integers in two's complement. No BigInt: results land in the
 * module-level `W` pair, read it right after the call.
 */
import type { BitReader, BitWriter } from './bstream.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;

/** Scratch output of the splitting functions: W.hi and W.lo as int32 words. */
export const W = { hi: 0, lo: 0 };

const TWO32 = 4294967296;

/** Go's math.NaN(): the NaN Prometheus writes for a parsed "NaN". */
export const GO_NAN_HI = 0x7ff80000 | 0;
export const GO_NAN_LO = 1;
export const STALE_HI = 0x7ff00000 | 0;
export const STALE_LO = 2;

/**
 * The bits of a float into W. Every NaN becomes Go's canonical NaN (0x7ff8000000000001),
 * which is what Prometheus stores for a "NaN" sample; the stale marker has its own path.
 */
export function floatWords(v: number): void {
  if (v !== v) {
    W.hi = GO_NAN_HI;
    W.lo = GO_NAN_LO;
    return;
  }
  f64[0] = v;
  W.hi = u32[HI]! | 0;
  W.lo = u32[LO]! | 0;
}

/** The float with the given bits. */
export function wordsFloat(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0]!;
}

export function isStaleWords(hi: number, lo: number): boolean {
  return hi === STALE_HI && lo === STALE_LO;
}

/** Two's complement words of a safe integer into W. */
export function intWords(v: number): void {
  const hi = Math.floor(v / TWO32);
  W.hi = hi | 0;
  W.lo = (v - hi * TWO32) | 0;
}

/** The signed integer of two's complement words (exact within the safe range). */
export function wordsInt(hi: number, lo: number): number {
  return (hi | 0) * TWO32 + (lo >>> 0);
}

/** The unsigned integer of two words. */
export function wordsUint(hi: number, lo: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

/** Writes a uint64 (given as words) as a Go uvarint, byte by byte into the bit stream. */
export function writeUvarintWords(w: BitWriter, hi: number, lo: number): void {
  while (hi !== 0 || lo >>> 0 >= 0x80) {
    w.writeByte((lo & 0x7f) | 0x80);
    lo = (lo >>> 7) | (hi << 25);
    hi = hi >>> 7;
  }
  w.writeByte(lo & 0x7f);
}

/** Writes a safe integer as a Go (zigzag) varint. */
export function writeVarint(w: BitWriter, v: number): void {
  intWords(v);
  const sign = W.hi >> 31;
  const zhi = ((W.hi << 1) | (W.lo >>> 31)) ^ sign;
  const zlo = (W.lo << 1) ^ sign;
  writeUvarintWords(w, zhi, zlo);
}

/**
 * Reads a Go uvarint from the bit stream into W. Returns false on a malformed varint
 * (more than 10 bytes); the reader's eof flag tells a short stream.
 */
export function readUvarintWords(r: BitReader): boolean {
  let lo = 0;
  let hi = 0;
  for (let s = 0; s < 70; s += 7) {
    const b = r.readByte();
    const v = b & 0x7f;
    if (s < 32) {
      lo |= v << s;
      if (s > 25) hi |= v >>> (32 - s);
    } else {
      hi |= v << (s - 32);
    }
    if (b < 0x80 || r.eof) {
      W.hi = hi;
      W.lo = lo;
      return true;
    }
  }
  return false;
}

/** Reads a Go (zigzag) varint as a number; false when malformed. The value is in W.lo/W.hi's join. */
export function readVarintWords(r: BitReader): boolean {
  if (!readUvarintWords(r)) return false;
  let lo = (W.lo >>> 1) | (W.hi << 31);
  let hi = W.hi >>> 1;
  if ((W.lo & 1) !== 0) {
    lo = ~lo;
    hi = ~hi;
  }
  W.hi = hi | 0;
  W.lo = lo | 0;
  return true;
}
