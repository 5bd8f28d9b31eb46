/**
 * Orderings that must match Go's exactly because results depend on them: `sort.Sort` (whose
 * pdqsort is an insertion sort for up to 12 elements, the sizes where PromQL's ordered
 * results are observable; larger inputs use a stable sort with the same comparator), the
 * `container/heap` operations behind topk/bottomk, and facette/natsort's natural order used
 * by sort_by_label.
 */

export type Less<T> = (a: T, b: T) => boolean;

/** Go's insertion sort as pdqsort runs it on short inputs. */
function insertionSort<T>(a: T[], lo: number, hi: number, less: Less<T>): void {
  for (let i = lo + 1; i < hi; i++) {
    for (let j = i; j > lo && less(a[j]!, a[j - 1]!); j--) {
      const t = a[j]!;
      a[j] = a[j - 1]!;
      a[j - 1] = t;
    }
  }
}

/** Sorts like Go's `sort.Sort` with the given Less. */
export function goSort<T>(a: T[], less: Less<T>): void {
  if (a.length <= 12) {
    insertionSort(a, 0, a.length, less);
    return;
  }
  a.sort((x, y) => (less(x, y) ? -1 : less(y, x) ? 1 : 0));
}

// container/heap over an array with a Less function.

function up<T>(h: T[], j: number, less: Less<T>): void {
  for (;;) {
    const i = ((j - 1) / 2) | 0;
    if (i === j || !less(h[j]!, h[i]!)) break;
    const t = h[i]!; h[i] = h[j]!; h[j] = t;
    j = i;
  }
}

function down<T>(h: T[], i0: number, n: number, less: Less<T>): boolean {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n || j1 < 0) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(h[j2]!, h[j1]!)) j = j2;
    if (!less(h[j]!, h[i]!)) break;
    const t = h[i]!; h[i] = h[j]!; h[j] = t;
    i = j;
  }
  return i > i0;
}

export function heapPush<T>(h: T[], x: T, less: Less<T>): void {
  h.push(x);
  up(h, h.length - 1, less);
}

export function heapFix<T>(h: T[], i: number, less: Less<T>): void {
  if (!down(h, i, h.length, less)) up(h, i, less);
}

/** facette/natsort's Compare: whether a sorts before b in natural order. */
export function natsortLess(a: string, b: string): boolean {
  const ca = chunkify(a), cb = chunkify(b);
  const na = ca.length, nb = cb.length;
  for (let i = 0; i < na; i++) {
    if (i >= nb) return false;
    const x = ca[i]!, y = cb[i]!;
    const xi = atoi(x), yi = atoi(y);
    if (xi !== null && yi !== null) {
      if (xi === yi) {
        if (i === na - 1) return true;
        if (i === nb - 1) return false;
        continue;
      }
      return xi < yi;
    }
    if (x === y) {
      if (i === na - 1) return true;
      if (i === nb - 1) return false;
      continue;
    }
    return x < y;
  }
  return false;
}

const CHUNK = /\d+|\D+/g;

function chunkify(s: string): string[] {
  return s.match(CHUNK) ?? [];
}

/** Go's strconv.Atoi for a run of ASCII digits: null when it overflows int64. */
function atoi(s: string): bigint | null {
  const c = s.charCodeAt(0);
  if (c < 0x30 || c > 0x39) return null;
  if (s.length > 19) {
    const t = s.replace(/^0+/, '');
    if (t.length > 19) return null;
  }
  const v = BigInt(s);
  return v > 9223372036854775807n ? null : v;
}
