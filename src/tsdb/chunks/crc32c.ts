/**
 * CRC-32C (Castagnoli), the checksum of Prometheus's chunk files, WAL records and index
 * sections. Table-driven: eight bytes per step ("slicing by 8"), or sixteen read as four
 * little-endian words through a DataView (`crc32cView`, for bulk chunk reads).
 */

const POLY = 0x82f63b78; // Castagnoli, reflected.

// Int32Array: entries stay small integers in the engine (a Uint32Array hands out doubles above 2^31).
const T = new Int32Array(16 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n]!;
  for (let s = 1; s < 16; s++) {
    c = T[c & 0xff]! ^ (c >>> 8);
    T[s * 256 + n] = c;
  }
}

/**
 * Continues a CRC-32C over b[start, end). Start with crc = 0; the result is the finished
 * checksum (as an unsigned 32-bit number), which can be passed back in to continue.
 */
export function crc32c(b: Uint8Array, start = 0, end = b.length, crc = 0): number {
  let c = ~crc;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const lo = (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) ^ c;
    c = T[7 * 256 + (lo & 0xff)]! ^ T[6 * 256 + ((lo >>> 8) & 0xff)]! ^ T[5 * 256 + ((lo >>> 16) & 0xff)]! ^ T[4 * 256 + (lo >>> 24)]!
      ^ T[3 * 256 + b[i + 4]!]! ^ T[2 * 256 + b[i + 5]!]! ^ T[256 + b[i + 6]!]! ^ T[b[i + 7]!]!;
  }
  for (; i < end; i++) c = T[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * `crc32c(b, start, end)` of the bytes `dv` views (`dv` over the same memory as `b`): for
 * callers that check many records of one buffer, with one DataView for all of them.
 */
export function crc32cView(dv: DataView, b: Uint8Array, start: number, end: number): number {
  let c = -1;
  let i = start;
  for (; i + 16 <= end; i += 16) {
    const w0 = dv.getInt32(i, true) ^ c;
    const w1 = dv.getInt32(i + 4, true);
    const w2 = dv.getInt32(i + 8, true);
    const w3 = dv.getInt32(i + 12, true);
    c = T[15 * 256 + (w0 & 0xff)]! ^ T[14 * 256 + ((w0 >>> 8) & 0xff)]! ^ T[13 * 256 + ((w0 >>> 16) & 0xff)]! ^ T[12 * 256 + (w0 >>> 24)]!
      ^ T[11 * 256 + (w1 & 0xff)]! ^ T[10 * 256 + ((w1 >>> 8) & 0xff)]! ^ T[9 * 256 + ((w1 >>> 16) & 0xff)]! ^ T[8 * 256 + (w1 >>> 24)]!
      ^ T[7 * 256 + (w2 & 0xff)]! ^ T[6 * 256 + ((w2 >>> 8) & 0xff)]! ^ T[5 * 256 + ((w2 >>> 16) & 0xff)]! ^ T[4 * 256 + (w2 >>> 24)]!
      ^ T[3 * 256 + (w3 & 0xff)]! ^ T[2 * 256 + ((w3 >>> 8) & 0xff)]! ^ T[256 + ((w3 >>> 16) & 0xff)]! ^ T[w3 >>> 24]!;
  }
  for (; i < end; i++) c = T[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
