/**
 * Postings: the ids of the series holding one label pair, kept as a growable Uint32Array.
 * Ids are appended in creation order, which is ascending except when a freed id is reused;
 * the list is then sorted lazily on its next read. Set operations work on sorted id arrays.
 */

export class Postings {
  #ids = new Uint32Array(4);
  #n = 0;
  #sorted = true;

  get size(): number {
    return this.#n;
  }

  add(id: number): void {
    if (this.#n === this.#ids.length) {
      const bigger = new Uint32Array(this.#ids.length * 2);
      bigger.set(this.#ids);
      this.#ids = bigger;
    }
    if (this.#n > 0 && this.#ids[this.#n - 1]! > id) this.#sorted = false;
    this.#ids[this.#n++] = id;
  }

  /** Removes the ids for which `dead` holds; keeps order. */
  removeIf(dead: (id: number) => boolean): void {
    const a = this.#ids;
    let w = 0;
    for (let r = 0; r < this.#n; r++) {
      const id = a[r]!;
      if (!dead(id)) a[w++] = id;
    }
    this.#n = w;
    if (w < a.length >> 2 && a.length > 16) this.#ids = a.slice(0, Math.max(4, w * 2));
  }

  /**
   * The sorted ids. A view over internal storage: valid until the next change to this list,
   * so callers consume it at once (selects do) or copy it.
   */
  view(): Uint32Array {
    if (!this.#sorted) {
      this.#ids.subarray(0, this.#n).sort();
      this.#sorted = true;
    }
    return this.#ids.subarray(0, this.#n);
  }
}

export const EMPTY_IDS = new Uint32Array(0);

/** Ids in both sorted lists. Gallops through the longer list when sizes differ a lot. */
export function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length > b.length) [a, b] = [b, a];
  if (a.length === 0) return EMPTY_IDS;
  const out = new Uint32Array(a.length);
  let n = 0;
  if (b.length > a.length * 16) {
    let lo = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      let hi = b.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (b[mid]! < x) lo = mid + 1; else hi = mid;
      }
      if (lo === b.length) break;
      if (b[lo] === x) out[n++] = x;
    }
  } else {
    let i = 0, j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!, y = b[j]!;
      if (x === y) { out[n++] = x; i++; j++; } else if (x < y) i++; else j++;
    }
  }
  return out.subarray(0, n);
}

/** Ids of sorted `a` not in sorted `b`. */
export function subtract(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0 || b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0, j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return out.subarray(0, n);
}

/**
 * The union of sorted lists that are pairwise disjoint (the postings of the values of one
 * label name are: a series has one value per name), as one sorted array.
 */
export function unionDisjoint(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY_IDS;
  if (lists.length === 1) return lists[0]!.slice();
  let total = 0;
  for (const l of lists) total += l.length;
  const out = new Uint32Array(total);
  let off = 0;
  for (const l of lists) {
    out.set(l, off);
    off += l.length;
  }
  return out.sort();
}
