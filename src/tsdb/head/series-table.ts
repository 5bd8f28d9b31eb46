/**
 * The head's series by ref. Refs are small integers handed out in increasing order, so the
 * table is an array of fixed-size pages indexed by ref: a lookup is two array loads (a Map
 * lookup per appended sample was a visible share of the ingestion CPU). A page is dropped
 * once all its series are gone, so churn leaves no more than one sparse page per run of
 * live refs.
 *
 * Each page also holds the numbers of its series (`columns`, see MemSeries), so that
 * series made one after the other keep their hot numbers side by side.
 *
 * Refs of 2^32 and above (which only a foreign WAL could bring) go to a Map beside the pages.
 *
 * Iteration (`values`) is in ascending ref order (the rare large refs last) and tolerates
 * deletion of the current or other entries while it runs (entries deleted before they are
 * reached are skipped).
 */
import { COLUMNS, type MemSeries } from './series.js';

const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

interface Page {
  /** Series by ref & PAGE_MASK; undefined where none. */
  readonly slots: (MemSeries | undefined)[];
  /** The series' numbers, COLUMNS per slot. */
  readonly cols: Float64Array;
  count: number;
}

function newPage(): Page {
  const slots = new Array<MemSeries | undefined>(PAGE_SIZE);
  // Filled, so that the array stays packed (holey arrays have slower loads).
  for (let i = 0; i < PAGE_SIZE; i++) slots[i] = undefined;
  return { slots, cols: new Float64Array(PAGE_SIZE * COLUMNS), count: 0 };
}

export class SeriesTable {
  #pages: (Page | null)[] = [];
  #size = 0;
  readonly #large = new Map<number, MemSeries>();

  get size(): number {
    return this.#size;
  }

  get(ref: number): MemSeries | undefined {
    if (ref > 0xffffffff) return this.#large.get(ref);
    const p = this.#pages[ref >>> PAGE_BITS];
    return p === undefined || p === null ? undefined : p.slots[ref & PAGE_MASK];
  }

  has(ref: number): boolean {
    return this.get(ref) !== undefined;
  }

  /**
   * Where the series of `ref` keeps its numbers: an array and the offset of its COLUMNS
   * entries (pass both to the MemSeries constructor before `set`).
   */
  columns(ref: number): { cols: Float64Array; at: number } {
    if (!Number.isSafeInteger(ref) || ref < 0) throw new Error(`series table: invalid ref ${ref}`);
    if (ref > 0xffffffff) return { cols: new Float64Array(COLUMNS), at: 0 };
    const pi = ref >>> PAGE_BITS;
    const pages = this.#pages;
    while (pages.length <= pi) pages.push(null);
    let p = pages[pi]!;
    if (p === null) pages[pi] = p = newPage();
    return { cols: p.cols, at: (ref & PAGE_MASK) * COLUMNS };
  }

  /** Adds or replaces the series of `ref` (a non-negative safe integer). */
  set(ref: number, s: MemSeries): void {
    if (!Number.isSafeInteger(ref) || ref < 0) throw new Error(`series table: invalid ref ${ref}`);
    if (ref > 0xffffffff) {
      if (!this.#large.has(ref)) this.#size++;
      this.#large.set(ref, s);
      return;
    }
    const pi = ref >>> PAGE_BITS;
    const pages = this.#pages;
    while (pages.length <= pi) pages.push(null);
    let p = pages[pi]!;
    if (p === null) pages[pi] = p = newPage();
    const i = ref & PAGE_MASK;
    if (p.slots[i] === undefined) {
      p.count++;
      this.#size++;
    }
    p.slots[i] = s;
  }

  delete(ref: number): boolean {
    if (ref > 0xffffffff) {
      if (!this.#large.delete(ref)) return false;
      this.#size--;
      return true;
    }
    const pi = ref >>> PAGE_BITS;
    const p = this.#pages[pi];
    if (p === undefined || p === null) return false;
    const i = ref & PAGE_MASK;
    if (p.slots[i] === undefined) return false;
    p.slots[i] = undefined;
    this.#size--;
    if (--p.count === 0) this.#pages[pi] = null;
    return true;
  }

  /** The series in ascending ref order. */
  *values(): IterableIterator<MemSeries> {
    const pages = this.#pages;
    for (let pi = 0; pi < pages.length; pi++) {
      const p = pages[pi];
      if (p === undefined || p === null) continue;
      for (let i = 0; i < PAGE_SIZE; i++) {
        const s = p.slots[i];
        if (s !== undefined) yield s;
      }
    }
    for (const s of this.#large.values()) yield s;
  }
}
