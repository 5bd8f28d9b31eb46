/**
 * The head rebuilt from a WAL follows Prometheus's replay rules; checked through the dump
 * that reads it, on WALs written with the WAL and record components.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CounterResetHint, Labels, type Histogram } from '../../model/index.js';
import { RecordEncoder, SampleBatch } from '../record/index.js';
import { Wlog } from '../wal/index.js';
import { dumpTSDB, replayWAL } from './index.js';

const ALL = "{__name__=~'(?s:.*)'}";
const MIN = -(2 ** 63), MAX = 2 ** 63;

/** `records` gets a fresh encoder per call (an encoder's output is a view of its buffer). */
async function withWAL(records: (enc: () => RecordEncoder) => Uint8Array[], fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wf-walhead-'));
  try {
    const w = await Wlog.open(join(dir, 'wal'), { sync: 'write' });
    for (const r of records(() => new RecordEncoder())) await w.log([r]);
    await w.close();
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function samples(...s: [ref: number, t: number, v: number, stale?: boolean][]): SampleBatch {
  const b = new SampleBatch();
  for (const [ref, t, v, stale] of s) b.push(ref, t, v, stale === true);
  return b;
}

async function dump(dir: string, match = [ALL], mint = MIN, maxt = MAX): Promise<string> {
  let s = '';
  await dumpTSDB({ dir, sandboxDirRoot: '', mint, maxt, match, format: 'prom' }, (x) => { s += x; });
  return s;
}

const hist = (count: number): Histogram => ({
  counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount: 1, count, sum: 2.5,
  positiveSpans: [{ offset: 0, length: 2 }], negativeSpans: [], positiveBuckets: [1, count - 2], negativeBuckets: [], customValues: [],
});

test('replay: duplicate series records, unknown refs, out-of-order samples, deletions', async () => {
  const a = Labels.fromStrings('__name__', 'a', 'i', '1');
  const b = Labels.fromStrings('__name__', 'b');
  await withWAL((enc) => [
    enc().series([{ ref: 5, labels: a }, { ref: 2, labels: b }]),
    enc().samples(samples([5, 100, 1], [2, 100, 7], [9, 100, 3])),
    // A second record for the same labels maps its ref onto the first series.
    enc().series([{ ref: 7, labels: a }]),
    enc().samples(samples([7, 200, 2], [5, 150, 9], [5, 200, 9], [5, 300, 3])),
    enc().samples(samples([2, 200, 8, true])),
    enc().tombstones([{ ref: 5, mint: 250, maxt: 260 }, { ref: 2, mint: MIN, maxt: MAX }]),
    enc().samples(samples([2, 300, 1])),
  ], async (dir) => {
    // b is deleted (all-time tombstone; its later sample has no series); a keeps 100, 200, 300.
    assert.equal(await dump(dir), '{__name__="a", i="1"} 1 100\n{__name__="a", i="1"} 2 200\n{__name__="a", i="1"} 3 300\n');
    const h = await replayWAL(dir, 150);
    assert.equal(h.series.length, 1);
    assert.deepEqual(h.tombstones.get(5), [{ mint: 250, maxt: 260 }]);
    assert.equal(h.minTime, 150);
    assert.equal(h.maxTime, 300);
    // Samples before the end of the last block are dropped.
    assert.equal(h.series[0]!.lastT, 300);
  });
});

test('replay: tombstones and time ranges apply at read time; stale floats after histograms', async () => {
  const a = Labels.fromStrings('__name__', 'a');
  const h = Labels.fromStrings('__name__', 'h');
  await withWAL((enc) => [
    enc().series([{ ref: 1, labels: a }, { ref: 2, labels: h }]),
    enc().samples(samples([1, 10, 1], [1, 20, 2], [1, 30, 3], [1, 40, 4])),
    enc().histogramSamples([{ ref: 2, t: 10, st: 0, h: hist(5), stale: false }, { ref: 2, t: 20, st: 0, h: hist(6), stale: false }], []),
    enc().samples(samples([2, 30, NaN, true])),
    enc().tombstones([{ ref: 1, mint: 15, maxt: 25 }]),
  ], async (dir) => {
    assert.equal(await dump(dir, ['{__name__="a"}']), '{__name__="a"} 1 10\n{__name__="a"} 3 30\n{__name__="a"} 4 40\n');
    assert.equal(await dump(dir, ['a'], 30, 35), '{__name__="a"} 3 30\n');
    assert.equal(await dump(dir, ['h']),
      '{__name__="h"} {count:5, sum:2.5, [-0.001,0.001]:1, (0.5,1]:1, (1,2]:4} 10\n'
      + '{__name__="h"} {count:6, sum:2.5, [-0.001,0.001]:1, (0.5,1]:1, (1,2]:5} 20\n'
      + '{__name__="h"} {count:0, sum:NaN} 30\n');
    let om = '';
    await dumpTSDB({ dir, sandboxDirRoot: '', mint: MIN, maxt: MAX, match: [ALL], format: 'openmetrics' }, (x) => { om += x; });
    // dump-openmetrics stops a series at its first sample that is not a float.
    assert.equal(om, 'a{} 1 0.010\na{} 3 0.030\na{} 4 0.040\n# EOF\n');
  });
});

test('no WAL directory: an empty head', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-walhead-'));
  try {
    assert.equal(await dump(dir), '');
    const h = await replayWAL(dir, MIN);
    assert.equal(h.series.length, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
