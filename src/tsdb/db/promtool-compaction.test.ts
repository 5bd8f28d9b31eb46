/**
 * Compaction against Prometheus 2.42's own tools: blocks that promtool backfills from an
 * OpenMetrics file are compacted here into one block, which `promtool tsdb analyze` accepts
 * and `promtool tsdb dump` shows with exactly the samples of the original blocks. The DB's
 * leveled compaction of the same blocks is checked the same way, and timers keep firing
 * while a compaction runs (the event loop is never held for long).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer } from '../../testing/peers.js';
import { Block, isValidULID } from '../block/index.js';
import { generateOpenMetrics } from '../block/testing/openmetrics-gen.js';
import { analyzeBlock, runPromtool } from '../block/testing/promtool.js';
import { DB, compactBlocks } from './index.js';
import { HOUR, dump, tempDir } from './test-support.js';

const promtool = peer('promtool');

function dumpDir(dir: string): string {
  mkdirSync(join(dir, 'wal'), { recursive: true });
  return runPromtool(promtool.path, ['tsdb', 'dump', dir]);
}

const blocksIn = (dir: string): string[] => readdirSync(dir).filter(isValidULID).sort();

function firstDiff(a: string, b: string): string {
  const x = a.split('\n'), y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return `line ${i + 1}: ours ${JSON.stringify(x[i])}, promtool ${JSON.stringify(y[i])}`;
  return 'equal';
}

void describe('compaction of Prometheus 2.42 blocks', { skip: promtool.skip }, () => {
  let root = '';
  let cleanup = (): void => undefined;
  let prom = '';
  let want = '';
  let samples = 0;

  before(() => {
    ({ dir: root, cleanup } = tempDir('wf-compact-'));
    // 9.5 hours of 60 s samples from a 6h boundary: five 2h blocks (the last partial). promtool's
    // blocks end at their last sample, not at the 2h boundary, so the first 6h group becomes
    // compactable (as in Prometheus) only once a block of the next group exists besides the newest.
    const startSec = Math.floor(Date.now() / 21_600_000) * 21_600 - 24 * 3600;
    const g = generateOpenMetrics({ startSec, stepSec: 60, samples: 570, perFamily: 100 });
    for (const s of g.series) samples += s.ts.length;
    writeFileSync(join(root, 'data.om'), g.text);
    prom = join(root, 'prom');
    mkdirSync(prom);
    runPromtool(promtool.path, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(root, 'data.om'), prom]);
    want = dumpDir(prom);
  });
  after(() => { cleanup(); });

  void test('all blocks into one: promtool analyzes it and dumps the same samples', async () => {
    const src = blocksIn(prom);
    assert.equal(src.length, 5);
    const out = join(root, 'one');
    mkdirSync(out);
    const blocks = await Promise.all(src.map((u) => Block.open(join(prom, u))));
    let res;
    const t0 = performance.now();
    try {
      res = await compactBlocks(out, blocks);
    } finally {
      for (const b of blocks) await b.close();
    }
    const secs = (performance.now() - t0) / 1000;
    assert.ok(res.meta !== null);
    const meta = res.meta;
    assert.equal(meta.stats.numSamples, samples);
    assert.equal(meta.compaction.level, 2);
    assert.deepEqual([...meta.compaction.sources].sort(), src);
    assert.equal(res.reencodedChunks, 0, 'aligned blocks: every chunk is copied as is');
    const a = analyzeBlock(promtool.path, out, meta.ulid);
    assert.equal(a.series, 400);
    const got = dumpDir(out);
    assert.ok(got === want, `dump differs: ${firstDiff(got, want)}`);

    // Figures: speed, and bytes per sample against promtool's blocks of the same data.
    const ours = await Block.open(join(out, meta.ulid));
    let theirs = 0;
    for (const u of src) {
      const b = await Block.open(join(prom, u));
      theirs += b.size();
      await b.close();
    }
    const size = ours.size();
    await ours.close();
    console.log(`# compaction: ${samples} samples, ${src.length} blocks -> 1 in ${secs.toFixed(3)} s (${Math.round(samples / secs)} samples/s); ` +
      `${(size / samples).toFixed(3)} bytes/sample compacted vs ${(theirs / samples).toFixed(3)} in Prometheus's 2h blocks`);
  });

  void test('the DB compacts the three oldest into one block and serves the same data; timers keep firing meanwhile', async () => {
    const dir = join(root, 'db');
    cpSync(prom, dir, { recursive: true });
    rmSync(join(dir, 'wal'), { recursive: true, force: true });
    const db = await DB.open(dir, { autoCompact: false, retentionMs: 0 });
    let ticks = 0, maxLate = 0, last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxLate = Math.max(maxLate, now - last - 2);
      last = now;
      ticks++;
    }, 2);
    try {
      const before = await dump(db);
      const t0 = performance.now();
      last = t0;
      ticks = 0;
      await db.compact();
      const secs = (performance.now() - t0) / 1000;
      clearInterval(timer);
      const metas = db.blocks();
      assert.equal(metas.length, 3);
      assert.ok(metas[0]!.maxTime - metas[0]!.minTime > 5 * HOUR);
      assert.equal(metas[0]!.compaction.level, 2);
      assert.ok(ticks > 0, 'a 2 ms timer fired during the compaction');
      console.log(`# DB compaction ${secs.toFixed(3)} s; 2 ms timer fired ${ticks} times, worst lateness ${maxLate.toFixed(1)} ms`);
      assert.deepEqual(await dump(db), before);
    } finally {
      clearInterval(timer);
      await db.close();
    }
    const got = dumpDir(dir);
    assert.ok(got === want, `dump differs: ${firstDiff(got, want)}`);
    for (const u of blocksIn(dir)) analyzeBlock(promtool.path, dir, u);
  });
});
