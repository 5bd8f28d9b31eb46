/**
 * Out-of-order compaction in the DB, as Prometheus does it: after head compactions the
 * head's out-of-order data (floats and native histograms) goes to blocks of its own (one per
 * block range, marked "from-out-of-order"), leaves the head, and reads merge it with the
 * in-order blocks; a reopened DB has the same data.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readMetaFile } from '../block/index.js';
import { CounterResetHint, type Histogram } from '../../model/index.js';
import { DB, openTSDBHead, type DBOptions } from './index.js';
import { dump as dumpAll } from '../head/test-support.js';
import type { Queryable } from '../../storage/interface.js';
import { HOUR, L, ms, tempDir } from './test-support.js';

const cleanups: (() => void)[] = [];
after(() => { for (const c of cleanups) c(); });

const MIN = 60_000;

function hist(n: number): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount: n, count: 2 * n, sum: n,
    positiveSpans: [{ offset: 0, length: 1 }], negativeSpans: [], positiveBuckets: [n], negativeBuckets: [], customValues: [],
  };
}

/**
 * The samples with counter reset hints left out: where chunks start differs between the head
 * and merged blocks, and so do the hints readers derive (as in Prometheus's own tests).
 */
async function dump(q: Queryable): Promise<Map<string, [number, number | string][]>> {
  const m = await dumpAll(q);
  for (const [k, v] of m) m.set(k, v.map(([t, x]) => [t, typeof x === 'string' ? x.replace(/"counterResetHint":\d+,/, '') : x]));
  return m;
}

void test('out-of-order data is compacted into its own blocks after a head compaction and reads back merged', async () => {
  const t = tempDir('wf-ooo-');
  cleanups.push(t.cleanup);
  const window = 4 * HOUR;
  const opts: DBOptions = { openHead: openTSDBHead({ walSync: 'write', outOfOrderTimeWindow: window, outOfOrderCapMax: 8 }), autoCompact: false };
  const base = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - 6 * HOUR;
  const db = await DB.open(t.dir, opts);
  let want;
  try {
    const l = L('__name__', 'f'), lh = L('__name__', 'h');
    // In order every 10 minutes over 3.5 hours, with a gap at 7 and 13 minutes past each hour.
    for (let m = 0; m < 210; m += 10) {
      const a = db.appender();
      a.append(0, l, ms(base + m * MIN), m);
      a.appendHistogram(0, lh, ms(base + m * MIN), hist(m + 1), null);
      await a.commit();
    }
    // Out of order, inside the first two hours and after them.
    const b = db.appender();
    for (const m of [7, 13, 67, 73, 127, 133, 187]) {
      b.append(0, l, ms(base + m * MIN), -m);
      b.appendHistogram(0, lh, ms(base + m * MIN), hist(1000 + m), null);
    }
    await b.commit();
    want = await dump(db);
    assert.equal(want.get('{__name__="f"}')!.length, 21 + 7);
    await db.compact();
    const blocks = db.blocks();
    const ooo = [];
    for (const bm of blocks) {
      const meta = (await readMetaFile(join(t.dir, bm.ulid))).meta;
      if (meta.compaction.hints.includes('from-out-of-order')) ooo.push([meta.minTime - base, meta.maxTime - base, meta.compaction.parents[0]?.ulid]);
    }
    // The out-of-order block of [0, 2h) overlapped the in-order one and was merged with it
    // (vertical compaction: the merge is no longer out of order only); [2h, 4h) stays apart.
    assert.deepEqual(ooo, [[2 * HOUR, 4 * HOUR, '00000000000000000000000000']]);
    const first = blocks.find((bm) => bm.minTime === base && bm.maxTime === base + 2 * HOUR);
    assert.equal(first?.stats.numSamples, 2 * (12 + 4), 'in-order and out-of-order samples of [0, 2h) in one block');
    assert.deepEqual(await dump(db), want, 'in-order and out-of-order blocks and the head merge to the same data');
  } finally {
    await db.close();
  }
  const db2 = await DB.open(t.dir, opts);
  try {
    assert.deepEqual(await dump(db2), want);
  } finally {
    await db2.close();
  }
});
