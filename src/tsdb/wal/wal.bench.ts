/**
 * WAL hot paths, fixed seed: encoding a scrape's samples record, writing sample records
 * (none / snappy, write and fsync policies), replay (read + decode) in samples/s, and the
 * codecs (snappy both ways, CRC-32C) in MB/s with zlib's native deflate as a yardstick.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { bench, benchAsync, seededRandom } from '../../util/bench.js';
import { RecordDecoder, RecordEncoder, SampleBatch } from '../record/index.js';
import { SnappyBuffer, WalReader, Wlog, crc32c, deleteSegmentsBefore, snappyCompress, snappyDecompress, type CompressionType, type SyncPolicy } from './index.js';

const SAMPLES = 10_000; // one scrape of a 10k-series target
const rnd = seededRandom(7);
const base = new Float64Array(SAMPLES);
for (let i = 0; i < SAMPLES; i++) base[i] = Math.floor(rnd() * 1e6);

let t = 1_700_000_000_000;
function scrape(b: SampleBatch): void {
  b.reset();
  t += 15_000;
  // Mostly counters (integers), some gauges with a few decimals: what scrapes look like.
  for (let i = 0; i < SAMPLES; i++) b.push(i + 1, t, i % 4 === 0 ? Math.round(rnd() * 10000) / 100 : base[i]! + Math.floor(t / 15_000) % 1000);
}

const enc = new RecordEncoder();
const batch = new SampleBatch(SAMPLES);
scrape(batch);
const rec = enc.samples(batch).slice();
console.log(`samples record: ${SAMPLES} samples, ${rec.length} bytes (${(rec.length / SAMPLES).toFixed(1)} B/sample)`);

bench('record: encode samples (10k)', () => { enc.samples(batch); }, { unitsPerOp: SAMPLES, unit: 'samples' });
const dec = new RecordDecoder();
const out = new SampleBatch(SAMPLES);
bench('record: decode samples (10k)', () => { out.reset(); dec.samples(rec, out); }, { unitsPerOp: SAMPLES, unit: 'samples' });

const sbuf = new SnappyBuffer();
const dbuf = new SnappyBuffer();
const comp = snappyCompress(rec, sbuf).slice();
console.log(`snappy: ${rec.length} -> ${comp.length} bytes (${(100 * comp.length / rec.length).toFixed(1)}%), deflate-1: ${deflateRawSync(rec, { level: 1 }).length} bytes`);
const MB = rec.length / 1e6;
bench('snappy: compress samples record', () => { snappyCompress(rec, sbuf); }, { unitsPerOp: MB, unit: 'MB' });
bench('snappy: decompress samples record', () => { snappyDecompress(comp, dbuf); }, { unitsPerOp: MB, unit: 'MB' });
bench('zlib deflate level 1 (native, yardstick)', () => { deflateRawSync(rec, { level: 1 }); }, { unitsPerOp: MB, unit: 'MB' });
bench('crc32c', () => { crc32c(rec); }, { unitsPerOp: MB, unit: 'MB' });

async function writeBench(compression: CompressionType, sync: SyncPolicy, perLog: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'watchfire-wal-bench-'));
  const w = await Wlog.open(dir, { compression, sync, segmentSize: 8 << 20 });
  const recs = Array.from({ length: perLog }, () => rec);
  let n = 0;
  try {
    const r = await benchAsync(`wal: log ${perLog}x10k-sample record, ${compression}, ${sync}`, async () => {
      await w.log(recs);
      // Keep the disk footprint bounded: drop old segments now and then.
      if (++n % 64 === 0) await deleteSegmentsBefore(dir, w.lastSegmentAndOffset().segment);
    }, { unitsPerOp: perLog * SAMPLES, unit: 'samples' });
    const st = w.stats();
    console.log(`  ${(r.opsPerSec * perLog).toFixed(0)} records/s, ${(r.opsPerSec * perLog * rec.length / 1e6).toFixed(1)} MB/s of records (before compression); fsyncs ${st.fsyncs}, compression saved ${(100 * st.recordBytesSaved / (r.ops * perLog * rec.length)).toFixed(0)}%`);
  } finally {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function replayBench(compression: CompressionType): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'watchfire-wal-bench-'));
  const RECORDS = 200;
  const w = await Wlog.open(dir, { compression, sync: 'write', segmentSize: 32 << 20 });
  const b = new SampleBatch(SAMPLES);
  for (let i = 0; i < RECORDS; i++) { scrape(b); await w.log([enc.samples(b)]); }
  await w.close();
  const d = new RecordDecoder();
  const o = new SampleBatch(SAMPLES);
  try {
    await benchAsync(`wal: replay 200x10k samples, ${compression}`, async () => {
      const r = await WalReader.open({ dir });
      while (r.nextBuffered() || await r.next()) { o.reset(); d.samples(r.record(), o); }
      await r.close();
    }, { unitsPerOp: RECORDS * SAMPLES, unit: 'samples' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await writeBench('none', 'write', 1);
await writeBench('snappy', 'write', 1);
await writeBench('snappy', 'write', 10);
await writeBench('snappy', 'fsync', 1);
await replayBench('none');
await replayBench('snappy');
