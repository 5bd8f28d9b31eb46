/**
 * The block window of the backfill: the head's chunk-cutting rules and promtool's
 * batch-commit error semantics, on hand-made sample sequences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueType } from '../../storage/interface.js';
import { XorChunk } from '../chunkenc/index.js';
import { BackfillWindow, computeChunkEndTime, MAX_SAMPLES_IN_APPENDER, rangeForTimestamp } from './backfill-window.js';
import { compatibleBlockDuration } from './backfill.js';

const H = 3600_000;

/** Chunks of series 0 as [mint, maxt, samples]. */
function chunks(w: BackfillWindow): [number, number, number][] {
  w.seal();
  const b = w.builders[0]!;
  const out: [number, number, number][] = [];
  for (let i = 0; i < b.done.length; i += 4) {
    const c = XorChunk.fromBytes(w.arena.view(b.done[i]!, b.done[i + 1]!));
    out.push([b.done[i + 2]!, b.done[i + 3]!, c.numSamples()]);
  }
  return out;
}

test('block durations and chunk ranges as Prometheus computes them', () => {
  const cases: [number, number][] = [[0, 2 * H], [H, 2 * H], [5 * H, 2 * H], [6 * H, 6 * H], [24 * H, 18 * H], [54 * H, 54 * H], [1e12, 2 * H * 3 ** 9]];
  for (const [max, want] of cases) assert.equal(compatibleBlockDuration(max), want, String(max));
  assert.equal(rangeForTimestamp(7_199_999, 7_200_000), 7_200_000);
  assert.equal(rangeForTimestamp(7_200_000, 7_200_000), 14_400_000);
  assert.equal(rangeForTimestamp(-1, 7_200_000), 7_200_000);
  assert.equal(computeChunkEndTime(0, 29 * 15_000, 14_400_000, 4), 1_800_000);
  assert.equal(computeChunkEndTime(0, 1000, 2000, 4), 2000);
});

test('chunks are cut at the predicted end time, 240 samples, the range end and 1005 bytes', () => {
  // 15 s samples over 2h: the end is predicted after 30 samples, giving 120-sample chunks.
  let w = new BackfillWindow(0, 2 * H);
  for (let t = 0; t < 2 * H; t += 15_000) w.add(0, t, t % 7);
  assert.deepEqual(chunks(w), [[0, 1_785_000, 120], [1_800_000, 3_585_000, 120], [3_600_000, 5_385_000, 120], [5_400_000, 7_185_000, 120]]);
  // 1 s samples: the prediction spreads them into chunks of about 120.
  w = new BackfillWindow(0, 2 * H);
  for (let t = 0; t < 300_000; t += 1000) w.add(0, t, 1);
  assert.deepEqual(chunks(w).map((c) => c[2]), [117, 117, 66]);
  // A rate that rises after the prediction: cut at 240 samples.
  w = new BackfillWindow(0, 2 * H);
  for (let i = 0; i < 30; i++) w.add(0, i * 60_000, 1);
  for (let i = 0; i < 400; i++) w.add(0, 1_800_000 + i * 1000, 1);
  assert.deepEqual(chunks(w).map((c) => c[2]), [240, 117, 73]);
  // Random values fill 1005 bytes before 120 samples.
  w = new BackfillWindow(0, 2 * H);
  for (let i = 0, t = 0; i < 200; i++) {
    t += 15_000 + ((i * 7919) % 997);
    w.add(0, t, Math.sin(i * 12.9898) * 43758.5453);
  }
  const cs = chunks(w);
  assert.ok(cs.length >= 3 && cs[0]![2] < 120, JSON.stringify(cs));
  for (const c of cs.slice(0, -1)) {
    const b = w.builders[0]!;
    const i = cs.indexOf(c) * 4;
    assert.ok(b.done[i + 1]! > 1005 && b.done[i + 1]! <= 1024, `chunk of ${b.done[i + 1]} bytes`);
  }
  // Every sample survives, in order.
  const b = w.builders[0]!;
  let n = 0, last = -1;
  for (let i = 0; i < b.done.length; i += 4) {
    const it = XorChunk.fromBytes(w.arena.view(b.done[i]!, b.done[i + 1]!)).iterator(null);
    while (it.next() === ValueType.Float) { assert.ok(it.atT() > last); last = it.atT(); n++; }
  }
  assert.equal(n, 200);
});

test('batches: dropped within one, errors across', () => {
  const w = new BackfillWindow(0, 2 * H);
  w.add(0, 1000, 1);
  w.add(0, 500, 2); // same batch: dropped
  w.add(0, 1000, 3); // same batch, other value: dropped
  assert.equal(w.error, null);
  for (let i = 3; i < MAX_SAMPLES_IN_APPENDER; i++) w.add(1, i, i);
  w.add(0, 1000, 1); // next batch, same sample as committed: fine, dropped
  assert.equal(w.error, null);
  w.add(0, 999, 1);
  assert.equal(w.error, 'out of order sample');
  const d = new BackfillWindow(0, 2 * H);
  d.add(0, 1000, 1);
  for (let i = 1; i < MAX_SAMPLES_IN_APPENDER; i++) d.add(1, i, i);
  d.add(0, 1000, 2);
  assert.equal(d.error, 'duplicate sample for timestamp 1000; overrides not allowed: existing 1, new value 2');
  const z = new BackfillWindow(0, 2 * H);
  z.add(0, 0, 1);
  for (let i = 1; i < MAX_SAMPLES_IN_APPENDER; i++) z.add(1, i, i);
  z.add(0, 0, -1);
  assert.equal(z.error, 'duplicate sample for timestamp');
  assert.equal(w.count, MAX_SAMPLES_IN_APPENDER + 1);
});
