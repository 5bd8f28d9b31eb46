/**
 * Eager set operations on sorted, duplicate-free `Uint32Array`s of series refs, and the
 * decoding of on-disk postings (big-endian 32-bit refs). Results are fresh arrays or one
 * of the inputs (never modified): callers must not modify what they pass in or get back.
 */

const EMPTY = new Uint32Array(0);
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** `count` big-endian uint32s from `b[off:]`, as a fresh native-order array. */
export function decodeBigEndianRefs(b: Uint8Array, off: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  const bytes = new Uint8Array(out.buffer);
  bytes.set(b.subarray(off, off + count * 4));
  if (LITTLE_ENDIAN_HOST) Buffer.from(out.buffer, 0, count * 4).swap32();
  return out;
}

/** Union of sorted lists, by pairwise merging (O(total · log lists)). */
export function unionSorted(lists: readonly Uint32Array[]): Uint32Array {
  let work = lists.filter((l) => l.length > 0);
  if (work.length === 0) return EMPTY;
  while (work.length > 1) {
    const next: Uint32Array[] = [];
    for (let i = 0; i + 1 < work.length; i += 2) next.push(union2(work[i]!, work[i + 1]!));
    if (work.length % 2 === 1) next.push(work[work.length - 1]!);
    work = next;
  }
  return work[0]!;
}

function union2(a: Uint32Array, b: Uint32Array): Uint32Array {
  // Disjoint and ordered: a concatenation.
  if (a[a.length - 1]! < b[0]!) return concat(a, b);
  if (b[b.length - 1]! < a[0]!) return concat(b, a);
  const out = new Uint32Array(a.length + b.length);
  let i = 0, j = 0, n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!, y = b[j]!;
    if (x < y) { out[n++] = x; i++; } else if (y < x) { out[n++] = y; j++; } else { out[n++] = x; i++; j++; }
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return n === out.length ? out : out.slice(0, n);
}

function concat(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** First index in `a[lo:]` with `a[i] >= v` (galloping from lo). */
function gallop(a: Uint32Array, lo: number, v: number): number {
  const end = a.length;
  let step = 1;
  let hi = lo;
  while (hi < end && a[hi]! < v) { lo = hi + 1; hi += step; step *= 2; }
  if (hi > end) hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Intersection of two sorted lists; gallops through the longer one. */
export function intersectSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length > b.length) { const t = a; a = b; b = t; }
  if (a.length === 0) return EMPTY;
  const out = new Uint32Array(a.length);
  let n = 0, j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    const x = a[i]!;
    j = gallop(b, j, x);
    if (j < b.length && b[j] === x) { out[n++] = x; j++; }
  }
  return out.slice(0, n);
}

/** Elements of `a` not in `b`. */
export function differenceSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0 || b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0, j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (j < b.length && b[j]! < x) j = gallop(b, j, x);
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return n === a.length ? a : out.slice(0, n);
}
