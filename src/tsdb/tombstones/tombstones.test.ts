import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MemTombstones, addInterval, isSubrange, readTombstonesFile, writeTombstonesFile, type Interval,
} from './index.js';

test('addInterval merges overlapping and adjacent intervals', () => {
  const cases: { name: string; start: Interval[]; add: Interval; want: Interval[] }[] = [
    { name: 'into empty', start: [], add: { mint: 1, maxt: 2 }, want: [{ mint: 1, maxt: 2 }] },
    { name: 'before', start: [{ mint: 5, maxt: 6 }], add: { mint: 1, maxt: 2 }, want: [{ mint: 1, maxt: 2 }, { mint: 5, maxt: 6 }] },
    { name: 'after', start: [{ mint: 1, maxt: 2 }], add: { mint: 5, maxt: 6 }, want: [{ mint: 1, maxt: 2 }, { mint: 5, maxt: 6 }] },
    { name: 'adjacent merges', start: [{ mint: 1, maxt: 2 }], add: { mint: 3, maxt: 4 }, want: [{ mint: 1, maxt: 4 }] },
    { name: 'spans several', start: [{ mint: 1, maxt: 2 }, { mint: 5, maxt: 6 }, { mint: 10, maxt: 11 }], add: { mint: 2, maxt: 9 }, want: [{ mint: 1, maxt: 11 }] },
    { name: 'inside', start: [{ mint: 1, maxt: 20 }], add: { mint: 5, maxt: 6 }, want: [{ mint: 1, maxt: 20 }] },
    { name: 'between', start: [{ mint: 1, maxt: 2 }, { mint: 10, maxt: 11 }], add: { mint: 5, maxt: 6 }, want: [{ mint: 1, maxt: 2 }, { mint: 5, maxt: 6 }, { mint: 10, maxt: 11 }] },
    { name: 'unbounded', start: [{ mint: 1, maxt: 2 }], add: { mint: -(2 ** 63), maxt: 2 ** 63 }, want: [{ mint: -(2 ** 63), maxt: 2 ** 63 }] },
  ];
  for (const c of cases) assert.deepEqual(addInterval(c.start, c.add), c.want, c.name);
  assert.ok(isSubrange(3, 4, [{ mint: 0, maxt: 1 }, { mint: 2, maxt: 5 }]));
  assert.ok(!isSubrange(1, 3, [{ mint: 0, maxt: 1 }, { mint: 2, maxt: 5 }]));
});

test('tombstones file round trip, Prometheus layout, int64 extremes and corruption', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-tomb-'));
  try {
    const m = new MemTombstones();
    m.addInterval(300, { mint: 10, maxt: 20 }, { mint: 30, maxt: 40 });
    m.addInterval(5, { mint: -(2 ** 63), maxt: 2 ** 63 });
    m.addInterval(7, { mint: 1_700_000_000_000, maxt: 1_700_000_007_000 });
    const size = await writeTombstonesFile(dir, m);
    const raw = readFileSync(join(dir, 'tombstones'));
    assert.equal(raw.length, size);
    assert.equal(raw.subarray(0, 5).toString('hex'), '0130ba3001');
    // Ascending refs; the first entry is ref 5 with MinInt64 and MaxInt64 as zigzag varints.
    assert.equal(raw.subarray(5, 26).toString('hex'), '05' + 'ff'.repeat(9) + '01' + 'fe' + 'ff'.repeat(8) + '01');
    const { tombstones: back } = await readTombstonesFile(dir);
    assert.equal(back.total(), 4);
    assert.deepEqual(back.get(300), [{ mint: 10, maxt: 20 }, { mint: 30, maxt: 40 }]);
    assert.deepEqual(back.get(5), [{ mint: -(2 ** 63), maxt: 2 ** 63 }]);
    assert.deepEqual(back.get(6), []);
    back.truncateBefore(25);
    assert.deepEqual(back.get(300), [{ mint: 30, maxt: 40 }]);

    const bad = Buffer.from(raw);
    bad[8] = bad[8]! ^ 1;
    writeFileSync(join(dir, 'tombstones'), bad);
    await assert.rejects(readTombstonesFile(dir), /checksum did not match/);
    writeFileSync(join(dir, 'tombstones'), Buffer.from('00000000010000000000', 'hex'));
    await assert.rejects(readTombstonesFile(dir), /invalid magic number 0/);
    rmSync(join(dir, 'tombstones'));
    assert.equal((await readTombstonesFile(dir)).size, 0);
    // The empty file Prometheus writes for a new block.
    const empty = await writeTombstonesFile(dir, new MemTombstones());
    assert.equal(readFileSync(join(dir, 'tombstones')).toString('hex'), '0130ba3001' + '00000000');
    assert.equal(empty, 9);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
