/**
 * Reads over [mint, maxt]. `select` resolves matchers through the label index, then takes a
 * snapshot of each matching series' columns trimmed to the range; series without samples in
 * the range are left out. Label names and values come from the index, as Prometheus's head
 * answers them: over all series when the storage holds any sample in the range.
 */
import { Labels, type Matcher, type Millis } from '../../model/index.js';
import type { LabelHints, Querier, QueryResult, SampleIterator, SelectHints, Series, SeriesSet } from '../interface.js';
import { compareUtf8 } from '../../util/utf8-order.js';
import type { MemHead } from './head.js';
import { MemIterator } from './iterator.js';
import type { AnyHistogram } from './series.js';

class MemSeriesView implements Series {
  readonly labels: Labels;
  readonly #ts: Float64Array;
  readonly #vs: Float64Array;
  readonly #kinds: Uint8Array;
  readonly #hs: readonly (AnyHistogram | undefined)[] | null;
  readonly #lo: number;
  readonly #hi: number;

  constructor(labels: Labels, ts: Float64Array, vs: Float64Array, kinds: Uint8Array, hs: readonly (AnyHistogram | undefined)[] | null, lo: number, hi: number) {
    this.labels = labels;
    this.#ts = ts;
    this.#vs = vs;
    this.#kinds = kinds;
    this.#hs = hs;
    this.#lo = lo;
    this.#hi = hi;
  }

  iterator(reuse: SampleIterator | null): SampleIterator {
    const it = reuse instanceof MemIterator ? reuse : new MemIterator();
    return it.reset(this.#ts, this.#vs, this.#kinds, this.#hs, this.#lo, this.#hi);
  }
}

class ListSeriesSet implements SeriesSet {
  readonly #list: readonly Series[];
  readonly #err: Error | null;
  #i = -1;

  constructor(list: readonly Series[], err: Error | null) {
    this.#list = list;
    this.#err = err;
  }

  next(): boolean {
    if (this.#i + 1 >= this.#list.length) {
      this.#i = this.#list.length;
      return false;
    }
    this.#i++;
    return true;
  }

  at(): Series {
    return this.#list[this.#i]!;
  }

  err(): Error | null {
    return this.#err;
  }

  warnings(): string[] {
    return [];
  }
}

export class MemQuerier implements Querier {
  readonly #head: MemHead;
  readonly #mint: number;
  readonly #maxt: number;

  constructor(head: MemHead, mint: Millis, maxt: Millis) {
    this.#head = head;
    this.#mint = mint;
    this.#maxt = maxt;
  }

  select(sortSeries: boolean, hints: SelectHints | null, matchers: readonly Matcher[], signal?: AbortSignal): Promise<SeriesSet> {
    if (signal?.aborted === true) return Promise.resolve(new ListSeriesSet([], new Error('selecting series: query canceled')));
    const head = this.#head;
    const ids = head.index.postingsForMatchers(matchers);
    const mint = this.#mint, maxt = this.#maxt;
    const out: MemSeriesView[] = [];
    for (let k = 0; k < ids.length; k++) {
      const s = head.series[ids[k]!]!;
      const lo = s.lowerBound(mint);
      if (lo >= s.n || s.ts[lo]! > maxt) continue;
      const hi = s.upperBound(maxt, lo);
      s.shared = true;
      out.push(new MemSeriesView(s.labels, s.ts, s.vs, s.kinds, s.hs, lo, hi));
    }
    if (sortSeries) out.sort((a, b) => Labels.compare(a.labels, b.labels));
    const limit = hints?.limit ?? 0;
    if (limit > 0 && out.length > limit) out.length = limit;
    return Promise.resolve(new ListSeriesSet(out, null));
  }

  labelValues(name: string, hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    let values: string[];
    if (!this.#overlaps()) values = [];
    else if (matchers.length === 0) values = this.#head.index.labelValues(name);
    else {
      const seen = new Set<string>();
      const ids = this.#head.index.postingsForMatchers(matchers);
      for (let k = 0; k < ids.length; k++) {
        const v = this.#head.series[ids[k]!]!.labels.get(name);
        if (v !== '') seen.add(v);
      }
      values = [...seen].sort(compareUtf8);
    }
    return Promise.resolve({ value: limited(values, hints), warnings: [] });
  }

  labelNames(hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    let names: string[];
    if (!this.#overlaps()) names = [];
    else if (matchers.length === 0) names = this.#head.index.labelNames();
    else {
      const seen = new Set<string>();
      const ids = this.#head.index.postingsForMatchers(matchers);
      for (let k = 0; k < ids.length; k++) {
        const l = this.#head.series[ids[k]!]!.labels;
        for (let i = 0; i < l.length; i++) seen.add(l.nameAt(i));
      }
      names = [...seen].sort(compareUtf8);
    }
    return Promise.resolve({ value: limited(names, hints), warnings: [] });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #overlaps(): boolean {
    return this.#head.minTime <= this.#maxt && this.#head.maxTime >= this.#mint;
  }
}

function limited(a: string[], hints: LabelHints | null): string[] {
  const limit = hints?.limit ?? 0;
  if (limit > 0 && a.length > limit) a.length = limit;
  return a;
}
