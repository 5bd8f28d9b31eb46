import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { open, readdir, stat } from 'node:fs/promises';
import { CounterResetHint, Labels, type Histogram } from '../../model/index.js';
import {
  RecordDecoder, RecordEncoder, RecordType, SampleBatch,
  type RefExemplar, type RefHistogramSample, type RefMetadata, type RefSeries, type Tombstone,
} from '../record/index.js';
import { PAGE_SIZE, Wlog, checkpoint, checkpointDir, deleteCheckpoints, deleteSegmentsBefore, lastCheckpoint, openReplay, segmentName } from './index.js';
import { readAll, withTempDir } from './test-support.js';

const enc = new RecordEncoder();

const hist = (schema: number): Histogram => ({
  counterResetHint: CounterResetHint.Unknown, schema, zeroThreshold: 0, zeroCount: 0, count: 3, sum: 1,
  positiveSpans: [{ offset: 0, length: 1 }], negativeSpans: [], positiveBuckets: [3], negativeBuckets: [], customValues: schema === -53 ? [1] : [],
});

/** Segments 0..3: series 1..10 in 0; per segment, samples of every series at t = 10*seg .. 10*seg+9, and other records. */
async function writeWal(dir: string): Promise<void> {
  const w = await Wlog.open(dir, { compression: 'snappy', sync: 'write', segmentSize: 8 * PAGE_SIZE });
  const series: RefSeries[] = [];
  for (let r = 1; r <= 10; r++) series.push({ ref: r, labels: Labels.fromStrings('__name__', 'm', 'r', String(r)) });
  await w.log([enc.series(series)]);
  for (let seg = 0; seg < 4; seg++) {
    const b = new SampleBatch();
    for (let t = seg * 10; t < seg * 10 + 10; t++) for (let r = 1; r <= 10; r++) b.push(r, t, r * 100 + t);
    const hs: RefHistogramSample[] = [
      { ref: 2, t: seg * 10, st: 0, h: hist(0), stale: false },
      { ref: 4, t: seg * 10 + 9, st: 0, h: hist(-53), stale: false },
    ];
    const custom: RefHistogramSample[] = [];
    const exp = enc.histogramSamples(hs, custom).slice();
    await w.log([
      enc.samples(b).slice(),
      exp,
      enc.customBucketsHistogramSamples(custom).slice(),
      enc.tombstones([{ ref: 2, mint: 0, maxt: seg * 10 }, { ref: 3, mint: 0, maxt: 100 }]).slice(),
      enc.exemplars([{ ref: 2, t: seg * 10 + 5, v: 1, labels: Labels.fromStrings('trace_id', String(seg)) }]).slice(),
      enc.metadata([{ ref: 2, type: 'gauge', unit: '', help: `seg ${seg}` }, { ref: 3, type: 'counter', unit: '', help: 'odd' }]),
    ]);
    if (seg < 3) await w.nextSegment();
  }
  await w.close();
}

interface Content { series: number[]; samples: [number, number][]; hist: [number, number, number][]; tomb: Tombstone[]; ex: number[]; meta: RefMetadata[]; types: number[] }

async function content(...dirs: { dir: string; first?: number }[]): Promise<Content> {
  const dec = new RecordDecoder();
  const c: Content = { series: [], samples: [], hist: [], tomb: [], ex: [], meta: [], types: [] };
  const got = await readAll(...dirs);
  assert.equal(got.err, null);
  for (const rec of got.records) {
    c.types.push(rec[0]!);
    switch (dec.type(rec)) {
      case RecordType.Series: { const s: RefSeries[] = []; dec.series(rec, s); c.series.push(...s.map((x) => x.ref)); break; }
      case RecordType.Samples: { const b = new SampleBatch(); dec.samples(rec, b); for (let i = 0; i < b.length; i++) c.samples.push([b.ref[i]!, b.t[i]!]); break; }
      case RecordType.HistogramSamples:
      case RecordType.CustomBucketsHistogramSamples: { const h: RefHistogramSample[] = []; dec.histogramSamples(rec, h); c.hist.push(...h.map((x): [number, number, number] => [rec[0]!, x.ref, x.t])); break; }
      case RecordType.Tombstones: dec.tombstones(rec, c.tomb); break;
      case RecordType.Exemplars: { const e: RefExemplar[] = []; dec.exemplars(rec, e); c.ex.push(...e.map((x) => x.t)); break; }
      case RecordType.Metadata: dec.metadata(rec, c.meta); break;
      default: break;
    }
  }
  return c;
}

describe('checkpoints', () => {
  it('keep live series and recent data from the previous checkpoint and segments from..to', async () => {
    await withTempDir(async (dir) => {
      await writeWal(dir);
      const keep = (ref: number): boolean => ref % 2 === 0;
      const stats = await checkpoint(dir, 0, 2, keep, 15);
      assert.equal(stats.totalSeries, 10);
      assert.equal(stats.droppedSeries, 5);
      assert.equal(stats.totalSamples, 3 * 100 + 3 * 2);
      assert.equal(stats.droppedSamples, 150 + 3); // samples before 15, and histograms at 0, 9 and 10
      assert.deepEqual((await readdir(dir)).sort(), ['00000000', '00000001', '00000002', '00000003', 'checkpoint.00000002']);

      const cp = await content({ dir: checkpointDir(dir, 2) });
      assert.deepEqual(cp.series, [2, 4, 6, 8, 10]);
      assert.equal(cp.samples.length, 150);
      assert.ok(cp.samples.every(([, t]) => t >= 15));
      // Exponential and custom-bucket histograms stay in separate records.
      assert.deepEqual(cp.hist, [[RecordType.CustomBucketsHistogramSamples, 4, 19], [RecordType.HistogramSamples, 2, 20], [RecordType.CustomBucketsHistogramSamples, 4, 29]]);
      // Tombstones of kept series whose interval reaches mint; ref 3 is not kept.
      assert.deepEqual(cp.tomb, [{ ref: 2, mint: 0, maxt: 20 }]);
      assert.deepEqual(cp.ex, [15, 25]);
      // Only the latest metadata of kept series, written last.
      assert.deepEqual(cp.meta, [{ ref: 2, type: 'gauge', unit: '', help: 'seg 2' }]);
      assert.equal(cp.types[cp.types.length - 1], RecordType.Metadata);

      // Truncate as the head does, then replay: checkpoint first, then segment 3.
      await deleteSegmentsBefore(dir, 3);
      await deleteCheckpoints(dir, 2);
      const plan = await openReplay(dir);
      assert.equal(plan.checkpoint?.index, 2);
      assert.equal(plan.segments.first, 3);
      await plan.reader.close();
      const all = await content({ dir: checkpointDir(dir, 2) }, { dir, first: 3 });
      assert.equal(all.samples.length, 150 + 100);

      // The next checkpoint starts from this one.
      await checkpoint(dir, 3, 3, (ref) => ref === 2, 35);
      await deleteCheckpoints(dir, 3);
      assert.equal((await lastCheckpoint(dir))?.index, 3);
      const cp2 = await content({ dir: checkpointDir(dir, 3) });
      assert.deepEqual(cp2.series, [2]);
      // Samples are filtered by time only, as in Prometheus (a dropped series' samples are
      // harmless on replay: they refer to no series and are skipped).
      assert.ok(cp2.samples.every(([, t]) => t >= 35));
      assert.equal(cp2.samples.length, 50);
      assert.deepEqual((await readdir(dir)).sort(), ['00000003', 'checkpoint.00000003']);
    });
  });

  it('refuses a gap after the last checkpoint', async () => {
    await withTempDir(async (dir) => {
      await writeWal(dir);
      await checkpoint(dir, 0, 0, () => true, 0);
      await assert.rejects(checkpoint(dir, 3, 3, () => true, 0), /unexpected gap to last checkpoint. expected:1, requested:3/);
    });
  });

  it('fails on a damaged segment and leaves no temporary directory', async () => {
    await withTempDir(async (dir) => {
      await writeWal(dir);
      const fh = await open(segmentName(dir, 1), 'r+');
      await fh.write(Buffer.from([0xff, 0xff]), 0, 2, 20);
      await fh.close();
      await assert.rejects(checkpoint(dir, 0, 2, () => true, 0), /read segments: corruption in segment .*00000001 at 0/);
      assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('checkpoint')), []);
      assert.ok((await stat(segmentName(dir, 1))).size > 0);
    });
  });
});
