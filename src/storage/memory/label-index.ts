/**
 * The inverted index: label name → value → postings (sorted series ids), plus the postings
 * of all series. Matchers resolve to postings as Prometheus's head does: an equality matcher
 * is one lookup, other matchers test each distinct value of their label once (never each
 * series), and matchers that match the empty string (which also select series lacking the
 * label) subtract the values they reject instead.
 */
import type { Labels, Matcher } from '../../model/index.js';
import { EMPTY_IDS, intersect, Postings, subtract, unionDisjoint } from './postings.js';
import { compareUtf8 } from '../../util/utf8-order.js';

export class LabelIndex {
  readonly #byName = new Map<string, Map<string, Postings>>();
  readonly #all = new Postings();

  get numSeries(): number {
    return this.#all.size;
  }

  add(id: number, labels: Labels): void {
    for (let i = 0; i < labels.length; i++) {
      const name = labels.nameAt(i);
      let values = this.#byName.get(name);
      if (values === undefined) {
        values = new Map();
        this.#byName.set(name, values);
      }
      const value = labels.valueAt(i);
      let p = values.get(value);
      if (p === undefined) {
        p = new Postings();
        values.set(value, p);
      }
      p.add(id);
    }
    this.#all.add(id);
  }

  /** Removes a batch of series (GC): each affected postings list is rewritten once. */
  remove(series: readonly { id: number; labels: Labels }[]): void {
    if (series.length === 0) return;
    const dead = new Set<number>();
    const touched = new Set<Postings>();
    for (const s of series) {
      dead.add(s.id);
      for (let i = 0; i < s.labels.length; i++) {
        const p = this.#byName.get(s.labels.nameAt(i))?.get(s.labels.valueAt(i));
        if (p !== undefined) touched.add(p);
      }
    }
    const isDead = (id: number): boolean => dead.has(id);
    for (const p of touched) p.removeIf(isDead);
    this.#all.removeIf(isDead);
    for (const s of series) {
      for (let i = 0; i < s.labels.length; i++) {
        const name = s.labels.nameAt(i);
        const values = this.#byName.get(name);
        if (values === undefined) continue;
        const v = s.labels.valueAt(i);
        if (values.get(v)?.size === 0) values.delete(v);
        if (values.size === 0) this.#byName.delete(name);
      }
    }
  }

  /** Sorted ids of the series matching every matcher (all series when none narrows). */
  postingsForMatchers(matchers: readonly Matcher[]): Uint32Array {
    const its: Uint32Array[] = [];
    const notIts: Uint32Array[] = [];
    for (const m of matchers) {
      const values = this.#byName.get(m.name);
      if (!m.matchesEmpty()) {
        // Only series carrying a matching value qualify.
        if (m.type === '=') {
          const p = values?.get(m.value);
          if (p === undefined) return EMPTY_IDS;
          its.push(p.view());
          continue;
        }
        if (values === undefined) return EMPTY_IDS;
        const lists: Uint32Array[] = [];
        for (const [v, p] of values) if (m.matches(v)) lists.push(p.view());
        if (lists.length === 0) return EMPTY_IDS;
        its.push(unionDisjoint(lists));
      } else {
        // Series lacking the label match too: drop those whose value the matcher rejects.
        if (values === undefined) continue;
        if (m.type === '!=') {
          const p = values.get(m.value);
          if (p !== undefined) notIts.push(p.view());
          continue;
        }
        const lists: Uint32Array[] = [];
        for (const [v, p] of values) if (!m.matches(v)) lists.push(p.view());
        if (lists.length > 0) notIts.push(unionDisjoint(lists));
      }
    }
    let ids: Uint32Array;
    if (its.length === 0) {
      ids = this.#all.view().slice();
    } else {
      its.sort((a, b) => a.length - b.length);
      ids = its[0]!;
      for (let i = 1; i < its.length && ids.length > 0; i++) ids = intersect(ids, its[i]!);
      if (its.length === 1) ids = ids.slice(); // never hand out a postings view
    }
    for (let i = 0; i < notIts.length && ids.length > 0; i++) ids = subtract(ids, notIts[i]!);
    return ids;
  }

  /** Sorted label names of all indexed series. */
  labelNames(): string[] {
    return [...this.#byName.keys()].sort(compareUtf8);
  }

  /** Sorted values of a label over all indexed series. */
  labelValues(name: string): string[] {
    const values = this.#byName.get(name);
    return values === undefined ? [] : [...values.keys()].sort(compareUtf8);
  }

  /** Every (name, values) pair, for statistics. Read-only. */
  entries(): IterableIterator<[string, ReadonlyMap<string, Postings>]> {
    return this.#byName.entries();
  }

  /** The postings of one label pair, if any. The view is valid until the index changes. */
  postings(name: string, value: string): Uint32Array {
    return this.#byName.get(name)?.get(value)?.view() ?? EMPTY_IDS;
  }
}
