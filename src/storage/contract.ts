/**
 * The contract of the storage seams (`Appendable` + `Queryable`), as node:test tests that
 * any implementation registers with `runAppendableQueryableContract(name, make)`: the memory
 * storage does, and the TSDB runs the same suite. Every test gets a fresh storage from
 * `make` and closes it afterwards.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint } from '../model/index.js';
import { AppendError, ValueType } from './interface.js';
import {
  appendAll, floatHistogram, intHistogram, L, labelsOf, M, ms, read, readAt, readIterator, throwsAppend,
  type ContractStorage,
} from './contract-helpers.js';
import { runSelectContract } from './contract-select.js';

export type { ContractStorage } from './contract-helpers.js';

export interface ContractOptions {
  /**
   * Storages that keep histograms in Prometheus's chunk encodings read samples after the first
   * of a chunk back with the hint NotCounterReset, as Prometheus does; compare histograms
   * without their counter reset hint then.
   */
  ignoreCounterResetHints?: boolean;
}

export function runAppendableQueryableContract(name: string, make: () => Promise<ContractStorage>, opts: ContractOptions = {}): void {
  const withStorage = async (body: (st: ContractStorage) => Promise<void>): Promise<void> => {
    const st = await make();
    try {
      await body(st);
    } finally {
      await st.close?.();
    }
  };

  void describe(`${name}: storage contract: appending`, () => {
    void test('a batch is invisible until commit, then visible in full', async () => {
      await withStorage(async (st) => {
        const app = st.appender();
        app.append(0, L('__name__', 'm', 'a', '1'), ms(10), 1);
        app.append(0, L('__name__', 'm', 'a', '2'), ms(10), 2);
        assert.deepEqual(await read(st, [M('__name__', '=', 'm')]), []);
        const q = await st.querier(ms(0), ms(100));
        assert.deepEqual((await q.labelValues('a', null, [])).value, []);
        await q.close();
        await app.commit();
        assert.deepEqual(await read(st, [M('__name__', '=', 'm')]), [
          { labels: '{__name__="m", a="1"}', samples: [[10, 1]] },
          { labels: '{__name__="m", a="2"}', samples: [[10, 2]] },
        ]);
      });
    });

    void test('rollback drops the batch; the storage stays usable', async () => {
      await withStorage(async (st) => {
        const l = L('__name__', 'r');
        const app = st.appender();
        const ref = app.append(0, l, ms(10), 1);
        app.appendStale(ref, l, ms(20));
        app.append(0, L('__name__', 'r2'), ms(10), 1);
        await app.rollback();
        assert.deepEqual(await read(st, [M('__name__', '=~', 'r.*')]), []);
        const app2 = st.appender();
        app2.append(ref, l, ms(5), 7); // earlier than the rolled-back samples: fine
        await app2.commit();
        assert.deepEqual(await read(st, [M('__name__', '=~', 'r.*')]), [{ labels: '{__name__="r"}', samples: [[5, 7]] }]);
      });
    });

    void test('out-of-order and duplicate samples are rejected against committed data; the appender carries on', async () => {
      await withStorage(async (st) => {
        const l = L('__name__', 'o');
        await appendAll(st, [{ labels: l, samples: [[100, 1]] }]);
        const app = st.appender();
        throwsAppend(() => app.append(0, l, ms(50), 1), 'out_of_order', 'older sample');
        throwsAppend(() => app.append(0, l, ms(100), 2), 'duplicate_sample', 'same time, other value');
        throwsAppend(() => app.appendStale(0, l, ms(100)), 'duplicate_sample', 'stale marker over a value');
        assert.ok(app.append(0, l, ms(100), 1) > 0, 'same time and value is accepted silently');
        app.append(0, l, ms(200), 2);
        await app.commit();
        assert.deepEqual(await read(st, [M('__name__', '=', 'o')]), [{ labels: '{__name__="o"}', samples: [[100, 1], [200, 2]] }]);
      });
    });

    void test('append rules apply within one batch too', async () => {
      await withStorage(async (st) => {
        const l = L('__name__', 'b');
        const app = st.appender();
        const ref = app.append(0, l, ms(10), 1);
        throwsAppend(() => app.append(ref, l, ms(5), 1), 'out_of_order', 'older than the batch');
        throwsAppend(() => app.append(ref, l, ms(10), 2), 'duplicate_sample', 'duplicate in batch');
        app.append(ref, l, ms(10), 1);
        app.append(ref, l, ms(20), NaN);
        app.append(ref, l, ms(20), NaN); // NaN repeats NaN
        app.appendStale(ref, l, ms(30));
        app.appendStale(ref, l, ms(30)); // a stale marker repeats a stale marker
        throwsAppend(() => app.append(ref, l, ms(30), NaN), 'duplicate_sample', 'NaN over a stale marker');
        await app.commit();
        assert.deepEqual(await read(st, [M('__name__', '=', 'b')]), [{ labels: '{__name__="b"}', samples: [[10, 1], [20, NaN], [30, 'stale']] }]);
      });
    });

    void test('timestamps must be safe integers', async () => {
      await withStorage(async (st) => {
        const app = st.appender();
        const l = L('__name__', 't');
        for (const t of [1.5, NaN, Infinity, -Infinity, 2 ** 53]) {
          throwsAppend(() => app.append(0, l, ms(t), 1), 'invalid_sample', `t=${t}`);
        }
        app.append(0, l, ms(0), 1);
        await app.commit();
        assert.deepEqual(await read(st, [M('__name__', '=', 't')]), [{ labels: '{__name__="t"}', samples: [[0, 1]] }]);
      });
    });

    void test('a stale marker reads as NaN flagged stale; a plain NaN is not stale', async () => {
      await withStorage(async (st) => {
        const l = L('__name__', 's');
        const app = st.appender();
        let ref = app.append(0, l, ms(10), NaN);
        ref = app.appendStale(ref, l, ms(20));
        app.append(ref, l, ms(30), 3);
        await app.commit();
        const q = await st.querier(ms(0), ms(100));
        const set = await q.select(false, null, [M('__name__', '=', 's')]);
        assert.ok(set.next());
        const it = set.at().iterator(null);
        const expect: [number, boolean, number][] = [[10, false, NaN], [20, true, NaN], [30, false, 3]];
        for (const [t, stale, v] of expect) {
          assert.equal(it.next(), ValueType.Float);
          assert.equal(it.atT(), t);
          assert.equal(it.atStale(), stale);
          assert.ok(Object.is(it.atF(), v));
        }
        assert.equal(it.next(), ValueType.None);
        await q.close();
      });
    });

    void test('native histograms, integer and float, are stored and read back; a series may change kind over time', async () => {
      await withStorage(async (st) => {
        const l = L('__name__', 'h');
        const app = st.appender();
        let ref = app.append(0, l, ms(10), 1);
        ref = app.appendHistogram(ref, l, ms(20), intHistogram(1), null);
        ref = app.appendHistogram(ref, l, ms(30), intHistogram(2), null);
        app.appendHistogram(ref, l, ms(30), intHistogram(2), null); // equal repeat: silent
        throwsAppend(() => app.appendHistogram(ref, l, ms(30), intHistogram(3), null), 'duplicate_sample', 'other histogram');
        ref = app.appendHistogram(ref, l, ms(40), null, floatHistogram(1));
        await app.commit();
        const [s] = await read(st, [M('__name__', '=', 'h')]);
        if (opts.ignoreCounterResetHints === true) {
          for (const [, v] of s?.samples ?? []) {
            if (typeof v === 'object' && 'h' in v) v.h.counterResetHint = CounterResetHint.Unknown;
            if (typeof v === 'object' && 'fh' in v) v.fh.counterResetHint = CounterResetHint.Unknown;
          }
        }
        assert.deepEqual(s?.samples, [[10, 1], [20, { h: intHistogram(1) }], [30, { h: intHistogram(2) }], [40, { fh: floatHistogram(1) }]]);

        const q = await st.querier(ms(0), ms(100));
        const set = await q.select(false, null, [M('__name__', '=', 'h')]);
        assert.ok(set.next());
        const it = set.at().iterator(null);
        assert.equal(it.seek(ms(20)), ValueType.Histogram);
        const fh = it.atFloatHistogram(); // an integer histogram reads as float too, with absolute counts
        assert.deepEqual([fh.count, fh.sum, fh.zeroCount, fh.positiveBuckets], [5, 10, 1, [1, 2, 1]]);
        await q.close();
      });
    });

    void test('invalid histograms are rejected', async () => {
      await withStorage(async (st) => {
        const l = L('__name__', 'hi');
        const app = st.appender();
        const bad = intHistogram(1);
        bad.positiveBuckets = [1, 1];
        throwsAppend(() => app.appendHistogram(0, l, ms(10), bad, null), 'histogram_invalid', 'spans and buckets disagree');
        const badCount = intHistogram(1);
        badCount.count = 4;
        throwsAppend(() => app.appendHistogram(0, l, ms(10), badCount, null), 'histogram_invalid', 'count below buckets');
        throwsAppend(() => app.appendHistogram(0, l, ms(10), null, null), 'histogram_invalid', 'no histogram');
        throwsAppend(() => app.appendHistogram(0, l, ms(10), intHistogram(1), floatHistogram(1)), 'histogram_invalid', 'both histograms');
        await app.commit();
        assert.deepEqual(await read(st, [M('__name__', '=', 'hi')]), []);
      });
    });

    void test('refs are stable per series, and labels win over a ref that names another series', async () => {
      await withStorage(async (st) => {
        const a = L('__name__', 'ref', 'x', 'a');
        const b = L('__name__', 'ref', 'x', 'b');
        const app = st.appender();
        const ra = app.append(0, a, ms(10), 1);
        const rb = app.append(0, b, ms(10), 2);
        assert.ok(ra > 0 && rb > 0 && ra !== rb);
        assert.equal(app.append(ra, a, ms(20), 1), ra);
        assert.equal(app.append(0, L('x', 'a', '__name__', 'ref'), ms(30), 1), ra, 'equal labels, new object, no ref');
        assert.equal(app.append(ra, b, ms(20), 2), rb, 'a ref of another series');
        assert.equal(app.append(987654321, b, ms(30), 2), rb, 'an unknown ref');
        await app.commit();
        const app2 = st.appender();
        assert.equal(app2.append(ra, a, ms(40), 1), ra, 'refs outlive their appender');
        assert.equal(app2.appendExemplar(ra, a, { labels: L('trace_id', 'abc'), value: 1, ts: ms(40) }), ra);
        assert.equal(app2.updateMetadata(rb, b, { type: 'gauge', help: 'h', unit: '' }), rb);
        await app2.commit();
        assert.deepEqual(await read(st, [M('__name__', '=', 'ref')]), [
          { labels: '{__name__="ref", x="a"}', samples: [[10, 1], [20, 1], [30, 1], [40, 1]] },
          { labels: '{__name__="ref", x="b"}', samples: [[10, 2], [20, 2], [30, 2]] },
        ]);
      });
    });

    void test('appenders are independent: one commits while another rolls back', async () => {
      await withStorage(async (st) => {
        const a = st.appender();
        const b = st.appender();
        a.append(0, L('__name__', 'ia'), ms(10), 1);
        b.append(0, L('__name__', 'ib'), ms(10), 1);
        await b.rollback();
        await a.commit();
        assert.deepEqual(await labelsOf(st, [M('__name__', '=~', 'i.')]), ['{__name__="ia"}']);
      });
    });

    void test('an AppendError names its kind and reads like Prometheus', async () => {
      await withStorage(async (st) => {
        const l = L('__name__', 'e');
        await appendAll(st, [{ labels: l, samples: [[10, 1]] }]);
        const app = st.appender();
        try {
          app.append(0, l, ms(5), 1);
          assert.fail('expected an error');
        } catch (e) {
          assert.ok(e instanceof AppendError);
          assert.equal(e.kind, 'out_of_order');
          assert.match(e.message, /out of order sample/);
        }
        await app.rollback();
      });
    });
  });

  runSelectContract(name, withStorage);

  void describe(`${name}: storage contract: iterators`, () => {
    void test('seek moves forward to the first sample at or after t, never backwards', async () => {
      await withStorage(async (st) => {
        await appendAll(st, [{ labels: L('__name__', 'k'), samples: [[10, 1], [20, 2], [30, 3], [40, 4]] }]);
        const q = await st.querier(ms(0), ms(100));
        const set = await q.select(false, null, [M('__name__', '=', 'k')]);
        assert.ok(set.next());
        const s = set.at();
        let it = s.iterator(null);
        assert.equal(it.seek(ms(0)), ValueType.Float, 'seek before the first move');
        assert.equal(it.atT(), 10);
        assert.equal(it.seek(ms(25)), ValueType.Float);
        assert.deepEqual(readAt(it, ValueType.Float), [30, 3]);
        assert.equal(it.seek(ms(15)), ValueType.Float, 'seek backwards stays');
        assert.equal(it.atT(), 30);
        assert.equal(it.seek(ms(30)), ValueType.Float, 'seek to the current time stays');
        assert.equal(it.atT(), 30);
        assert.equal(it.next(), ValueType.Float);
        assert.equal(it.atT(), 40);
        assert.equal(it.seek(ms(41)), ValueType.None);
        assert.equal(it.next(), ValueType.None);
        assert.equal(it.seek(ms(0)), ValueType.None, 'an exhausted iterator stays exhausted');
        it = s.iterator(null);
        assert.equal(it.seek(ms(40)), ValueType.Float);
        assert.equal(it.next(), ValueType.None);
        await q.close();
      });
    });

    void test('an iterator passed back is reset onto the new series', async () => {
      await withStorage(async (st) => {
        await appendAll(st, [
          { labels: L('__name__', 'u', 'i', '1'), samples: [[10, 1], [20, 2]] },
          { labels: L('__name__', 'u', 'i', '2'), samples: [[15, 5]] },
        ]);
        const q = await st.querier(ms(0), ms(100));
        const set = await q.select(true, null, [M('__name__', '=', 'u')]);
        assert.ok(set.next());
        const first = set.at();
        const it = first.iterator(null);
        assert.equal(it.next(), ValueType.Float); // partly consumed
        assert.ok(set.next());
        assert.deepEqual(readIterator(set.at().iterator(it)), [[15, 5]]);
        assert.deepEqual(readIterator(first.iterator(it)), [[10, 1], [20, 2]], 'a series can be read again');
        assert.equal(set.next(), false);
        await q.close();
      });
    });
  });
}
