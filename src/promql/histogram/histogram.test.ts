/**
 * Table tests of the library's contracts and of cases restated from Prometheus's tests
 * (quantile_test.go, float_histogram_test.go) in readable form. The exhaustive bit-exact
 * checks are in ops-replay.test.ts and functions-replay.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, type FloatHistogram } from '../../model/index.js';
import {
  add, addInPlace, bucketQuantile, compactInPlace, copyFloatHistogram, CounterResetHintTracker, detectReset,
  div, divInPlace, floatHistogramEquals, floatHistogramString, histogramFraction, histogramQuantile,
  interpolateHistograms, kahanAddInPlace, kahanInc, kahanLastC, mul, sub, trimBuckets, validateFloatHistogram,
  validateHistogram, histogramToFloat, type ClassicBucket,
} from './index.js';
import { diffHistograms, parseHistogramLiteral as lit } from './test-support.js';

const Unknown = CounterResetHint.Unknown;
const CounterReset = CounterResetHint.CounterReset;
const NotCounterReset = CounterResetHint.NotCounterReset;
const Gauge = CounterResetHint.Gauge;

function withHint(h: FloatHistogram, hint: CounterResetHint): FloatHistogram {
  h.counterResetHint = hint;
  return h;
}

test('counter reset hints combine as in Prometheus (all 16 pairs)', () => {
  // [receiver, other, result, collision]
  const table: [CounterResetHint, CounterResetHint, CounterResetHint, boolean][] = [
    [Unknown, Unknown, Unknown, false], [Unknown, CounterReset, Unknown, false], [Unknown, NotCounterReset, Unknown, false], [Unknown, Gauge, Gauge, false],
    [CounterReset, Unknown, Unknown, false], [CounterReset, CounterReset, CounterReset, false], [CounterReset, NotCounterReset, Unknown, true], [CounterReset, Gauge, Gauge, false],
    [NotCounterReset, Unknown, Unknown, false], [NotCounterReset, CounterReset, Unknown, true], [NotCounterReset, NotCounterReset, NotCounterReset, false], [NotCounterReset, Gauge, Gauge, false],
    [Gauge, Unknown, Gauge, false], [Gauge, CounterReset, Gauge, false], [Gauge, NotCounterReset, Gauge, false], [Gauge, Gauge, Gauge, false],
  ];
  for (const [a, b, want, collision] of table) {
    const h = withHint(lit('{{count:1 buckets:[1]}}'), a);
    const r = addInPlace(h, withHint(lit('{{count:1 buckets:[1]}}'), b));
    assert.ok(r.ok);
    assert.equal(h.counterResetHint, want, `${a}+${b}`);
    assert.equal(r.counterResetCollision, collision, `${a}+${b}`);
  }
});

test('the aggregation hint tracker flags CounterReset and NotCounterReset seen together', () => {
  const t = new CounterResetHintTracker();
  t.note(withHint(lit('{{}}'), CounterReset));
  t.note(withHint(lit('{{}}'), Unknown));
  assert.equal(t.collided(), false);
  t.note(withHint(lit('{{}}'), NotCounterReset));
  assert.equal(t.collided(), true);
  t.reset();
  assert.equal(t.collided(), false);
});

test('add and sub leave their inputs alone, compact, and sub yields a gauge', () => {
  const a = lit('{{schema:1 count:10 sum:20 z_bucket:1 z_bucket_w:0.001 buckets:[1 0 3 5]}}');
  const b = lit('{{schema:0 count:4 sum:5 buckets:[4]}}');
  const a0 = copyFloatHistogram(a), b0 = copyFloatHistogram(b);
  const s = add(a, b);
  assert.ok(s.outcome.ok && s.result !== null);
  assert.equal(diffHistograms(a, a0), null);
  assert.equal(diffHistograms(b, b0), null);
  // schema 1 → 0: buckets 0 | 1,2 | 3 of schema 1 become buckets 0, 1, 2 of schema 0.
  assert.equal(s.result.schema, 0);
  assert.deepEqual(s.result.positiveBuckets, [5, 3, 5]);
  assert.equal(s.result.count, 14);
  const d = sub(a, b);
  assert.ok(d.result !== null);
  assert.equal(d.result.counterResetHint, Gauge);
  assert.deepEqual(d.result.positiveBuckets, [-3, 3, 5]);
});

test('exponential and custom buckets do not mix', () => {
  const r = add(lit('{{buckets:[1] count:1}}'), lit('{{schema:-53 custom_values:[1] buckets:[1] count:1}}'));
  assert.equal(r.result, null);
  assert.ok(!r.outcome.ok);
  assert.equal(r.outcome.error.kind, 'incompatible-schema');
  assert.equal(r.outcome.error.message, 'cannot apply this operation on histograms with a mix of exponential and custom bucket schemas');
  const k = kahanAddInPlace(lit('{{}}'), lit('{{schema:-53}}'), null);
  assert.ok(!k.ok);
});

test('custom buckets with different bounds are mapped onto the common bounds', () => {
  const r = add(lit('{{schema:-53 custom_values:[1 2 3] buckets:[1 2 3 4] count:10 sum:1}}'),
    lit('{{schema:-53 custom_values:[2 4] buckets:[1 1 1] count:3 sum:1}}'));
  assert.ok(r.outcome.ok && r.outcome.nhcbBoundsReconciled && r.result !== null);
  assert.deepEqual(r.result.customValues, [2]);
  assert.deepEqual(r.result.positiveBuckets, [4, 9]);
  assert.equal(r.result.count, 13);
});

test('mul and div: zero, negative and NaN factors', () => {
  const h = lit('{{count:6 sum:12 z_bucket:2 buckets:[1 3] n_buckets:[0 0]}}');
  const z = div(h, 0);
  assert.equal(z.count, Infinity);
  assert.equal(z.sum, Infinity);
  assert.equal(z.zeroCount, Infinity);
  assert.deepEqual([z.positiveBuckets, z.positiveSpans, z.negativeBuckets], [[], [], []]);
  assert.equal(z.counterResetHint, Unknown);
  const zz = divInPlace(lit('{{}}'), 0);
  assert.ok(Number.isNaN(zz.count));
  const n = div(h, -2);
  assert.equal(n.counterResetHint, Gauge);
  assert.deepEqual(n.positiveBuckets, [-0.5, -1.5]);
  assert.equal(mul(h, -1).counterResetHint, Gauge);
  assert.deepEqual(mul(h, 0).positiveBuckets, [0, 0]);
  assert.ok(Number.isNaN(mul(h, NaN).sum));
  assert.equal(h.count, 6, 'mul/div leave the input alone');
});

test('detectReset: hints short-cut, counts and layout decide otherwise', () => {
  const prev = lit('{{count:10 sum:5 z_bucket:1 z_bucket_w:0.01 buckets:[2 3 4]}}');
  const cases: [string, string, CounterResetHint, boolean][] = [
    ['same', '{{count:10 sum:5 z_bucket:1 z_bucket_w:0.01 buckets:[2 3 4]}}', Unknown, false],
    ['hint reset', '{{count:10 sum:5 z_bucket:1 z_bucket_w:0.01 buckets:[2 3 4]}}', CounterReset, true],
    ['hint not reset', '{{count:1}}', NotCounterReset, false],
    ['gauge examined', '{{count:1}}', Gauge, true],
    ['sum goes down', '{{count:10 sum:1 z_bucket:1 z_bucket_w:0.01 buckets:[2 3 4]}}', Unknown, false],
    ['bucket goes down', '{{count:10 sum:5 z_bucket:2 z_bucket_w:0.01 buckets:[2 2 4]}}', Unknown, true],
    ['populated bucket missing', '{{count:10 sum:5 z_bucket:5 z_bucket_w:0.01 buckets:[2 3]}}', Unknown, true],
    ['schema increases', '{{schema:1 count:10 sum:5 z_bucket:1 z_bucket_w:0.01 buckets:[2 3 4]}}', Unknown, true],
    ['schema decreases, buckets merge', '{{schema:-1 count:10 sum:5 z_bucket:1 z_bucket_w:0.01 buckets:[2 7]}}', Unknown, false],
    ['schema decreases, merged bucket goes down', '{{schema:-1 count:10 sum:5 z_bucket:1 z_bucket_w:0.01 buckets:[5 4]}}', Unknown, true],
    ['threshold decreases', '{{count:10 sum:5 z_bucket:1 z_bucket_w:0.001 buckets:[2 3 4]}}', Unknown, true],
    ['threshold widens over bucket 0', '{{count:10 sum:5 z_bucket:3 z_bucket_w:1 offset:1 buckets:[3 4]}}', Unknown, false],
  ];
  for (const [name, cur, hint, want] of cases) {
    assert.equal(detectReset(withHint(lit(cur), hint), prev), want, name);
  }
});

test('histogramQuantile and histogramFraction special cases', () => {
  const h = lit('{{schema:0 count:4 sum:5 buckets:[1 2 1]}}');
  assert.equal(histogramQuantile(-0.1, h).value, -Infinity);
  assert.equal(histogramQuantile(1.1, h).value, Infinity);
  assert.ok(Number.isNaN(histogramQuantile(NaN, h).value));
  assert.ok(Number.isNaN(histogramQuantile(0.5, lit('{{}}')).value));
  // Go's Exp2(0.5), one ulp below Math.SQRT2, as the script's expectation says.
  assert.equal(histogramQuantile(0.5, h).value, 1.414213562373095);
  assert.equal(histogramFraction(1, 2, h).value, 0.5);
  assert.equal(histogramFraction(3, 2, h).value, 0);
  assert.ok(Number.isNaN(histogramFraction(NaN, 2, h).value));
  const nan = lit('{{schema:0 count:5 sum:NaN buckets:[1 2 1]}}');
  assert.deepEqual(histogramQuantile(0.99, nan), { value: NaN, info: 'quantile-nan-result' });
  assert.equal(histogramQuantile(0.5, nan).info, 'quantile-nan-skew');
  assert.equal(histogramFraction(-Infinity, Infinity, nan).value, 0.8);
  assert.equal(histogramFraction(-Infinity, Infinity, nan).info, 'fraction-nans');
});

// Restated from Prometheus's TestBucketQuantile_ForcedMonotonicity (ε 1e-12 relative).
const classicCases: { name: string; buckets: [number, number][]; forced: boolean; fixed: boolean; want: [number, number][] }[] = [
  { name: 'simple - monotonic', buckets: [[10, 10], [15, 15], [20, 15], [30, 15], [Infinity, 15]], forced: false, fixed: false, want: [[1, 15], [0.99, 14.85], [0.9, 13.5], [0.5, 7.5]] },
  { name: 'simple - non-monotonic middle', buckets: [[10, 10], [15, 15], [20, 15.00000000001], [30, 15], [Infinity, 15]], forced: false, fixed: true, want: [[1, 15], [0.99, 14.85], [0.9, 13.5], [0.5, 7.5]] },
  {
    name: 'real example - monotonic',
    buckets: [[1, 6454661.3014166197], [5, 8339611.2001912938], [10, 14118319.2444762159], [25, 14130031.5272856522], [50, 46001270.3030008152], [64, 46008473.8585563600], [80, 46008473.8585563600], [100, 46008473.8585563600], [250, 46008473.8585563600], [1000, 46008473.8585563600], [Infinity, 46008473.8585563600]],
    forced: false, fixed: false, want: [[1, 64], [0.99, 49.64475715376406], [0.9, 46.39671690938454], [0.5, 31.96098248992002]],
  },
  {
    name: 'real example - non-monotonic',
    buckets: [[1, 6454661.3014166225], [5, 8339611.2001912957], [10, 14118319.2444762159], [25, 14130031.5272856504], [50, 46001270.3030008227], [64, 46008473.8585563824], [80, 46008473.8585563898], [100, 46008473.8585563824], [250, 46008473.8585563824], [1000, 46008473.8585563898], [Infinity, 46008473.8585563824]],
    forced: false, fixed: true, want: [[1, 64], [0.99, 49.64475715376406], [0.9, 46.39671690938454], [0.5, 31.96098248992002]],
  },
  {
    name: 'real example 2 - non-monotonic',
    buckets: [[0.005, 9.6], [0.01, 9.688888889], [0.025, 9.755555556], [0.05, 9.844444444], [0.1, 9.888888889], [0.25, 9.888888889], [0.5, 9.888888889], [1, 9.888888889], [2.5, 9.888888889], [5, 9.888888889], [10, 9.888888889001], [25, 9.888888889], [50, 9.888888888999], [100, 9.888888889], [Infinity, 9.888888889]],
    forced: false, fixed: true, want: [[1, 0.1], [0.99, 0.03468750000281261], [0.9, 0.00463541666671875], [0.5, 0.0025752314815104174]],
  },
  { name: 'forced: a real decrease', buckets: [[1, 5], [2, 3], [3, 8], [Infinity, 8]], forced: true, fixed: false, want: [[0.5, 0.8], [1, 3]] },
  { name: 'unsorted input, duplicate bounds merged', buckets: [[Infinity, 4], [2, 2], [1, 1], [2, 1]], forced: false, fixed: false, want: [[0.5, 1.5], [0.25, 1]] },
];

test('bucketQuantile: monotonicity fixes and interpolation (restated upstream cases)', () => {
  for (const c of classicCases) {
    for (const [q, want] of c.want) {
      const buckets: ClassicBucket[] = c.buckets.map(([upperBound, count]) => ({ upperBound, count }));
      const r = bucketQuantile(q, buckets);
      assert.equal(r.forcedMonotonic, c.forced, c.name);
      assert.equal(r.fixedPrecision, c.fixed, c.name);
      assert.ok(Math.abs(r.quantile - want) <= 1e-12 * Math.abs(want), `${c.name} q=${q}: ${r.quantile} vs ${want}`);
    }
  }
  const forced = bucketQuantile(0.5, [{ upperBound: 1, count: 5 }, { upperBound: 2, count: 3 }, { upperBound: 3, count: 4 }, { upperBound: Infinity, count: 8 }]);
  assert.deepEqual([forced.minBucket, forced.maxBucket, forced.maxDiff], [2, 3, 2]);
  assert.ok(Number.isNaN(bucketQuantile(0.5, [{ upperBound: 1, count: 1 }]).quantile), 'no +Inf bucket');
  assert.ok(Number.isNaN(bucketQuantile(0.5, [{ upperBound: Infinity, count: 1 }]).quantile), 'a single bucket');
  assert.ok(Number.isNaN(bucketQuantile(0.5, [{ upperBound: 1, count: 0 }, { upperBound: Infinity, count: 0 }]).quantile), 'no observations');
  assert.equal(bucketQuantile(0.1, [{ upperBound: -1, count: 5 }, { upperBound: Infinity, count: 8 }]).quantile, -1);
});

test("validation errors read as Prometheus's", () => {
  const cases: [string, string | null][] = [
    ['{{count:3 buckets:[1 -1 3]}}', 'positive side: bucket number 2 has observation count of -1: histogram has a bucket whose observation count is negative'],
    ['{{count:-1}}', "observation count is  -1: histogram's observation count is negative"],
    ['{{schema:9}}', 'histogram has an invalid schema, which must be between -4 and 8 for exponential buckets, or -53 for custom buckets, got schema 9'],
    ['{{schema:-53 custom_values:[1 1] buckets:[1]}}', 'custom buckets: previous bound is 1.000000 and current is 1.000000: histogram custom bounds must be in strictly increasing order'],
    ['{{schema:-53 custom_values:[1] buckets:[1 1 1]}}', 'custom buckets: only 1 custom bounds defined which is insufficient to cover total span length of 3: histogram custom bounds are too few'],
    ['{{schema:-53 z_bucket:1}}', 'custom buckets: must have zero count of 0'],
    ['{{count:1 custom_values:[1]}}', 'histogram with exponential schema must not have custom bounds'],
    ['{{count:4 buckets:[1 3]}}', null],
  ];
  for (const [h, want] of cases) assert.equal(validateFloatHistogram(lit(h))?.message ?? null, want, h);
  const ih = { ...lit('{{count:5 z_bucket:1 buckets:[1 2]}}'), positiveBuckets: [1, 1] };
  assert.equal(validateHistogram(ih)?.message, "4 observations found in buckets, but the Count field is 5: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)");
  assert.equal(validateHistogram({ ...ih, sum: NaN }), null, 'NaN observations allow a larger count');
  assert.deepEqual(histogramToFloat(ih).positiveBuckets, [1, 2]);
});

test('Kahan summation keeps what plain addition loses; overflow stays infinite', () => {
  let s = 0, c = 0;
  for (const v of [1, 1e100, 1, -1e100]) {
    s = kahanInc(v, s, c);
    c = kahanLastC();
  }
  assert.equal(s + c, 2);
  s = kahanInc(Number.MAX_VALUE, Number.MAX_VALUE, 5);
  assert.deepEqual([s, kahanLastC()], [Infinity, 0]);
  const h = lit('{{count:1 sum:1e100 buckets:[1]}}');
  let comp: FloatHistogram | null = null;
  for (const x of ['{{count:1 sum:1 buckets:[1]}}', '{{count:1 sum:-1e100 buckets:[1]}}']) {
    const r = kahanAddInPlace(h, lit(x), comp);
    assert.ok(r.ok);
    comp = r.c;
  }
  assert.equal(h.sum + comp!.sum, 1);
});

test('equality ignores hints and zero-length spans, compares floats by bits', () => {
  const a = lit('{{count:4 sum:1 buckets:[1 3]}}');
  const b = withHint(copyFloatHistogram(a), Gauge);
  b.positiveSpans = [{ offset: 0, length: 0 }, { offset: 0, length: 2 }];
  assert.ok(floatHistogramEquals(a, b));
  assert.ok(!floatHistogramEquals(a, lit('{{count:4 sum:-0 buckets:[1 3]}}')) || a.sum !== 0);
  assert.ok(!floatHistogramEquals(lit('{{sum:0}}'), lit('{{sum:-0}}')));
  assert.ok(floatHistogramEquals(lit('{{sum:NaN}}'), lit('{{sum:NaN}}')));
  assert.ok(!floatHistogramEquals(a, null));
});

test('trim operators (restated from native_histograms.test)', () => {
  const h = lit('{{schema:0 count:4 sum:5 buckets:[1 2 1]}}');
  // Cutting (1,2] at √2 keeps half of it: exponential interpolation.
  const lower = trimBuckets(h, Math.SQRT2, false);
  assert.ok(Math.abs(lower.count - 2) < 1e-12);
  assert.equal(lower.positiveBuckets.length, 2);
  assert.ok(Math.abs(lower.positiveBuckets[0]! - 1) < 1e-12 && lower.positiveBuckets[1] === 1);
  assert.equal(h.count, 4, 'trimBuckets works on a copy');
  assert.deepEqual(trimBuckets(h, Infinity, true), h, 'nothing trimmed: unchanged, not compacted');
  const cb = trimBuckets(lit('{{schema:-53 count:3 sum:3 custom_values:[1 2] buckets:[1 1 1]}}'), 1.5, true);
  assert.equal(cb.count, 1.5);
  assert.equal(cb.sum, 0.5 + 1.25 * 0.5);
});

test('interpolation between histogram samples, with and without a counter reset', () => {
  const h1 = lit('{{count:2 sum:2 buckets:[2]}}');
  const h2 = lit('{{count:6 sum:10 buckets:[6]}}');
  const mid = interpolateHistograms(h1, 0, h2, 100, 25, true);
  assert.deepEqual([mid.result?.count, mid.result?.sum, mid.result?.positiveBuckets], [3, 4, [3]]);
  const reset = interpolateHistograms(h2, 0, h1, 100, 50, true);
  assert.deepEqual([reset.result?.count, reset.result?.positiveBuckets], [1, [1]]);
  const gauge = interpolateHistograms(h2, 0, h1, 100, 50, false);
  assert.equal(gauge.result?.count, 4);
  assert.equal(interpolateHistograms(h1, 0, lit('{{schema:-53}}'), 10, 5, false).error?.kind, 'incompatible-schema');
});

test('String() form', () => {
  assert.equal(floatHistogramString(lit('{{schema:0 count:5 sum:10 z_bucket:2 z_bucket_w:0.001 buckets:[2] n_buckets:[1]}}')),
    '{count:5, sum:10, [-1,-0.5):1, [-0.001,0.001]:2, (0.5,1]:2}');
  assert.equal(floatHistogramString(compactInPlace(lit('{{schema:-53 count:1 sum:1 custom_values:[5] buckets:[0 1]}}'), 0)), '{count:1, sum:1, (5,+Inf]:1}');
});
