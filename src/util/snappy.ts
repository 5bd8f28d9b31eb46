/**
 * Snappy block format (not the framed stream format): what Prometheus compresses WAL
 * records with, and what remote write uses. A uvarint of the decoded length, then
 * elements: literals (tag 00) and back-references with 1, 2 or 4 byte offsets (tags 01,
 * 10, 11).
 *
 * The compressor is a greedy hash-table matcher over independent 64 KiB blocks (as the
 * reference implementation does, so offsets fit two bytes). Its output is valid snappy
 * that any decoder reads; it is not promised to be byte-identical to Go's.
 *
 * Buffers: both functions write into a caller-owned `SnappyBuffer` that grows as needed
 * and is reused; the returned view aliases it until the next call with the same buffer.
 */

export class SnappyError extends Error {
  override readonly name = 'SnappyError';
}

/**
 * A reusable output buffer. It keeps SLACK bytes beyond what a call asks for, so that the
 * decoder may copy eight bytes at a time past the end of what it has written so far.
 */
export class SnappyBuffer {
  b = new Uint8Array(64 * 1024);
  /** Views `b`, for word-wide copies. */
  dv = new DataView(this.b.buffer);
  ensure(n: number): Uint8Array {
    if (this.b.length < n + SLACK) {
      let c = this.b.length;
      while (c < n + SLACK) c *= 2;
      this.b = new Uint8Array(c);
      this.dv = new DataView(this.b.buffer);
    }
    return this.b;
  }
}

/** Bytes a SnappyBuffer holds beyond the requested size (see snappyDecompress). */
const SLACK = 16;
const BLOCK = 65536;
const INPUT_MARGIN = 15;
const MIN_BLOCK_FOR_MATCHING = 1 + 1 + INPUT_MARGIN;
const TABLE_BITS = 14;
const TABLE = new Uint16Array(1 << TABLE_BITS);
const HASH_SHIFT = 32 - TABLE_BITS;

/** The largest output `compress` can produce for `n` input bytes. */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

function hash(x: number): number {
  return Math.imul(x, 0x1e35a7bd) >>> HASH_SHIFT;
}

/** Compresses `src` into `buf`; returns the compressed bytes (a view of `buf`). */
export function snappyCompress(src: Uint8Array, buf: SnappyBuffer): Uint8Array {
  const n = src.length;
  if (n > 0xffffffff) throw new SnappyError('snappy: input too large');
  const dst = buf.ensure(maxCompressedLength(n));
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let d = 0;
  let v = n;
  while (v >= 0x80) { dst[d++] = (v & 0x7f) | 0x80; v = Math.floor(v / 128); }
  dst[d++] = v;
  for (let s = 0; s < n; s += BLOCK) {
    const end = Math.min(n, s + BLOCK);
    d = end - s < MIN_BLOCK_FOR_MATCHING ? emitLiteral(dst, d, src, s, end) : compressBlock(dst, d, src, sv, s, end);
  }
  return dst.subarray(0, d);
}

function compressBlock(dst: Uint8Array, d: number, src: Uint8Array, sv: DataView, base: number, end: number): number {
  TABLE.fill(0);
  const sLimit = end - INPUT_MARGIN;
  let nextEmit = base;
  let s = base + 1;
  // Words are read little-endian through the view: one load instead of four.
  let nextX = sv.getInt32(s, true);
  let nextHash = hash(nextX);
  for (;;) {
    // Look for a 4-byte match; the step grows while nothing matches, so incompressible
    // input is skipped through quickly.
    let skip = 32;
    let nextS = s;
    let candidate = 0;
    let x = 0;
    do {
      s = nextS;
      x = nextX;
      const step = skip >> 5;
      nextS = s + step;
      skip += step;
      if (nextS > sLimit) return nextEmit < end ? emitLiteral(dst, d, src, nextEmit, end) : d;
      candidate = base + TABLE[nextHash]!;
      TABLE[nextHash] = s - base;
      nextX = sv.getInt32(nextS, true);
      nextHash = hash(nextX);
    } while (x !== sv.getInt32(candidate, true));

    d = emitLiteral(dst, d, src, nextEmit, s);
    // Emit copies for as long as the next position matches too.
    for (;;) {
      const matchStart = s;
      s += 4;
      let i = candidate + 4;
      // Extend the match a word at a time, then byte by byte.
      while (s + 4 <= end && sv.getInt32(i, true) === sv.getInt32(s, true)) { i += 4; s += 4; }
      while (s < end && src[i] === src[s]) { i++; s++; }
      d = emitCopy(dst, d, matchStart - candidate, s - matchStart);
      nextEmit = s;
      if (s >= sLimit) return nextEmit < end ? emitLiteral(dst, d, src, nextEmit, end) : d;
      TABLE[hash(sv.getInt32(s - 1, true))] = s - 1 - base;
      const cur = sv.getInt32(s, true);
      const h = hash(cur);
      candidate = base + TABLE[h]!;
      TABLE[h] = s - base;
      if (cur !== sv.getInt32(candidate, true)) break;
    }
    s++;
    nextX = sv.getInt32(s, true);
    nextHash = hash(nextX);
  }
}

function emitLiteral(dst: Uint8Array, d: number, src: Uint8Array, start: number, end: number): number {
  const len = end - start;
  const n = len - 1;
  if (n < 60) {
    dst[d++] = n << 2;
  } else if (n < 0x100) {
    dst[d++] = 60 << 2;
    dst[d++] = n;
  } else if (n < 0x10000) {
    dst[d++] = 61 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = n >>> 8;
  } else if (n < 0x1000000) {
    dst[d++] = 62 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = n >>> 16;
  } else {
    dst[d++] = 63 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = (n >>> 16) & 0xff;
    dst[d++] = n >>> 24;
  }
  if (len < 16) {
    for (let i = start; i < end; i++) dst[d++] = src[i]!;
    return d;
  }
  dst.set(src.subarray(start, end), d);
  return d + len;
}

function emitCopy(dst: Uint8Array, d: number, offset: number, len: number): number {
  // Long matches become several copies of at most 64 bytes; keep the last at least 4.
  while (len >= 68) {
    dst[d++] = (63 << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    len -= 64;
  }
  if (len > 64) {
    dst[d++] = (59 << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    len -= 60;
  }
  if (len >= 12 || offset >= 2048) {
    dst[d++] = ((len - 1) << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    return d;
  }
  dst[d++] = ((offset >>> 8) << 5) | ((len - 4) << 2) | 1;
  dst[d++] = offset & 0xff;
  return d;
}

/** The decoded length a compressed block announces. */
export function snappyDecodedLength(src: Uint8Array): number {
  let v = 0, mul = 1, i = 0;
  for (;;) {
    if (i >= src.length || i >= 5) throw new SnappyError('snappy: corrupt input');
    const c = src[i++]!;
    v += (c & 0x7f) * mul;
    if (c < 0x80) break;
    mul *= 128;
  }
  if (v > 0xffffffff) throw new SnappyError('snappy: decoded block is too large');
  return v;
}

/** Decompresses `src` into `buf`; returns the decoded bytes (a view of `buf`). */
export function snappyDecompress(src: Uint8Array, buf: SnappyBuffer): Uint8Array {
  let s = 0;
  let n = 0, mul = 1;
  for (;;) {
    if (s >= src.length || s >= 5) throw new SnappyError('snappy: corrupt input');
    const c = src[s++]!;
    n += (c & 0x7f) * mul;
    if (c < 0x80) break;
    mul *= 128;
  }
  if (n > 0xffffffff) throw new SnappyError('snappy: decoded block is too large');
  const dst = buf.ensure(n);
  // Most elements are a few bytes long (WAL records: literals of 1-3 bytes, copies of 4-7),
  // so the cost is per element, not per byte. Short elements are copied as two 32-bit words
  // whatever their length: writing up to 7 bytes past the element is harmless, as the
  // buffer has SLACK bytes beyond n and later elements overwrite them.
  const dv = buf.dv;
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let d = 0;
  const sn = src.length;
  while (s < sn) {
    const tag = src[s++]!;
    let len: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        len = tag >>> 2;
        if (len >= 60) {
          const extra = len - 59;
          if (s + extra > sn) throw new SnappyError('snappy: corrupt input');
          len = src[s]!;
          if (extra > 1) len |= src[s + 1]! << 8;
          if (extra > 2) len |= src[s + 2]! << 16;
          if (extra > 3) len = (len | (src[s + 3]! << 24)) >>> 0;
          s += extra;
        }
        len += 1;
        if (len > sn - s || len > n - d) throw new SnappyError('snappy: corrupt input');
        if (len <= 8 && s + 8 <= sn) {
          dv.setUint32(d, sv.getUint32(s, true), true);
          dv.setUint32(d + 4, sv.getUint32(s + 4, true), true);
          d += len;
          s += len;
        } else if (len <= 32) {
          const end = d + len;
          while (d < end) dst[d++] = src[s++]!;
        } else {
          dst.set(src.subarray(s, s + len), d);
          d += len;
          s += len;
        }
        continue;
      }
      case 1:
        if (s >= sn) throw new SnappyError('snappy: corrupt input');
        len = 4 + ((tag >>> 2) & 7);
        offset = ((tag & 0xe0) << 3) | src[s++]!;
        break;
      case 2:
        if (s + 2 > sn) throw new SnappyError('snappy: corrupt input');
        len = 1 + (tag >>> 2);
        offset = src[s]! | (src[s + 1]! << 8);
        s += 2;
        break;
      default:
        if (s + 4 > sn) throw new SnappyError('snappy: corrupt input');
        len = 1 + (tag >>> 2);
        offset = (src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16) | (src[s + 3]! << 24)) >>> 0;
        s += 4;
        break;
    }
    if (offset === 0 || offset > d || len > n - d) throw new SnappyError('snappy: corrupt input');
    let from = d - offset;
    const end = d + len;
    if (offset >= 4) {
      // Four-byte words, in order: each word read ends at most at the bytes written so far
      // (offset >= 4), so it holds final bytes, the repeated pattern included. Copies are at
      // most 64 bytes.
      while (d < end) {
        dv.setUint32(d, dv.getUint32(from, true), true);
        dv.setUint32(d + 4, dv.getUint32(from + 4, true), true);
        d += 8;
        from += 8;
      }
      d = end;
    } else {
      // An overlapping copy repeats the last `offset` bytes: forward, byte by byte.
      while (d < end) dst[d++] = dst[from++]!;
    }
  }
  if (d !== n) throw new SnappyError('snappy: corrupt input');
  return dst.subarray(0, n);
}
