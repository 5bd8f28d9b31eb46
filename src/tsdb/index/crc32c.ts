/**
 * CRC-32C (Castagnoli), the checksum of every section of Prometheus's index, tombstones and
 * chunk files, stored big-endian. Table-driven, eight bytes per step; incremental:
 * `crc32c(b2, crc32c(b1))` equals `crc32c(b1 ++ b2)`.
 */

const POLY = 0x82f63b78; // Castagnoli, reflected.

/** Eight 256-entry tables for slicing-by-8. */
const T = buildTables();

function buildTables(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/**
 * The CRC-32C of `b[start:end)` continuing from `crc` (0 to start). Returns an unsigned
 * 32-bit number.
 */
export function crc32c(b: Uint8Array, crc = 0, start = 0, end = b.length): number {
  let c = ~crc;
  let i = start;
  const stop8 = end - 8;
  while (i <= stop8) {
    c ^= b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    c = T[1792 + (c & 0xff)]! ^ T[1536 + ((c >>> 8) & 0xff)]! ^ T[1280 + ((c >>> 16) & 0xff)]! ^ T[1024 + (c >>> 24)]!
      ^ T[768 + b[i + 4]!]! ^ T[512 + b[i + 5]!]! ^ T[256 + b[i + 6]!]! ^ T[b[i + 7]!]!;
    i += 8;
  }
  while (i < end) {
    c = T[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
    i++;
  }
  return ~c >>> 0;
}

/** 32x32 matrices over GF(2), as 32 column words, for shifting a CRC over zero bytes. */
function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i]!;
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
