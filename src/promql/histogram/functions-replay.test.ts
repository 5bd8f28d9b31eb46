/**
 * Replays the recorded Prometheus results of the bucket iterators, getBound, Go's
 * Log2/Exp2, histogram_quantile, histogram_fraction, the stdvar estimate and the classic
 * bucket functions (testdata/oracle-ops.jsonl.gz), bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bucketFraction, bucketQuantile, FloatBucketIterator, getBound, goExp2, goLog2, histogramFraction,
  histogramQuantile, histogramStdVar, allBucketIterator, allReverseBucketIterator, negativeBucketIterator,
  negativeReverseBucketIterator, positiveBucketIterator, positiveReverseBucketIterator,
  type BucketIterator, type ClassicBucket, HistogramSum, HistogramMean,
} from './index.js';
import { decodeFH, diffHistograms, jf, loadOps, sameFloat, type OpRecord } from './test-support.js';

const ops = loadOps('oracle-ops.jsonl.gz');

function byOp(op: string): OpRecord[] {
  return ops.filter((r) => r.op === op);
}

interface EncodedBucket { l: unknown; u: unknown; li: boolean; ui: boolean; c: unknown; i: number }

function listBuckets(it: BucketIterator): string[] {
  const out: string[] = [];
  while (it.next()) {
    const b = it.at();
    out.push(`${b.lowerInclusive ? '[' : '('}${b.lower},${b.upper}${b.upperInclusive ? ']' : ')'}:${b.count}#${b.index}`);
  }
  return out;
}

function expected(list: unknown): string[] {
  return (list as EncodedBucket[]).map((b) => `${b.li ? '[' : '('}${jf(b.l)},${jf(b.u)}${b.ui ? ']' : ')'}:${jf(b.c)}#${b.i}`);
}

test('bucket iterators yield the bounds, counts and indexes Prometheus yields', () => {
  const recs = byOp('fh.iterators');
  assert.ok(recs.length >= 100);
  for (const r of recs) {
    const h = decodeFH(r['h']);
    assert.deepEqual(listBuckets(positiveBucketIterator(h)), expected(r['positive']));
    assert.deepEqual(listBuckets(negativeBucketIterator(h)), expected(r['negative']));
    assert.deepEqual(listBuckets(positiveReverseBucketIterator(h)), expected(r['positiveReverse']));
    assert.deepEqual(listBuckets(negativeReverseBucketIterator(h)), expected(r['negativeReverse']));
    assert.deepEqual(listBuckets(allBucketIterator(h)), expected(r['all']));
    assert.deepEqual(listBuckets(allReverseBucketIterator(h)), expected(r['allReverse']));
    if (r['target'] !== undefined) {
      const target = r['target'] as number, start = jf(r['start']);
      assert.deepEqual(listBuckets(new FloatBucketIterator().reset(h, true, start, target)), expected(r['targetPositive']));
      assert.deepEqual(listBuckets(new FloatBucketIterator().reset(h, false, start, target)), expected(r['targetNegative']));
    }
  }
});

test('getBound matches Prometheus for every schema, including the bounds next to ±Inf', () => {
  const rows = byOp('getBound')[0]!['rows'] as [number, number, unknown][];
  assert.ok(rows.length > 5000);
  const bad = rows.filter(([s, idx, want]) => !sameFloat(getBound(idx, s, []), jf(want)));
  assert.deepEqual(bad.slice(0, 5), []);
});

test("goLog2 and goExp2 reproduce Go's math.Log2 and math.Exp2 bit for bit", () => {
  const rows = byOp('gomath')[0]!['rows'] as unknown[][];
  assert.ok(rows.length >= 3000);
  const bad: string[] = [];
  for (const [x, lx, e, ex] of rows) {
    if (!sameFloat(goLog2(jf(x)), jf(lx))) bad.push(`log2(${jf(x)}) = ${goLog2(jf(x))}, want ${jf(lx)}`);
    if (!sameFloat(goExp2(jf(e)), jf(ex))) bad.push(`exp2(${jf(e)}) = ${goExp2(jf(e))}, want ${jf(ex)}`);
  }
  assert.deepEqual(bad.slice(0, 5), []);
});

const INFO: Record<string, string> = {
  quantileNaNResult: 'quantile-nan-result', quantileNaNSkew: 'quantile-nan-skew', fractionNaNs: 'fraction-nans',
};

function wantInfo(r: OpRecord): string | null {
  const annos = (r['annos'] as string[] | null) ?? [];
  return annos.length === 0 ? null : INFO[annos[0]!]!;
}

test('histogramQuantile matches HistogramQuantile (value and infos)', () => {
  const recs = byOp('quantile');
  assert.ok(recs.length >= 300);
  for (const r of recs) {
    const got = histogramQuantile(jf(r['q']), decodeFH(r['h']));
    assert.ok(sameFloat(got.value, jf(r['result'])), `q=${jf(r['q'])}: got ${got.value}, want ${jf(r['result'])} for ${JSON.stringify(r['h'])}`);
    assert.equal(got.info, wantInfo(r));
  }
});

test('histogramFraction matches HistogramFraction (value and infos)', () => {
  for (const r of byOp('fraction')) {
    const got = histogramFraction(jf(r['lower']), jf(r['upper']), decodeFH(r['h']));
    assert.ok(sameFloat(got.value, jf(r['result'])), `[${jf(r['lower'])}, ${jf(r['upper'])}]: got ${got.value}, want ${jf(r['result'])} for ${JSON.stringify(r['h'])}`);
    assert.equal(got.info, wantInfo(r));
  }
});

test('histogramStdVar matches the histogram_stdvar estimate', () => {
  for (const r of byOp('variance')) {
    const got = histogramStdVar(decodeFH(r['h']));
    assert.ok(sameFloat(got, jf(r['result'])), `got ${got}, want ${jf(r['result'])} for ${JSON.stringify(r['h'])}`);
  }
});

function classic(r: OpRecord): ClassicBucket[] {
  return (r['buckets'] as [unknown, unknown][]).map(([u, c]) => ({ upperBound: jf(u), count: jf(c) }));
}

test('bucketQuantile matches BucketQuantile (value, monotonicity signals)', () => {
  const recs = byOp('bucketQuantile');
  assert.ok(recs.some((r) => r['forced'] === true) && recs.some((r) => r['fixed'] === true));
  for (const r of recs) {
    const got = bucketQuantile(jf(r['q']), classic(r));
    const ctx = `q=${jf(r['q'])} ${JSON.stringify(r['buckets'])}`;
    assert.ok(sameFloat(got.quantile, jf(r['result'])), `${ctx}: got ${got.quantile}, want ${jf(r['result'])}`);
    assert.equal(got.forcedMonotonic, r['forced'], ctx);
    assert.equal(got.fixedPrecision, r['fixed'], ctx);
    assert.ok(sameFloat(got.minBucket, jf(r['minBucket'])), ctx);
    assert.ok(sameFloat(got.maxBucket, jf(r['maxBucket'])), ctx);
    assert.ok(sameFloat(got.maxDiff, jf(r['maxDiff'])), ctx);
  }
});

test('bucketFraction matches BucketFraction', () => {
  for (const r of byOp('bucketFraction')) {
    const got = bucketFraction(jf(r['lower']), jf(r['upper']), classic(r));
    assert.ok(sameFloat(got, jf(r['result'])), `[${jf(r['lower'])}, ${jf(r['upper'])}] ${JSON.stringify(r['buckets'])}: got ${got}, want ${jf(r['result'])}`);
  }
});

test('HistogramSum and HistogramMean match sum_over_time and avg_over_time', () => {
  let overflowed = 0;
  for (const kind of ['sumOverTime', 'avgOverTime'] as const) {
    const recs = byOp(kind);
    assert.ok(recs.length >= 200);
    for (const r of recs) {
      const hs = (r['in'] as unknown[]).map(decodeFH);
      const acc = kind === 'sumOverTime' ? new HistogramSum() : new HistogramMean();
      acc.start(hs[0]!);
      for (const h of hs.slice(1)) acc.add(h);
      const got = acc.finish(false);
      const ctx = `${kind} #${recs.indexOf(r)}`;
      if (r['err'] !== null) {
        assert.equal(got, null, ctx);
        assert.ok(acc.incompatible, ctx);
        continue;
      }
      assert.ok(got !== null, ctx);
      assert.equal(diffHistograms(got, decodeFH(r['result'])), null, ctx);
      assert.equal(acc.hints.collided(), r['collision'], ctx);
      assert.equal(acc.nhcbBoundsReconciled, r['reconciled'], ctx);
      if (hs.some((h) => h.count > 1e300)) overflowed++;
    }
  }
  assert.ok(overflowed > 10, 'the incremental-mean path is exercised');
});
