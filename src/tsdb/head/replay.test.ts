/**
 * Replay round trips: what a head holds equals what a reopened head rebuilds from chunks_head
 * and the WAL (floats, stale markers, histograms, exemplars, metadata, tombstones), also after
 * a checkpoint; a damaged WAL tail or chunks_head tail is repaired and the head carries on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CounterResetHint, Matcher, type Histogram } from '../../model/index.js';
import { Head, type HeadOptions } from './index.js';
import { dump, L, ms, removeDir, rng, tempDir } from './test-support.js';

const MIN = 60_000;

function hist(i: number): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 1, zeroThreshold: 0.001, zeroCount: i, count: 4 * i, sum: 1.5 * i,
    positiveSpans: [{ offset: 0, length: 2 }], negativeSpans: [], positiveBuckets: [i, i], negativeBuckets: [], customValues: [],
  };
}

/** Appends a seeded mix over `minutes` minutes: floats, stale markers, a histogram series, exemplars, metadata. */
async function fill(h: Head, seed: number, minutes: number, from = 0): Promise<void> {
  const r = rng(seed);
  for (let m = from; m < from + minutes; m++) {
    const a = h.appender();
    for (let k = 0; k < 20; k++) {
      const l = L('__name__', 'rt', 'k', String(k));
      const t = ms(m * MIN + k);
      if (r() < 0.05 && m > from) a.appendStale(0, l, t);
      else {
        const ref = a.append(0, l, t, Math.round(r() * 1000) / 10);
        if (k === 0 && m % 7 === 0) a.appendExemplar(ref, l, { labels: L('trace_id', `t${m}`), value: m, ts: t });
        if (m === from) a.updateMetadata(ref, l, { type: 'gauge', help: `series ${k}`, unit: '' });
      }
    }
    a.appendHistogram(0, L('__name__', 'rt_hist'), ms(m * MIN), hist(m + 1), null);
    await a.commit();
  }
}

async function reopenEquals(dir: string, opts: HeadOptions, want: Map<string, unknown>): Promise<Head> {
  const h = await Head.open(dir, { walSync: 'write', ...opts });
  assert.deepEqual(await dump(h), want);
  return h;
}

void test('write, close, reopen: identical data, exemplars and metadata', async () => {
  const dir = await tempDir();
  const opts: HeadOptions = { chunkRange: 30 * MIN, enableMetadataWalRecords: true };
  try {
    let h = await Head.open(dir, { walSync: 'write', ...opts });
    await fill(h, 1, 150);
    await h.delete(10 * MIN, 12 * MIN, [new Matcher('=', 'k', '3')]);
    const want = await dump(h);
    const ex = await h.exemplars(ms(0), ms(1e12), [[new Matcher('=', '__name__', 'rt')]]);
    assert.ok(ex.length > 0);
    await h.close();
    h = await reopenEquals(dir, opts, want);
    const res = h.replayResult();
    assert.ok(res.mmappedChunks > 0, 'chunks came from chunks_head');
    assert.ok(res.skippedSamples > 0, 'WAL samples covered by m-mapped chunks were skipped');
    assert.deepEqual(await h.exemplars(ms(0), ms(1e12), [[new Matcher('=', '__name__', 'rt')]]), ex);
    assert.deepEqual(h.metadata('rt').get('rt')?.length, 20);
    assert.equal(h.replayStatus().done, true);
    // Appending continues where the data ends; a third open sees it all.
    await fill(h, 2, 5, 150);
    const want2 = await dump(h);
    await h.close();
    h = await reopenEquals(dir, opts, want2);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('after truncation and a checkpoint, a reopened head holds what the truncated one held', async () => {
  const dir = await tempDir();
  const opts: HeadOptions = { chunkRange: 30 * MIN, walSegmentSize: 32 * 1024 };
  try {
    let h = await Head.open(dir, { walSync: 'write', ...opts });
    await fill(h, 3, 400);
    await h.truncateMemory(60 * MIN);
    await h.truncateWAL(60 * MIN);
    const names = await readdir(join(dir, 'wal'));
    assert.ok(names.some((n) => n.startsWith('checkpoint.')), `checkpoint written: ${names.join(' ')}`);
    const want = await dump(h);
    assert.equal([...want.values()][0]![0]![0] >= 60 * MIN, true);
    await h.close();
    h = await Head.open(dir, { walSync: 'write', ...opts, minValidTime: 60 * MIN });
    assert.deepEqual(await dump(h), want);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

async function lastSegment(walDir: string): Promise<string> {
  const segs = (await readdir(walDir)).filter((n) => /^\d{8}$/.test(n)).sort();
  return join(walDir, segs[segs.length - 1]!);
}

async function scribble(path: string, at: number, len: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.write(new Uint8Array(len).fill(0xa5), 0, len, at);
  } finally {
    await fh.close();
  }
}

void test('a damaged WAL tail is repaired: data before it stays, appends go on, later opens are clean', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, { walSync: 'write' });
    await fill(h, 4, 60);
    const before = await dump(h);
    await h.close();
    const seg = await lastSegment(join(dir, 'wal'));
    const bytes = await readFile(seg);
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    await scribble(seg, Math.floor(end * 0.9), 64);
    h = await Head.open(dir, { walSync: 'write' });
    assert.equal(h.replayResult().walRepaired, true);
    const after = await dump(h);
    // Every series holds a prefix of what it held.
    let lost = 0;
    for (const [k, samples] of before) {
      const got = after.get(k) ?? [];
      assert.deepEqual(got, samples.slice(0, got.length), k);
      lost += samples.length - got.length;
    }
    assert.ok(lost > 0 && lost < 400, `lost ${lost} samples at the damage`);
    await fill(h, 5, 3, 100);
    const want = await dump(h);
    await h.close();
    h = await Head.open(dir, { walSync: 'write' });
    assert.equal(h.replayResult().walRepaired, false);
    assert.deepEqual(await dump(h), want);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('a damaged chunks_head tail is repaired and its samples come back from the WAL', async () => {
  const dir = await tempDir();
  const opts: HeadOptions = { chunkRange: 20 * MIN };
  try {
    let h = await Head.open(dir, { walSync: 'write', ...opts });
    await fill(h, 6, 90);
    const want = await dump(h);
    await h.close();
    const f = join(dir, 'chunks_head', '000001');
    const size = (await stat(f)).size;
    await scribble(f, size - 40, 8);
    h = await Head.open(dir, { walSync: 'write', ...opts });
    assert.equal(h.replayResult().chunksHeadRepaired, true);
    assert.deepEqual(await dump(h), want);
    await h.close();
    h = await reopenEquals(dir, opts, want);
    assert.equal(h.replayResult().chunksHeadRepaired, false);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('replay reports progress per segment', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, { walSync: 'write', walSegmentSize: 32 * 1024 });
    await fill(h, 7, 400);
    await h.close();
    const segs = (await readdir(join(dir, 'wal'))).length;
    assert.ok(segs >= 3, `${segs} segments`);
    const seen = new Set<number>();
    h = await Head.open(dir, { walSync: 'write', onReplayProgress: (p) => { if (!p.done) seen.add(p.current); } });
    const st = h.replayStatus();
    assert.equal(st.min, 0);
    assert.equal(st.current, st.max);
    for (let i = 0; i < segs - 1; i++) assert.ok(seen.has(i), `progress for segment ${i}`);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('replay applies float samples series by series without reordering any series: type switches, a full queue, a duplicate series record', async () => {
  const dir = await tempDir();
  const opts: HeadOptions = { chunkRange: 120 * MIN };
  const SERIES = 300, ROUNDS = 300;
  try {
    let h = await Head.open(dir, { walSync: 'write', ...opts });
    // 90,000 float samples (more than the replay holds before a flush), commit by commit;
    // series 7 holds histograms for a while and floats again, series 9 goes stale and back.
    for (let k = 0; k < ROUNDS; k++) {
      const a = h.appender();
      for (let i = 0; i < SERIES; i++) {
        const l = L('__name__', 'q', 'i', String(i));
        const t = ms(k * 10_000);
        if (i === 7 && k >= 100 && k < 150) a.appendHistogram(0, l, t, hist(k), null);
        else if (i === 9 && k % 40 === 39) a.appendStale(0, l, t);
        else a.append(0, l, t, k * 1000 + i + 0.25);
      }
      await a.commit();
    }
    const want = await dump(h);
    await h.close();
    // Without chunks_head (as after losing it) the whole WAL is applied, type switches included.
    await rm(join(dir, 'chunks_head'), { recursive: true });
    // A duplicate series record for series 5 (another ref, as after a series was dropped and
    // recreated), samples under both refs, then more under the first.
    const { Wlog } = await import('../wal/index.js');
    const { RecordEncoder, SampleBatch } = await import('../record/index.js');
    const w = await Wlog.open(join(dir, 'wal'), { sync: 'write' });
    const enc = new RecordEncoder();
    const ref5 = 6; // series are created in order, refs from 1
    const t0 = ROUNDS * 10_000;
    const recs: Uint8Array[] = [enc.series([{ ref: 50_000, labels: L('__name__', 'q', 'i', '5') }]).slice()];
    const add = (pairs: [number, number, number][]): void => {
      const b = new SampleBatch(pairs.length);
      for (const [ref, t, v] of pairs) b.push(ref, t, v);
      recs.push(enc.samples(b).slice());
    };
    add([[ref5, t0, 1], [1, t0, 2]]);
    add([[50_000, t0 + 1, 3], [1, t0 + 1, 4]]);
    add([[ref5, t0 + 2, 5], [50_000, t0 + 2, 6], [ref5, t0 + 3, 7]]);
    await w.log(recs);
    await w.close();
    want.get('{__name__="q", i="5"}')!.push([t0, 1], [t0 + 1, 3], [t0 + 2, 5], [t0 + 3, 7]);
    want.get('{__name__="q", i="0"}')!.push([t0, 2], [t0 + 1, 4]);
    h = await reopenEquals(dir, opts, want);
    assert.ok(h.replayResult().samples >= SERIES * ROUNDS - 50, 'every float sample came from the WAL');
    await h.close();
  } finally {
    await removeDir(dir);
  }
});
