/**
 * Out-of-order data as Prometheus 3.x keeps it: native histograms (integer and float) within
 * the window like floats; out-of-order chunks written to chunks_head when full with WBL m-map
 * markers; the WBL replayed at start-up (only what the markers do not cover); out-of-order
 * compaction input and truncation after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CounterResetHint, type FloatHistogram, type Histogram } from '../../model/index.js';
import { AppendError } from '../../storage/interface.js';
import { RecordDecoder, RecordType, type RefMmapMarker } from '../record/index.js';
import { WalReader } from '../wal/index.js';
import { Head, type HeadOptions } from './index.js';
import { dump, L, ms, removeDir, tempDir } from './test-support.js';

const MIN = 60_000;

function hist(n: number): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount: n, count: 3 * n, sum: 2.5 * n,
    positiveSpans: [{ offset: 0, length: 2 }], negativeSpans: [], positiveBuckets: [n, 0], negativeBuckets: [], customValues: [],
  };
}

function fhist(n: number): FloatHistogram {
  return { ...hist(n), positiveBuckets: [n, n], count: 3 * n + 0.5 };
}

function kindOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof AppendError) return e.kind;
    throw e;
  }
}

/** Record types (and m-map markers) of a write log, in order. */
async function records(dir: string): Promise<{ types: number[]; markers: RefMmapMarker[] }> {
  const r = await WalReader.open({ dir });
  const dec = new RecordDecoder();
  const types: number[] = [];
  const markers: RefMmapMarker[] = [];
  try {
    while (r.nextBuffered() || await r.next()) {
      const rec = r.record();
      types.push(dec.type(rec));
      if (dec.type(rec) === RecordType.MmapMarkers) dec.mmapMarkers(rec, markers);
    }
  } finally {
    await r.close();
  }
  return { types, markers };
}

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(dir)) n += (await stat(join(dir, f))).size;
  return n;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  try {
    await fn(dir);
  } finally {
    await removeDir(dir);
  }
}

void test('native histograms out of order: accepted within the window, too old beyond, merged, in the WBL, back after a restart', async () => {
  await withDir(async (dir) => {
    const opts: HeadOptions = { walSync: 'write', outOfOrderTimeWindow: 10 * MIN };
    let h = await Head.open(dir, opts);
    const lh = L('__name__', 'h'), lf = L('__name__', 'fh');
    const a = h.appender();
    for (let m = 0; m <= 20; m += 2) {
      a.appendHistogram(0, lh, ms(m * MIN), hist(m + 1), null);
      a.appendHistogram(0, lf, ms(m * MIN), null, fhist(m + 1));
    }
    await a.commit();
    const b = h.appender();
    assert.equal(kindOf(() => b.appendHistogram(0, lh, ms(5 * MIN), hist(1), null)), 'too_old');
    for (const m of [15, 11, 19]) {
      assert.equal(kindOf(() => b.appendHistogram(0, lh, ms(m * MIN), hist(100 + m), null)), 'ok');
      assert.equal(kindOf(() => b.appendHistogram(0, lf, ms(m * MIN), null, fhist(100 + m))), 'ok');
    }
    await b.commit();
    const want = await dump(h);
    for (const k of ['{__name__="h"}', '{__name__="fh"}']) {
      const got = want.get(k)!;
      assert.deepEqual(got.map(([t]) => t / MIN), [0, 2, 4, 6, 8, 10, 11, 12, 14, 15, 16, 18, 19, 20], k);
      assert.ok(String(got[6]![1]).includes('"sum":277.5'), 'the out-of-order histogram itself');
    }
    const wbl = await records(join(dir, 'wbl'));
    assert.ok(wbl.types.includes(RecordType.HistogramSamples) && wbl.types.includes(RecordType.FloatHistogramSamples), `wbl records ${wbl.types.join(',')}`);
    assert.ok(wbl.types.includes(RecordType.MmapMarkers));
    // Block input of the out-of-order data holds the histograms.
    const kinds: number[] = [];
    for await (const sr of h.oooChunksForBlock(0, 21 * MIN).series) for (const c of sr.chunks) kinds.push(c.chunk.encoding, c.chunk.numSamples());
    assert.deepEqual(kinds.sort(), [2, 3, 3, 3].sort());
    await h.close();
    h = await Head.open(dir, opts);
    try {
      assert.deepEqual(await dump(h), want);
      assert.equal(h.replayResult().oooSamples, 6);
    } finally {
      await h.close();
    }
  });
});

void test('full out-of-order chunks go to chunks_head with m-map markers; the WBL replay adds only what they do not hold', async () => {
  await withDir(async (dir) => {
    const opts: HeadOptions = { walSync: 'write', outOfOrderTimeWindow: 60 * MIN, outOfOrderCapMax: 4 };
    let h = await Head.open(dir, opts);
    const l = L('__name__', 'x');
    const a = h.appender();
    a.append(0, l, ms(60 * MIN), 0);
    await a.commit();
    // 11 out-of-order samples, one commit each: chunks of 4 are written as they fill.
    for (let i = 0; i < 11; i++) {
      const b = h.appender();
      b.append(0, l, ms((10 + i) * MIN + 1), i);
      await b.commit();
    }
    const want = await dump(h);
    assert.equal(want.get('{__name__="x"}')!.length, 12);
    const { markers } = await records(join(dir, 'wbl'));
    assert.deepEqual(markers.map((m) => m.mmapRef === 0), [true, false, false], 'a zero marker for the first chunk, then the two chunks written');
    await h.close();
    const chunksBefore = await dirBytes(join(dir, 'chunks_head'));
    h = await Head.open(dir, opts);
    try {
      assert.deepEqual(await dump(h), want);
      const r = h.replayResult();
      assert.equal(r.oooSamples, 11, 'every WBL sample went into the open chunk, which each marker emptied');
      assert.ok(r.mmappedChunks >= 2, 'the out-of-order chunks came from chunks_head');
      await h.flushChunks();
      assert.equal(await dirBytes(join(dir, 'chunks_head')), chunksBefore, 'the replay wrote no chunk again');
    } finally {
      await h.close();
    }
  });
});

void test('out-of-order compaction: the written chunks are its input, then leave the head with the WBL segments before it', async () => {
  await withDir(async (dir) => {
    const opts: HeadOptions = { walSync: 'write', outOfOrderTimeWindow: 60 * MIN, outOfOrderCapMax: 4 };
    const h = await Head.open(dir, opts);
    try {
      const l = L('__name__', 'y');
      const a = h.appender();
      a.append(0, l, ms(60 * MIN), 0);
      await a.commit();
      const b = h.appender();
      for (let i = 0; i < 6; i++) b.append(0, l, ms((10 + i) * MIN), i);
      await b.commit();
      const c = await h.prepareOOOCompaction();
      assert.ok(c !== null);
      assert.equal(c.mint, 10 * MIN);
      assert.equal(c.maxt, 15 * MIN);
      // Samples after the compaction started are not its input and stay.
      const d = h.appender();
      d.append(0, l, ms(20 * MIN), 99);
      await d.commit();
      let n = 0;
      for await (const sr of h.oooChunksForBlock(0, 120 * MIN, c).series) for (const ch of sr.chunks) n += ch.chunk.numSamples();
      assert.equal(n, 6);
      await h.truncateOOO(c);
      const got = (await dump(h)).get('{__name__="y"}')!;
      assert.deepEqual(got.map(([t]) => t / MIN), [20, 60], 'the compacted out-of-order samples left the head');
      assert.deepEqual(await readdir(join(dir, 'wbl')), ['00000001'], 'WBL segments before the compaction went');
    } finally {
      await h.close();
    }
  });
});

void test('the out-of-order window set at run time (a reload): the WBL starts, out-of-order samples are kept and come back after a restart', async () => {
  const dir = await tempDir();
  try {
    let h = await Head.open(dir, { walSync: 'write' });
    const l = L('__name__', 'late');
    const put = async (m: number): Promise<string> => {
      const a = h.appender();
      const k = kindOf(() => a.append(0, l, ms(m * MIN), m));
      await a.commit();
      return k;
    };
    assert.equal(await put(10), 'ok');
    assert.equal(await put(5), 'out_of_order', 'no window: rejected');
    assert.deepEqual(await readdir(dir).then((d) => d.includes('wbl')), false);
    await h.setOutOfOrderTimeWindow(30 * MIN);
    assert.ok((await readdir(dir)).includes('wbl'), 'the WBL started');
    assert.equal(await put(6), 'ok', 'within the window now');
    assert.equal(await put(-30), 'too_old', 'beyond it');
    const want = await dump(h);
    assert.deepEqual(want.get(l.toString())!.map(([t]) => t / MIN), [6, 10]);
    await h.setOutOfOrderTimeWindow(0);
    assert.equal(await put(7), 'out_of_order', 'window back to 0: rejected again');
    await h.close();
    // The out-of-order sample is in the WBL, replayed without any window set at open.
    h = await Head.open(dir, { walSync: 'write' });
    assert.deepEqual(await dump(h), want);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});

void test('an append that asks for ordered samples (start timestamp synthesis) is out of order within the window too', async () => {
  await withDir(async (dir) => {
    const h = await Head.open(dir, { walSync: 'write', outOfOrderTimeWindow: 10 * MIN });
    try {
      const l = L('__name__', 'c_total'), lh = L('__name__', 'h');
      const a = h.appender();
      a.append(0, l, ms(10 * MIN), 5, ms(MIN), true);
      a.appendHistogram(0, lh, ms(10 * MIN), hist(2), null, ms(MIN), true);
      await a.commit();
      const b = h.appender();
      assert.equal(kindOf(() => b.append(0, l, ms(9 * MIN), 4, ms(MIN), true)), 'out_of_order');
      assert.equal(kindOf(() => b.appendHistogram(0, lh, ms(9 * MIN), hist(1), null, ms(MIN), true)), 'out_of_order');
      assert.equal(kindOf(() => b.append(0, l, ms(9 * MIN), 4)), 'ok', 'without the flag the window takes it');
      assert.equal(kindOf(() => b.append(0, l, ms(11 * MIN), 6, ms(MIN), true)), 'ok', 'in order is fine');
      await b.commit();
    } finally {
      await h.close();
    }
  });
});
