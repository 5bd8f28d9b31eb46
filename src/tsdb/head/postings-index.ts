/**
 * The head's inverted index: label name → value → ascending series refs, plus the list of
 * all refs. It implements the block index's `PostingsIndex`, so `postingsForMatchers` resolves
 * matchers on the head exactly as on blocks.
 *
 * Snapshot contract: lists are only ever appended to at their end or replaced whole, never
 * changed in place below their current length, so a cursor handed out over [0, length) stays
 * a consistent snapshot while commits add series and garbage collection drops them.
 */
import { EMPTY_POSTINGS, ListPostings, mergePostings, type Postings, type PostingsIndex } from '../index/index.js';
import { ALL_POSTINGS_KEY } from '../index/index.js';
import type { Labels } from '../../model/index.js';

/**
 * An ascending list of refs. A plain array (small integers): far smaller than a typed array
 * for the many one-series lists (unique label values). Appending pushes; anything else
 * replaces the array, so cursors over [0, n) of an old array stay valid.
 */
class RefList {
  a: number[] = [];

  get n(): number {
    return this.a.length;
  }

  add(ref: number): void {
    const a = this.a;
    const n = a.length;
    if (n === 0 || a[n - 1]! < ref) {
      a.push(ref);
      return;
    }
    // Out of order (appenders commit in another order than they created series): copy.
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < ref) lo = mid + 1; else hi = mid;
    }
    if (a[lo] === ref) return;
    const b = a.slice(0, lo);
    b.push(ref);
    for (let i = lo; i < n; i++) b.push(a[i]!);
    this.a = b;
  }

  /** Drops the refs in `gone` into a new array; returns the new length. */
  without(gone: ReadonlySet<number>): number {
    const b: number[] = [];
    for (const r of this.a) if (!gone.has(r)) b.push(r);
    this.a = b;
    return b.length;
  }

  cursor(): Postings {
    return this.a.length === 0 ? EMPTY_POSTINGS : new ListPostings(this.a, 0, this.a.length);
  }
}

export class HeadPostings implements PostingsIndex {
  readonly #byName = new Map<string, Map<string, RefList>>();
  readonly #all = new RefList();

  get numSeries(): number {
    return this.#all.n;
  }

  add(ref: number, labels: Labels): void {
    for (let i = 0; i < labels.length; i++) {
      const name = labels.nameAt(i);
      let values = this.#byName.get(name);
      if (values === undefined) {
        values = new Map();
        this.#byName.set(name, values);
      }
      const v = labels.valueAt(i);
      let list = values.get(v);
      if (list === undefined) {
        list = new RefList();
        values.set(v, list);
      }
      list.add(ref);
    }
    this.#all.add(ref);
  }

  /** Removes garbage-collected series; `labelsOf` gives their labels. */
  delete(gone: ReadonlySet<number>, labelsOf: Iterable<Labels>): void {
    const touched = new Map<string, Set<string>>();
    for (const l of labelsOf) {
      for (let i = 0; i < l.length; i++) {
        let s = touched.get(l.nameAt(i));
        if (s === undefined) touched.set(l.nameAt(i), (s = new Set()));
        s.add(l.valueAt(i));
      }
    }
    for (const [name, vals] of touched) {
      const values = this.#byName.get(name);
      if (values === undefined) continue;
      for (const v of vals) {
        const list = values.get(v);
        if (list !== undefined && list.without(gone) === 0) values.delete(v);
      }
      if (values.size === 0) this.#byName.delete(name);
    }
    this.#all.without(gone);
  }

  postings(name: string, ...values: string[]): Promise<Postings> {
    return Promise.resolve(this.postingsSync(name, values));
  }

  postingsSync(name: string, values: readonly string[]): Postings {
    if (name === ALL_POSTINGS_KEY.name && values.length === 1 && values[0] === ALL_POSTINGS_KEY.value) return this.#all.cursor();
    const m = this.#byName.get(name);
    if (m === undefined) return EMPTY_POSTINGS;
    if (values.length === 1) return m.get(values[0]!)?.cursor() ?? EMPTY_POSTINGS;
    const ps: Postings[] = [];
    for (const v of values) {
      const l = m.get(v);
      if (l !== undefined && l.n > 0) ps.push(l.cursor());
    }
    return ps.length === 0 ? EMPTY_POSTINGS : mergePostings(...ps);
  }

  postingsForLabelMatching(name: string, match: (value: string) => boolean): Promise<Postings> {
    const m = this.#byName.get(name);
    if (m === undefined) return Promise.resolve(EMPTY_POSTINGS);
    const ps: Postings[] = [];
    for (const [v, l] of m) if (l.n > 0 && match(v)) ps.push(l.cursor());
    return Promise.resolve(ps.length === 0 ? EMPTY_POSTINGS : mergePostings(...ps));
  }

  postingsForAllLabelValues(name: string): Promise<Postings> {
    return this.postingsForLabelMatching(name, () => true);
  }

  /** Label names in the index, unsorted. */
  labelNames(): IterableIterator<string> {
    return this.#byName.keys();
  }

  /** Values of a label with their series counts, unsorted. */
  values(name: string): ReadonlyMap<string, { readonly n: number }> | undefined {
    return this.#byName.get(name);
  }

  /** Every name with its values and counts (for statistics). */
  entries(): IterableIterator<[string, ReadonlyMap<string, { readonly n: number }>]> {
    return this.#byName.entries();
  }
}
