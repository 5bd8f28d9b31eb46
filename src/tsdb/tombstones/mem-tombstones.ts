/**
 * Tombstones in memory: deletion intervals per series ref. What a block holds after
 * reading its `tombstones` file and what deletions add to before it is rewritten.
 */
import { addInterval, type Interval } from './intervals.js';

/** Read access to tombstones, as a block's querier uses them. */
export interface TombstoneReader {
  /** The series' intervals, sorted; empty when it has none. Do not modify. */
  get(ref: number): readonly Interval[];
  /** Calls `fn` for every series with intervals, in ascending ref order. */
  forEach(fn: (ref: number, ivs: readonly Interval[]) => void): void;
  /** Total number of intervals. */
  total(): number;
}

const NONE: readonly Interval[] = Object.freeze([]);

/** Not safe for concurrent mutation; reads see a consistent state between mutations. */
export class MemTombstones implements TombstoneReader {
  readonly #m = new Map<number, Interval[]>();

  get(ref: number): readonly Interval[] {
    return this.#m.get(ref) ?? NONE;
  }

  forEach(fn: (ref: number, ivs: readonly Interval[]) => void): void {
    const refs = [...this.#m.keys()].sort((a, b) => a - b);
    for (const r of refs) fn(r, this.#m.get(r)!);
  }

  total(): number {
    let n = 0;
    for (const ivs of this.#m.values()) n += ivs.length;
    return n;
  }

  /** Number of series with intervals. */
  get size(): number {
    return this.#m.size;
  }

  addInterval(ref: number, ...ivs: Interval[]): void {
    let cur: readonly Interval[] = this.#m.get(ref) ?? NONE;
    for (const iv of ivs) cur = addInterval(cur, iv);
    if (cur.length > 0) this.#m.set(ref, cur as Interval[]);
  }

  deleteTombstones(refs: Iterable<number>): void {
    for (const r of refs) this.#m.delete(r);
  }

  /** Drops intervals that end before `t` (whole intervals only, as Prometheus does). */
  truncateBefore(t: number): void {
    for (const [ref, ivs] of this.#m) {
      const keep = ivs.filter((iv) => iv.maxt >= t);
      if (keep.length === 0) this.#m.delete(ref); else this.#m.set(ref, keep);
    }
  }
}
