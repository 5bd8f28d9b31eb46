/**
 * Head behaviour beyond the seam's contract: Prometheus's bounds (out of bounds behind the
 * min valid time, too old with an out-of-order window), chunk cutting (120 samples, chunk
 * range boundaries), full chunks leaving memory for chunks_head, truncation and garbage
 * collection, exemplars, metadata, deletion, stats and block input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CounterResetHint, Matcher } from '../../model/index.js';
import { AppendError, ValueType, type AppendErrorKind, type SampleIterator } from '../../storage/interface.js';
import { Registry } from '../../instrument/index.js';
import { Head, type HeadOptions } from './index.js';
import { Block, writeBlock } from '../block/index.js';
import { ALL, dump, L, ms, removeDir, tempDir, type Value } from './test-support.js';

async function withHead(opts: HeadOptions, body: (h: Head, dir: string) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  const h = await Head.open(dir, { walSync: 'write', ...opts });
  try {
    await body(h, dir);
  } finally {
    await h.close();
    await removeDir(dir);
  }
}

function kindOf(fn: () => unknown): AppendErrorKind | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof AppendError) return e.kind;
    throw e;
  }
}

const HOUR = 3600_000;

void test('bounds: out of bounds behind the min valid time and half a chunk range behind the newest sample', async () => {
  await withHead({ minValidTime: 1000 }, async (h) => {
    const a = h.appender();
    assert.equal(kindOf(() => a.append(0, L('__name__', 'x'), ms(999), 1)), 'out_of_bounds');
    a.append(0, L('__name__', 'x'), ms(5 * HOUR), 1);
    await a.commit();
    const b = h.appender();
    const cases: [number, AppendErrorKind | 'ok'][] = [
      [4 * HOUR - 1, 'out_of_bounds'], // more than chunkRange/2 behind the newest sample
      [4 * HOUR + 1, 'out_of_order'], // in bounds, older than the series' newest sample
      [5 * HOUR, 'ok'], // same value again
      [5 * HOUR + 1, 'ok'],
    ];
    for (const [t, want] of cases) assert.equal(kindOf(() => b.append(0, L('__name__', 'x'), ms(t), 1)), want, `t=${t}`);
    assert.equal(kindOf(() => b.append(0, L('__name__', 'new'), ms(4 * HOUR - 1), 1)), 'out_of_bounds', 'new series too');
    await b.commit();
    assert.equal(h.appendableMinValidTime(), 5 * HOUR + 1 - HOUR);
  });
});

void test('out-of-order window: older samples within it are accepted and merged; beyond it they are too old', async () => {
  await withHead({ outOfOrderTimeWindow: 10 * 60_000 }, async (h, dir) => {
    const l = L('__name__', 'ooo');
    const a = h.appender();
    for (let t = 0; t <= 20 * 60_000; t += 60_000) a.append(0, l, ms(t), t);
    await a.commit();
    const b = h.appender();
    assert.equal(kindOf(() => b.append(0, l, ms(9 * 60_000), 1)), 'too_old');
    for (const t of [15 * 60_000 + 1, 11 * 60_000 + 5, 19 * 60_000 + 7]) assert.equal(kindOf(() => b.append(0, l, ms(t), -t)), 'ok');
    await b.commit();
    const got = (await dump(h)).get('{__name__="ooo"}')!;
    assert.equal(got.length, 24);
    for (let i = 1; i < got.length; i++) assert.ok(got[i]![0] > got[i - 1]![0], 'merged in time order');
    assert.deepEqual(got.find(([t]) => t === 11 * 60_000 + 5), [11 * 60_000 + 5, -(11 * 60_000 + 5)]);
    assert.ok((await readdir(join(dir, 'wbl'))).length > 0, 'wbl written');
    const oooSrc = h.oooChunksForBlock(0, 20 * 60_000);
    const oooTimes: number[] = [];
    for await (const sr of oooSrc.series) for (const c of sr.chunks) { oooTimes.push(c.mint, c.maxt); assert.equal(c.chunk.numSamples(), 3); }
    assert.deepEqual(oooTimes, [11 * 60_000 + 5, 19 * 60_000 + 7], 'out-of-order samples as block input');
    // The out-of-order samples come back after a restart.
    await h.close();
    const h2 = await Head.open(dir, { walSync: 'write', outOfOrderTimeWindow: 10 * 60_000 });
    try {
      assert.deepEqual((await dump(h2)).get('{__name__="ooo"}'), got);
    } finally {
      await h2.close();
    }
  });
});

void test('chunks are cut at 120 samples and at chunk range boundaries; full chunks go to chunks_head', async () => {
  await withHead({ chunkRange: HOUR }, async (h, dir) => {
    const a = h.appender();
    let ref = 0;
    // 15 s apart: a chunk range of 1 h holds 240 samples, i.e. two chunks of 120.
    for (let i = 0; i < 480; i++) ref = a.append(ref, L('__name__', 'c'), ms(i * 15_000), i);
    await a.commit();
    const s = h.internals.series.get(ref)!;
    assert.equal(s.numChunks(), 4);
    const m = s.mm!;
    const metas: [number, number, number][] = [];
    for (let i = 0; i < s.mmLen; i += 4) metas.push([m[i + 1]!, m[i + 2]!, Math.floor(m[i + 3]! / 256)]);
    assert.deepEqual(metas, [[0, 1785_000, 120], [1800_000, 3585_000, 120], [3600_000, 5385_000, 120]]);
    assert.equal(s.chunk!.numSamples(), 120, 'only the open chunk is in memory');
    assert.equal(s.spill, null, 'no full chunk kept in memory');
    await h.flushChunks();
    assert.deepEqual(await readdir(join(dir, 'chunks_head')), ['000001']);
    const got = (await dump(h)).get('{__name__="c"}')!;
    assert.equal(got.length, 480);
    assert.deepEqual(got[479], [479 * 15_000, 479]);
    // Range reads pick the right chunks.
    const mid = (await dump(h, 1790_000, 1815_000)).get('{__name__="c"}');
    assert.deepEqual(mid, [[1800_000, 120], [1815_000, 121]]);
  });
});

void test('a sample every hour cuts a chunk per chunk range', async () => {
  await withHead({ chunkRange: 2 * HOUR }, async (h) => {
    const a = h.appender();
    let ref = 0;
    for (let i = 0; i < 7; i++) ref = a.append(ref, L('__name__', 'sparse'), ms(i * HOUR), i);
    await a.commit();
    const s = h.internals.series.get(ref)!;
    assert.equal(s.numChunks(), 4, 'chunks end at multiples of 2h: [0,1h] [2h,3h] [4h,5h] [6h]');
  });
});

void test('truncateMemory drops old chunks and empty series, retires their refs, and deletes chunks_head files', async () => {
  await withHead({ chunkRange: HOUR, headChunkFileSize: 16 * 1024 }, async (h, dir) => {
    const a = h.appender();
    const refs: number[] = [];
    for (let k = 0; k < 40; k++) {
      let ref = 0;
      const end = k < 20 ? 2 * HOUR : 4 * HOUR; // half the series stop after 2 h
      for (let t = 0; t < end; t += 15_000) ref = a.append(ref, L('__name__', 'tr', 'k', String(k)), ms(t), t);
      refs.push(ref);
    }
    await a.commit();
    await h.flushChunks();
    const before = (await readdir(join(dir, 'chunks_head'))).length;
    assert.ok(before > 2, `several chunk files (${before})`);
    const r = await h.truncateMemory(2 * HOUR);
    assert.equal(r?.seriesRemoved, 20);
    assert.equal(h.numSeries, 20);
    assert.equal(h.minTime, 2 * HOUR);
    assert.ok((await readdir(join(dir, 'chunks_head'))).length < before, 'old files deleted');
    const got = await dump(h);
    assert.equal(got.size, 20);
    for (const samples of got.values()) assert.equal(samples[0]![0], 2 * HOUR);
    // A retired ref is never handed out again; the labels get a new series.
    const b = h.appender();
    const nref = b.append(refs[0]!, L('__name__', 'tr', 'k', '0'), ms(4 * HOUR), 1);
    assert.ok(nref > Math.max(...refs));
    assert.equal(kindOf(() => b.append(0, L('__name__', 'tr', 'k', '1'), ms(2 * HOUR - 1), 1)), 'out_of_bounds');
    await b.commit();
  });
});

void test('exemplars: stored, deduplicated, ordered, queried by matchers', async () => {
  await withHead({ maxExemplars: 3 }, async (h) => {
    const l = L('__name__', 'ex');
    const a = h.appender();
    const ref = a.append(0, l, ms(10), 1);
    a.appendExemplar(ref, l, { labels: L('trace_id', 'a'), value: 1, ts: ms(10) });
    assert.equal(kindOf(() => a.appendExemplar(ref, l, { labels: L('trace_id', 'a'), value: 1, ts: ms(10) })), 'exemplar_duplicate');
    assert.equal(kindOf(() => a.appendExemplar(ref, l, { labels: L('trace_id', 'b'), value: 1, ts: ms(5) })), 'exemplar_out_of_order');
    assert.equal(kindOf(() => a.appendExemplar(ref, l, { labels: L('trace_id', 'x'.repeat(200)), value: 1, ts: ms(11) })), 'exemplar_invalid');
    for (let i = 0; i < 4; i++) a.appendExemplar(ref, l, { labels: L('trace_id', `t${i}`), value: i, ts: ms(20 + i) });
    await a.commit();
    const res = await h.exemplars(ms(0), ms(100), [[new Matcher('=', '__name__', 'ex')]]);
    assert.equal(res.length, 1);
    assert.deepEqual(res[0]!.exemplars.map((e) => e.ts), [21, 22, 23], 'the ring keeps the newest 3');
    assert.deepEqual(await h.exemplars(ms(0), ms(100), []), []);
  });
});

void test('exemplars: a new capacity keeps the newest that fit; 0 turns storage off', async () => {
  await withHead({ maxExemplars: 5 }, async (h) => {
    const l = L('__name__', 'ex'), m = L('__name__', 'ey');
    const a = h.appender();
    const r1 = a.append(0, l, ms(10), 1), r2 = a.append(0, m, ms(10), 1);
    for (let i = 0; i < 5; i++) a.appendExemplar(i % 2 === 0 ? r1 : r2, i % 2 === 0 ? l : m, { labels: L('trace_id', `t${i}`), value: i, ts: ms(20 + i) });
    await a.commit();
    const all = [[new Matcher('=~', '__name__', 'e.')]];
    const times = async (): Promise<number[]> => (await h.exemplars(ms(0), ms(100), all)).flatMap((r) => r.exemplars.map((e) => Number(e.ts))).sort((x, y) => x - y);
    assert.deepEqual(await times(), [20, 21, 22, 23, 24]);
    h.setMaxExemplars(3);
    assert.deepEqual(await times(), [22, 23, 24], 'shrunk: the oldest went');
    h.setMaxExemplars(10);
    assert.deepEqual(await times(), [22, 23, 24], 'grown: all kept');
    const b = h.appender();
    b.appendExemplar(r1, l, { labels: L('trace_id', 'n'), value: 9, ts: ms(30) });
    await b.commit();
    assert.deepEqual(await times(), [22, 23, 24, 30], 'appends go on after the resize');
    h.setMaxExemplars(0);
    assert.deepEqual(await times(), []);
  });
});

void test('delete hides samples (and survives a restart); stats and metadata', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, { walSync: 'write' });
    const a = h.appender();
    for (const job of ['a', 'b']) {
      let ref = 0;
      for (let t = 0; t < 100; t += 10) ref = a.append(ref, L('__name__', 'd', 'job', job), ms(t), t);
      a.updateMetadata(ref, L('__name__', 'd', 'job', job), { type: 'gauge', help: 'a gauge', unit: '' });
    }
    await a.commit();
    await h.delete(20, 50, [new Matcher('=', 'job', 'a')]);
    const want = [0, 10, 60, 70, 80, 90];
    assert.deepEqual((await dump(h)).get('{__name__="d", job="a"}')!.map(([t]) => t), want);
    await h.close();
    h = await Head.open(dir, { walSync: 'write' });
    assert.deepEqual((await dump(h)).get('{__name__="d", job="a"}')!.map(([t]) => t), want);
    assert.equal((await dump(h)).get('{__name__="d", job="b"}')!.length, 10);
    const st = h.stats();
    assert.equal(st.numSeries, 2);
    assert.equal(st.numLabelPairs, 3);
    assert.deepEqual(st.seriesCountByMetricName, [{ name: 'd', value: 2 }]);
    assert.deepEqual(st.labelValueCountByLabelName, [{ name: 'job', value: 2 }, { name: '__name__', value: 1 }]);
    assert.equal(st.minTime, 0);
    assert.equal(st.maxTime, 90);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('chunksForBlock: series in index order, chunks re-cut at the block boundary', async () => {
  await withHead({ chunkRange: HOUR }, async (h) => {
    const a = h.appender();
    for (const name of ['zz', 'aa', 'mm']) {
      let ref = 0;
      for (let t = 0; t < 2 * HOUR; t += 60_000) ref = a.append(ref, L('__name__', name), ms(t), t);
    }
    await a.commit();
    const src = h.chunksForBlock(0, HOUR + 30 * 60_000);
    assert.deepEqual(src.symbols, ['__name__', 'aa', 'mm', 'zz']);
    const names: string[] = [];
    for await (const s of src.series) {
      names.push(s.labels.get('__name__'));
      let n = 0;
      for (const c of s.chunks) {
        assert.ok(c.mint >= 0 && c.maxt < HOUR + 30 * 60_000, 'chunk inside the block');
        n += c.chunk.numSamples();
      }
      assert.equal(n, 90);
    }
    assert.deepEqual(names, ['aa', 'mm', 'zz']);
  });
});

void test('metrics are registered under Prometheus names', async () => {
  const reg = new Registry();
  await withHead({ registry: reg }, async (h) => {
    const a = h.appender();
    a.append(0, L('__name__', 'm'), ms(1000), 1);
    await a.commit();
    const text = reg.expose();
    for (const line of ['prometheus_tsdb_head_series 1', 'prometheus_tsdb_head_samples_appended_total{type="float"} 1', 'prometheus_tsdb_head_max_time 1000', 'prometheus_tsdb_wal_segment_current 0']) {
      assert.ok(text.includes(line), line);
    }
    assert.match(text, /prometheus_tsdb_wal_page_flushes_total \d+/);
  });
});

void test('a select sees the data committed before it, not what is appended after', async () => {
  await withHead({}, async (h) => {
    const l = L('__name__', 'snap');
    const a = h.appender();
    for (let t = 0; t < 50; t++) a.append(0, l, ms(t), t);
    await a.commit();
    const q = await h.querier(ms(0), ms(1000));
    const set = await q.select(false, null, ALL);
    const b = h.appender();
    for (let t = 50; t < 100; t++) b.append(0, l, ms(t), t);
    await b.commit();
    assert.ok(set.next());
    const it = set.at().iterator(null);
    let n = 0;
    while (it.next() !== ValueType.None) n++;
    assert.equal(n, 50);
    await q.close();
  });
});

void test('a block written from chunksForBlock holds exactly the head samples of its range, with deletions applied', async () => {
  await withHead({ chunkRange: HOUR }, async (h, dir) => {
    const a = h.appender();
    for (let k = 0; k < 30; k++) {
      let ref = 0;
      for (let t = 0; t < 3 * HOUR; t += 30_000) ref = a.append(ref, L('__name__', 'blk', 'k', String(k)), ms(t), t / 1000 + k);
    }
    a.appendHistogram(0, L('__name__', 'blk_hist'), ms(1000), {
      counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 1, count: 3, sum: 2,
      positiveSpans: [{ offset: 0, length: 2 }], negativeSpans: [], positiveBuckets: [1, 0], negativeBuckets: [], customValues: [],
    }, null);
    await a.commit();
    await h.delete(HOUR + 1000, HOUR + 120_000, [new Matcher('=', 'k', '4')]);
    const blockMax = 2 * HOUR;
    const written = await writeBlock(h.chunksForBlock(0, blockMax), { parentDir: dir, minTime: 0, maxTime: blockMax });
    assert.ok(written !== null);
    const b = await Block.open(written.dir);
    try {
      const got = new Map<string, [number, Value][]>();
      for (const s of await b.select([new Matcher('=~', '__name__', 'blk.*')], 0, blockMax - 1)) {
        const samples: [number, Value][] = [];
        let it: SampleIterator | null = null;
        for (const c of s.chunks) {
          it = (await b.chunks.chunk(c.ref)).iterator(it);
          for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
            samples.push([it.atT(), vt === ValueType.Float ? it.atF() : JSON.stringify(vt === ValueType.Histogram ? it.atHistogram() : it.atFloatHistogram())]);
          }
        }
        got.set(s.labels.toString(), samples);
      }
      const want = await dump(h, 0, blockMax - 1);
      assert.deepEqual(got, want);
      assert.equal(written.meta.stats.numSeries, 31);
      assert.equal(got.get('{__name__="blk", k="4"}')!.length, 240 - 4);
    } finally {
      await b.close();
    }
  });
});

void test('overlapping commits of two appenders: memory equals what a replay rebuilds', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, { walSync: 'write' });
    const l = L('__name__', 'race');
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      const a = h.appender();
      const b = h.appender();
      // Both append to the same series; b's samples lose the race when a commits later ones first.
      a.append(0, l, ms(i * 100 + 50), i);
      b.append(0, l, ms(i * 100 + 10), -i);
      b.appendHistogram(0, L('__name__', 'race_h'), ms(i * 100 + 10), {
        counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: i, count: i, sum: i,
        positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
      }, null);
      pending.push(a.commit(), b.commit());
    }
    await Promise.all(pending);
    const want = await dump(h);
    assert.equal(want.get('{__name__="race"}')!.length, 50, "a's later samples always commit first: b's are dropped");
    assert.equal(want.get('{__name__="race_h"}')!.length, 50);
    await h.close();
    h = await Head.open(dir, { walSync: 'write' });
    assert.deepEqual(await dump(h), want);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('rollback logs nothing; series only ever seen in rolled-back batches are collected', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, { walSync: 'write' });
    const a = h.appender();
    a.append(0, L('__name__', 'gone'), ms(10), 1);
    await a.rollback();
    const b = h.appender();
    b.append(0, L('__name__', 'kept'), ms(10), 1);
    b.append(0, L('__name__', 'kept'), ms(20), 2);
    await b.commit();
    assert.equal(h.internals.series.size, 2, 'the rolled-back series exists until collected');
    await h.truncateMemory(15);
    assert.equal(h.internals.series.size, 1);
    await h.close();
    h = await Head.open(dir, { walSync: 'write' });
    assert.deepEqual([...(await dump(h)).keys()], ['{__name__="kept"}']);
    assert.equal(h.internals.series.size, 1);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});
