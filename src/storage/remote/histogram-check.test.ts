import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../util/bench.js';
import { CounterResetHint, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';
import { reduceReservedSchema, validateHistogram } from './histogram-check.js';

function base(): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
  };
}

/** Bucket index → absolute count. */
function expand(spans: readonly BucketSpan[], buckets: readonly number[], deltas: boolean): Map<number, number> {
  const out = new Map<number, number>();
  let idx = 0, k = 0, cur = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) {
      cur = deltas ? cur + buckets[k++]! : buckets[k++]!;
      out.set(idx++, cur);
    }
  }
  return out;
}

describe('reducing reserved schemas to 8', () => {
  const rand = seededRandom(7);
  for (const deltas of [true, false]) {
    it(`keeps every observation in the bucket that contains it (${deltas ? 'integer' : 'float'}, 200 random histograms)`, () => {
      for (let n = 0; n < 200; n++) {
        const schema = 9 + Math.floor(rand() * 6);
        const spans: BucketSpan[] = [];
        const abs: number[] = [];
        const nSpans = Math.floor(rand() * 4);
        for (let s = 0; s < nSpans; s++) {
          const length = 1 + Math.floor(rand() * 9);
          spans.push({ offset: s === 0 ? Math.floor(rand() * 40) - 20 : Math.floor(rand() * 12), length });
          for (let j = 0; j < length; j++) abs.push(Math.floor(rand() * 5));
        }
        const buckets = deltas ? abs.map((c, i) => c - (i > 0 ? abs[i - 1]! : 0)) : abs.slice();
        const h: Histogram = { ...base(), schema, positiveSpans: spans.map((s) => ({ ...s })), positiveBuckets: buckets.slice(), count: abs.reduce((a, b) => a + b, 0) };
        assert.equal(reduceReservedSchema(h, !deltas), null);
        assert.equal(h.schema, 8);
        const want = new Map<number, number>();
        for (const [i, c] of expand(spans, buckets, deltas)) {
          const ti = ((i - 1) >> (schema - 8)) + 1;
          want.set(ti, (want.get(ti) ?? 0) + c);
        }
        assert.deepEqual(expand(h.positiveSpans, h.positiveBuckets, deltas), want);
        for (let i = 1; i < h.positiveSpans.length; i++) assert.ok(h.positiveSpans[i]!.offset >= 0);
        if (deltas) assert.equal(validateHistogram(h, false), null);
      }
    });
  }

  it('leaves other schemas alone and reports broken spans', () => {
    const h: Histogram = { ...base(), schema: 3, positiveSpans: [{ offset: 0, length: 2 }], positiveBuckets: [1] };
    assert.equal(reduceReservedSchema(h, false), null);
    assert.equal(h.schema, 3);
    assert.equal(reduceReservedSchema({ ...h, schema: 12 }, false), 'have 1 buckets but spans need more: histogram spans specify different number of buckets than provided');
    assert.equal(reduceReservedSchema({ ...h, schema: 12, positiveBuckets: [1, 1, 1] }, false), 'spans need 2 buckets, have 3 buckets: histogram spans specify different number of buckets than provided');
    assert.equal(reduceReservedSchema({ ...h, schema: 12, positiveSpans: [{ offset: 0, length: 1 }, { offset: -2, length: 1 }], positiveBuckets: [1, 1] }, false),
      'span number 2 with offset -2: histogram has a span whose offset is negative');
  });
});

describe('validation texts (Prometheus\'s)', () => {
  const int: [string, Partial<Histogram>, string | null][] = [
    ['valid', { count: 3, positiveSpans: [{ offset: 0, length: 2 }], positiveBuckets: [1, 1] }, null],
    ['count mismatch', { count: 4, positiveSpans: [{ offset: 0, length: 2 }], positiveBuckets: [1, 1] },
      "3 observations found in buckets, but the Count field is 4: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)"],
    ['NaN sum, count too small', { count: 2, sum: NaN, positiveSpans: [{ offset: 0, length: 2 }], positiveBuckets: [1, 1] },
      "3 observations found in buckets, but the Count field is 2: histogram's observation count should be at least the number of observations found in the buckets"],
    ['NaN sum, count larger is fine', { count: 5, sum: NaN, positiveSpans: [{ offset: 0, length: 2 }], positiveBuckets: [1, 1] }, null],
    ['negative bucket', { count: 0, positiveSpans: [{ offset: 0, length: 2 }], positiveBuckets: [1, -2] },
      'positive side: bucket number 2 has observation count of -1: histogram has a bucket whose observation count is negative'],
    ['negative side spans', { negativeSpans: [{ offset: 0, length: 2 }], negativeBuckets: [1] },
      'negative side: spans need 2 buckets, have 1 buckets: histogram spans specify different number of buckets than provided'],
    ['negative span offset', { positiveSpans: [{ offset: 0, length: 1 }, { offset: -1, length: 1 }], positiveBuckets: [0, 0] },
      'positive side: span number 2 with offset -1: histogram has a span whose offset is negative'],
    ['custom bounds on an exponential schema', { customValues: [1] }, 'histogram with exponential schema must not have custom bounds'],
    ['schema out of range', { schema: 9 }, 'histogram has an invalid schema, which must be between -4 and 8 for exponential buckets, or -53 for custom buckets, got schema 9'],
    ['custom: unordered bounds', { schema: -53, zeroThreshold: 0, customValues: [1, 1] },
      'custom buckets: previous bound is 1.000000 and current is 1.000000: histogram custom bounds must be in strictly increasing order'],
    ['custom: +Inf bound', { schema: -53, zeroThreshold: 0, customValues: [1, Infinity] },
      'custom buckets: last +Inf bound must not be explicitly defined: histogram custom bounds must be finite'],
    ['custom: NaN bound', { schema: -53, zeroThreshold: 0, customValues: [NaN] }, 'custom buckets: histogram custom bounds must not be NaN'],
    ['custom: too few bounds', { schema: -53, zeroThreshold: 0, count: 2, customValues: [1], positiveSpans: [{ offset: 1, length: 2 }], positiveBuckets: [1, 0] },
      'custom buckets: only 1 custom bounds defined which is insufficient to cover total span length of 3: histogram custom bounds are too few'],
    ['custom: zero threshold', { schema: -53, customValues: [1] }, 'custom buckets: must have zero threshold of 0'],
    ['custom: zero count', { schema: -53, zeroThreshold: 0, zeroCount: 1, count: 1, customValues: [1] }, 'custom buckets: must have zero count of 0'],
    ['custom: negative spans', { schema: -53, zeroThreshold: 0, customValues: [1], negativeSpans: [{ offset: 0, length: 0 }] }, 'custom buckets: must not have negative spans'],
  ];
  for (const [name, patch, want] of int) {
    it(`integer: ${name}`, () => { assert.equal(validateHistogram({ ...base(), ...patch }, false), want); });
  }

  const float: [string, Partial<FloatHistogram>, string | null][] = [
    ['count need not match the buckets', { count: 10, positiveSpans: [{ offset: 0, length: 1 }], positiveBuckets: [2.5] }, null],
    ['negative count', { count: -1 }, "observation count is  -1: histogram's observation count is negative"],
    ['negative zero bucket', { zeroCount: -0.5 }, 'zero bucket has observation count of -0.5: histogram has a bucket whose observation count is negative'],
    ['negative bucket', { positiveSpans: [{ offset: 0, length: 1 }], positiveBuckets: [-1.5] },
      'positive side: bucket number 1 has observation count of -1.5: histogram has a bucket whose observation count is negative'],
  ];
  for (const [name, patch, want] of float) {
    it(`float: ${name}`, () => { assert.equal(validateHistogram({ ...base(), ...patch }, true), want); });
  }
});
