/**
 * Data directories of Prometheus 3.x after a stale series compaction: blocks holding only some
 * head series (meta.json hint `from-stale-series`), and WAL tombstones over all time for the
 * series those blocks took out of the head. Such blocks do not move the WAL replay's lower
 * bound, are compacted only with their own kind (keeping the hint), and the tombstones delete
 * their series at replay.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Labels } from '../../model/index.js';
import { HINT_FROM_OUT_OF_ORDER, HINT_FROM_STALE_SERIES, readMetaFile, writeMetaFile, type BlockMeta } from '../block/index.js';
import { RecordEncoder } from '../record/index.js';
import { Wlog } from '../wal/index.js';
import { DB, compactedMeta, openTSDBHead, plan, type DBOptions, type PlanBlock } from './index.js';
import { HOUR, L, buildBlock, dump, ms, samplesEvery, scratchDirs } from './test-support.js';

const scratch = scratchDirs('wf-partial-');

const opts = (): DBOptions => ({ openHead: openTSDBHead({ walSync: 'write' }), autoCompact: false });

function meta(ulid: string, minTime: number, maxTime: number, hints: string[] = []): BlockMeta {
  return {
    ulid, minTime, maxTime, version: 1,
    stats: { numSamples: 1, numFloatSamples: 1, numHistogramSamples: 0, numSeries: 1, numChunks: 1, numTombstones: 0 },
    compaction: { level: 1, sources: [ulid], deletable: false, parents: [], failed: false, hints },
  };
}

const block = (dir: string, m: BlockMeta): PlanBlock => ({ dir, meta: m });

async function markStale(dir: string, m: BlockMeta): Promise<void> {
  const { meta: onDisk } = await readMetaFile(join(dir, m.ulid));
  onDisk.compaction.hints = [HINT_FROM_STALE_SERIES];
  await writeMetaFile(join(dir, m.ulid), onDisk);
}

async function append(db: DB, l: Labels, samples: [number, number][]): Promise<void> {
  const app = db.appender();
  let ref = 0;
  for (const [t, v] of samples) ref = app.append(ref, l, ms(t), v);
  await app.commit();
}

void describe('tsdb: blocks of part of the head (stale series compaction)', () => {
  void test('the planner compacts them only with their own kind, regular blocks first', () => {
    const R = [2 * HOUR, 6 * HOUR];
    // A stale-series block overlapping a regular one is not merged with it.
    assert.deepEqual(plan([block('a', meta('A', 0, 2 * HOUR)), block('s', meta('S', 0, 2 * HOUR, [HINT_FROM_STALE_SERIES])), block('b', meta('B', 2 * HOUR, 4 * HOUR))], R), []);
    // Two overlapping stale-series blocks are.
    assert.deepEqual(plan([
      block('a', meta('A', 0, 2 * HOUR)),
      block('s1', meta('S1', 0, 2 * HOUR, [HINT_FROM_STALE_SERIES])), block('s2', meta('S2', HOUR, 3 * HOUR, [HINT_FROM_STALE_SERIES])),
    ], R), ['s1', 's2']);
    // Regular blocks that fill a range go first.
    const regular = [0, 2, 4, 6].map((h) => block(`r${h}`, meta(`R${h}`, h * HOUR, (h + 2) * HOUR)));
    assert.deepEqual(plan([...regular, block('s1', meta('S1', 0, 2 * HOUR, [HINT_FROM_STALE_SERIES])), block('s2', meta('S2', 0, 2 * HOUR, [HINT_FROM_STALE_SERIES]))], R), ['r0', 'r2', 'r4']);
  });

  void test('a merged block keeps the hint, sorted beside from-out-of-order', () => {
    const m = compactedMeta('X', [meta('S1', 0, 2 * HOUR, [HINT_FROM_OUT_OF_ORDER, HINT_FROM_STALE_SERIES]), meta('S2', 0, 2 * HOUR, [HINT_FROM_STALE_SERIES, HINT_FROM_OUT_OF_ORDER])]);
    assert.deepEqual(m.compaction.hints, [HINT_FROM_OUT_OF_ORDER, HINT_FROM_STALE_SERIES]);
    assert.deepEqual(compactedMeta('Y', [meta('S1', 0, 2 * HOUR, [HINT_FROM_STALE_SERIES]), meta('S2', 2 * HOUR, 4 * HOUR, [HINT_FROM_STALE_SERIES])]).compaction.hints, [HINT_FROM_STALE_SERIES]);
    assert.deepEqual(compactedMeta('Z', [meta('A', 0, 2 * HOUR), meta('B', 2 * HOUR, 4 * HOUR)]).compaction.hints, []);
  });

  void test('a stale-series block does not move the WAL replay bound: the other series keep their samples', async () => {
    const dir = scratch();
    const base = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - 4 * HOUR;
    const live = L('__name__', 'live'), gone = L('__name__', 'gone');
    const db = await DB.open(dir, opts());
    try {
      await append(db, live, samplesEvery(base, base + 3 * HOUR, 60_000));
    } finally {
      await db.close();
    }
    // What Prometheus's stale series compaction leaves: a block of other series over [base, base + 2h).
    const m = await buildBlock(dir, [{ labels: gone, samples: samplesEvery(base, base + 2 * HOUR, 60_000) }], base, base + 2 * HOUR);
    await markStale(dir, m);
    const db2 = await DB.open(dir, opts());
    try {
      const got = await dump(db2);
      assert.deepEqual(got.get(live.toString()), samplesEvery(base, base + 3 * HOUR, 60_000), 'the WAL samples before the block end are replayed');
      assert.equal(got.get(gone.toString())?.length, 120);
    } finally {
      await db2.close();
    }
  });

  void test('a WAL tombstone over all time deletes its series at replay; the labels may come back as a new series', async () => {
    const dir = scratch();
    const base = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - HOUR;
    const stale = L('__name__', 'stale_one'), other = L('__name__', 'other');
    const db = await DB.open(dir, opts());
    try {
      // The first series the head creates gets ref 1.
      await append(db, stale, samplesEvery(base, base + 10 * 60_000, 60_000));
      await append(db, other, samplesEvery(base, base + 20 * 60_000, 60_000));
    } finally {
      await db.close();
    }
    const w = await Wlog.open(join(dir, 'wal'), { sync: 'write' });
    await w.log([new RecordEncoder().tombstones([{ ref: 1, mint: -(2 ** 63), maxt: 2 ** 63 }])]);
    await w.close();

    const db2 = await DB.open(dir, opts());
    try {
      const got = await dump(db2);
      assert.equal(got.get(stale.toString()), undefined, 'the deleted series is gone');
      assert.equal(got.get(other.toString())?.length, 20, 'the other series is whole');
      const q = await db2.querier(ms(base), ms(base + HOUR));
      try {
        assert.deepEqual((await q.labelValues('__name__', null, [])).value, ['other']);
      } finally {
        await q.close();
      }
      // The same labels again: a new series.
      await append(db2, stale, samplesEvery(base + 30 * 60_000, base + 35 * 60_000, 60_000));
      assert.equal((await dump(db2)).get(stale.toString())?.length, 5);
    } finally {
      await db2.close();
    }
    // Replayed again: the tombstone deletes the old series, the new one (a later series record) stays.
    const db3 = await DB.open(dir, opts());
    try {
      const got = await dump(db3);
      assert.deepEqual(got.get(stale.toString()), samplesEvery(base + 30 * 60_000, base + 35 * 60_000, 60_000));
      assert.equal(got.get(other.toString())?.length, 20);
    } finally {
      await db3.close();
    }
  });
});
