/**
 * `storage.tsdb.chunk_encoding.floats: xor2` (Prometheus's `xor2-encoding`): the head cuts XOR2
 * float chunks (in memory, in chunks_head, for out-of-order data), head compaction writes them
 * into blocks, merges re-encode floats as XOR2, a change applies from the next chunk, and the
 * data reads back the same through every path, also after a restart.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Matcher } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { Block, isValidULID } from '../block/index.js';
import { Encoding } from '../chunkenc/index.js';
import { DB, compactBlocks, openTSDBHead, type DBOptions } from './index.js';
import { HOUR, L, dump, ms, scratchDirs } from './test-support.js';

const scratch = scratchDirs('wf-xor2-');

const opts = (o: DBOptions = {}): DBOptions => ({ openHead: openTSDBHead({ walSync: 'write' }), autoCompact: false, ...o });

const SERIES = [L('__name__', 'wf_x', 'k', 'a'), L('__name__', 'wf_x', 'k', 'b')];

/** 15 s samples of two series over [from, to), a stale marker now and then. */
async function fill(db: DB, from: number, to: number): Promise<void> {
  const refs = [0, 0];
  for (let t = from; t < to; t += 15_000) {
    const app = db.appender();
    for (let i = 0; i < SERIES.length; i++) {
      if (i === 1 && t % (40 * 15_000) === 0) refs[i] = app.appendStale(refs[i]!, SERIES[i]!, ms(t));
      else refs[i] = app.append(refs[i]!, SERIES[i]!, ms(t), i * 1000 + Math.sin(t / 1e6) * 100);
    }
    await app.commit();
  }
}

/** The encodings of every chunk of every block, counted. */
async function blockEncodings(db: DB): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const meta of db.blocks()) {
    const b = await Block.open(join(db.dir, meta.ulid));
    try {
      for (const s of await b.select([new Matcher('=~', '__name__', '.+')], meta.minTime, meta.maxTime)) {
        for (const c of s.chunks) {
          const e = (await b.chunks.chunk(c.ref)).encoding;
          out.set(e, (out.get(e) ?? 0) + 1);
        }
      }
    } finally {
      await b.close();
    }
  }
  return out;
}

void describe('tsdb db: XOR2 float chunks', () => {
  const base = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - 4 * HOUR;

  void test('the head writes XOR2 chunks, compaction keeps them, and a restart reads them back', async () => {
    const dir = scratch();
    const db = await DB.open(dir, opts({ floatChunkEncoding: 'xor2' }));
    let before;
    try {
      assert.equal(db.floatChunkEncoding, 'xor2');
      await fill(db, base, base + 3.5 * HOUR);
      before = await dump(db);
      assert.equal(before.get(SERIES[0]!.toString())?.length, 3.5 * 240);
      await db.compact();
      const enc = await blockEncodings(db);
      assert.deepEqual([...enc.keys()], [Encoding.XOR2], 'every float chunk of the block is XOR2');
      assert.deepEqual(await dump(db), before);
    } finally {
      await db.close();
    }
    // Reopened with the default: chunks_head and the WAL replay into the head, blocks load.
    const db2 = await DB.open(dir, opts());
    try {
      assert.deepEqual(await dump(db2), before);
    } finally {
      await db2.close();
    }
  });

  void test('a change applies from the next chunk, and merges re-encode floats in the chosen encoding', async () => {
    const dir = scratch();
    const db = await DB.open(dir, opts());
    try {
      await fill(db, base, base + HOUR);
      db.setFloatChunkEncoding('xor2');
      assert.equal(db.floatChunkEncoding, 'xor2');
      await fill(db, base + HOUR, base + 3.5 * HOUR);
      const before = await dump(db);
      await db.compact();
      const enc = await blockEncodings(db);
      assert.ok((enc.get(Encoding.XOR) ?? 0) > 0 && (enc.get(Encoding.XOR2) ?? 0) > 0, `both encodings in the block: ${JSON.stringify([...enc])}`);
      assert.deepEqual(await dump(db), before);

      // A block overlapping it (other samples, same series) merged with it: re-encoded as XOR2.
      const dir2 = scratch();
      const db2 = await DB.open(dir2, opts());
      try {
        await fill(db2, base + 7_000, base + 3.5 * HOUR);
        await db2.compact();
      } finally {
        await db2.close();
      }
      const out = scratch();
      const blocks = await Promise.all([
        ...db.blocks().map((m) => Block.open(join(dir, m.ulid))),
        ...readdirSync(dir2).filter(isValidULID).map((u) => Block.open(join(dir2, u))),
      ]);
      try {
        const res = await compactBlocks(out, blocks, { floatEncoding: Encoding.XOR2 });
        assert.ok(res.meta !== null && res.overlapping && res.reencodedChunks > 0, JSON.stringify({ overlapping: res.overlapping, reencoded: res.reencodedChunks }));
        const merged = await Block.open(join(out, res.meta.ulid));
        try {
          let n = 0;
          for (const s of await merged.select([new Matcher('=~', '__name__', '.+')], res.meta.minTime, res.meta.maxTime)) {
            for (const c of s.chunks) {
              assert.equal((await merged.chunks.chunk(c.ref)).encoding, Encoding.XOR2);
              n++;
            }
          }
          assert.ok(n > 0);
        } finally {
          await merged.close();
        }
      } finally {
        for (const b of blocks) await b.close();
      }
    } finally {
      await db.close();
    }
  });

  void test('out-of-order samples go into XOR2 chunks too', async () => {
    const dir = scratch();
    const db = await DB.open(dir, { openHead: openTSDBHead({ walSync: 'write', outOfOrderTimeWindow: 5 * HOUR }), autoCompact: false, floatChunkEncoding: 'xor2' });
    try {
      await fill(db, base + HOUR, base + 4.5 * HOUR);
      // Older samples, out of order, enough to fill several out-of-order chunks.
      const l = L('__name__', 'wf_ooo');
      for (let t = base + HOUR - 15_000; t > base; t -= 15_000) {
        const app = db.appender();
        app.append(0, l, ms(t), t / 1000);
        await app.commit();
      }
      const before = await dump(db);
      assert.equal(before.get(l.toString())?.length, 239);
      await db.compact();
      const enc = await blockEncodings(db);
      assert.deepEqual([...enc.keys()], [Encoding.XOR2]);
      const after = await dump(db);
      assert.deepEqual(after, before);
      const q = await db.querier(ms(base), ms(base + HOUR));
      try {
        const set = await q.select(true, null, [new Matcher('=', '__name__', 'wf_ooo')]);
        assert.ok(set.next());
        const it = set.at().iterator(null);
        assert.equal(it.next(), ValueType.Float);
        assert.equal(it.atT(), base + 15_000);
      } finally {
        await q.close();
      }
    } finally {
      await db.close();
    }
  });
});
