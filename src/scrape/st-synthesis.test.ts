import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, type FloatHistogram, type Histogram } from '../model/index.js';
import { STSynthesis } from './st-synthesis.js';

const T = 1_700_000_000_000;

function hist(count: number, buckets: number[], zeroCount = 0): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount, count, sum: count * 1.5,
    positiveSpans: [{ offset: 0, length: buckets.length }], negativeSpans: [], positiveBuckets: buckets, negativeBuckets: [], customValues: [],
  };
}

test('which series get synthesis: members of counter and histogram families only', () => {
  assert.notEqual(STSynthesis.forSeries('c_total', 'c', 'counter'), null);
  assert.notEqual(STSynthesis.forSeries('h_bucket', 'h', 'histogram'), null);
  assert.notEqual(STSynthesis.forSeries('h_count', 'h', 'histogram'), null);
  assert.equal(STSynthesis.forSeries('s_count', 's', 'summary'), null);
  assert.equal(STSynthesis.forSeries('g', 'g', 'gauge'), null);
  assert.equal(STSynthesis.forSeries('other_total', 'c', 'counter'), null, 'not of the family the metadata names');
  assert.equal(STSynthesis.forSeries('c_total', null, null), null, 'no metadata');
});

test('floats: the first sample is the origin, later ones are measured from it, a reset restarts from zero', () => {
  const s = new STSynthesis();
  assert.equal(s.float(100, T), 100);
  assert.deepEqual([s.skip, s.st], [true, T]);
  assert.equal(s.float(130, T + 15_000), 30);
  assert.deepEqual([s.skip, s.st], [false, T]);
  assert.equal(s.float(130, T + 30_000), 30, 'unchanged');
  assert.equal(s.float(7, T + 45_000), 7, 'after a reset the value is stored as scraped');
  assert.equal(s.st, T + 45_000 - 1);
  assert.equal(s.float(9, T + 60_000), 9);
  assert.equal(s.st, T + 45_000 - 1);
});

test('integer histograms: counts and buckets minus the origin, buckets delta-encoded again; a reset passes them through', () => {
  const s = new STSynthesis();
  const first = hist(10, [4, 2], 4); // absolute buckets 4, 6
  assert.equal(s.histogram(first, T), first);
  assert.equal(s.skip, true);
  const later = s.histogram(hist(15, [5, 4], 6), T + 15_000); // absolute 5, 9
  assert.equal(s.skip, false);
  assert.equal(s.st, T);
  assert.deepEqual([later.count, later.zeroCount, later.sum], [5, 2, 15 * 1.5 - 10 * 1.5]);
  assert.deepEqual(later.positiveBuckets, [1, 2], 'absolute 1 and 3 as deltas');
  assert.deepEqual(later.positiveSpans, [{ offset: 0, length: 2 }]);
  const reset = hist(2, [1, 0], 1);
  assert.equal(s.histogram(reset, T + 30_000), reset);
  assert.equal(s.st, T + 30_000 - 1);
  const after = hist(3, [1, 1], 1);
  assert.equal(s.histogram(after, T + 45_000), after, 'no origin after a reset');
});

test('float histograms: the same, without changing the histogram passed in', () => {
  const s = new STSynthesis();
  const fh = (count: number, b: number[]): FloatHistogram => ({ ...hist(count, b), positiveBuckets: b });
  s.floatHistogram(fh(10, [4, 6]), T);
  const input = fh(16, [6, 10]);
  const out = s.floatHistogram(input, T + 15_000);
  assert.deepEqual([out.count, out.positiveBuckets], [6, [2, 4]]);
  assert.deepEqual(input.positiveBuckets, [6, 10]);
  assert.equal(s.st, T);
});
