import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { open, readFile, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { seededRandom } from '../../util/bench.js';
import { CorruptionError, PAGE_SIZE, Wlog, repair, segmentName } from './index.js';
import { makeRecord, readAll, sameBytes, withTempDir, type ReadResult } from './test-support.js';

const SEGMENT_PAGES = 4;

/** Writes `n` records of mixed sizes over several segments; returns the clean read. */
async function writeWal(dir: string, rand: () => number, n: number): Promise<{ sizes: number[]; clean: ReadResult }> {
  const w = await Wlog.open(dir, { segmentSize: SEGMENT_PAGES * PAGE_SIZE, compression: 'none', sync: 'write' });
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const size = rand() < 0.2 ? Math.floor(rand() * 70_000) : Math.floor(rand() * 3000);
    sizes.push(size);
    await w.log([makeRecord(i, size)]);
  }
  await w.close();
  const clean = await readAll({ dir });
  assert.equal(clean.err, null);
  assert.equal(clean.records.length, n);
  return { sizes, clean };
}

/** Records that end at or before `offset` in `segment` (and all of earlier segments) survive. */
function survivors(clean: ReadResult, segment: number, offset: number): number {
  let k = 0;
  for (const e of clean.ends) {
    if (e.segment < segment || (e.segment === segment && e.end <= offset)) k++;
  }
  return k;
}

async function checkRepaired(dir: string, sizes: number[], keep: number): Promise<void> {
  const after = await readAll({ dir });
  assert.equal(after.err, null, `after repair: ${after.err?.message ?? ''}`);
  assert.equal(after.records.length, keep);
  for (let i = 0; i < keep; i++) assert.ok(sameBytes(after.records[i]!, makeRecord(i, sizes[i]!)), `record ${i}`);
  // Writing goes on in a new segment after the repaired one, and all of it reads back.
  const w = await Wlog.open(dir, { segmentSize: SEGMENT_PAGES * PAGE_SIZE, compression: 'none', sync: 'write' });
  await w.log([makeRecord(999, 123)]);
  await w.close();
  const again = await readAll({ dir });
  assert.equal(again.err, null);
  assert.equal(again.records.length, keep + 1);
  assert.ok(sameBytes(again.records[keep]!, makeRecord(999, 123)));
}

describe('corruption at random offsets is repaired to the last good record', () => {
  for (let seed = 1; seed <= 12; seed++) {
    it(`seed ${seed}: one flipped byte`, async () => {
      await withTempDir(async (dir) => {
        const rand = seededRandom(seed);
        const { sizes, clean } = await writeWal(dir, rand, 60);
        const segs = (await readdir(dir)).sort();
        const segIdx = Math.floor(rand() * segs.length);
        const size = (await stat(segmentName(dir, segIdx))).size;
        const off = Math.floor(rand() * size);
        const fh = await open(segmentName(dir, segIdx), 'r+');
        const b = Buffer.alloc(1);
        await fh.read(b, 0, 1, off);
        b[0] = b[0]! ^ 0xff;
        await fh.write(b, 0, 1, off);
        await fh.close();

        const got = await readAll({ dir });
        const err = got.err;
        assert.ok(err instanceof CorruptionError, 'corruption detected');
        assert.equal(err.segment, segIdx);
        assert.ok(err.offset <= off, `reported offset ${err.offset} is at or before the damage at ${off}`);
        const keep = survivors(clean, segIdx, off);
        assert.equal(got.records.length, keep, 'records before the damage are read');
        const lastGood = clean.ends[keep - 1];
        if (lastGood !== undefined && lastGood.segment === segIdx) assert.ok(err.offset >= lastGood.end, 'no good record is cut off');

        await repair(dir, err);
        assert.deepEqual((await readdir(dir)).sort(), segs.slice(0, segIdx + 1), 'later segments deleted');
        assert.equal((await stat(segmentName(dir, segIdx))).size % PAGE_SIZE, 0);
        await checkRepaired(dir, sizes, keep);
      });
    });
  }

  for (let seed = 100; seed < 108; seed++) {
    it(`seed ${seed}: torn tail (crash mid-write)`, async () => {
      await withTempDir(async (dir) => {
        const rand = seededRandom(seed);
        const { sizes, clean } = await writeWal(dir, rand, 40);
        const segs = (await readdir(dir)).sort();
        const last = segs.length - 1;
        const size = (await stat(segmentName(dir, last))).size;
        const cut = Math.floor(rand() * size);
        await truncate(segmentName(dir, last), cut);

        const got = await readAll({ dir });
        const keep = survivors(clean, last, cut);
        assert.equal(got.records.length, keep);
        if (got.err !== null) {
          assert.ok(got.err instanceof CorruptionError);
          assert.match(got.err.message, new RegExp(`corruption in segment .*${segs[last]!} at \\d+: last record is torn`));
          await repair(dir, got.err);
        }
        await checkRepaired(dir, sizes, keep);
      });
    });
  }
});

describe('corruption reports', () => {
  it('names segment, offset and reason as Prometheus does', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { compression: 'none', sync: 'write' });
      await w.log([makeRecord(1, 100), makeRecord(2, 100)]);
      await w.close();
      const seg = await readFile(segmentName(dir, 0));
      seg.writeUInt8(seg.readUInt8(107 + 7 + 50) ^ 1, 107 + 7 + 50); // data of the second record
      await writeFile(segmentName(dir, 0), seg);
      const got = await readAll({ dir });
      assert.equal(got.records.length, 1);
      assert.match(got.err?.message ?? '', /^corruption in segment .*00000000 at 107: unexpected checksum [0-9a-f]+, expected [0-9a-f]+$/);
    });
  });

  it('refuses to repair what is not a positioned corruption', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(repair(dir, new Error('boom')), /cannot handle error: boom/);
      await assert.rejects(repair(dir, new CorruptionError(dir, -1, 5, 'x')), /does not specify position/);
    });
  });

  it('reports a record cut by the end of a segment that is not the last', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { compression: 'none', sync: 'write', segmentSize: 2 * PAGE_SIZE });
      await w.log([makeRecord(1, 40_000)]);
      await w.nextSegment();
      await w.log([makeRecord(2, 10)]);
      await w.close();
      await truncate(segmentName(dir, 0), PAGE_SIZE);
      const got = await readAll({ dir });
      assert.equal(got.records.length, 0);
      assert.ok(got.err instanceof CorruptionError);
      assert.equal(got.err.segment, 0);
      assert.equal(got.err.offset, 0);
    });
  });
});
