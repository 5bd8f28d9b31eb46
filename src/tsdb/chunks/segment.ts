/**
 * What block chunk files (`chunks/000001`) and head chunk files (`chunks_head/000001`) share:
 * an 8-byte header (4-byte big-endian magic, 1-byte format version 1, 3 bytes of zero
 * padding) and six-digit numbered file names.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const MAGIC_CHUNKS = 0x85bd40dd;
export const MAGIC_HEAD_CHUNKS = 0x0130bc91;
export const CHUNKS_FORMAT_V1 = 1;
export const SEGMENT_HEADER_SIZE = 8;
/** A chunk's length field is a uvarint of at most 5 bytes (lengths fit 32 bits). */
export const MAX_CHUNK_LENGTH_FIELD_SIZE = 5;
export const CRC_SIZE = 4;

export function segmentHeader(magic: number): Uint8Array {
  const b = new Uint8Array(SEGMENT_HEADER_SIZE);
  new DataView(b.buffer).setUint32(0, magic, false);
  b[4] = CHUNKS_FORMAT_V1;
  return b;
}

/** The file name of segment number n: zero-padded to six digits, as Prometheus names them. */
export function segmentName(n: number): string {
  return String(n).padStart(6, '0');
}

export function segmentPath(dir: string, n: number): string {
  return join(dir, segmentName(n));
}

/**
 * The numbered files of a directory with their numbers, in the order Prometheus sees them
 * (directory entries sorted by name). Names that are not unsigned decimal numbers are skipped.
 */
export async function listSegments(dir: string): Promise<{ n: number; path: string }[]> {
  const names = (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: { n: number; path: string }[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const n = Number(name);
    if (!Number.isSafeInteger(n)) continue;
    out.push({ n, path: join(dir, name) });
  }
  return out;
}

export function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes v as a uvarint at b[off]; returns the number of bytes written. v < 2^53. */
export function putUvarint(b: Uint8Array, off: number, v: number): number {
  let i = off;
  while (v >= 0x80) {
    b[i++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  b[i++] = v;
  return i - off;
}

/**
 * Reads a uvarint at b[off, end). Returns the value and its byte length in `out`, or false
 * when the bytes end first or the value overflows 64 bits (Go's binary.Uvarint n <= 0).
 */
export function readUvarint(b: Uint8Array, off: number, end: number, out: { v: number; n: number }): boolean {
  let v = 0;
  let mul = 1;
  for (let i = off; i < end && i - off < 10; i++) {
    const c = b[i]!;
    v += (c & 0x7f) * mul;
    if (c < 0x80) {
      out.v = v;
      out.n = i - off + 1;
      return true;
    }
    mul *= 128;
  }
  return false;
}

export function hex(n: number): string {
  return (n >>> 0).toString(16);
}
