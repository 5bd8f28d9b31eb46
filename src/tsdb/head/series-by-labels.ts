/**
 * The head's series by label set, without a key string per series.
 *
 * A map keyed by `Labels.key()` (the label strings joined) kept one such string per series,
 * about as long as the series' labels together (100-150 bytes in practice), for the life of
 * the series, only to find series that are not found by ref: new series, and appends whose
 * caller has no ref yet. Here a 31-bit hash of the labels (a small integer key, no boxed
 * number) names the series, or on a collision a short array of them; every hit is confirmed
 * with `Labels.equals`, so a collision costs a comparison, never a wrong series.
 */
import type { Labels } from '../../model/index.js';

/** What the map holds: anything with the labels it is found by. */
export interface HasLabels {
  readonly labels: Labels;
}

/** FNV-1a over the label names and values (each followed by a separator char), folded to 31 bits. */
export function labelsHash(l: Labels): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < l.length; i++) {
    const n = l.nameAt(i), v = l.valueAt(i);
    for (let k = 0; k < n.length; k++) h = Math.imul(h ^ n.charCodeAt(k), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193);
    for (let k = 0; k < v.length; k++) h = Math.imul(h ^ v.charCodeAt(k), 0x01000193);
    h = Math.imul(h ^ 0xfe, 0x01000193);
  }
  return (h ^ (h >>> 31)) & 0x7fffffff;
}

export class SeriesByLabels<S extends HasLabels> {
  readonly #m = new Map<number, S | S[]>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The series with exactly these labels, if any. */
  get(l: Labels): S | undefined {
    const e = this.#m.get(labelsHash(l));
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return e.labels.equals(l) ? e : undefined;
    for (const s of e) if (s.labels.equals(l)) return s;
    return undefined;
  }

  /** Adds `s` under its labels, replacing a series with equal labels. */
  set(s: S): void {
    const h = labelsHash(s.labels);
    const e = this.#m.get(h);
    if (e === undefined) {
      this.#m.set(h, s);
      this.#size++;
    } else if (!Array.isArray(e)) {
      if (e.labels.equals(s.labels)) {
        this.#m.set(h, s);
      } else {
        this.#m.set(h, [e, s]);
        this.#size++;
      }
    } else {
      const i = e.findIndex((x) => x.labels.equals(s.labels));
      if (i >= 0) {
        e[i] = s;
      } else {
        e.push(s);
        this.#size++;
      }
    }
  }

  /** Removes `s` (only that series: another one with equal labels stays). */
  delete(s: S): void {
    const h = labelsHash(s.labels);
    const e = this.#m.get(h);
    if (e === undefined) return;
    if (!Array.isArray(e)) {
      if (e === s) {
        this.#m.delete(h);
        this.#size--;
      }
      return;
    }
    const i = e.indexOf(s);
    if (i < 0) return;
    e.splice(i, 1);
    this.#size--;
    if (e.length === 1) this.#m.set(h, e[0]!);
  }
}
