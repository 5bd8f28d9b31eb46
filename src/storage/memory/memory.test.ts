import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, Matcher, type MatchType } from '../../model/index.js';
import { seededRandom } from '../../util/bench.js';
import { runAppendableQueryableContract } from '../contract.js';
import { appendAll, L, labelsOf, M, ms, read, readSet, throwsAppend } from '../contract-helpers.js';
import { MemoryStorage } from './memory.js';

runAppendableQueryableContract('memory', () => Promise.resolve(new MemoryStorage()));

function steps(from: number, to: number, step: number): [number, number][] {
  const out: [number, number][] = [];
  for (let t = from; t <= to; t += step) out.push([t, t]);
  return out;
}

test('retention drops old samples, then series left empty, and bounds appends', async () => {
  const st = new MemoryStorage({ retentionMs: 100, gcIntervalMs: 0 });
  const a = L('__name__', 'a');
  const b = L('__name__', 'b');
  await appendAll(st, [{ labels: a, samples: steps(0, 300, 10) }, { labels: b, samples: steps(0, 50, 10) }]);
  assert.equal(st.stats().numSeries, 2);
  assert.deepEqual(st.gc(), { removedSeries: 1, removedSamples: 20 + 6 });
  assert.deepEqual((await read(st, [M('__name__', '=~', '.+')])).map((s) => [s.labels, s.samples.length, s.samples[0]?.[0]]), [['{__name__="a"}', 11, 200]]);
  const q = await st.querier(ms(0), ms(1000));
  assert.deepEqual((await q.labelValues('__name__', null, [])).value, ['a']);
  await q.close();
  const stats = st.stats();
  assert.deepEqual([stats.numSeries, stats.numSamples, stats.minTime, stats.maxTime], [1, 11, 200, 300]);
  const app = st.appender();
  throwsAppend(() => app.append(0, a, ms(199), 1), 'out_of_bounds', 'older than the retention window');
  throwsAppend(() => app.append(0, b, ms(150), 1), 'out_of_bounds', 'new series, too old');
  app.append(0, b, ms(250), 1);
  await app.commit();
  assert.deepEqual(await labelsOf(st, [M('__name__', '=~', '.+')]), ['{__name__="a"}', '{__name__="b"}']);
});

test('a collected series id is not reused at once, and a stale ref never reaches another series', async () => {
  const st = new MemoryStorage({ retentionMs: 10, gcIntervalMs: 0 });
  const old = L('__name__', 'old');
  let app = st.appender();
  const oldRef = app.append(0, old, ms(0), 1);
  await app.commit();
  await appendAll(st, [{ labels: L('__name__', 'keep'), samples: [[100, 1]] }]);
  assert.equal(st.gc().removedSeries, 1);
  app = st.appender();
  const fresh = app.append(0, L('__name__', 'new1'), ms(100), 1);
  assert.notEqual(fresh, oldRef, 'quarantined for one collection');
  await app.commit();
  st.gc();
  // Now the id may be reused; the old ref with other labels must not land there.
  app = st.appender();
  const reused = app.append(0, L('__name__', 'new2'), ms(100), 2);
  const back = app.append(oldRef, old, ms(100), 3);
  assert.notEqual(back, reused);
  await app.commit();
  assert.deepEqual(await read(st, [M('__name__', '=~', 'new2|old')]), [
    { labels: '{__name__="new2"}', samples: [[100, 2]] },
    { labels: '{__name__="old"}', samples: [[100, 3]] },
  ]);
});

test('collection spares series with pending appends and runs on commit when due', async () => {
  const st = new MemoryStorage({ gcIntervalMs: 1 });
  const l = L('__name__', 'p');
  const app = st.appender();
  app.append(0, l, ms(10), 1);
  st.gc();
  await app.commit();
  assert.deepEqual((await read(st, [M('__name__', '=', 'p')]))[0]?.samples, [[10, 1]]);
  // A rolled-back new series leaves an empty series behind; the next due commit collects it.
  const app2 = st.appender();
  app2.append(0, L('__name__', 'gone'), ms(10), 1);
  await app2.rollback();
  await new Promise((r) => setTimeout(r, 5));
  const app3 = st.appender();
  app3.append(0, l, ms(20), 2);
  await app3.commit();
  assert.equal(st.gc().removedSeries, 0, 'already collected by the commit');
});

test('selected series are snapshots: later commits and retention do not show through', async () => {
  const st = new MemoryStorage({ retentionMs: 50, gcIntervalMs: 0 });
  const l = L('__name__', 'snap');
  await appendAll(st, [{ labels: l, samples: steps(0, 40, 10) }]);
  const q = await st.querier(ms(0), ms(1000));
  const set = await q.select(true, null, [M('__name__', '=', 'snap')]);
  const more: [number, number][] = steps(50, 2000, 10);
  await appendAll(st, [{ labels: l, samples: more }]);
  st.gc();
  assert.deepEqual(readSet(set), [{ labels: '{__name__="snap"}', samples: steps(0, 40, 10) }]);
  await q.close();
});

test('compaction rewrites columns in place only when no snapshot holds them', async () => {
  for (const withSnapshot of [false, true]) {
    const st = new MemoryStorage({ retentionMs: 30, gcIntervalMs: 0 });
    const l = L('__name__', 'cmp');
    const m = [M('__name__', '=', 'cmp')];
    await appendAll(st, [{ labels: l, samples: steps(0, 70, 10) }]);
    const q = await st.querier(ms(0), ms(1000));
    const set = withSnapshot ? await q.select(true, null, m) : null;
    st.gc(); // keeps 40..70 and moves them to the front of the columns
    await appendAll(st, [{ labels: l, samples: steps(80, 110, 10) }]);
    if (set !== null) assert.deepEqual(readSet(set), [{ labels: '{__name__="cmp"}', samples: steps(0, 70, 10) }]);
    assert.deepEqual((await read(st, m))[0]?.samples, steps(40, 110, 10), `fresh read, snapshot=${withSnapshot}`);
    await q.close();
  }
});

test('a sample overtaken by another appender commit is dropped and counted', async () => {
  const st = new MemoryStorage();
  const l = L('__name__', 'c');
  const a = st.appender();
  const b = st.appender();
  a.append(0, l, ms(10), 1);
  b.append(0, l, ms(20), 2);
  await b.commit();
  await a.commit();
  assert.deepEqual((await read(st, [M('__name__', '=', 'c')]))[0]?.samples, [[20, 2]]);
  assert.equal(st.droppedAtCommit, 1);
});

test('exemplars live in a bounded ring, oldest overwritten first, with Prometheus append rules', async () => {
  const st = new MemoryStorage({ maxExemplars: 3 });
  const s1 = L('__name__', 'x', 'i', '1');
  const s2 = L('__name__', 'x', 'i', '2');
  const ex = (trace: string, value: number, ts: number): { labels: Labels; value: number; ts: ReturnType<typeof ms> } => ({ labels: L('trace_id', trace), value, ts: ms(ts) });
  let app = st.appender();
  app.appendExemplar(0, s1, ex('a', 1, 10));
  app.appendExemplar(0, s2, ex('b', 2, 10));
  app.appendExemplar(0, s1, ex('c', 3, 20));
  throwsAppend(() => app.appendExemplar(0, s1, ex('c', 3, 20)), 'exemplar_duplicate', 'same exemplar in the batch');
  throwsAppend(() => app.appendExemplar(0, s1, ex('d', 1, 15)), 'exemplar_out_of_order', 'older exemplar');
  throwsAppend(() => app.appendExemplar(0, s1, ex('e', 1, 20)), 'exemplar_out_of_order', 'same time, lower value');
  throwsAppend(() => app.appendExemplar(0, s1, { labels: L('trace_id', 'x'), value: 1, ts: undefined }), 'exemplar_invalid', 'no timestamp');
  throwsAppend(() => app.appendExemplar(0, s1, ex('t'.repeat(130), 1, 30)), 'exemplar_invalid', 'labels too long');
  await app.commit();
  const all = [[M('__name__', '=', 'x')]];
  const view = async (mint = 0, maxt = 1000): Promise<[string, string[]][]> =>
    (await st.exemplars(ms(mint), ms(maxt), all)).map((r) => [r.seriesLabels.get('i'), r.exemplars.map((e) => `${e.labels.get('trace_id')}@${e.ts}`)]);
  assert.deepEqual(await view(), [['1', ['a@10', 'c@20']], ['2', ['b@10']]]);
  assert.deepEqual(await view(15, 1000), [['1', ['c@20']]]);
  app = st.appender();
  throwsAppend(() => app.appendExemplar(0, s1, ex('c', 3, 20)), 'exemplar_duplicate', 'same as stored');
  app.appendExemplar(0, s2, ex('f', 5, 30));
  app.appendExemplar(0, s2, ex('g', 6, 40));
  await app.commit();
  // Capacity 3: a@10 and b@10 were overwritten.
  assert.deepEqual(await view(), [['1', ['c@20']], ['2', ['f@30', 'g@40']]]);
  assert.deepEqual((await st.exemplars(ms(0), ms(1000), [[M('i', '=', '2')], [M('i', '=', '9')]])).length, 1, 'matcher sets are ORed');
  assert.deepEqual(await st.exemplars(ms(0), ms(1000), []), []);
  app = st.appender();
  app.appendExemplar(0, s1, ex('h', 9, 50));
  await app.rollback();
  assert.deepEqual(await view(), [['1', ['c@20']], ['2', ['f@30', 'g@40']]]);
});

test('exemplars are dropped silently when disabled', async () => {
  const st = new MemoryStorage({ maxExemplars: 0 });
  const app = st.appender();
  assert.ok(app.appendExemplar(0, L('__name__', 'x'), { labels: L('t', '1'), value: 1, ts: ms(1) }) > 0);
  await app.commit();
  assert.deepEqual(await st.exemplars(ms(0), ms(10), [[M('__name__', '=', 'x')]]), []);
});

test('metadata keeps the latest per series, listed per metric name', async () => {
  const st = new MemoryStorage();
  const app = st.appender();
  const a = L('__name__', 'req_total', 'code', '200');
  const b = L('__name__', 'req_total', 'code', '500');
  const c = L('__name__', 'temp');
  for (const l of [a, b, c]) app.append(0, l, ms(10), 1);
  app.updateMetadata(0, a, { type: 'gauge', help: 'old', unit: '' });
  app.updateMetadata(0, a, { type: 'counter', help: 'Requests.', unit: '' });
  app.updateMetadata(0, b, { type: 'counter', help: 'Requests.', unit: '' });
  app.updateMetadata(0, c, { type: 'gauge', help: 'Temperature.', unit: 'celsius' });
  await app.commit();
  assert.deepEqual([...st.metadata()], [
    ['req_total', [{ type: 'counter', help: 'Requests.', unit: '' }]],
    ['temp', [{ type: 'gauge', help: 'Temperature.', unit: 'celsius' }]],
  ]);
  assert.deepEqual([...st.metadata('temp').keys()], ['temp']);
  assert.deepEqual([...st.metadata('', 1).keys()], ['req_total']);
});

test('stats report head-like numbers and cardinalities', async () => {
  const st = new MemoryStorage();
  await appendAll(st, [
    { labels: L('__name__', 'up', 'job', 'a'), samples: [[10, 1], [20, 1]] },
    { labels: L('__name__', 'up', 'job', 'b'), samples: [[15, 1]] },
    { labels: L('__name__', 'go', 'job', 'a'), samples: [[5, 1]] },
  ]);
  const s = st.stats(2);
  assert.deepEqual(
    [s.numSeries, s.numLabelPairs, s.numSamples, s.minTime, s.maxTime],
    [3, 4, 4, 5, 20],
  );
  assert.deepEqual(s.seriesCountByMetricName, [{ name: 'up', value: 2 }, { name: 'go', value: 1 }]);
  assert.deepEqual(s.labelValueCountByLabelName, [{ name: '__name__', value: 2 }, { name: 'job', value: 2 }]);
  assert.deepEqual(s.memoryInBytesByLabelName, [{ name: '__name__', value: 4 }, { name: 'job', value: 2 }]);
  assert.deepEqual(s.seriesCountByLabelValuePair, [{ name: '__name__=up', value: 2 }, { name: 'job=a', value: 2 }]);
  const empty = new MemoryStorage().stats();
  assert.deepEqual([empty.numSeries, empty.minTime, empty.maxTime], [0, null, null]);
});

test('index selects agree with a brute-force scan through churn and id reuse (seeded)', async () => {
  const rnd = seededRandom(42);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const st = new MemoryStorage({ retentionMs: 1, gcIntervalMs: 0 });
  const live = new Map<string, Labels>();
  const names = ['m1', 'm2', 'm3'];
  const vals = ['a', 'b', 'c', 'd', ''];
  let t = 1000;
  for (let round = 0; round < 6; round++) {
    t += 1000;
    // A fresh generation: some series continue, others are new; the rest age out.
    const gen: Labels[] = [];
    for (let i = 0; i < 60; i++) {
      const a: string[] = ['__name__', pick(names), 'id', String(Math.floor(rnd() * 100))];
      for (const n of ['x', 'y']) { const v = pick(vals); if (v !== '') a.push(n, v); }
      gen.push(Labels.fromStrings(...a));
    }
    await appendAll(st, gen.map((labels) => ({ labels, samples: [[t, 1]] })));
    st.gc();
    live.clear();
    for (const l of gen) live.set(l.key(), l);
    const types: MatchType[] = ['=', '!=', '=~', '!~'];
    for (let k = 0; k < 40; k++) {
      const ms2: Matcher[] = [new Matcher('=~', '__name__', pick(['m1', 'm2|m3', '.+']))];
      for (let j = Math.floor(rnd() * 3); j > 0; j--) {
        ms2.push(new Matcher(pick(types), pick(['x', 'y', 'id', 'zz']), pick(['a', 'b|c', '', 'a|', '.*', '1.*'])));
      }
      const want = [...live.values()].filter((l) => ms2.every((m) => m.matches(l.get(m.name)))).sort((x, y) => Labels.compare(x, y)).map((l) => l.toString());
      assert.deepEqual(await labelsOf(st, ms2), want, ms2.join(','));
    }
  }
});
