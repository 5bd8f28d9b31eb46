import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/index.js';
import { RecordEncoder } from '../record/index.js';
import { eventually } from '../../testing/peers.js';
import { LiveReader, PAGE_SIZE, WalWatcher, Wlog, checkpoint, deleteSegmentsBefore, type WatchPosition } from './index.js';
import { makeRecord, sameBytes, withTempDir } from './test-support.js';

interface Seen { id: number; at: WatchPosition }

/** Records carry their id in the first two bytes (after a type byte the watcher may look at). */
function rec(id: number, size = 200): Uint8Array {
  const r = makeRecord(id, size);
  r[0] = 200; // an unknown record type: checkpoints drop it, the watcher passes it on
  r[1] = id >> 8;
  r[2] = id & 0xff;
  return r;
}

describe('LiveReader', () => {
  it('returns records as they land and waits on partial ones', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { sync: 'write', compression: 'none' });
      const lr = await LiveReader.open(dir, 0);
      try {
        assert.equal(await lr.poll(), 0);
        assert.equal(lr.next(), false);
        assert.equal(lr.err(), null);
        await w.log([rec(1), rec(2, 50_000)]);
        await lr.poll();
        assert.ok(lr.next());
        assert.ok(sameBytes(lr.record(), rec(1)));
        assert.ok(lr.next());
        assert.ok(sameBytes(lr.record(), rec(2, 50_000)));
        assert.equal(lr.next(), false);
        await w.log([rec(3)]);
        await lr.poll();
        assert.ok(lr.next());
        assert.ok(sameBytes(lr.record(), rec(3)));
        assert.equal(lr.err(), null);
      } finally {
        await lr.close();
        await w.close();
      }
    });
  });
});

describe('WalWatcher', () => {
  it('replays the checkpoint and old segments, then tails new records across segments', async () => {
    await withTempDir(async (dir) => {
      const enc = new RecordEncoder();
      const w = await Wlog.open(dir, { sync: 'write', compression: 'snappy', segmentSize: 4 * PAGE_SIZE });
      // A checkpoint of segment 0 (one series record), then segments 1 (old) and 2 (live).
      await w.log([enc.series([{ ref: 1, labels: Labels.fromStrings('__name__', 'a') }])]);
      await w.nextSegment();
      await checkpoint(dir, 0, 0, () => true, 0);
      await deleteSegmentsBefore(dir, 1);
      await w.log([rec(10), rec(11)]);
      await w.nextSegment();
      await w.log([rec(20)]);

      const seen: Seen[] = [];
      let checkpoints: number[] = [];
      const watcher = new WalWatcher(dir, {
        record: (r, at) => { seen.push({ id: r[0] === 1 ? -1 : (r[1]! << 8) | r[2]!, at: { ...at } }); },
        checkpoint: (i) => { checkpoints.push(i); },
      }, { pollIntervalMs: 1000, checkpointIntervalMs: 20 });
      const off = w.onWrite(() => { watcher.notify(); });
      const ac = new AbortController();
      const running = watcher.run(ac.signal);
      try {
        await eventually(() => (seen.length >= 4 ? true : undefined), 5000, 'replay');
        assert.deepEqual(seen.map((s) => [s.id, s.at.source, s.at.segment, s.at.tail]), [
          [-1, 'checkpoint', 0, false],
          [10, 'segment', 1, false],
          [11, 'segment', 1, false],
          [20, 'segment', 2, true],
        ]);
        // Live: notifications make new records show up long before the 1 s poll.
        const t0 = Date.now();
        await w.log([rec(21)]);
        await eventually(() => (seen.length >= 5 ? true : undefined), 900, 'notified record');
        assert.ok(Date.now() - t0 < 900);
        // Across a segment change, big records included.
        await w.nextSegment();
        await w.log([rec(30, 70_000), rec(31)]);
        await eventually(() => (seen.length >= 7 ? true : undefined), 5000, 'records of the next segment');
        assert.deepEqual(seen.slice(4).map((s) => [s.id, s.at.segment, s.at.tail]), [[21, 2, true], [30, 3, true], [31, 3, true]]);

        // A checkpoint written while tailing: its series are delivered for GC, then checkpoint(index).
        checkpoints = [];
        await checkpoint(dir, 1, 2, () => true, 0);
        await eventually(() => (checkpoints.length > 0 ? true : undefined), 5000, 'checkpoint notice');
        assert.deepEqual(checkpoints, [2]);
        assert.ok(seen.some((s) => s.at.source === 'checkpoint-gc' && s.id === -1));
      } finally {
        ac.abort();
        await running;
        off();
        await w.close();
      }
    });
  });

  it('picks up writes of another process by polling', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { sync: 'write', compression: 'none' });
      await w.log([rec(1)]);
      const seen: number[] = [];
      const watcher = new WalWatcher(dir, { record: (r) => { seen.push(r[2]!); } }, { pollIntervalMs: 10 });
      const ac = new AbortController();
      const running = watcher.run(ac.signal);
      try {
        await eventually(() => (seen.length === 1 ? true : undefined), 5000, 'first record');
        await w.log([rec(2)]); // no notify(): only the poll finds it
        await eventually(() => (seen.length === 2 ? true : undefined), 5000, 'polled record');
        assert.deepEqual(seen, [1, 2]);
      } finally {
        ac.abort();
        await running;
        await w.close();
      }
    });
  });

  it('reads up to maxSegment and returns', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { sync: 'write', compression: 'none' });
      await w.log([rec(1)]);
      await w.nextSegment();
      await w.log([rec(2)]);
      await w.nextSegment();
      await w.log([rec(3)]);
      await w.close();
      const seen: number[] = [];
      await new WalWatcher(dir, { record: (r) => { seen.push(r[2]!); } }, { maxSegment: 1 }).run(new AbortController().signal);
      assert.deepEqual(seen, [1, 2]);
    });
  });

  it('awaits a slow handler before the next record (backpressure)', async () => {
    await withTempDir(async (dir) => {
      const w = await Wlog.open(dir, { sync: 'write', compression: 'none' });
      await w.log([rec(1), rec(2), rec(3)]);
      await w.close();
      const order: string[] = [];
      const watcher = new WalWatcher(dir, {
        record: async (r) => {
          order.push(`start ${r[2]}`);
          await new Promise((res) => setTimeout(res, 5));
          order.push(`end ${r[2]}`);
        },
      }, { maxSegment: 0 });
      await watcher.run(new AbortController().signal);
      assert.deepEqual(order, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    });
  });
});
