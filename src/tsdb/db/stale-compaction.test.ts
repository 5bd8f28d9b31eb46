/**
 * Stale series compaction (`storage.tsdb.stale_series_compaction_threshold`): stale head
 * series go to blocks of their own and leave the head; queries see the same data before and
 * after, also after a restart (the WAL tombstones delete the series again at replay), and
 * the regular compaction leaves those blocks to their own kind.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Registry } from '../../instrument/index.js';
import { HINT_FROM_STALE_SERIES, readMetaFile } from '../block/index.js';
import type { Labels } from '../../model/index.js';
import { DB, openTSDBHead, type DBOptions } from './index.js';
import { STALE_COMPACTION_SOON_MS, staleCompactionDue } from './stale-compaction.js';
import { HOUR, L, dump, ms, samplesEvery, tempDir } from './test-support.js';

const cleanups: (() => void)[] = [];
after(() => { for (const c of cleanups) c(); });

const MIN = 60_000;

/** One sample a minute of each series in [from, to), in time order; a stale marker at `to` where asked. */
async function fill(db: DB, series: { l: Labels; from: number; to: number; stale: boolean }[]): Promise<void> {
  const lo = Math.min(...series.map((x) => x.from)), hi = Math.max(...series.map((x) => x.to));
  for (let t = lo; t <= hi; t += MIN) {
    const app = db.appender();
    for (const x of series) {
      if (t >= x.from && t < x.to) app.append(0, x.l, ms(t), t / MIN);
      else if (t === x.to && x.stale) app.appendStale(0, x.l, ms(t));
    }
    await app.commit();
  }
}

function gauge(reg: Registry, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(reg.expose());
  assert.ok(m !== null, `${name} exposed`);
  return Number(m[1]);
}

void describe('tsdb: stale series compaction', () => {
  void test('is due at the threshold, unless the regular head compaction comes within 10 minutes', () => {
    const now = 1_000 * HOUR;
    assert.equal(staleCompactionDue({ series: 10, stale: 5 }, 0.5, null, 2 * HOUR, now), true);
    assert.equal(staleCompactionDue({ series: 10, stale: 4 }, 0.5, null, 2 * HOUR, now), false);
    assert.equal(staleCompactionDue({ series: 10, stale: 10 }, 0, null, 2 * HOUR, now), false, 'off');
    assert.equal(staleCompactionDue({ series: 0, stale: 0 }, 0.5, null, 2 * HOUR, now), false);
    assert.equal(staleCompactionDue({ series: 10, stale: 5 }, 0.5, now - HOUR, 2 * HOUR, now), true);
    assert.equal(staleCompactionDue({ series: 10, stale: 5 }, 0.5, now - 2 * HOUR + STALE_COMPACTION_SOON_MS - 1, 2 * HOUR, now), false);
  });

  void test('writes the stale series to their own blocks and deletes them from the head, for good', async () => {
    const { dir, cleanup } = tempDir('wf-stale-');
    cleanups.push(cleanup);
    const registry = new Registry();
    const opts = (reg?: Registry): DBOptions => ({ openHead: openTSDBHead({ walSync: 'write', ...(reg ? { registry: reg } : {}) }), autoCompact: false, staleSeriesCompactionThreshold: 0.5, ...(reg ? { registry: reg } : {}) });
    // Two hours and a half of data, from a block boundary: two block ranges.
    const base = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - 2 * HOUR;
    const live = L('__name__', 'up', 'instance', 'live');
    const gone1 = L('__name__', 'up', 'instance', 'gone1');
    const gone2 = L('__name__', 'up', 'instance', 'gone2');
    const db = await DB.open(dir, opts(registry));
    let before;
    try {
      await fill(db, [
        { l: live, from: base, to: base + 2.5 * HOUR, stale: false },
        { l: gone1, from: base, to: base + 2.2 * HOUR, stale: true },
        { l: gone2, from: base + 30 * MIN, to: base + HOUR, stale: true },
      ]);
      before = await dump(db);
      assert.equal(gauge(registry, 'prometheus_tsdb_head_stale_series'), 2);
      assert.equal(db.blocks().length, 0);

      assert.equal(await db.compactStaleHead(), 2);
      const blocks = db.blocks();
      assert.deepEqual(blocks.map((b) => [b.minTime - base, b.maxTime - base]), [[0, 2 * HOUR], [2 * HOUR, 4 * HOUR]]);
      for (const b of blocks) {
        const m = (await readMetaFile(join(dir, b.ulid))).meta;
        assert.deepEqual(m.compaction.hints, [HINT_FROM_STALE_SERIES]);
      }
      assert.equal(blocks[0]!.stats.numSeries, 2);
      assert.equal(gauge(registry, 'prometheus_tsdb_head_stale_series'), 0);
      assert.equal(gauge(registry, 'prometheus_tsdb_head_series'), 1);
      assert.equal(gauge(registry, 'prometheus_tsdb_stale_series_compactions_triggered_total'), 1);
      assert.deepEqual(await dump(db), before, 'queries see the same data, from the blocks now');

      // The regular compaction finds nothing to merge them with.
      await db.compact();
      assert.equal(db.blocks().length, 2);
      // A series back after its deletion is a new one.
      await fill(db, [{ l: gone2, from: base + 2.4 * HOUR, to: base + 2.5 * HOUR, stale: false }]);
    } finally {
      await db.close();
    }
    const want = new Map(before);
    want.set(gone2.toString(), [...before.get(gone2.toString())!, ...samplesEvery(base + 2.4 * HOUR, base + 2.5 * HOUR, MIN).map(([t]): [number, number] => [t, t / MIN])]);
    const db2 = await DB.open(dir, opts());
    try {
      assert.deepEqual(await dump(db2), want, 'after a restart: deleted series stay deleted, nothing is lost');
      const st = db2.stats(10);
      assert.equal(st.numSeries, 2, 'the head holds live and the new gone2');
    } finally {
      await db2.close();
    }
  });
});
