import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Matcher } from '../../model/index.js';
import { Registry } from '../../instrument/index.js';
import { runAppendableQueryableContract } from '../../storage/contract.js';
import { Block, isValidULID, readMetaFile, type BlockMeta } from '../block/index.js';
import { DB, fsCapacity, storagePathCapacity, type DBOptions } from './index.js';
import { FakeHead, HOUR, L, buildBlock, dump, samplesEvery, ms, scratchDirs } from './test-support.js';

const scratch = scratchDirs('wf-db-');

runAppendableQueryableContract('tsdb db over a memory head', async () => {
  const db = await DB.open(scratch(), { openHead: () => Promise.resolve(new FakeHead()), autoCompact: false });
  return db;
});

const blockNames = (dir: string): string[] => readdirSync(dir).filter(isValidULID).sort();

/** Consecutive 2h blocks of series {__name__="m"} over [0, hours), one sample every `step` ms. */
async function twoHourBlocks(dir: string, hours: number, step: number): Promise<BlockMeta[]> {
  const metas: BlockMeta[] = [];
  for (let h = 0; h < hours; h += 2) metas.push(await buildBlock(dir, [{ labels: L('__name__', 'm'), samples: samplesEvery(h * HOUR, (h + 2) * HOUR, step) }], h * HOUR, (h + 2) * HOUR));
  return metas;
}

/** Bytes of a block on disk, as retention counts them. */
async function blockSize(dir: string, meta: BlockMeta): Promise<number> {
  const b = await Block.open(join(dir, meta.ulid));
  try { return b.size(); } finally { await b.close(); }
}

void describe('tsdb db: blocks', () => {
  void test('loads blocks, serves them merged with the head, and removes leftover temporary directories', async () => {
    const dir = scratch();
    const a = L('__name__', 'm', 'i', 'a');
    await buildBlock(dir, [{ labels: a, samples: samplesEvery(0, 2 * HOUR, 60_000) }], 0, 2 * HOUR);
    await buildBlock(dir, [{ labels: a, samples: samplesEvery(2 * HOUR, 4 * HOUR, 60_000) }], 2 * HOUR, 4 * HOUR);
    mkdirSync(join(dir, '01HZZZZZZZZZZZZZZZZZZZZZZZ.tmp-for-creation'));
    mkdirSync(join(dir, '01HZZZZZZZZZZZZZZZZZZZZZZY.tmp-for-deletion'));
    mkdirSync(join(dir, 'not-a-block.tmp-for-creation'));
    const head = new FakeHead();
    const db = await DB.open(dir, { openHead: () => Promise.resolve(head), autoCompact: false });
    try {
      assert.equal(db.blocks().length, 2);
      assert.ok(!existsSync(join(dir, '01HZZZZZZZZZZZZZZZZZZZZZZZ.tmp-for-creation')));
      assert.ok(!existsSync(join(dir, '01HZZZZZZZZZZZZZZZZZZZZZZY.tmp-for-deletion')));
      assert.ok(existsSync(join(dir, 'not-a-block.tmp-for-creation')), 'only ULID-named leftovers are removed');
      const app = db.appender();
      for (const [t, v] of samplesEvery(4 * HOUR, 5 * HOUR, 60_000)) app.append(0, a, ms(t), v);
      await app.commit();
      const got = await dump(db);
      assert.deepEqual(got.get(a.toString()), samplesEvery(0, 5 * HOUR, 60_000));
      // A range inside one block touches only that block.
      assert.deepEqual((await dump(db, HOUR, HOUR + 120_000)).get(a.toString()), [[HOUR, 3600], [HOUR + 60_000, 3660], [HOUR + 120_000, 3720]]);
      const q = await db.querier(ms(0), ms(10 * HOUR));
      assert.deepEqual((await q.labelValues('i', null, [])).value, ['a']);
      assert.deepEqual((await q.labelNames(null, [])).value, ['__name__', 'i']);
      await q.close();
    } finally {
      await db.close();
    }
    assert.ok(head.closed);
  });

  void test('the head becomes a 2h block once it spans 1.5 ranges; head and WAL are truncated', async () => {
    const dir = scratch();
    const head = new FakeHead();
    const db = await DB.open(dir, { openHead: () => Promise.resolve(head), autoCompact: false });
    try {
      const a = L('__name__', 'm');
      const app = db.appender();
      for (const [t, v] of samplesEvery(0, 3 * HOUR, 60_000)) app.append(0, a, ms(t), v);
      await app.commit();
      await db.compact();
      assert.deepEqual(db.blocks().map((b) => [b.minTime, b.maxTime]), [], 'exactly 1.5 ranges is not compactable');
      const app2 = db.appender();
      app2.append(0, a, ms(3 * HOUR + 60_000), 1);
      await app2.commit();
      await db.compact();
      assert.deepEqual(db.blocks().map((b) => [b.minTime, b.maxTime, b.compaction.level]), [[0, 2 * HOUR, 1]]);
      assert.deepEqual(head.truncations, [2 * HOUR]);
      assert.deepEqual(head.walTruncations, [2 * HOUR]);
      const got = (await dump(db)).get(a.toString())!;
      assert.equal(got.length, 181);
      assert.deepEqual(got.slice(0, 2), [[0, 0], [60_000, 60]]);
      assert.equal(db.metrics.compactionsRan.labels().value, 1);
    } finally {
      await db.close();
    }
    const db2 = await DB.open(dir, { autoCompact: false });
    try {
      assert.equal(db2.blocks().length, 1, 'the block is there after reopening');
      assert.equal((await dump(db2)).get('{__name__="m"}')?.length, 120);
    } finally {
      await db2.close();
    }
  });

  void test('leveled compaction: three 2h blocks and a newer one make a 6h block', async () => {
    const dir = scratch();
    const a = L('__name__', 'm');
    const all = samplesEvery(0, 8 * HOUR, 30_000);
    for (let h = 0; h < 8; h += 2) await buildBlock(dir, [{ labels: a, samples: all }], h * HOUR, (h + 2) * HOUR);
    const registry = new Registry();
    const db = await DB.open(dir, { autoCompact: false, registry });
    try {
      assert.equal(db.blocks().length, 4);
      const before = await dump(db);
      await db.compact();
      const metas = db.blocks();
      assert.deepEqual(metas.map((b) => [b.minTime / HOUR, b.maxTime / HOUR, b.compaction.level]), [[0, 6, 2], [6, 8, 1]]);
      assert.equal(metas[0]!.compaction.sources.length, 3);
      assert.equal(metas[0]!.compaction.parents.length, 3);
      assert.equal(blockNames(dir).length, 2, 'the compacted blocks are deleted');
      assert.deepEqual(await dump(db), before);
      assert.match(registry.expose(), /prometheus_tsdb_compactions_total 1\n/);
      assert.match(registry.expose(), /prometheus_tsdb_blocks_loaded 2\n/);
    } finally {
      await db.close();
    }
  });

  void test('blocks held back by the exclusion filter end the planner\'s list (delay-compact-file)', async () => {
    const dir = scratch();
    const a = L('__name__', 'm');
    const all = samplesEvery(0, 8 * HOUR, 30_000);
    const metas = [];
    for (let h = 0; h < 8; h += 2) metas.push(await buildBlock(dir, [{ labels: a, samples: all }], h * HOUR, (h + 2) * HOUR));
    // The second block is not uploaded yet: only the first can be planned, which makes nothing.
    const pending = new Set([metas[1]!.ulid]);
    const seen: string[] = [];
    const db = await DB.open(dir, {
      autoCompact: false,
      blockCompactionExclude: (m) => { seen.push(m.ulid); return Promise.resolve(pending.has(m.ulid)); },
    });
    try {
      await db.compact();
      assert.equal(db.blocks().length, 4, 'nothing compacted while the second block is pending');
      assert.deepEqual(seen, metas.slice(0, 2).map((m) => m.ulid), 'read in ULID order, stopping at the first held back');
      pending.clear();
      await db.compact();
      assert.deepEqual(db.blocks().map((b) => [b.minTime / HOUR, b.maxTime / HOUR, b.compaction.level]), [[0, 6, 2], [6, 8, 1]]);
    } finally {
      await db.close();
    }
  });

  void test('overlapping blocks are served merged and compacted vertically into one', async () => {
    const dir = scratch();
    const a = L('__name__', 'm', 'k', 'a');
    const b = L('__name__', 'm', 'k', 'b');
    // Two blocks over the same range: a is in both with overlapping samples, b only in the second.
    await buildBlock(dir, [{ labels: a, samples: samplesEvery(0, 2 * HOUR, 60_000) }], 0, 2 * HOUR);
    await buildBlock(dir, [
      { labels: a, samples: samplesEvery(30_000, 2 * HOUR, 60_000).concat(samplesEvery(0, 2 * HOUR, 600_000)) .sort((x, y) => x[0] - y[0]) },
      { labels: b, samples: samplesEvery(HOUR, 3 * HOUR, 60_000) },
    ], HOUR, 3 * HOUR);
    const db = await DB.open(dir, { autoCompact: false });
    try {
      // The second block holds a's samples from 1h on only: 30 s apart where both have data.
      const want = samplesEvery(0, HOUR, 60_000).concat(samplesEvery(HOUR, 2 * HOUR, 30_000));
      assert.deepEqual((await dump(db)).get(a.toString()), want);
      const before = await dump(db);
      await db.compact();
      assert.deepEqual(db.blocks().map((m) => [m.minTime, m.maxTime, m.compaction.level]), [[0, 3 * HOUR, 2]]);
      assert.equal(db.metrics.verticalCompactions.labels().value, 1);
      assert.deepEqual(await dump(db), before);
    } finally {
      await db.close();
    }
  });

  void test('a damaged block is reported, left on disk and not served; the others are', async () => {
    const dir = scratch();
    const a = L('__name__', 'm');
    const good = await buildBlock(dir, [{ labels: a, samples: samplesEvery(0, 2 * HOUR, 60_000) }], 0, 2 * HOUR);
    const bad = await buildBlock(dir, [{ labels: a, samples: samplesEvery(2 * HOUR, 4 * HOUR, 60_000) }], 2 * HOUR, 4 * HOUR);
    const idx = join(dir, bad.ulid, 'index');
    truncateSync(idx, Math.floor(statSync(idx).size / 2));
    const db = await DB.open(dir, { autoCompact: false });
    try {
      assert.deepEqual(db.blocks().map((m) => m.ulid), [good.ulid]);
      assert.deepEqual(db.damagedBlocks().map((d) => d.ulid), [bad.ulid]);
      assert.ok(db.damagedBlocks()[0]!.error.length > 0);
      assert.deepEqual((await dump(db)).get(a.toString()), samplesEvery(0, 2 * HOUR, 60_000));
      assert.equal(db.metrics.reloadsFailed.labels().value, 1);
      await db.compact();
      await db.reloadBlocks();
      assert.ok(existsSync(join(dir, bad.ulid, 'meta.json')), 'the damaged block stays on disk');
    } finally {
      await db.close();
    }
  });

  void test('time retention deletes whole blocks, oldest first', async () => {
    const dir = scratch();
    await twoHourBlocks(dir, 10, 600_000);
    // Newest block ends at 10h: blocks ending 6h or more before it (at 4h, 2h) go.
    const db = await DB.open(dir, { autoCompact: false, retentionMs: 6 * HOUR });
    try {
      assert.deepEqual(db.blocks().map((m) => m.minTime / HOUR), [4, 6, 8]);
      assert.equal(blockNames(dir).length, 3);
      assert.equal(db.metrics.timeRetentions.labels().value, 1);
    } finally {
      await db.close();
    }
  });

  void test('size retention deletes the oldest blocks beyond the byte limit', async () => {
    const dir = scratch();
    const metas = await twoHourBlocks(dir, 8, 60_000);
    const size = await blockSize(dir, metas[0]!);
    const db = await DB.open(dir, { autoCompact: false, retentionMs: 0, maxBytes: Math.floor(size * 2.5) });
    try {
      assert.deepEqual(db.blocks().map((m) => m.minTime / HOUR), [4, 6]);
      assert.equal(db.metrics.sizeRetentions.labels().value, 1);
    } finally {
      await db.close();
    }
  });

  void test('percentage retention: a share of the filesystem\'s capacity wins over the byte limit; unreadable capacity falls back to it', async () => {
    const dir = scratch();
    const metas = await twoHourBlocks(dir, 8, 60_000);
    const size = await blockSize(dir, metas[0]!);
    // A "filesystem" of 10 blocks: 25% of it holds two and a half blocks.
    let capacity = size * 10;
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => { warnings.push(m); }, with() { return logger; }, child() { return logger; } };
    const db = await DB.open(dir, {
      autoCompact: false, retentionMs: 0, maxBytes: size * 100, maxPercentage: 25,
      fsSize: () => Promise.resolve(capacity), logger: logger as unknown as NonNullable<DBOptions['logger']>,
    });
    try {
      assert.deepEqual(db.blocks().map((m) => m.minTime / HOUR), [4, 6]);
      assert.equal(db.metrics.sizeRetentions.labels().value, 1);
      assert.equal(db.metrics.maxPercentage.labels().value, 25);
      // Capacity unknown: the byte limit (1.5 blocks) applies, with a warning.
      capacity = 0;
      db.setRetention({ retentionMs: 0, maxBytes: Math.floor(size * 1.5), maxPercentage: 25 });
      await db.reloadBlocks();
      assert.deepEqual(db.blocks().map((m) => m.minTime / HOUR), [6]);
      assert.ok(warnings.some((w) => w.startsWith('Unable to retrieve filesystem size')), warnings.join('; '));
    } finally {
      await db.close();
    }
  });

  void test('retention set anew (a configuration reload) applies at the next reload', async () => {
    const dir = scratch();
    await twoHourBlocks(dir, 10, 600_000);
    const db = await DB.open(dir, { autoCompact: false, retentionMs: 0 });
    try {
      assert.equal(db.blocks().length, 5);
      db.setRetention({ retentionMs: 4 * HOUR, maxBytes: 0, maxPercentage: 0 });
      assert.equal(db.metrics.retentionSeconds.labels().value, 4 * 3600);
      await db.reloadBlocks();
      assert.deepEqual(db.blocks().map((m) => m.minTime / HOUR), [6, 8]);
    } finally {
      await db.close();
    }
  });

  void test('the storage path\'s capacity is read from its nearest existing parent before it exists', async () => {
    const dir = scratch();
    assert.ok(await storagePathCapacity(join(dir, 'not', 'yet', 'data')) > 0);
    assert.equal(await fsCapacity(join(dir, 'missing')), 0);
  });

  void test('delete and clean tombstones rewrite the block without the deleted samples', async () => {
    const dir = scratch();
    const a = L('__name__', 'm', 'k', 'a');
    const b = L('__name__', 'm', 'k', 'b');
    await buildBlock(dir, [{ labels: a, samples: samplesEvery(0, 2 * HOUR, 60_000) }, { labels: b, samples: samplesEvery(0, 2 * HOUR, 60_000) }], 0, 2 * HOUR);
    const db = await DB.open(dir, { autoCompact: false });
    try {
      await db.deleteSeries([new Matcher('=', 'k', 'a')], 0, HOUR - 1);
      const want = samplesEvery(HOUR, 2 * HOUR, 60_000);
      assert.deepEqual((await dump(db)).get(a.toString()), want);
      const old = db.blocks()[0]!.ulid;
      await db.cleanTombstones();
      const metas = db.blocks();
      assert.equal(metas.length, 1);
      assert.notEqual(metas[0]!.ulid, old);
      assert.equal(metas[0]!.stats.numTombstones, 0);
      assert.deepEqual(metas[0]!.compaction.parents.map((p) => p.ulid), [old]);
      assert.equal(metas[0]!.stats.numSamples, 120 + 60);
      assert.deepEqual((await dump(db)).get(a.toString()), want);
      assert.deepEqual(blockNames(dir), [metas[0]!.ulid]);
      // Deleting everything of a block leaves no block at all.
      await db.deleteSeries([new Matcher('=~', 'k', '.+')], 0, 2 * HOUR);
      await db.cleanTombstones();
      assert.deepEqual(db.blocks(), []);
      assert.deepEqual(blockNames(dir), []);
    } finally {
      await db.close();
    }
  });

  void test('snapshots hard-link the blocks and write a block of the head', async () => {
    const dir = scratch();
    const snap = join(scratch(), 'snap');
    const a = L('__name__', 'm');
    const meta = await buildBlock(dir, [{ labels: a, samples: samplesEvery(0, 2 * HOUR, 60_000) }], 0, 2 * HOUR);
    const head = new FakeHead();
    const db = await DB.open(dir, { openHead: () => Promise.resolve(head), autoCompact: false });
    try {
      const app = db.appender();
      for (const [t, v] of samplesEvery(2 * HOUR, 3 * HOUR, 60_000)) app.append(0, a, ms(t), v);
      await app.commit();
      await assert.rejects(db.snapshot(dir, true), /cannot snapshot into base directory/);
      await db.snapshot(snap, true);
      const names = blockNames(snap);
      assert.equal(names.length, 2);
      assert.ok(names.includes(meta.ulid));
      assert.equal(statSync(join(snap, meta.ulid, 'index')).ino, statSync(join(dir, meta.ulid, 'index')).ino, 'hard link');
      const other = names.find((n) => n !== meta.ulid)!;
      const hm = (await readMetaFile(join(snap, other))).meta;
      assert.deepEqual([hm.minTime, hm.maxTime, hm.stats.numSamples], [2 * HOUR, 3 * HOUR - 60_000 + 1, 60]);
    } finally {
      await db.close();
    }
    const sdb = await DB.open(snap, { autoCompact: false });
    try {
      assert.equal((await dump(sdb)).get(a.toString())?.length, 180);
    } finally {
      await sdb.close();
    }
  });

  void test('the lock file keeps a second DB out until the first is closed', async () => {
    const dir = scratch();
    const db = await DB.open(dir, { autoCompact: false });
    assert.ok(existsSync(join(dir, 'lock')));
    await assert.rejects(DB.open(dir, { autoCompact: false }), /lock DB directory: resource temporarily unavailable/);
    const nolock = await DB.open(dir, { autoCompact: false, noLockfile: true });
    await nolock.close();
    await db.close();
    assert.ok(!existsSync(join(dir, 'lock')), 'released and removed on close');
    writeFileSync(join(dir, 'lock'), '');
    const registry = new Registry();
    const db2 = await DB.open(dir, { autoCompact: false, registry });
    assert.match(registry.expose(), /prometheus_tsdb_clean_start 0\n/, 'a stale lock file is replaced');
    await db2.close();
  });
});
