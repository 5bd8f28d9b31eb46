/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of Prometheus's WAL
 * fragments, chunk records, head chunks, index sections and tombstones (stored big-endian
 * by the callers). Table-driven: `crc32c` takes eight bytes per step ("slicing by 8");
 * `crc32cView` sixteen, read as four little-endian words through a DataView, for readers
 * that check many records of one large buffer (about half again as fast). Incremental:
 * `crc32c(b, mid, end, crc32c(b, start, mid))` equals `crc32c(b, start, end)`.
 */

const POLY = 0x82f63b78;

/**
 * 16 tables of 256 entries: T[k*256 + n] is the CRC of byte n followed by k zero bytes.
 * Int32Array: entries stay small integers in the engine (a Uint32Array hands out doubles above 2^31).
 */
const T = new Int32Array(16 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n]!;
  for (let k = 1; k < 16; k++) {
    c = T[c & 0xff]! ^ (c >>> 8);
    T[k * 256 + n] = c;
  }
}

/**
 * The CRC-32C of `b[start, end)`, continuing from `crc` (0 to start), as an unsigned 32-bit
 * number.
 */
export function crc32c(b: Uint8Array, start = 0, end = b.length, crc = 0): number {
  let c = ~crc;
  let i = start;
  const end8 = end - 8;
  while (i <= end8) {
    c ^= b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    c = T[1792 + (c & 0xff)]! ^ T[1536 + ((c >>> 8) & 0xff)]! ^ T[1280 + ((c >>> 16) & 0xff)]! ^ T[1024 + (c >>> 24)]! ^
      T[768 + b[i + 4]!]! ^ T[512 + b[i + 5]!]! ^ T[256 + b[i + 6]!]! ^ T[b[i + 7]!]!;
    i += 8;
  }
  while (i < end) c = T[(c ^ b[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * `crc32c(b, start, end)`, sixteen bytes a step. `dv` must view exactly the memory of `b`
 * (same buffer, offset and length); callers keep one per buffer.
 */
export function crc32cView(dv: DataView, b: Uint8Array, start: number, end: number): number {
  let c = -1;
  let i = start;
  const end16 = end - 16;
  while (i <= end16) {
    const a = dv.getInt32(i, true) ^ c;
    const x = dv.getInt32(i + 4, true);
    const y = dv.getInt32(i + 8, true);
    const z = dv.getInt32(i + 12, true);
    // Byte j of the 16 is followed by 15 - j bytes: table 15 - j.
    c = T[3840 + (a & 0xff)]! ^ T[3584 + ((a >>> 8) & 0xff)]! ^ T[3328 + ((a >>> 16) & 0xff)]! ^ T[3072 + (a >>> 24)]! ^
      T[2816 + (x & 0xff)]! ^ T[2560 + ((x >>> 8) & 0xff)]! ^ T[2304 + ((x >>> 16) & 0xff)]! ^ T[2048 + (x >>> 24)]! ^
      T[1792 + (y & 0xff)]! ^ T[1536 + ((y >>> 8) & 0xff)]! ^ T[1280 + ((y >>> 16) & 0xff)]! ^ T[1024 + (y >>> 24)]! ^
      T[768 + (z & 0xff)]! ^ T[512 + ((z >>> 8) & 0xff)]! ^ T[256 + ((z >>> 16) & 0xff)]! ^ T[z >>> 24]!;
    i += 16;
  }
  while (i < end) c = T[(c ^ b[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** 32x32 matrices over GF(2), as 32 column words, for shifting a CRC over zero bytes. */
function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if ((vec & 1) !== 0) sum ^= mat[i]!;
  return sum >>> 0;
}

function gf2Square(out: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) out[n] = gf2Times(mat, mat[n]!);
}

/**
 * The CRC-32C of `A ++ B` from `crcA = crc32c(A)`, `crcB = crc32c(B)` and `lenB`, without
 * the bytes. The index writer needs it: the symbol table's checksum covers a symbol count
 * that is only known after all symbols were streamed out.
 */
export function crc32cCombine(crcA: number, crcB: number, lenB: number): number {
  if (lenB <= 0) return crcA >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  // Operator for one zero bit.
  odd[0] = POLY;
  let row = 1;
  for (let n = 1; n < 32; n++) { odd[n] = row; row <<= 1; }
  gf2Square(even, odd); // two zero bits
  gf2Square(odd, even); // four zero bits
  let a = crcA >>> 0;
  let len = lenB;
  do {
    gf2Square(even, odd);
    if (len % 2 === 1) a = gf2Times(even, a);
    len = Math.floor(len / 2);
    if (len === 0) break;
    gf2Square(odd, even);
    if (len % 2 === 1) a = gf2Times(odd, a);
    len = Math.floor(len / 2);
  } while (len !== 0);
  return (a ^ crcB) >>> 0;
}
