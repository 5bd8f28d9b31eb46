/**
 * Merging sorted series sets into one, as Prometheus's merge series set does: a heap of the
 * sets ordered by the labels under each cursor; sets whose current series have equal labels
 * are popped together and their series combined by `chainedSeriesMerge` (samples chained in
 * time order, one kept per timestamp). Every input must be sorted by the same order as the
 * merge (`Labels.compare` by default).
 */
import { Labels } from '../../model/index.js';
import type { SampleIterator, Series, SeriesSet } from '../interface.js';
import { ChainSampleIterator } from './chain-iterator.js';

export type LabelsCompare = (a: Labels, b: Labels) => number;

const compareLabels: LabelsCompare = (a, b) => Labels.compare(a, b);

/** A series whose samples are those of `series` (all with equal labels) chained. */
export class ChainedSeries implements Series {
  readonly labels: Labels;
  readonly #series: readonly Series[];

  constructor(series: readonly Series[]) {
    if (series.length === 0) throw new Error('merging series: no series');
    this.labels = series[0]!.labels;
    this.#series = series;
  }

  iterator(reuse: SampleIterator | null): SampleIterator {
    const chain = reuse instanceof ChainSampleIterator ? reuse : new ChainSampleIterator();
    const old = chain.inputs();
    const its: SampleIterator[] = new Array<SampleIterator>(this.#series.length);
    for (let i = 0; i < this.#series.length; i++) its[i] = this.#series[i]!.iterator(old[i] ?? null);
    return chain.reset(its);
  }
}

/** Prometheus's ChainedSeriesMerge: one series from several with equal labels. */
export function chainedSeriesMerge(series: readonly Series[]): Series {
  return series.length === 1 ? series[0]! : new ChainedSeries(series);
}

export class EmptySeriesSet implements SeriesSet {
  readonly #err: Error | null;
  readonly #warnings: string[];

  constructor(err: Error | null = null, warnings: string[] = []) {
    this.#err = err;
    this.#warnings = warnings;
  }

  next(): boolean {
    return false;
  }

  at(): Series {
    throw new Error('reading series: the set is empty');
  }

  err(): Error | null {
    return this.#err;
  }

  warnings(): string[] {
    return this.#warnings;
  }
}

class MergeSeriesSet implements SeriesSet {
  readonly #sets: readonly SeriesSet[];
  readonly #compare: LabelsCompare;
  readonly #limit: number;
  /** Sets with a current series, as a min-heap by that series' labels. */
  readonly #heap: SeriesSet[] = [];
  #current: SeriesSet[] = [];
  #currentSeries: Series | null = null;
  #count = 0;

  constructor(sets: readonly SeriesSet[], limit: number, compare: LabelsCompare) {
    this.#sets = sets;
    this.#compare = compare;
    this.#limit = limit;
    for (const s of sets) {
      if (s.next()) this.#push(s);
    }
  }

  next(): boolean {
    if (this.#limit > 0 && this.#count >= this.#limit) return false;
    for (const s of this.#current) {
      if (s.next()) this.#push(s);
    }
    this.#current.length = 0;
    this.#currentSeries = null;
    if (this.#heap.length === 0) return false;
    const first = this.#pop();
    this.#current.push(first);
    const labels = first.at().labels;
    while (this.#heap.length > 0 && this.#heap[0]!.at().labels.equals(labels)) this.#current.push(this.#pop());
    this.#count++;
    return true;
  }

  at(): Series {
    if (this.#currentSeries !== null) return this.#currentSeries;
    const cur = this.#current;
    if (cur.length === 1) return (this.#currentSeries = cur[0]!.at());
    const series: Series[] = [];
    for (const s of cur) series.push(s.at());
    return (this.#currentSeries = new ChainedSeries(series));
  }

  err(): Error | null {
    for (const s of this.#sets) {
      const e = s.err();
      if (e !== null) return e;
    }
    return null;
  }

  warnings(): string[] {
    const out: string[] = [];
    for (const s of this.#sets) for (const w of s.warnings()) if (!out.includes(w)) out.push(w);
    return out;
  }

  #less(a: SeriesSet, b: SeriesSet): boolean {
    return this.#compare(a.at().labels, b.at().labels) < 0;
  }

  #push(s: SeriesSet): void {
    const h = this.#heap;
    let k = h.length;
    h.push(s);
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.#less(s, h[p]!)) break;
      h[k] = h[p]!;
      k = p;
    }
    h[k] = s;
  }

  #pop(): SeriesSet {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let k = 0;
      for (;;) {
        let c = 2 * k + 1;
        if (c >= n) break;
        if (c + 1 < n && this.#less(h[c + 1]!, h[c]!)) c++;
        if (!this.#less(h[c]!, last)) break;
        h[k] = h[c]!;
        k = c;
      }
      h[k] = last;
    }
    return top;
  }
}

/**
 * One sorted set from several sorted ones; series with equal labels are chained. `limit`
 * caps the number of merged series (0: no limit). A single set is returned as it is.
 */
export function mergeSeriesSets(sets: readonly SeriesSet[], limit = 0, compare: LabelsCompare = compareLabels): SeriesSet {
  if (sets.length === 0) return new EmptySeriesSet();
  if (sets.length === 1 && limit === 0) return sets[0]!;
  return new MergeSeriesSet(sets, limit, compare);
}
