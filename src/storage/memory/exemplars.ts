/**
 * Exemplars in a fixed-size ring shared by all series, as Prometheus's circular exemplar
 * storage: when full, the oldest exemplar overall is overwritten. Each series links its own
 * exemplars oldest to newest through the ring (`next`), so appending and evicting are O(1)
 * and a query walks only the exemplars of matching series.
 */
import { Labels, type Exemplar, type Matcher, type Millis } from '../../model/index.js';
import type { ExemplarQueryResult } from '../interface.js';
import type { MemSeries } from './series.js';

export class ExemplarRing {
  readonly capacity: number;
  readonly #owner: (MemSeries | null)[];
  readonly #ts: Float64Array;
  readonly #vs: Float64Array;
  readonly #labels: (Labels | null)[];
  readonly #next: Int32Array;
  #head = 0;
  #size = 0;
  readonly #withExemplars = new Set<MemSeries>();

  constructor(capacity: number) {
    this.capacity = Math.max(0, Math.floor(capacity));
    this.#owner = new Array<MemSeries | null>(this.capacity).fill(null);
    this.#ts = new Float64Array(this.capacity);
    this.#vs = new Float64Array(this.capacity);
    this.#labels = new Array<Labels | null>(this.capacity).fill(null);
    this.#next = new Int32Array(this.capacity).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  /** The newest exemplar of a series, for the order and duplicate checks; null when none. */
  newest(s: MemSeries): Exemplar | null {
    const i = s.exNewest;
    if (i < 0 || this.#owner[i] !== s) return null;
    return { labels: this.#labels[i]!, value: this.#vs[i]!, ts: this.#ts[i]! as Millis };
  }

  /** Stores an exemplar (already validated) with a timestamp. */
  add(s: MemSeries, labels: Labels, value: number, ts: number): void {
    if (this.capacity === 0) return;
    const slot = this.#head;
    const old = this.#owner[slot];
    if (old !== null && old !== undefined) {
      // The oldest slot overall is the oldest of its series.
      old.exOldest = this.#next[slot]!;
      if (old.exOldest === -1) {
        old.exNewest = -1;
        this.#withExemplars.delete(old);
      }
    } else {
      this.#size++;
    }
    this.#owner[slot] = s;
    this.#ts[slot] = ts;
    this.#vs[slot] = value;
    this.#labels[slot] = labels;
    this.#next[slot] = -1;
    if (s.exNewest >= 0) this.#next[s.exNewest] = slot;
    else {
      s.exOldest = slot;
      this.#withExemplars.add(s);
    }
    s.exNewest = slot;
    this.#head = slot + 1 === this.capacity ? 0 : slot + 1;
  }

  /** Forgets a garbage-collected series: its exemplars stay in the ring until overwritten but are no longer queried. */
  forget(s: MemSeries): void {
    this.#withExemplars.delete(s);
  }

  /**
   * Exemplars in [mint, maxt] of the series matching any matcher set, oldest first per
   * series; series ordered by labels. No matcher set selects nothing, as in Prometheus.
   */
  query(mint: number, maxt: number, matcherSets: readonly (readonly Matcher[])[]): ExemplarQueryResult[] {
    const out: ExemplarQueryResult[] = [];
    if (matcherSets.length === 0) return out;
    for (const s of this.#withExemplars) {
      if (!matchesAny(s.labels, matcherSets)) continue;
      const exemplars: Exemplar[] = [];
      for (let i = s.exOldest; i >= 0; i = this.#next[i]!) {
        const t = this.#ts[i]!;
        if (t > maxt) break; // linked in time order
        if (t >= mint) exemplars.push({ labels: this.#labels[i]!, value: this.#vs[i]!, ts: t as Millis });
      }
      if (exemplars.length > 0) out.push({ seriesLabels: s.labels, exemplars });
    }
    out.sort((a, b) => Labels.compare(a.seriesLabels, b.seriesLabels));
    return out;
  }
}

function matchesAny(l: Labels, sets: readonly (readonly Matcher[])[]): boolean {
  for (const set of sets) {
    let ok = true;
    for (const m of set) {
      if (!m.matches(l.get(m.name))) { ok = false; break; }
    }
    if (ok) return true;
  }
  return false;
}
