/**
 * The DB with the real head: the storage contract, head compaction into a block, reopening
 * (blocks loaded, WAL replayed), and Prometheus 2.42 serving the same data from the data
 * directory Watchfire wrote (blocks + WAL), refused while Watchfire holds the lock.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAppendableQueryableContract } from '../../storage/contract.js';
import { freePort, peer, sleep, startPeer, waitReady } from '../../testing/peers.js';
import { isValidULID } from '../block/index.js';
import { Registry } from '../../instrument/index.js';
import { DB, openTSDBHead, type DBOptions } from './index.js';
import { HOUR, L, dump, ms, samplesEvery, scratchDirs } from './test-support.js';

const scratch = scratchDirs('wf-dbh-');

const opts = (o: DBOptions = {}): DBOptions => ({ openHead: openTSDBHead({ walSync: 'write' }), autoCompact: false, ...o });

runAppendableQueryableContract('tsdb db', () => DB.open(scratch(), opts()), { ignoreCounterResetHints: true });

/** Writes 3.5h of 15 s samples of three series, from a 2h boundary a few hours ago. */
async function fill(db: DB, base: number): Promise<void> {
  const series = [L('__name__', 'wf_m', 'k', 'a'), L('__name__', 'wf_m', 'k', 'b'), L('__name__', 'wf_other')];
  const refs = [0, 0, 0];
  for (let t = base; t < base + 3.5 * HOUR; t += 15_000) {
    const app = db.appender();
    for (let i = 0; i < series.length; i++) refs[i] = app.append(refs[i]!, series[i]!, ms(t), i * 1000 + (t - base) / 1000);
    await app.commit();
  }
}

void describe('tsdb db with the head', () => {
  const base = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - 4 * HOUR;

  void test('the head is compacted into a block, truncated, and everything is back after a reopen', async () => {
    const dir = scratch();
    const db = await DB.open(dir, opts());
    let before;
    try {
      await fill(db, base);
      before = await dump(db);
      assert.equal(before.get('{__name__="wf_other"}')?.length, 3.5 * 240);
      await db.compact();
      assert.deepEqual(db.blocks().map((b) => [b.minTime - base, b.maxTime - base]), [[0, 2 * HOUR]]);
      assert.equal(db.head!.minTime(), base + 2 * HOUR, 'the head starts where the block ends');
      assert.deepEqual(await dump(db), before);
      const st = db.stats(10);
      assert.equal(st.numSeries, 3);
    } finally {
      await db.close();
    }
    const db2 = await DB.open(dir, opts());
    try {
      assert.equal(db2.blocks().length, 1);
      assert.deepEqual(await dump(db2), before);
      // Samples before the newest block's end are out of bounds now.
      const app = db2.appender();
      assert.throws(() => app.append(0, L('__name__', 'wf_other'), ms(base + HOUR), 1));
      await app.rollback();
    } finally {
      await db2.close();
    }
  });

  const prom = peer('prometheus');
  void test('Prometheus 2.42 serves the data directory Watchfire wrote (blocks + WAL)', { skip: prom.skip, timeout: 30_000 }, async () => {
    const dir = scratch();
    const data = join(dir, 'data');
    const db = await DB.open(data, opts());
    let want;
    try {
      await fill(db, base);
      await db.compact();
      want = await dump(db);
      // While Watchfire holds the lock, Prometheus refuses the directory (Debian's build
      // locks only when asked to).
      const port = await freePort();
      writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
      const locked = startPeer(prom.path, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.use-lockfile']);
      for (let i = 0; i < 100 && locked.proc.exitCode === null; i++) await sleep(50);
      await locked.stop();
      assert.match(locked.output(), /lock DB directory: resource temporarily unavailable/);
    } finally {
      await db.close();
    }
    assert.equal(readdirSync(data).filter(isValidULID).length, 1);
    const port = await freePort();
    const p = startPeer(prom.path, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`]);
    try {
      await waitReady(`http://127.0.0.1:${port}/-/ready`, 20_000);
      const end = base + 3.5 * HOUR - 15_000;
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('{__name__=~"wf_.*"}[4h]')}&time=${end / 1000}`);
      const j = await r.json() as { status: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
      assert.equal(j.status, 'success');
      const got = new Map<string, [number, number][]>();
      for (const s of j.data.result) {
        const l = L(...Object.entries(s.metric).flat());
        got.set(l.toString(), s.values.map(([t, v]) => [Math.round(t * 1000), Number(v)]));
      }
      assert.deepEqual(got, want);
    } finally {
      await p.stop();
    }
  });
});

void test('samples helper', () => {
  assert.equal(samplesEvery(0, 60_000, 15_000).length, 4);
});

void test('a compaction run that writes many head blocks truncates the WAL along the way, not only at its end', async () => {
  const dir = scratch();
  const registry = new Registry();
  const db = await DB.open(dir, { openHead: openTSDBHead({ walSync: 'write', walSegmentSize: 32 * 1024, registry }), autoCompact: false });
  const checkpoints = (): number => registry.collect().find((f) => f.name === 'prometheus_tsdb_checkpoint_creations_total')!.samples[0]!.value;
  try {
    const base = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - 14 * HOUR;
    // Enough samples for many 32 KiB segments.
    const series = Array.from({ length: 100 }, (_, i) => L('__name__', 'wal_x', 'i', String(i)));
    const refs = series.map(() => 0);
    for (let t = base; t < base + 13 * HOUR; t += 60_000) {
      const app = db.appender();
      for (let i = 0; i < series.length; i++) refs[i] = app.append(refs[i]!, series[i]!, ms(t), t / 1000 + i);
      await app.commit();
    }
    await db.compact();
    assert.equal(db.blocks().length > 0, true);
    // Five head blocks (13h of data, compacted while the head spans more than 3h), a
    // truncation after each: the first finds too few segments to checkpoint, the others do.
    assert.equal(checkpoints(), 4);
  } finally {
    await db.close();
  }
});

void test('delayed compaction: head compactions wait for the delay from when the head became compactable', async () => {
  const dir = scratch();
  const db = await DB.open(dir, opts({ compactionDelayMs: 300 }));
  try {
    const base = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - 4 * HOUR;
    await fill(db, base);
    const t0 = performance.now();
    await db.compact();
    assert.deepEqual(db.blocks(), [], 'the first run starts the delay and writes nothing');
    await db.compact();
    if (performance.now() - t0 < 300) assert.deepEqual(db.blocks(), [], 'still waiting');
    await sleep(Math.max(0, 320 - (performance.now() - t0)));
    await db.compact();
    assert.deepEqual(db.blocks().map((b) => [b.minTime - base, b.maxTime - base]), [[0, 2 * HOUR]]);
  } finally {
    await db.close();
  }
});

void test('delayed compaction: a random delay below 10% of the block range, none without the feature', async () => {
  for (const enable of [true, false]) {
    const dir = scratch();
    const db = await DB.open(dir, opts({ enableDelayedCompaction: enable, minBlockDurationMs: 20_000 }));
    try {
      const base = Math.floor(Date.now() / 20_000) * 20_000 - 60_000;
      const l = L('__name__', 'd');
      for (let t = base; t < base + 40_000; t += 1000) {
        const app = db.appender();
        app.append(0, l, ms(t), t);
        await app.commit();
      }
      const t0 = performance.now();
      for (;;) {
        await db.compact();
        if (db.blocks().length > 0) break;
        assert.ok(enable, 'without the feature the first run compacts');
        assert.ok(performance.now() - t0 < 2000 + 500, 'the delay stays below 10% of the 20 s range');
        await sleep(50);
      }
    } finally {
      await db.close();
    }
  }
});
