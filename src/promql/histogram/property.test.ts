/**
 * Property tests over seeded random histograms: algebraic identities that must hold for any
 * input, independently of the recorded Prometheus results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FloatHistogram } from '../../model/index.js';
import {
  add, addInPlace, allBucketIterator, bucketCountSum, compactInPlace, copyFloatHistogram, copyToSchema,
  detectReset, floatHistogramEquals, floatHistogramToInteger, histogramFraction, histogramQuantile, histogramToFloat,
  kahanAddInPlace, reduceResolutionInPlace, sub, subInPlace, validateFloatHistogram, validateHistogram, compactHistogramInPlace,
  trimBuckets, mul, div, interpolateHistograms,
} from './index.js';
import { randomHistogram, type RandomHistogramOptions } from './random-histograms.js';
import { prng } from './test-support.js';

const RUNS = 300;

function options(rand: () => number, integer: boolean): RandomHistogramOptions {
  const custom = rand() < 0.25;
  return {
    schema: custom ? -53 : Math.floor(rand() * 13) - 4, integer, maxSpans: 3, maxSpanLength: 5,
    zeroThreshold: [0, 0.001, 0.25][Math.floor(rand() * 3)]!,
  };
}

function compacted(h: FloatHistogram): FloatHistogram {
  return compactInPlace(copyFloatHistogram(h), 0);
}

test('generated histograms are valid (float and integer forms)', () => {
  const rand = prng(1);
  for (let i = 0; i < RUNS; i++) {
    const h = randomHistogram(rand, options(rand, true));
    assert.equal(validateFloatHistogram(h), null);
    assert.equal(validateHistogram(floatHistogramToInteger(h)), null);
  }
});

test('(a + b) − b = a for integer counts, same schema and threshold', () => {
  const rand = prng(2);
  for (let i = 0; i < RUNS; i++) {
    const o = options(rand, true);
    const a = randomHistogram(rand, o);
    const b = randomHistogram(rand, o);
    if (o.schema === -53) b.customValues = a.customValues.length >= b.customValues.length ? a.customValues : b.customValues;
    if (o.schema === -53) a.customValues = b.customValues;
    const s = add(a, b);
    assert.ok(s.result !== null);
    const back = sub(s.result, b);
    assert.ok(back.result !== null);
    const want = compacted(a);
    assert.ok(floatHistogramEquals(compacted(back.result), want), `case ${i}`);
  }
});

// With different zero thresholds Prometheus's addition is not commutative: after widening
// the zero bucket, a bucket of the other histogram that lay inside it can still be merged by
// the schema reduction into a bucket outside it and be counted twice (reproduced here).
test('add is commutative on counts and buckets with equal zero thresholds (after compaction)', () => {
  const rand = prng(3);
  for (let i = 0; i < RUNS; i++) {
    const o = options(rand, true);
    const a = randomHistogram(rand, o);
    const b = randomHistogram(rand, { ...o, schema: a.schema === -53 ? -53 : Math.floor(rand() * 13) - 4 });
    const ab = add(a, b), ba = add(b, a);
    assert.equal(ab.outcome.ok, ba.outcome.ok);
    if (ab.result === null || ba.result === null) continue;
    assert.ok(floatHistogramEquals(compacted(ab.result), compacted(ba.result)), `case ${i}`);
    assert.equal(ab.result.count, a.count + b.count);
  }
});

test('reduceResolution and copyToSchema keep count, sum and the bucket total', () => {
  const rand = prng(4);
  for (let i = 0; i < RUNS; i++) {
    const o = options(rand, true);
    if (o.schema === -53) continue;
    const h = randomHistogram(rand, o);
    const target = o.schema - 1 - Math.floor(rand() * 3);
    if (target < -4) continue;
    const r = copyFloatHistogram(h);
    assert.equal(reduceResolutionInPlace(r, target), null);
    assert.equal(r.schema, target);
    assert.equal(r.count, h.count);
    assert.equal(r.sum, h.sum);
    assert.equal(bucketCountSum(r), bucketCountSum(h));
    assert.ok(floatHistogramEquals(compacted(copyToSchema(h, target)), compacted(r)));
    assert.equal(validateFloatHistogram(r), null);
  }
});

test('compaction keeps every populated bucket and is idempotent; delta compaction agrees', () => {
  const rand = prng(5);
  for (let i = 0; i < RUNS; i++) {
    const h = randomHistogram(rand, options(rand, true));
    const populated = (x: FloatHistogram): string => {
      const out: string[] = [];
      const it = allBucketIterator(x);
      while (it.next()) {
        const b = it.at();
        if (b.count !== 0) out.push(`${b.lower},${b.upper}:${b.count}`);
      }
      return out.join(' ');
    };
    for (const n of [0, 1, 3]) {
      const c = compactInPlace(copyFloatHistogram(h), n);
      assert.equal(populated(c), populated(h));
      assert.ok(floatHistogramEquals(compactInPlace(copyFloatHistogram(c), n), c));
      const viaInt = histogramToFloat(compactHistogramInPlace(floatHistogramToInteger(h), n));
      assert.ok(floatHistogramEquals(viaInt, c), `case ${i} n=${n}`);
    }
  }
});

test('Kahan-compensated sums equal plain sums on integer counts', () => {
  const rand = prng(6);
  for (let i = 0; i < 100; i++) {
    const o = options(rand, true);
    const hs = Array.from({ length: 2 + Math.floor(rand() * 5) }, () => randomHistogram(rand, { ...o, schema: o.schema === -53 ? -53 : Math.floor(rand() * 13) - 4 }));
    if (o.schema === -53) for (const h of hs) h.customValues = hs.reduce((m, x) => (x.customValues.length > m.length ? x.customValues : m), hs[0]!.customValues);
    const plain = copyFloatHistogram(hs[0]!);
    const kahan = copyFloatHistogram(hs[0]!);
    let c: FloatHistogram | null = null;
    for (const h of hs.slice(1)) {
      assert.ok(addInPlace(plain, h).ok);
      const r = kahanAddInPlace(kahan, h, c);
      assert.ok(r.ok);
      c = r.c;
    }
    if (c !== null) addInPlace(kahan, c);
    assert.ok(floatHistogramEquals(compacted(kahan), compacted(plain)), `case ${i}`);
  }
});

test('a counter that only grows shows no reset; a shrinking one does', () => {
  const rand = prng(7);
  for (let i = 0; i < RUNS; i++) {
    const o = options(rand, true);
    const prev = randomHistogram(rand, o);
    const inc = randomHistogram(rand, o);
    if (o.schema === -53) inc.customValues = prev.customValues = prev.customValues.length >= inc.customValues.length ? prev.customValues : inc.customValues;
    const cur = copyFloatHistogram(prev);
    assert.ok(addInPlace(cur, inc).ok);
    assert.equal(detectReset(cur, prev), false, `case ${i}`);
    if (inc.count > 0) {
      const shrunk = copyFloatHistogram(prev);
      assert.ok(subInPlace(shrunk, inc).ok);
      // Some bucket or count fell below the previous value.
      assert.equal(detectReset(shrunk, prev), true, `case ${i}`);
    }
  }
});

test('quantiles grow with q and histogramFraction inverts histogramQuantile', () => {
  const rand = prng(8);
  for (let i = 0; i < RUNS; i++) {
    const h = randomHistogram(rand, options(rand, false));
    if (h.count === 0) continue;
    let last = -Infinity;
    for (let q = 0; q <= 1.0001; q += 0.05) {
      const v = histogramQuantile(Math.min(q, 1), h).value;
      if (Number.isNaN(v)) continue;
      assert.ok(v >= last - 1e-9 * Math.max(1, Math.abs(last)), `case ${i}: q=${q} gave ${v} after ${last}`);
      last = v;
    }
    assert.ok(Math.abs(histogramFraction(-Infinity, Infinity, h).value - 1) < 1e-12);
    const q = 0.1 + rand() * 0.8;
    const v = histogramQuantile(q, h).value;
    // A quantile inside the zero bucket does not invert when the bucket has no width.
    if (Number.isFinite(v) && Math.abs(v) > h.zeroThreshold) {
      const f = histogramFraction(-Infinity, v, h).value;
      // Not exact: a quantile in the first or last custom bucket, or on a bucket with an
      // infinite bound, answers with a bound instead of interpolating.
      if (h.schema !== -53) assert.ok(Math.abs(f - q) < 1e-6, `case ${i}: fraction(quantile(${q})) = ${f}`);
    }
  }
});

test('functions documented as pure leave their inputs untouched', () => {
  const rand = prng(9);
  for (let i = 0; i < 100; i++) {
    const o = options(rand, false);
    const a = randomHistogram(rand, o);
    const b = randomHistogram(rand, { ...o, schema: o.schema === -53 ? -53 : Math.floor(rand() * 13) - 4 });
    const a0 = JSON.stringify(a), b0 = JSON.stringify(b);
    add(a, b);
    sub(a, b);
    detectReset(a, b);
    histogramQuantile(rand(), a);
    histogramFraction(-1, 1, a);
    trimBuckets(a, rand() * 4 - 2, rand() < 0.5);
    mul(a, 3);
    div(a, 0);
    if (a.schema > -4 && a.schema !== -53) copyToSchema(a, a.schema - 1);
    interpolateHistograms(a, 0, b, 10, 3, true);
    assert.equal(JSON.stringify(a), a0);
    assert.equal(JSON.stringify(b), b0);
  }
});
