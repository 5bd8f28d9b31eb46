/**
 * A LEB128 varint of up to 64 bits read as two 32-bit words, for the record readers: JS
 * numbers hold only 53 bits, so each reader decides from the words whether the value fits
 * (and how to decode zig-zag).
 */

/** The words of the varint `readVarint64` read last: `lo` bits 0-31, `hi` bits 32-63 (as int32 bit patterns). */
export const v64 = { lo: 0, hi: 0 };

/**
 * Reads the varint at `b[p, end)` into `v64` and returns the offset after it; -1 when it is
 * cut short by `end` or longer than ten bytes.
 */
export function readVarint64(b: Uint8Array, p: number, end: number): number {
  let lo = 0, hi = 0, shift = 0;
  for (;;) {
    if (p >= end || shift > 63) return -1;
    const x = b[p++]!;
    const bits = x & 0x7f;
    if (shift < 28) lo |= bits << shift;
    else if (shift === 28) { lo |= (bits & 0x0f) << 28; hi = bits >>> 4; }
    else hi |= bits << (shift - 32);
    shift += 7;
    if (x < 0x80) break;
  }
  v64.lo = lo;
  v64.hi = hi;
  return p;
}
