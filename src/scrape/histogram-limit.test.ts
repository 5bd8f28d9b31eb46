import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, type FloatHistogram, type Histogram } from '../model/index.js';
import { BucketLimitError, limitHistogram, pickSchema, reduceFloatHistogram, reduceHistogram } from './histogram-limit.js';

function h(schema: number, spans: [number, number][], deltas: number[]): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema, zeroThreshold: 0.001, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: spans.map(([offset, length]) => ({ offset, length })), positiveBuckets: deltas,
    negativeSpans: [], negativeBuckets: [], customValues: [],
  };
}

test('reducing resolution merges neighbouring buckets (integer and float)', () => {
  // Schema 1, buckets at indexes 0..3 with counts 1,2,3,4 (deltas 1,1,1,1) and 6 with count 5.
  const src = h(1, [[0, 4], [2, 1]], [1, 1, 1, 1, 1]);
  const r = reduceHistogram(src, 0);
  // Index i goes to ((i-1)>>1)+1: 0→0, 1→1, 2→1, 3→2, 6→3.
  assert.deepEqual(r.positiveSpans, [{ offset: 0, length: 4 }]);
  assert.deepEqual(r.positiveBuckets, [1, 4, -1, 1]); // absolute 1, 5, 4, 5
  assert.equal(r.schema, 0);
  assert.equal(src.schema, 1, 'the source is not changed');
  const fh: FloatHistogram = { ...src, positiveBuckets: [1, 2, 3, 4, 5] };
  const fr = reduceFloatHistogram(fh, 0);
  assert.deepEqual(fr.positiveBuckets, [1, 5, 4, 5]);
  // A gap between target buckets makes a new span.
  const g = reduceHistogram(h(0, [[0, 1], [10, 1]], [3, 0]), -1);
  assert.deepEqual(g.positiveSpans, [{ offset: 0, length: 1 }, { offset: 5, length: 1 }]);
  assert.deepEqual(g.positiveBuckets, [3, 0]);
});

test('bucket limit halves resolution until it fits, or fails', () => {
  const src = h(2, [[0, 8]], [1, 0, 0, 0, 0, 0, 0, 0]);
  const r = limitHistogram(src, 4, 8, reduceHistogram);
  assert.ok(r.positiveBuckets.length <= 4);
  assert.ok(r.schema < 2);
  assert.equal(limitHistogram(src, 8, 8, reduceHistogram), src, 'within the limit: unchanged');
  assert.throws(() => limitHistogram({ ...src, schema: -53, customValues: [1, 2, 3, 4, 5, 6, 7] }, 4, 8, reduceHistogram), BucketLimitError);
  assert.throws(() => limitHistogram(h(-4, [[0, 3]], [1, 0, 0]), 2, 8, reduceHistogram), /histogram bucket limit exceeded/);
});

test('min bucket factor caps the schema', () => {
  assert.equal(pickSchema(0), 8);
  assert.equal(pickSchema(1.1), 2);
  assert.equal(pickSchema(2), 0);
  assert.equal(pickSchema(4), -1);
  assert.equal(pickSchema(1e10), -4);
  const r = limitHistogram(h(3, [[0, 2]], [1, 1]), 0, 1, reduceHistogram);
  assert.equal(r.schema, 1);
});
