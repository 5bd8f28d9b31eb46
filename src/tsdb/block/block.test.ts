import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, asMillis } from '../../model/index.js';
import { XorChunk } from '../chunkenc/index.js';
import { collectSymbols, compareLabelsUtf8 } from '../index/index.js';
import { MemTombstones, writeTombstonesFile } from '../tombstones/index.js';
import {
  Block, encodeMeta, encodeULID, isValidULID, newULID, parseMeta,
  readMetaFile, ulidTime, writeBlock, type ChunkToWrite, type SelectOptions, type SeriesToWrite,
} from './index.js';

/** meta.json of a block written by promtool 2.42 (tsdb create-blocks-from). */
const PROMETHEUS_META = `{
\t"ulid": "01M8DNZ085Z39HKTRWHYESE5M7",
\t"minTime": 1795730400000,
\t"maxTime": 1795730430001,
\t"stats": {
\t\t"numSamples": 4,
\t\t"numSeries": 4,
\t\t"numChunks": 4
\t},
\t"compaction": {
\t\t"level": 1,
\t\t"sources": [
\t\t\t"01M8DNZ085Z39HKTRWHYESE5M7"
\t\t]
\t},
\t"version": 1
}`;

test('meta.json reads and writes byte for byte as Prometheus', () => {
  const m = parseMeta(PROMETHEUS_META);
  assert.equal(m.ulid, '01M8DNZ085Z39HKTRWHYESE5M7');
  assert.equal(m.stats.numSeries, 4);
  assert.deepEqual(m.compaction.sources, ['01M8DNZ085Z39HKTRWHYESE5M7']);
  assert.equal(encodeMeta(m), PROMETHEUS_META);
  const compacted = encodeMeta({
    ...m, stats: { ...m.stats, numFloatSamples: 4, numTombstones: 1 },
    compaction: { level: 2, sources: ['01M8DNZ085Z39HKTRWHYESE5M7'], deletable: true, parents: [{ ulid: '01M8DNZ085Z39HKTRWHYESE5M7', minTime: 1, maxTime: 2 }], failed: false, hints: ['from-out-of-order'] },
  });
  assert.deepEqual(JSON.parse(compacted), {
    ulid: m.ulid, minTime: m.minTime, maxTime: m.maxTime,
    stats: { numSamples: 4, numFloatSamples: 4, numSeries: 4, numChunks: 4, numTombstones: 1 },
    compaction: { level: 2, sources: [m.ulid], deletable: true, parents: [{ ulid: m.ulid, minTime: 1, maxTime: 2 }], hints: ['from-out-of-order'] },
    version: 1,
  });
  assert.equal(parseMeta(compacted).compaction.parents[0]?.maxTime, 2);
  // Unknown fields (Thanos's) are accepted.
  assert.equal(parseMeta(PROMETHEUS_META.replace('"version": 1', '"thanos": {"labels": {}},\n"version": 1')).version, 1);
  const bad: [string, RegExp][] = [
    [PROMETHEUS_META.replace('"version": 1', '"version": 2'), /unexpected meta file version 2/],
    [PROMETHEUS_META.replace('"ulid": "01M8', '"ulid": "xx'), /invalid ULID/],
    [PROMETHEUS_META.replace('1795730400000', '"soon"'), /minTime must be an integer/],
    ['{', /parse meta.json/],
  ];
  for (const [text, err] of bad) assert.throws(() => parseMeta(text), err);
});

test('ULIDs: encoding, validation and monotonic generation', () => {
  assert.equal(encodeULID(1469918176385, new Uint8Array(10)), '01ARYZ6S410000000000000000');
  assert.equal(ulidTime('01ARYZ6S41TSV4RRFFQ69G5FAV'), 1469918176385);
  assert.ok(isValidULID('01ARYZ6S41TSV4RRFFQ69G5FAV'));
  for (const s of ['01ARYZ6S41TSV4RRFFQ69G5FA', '81ARYZ6S41TSV4RRFFQ69G5FAV', '01ARYZ6S41TSV4RRFFQ69G5FAU']) assert.ok(!isValidULID(s), s);
  const ids: string[] = [];
  const now = Date.now();
  for (let i = 0; i < 1000; i++) ids.push(newULID(i < 500 ? now : now - 10));
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]!} < ${ids[i]!}`);
  assert.ok(ids.every(isValidULID));
  assert.equal(ulidTime(ids[999]!), now);
});

const STEP = 10_000;

function series(n: number, minTime: number): SeriesToWrite[] {
  const sets: Labels[] = [];
  for (let i = 0; i < n; i++) sets.push(Labels.fromStrings('__name__', 'm', 'i', String(i), 'odd', String(i % 2)));
  sets.sort(compareLabelsUtf8);
  return sets.map((labels) => {
    const chunks: ChunkToWrite[] = [];
    // Three chunks of 100 samples: [0, 990s], [1000s, 1990s], [2000s, 2990s].
    for (let c = 0; c < 3; c++) {
      const ch = XorChunk.empty();
      const app = ch.appender();
      for (let k = 0; k < 100; k++) app.append(asMillis(minTime + (c * 100 + k) * STEP), k);
      chunks.push({ mint: minTime + c * 100 * STEP, maxt: minTime + (c * 100 + 99) * STEP, chunk: ch, ref: 0 });
    }
    return { labels, chunks };
  });
}

const open = (dir: string): Promise<Block> => Block.open(dir);

test('written blocks select by matchers and time, honouring tombstones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-block-'));
  try {
    const s = series(20, 0);
    const w = await writeBlock({ symbols: collectSymbols(s.map((x) => x.labels)), series: s }, {
      parentDir: dir, minTime: 0, maxTime: 3_000_000
    });
    assert.ok(w !== null);
    assert.deepEqual(readdirSync(dir), [w.ulid]);
    assert.deepEqual(w.meta.stats, { numSamples: 6000, numFloatSamples: 6000, numHistogramSamples: 0, numSeries: 20, numChunks: 60, numTombstones: 0 });
    assert.deepEqual((await readMetaFile(w.dir)).meta, w.meta);

    let b = await open(w.dir);
    const odd = await b.select([new Matcher('=', 'odd', '1')], 0, 3_000_000);
    assert.equal(odd.length, 10);
    assert.ok(odd.every((x) => x.chunks.length === 3 && x.intervals.length === 0));
    const mid = await b.select([new Matcher('=~', 'i', '1.*')], 1_000_000, 1_500_000);
    assert.deepEqual(mid.map((x) => x.labels.get('i')), ['1', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19']);
    assert.ok(mid.every((x) => x.chunks.length === 1 && x.chunks[0]!.mint === 1_000_000));
    assert.deepEqual(mid[0]!.intervals, [{ mint: 1_500_001, maxt: 2 ** 63 }]);
    assert.equal((await b.select([new Matcher('=', 'odd', '1')], 1_000_000, 1_500_000, { limit: 3 })).length, 3);
    assert.deepEqual(await b.labelValues('i', [new Matcher('=', 'i', '7')]), ['7']);
    assert.deepEqual(await b.labelNames([new Matcher('=', 'i', '7')]), ['__name__', 'i', 'odd']);
    const chunk = await b.chunks.chunk(odd[0]!.chunks[2]!.ref);
    assert.equal(chunk.numSamples(), 100);
    const victim = odd[0]!;
    const other = odd[1]!;
    await b.close();

    // Tombstones: the middle chunk of one series wholly, the whole of another.
    const t = new MemTombstones();
    t.addInterval(victim.ref, { mint: 900_000, maxt: 2_000_000 });
    t.addInterval(other.ref, { mint: -(2 ** 63), maxt: 2 ** 63 });
    await writeTombstonesFile(w.dir, t);
    b = await open(w.dir);
    const after = await b.select([new Matcher('=', 'odd', '1')], 0, 3_000_000);
    assert.equal(after.length, 9);
    const v = after.find((x) => x.ref === victim.ref)!;
    assert.deepEqual(v.chunks.map((c) => c.mint), [0, 2_000_000]);
    assert.deepEqual(v.intervals, [{ mint: 900_000, maxt: 2_000_000 }]);

    // Deleting through the block: clamped to the data, merged with what is there, persisted.
    await b.delete(-1e15, 500_000, [new Matcher('=', 'i', victim.labels.get('i'))]);
    await b.delete(2_500_000, 1e15, [new Matcher('=', 'i', '2')]);
    assert.deepEqual(b.tombstones.get(victim.ref), [{ mint: 0, maxt: 500_000 }, { mint: 900_000, maxt: 2_000_000 }]);
    assert.equal(b.meta.stats.numTombstones, 4);
    await b.close();
    b = await open(w.dir);
    assert.equal(b.meta.stats.numTombstones, 4);
    const two = await b.select([new Matcher('=', 'i', '2')], 0, 3_000_000);
    assert.deepEqual(two[0]!.intervals, [{ mint: 2_500_000, maxt: 2_990_000 }]);
    assert.ok(b.overlaps(2_999_999, 5_000_000) && b.overlaps(-5, 0) && !b.overlaps(3_000_000, 4_000_000));
    // Streaming in batches gives the same series as select.
    const batches: string[] = [];
    for await (const batch of b.selectBatches([new Matcher('=~', 'i', '.+')], 0, 3_000_000)) for (const x of batch) batches.push(x.labels.toString());
    assert.equal(batches.length, 19);
    // In columns: the same series, chunk metas and intervals, for any range, limit and latest time.
    const cases: [number, number, SelectOptions][] = [
      [0, 3_000_000, {}], [1_000_000, 1_500_000, {}], [-5, 995_000, {}], [1_500_000, 2_995_000, { limit: 4 }],
      [0, 3_000_000, { latest: 1_999_999 }], [2_200_000, 2_400_000, { latest: 2_400_000 }], [3_000_001, 4_000_000, {}],
    ];
    for (const [mint, maxt, o] of cases) {
      const want: unknown[] = [];
      for await (const batch of b.selectBatches([new Matcher('=~', 'i', '.+')], mint, maxt, o)) {
        for (const x of batch) want.push({ ref: x.ref, labels: x.labels.toString(), chunks: x.chunks.map((c) => [c.ref, c.mint, c.maxt]), intervals: x.intervals });
      }
      const got: unknown[] = [];
      for await (const batch of b.selectColumns([new Matcher('=~', 'i', '.+')], mint, maxt, o)) {
        for (let k = 0; k < batch.refs.length; k++) {
          const chunks: number[][] = [];
          for (let c = batch.from[k]!; c < batch.from[k + 1]!; c++) chunks.push([batch.metas.ref[c]!, batch.metas.mint[c]!, batch.metas.maxt[c]!]);
          got.push({ ref: batch.refs[k], labels: batch.labels[k]!.toString(), chunks, intervals: batch.intervals[k] });
        }
      }
      assert.deepEqual(got, want, `[${mint}, ${maxt}] ${JSON.stringify(o)}`);
    }
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('block writes are atomic: nothing is left after an empty input, an abort or a failure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-block-'));
  try {
    const opts = { parentDir: dir, minTime: 0, maxTime: 3_000_000 };
    assert.equal(await writeBlock({ symbols: [], series: [] }, opts), null);
    assert.deepEqual(readdirSync(dir), []);

    const s = series(5, 0);
    const ac = new AbortController();
    function* slow(): Generator<SeriesToWrite> {
      yield s[0]!;
      ac.abort(new Error('stop'));
      yield s[1]!;
    }
    await assert.rejects(writeBlock({ symbols: collectSymbols(s.map((x) => x.labels)), series: slow() }, { ...opts, signal: ac.signal }), /stop/);
    assert.deepEqual(readdirSync(dir), []);

    // Out of order series: the index writer refuses, the temporary directory goes.
    await assert.rejects(writeBlock({ symbols: collectSymbols(s.map((x) => x.labels)), series: [s[1]!, s[0]!] }, opts), /out-of-order series/);
    assert.deepEqual(readdirSync(dir), []);

    const ok = await writeBlock({ symbols: collectSymbols(s.map((x) => x.labels)), series: s }, { ...opts, ulid: '01ARYZ6S41TSV4RRFFQ69G5FAV' });
    assert.equal(ok?.dir, join(dir, '01ARYZ6S41TSV4RRFFQ69G5FAV'));
    assert.ok(existsSync(join(ok.dir, 'chunks', '000001')));
    assert.equal(readFileSync(join(ok.dir, 'tombstones')).toString('hex'), '0130ba300100000000');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
