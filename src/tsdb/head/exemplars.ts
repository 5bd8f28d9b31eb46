/**
 * Exemplars in one fixed-size ring shared by all series, as Prometheus's circular exemplar
 * storage: when full, the oldest exemplar overall is overwritten. Each series chains its own
 * exemplars oldest to newest through the ring (prev/next slots), so adding, evicting and
 * inserting an out-of-order exemplar (within the out-of-order window) stay cheap, and a query
 * walks only the exemplars of matching series.
 */
import { EXEMPLAR_MAX_LABEL_SET_LENGTH, Labels, type Exemplar, type Matcher, type Millis } from '../../model/index.js';
import type { ExemplarQueryResult } from '../../storage/interface.js';
import type { MemSeries } from './series.js';

/** Why an exemplar is refused; null when it may be added. */
export type ExemplarVerdict = null | 'duplicate' | 'out_of_order' | 'too_long';

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}

export function exemplarLabelsTooLong(l: Labels): boolean {
  let n = 0;
  for (let i = 0; i < l.length; i++) {
    n += codePoints(l.nameAt(i)) + codePoints(l.valueAt(i));
    if (n > EXEMPLAR_MAX_LABEL_SET_LENGTH) return true;
  }
  return false;
}

export class ExemplarRing {
  readonly capacity: number;
  oooWindow: number;
  readonly #owner: (MemSeries | null)[];
  readonly #ts: Float64Array;
  readonly #vs: Float64Array;
  readonly #labels: (Labels | null)[];
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  #head = 0;
  #size = 0;
  readonly #withExemplars = new Set<MemSeries>();
  appended = 0;
  outOfOrder = 0;

  constructor(capacity: number, oooWindow: number) {
    this.capacity = Math.max(0, Math.floor(capacity));
    this.oooWindow = oooWindow;
    this.#owner = new Array<MemSeries | null>(this.capacity).fill(null);
    this.#ts = new Float64Array(this.capacity);
    this.#vs = new Float64Array(this.capacity);
    this.#labels = new Array<Labels | null>(this.capacity).fill(null);
    this.#next = new Int32Array(this.capacity).fill(-1);
    this.#prev = new Int32Array(this.capacity).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  get seriesCount(): number {
    return this.#withExemplars.size;
  }

  /** Time of the oldest exemplar in the ring (0 when empty), for the last-timestamp metric. */
  oldestTime(): number {
    if (this.#size === 0) return 0;
    const i = this.#size < this.capacity ? 0 : this.#head;
    return this.#ts[i]!;
  }

  /** The newest exemplar of a series, or null. */
  newest(s: MemSeries): Exemplar | null {
    const i = s.exNewest;
    if (i < 0 || this.#owner[i] !== s) return null;
    return { labels: this.#labels[i]!, value: this.#vs[i]!, ts: this.#ts[i]! as Millis };
  }

  /**
   * Prometheus's check against the series' newest exemplar (`newest`, from the ring or the
   * caller's batch): equal is a duplicate; older beyond the out-of-order window, or at the same
   * time with a lower value, is out of order.
   */
  verdict(newest: Exemplar | null, labels: Labels, value: number, ts: number): ExemplarVerdict {
    if (exemplarLabelsTooLong(labels)) return 'too_long';
    if (newest === null) return null;
    const nts = newest.ts!;
    if (ts === nts && Object.is(value, newest.value) && labels.equals(newest.labels)) return 'duplicate';
    if ((ts < nts && ts <= nts - this.oooWindow) || (ts === nts && value < newest.value)) return 'out_of_order';
    return null;
  }

  /** Adds a validated exemplar; false when it turned out to be a duplicate or out of order. */
  add(s: MemSeries, labels: Labels, value: number, ts: number): boolean {
    if (this.capacity === 0) return false;
    const v = this.verdict(this.newest(s), labels, value, ts);
    if (v !== null) {
      if (v === 'out_of_order') this.outOfOrder++;
      return false;
    }
    // An out-of-order exemplar goes after the newest one not later than it; same time: dropped.
    let after = s.exNewest >= 0 && this.#owner[s.exNewest] === s ? s.exNewest : -1;
    while (after >= 0 && this.#ts[after]! > ts) after = this.#prev[after]!;
    if (after >= 0 && this.#ts[after] === ts && after !== s.exNewest) return false;
    const slot = this.#head;
    const old = this.#owner[slot];
    if (old !== null && old !== undefined) {
      this.#unlink(old, slot);
      if (after === slot) {
        after = -1;
        let i = s.exNewest;
        while (i >= 0 && this.#ts[i]! > ts) i = this.#prev[i]!;
        after = i;
      }
    } else {
      this.#size++;
    }
    this.#owner[slot] = s;
    this.#ts[slot] = ts;
    this.#vs[slot] = value;
    this.#labels[slot] = labels;
    if (s.exNewest < 0) {
      this.#prev[slot] = -1;
      this.#next[slot] = -1;
      s.exOldest = slot;
      s.exNewest = slot;
      this.#withExemplars.add(s);
    } else if (after < 0) {
      this.#prev[slot] = -1;
      this.#next[slot] = s.exOldest;
      this.#prev[s.exOldest] = slot;
      s.exOldest = slot;
    } else {
      const nx = this.#next[after]!;
      this.#prev[slot] = after;
      this.#next[slot] = nx;
      this.#next[after] = slot;
      if (nx >= 0) this.#prev[nx] = slot; else s.exNewest = slot;
    }
    this.#head = slot + 1 === this.capacity ? 0 : slot + 1;
    this.appended++;
    return true;
  }

  /** Calls `fn` for every exemplar in the ring, in the order they were added (oldest first). */
  forEachInOrder(fn: (s: MemSeries, labels: Labels, value: number, ts: number) => void): void {
    const n = this.#size;
    const start = n < this.capacity ? 0 : this.#head;
    for (let k = 0; k < n; k++) {
      let i = start + k;
      if (i >= this.capacity) i -= this.capacity;
      const s = this.#owner[i];
      if (s === null || s === undefined) continue;
      fn(s, this.#labels[i]!, this.#vs[i]!, this.#ts[i]!);
    }
  }

  #unlink(s: MemSeries, slot: number): void {
    const p = this.#prev[slot]!, n = this.#next[slot]!;
    if (p >= 0) this.#next[p] = n; else s.exOldest = n;
    if (n >= 0) this.#prev[n] = p; else s.exNewest = p;
    if (s.exOldest < 0) {
      s.exNewest = -1;
      this.#withExemplars.delete(s);
    }
    this.#owner[slot] = null;
  }

  /** Forgets a garbage-collected series; its slots are reused as the ring turns. */
  forget(s: MemSeries): void {
    for (let i = s.exOldest; i >= 0;) {
      const n = this.#next[i]!;
      this.#owner[i] = null;
      this.#labels[i] = null;
      i = n;
    }
    s.exOldest = -1;
    s.exNewest = -1;
    this.#withExemplars.delete(s);
  }

  /** Exemplars in [mint, maxt] of series matching any matcher set, oldest first; series by labels. */
  query(mint: number, maxt: number, matcherSets: readonly (readonly Matcher[])[]): ExemplarQueryResult[] {
    const out: ExemplarQueryResult[] = [];
    if (matcherSets.length === 0) return out;
    for (const s of this.#withExemplars) {
      if (!matchesAny(s.labels, matcherSets)) continue;
      const ex: Exemplar[] = [];
      for (let i = s.exOldest; i >= 0; i = this.#next[i]!) {
        const t = this.#ts[i]!;
        if (t > maxt) break;
        if (t >= mint) ex.push({ labels: this.#labels[i]!, value: this.#vs[i]!, ts: t as Millis });
      }
      if (ex.length > 0) out.push({ seriesLabels: s.labels, exemplars: ex });
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
