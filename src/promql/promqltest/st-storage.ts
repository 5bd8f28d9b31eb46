/**
 * Start timestamps for the scripts' `@st` loads, over a storage that keeps none: the
 * runner records each sample's ST here, and this Queryable hands out the inner storage's
 * series with iterators that also answer `atST()`. Series without any recorded ST are
 * passed through untouched, so only `start_timestamps.test` pays for the wrapping.
 */
import type { Labels, Matcher, Millis } from '../../model/index.js';
import {
  ValueType, type LabelHints, type Querier, type Queryable, type QueryResult, type SampleIterator,
  type SelectHints, type Series, type SeriesSet,
} from '../../storage/index.js';

class STIterator implements SampleIterator {
  readonly #inner: SampleIterator;
  readonly #sts: ReadonlyMap<number, number>;
  #cur: ValueType = ValueType.None;

  constructor(inner: SampleIterator, sts: ReadonlyMap<number, number>) {
    this.#inner = inner;
    this.#sts = sts;
  }

  next(): ValueType { return (this.#cur = this.#inner.next()); }
  seek(t: Millis): ValueType { return (this.#cur = this.#inner.seek(t)); }
  atT(): Millis { return this.#inner.atT(); }
  atF(): number { return this.#inner.atF(); }
  atStale(): boolean { return this.#inner.atStale(); }
  atHistogram(): ReturnType<SampleIterator['atHistogram']> { return this.#inner.atHistogram(); }
  atFloatHistogram(): ReturnType<SampleIterator['atFloatHistogram']> { return this.#inner.atFloatHistogram(); }
  atST(): number {
    if (this.#cur === ValueType.None) return 0;
    return this.#sts.get(this.#inner.atT()) ?? 0;
  }
  err(): Error | null { return this.#inner.err(); }
}

class STSeries implements Series {
  readonly #inner: Series;
  readonly #sts: ReadonlyMap<number, number>;
  constructor(inner: Series, sts: ReadonlyMap<number, number>) {
    this.#inner = inner;
    this.#sts = sts;
  }
  get labels(): Labels { return this.#inner.labels; }
  iterator(): SampleIterator {
    return new STIterator(this.#inner.iterator(null), this.#sts);
  }
}

class STSeriesSet implements SeriesSet {
  readonly #inner: SeriesSet;
  readonly #byKey: ReadonlyMap<string, Map<number, number>>;
  constructor(inner: SeriesSet, byKey: ReadonlyMap<string, Map<number, number>>) {
    this.#inner = inner;
    this.#byKey = byKey;
  }
  next(): boolean { return this.#inner.next(); }
  at(): Series {
    const s = this.#inner.at();
    const sts = this.#byKey.get(s.labels.key());
    return sts === undefined ? s : new STSeries(s, sts);
  }
  err(): Error | null { return this.#inner.err(); }
  warnings(): string[] { return this.#inner.warnings(); }
}

class STQuerier implements Querier {
  readonly #inner: Querier;
  readonly #byKey: ReadonlyMap<string, Map<number, number>>;
  constructor(inner: Querier, byKey: ReadonlyMap<string, Map<number, number>>) {
    this.#inner = inner;
    this.#byKey = byKey;
  }
  async select(sortSeries: boolean, hints: SelectHints | null, matchers: readonly Matcher[], signal?: AbortSignal): Promise<SeriesSet> {
    return new STSeriesSet(await this.#inner.select(sortSeries, hints, matchers, signal), this.#byKey);
  }
  labelValues(name: string, hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    return this.#inner.labelValues(name, hints, matchers);
  }
  labelNames(hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    return this.#inner.labelNames(hints, matchers);
  }
  close(): Promise<void> { return this.#inner.close(); }
}

export class StartTimestampQueryable implements Queryable {
  readonly #inner: Queryable;
  readonly #byKey = new Map<string, Map<number, number>>();

  constructor(inner: Queryable) {
    this.#inner = inner;
  }

  /** Records the start timestamp of the sample of `labels` at t (ST 0 means unknown and is not kept). */
  set(labels: Labels, t: number, st: number): void {
    if (st === 0) return;
    let m = this.#byKey.get(labels.key());
    if (m === undefined) {
      m = new Map();
      this.#byKey.set(labels.key(), m);
    }
    m.set(t, st);
  }

  async querier(mint: Millis, maxt: Millis): Promise<Querier> {
    const q = await this.#inner.querier(mint, maxt);
    return this.#byKey.size === 0 ? q : new STQuerier(q, this.#byKey);
  }
}
