import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, Labels, Matcher, type Exemplar, type FloatHistogram, type Histogram, type Metadata, type Millis } from '../../model/index.js';
import { MemoryStorage } from '../memory/index.js';
import { runAppendableQueryableContract } from '../contract.js';
import {
  ValueType, type Appendable, type Appender, type Querier, type QueryResult, type Queryable, type SampleIterator, type Series, type SeriesRef, type SeriesSet,
} from '../interface.js';
import { ChainSampleIterator, EmptySeriesSet, MergeQuerier, mergeSeriesSets, mergeStrings, newMergeQuerier, NoopQuerier } from './index.js';

const ms = (n: number): Millis => n as Millis;

/** A float-only iterator over [t, v] pairs, with an optional error at the end. */
class ArrayIterator implements SampleIterator {
  readonly #s: readonly (readonly [number, number])[];
  readonly #endErr: Error | null;
  #i = -1;
  hint = CounterResetHint.CounterReset;

  constructor(s: readonly (readonly [number, number])[], endErr: Error | null = null) {
    this.#s = s;
    this.#endErr = endErr;
  }

  next(): ValueType {
    if (this.#i < this.#s.length) this.#i++;
    return this.#i < this.#s.length ? ValueType.Float : ValueType.None;
  }

  seek(t: Millis): ValueType {
    if (this.#i < 0) this.#i = 0;
    while (this.#i < this.#s.length && this.#s[this.#i]![0] < t) this.#i++;
    return this.#i < this.#s.length ? ValueType.Float : ValueType.None;
  }

  atT(): Millis { return ms(this.#s[this.#i]![0]); }
  atF(): number { return this.#s[this.#i]![1]; }
  atStale(): boolean { return false; }
  atHistogram(): Histogram { throw new Error('no histograms'); }
  atFloatHistogram(): FloatHistogram {
    return {
      counterResetHint: this.hint, schema: 0, zeroThreshold: 0, zeroCount: 0, count: this.atF(), sum: 0,
      positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
    };
  }

  err(): Error | null { return this.#i >= this.#s.length ? this.#endErr : null; }
}

function drain(it: SampleIterator): [number, number][] {
  const out: [number, number][] = [];
  while (it.next() !== ValueType.None) out.push([it.atT(), it.atF()]);
  return out;
}

const chain = (...inputs: (readonly (readonly [number, number])[])[]): ChainSampleIterator =>
  new ChainSampleIterator().reset(inputs.map((s) => new ArrayIterator(s)));

void describe('chain sample iterator', () => {
  const cases: [string, [number, number][][], [number, number][]][] = [
    ['no inputs', [], []],
    ['one input', [[[1, 1], [2, 2]]], [[1, 1], [2, 2]]],
    ['empty inputs are skipped', [[], [[1, 1]], []], [[1, 1]]],
    ['consecutive ranges', [[[1, 1], [2, 2]], [[3, 3], [4, 4]]], [[1, 1], [2, 2], [3, 3], [4, 4]]],
    ['ranges given newest first', [[[3, 3], [4, 4]], [[1, 1], [2, 2]]], [[1, 1], [2, 2], [3, 3], [4, 4]]],
    ['interleaved', [[[1, 1], [3, 3], [5, 5]], [[2, 2], [4, 4], [6, 6]]], [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 6]]],
    ['equal timestamps keep one sample', [[[1, 1], [2, 2], [3, 3]], [[2, 2], [3, 3], [4, 4]]], [[1, 1], [2, 2], [3, 3], [4, 4]]],
    ['three copies of the same data', [[[1, 1], [2, 2]], [[1, 1], [2, 2]], [[1, 1], [2, 2]]], [[1, 1], [2, 2]]],
    ['a gap filled by another input', [[[1, 1], [10, 10]], [[5, 5]]], [[1, 1], [5, 5], [10, 10]]],
  ];
  for (const [name, inputs, want] of cases) {
    void test(name, () => {
      assert.deepEqual(drain(chain(...inputs)), want);
    });
  }

  void test('on equal timestamps one value wins and the others are dropped', () => {
    const got = drain(chain([[1, 10], [2, 20]], [[1, 11], [2, 21]]));
    assert.deepEqual(got.map((s) => s[0]), [1, 2]);
    assert.ok([10, 11].includes(got[0]![1]) && [20, 21].includes(got[1]![1]));
  });

  void test('seek moves forward only and stays on the current sample', () => {
    const it = chain([[1, 1], [4, 4], [7, 7]], [[2, 2], [5, 5], [8, 8]]);
    assert.equal(it.seek(ms(3)), ValueType.Float);
    assert.equal(it.atT(), 4);
    assert.equal(it.seek(ms(4)), ValueType.Float);
    assert.equal(it.atT(), 4);
    assert.equal(it.seek(ms(0)), ValueType.Float, 'backwards stays');
    assert.equal(it.atT(), 4);
    assert.equal(it.next(), ValueType.Float);
    assert.equal(it.atT(), 5);
    assert.equal(it.seek(ms(8)), ValueType.Float);
    assert.equal(it.atT(), 8);
    assert.equal(it.next(), ValueType.None);
    assert.equal(it.seek(ms(0)), ValueType.None, 'exhausted stays exhausted');
    assert.equal(it.next(), ValueType.None);
    assert.equal(chain([[1, 1]]).seek(ms(2)), ValueType.None);
  });

  void test('an input error stops the iteration and is reported', () => {
    const boom = new Error('boom');
    const it = new ChainSampleIterator().reset([new ArrayIterator([[1, 1]], boom), new ArrayIterator([[2, 2], [3, 3]])]);
    assert.equal(it.next(), ValueType.Float);
    assert.equal(it.next(), ValueType.None);
    assert.equal(it.err(), boom);
  });

  void test('counter histograms read with an unknown reset hint after a switch of input', () => {
    const a = new ArrayIterator([[1, 1], [2, 2]]);
    const b = new ArrayIterator([[3, 3]]);
    const it = new ChainSampleIterator().reset([a, b]);
    it.next();
    assert.equal(it.atFloatHistogram().counterResetHint, CounterResetHint.Unknown, 'first sample comes from a heap pop');
    it.next();
    assert.equal(it.atFloatHistogram().counterResetHint, CounterResetHint.CounterReset, 'neighbour in the same input');
    it.next();
    assert.equal(it.atFloatHistogram().counterResetHint, CounterResetHint.Unknown);
    const g = new ArrayIterator([[1, 1]]);
    g.hint = CounterResetHint.Gauge;
    const it2 = new ChainSampleIterator().reset([g, new ArrayIterator([])]);
    it2.next();
    assert.equal(it2.atFloatHistogram().counterResetHint, CounterResetHint.Gauge, 'gauge hints are kept');
  });
});

class FakeSeries implements Series {
  readonly labels: Labels;
  readonly samples: [number, number][];
  constructor(labels: Labels, samples: [number, number][]) {
    this.labels = labels;
    this.samples = samples;
  }
  iterator(): SampleIterator {
    return new ArrayIterator(this.samples);
  }
}

class FakeSet implements SeriesSet {
  readonly #list: Series[];
  readonly #err: Error | null;
  readonly #warnings: string[];
  #i = -1;
  constructor(list: Series[], err: Error | null = null, warnings: string[] = []) {
    this.#list = list;
    this.#err = err;
    this.#warnings = warnings;
  }
  next(): boolean {
    if (this.#i < this.#list.length) this.#i++;
    return this.#i < this.#list.length;
  }
  at(): Series { return this.#list[this.#i]!; }
  err(): Error | null { return this.#i >= this.#list.length ? this.#err : null; }
  warnings(): string[] { return this.#warnings; }
}

const S = (name: string, samples: [number, number][]): FakeSeries => new FakeSeries(Labels.fromStrings('__name__', name), samples);

function readAll(set: SeriesSet): [string, [number, number][]][] {
  const out: [string, [number, number][]][] = [];
  let it: SampleIterator | null = null;
  while (set.next()) {
    const s = set.at();
    it = s.iterator(it);
    out.push([s.labels.get('__name__'), drain(it)]);
  }
  return out;
}

void describe('merge series set', () => {
  void test('series of all sets in label order, equal labels chained', () => {
    const set = mergeSeriesSets([
      new FakeSet([S('a', [[1, 1]]), S('c', [[1, 1], [2, 2]])]),
      new FakeSet([S('b', [[5, 5]]), S('c', [[2, 2], [3, 3]])]),
      new FakeSet([]),
      new FakeSet([S('d', [[7, 7]])]),
    ]);
    assert.deepEqual(readAll(set), [['a', [[1, 1]]], ['b', [[5, 5]]], ['c', [[1, 1], [2, 2], [3, 3]]], ['d', [[7, 7]]]]);
    assert.equal(set.next(), false);
  });

  void test('a limit caps merged series', () => {
    const set = mergeSeriesSets([new FakeSet([S('a', []), S('c', [])]), new FakeSet([S('a', []), S('b', [])])], 2);
    assert.deepEqual(readAll(set).map((s) => s[0]), ['a', 'b']);
  });

  void test('errors and warnings of the inputs are the merged set\'s', () => {
    const boom = new Error('boom');
    const set = mergeSeriesSets([new FakeSet([S('a', [])], boom, ['w1']), new FakeSet([], null, ['w2', 'w1'])]);
    readAll(set);
    assert.equal(set.err(), boom);
    assert.deepEqual(set.warnings(), ['w1', 'w2']);
    assert.equal(mergeSeriesSets([]).next(), false);
  });
});

class FakeQuerier implements Querier {
  closed = false;
  readonly #series: Series[];
  readonly #fail: Error | null;
  readonly names: string[];
  constructor(series: Series[], names: string[], fail: Error | null = null) {
    this.#series = series;
    this.names = names;
    this.#fail = fail;
  }
  select(): Promise<SeriesSet> {
    return this.#fail !== null ? Promise.reject(this.#fail) : Promise.resolve(new FakeSet(this.#series, null, ['from fake']));
  }
  labelValues(): Promise<QueryResult<string[]>> {
    return this.#fail !== null ? Promise.reject(this.#fail) : Promise.resolve({ value: [...this.names], warnings: [] });
  }
  labelNames(): Promise<QueryResult<string[]>> {
    return this.labelValues();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

void describe('merge querier', () => {
  void test('label names and values are sorted unions, limited', async () => {
    const q = new MergeQuerier([new FakeQuerier([], ['a', 'c', 'e']), new FakeQuerier([], ['b', 'c', 'z'])]);
    assert.deepEqual((await q.labelValues('x', null, [])).value, ['a', 'b', 'c', 'e', 'z']);
    assert.deepEqual((await q.labelNames({ limit: 3 }, [])).value, ['a', 'b', 'c']);
  });

  void test('a failing primary fails the call; a failing secondary is a warning', async () => {
    const bad = new FakeQuerier([], [], new Error('remote down'));
    const q = new MergeQuerier([new FakeQuerier([S('a', [[1, 1]])], ['a'])], [bad]);
    const set = await q.select(false, null, []);
    assert.deepEqual(readAll(set), [['a', [[1, 1]]]]);
    assert.equal(set.err(), null);
    assert.deepEqual(set.warnings(), ['from fake', 'remote down']);
    const lv = await q.labelValues('x', null, []);
    assert.deepEqual(lv, { value: ['a'], warnings: ['remote down'] });
    const p = new MergeQuerier([new FakeQuerier([], ['a']), bad]);
    await assert.rejects(p.labelValues('job', null, []), /LabelValues\(\) from merge generic querier for label job: remote down/);
    await assert.rejects(p.select(true, null, []), /remote down/);
    await q.close();
    assert.ok(bad.closed);
  });

  void test('nothing to merge is a no-op querier; one primary is itself', () => {
    assert.ok(newMergeQuerier([]) instanceof NoopQuerier);
    const one = new FakeQuerier([], []);
    assert.equal(newMergeQuerier([one]), one);
    assert.ok(newMergeQuerier([one], [one]) instanceof MergeQuerier);
    assert.equal(new EmptySeriesSet().next(), false);
  });

  void test('byte-order string union', () => {
    assert.deepEqual(mergeStrings(['a', '\uffff'], ['b', '😀']), ['a', 'b', '\uffff', '😀']);
  });
});

/**
 * A storage for the contract suite: every sample is checked by (and kept in) a full memory
 * storage, and also spread over three shards by time, some samples twice; queries read only
 * the shards through a merge querier, so the suite exercises the merge with overlaps.
 */
class ShardedStorage implements Appendable, Queryable {
  readonly full = new MemoryStorage();
  readonly shards = [new MemoryStorage(), new MemoryStorage(), new MemoryStorage()];

  appender(): Appender {
    const full = this.full.appender();
    const shards = this.shards.map((s) => s.appender());
    const route = (t: number): number[] => {
      const k = Math.floor(t / 10) % 3;
      return t % 20 === 0 ? [k, (k + 1) % 3] : [k];
    };
    return {
      append(ref: SeriesRef, l: Labels, t: Millis, v: number): SeriesRef {
        const r = full.append(ref, l, t, v);
        for (const k of route(t)) shards[k]!.append(0, l, t, v);
        return r;
      },
      appendStale(ref: SeriesRef, l: Labels, t: Millis): SeriesRef {
        const r = full.appendStale(ref, l, t);
        for (const k of route(t)) shards[k]!.appendStale(0, l, t);
        return r;
      },
      appendHistogram(ref: SeriesRef, l: Labels, t: Millis, h: Histogram | null, fh: FloatHistogram | null): SeriesRef {
        const r = full.appendHistogram(ref, l, t, h, fh);
        for (const k of route(t)) shards[k]!.appendHistogram(0, l, t, h, fh);
        return r;
      },
      appendExemplar: (ref: SeriesRef, l: Labels, e: Exemplar): SeriesRef => full.appendExemplar(ref, l, e),
      updateMetadata: (ref: SeriesRef, l: Labels, m: Metadata): SeriesRef => full.updateMetadata(ref, l, m),
      async commit(): Promise<void> {
        await full.commit();
        for (const s of shards) await s.commit();
      },
      async rollback(): Promise<void> {
        await full.rollback();
        for (const s of shards) await s.rollback();
      },
    };
  }

  async querier(mint: Millis, maxt: Millis): Promise<Querier> {
    return new MergeQuerier(await Promise.all(this.shards.map((s) => s.querier(mint, maxt))));
  }
}

runAppendableQueryableContract('merge querier over shards', () => Promise.resolve(new ShardedStorage()));

void describe('merge querier over shards', () => {
  void test('samples spread over shards, some twice, read back once each in order', async () => {
    const st = new ShardedStorage();
    const app = st.appender();
    const l = Labels.fromStrings('__name__', 'x');
    for (let t = 0; t < 200; t += 5) app.append(0, l, ms(t), t);
    await app.commit();
    const q = await st.querier(ms(0), ms(1000));
    const got = readAll(await q.select(true, null, [new Matcher('=', '__name__', 'x')]));
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]![1], Array.from({ length: 40 }, (_, i) => [i * 5, i * 5]));
    const shardCounts = await Promise.all(st.shards.map(async (s) => {
      const sq = await s.querier(ms(0), ms(1000));
      const n = readAll(await sq.select(true, null, [new Matcher('=', '__name__', 'x')]))[0]?.[1].length ?? 0;
      await sq.close();
      return n;
    }));
    assert.ok(shardCounts.reduce((a, b) => a + b, 0) > 40, 'some samples are in two shards');
    await q.close();
  });
});
