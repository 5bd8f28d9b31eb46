import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { HEADER_SIZE, PAGE_SIZE, Wlog, crc32c, segmentName, type CompressionType } from './index.js';
import { makeRecord, readAll, sameBytes, withTempDir } from './test-support.js';

const FULL_PAGE = PAGE_SIZE - HEADER_SIZE; // a record that fills a page exactly

async function roundTrip(sizes: number[], opts: { segmentPages?: number; compression?: CompressionType; batch?: number } = {}): Promise<{ dir: string; files: string[] }> {
  return withTempDir(async (dir) => {
    const w = await Wlog.open(dir, { segmentSize: (opts.segmentPages ?? 4) * PAGE_SIZE, compression: opts.compression ?? 'none', sync: 'write' });
    const recs = sizes.map((n, i) => makeRecord(i, n, opts.compression === 'snappy'));
    const batch = opts.batch ?? 1;
    for (let i = 0; i < recs.length; i += batch) await w.log(recs.slice(i, i + batch));
    await w.close();
    const files = (await readdir(dir)).sort();
    for (const f of files) assert.equal((await stat(`${dir}/${f}`)).size % PAGE_SIZE, 0, `segment ${f} is whole pages after close`);
    const got = await readAll({ dir });
    assert.equal(got.err, null);
    assert.equal(got.records.length, recs.length);
    for (let i = 0; i < recs.length; i++) assert.ok(sameBytes(got.records[i]!, recs[i]!), `record ${i} (${sizes[i]} bytes) differs`);
    return { dir, files };
  });
}

describe('WAL write → read round trips at fragment boundaries', () => {
  const cases: [string, number[], { segmentPages?: number; compression?: CompressionType; batch?: number }][] = [
    ['empty records', [0, 0, 0], {}],
    ['a record filling a page exactly', [FULL_PAGE, FULL_PAGE, 10], {}],
    ['one byte more than a page', [FULL_PAGE + 1, 5], {}],
    ['a page left with exactly a header of room (zero-length first fragment)', [FULL_PAGE - HEADER_SIZE, 10, 10], {}],
    ['a page left with less than a header (padding)', [FULL_PAGE - HEADER_SIZE + 1, 10], {}],
    ['records spanning several pages', [100_000, 3, 70_000], { segmentPages: 16 }],
    ['records spanning segments', Array.from({ length: 40 }, (_, i) => 5000 + i * 700), { segmentPages: 3 }],
    ['a record larger than a segment', [10, 5 * PAGE_SIZE, 10], { segmentPages: 2 }],
    ['records exactly filling a segment', [FULL_PAGE, FULL_PAGE, FULL_PAGE, 1], { segmentPages: 3 }],
    ['batches of many small records', Array.from({ length: 500 }, (_, i) => i % 97), { batch: 50 }],
    ['snappy, compressible records', Array.from({ length: 30 }, (_, i) => 1000 + i * 3000), { compression: 'snappy', segmentPages: 8 }],
    ['snappy on incompressible records (kept raw)', [50, 5000, 40_000], { compression: 'snappy' }],
  ];
  for (const [name, sizes, opts] of cases) {
    it(name, async () => { await roundTrip(sizes, opts); });
  }
});

describe('WAL layout is Prometheus\'s, byte for byte', () => {
  it('writes header, CRC and padding where Prometheus does', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { segmentSize: 4 * PAGE_SIZE, compression: 'none', sync: 'write' });
      const a = makeRecord(1, FULL_PAGE - HEADER_SIZE);
      const b = makeRecord(2, 10);
      await w.log([a, b]);
      await w.close();
      const seg = await readFile(segmentName(dir, 0));
      assert.equal(seg.length, 2 * PAGE_SIZE);
      // Record a: one full fragment at 0.
      assert.deepEqual([seg[0], seg.readUInt16BE(1), seg.readUInt32BE(3)], [1, a.length, crc32c(a)]);
      // 7 bytes left: b starts with an empty first fragment that ends the page...
      const p = HEADER_SIZE + a.length;
      assert.deepEqual([seg[p], seg.readUInt16BE(p + 1), seg.readUInt32BE(p + 3)], [2, 0, 0]);
      // ...and its data goes into a last fragment on the next page; the rest is zeros.
      assert.deepEqual([seg[PAGE_SIZE], seg.readUInt16BE(PAGE_SIZE + 1), seg.readUInt32BE(PAGE_SIZE + 3)], [4, 10, crc32c(b)]);
      assert.ok(seg.subarray(PAGE_SIZE + HEADER_SIZE + 10).every((x) => x === 0));
    });
  });

  it('starts a new segment when a record does not fit, never splitting it', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { segmentSize: 2 * PAGE_SIZE, compression: 'none', sync: 'write' });
      await w.log([makeRecord(1, 40_000)]); // 2 fragments in segment 0
      await w.log([makeRecord(2, 30_000)]); // does not fit in what is left: segment 1
      await w.close();
      assert.deepEqual((await readdir(dir)).sort(), ['00000000', '00000001']);
      const got = await readAll({ dir });
      assert.deepEqual(got.ends.map((e) => e.segment), [0, 1]);
    });
  });

  it('marks compressed records with the snappy flag and keeps ones that would grow raw', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { compression: 'snappy', sync: 'write' });
      await w.log([makeRecord(1, 5000, true), makeRecord(2, 3, false)]);
      await w.close();
      const seg = await readFile(segmentName(dir, 0));
      assert.equal(seg[0], 0x08 | 1);
      const next = HEADER_SIZE + seg.readUInt16BE(1);
      assert.equal(seg[next], 1);
      assert.ok(w.stats().recordBytesSaved > 4000);
    });
  });

  it('continues in a new segment after reopening, as Prometheus does', async () => {
    await withTempDir(async (dir) => {
      let w = await Wlog.open(dir, { sync: 'write' });
      await w.log([makeRecord(1, 10)]);
      await w.close();
      w = await Wlog.open(dir, { sync: 'write' });
      assert.equal(w.lastSegmentAndOffset().segment, 1);
      await w.log([makeRecord(2, 10)]);
      await w.close();
      const got = await readAll({ dir });
      assert.deepEqual(got.ends.map((e) => e.segment), [0, 1]);
    });
  });

  it('rejects a segment size that is not whole pages', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(Wlog.open(dir, { segmentSize: PAGE_SIZE + 1 }), /invalid segment size/);
    });
  });
});

describe('WAL writer: group commit, ordering, bounded memory', () => {
  it('shares fsyncs between concurrent log() calls and keeps their order', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { sync: 'fsync', compression: 'none' });
      const n = 200;
      const done: Promise<void>[] = [];
      for (let i = 0; i < n; i++) done.push(w.log([makeRecord(i, 100 + (i % 7))]));
      await Promise.all(done);
      const st = w.stats();
      await w.close();
      assert.ok(st.fsyncs >= 1 && st.fsyncs < n / 10, `fsyncs ${st.fsyncs} for ${n} commits`);
      const got = await readAll({ dir });
      assert.equal(got.records.length, n);
      for (let i = 0; i < n; i++) assert.ok(sameBytes(got.records[i]!, makeRecord(i, 100 + (i % 7))));
    });
  });

  it('makes log() wait, in order, when the outbox is full', async () => {
    await withTempDir(async (dir) => {
      const max = 64 * 1024;
      const w = await Wlog.open(dir, { sync: 'write', compression: 'none', maxPendingBytes: max, segmentSize: 64 * PAGE_SIZE });
      const done: Promise<void>[] = [];
      const n = 300;
      for (let i = 0; i < n; i++) done.push(w.log([makeRecord(i, 20_000)]));
      await Promise.all(done);
      const st = w.stats();
      await w.close();
      assert.ok(st.peakPendingBytes <= max + 20_000 + 2 * PAGE_SIZE, `peak ${st.peakPendingBytes}`);
      const got = await readAll({ dir });
      assert.equal(got.records.length, n);
      for (let i = 0; i < n; i += 37) assert.ok(sameBytes(got.records[i]!, makeRecord(i, 20_000)), `record ${i}`);
    });
  });

  it('flush() waits for what was logged; log([]) too', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { sync: 'write', compression: 'none' });
      void w.log([makeRecord(1, 10)]);
      await w.log([]);
      assert.ok((await stat(segmentName(dir, 0))).size >= HEADER_SIZE + 10);
      await w.flush();
      await w.close();
      await assert.rejects(w.log([makeRecord(2, 1)]), /wlog is closed/);
    });
  });

  it('notifies write listeners and reports the write position', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { sync: 'write', compression: 'none' });
      let notes = 0;
      const off = w.onWrite(() => { notes++; });
      await w.log([makeRecord(1, 100)]);
      assert.deepEqual(w.lastSegmentAndOffset(), { segment: 0, offset: HEADER_SIZE + 100 });
      off();
      await w.log([makeRecord(2, 100)]);
      assert.equal(notes, 1);
      assert.equal(await w.nextSegment(), 1);
      assert.equal((await stat(segmentName(dir, 0))).size, PAGE_SIZE);
      await w.close();
    });
  });

  it('truncate() deletes segments before an index but never the active one', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { sync: 'write', compression: 'none' });
      for (let i = 0; i < 4; i++) { await w.log([makeRecord(i, 10)]); await w.nextSegment(); }
      await w.truncate(2);
      assert.deepEqual((await readdir(dir)).sort(), ['00000002', '00000003', '00000004']);
      await w.truncate(100);
      assert.deepEqual((await readdir(dir)).sort(), ['00000004']);
      await w.close();
    });
  });

  it('reads a segment that ends mid-page (a writer that did not close) as zero-padded', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { sync: 'write', compression: 'none' });
      await w.log([makeRecord(1, 100), makeRecord(2, 200)]);
      const part = await readFile(segmentName(dir, 0));
      await w.close();
      assert.equal(part.length, 2 * HEADER_SIZE + 300);
      await writeFile(segmentName(dir, 0), part);
      const got = await readAll({ dir });
      assert.equal(got.err, null);
      assert.equal(got.records.length, 2);
    });
  });
});
