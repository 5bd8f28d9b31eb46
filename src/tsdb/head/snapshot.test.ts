/**
 * Chunk snapshots (`memory-snapshot-on-shutdown`): a head closed with the feature writes
 * `chunk_snapshot.<segment>.<offset>` and a head opened with it starts from there, holding
 * exactly what the closed head held (floats, stale markers, histograms, exemplars,
 * tombstones); the WAL written after a snapshot is replayed on top of it; an unreadable or
 * outdated snapshot is dropped in favour of the WAL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CounterResetHint, Matcher, type FloatHistogram, type Histogram } from '../../model/index.js';
import { Registry } from '../../instrument/index.js';
import type { Logger } from '../../util/log.js';
import { Head, type HeadOptions } from './index.js';
import { chunkSnapshotDirName, lastChunkSnapshot } from './snapshot.js';
import { dump, L, ms, removeDir, rng, tempDir } from './test-support.js';

const MIN = 60_000;
const OPTS: HeadOptions = { chunkRange: 30 * MIN, walSync: 'write', maxExemplars: 1000 };
const SNAP: HeadOptions = { ...OPTS, enableMemorySnapshotOnShutdown: true };

function hist(i: number): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 1, zeroThreshold: 0.001, zeroCount: i, count: 4 * i, sum: 1.5 * i,
    positiveSpans: [{ offset: 0, length: 2 }], negativeSpans: [], positiveBuckets: [i, i], negativeBuckets: [], customValues: [],
  };
}

function fhist(i: number): FloatHistogram {
  return { ...hist(i), zeroCount: i + 0.5, count: 4 * i + 0.5, positiveBuckets: [i, i + 0.5] };
}

/** Floats with stale markers, an integer and a float histogram series, exemplars; minutes [from, from + minutes). */
async function fill(h: Head, seed: number, minutes: number, from = 0): Promise<void> {
  const r = rng(seed);
  for (let m = from; m < from + minutes; m++) {
    const a = h.appender();
    for (let k = 0; k < 20; k++) {
      const l = L('__name__', 'sn', 'k', String(k));
      const t = ms(m * MIN + k);
      if (r() < 0.05 && m > from) a.appendStale(0, l, t);
      else {
        const ref = a.append(0, l, t, Math.round(r() * 1000) / 10);
        if (k === 0 && m % 7 === 0) a.appendExemplar(ref, l, { labels: L('trace_id', `t${m}`), value: m, ts: t });
      }
    }
    a.appendHistogram(0, L('__name__', 'sn_hist'), ms(m * MIN), hist(m + 1), null);
    a.appendHistogram(0, L('__name__', 'sn_fhist'), ms(m * MIN), null, fhist(m + 1));
    await a.commit();
  }
}

const exemplarsOf = (h: Head): Promise<unknown> => h.exemplars(ms(0), ms(1e12), [[new Matcher('=', '__name__', 'sn')]]);

async function snapshots(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith('chunk_snapshot.')).sort();
}

void test('a head closed with snapshots on starts from its snapshot with identical data', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, SNAP);
    await fill(h, 1, 47);
    await h.delete(10 * MIN, 12 * MIN, [new Matcher('=', 'k', '3')]);
    const want = await dump(h);
    const ex = await exemplarsOf(h);
    await h.close();
    const names = await snapshots(dir);
    assert.equal(names.length, 1);
    const snap = await lastChunkSnapshot(dir);
    assert.ok(snap !== null);
    assert.equal(names[0], chunkSnapshotDirName(snap.index, snap.offset));
    assert.match(names[0], /^chunk_snapshot\.[0-9]{6}\.[0-9]{10}$/);

    h = await Head.open(dir, SNAP);
    const res = h.replayResult();
    assert.equal(res.snapshotSeries, 22);
    assert.equal(res.snapshotFailed, false);
    assert.equal(res.samples + res.histograms, 0, 'nothing came from the WAL');
    assert.deepEqual(await dump(h), want);
    assert.deepEqual(await exemplarsOf(h), ex);
    // Deleted data stays deleted: the tombstone came back with the snapshot.
    const deleted = await dump(h, 10 * MIN, 12 * MIN, [new Matcher('=', 'k', '3')]);
    assert.deepEqual([...deleted.values()], [[]]);

    // Appending carries on; the next snapshot replaces this one.
    await fill(h, 2, 40, 47);
    const want2 = await dump(h);
    await h.close();
    const names2 = await snapshots(dir);
    assert.equal(names2.length, 1);
    assert.notEqual(names2[0], names[0]);
    h = await Head.open(dir, SNAP);
    assert.deepEqual(await dump(h), want2);
    await h.close();
    // The WAL is still whole: a head without the feature replays it to the same data.
    h = await Head.open(dir, OPTS);
    assert.deepEqual(await dump(h), want2);
    assert.equal(h.replayResult().snapshotSeries, 0);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('the WAL written after a snapshot is replayed on top of it', async () => {
  const dir = await tempDir();
  const crashed = await tempDir();
  try {
    let h = await Head.open(dir, SNAP);
    await fill(h, 3, 50);
    await h.close();
    const [first] = await snapshots(dir);
    // Run on without the feature, long enough for the snapshot's open chunks to be cut and
    // written to chunks_head, and copy the directory while the head still runs (a crash).
    h = await Head.open(dir, OPTS);
    await fill(h, 4, 100, 50);
    await h.flushChunks();
    const want = await dump(h);
    await cp(dir, crashed, { recursive: true });
    await h.close();
    assert.deepEqual(await snapshots(crashed), [first]);

    h = await Head.open(crashed, SNAP);
    const res = h.replayResult();
    assert.equal(res.snapshotSeries, 22);
    assert.ok(res.samples > 0, 'samples after the snapshot came from the WAL');
    assert.deepEqual(await dump(h), want);
    await h.close();
  } finally {
    await removeDir(dir);
    await removeDir(crashed);
  }
});

void test('an unreadable snapshot is reported and counted, and the WAL rebuilds the head', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, SNAP);
    await fill(h, 5, 40);
    const want = await dump(h);
    await h.close();
    const [name] = await snapshots(dir);
    const seg = join(dir, name!, '00000000');
    const b = await readFile(seg);
    b[100] = b[100]! ^ 0xff;
    await writeFile(seg, b);

    const registry = new Registry();
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => { errors.push(m); }, with() { return logger; }, child() { return logger; } };
    h = await Head.open(dir, { ...SNAP, registry, logger: logger as unknown as Logger });
    assert.equal(h.replayResult().snapshotFailed, true);
    assert.equal(h.replayResult().snapshotSeries, 0);
    assert.ok(errors.includes('Failed to load chunk snapshot'), errors.join('; '));
    assert.match(registry.expose(), /^prometheus_tsdb_snapshot_replay_error_total 1$/m);
    assert.deepEqual(await dump(h), want);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('a snapshot newer than the WAL is deleted and not used', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, SNAP);
    await fill(h, 6, 20);
    const want = await dump(h);
    await h.close();
    const [name] = await snapshots(dir);
    await rename(join(dir, name!), join(dir, chunkSnapshotDirName(999, 0)));
    h = await Head.open(dir, SNAP);
    assert.equal(h.replayResult().snapshotSeries, 0);
    assert.equal(h.replayResult().snapshotFailed, false);
    assert.deepEqual(await dump(h), want);
    assert.deepEqual(await snapshots(dir), [], 'the outdated snapshot was removed');
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('without the feature no snapshot is written, and an existing one is left alone', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, OPTS);
    await fill(h, 7, 10);
    await h.close();
    assert.deepEqual(await snapshots(dir), []);
    h = await Head.open(dir, SNAP);
    await h.close();
    const names = await snapshots(dir);
    assert.equal(names.length, 1);
    h = await Head.open(dir, OPTS);
    await fill(h, 8, 5, 10);
    await h.close();
    assert.deepEqual(await snapshots(dir), names);
  } finally {
    await removeDir(dir);
  }
});

void test('a wrapped exemplar ring comes back from the snapshot in the same order', async () => {
  const dir = await tempDir();
  const small: HeadOptions = { ...SNAP, maxExemplars: 3 };
  try {
    let h = await Head.open(dir, small);
    await fill(h, 9, 60); // 8 exemplars (one minute had a stale marker) through a ring of 3
    const ex = await exemplarsOf(h);
    assert.equal((ex as { exemplars: unknown[] }[])[0]!.exemplars.length, 3);
    await h.close();
    h = await Head.open(dir, small);
    assert.equal(h.replayResult().samples, 0);
    assert.deepEqual(await exemplarsOf(h), ex);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('with a damaged chunks_head the snapshot is set aside and the WAL rebuilds the head', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, SNAP);
    await fill(h, 10, 90);
    const want = await dump(h);
    await h.close();
    assert.equal((await snapshots(dir)).length, 1);
    const f = join(dir, 'chunks_head', '000001');
    const b = await readFile(f);
    // Damage the last chunk's bytes: its CRC no longer matches.
    for (let i = b.length - 40; i < b.length - 32; i++) b[i] = b[i]! ^ 0x55;
    await writeFile(f, b);
    h = await Head.open(dir, SNAP);
    const res = h.replayResult();
    assert.equal(res.chunksHeadRepaired, true);
    assert.equal(res.snapshotSeries, 0, 'the snapshot was not used');
    assert.equal(res.series, 22, 'series counted once');
    assert.deepEqual(await dump(h), want);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('out-of-order data comes back beside the snapshot: m-mapped chunks and the WBL', async () => {
  const dir = await tempDir();
  const opts: HeadOptions = { ...SNAP, outOfOrderTimeWindow: 60 * MIN, outOfOrderCapMax: 4 };
  try {
    let h = await Head.open(dir, opts);
    const l = L('__name__', 'late');
    for (let m = 0; m <= 40; m += 2) { const a = h.appender(); a.append(0, l, ms(m * MIN), m); await a.commit(); }
    // Odd minutes out of order: some out-of-order chunks fill up and go to chunks_head, the rest stay in memory.
    for (let m = 39; m > 0; m -= 2) { const a = h.appender(); a.append(0, l, ms(m * MIN), m); await a.commit(); }
    const want = await dump(h);
    assert.equal(want.get(l.toString())!.length, 41);
    await h.close();
    h = await Head.open(dir, opts);
    assert.equal(h.replayResult().snapshotSeries, 1);
    assert.ok(h.replayResult().oooSamples > 0, 'the WBL gave back the in-memory out-of-order samples');
    assert.deepEqual(await dump(h), want);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});
