/**
 * Prometheus's "varbit" integers for histogram chunks: a unary prefix picks a bucket width,
 * then the value follows in that many bits. Prefix → width: 0 → value 0, 10 → 3, 110 → 6,
 * 1110 → 9, 11110 → 12, 111110 → 18, 1111110 → 25, 11111110 → 56, 11111111 → 64.
 * Signed widths of n bits hold -(2^(n-1)-1) .. 2^(n-1) in two's complement.
 */
import type { BitReader, BitWriter } from './bstream.js';
import { W, intWords, wordsInt, wordsUint } from './words.js';

const SIZES = [0, 3, 6, 9, 12, 18, 25, 56, 64] as const;

/** Writes a signed integer (a safe integer). */
export function putVarbitInt(w: BitWriter, v: number): void {
  if (v === 0) {
    w.writeBit(0);
  } else if (v >= -3 && v <= 4) {
    w.writeBits((0b10 << 3) | (v & 0x7), 5);
  } else if (v >= -31 && v <= 32) {
    w.writeBits((0b110 << 6) | (v & 0x3f), 9);
  } else if (v >= -255 && v <= 256) {
    w.writeBits((0b1110 << 9) | (v & 0x1ff), 13);
  } else if (v >= -2047 && v <= 2048) {
    w.writeBits((0b11110 << 12) | (v & 0xfff), 17);
  } else if (v >= -131071 && v <= 131072) {
    w.writeBits((0b111110 << 18) | (v & 0x3ffff), 24);
  } else if (v >= -16777215 && v <= 16777216) {
    w.writeBits((0b1111110 << 25) | (v & 0x1ffffff), 32);
  } else if (Math.abs(v) < 2 ** 55) {
    w.writeBits(0b11111110, 8);
    intWords(v);
    w.writeBits(W.hi & 0xffffff, 24);
    w.writeBits(W.lo, 32);
  } else {
    w.writeBits(0b11111111, 8);
    intWords(v);
    w.writeBits(W.hi, 32);
    w.writeBits(W.lo, 32);
  }
}

/** Writes a non-negative integer (a safe integer) with the same buckets. */
export function putVarbitUint(w: BitWriter, v: number): void {
  if (v === 0) {
    w.writeBit(0);
  } else if (v <= 7) {
    w.writeBits((0b10 << 3) | v, 5);
  } else if (v <= 63) {
    w.writeBits((0b110 << 6) | v, 9);
  } else if (v <= 511) {
    w.writeBits((0b1110 << 9) | v, 13);
  } else if (v <= 4095) {
    w.writeBits((0b11110 << 12) | v, 17);
  } else if (v <= 262143) {
    w.writeBits((0b111110 << 18) | v, 24);
  } else if (v <= 33554431) {
    w.writeBits((0b1111110 << 25) | v, 32);
  } else if (v < 72057594037927936) {
    w.writeBits(0b11111110, 8);
    intWords(v);
    w.writeBits(W.hi, 24);
    w.writeBits(W.lo, 32);
  } else {
    w.writeBits(0b11111111, 8);
    intWords(v);
    w.writeBits(W.hi, 32);
    w.writeBits(W.lo, 32);
  }
}

/** Reads the unary prefix: the bucket width in bits (0 for the value 0). */
function readWidth(r: BitReader): number {
  let ones = 0;
  while (ones < 8 && r.readBit() === 1) ones++;
  return SIZES[ones]!;
}

/** Reads a signed varbit integer. Magnitudes beyond 2^53 lose precision. */
export function readVarbitInt(r: BitReader): number {
  const sz = readWidth(r);
  if (sz === 0) return 0;
  if (sz <= 25) {
    const v = r.readBits(sz);
    return v > 2 ** (sz - 1) ? v - 2 ** sz : v;
  }
  if (sz === 56) {
    let hi = r.readBits(24);
    const lo = r.readBits(32);
    // Above 2^55 the 56-bit value is negative: extend the sign into the high word.
    if (hi > 0x800000 || (hi === 0x800000 && lo !== 0)) hi |= 0xff000000;
    return wordsInt(hi, lo);
  }
  const hi = r.readBits(32);
  return wordsInt(hi, r.readBits(32));
}

/** Reads an unsigned varbit integer. */
export function readVarbitUint(r: BitReader): number {
  const sz = readWidth(r);
  if (sz === 0) return 0;
  if (sz <= 32) return r.readBits(sz);
  const hi = r.readBits(sz - 32);
  return wordsUint(hi, r.readBits(32));
}
