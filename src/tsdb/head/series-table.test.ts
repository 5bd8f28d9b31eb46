import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/index.js';
import { MemSeries } from './series.js';
import { SeriesTable } from './series-table.js';

function series(ref: number): MemSeries {
  return new MemSeries(ref, Labels.fromStrings('i', String(ref)));
}

test('series table: get, set, delete and ascending iteration across pages and large refs', () => {
  const t = new SeriesTable();
  const refs = [5, 1, 1023, 1024, 70_000, 2 ** 32 + 7, 3];
  for (const r of refs) t.set(r, series(r));
  assert.equal(t.size, refs.length);
  for (const r of refs) assert.equal(t.get(r)?.ref, r);
  assert.equal(t.get(2), undefined);
  assert.equal(t.get(10_000_000), undefined);
  assert.deepEqual([...t.values()].map((s) => s.ref), [1, 3, 5, 1023, 1024, 70_000, 2 ** 32 + 7]);
  // Replacing keeps the count.
  t.set(5, series(5));
  assert.equal(t.size, refs.length);
  assert.equal(t.delete(1024), true);
  assert.equal(t.delete(1024), false);
  assert.equal(t.delete(2 ** 32 + 7), true);
  assert.equal(t.has(1024), false);
  assert.equal(t.size, refs.length - 2);
  assert.throws(() => { t.set(-1, series(1)); }, /invalid ref/);
});

test('series table: deleting while iterating skips the deleted, empty pages are dropped', () => {
  const t = new SeriesTable();
  for (let r = 1; r <= 3000; r++) t.set(r, series(r));
  const seen: number[] = [];
  for (const s of t.values()) {
    seen.push(s.ref);
    // Delete the current one and the next one.
    t.delete(s.ref);
    t.delete(s.ref + 1);
  }
  assert.equal(seen.length, 1500);
  assert.deepEqual(seen.slice(0, 3), [1, 3, 5]);
  assert.equal(t.size, 0);
  assert.deepEqual([...t.values()], []);
  t.set(2000, series(2000));
  assert.deepEqual([...t.values()].map((s) => s.ref), [2000]);
});
