/**
 * Postings: ascending lists of series refs, and the set operations queries combine them
 * with (intersect for `=`, union for regex alternatives, difference for `!=`). Shared by
 * block indexes and, later, the head.
 *
 * Two forms: cursors (`Postings`, lazy, with `seek` so an intersection skips most of a
 * long list) and sorted `Uint32Array`s with eager helpers for when everything is loaded.
 */

/**
 * A cursor over strictly ascending series refs. Starts before the first element.
 * `next()`/`seek()` return false at the end or on error (then `err()` says which).
 * Not safe for concurrent use; consumed once.
 */
export interface Postings {
  next(): boolean;
  /** Advances to the first ref >= v (never backwards); false when there is none. */
  seek(v: number): boolean;
  /** The current ref; valid after `next()`/`seek()` returned true. */
  at(): number;
  err(): Error | null;
}

/** A cursor over a sorted array-like of refs (typed array, `number[]`), optionally a slice of it. */
export class ListPostings implements Postings {
  readonly #a: ArrayLike<number>;
  readonly #end: number;
  #i: number;
  #cur = -1;

  constructor(a: ArrayLike<number>, start = 0, end = a.length) {
    this.#a = a;
    this.#i = start;
    this.#end = end;
  }

  /** Refs not consumed yet, counting the current one. */
  get remaining(): number {
    return this.#end - this.#i + (this.#cur >= 0 ? 1 : 0);
  }

  next(): boolean {
    if (this.#i >= this.#end) { this.#cur = -1; this.#i = this.#end; return false; }
    this.#cur = this.#a[this.#i++]!;
    return true;
  }

  seek(v: number): boolean {
    if (this.#cur >= v) return true;
    const a = this.#a;
    let lo = this.#i;
    const end = this.#end;
    if (lo >= end) { this.#cur = -1; return false; }
    // Gallop, then binary search: cheap for near targets, logarithmic for far ones.
    let step = 1;
    let hi = lo;
    while (hi < end && a[hi]! < v) { lo = hi + 1; hi += step; step *= 2; }
    if (hi > end) hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < v) lo = mid + 1; else hi = mid;
    }
    if (lo >= end) { this.#i = end; this.#cur = -1; return false; }
    this.#cur = a[lo]!;
    this.#i = lo + 1;
    return true;
  }

  at(): number {
    return this.#cur;
  }

  err(): Error | null {
    return null;
  }
}

class EmptyPostings implements Postings {
  next(): boolean { return false; }
  seek(): boolean { return false; }
  at(): number { return -1; }
  err(): Error | null { return null; }
}

/** The empty list. Operations recognise it to short-cut (an intersection with it is empty). */
export const EMPTY_POSTINGS: Postings = new EmptyPostings();

export function isEmptyPostings(p: Postings): boolean {
  return p === EMPTY_POSTINGS;
}

/** A list that fails: yields nothing and reports `e`. */
export class ErrPostings implements Postings {
  readonly #e: Error;
  constructor(e: Error) { this.#e = e; }
  next(): boolean { return false; }
  seek(): boolean { return false; }
  at(): number { return -1; }
  err(): Error | null { return this.#e; }
}

/** Refs present in every list. No list: empty. */
export function intersectPostings(...ps: Postings[]): Postings {
  if (ps.length === 0) return EMPTY_POSTINGS;
  for (const p of ps) if (p === EMPTY_POSTINGS) return EMPTY_POSTINGS;
  if (ps.length === 1) return ps[0]!;
  return new IntersectPostings(ps);
}

class IntersectPostings implements Postings {
  readonly #ps: Postings[];
  #cur = -1;
  #err: Error | null = null;

  constructor(ps: Postings[]) { this.#ps = ps; }

  at(): number { return this.#cur; }

  err(): Error | null {
    if (this.#err !== null) return this.#err;
    for (const p of this.#ps) { const e = p.err(); if (e !== null) return e; }
    return null;
  }

  next(): boolean {
    const first = this.#ps[0]!;
    if (!first.next()) return this.#done();
    return this.#align(first.at());
  }

  seek(v: number): boolean {
    if (this.#cur >= v) return true;
    return this.#align(v);
  }

  /** Seeks every list to the smallest common ref >= target. */
  #align(target: number): boolean {
    const ps = this.#ps;
    for (;;) {
      let agreed = true;
      for (const p of ps) {
        if (!p.seek(target)) return this.#done();
        const x = p.at();
        if (x > target) { target = x; agreed = false; }
      }
      if (agreed) { this.#cur = target; return true; }
    }
  }

  #done(): boolean {
    this.#cur = -1;
    return false;
  }
}

/** Refs present in any list (a k-way merge through a binary heap). */
export function mergePostings(...ps: Postings[]): Postings {
  const live = ps.filter((p) => p !== EMPTY_POSTINGS);
  if (live.length === 0) return EMPTY_POSTINGS;
  if (live.length === 1) return live[0]!;
  return new MergedPostings(live);
}

class MergedPostings implements Postings {
  readonly #all: Postings[];
  /** Heap of lists positioned on their current ref, smallest first. */
  readonly #h: Postings[] = [];
  #started = false;
  #cur = -1;

  constructor(ps: Postings[]) { this.#all = ps; }

  at(): number { return this.#cur; }

  err(): Error | null {
    for (const p of this.#all) { const e = p.err(); if (e !== null) return e; }
    return null;
  }

  next(): boolean {
    if (!this.#started) {
      this.#started = true;
      for (const p of this.#all) if (p.next()) this.#push(p);
      return this.#pop();
    }
    // Advance every list sitting on the current ref.
    const h = this.#h;
    while (h.length > 0 && h[0]!.at() === this.#cur) {
      const top = h[0]!;
      if (top.next()) this.#down(0); else this.#removeTop();
    }
    return this.#pop();
  }

  seek(v: number): boolean {
    if (this.#started && this.#cur >= v) return true;
    if (!this.#started) {
      this.#started = true;
      for (const p of this.#all) if (p.seek(v)) this.#push(p);
      return this.#pop();
    }
    const h = this.#h;
    while (h.length > 0 && h[0]!.at() < v) {
      const top = h[0]!;
      if (top.seek(v)) this.#down(0); else this.#removeTop();
    }
    return this.#pop();
  }

  /** Makes the heap's smallest ref current (leaving it in the heap). */
  #pop(): boolean {
    if (this.#h.length === 0) { this.#cur = -1; return false; }
    this.#cur = this.#h[0]!.at();
    return true;
  }

  #push(p: Postings): void {
    const h = this.#h;
    h.push(p);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at() <= h[i]!.at()) break;
      const t = h[parent]!; h[parent] = h[i]!; h[i] = t;
      i = parent;
    }
  }

  #removeTop(): void {
    const h = this.#h;
    const last = h.pop()!;
    if (h.length > 0) { h[0] = last; this.#down(0); }
  }

  #down(i: number): void {
    const h = this.#h;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const m = r < n && h[r]!.at() < h[l]!.at() ? r : l;
      if (h[i]!.at() <= h[m]!.at()) return;
      const t = h[m]!; h[m] = h[i]!; h[i] = t;
      i = m;
    }
  }
}

/** Refs of `full` that are not in `drop`. */
export function withoutPostings(full: Postings, drop: Postings): Postings {
  if (full === EMPTY_POSTINGS) return EMPTY_POSTINGS;
  if (drop === EMPTY_POSTINGS) return full;
  return new RemovedPostings(full, drop);
}

class RemovedPostings implements Postings {
  readonly #full: Postings;
  readonly #drop: Postings;
  #dropOk = true;
  #dropStarted = false;
  #cur = -1;

  constructor(full: Postings, drop: Postings) {
    this.#full = full;
    this.#drop = drop;
  }

  at(): number { return this.#cur; }

  err(): Error | null {
    return this.#full.err() ?? this.#drop.err();
  }

  next(): boolean {
    if (!this.#full.next()) { this.#cur = -1; return false; }
    return this.#skipDropped();
  }

  seek(v: number): boolean {
    if (this.#cur >= v) return true;
    if (!this.#full.seek(v)) { this.#cur = -1; return false; }
    return this.#skipDropped();
  }

  #skipDropped(): boolean {
    for (;;) {
      const x = this.#full.at();
      if (this.#dropOk) {
        if (!this.#dropStarted || this.#drop.at() < x) {
          this.#dropStarted = true;
          this.#dropOk = this.#drop.seek(x);
        }
        if (this.#dropOk && this.#drop.at() === x) {
          if (!this.#full.next()) { this.#cur = -1; return false; }
          continue;
        }
      }
      this.#cur = x;
      return true;
    }
  }
}

/** Drains a cursor into an array (throws its error, if any). */
export function expandPostings(p: Postings): number[] {
  const out: number[] = [];
  while (p.next()) out.push(p.at());
  const e = p.err();
  if (e !== null) throw e;
  return out;
}

/** Drains a cursor of 32-bit refs into a `Uint32Array` (throws its error, if any). */
export function postingsToUint32Array(p: Postings): Uint32Array {
  let out = new Uint32Array(64);
  let n = 0;
  while (p.next()) {
    if (n === out.length) { const g = new Uint32Array(n * 2); g.set(out); out = g; }
    out[n++] = p.at();
  }
  const e = p.err();
  if (e !== null) throw e;
  return out.subarray(0, n);
}
