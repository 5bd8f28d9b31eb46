/**
 * Start timestamps stored (Prometheus's `st-storage`): they go into the WAL as V2 records and
 * into XOR2 float chunks, come back through the querier's `atST`, survive a restart (WAL
 * replay and chunks_head), a checkpoint and head compaction into a block; st-storage with XOR
 * chunks is refused as Prometheus refuses it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CounterResetHint, Matcher, type Histogram, type Labels } from '../../model/index.js';
import { ValueType, type Queryable, type SampleIterator } from '../../storage/interface.js';
import { Block } from '../block/index.js';
import { Encoding } from '../chunkenc/index.js';
import { RecordDecoder, RecordType, SampleBatch } from '../record/index.js';
import { readAll } from '../wal/test-support.js';
import { DB, openTSDBHead, type DBOptions } from './index.js';
import { HOUR, L, ms, scratchDirs } from './test-support.js';

const scratch = scratchDirs('wf-st-');

const opts = (o: DBOptions = {}): DBOptions => ({
  openHead: openTSDBHead({ walSync: 'write' }), autoCompact: false, floatChunkEncoding: 'xor2', enableSTStorage: true, ...o,
});

const C = L('__name__', 'wf_requests_total', 'k', 'a');
const G = L('__name__', 'wf_temperature', 'k', 'a');

/** [t, value, st] of every sample of every series; histograms give their count as the value. */
async function dumpST(q: Queryable): Promise<Map<string, [number, number, number][]>> {
  const querier = await q.querier(ms(-1e15), ms(1e15));
  const out = new Map<string, [number, number, number][]>();
  try {
    const set = await querier.select(true, null, [new Matcher('=~', '__name__', '.+')]);
    let it: SampleIterator | null = null;
    while (set.next()) {
      const s = set.at();
      it = s.iterator(it);
      const rows: [number, number, number][] = [];
      for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
        const v = vt === ValueType.Float ? it.atF() : vt === ValueType.Histogram ? it.atHistogram().count : it.atFloatHistogram().count;
        rows.push([it.atT(), v, it.atST?.() ?? 0]);
      }
      assert.equal(it.err(), null);
      out.set(s.labels.toString(), rows);
    }
    assert.equal(set.err(), null);
  } finally {
    await querier.close();
  }
  return out;
}

/**
 * A counter every 15 s over [from, to) with a start timestamp that changes at each reset
 * (every 100 samples), and a gauge without one.
 */
async function fill(db: DB, from: number, to: number): Promise<void> {
  const refs = new Map<Labels, number>();
  let i = 0;
  for (let t = from; t < to; t += 15_000, i++) {
    const app = db.appender();
    const st = from + Math.floor(i / 100) * 100 * 15_000 - 1000;
    refs.set(C, app.append(refs.get(C) ?? 0, C, ms(t), i % 100, ms(st)));
    refs.set(G, app.append(refs.get(G) ?? 0, G, ms(t), Math.sin(i)));
    await app.commit();
  }
}

function expected(from: number, to: number): Map<string, [number, number, number][]> {
  const c: [number, number, number][] = [];
  const g: [number, number, number][] = [];
  let i = 0;
  for (let t = from; t < to; t += 15_000, i++) {
    c.push([t, i % 100, from + Math.floor(i / 100) * 100 * 15_000 - 1000]);
    g.push([t, Math.sin(i), 0]);
  }
  return new Map([[C.toString(), c], [G.toString(), g]]);
}

async function walSampleRecords(dir: string): Promise<{ types: Set<number>; sts: number[] }> {
  const { records, err } = await readAll({ dir: join(dir, 'wal') });
  assert.equal(err, null);
  const dec = new RecordDecoder();
  const types = new Set<number>();
  const sts: number[] = [];
  const b = new SampleBatch(16);
  for (const r of records) {
    const t = dec.type(r);
    if (t !== RecordType.Samples && t !== RecordType.SamplesV2) continue;
    types.add(t);
    b.reset();
    dec.samples(r, b);
    for (let i = 0; i < b.length; i++) sts.push(b.st[i]!);
  }
  return { types, sts };
}

void describe('tsdb db: start timestamps stored (st-storage)', () => {
  const base = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - 4 * HOUR;

  void test('V2 WAL records, XOR2 chunks, a restart, a checkpoint and a block keep every start timestamp', async () => {
    const dir = scratch();
    const want = expected(base, base + 3.5 * HOUR);
    const db = await DB.open(dir, opts());
    try {
      await fill(db, base, base + 3.5 * HOUR);
      assert.deepEqual(await dumpST(db), want);
      const wal = await walSampleRecords(dir);
      assert.deepEqual([...wal.types], [RecordType.SamplesV2], 'only SamplesV2 records');
      assert.ok(wal.sts.some((st) => st !== 0) && wal.sts.includes(0), 'the counter has start timestamps, the gauge none');
    } finally {
      await db.close();
    }
    // Restart: chunks_head (full XOR2 chunks) and the WAL's V2 records.
    const db2 = await DB.open(dir, opts());
    try {
      assert.deepEqual(await dumpST(db2), want);
      // Head compaction writes the first 2 h into a block (and checkpoints the WAL).
      await db2.compact();
      assert.equal(db2.blocks().length, 1);
      assert.deepEqual(await dumpST(db2), want);
      await fill(db2, base + 3.5 * HOUR, base + 4 * HOUR);
    } finally {
      await db2.close();
    }
    const db3 = await DB.open(dir, opts());
    try {
      const all = expected(base, base + 3.5 * HOUR);
      const more = expected(base + 3.5 * HOUR, base + 4 * HOUR);
      for (const [k, rows] of more) all.get(k)!.push(...rows);
      assert.deepEqual(await dumpST(db3), all);
    } finally {
      await db3.close();
    }
  });

  void test('without st-storage the WAL keeps V1 records and the start timestamps do not survive a restart', async () => {
    const dir = scratch();
    const db = await DB.open(dir, opts({ enableSTStorage: false }));
    try {
      await fill(db, base, base + 10 * 60_000);
      // XOR2 chunks in memory take start timestamps whatever the WAL records, as in Prometheus.
      assert.deepEqual(await dumpST(db), expected(base, base + 10 * 60_000));
      assert.deepEqual([...(await walSampleRecords(dir)).types], [RecordType.Samples]);
    } finally {
      await db.close();
    }
    const db2 = await DB.open(dir, opts({ enableSTStorage: false }));
    try {
      const got = await dumpST(db2);
      assert.ok([...got.values()].every((rows) => rows.every((r) => r[2] === 0)), 'replayed from V1 records: no start timestamps');
    } finally {
      await db2.close();
    }
  });

  void test('an open XOR chunk is cut when the head reopens with st-storage', async () => {
    const dir = scratch();
    const db = await DB.open(dir, opts({ enableSTStorage: false, floatChunkEncoding: 'xor' }));
    try {
      await fill(db, base, base + 5 * 60_000);
    } finally {
      await db.close();
    }
    const db2 = await DB.open(dir, opts());
    try {
      await fill(db2, base + 5 * 60_000, base + 10 * 60_000);
      const got = (await dumpST(db2)).get(C.toString())!;
      assert.equal(got.length, 40);
      // The first 20 samples came back from V1 records into an XOR chunk (no start
      // timestamps); the next ones went into a new XOR2 chunk with theirs.
      assert.ok(got.slice(0, 20).every((r) => r[2] === 0));
      assert.ok(got.slice(20).every((r) => r[2] === base + 5 * 60_000 - 1000), JSON.stringify(got.slice(20, 22)));
    } finally {
      await db2.close();
    }
  });

  void test('out-of-order samples keep their start timestamps: in memory, in chunks_head, through the WBL and in blocks', async () => {
    const dir = scratch();
    const o = opts({ openHead: openTSDBHead({ walSync: 'write', outOfOrderTimeWindow: 5 * HOUR, outOfOrderCapMax: 4 }) });
    const t0 = base + 30 * 60_000;
    const want: [number, number, number][] = [];
    const db = await DB.open(dir, o);
    try {
      // In order every minute for 3.5 hours, then 30 s points in between, out of order.
      let app = db.appender();
      for (let i = 0; i < 210; i++) app.append(0, C, ms(t0 + i * 60_000), i, ms(t0 - 1000));
      await app.commit();
      app = db.appender();
      for (let i = 0; i < 10; i++) app.append(0, C, ms(t0 + i * 60_000 + 30_000), 100 + i, ms(t0 + i));
      await app.commit();
      for (let i = 0; i < 210; i++) {
        want.push([t0 + i * 60_000, i, t0 - 1000]);
        if (i < 10) want.push([t0 + i * 60_000 + 30_000, 100 + i, t0 + i]);
      }
      assert.deepEqual((await dumpST(db)).get(C.toString()), want, 'merged with the open and written out-of-order chunks');
    } finally {
      await db.close();
    }
    const db2 = await DB.open(dir, o);
    try {
      assert.deepEqual((await dumpST(db2)).get(C.toString()), want, 'after the WAL and WBL replay');
      await db2.compact();
      assert.ok(db2.blocks().length >= 1);
      assert.deepEqual((await dumpST(db2)).get(C.toString()), want, 'after compaction into blocks');
    } finally {
      await db2.close();
    }
  });

  void test('native histograms keep their start timestamps in chunks of encodings 5 and 6 (histograms-st-encoding)', async () => {
    const dir = scratch();
    const o = opts({ openHead: openTSDBHead({ walSync: 'write', enableHistogramSTEncoding: true }) });
    const H = L('__name__', 'wf_latency_seconds', 'k', 'a');
    const F = L('__name__', 'wf_size_bytes', 'k', 'a');
    const want = new Map<string, [number, number, number][]>([[H.toString(), []], [F.toString(), []]]);
    const db = await DB.open(dir, o);
    try {
      for (let i = 0; i < 3.5 * 240; i++) {
        const t = base + i * 15_000;
        // A reset every 100 samples, with a new start timestamp; a new bucket now and then (recoding).
        const n = (i % 100) + 1;
        const st = base + Math.floor(i / 100) * 100 * 15_000 - 1000;
        // Integer buckets are deltas ([n, -n]: counts n and 0), float ones absolute.
        const buckets = i % 100 < 50 ? [n] : [n, -n];
        const spans = [{ offset: 0, length: buckets.length }];
        const h: Histogram = {
          counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount: 0, count: n, sum: n * 2,
          positiveSpans: spans, negativeSpans: [], positiveBuckets: buckets, negativeBuckets: [], customValues: [],
        };
        const app = db.appender();
        app.appendHistogram(0, H, ms(t), h, null, ms(st));
        app.appendHistogram(0, F, ms(t), null, { ...h, positiveBuckets: buckets.map((b, j) => (j === 0 ? b : 0)), counterResetHint: CounterResetHint.Gauge }, ms(st + 7));
        await app.commit();
        want.get(H.toString())!.push([t, n, st]);
        want.get(F.toString())!.push([t, n, st + 7]);
      }
      assert.deepEqual(await dumpST(db), want);
    } finally {
      await db.close();
    }
    const db2 = await DB.open(dir, o);
    try {
      assert.deepEqual(await dumpST(db2), want, 'after a restart (chunks_head and the WAL)');
      await db2.compact();
      assert.deepEqual(await dumpST(db2), want, 'after compaction');
      const encs = new Set<number>();
      for (const meta of db2.blocks()) {
        const b = await Block.open(join(dir, meta.ulid));
        try {
          for (const sr of await b.select([new Matcher('=~', '__name__', '.+')], meta.minTime, meta.maxTime)) {
            for (const c of sr.chunks) encs.add((await b.chunks.chunk(c.ref)).encoding);
          }
        } finally {
          await b.close();
        }
      }
      assert.deepEqual([...encs].sort(), [Encoding.HistogramST, Encoding.FloatHistogramST]);
    } finally {
      await db2.close();
    }
  });

  void test('st-storage with XOR chunks is refused at open and at a configuration change', async () => {
    await assert.rejects(DB.open(scratch(), opts({ floatChunkEncoding: 'xor' })), {
      message: 'float chunk encoding "xor" is incompatible with start-timestamp storage; XOR chunks do not store start timestamps, use "xor2"',
    });
    const db = await DB.open(scratch(), opts());
    try {
      assert.throws(() => { db.setFloatChunkEncoding('xor'); }, {
        message: "'storage.tsdb.chunk_encoding.floats: xor' is incompatible with st-storage; XOR chunks do not store start timestamps",
      });
      assert.equal(db.floatChunkEncoding, 'xor2');
    } finally {
      await db.close();
    }
  });
});
