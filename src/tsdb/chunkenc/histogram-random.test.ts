/**
 * Randomised round trips through the histogram appenders: layouts that grow and shrink,
 * counter resets, schema changes, gauges and stale markers. Whatever the appender does (append,
 * recode, cut), reading all chunks back in order must give every sample, bucket for bucket.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, type BucketSpan, type FloatHistogram, type Histogram, type Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { seededRandom } from '../../util/bench.js';
import { FloatHistogramChunk, HistogramChunk, type Appender, type Chunk } from './index.js';

interface Sample { t: number; stale: boolean; h: Histogram }

/** Buckets by index with their absolute counts, empty ones left out. */
function bucketMap(spans: readonly BucketSpan[], abs: readonly number[]): string {
  const out: string[] = [];
  let idx = 0;
  let k = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++, idx++, k++) if (abs[k] !== 0) out.push(`${idx}:${abs[k]}`);
  }
  return out.join(',');
}

function absolute(d: readonly number[]): number[] {
  let a = 0;
  return d.map((x) => (a += x));
}

function randomSeries(seed: number, n: number, gauge: boolean): Sample[] {
  const rnd = seededRandom(seed);
  const out: Sample[] = [];
  let counts = new Map<number, number>([[0, 3], [1, 5]]);
  let zero = 1;
  let schema = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += 1000 + Math.floor(rnd() * 50);
    const r = rnd();
    if (r < 0.04) {
      out.push({ t, stale: true, h: emptyH() });
      continue;
    }
    if (r < 0.08) counts = new Map([[Math.floor(rnd() * 6) - 3, 1]]); // reset
    else if (r < 0.1) schema = schema === 0 ? 2 : 0;
    // Grow counts; sometimes add a bucket; for gauges sometimes drop or lower one.
    for (const [k, v] of counts) counts.set(k, gauge && rnd() < 0.2 ? Math.max(0, v - 2) : v === 0 && rnd() < 0.7 ? 0 : v + Math.floor(rnd() * 3));
    if (rnd() < 0.15) counts.set(Math.floor(rnd() * 16) - 8, 1 + Math.floor(rnd() * 4));
    if (gauge && rnd() < 0.1 && counts.size > 1) counts.delete([...counts.keys()][0]!);
    // Empty buckets come and go: a chunk that has one takes samples without it (backward insert).
    if (!gauge && rnd() < 0.1) counts.set(Math.floor(rnd() * 20) - 10, 0);
    zero += gauge ? Math.floor(rnd() * 3) - 1 : Math.floor(rnd() * 2);
    if (zero < 0) zero = 0;
    const idx = [...counts.keys()].filter((k) => counts.get(k) !== 0 || rnd() < 0.5).sort((a, b) => a - b);
    const spans: BucketSpan[] = [];
    let last = 0;
    for (const x of idx) {
      if (spans.length > 0 && x === last + 1) spans[spans.length - 1]!.length++;
      else spans.push({ offset: spans.length === 0 ? x : x - last - 1, length: 1 });
      last = x;
    }
    const abs = idx.map((x) => counts.get(x)!);
    const deltas = abs.map((v, k) => (k === 0 ? v : v - abs[k - 1]!));
    const count = abs.reduce((a, b) => a + b, 0) + zero;
    // Gauges lose their negative bucket now and then; counters keep it, growing.
    const noNeg = gauge && i % 3 === 0;
    out.push({
      t, stale: false,
      h: {
        counterResetHint: gauge ? CounterResetHint.Gauge : CounterResetHint.Unknown, schema, zeroThreshold: 0.001, zeroCount: zero,
        count: count + (noNeg ? 0 : i), sum: count * 1.5 + rnd(), positiveSpans: spans, negativeSpans: noNeg ? [] : [{ offset: 0, length: 1 }],
        positiveBuckets: deltas, negativeBuckets: noNeg ? [] : [i], customValues: [],
      },
    });
  }
  return out;
}

function emptyH(): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: NaN,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
  };
}

function toFloat(h: Histogram): FloatHistogram {
  return { ...h, positiveBuckets: absolute(h.positiveBuckets), negativeBuckets: absolute(h.negativeBuckets) };
}

/** Appends everything, following cuts and recodes; returns the final list of chunks. */
const outcomes = { appended: 0, recoded: 0, cut: 0, widened: 0 };

function appendAll(samples: readonly Sample[], float: boolean): Chunk[] {
  const chunks: Chunk[] = [float ? FloatHistogramChunk.empty() : HistogramChunk.empty()];
  let app: Appender = chunks[0]!.appender();
  let prev: Appender | null = null;
  for (const s of samples) {
    const r = s.stale ? app.appendStaleHistogram(prev, s.t as Millis, false)
      : float ? app.appendFloatHistogram(prev, s.t as Millis, toFloat(s.h), false) : app.appendHistogram(prev, s.t as Millis, s.h, false);
    if (r.chunk === null) outcomes.appended++;
    else {
      if (r.recoded) {
        outcomes.recoded++;
        chunks[chunks.length - 1] = r.chunk;
      } else {
        outcomes.cut++;
        prev = app;
        chunks.push(r.chunk);
      }
    }
    app = r.appender;
  }
  return chunks;
}

function check(samples: readonly Sample[], chunks: readonly Chunk[], float: boolean): void {
  let i = 0;
  for (const c of chunks) {
    const it = c.iterator(null);
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next(), i++) {
      const want = samples[i]!;
      assert.equal(it.atT(), want.t, `t of sample ${i}`);
      assert.equal(it.atStale(), want.stale, `staleness of sample ${i}`);
      if (want.stale) continue;
      const g = it.atFloatHistogram();
      const w = toFloat(want.h);
      if (g.positiveBuckets.length > w.positiveBuckets.length) outcomes.widened++;
      assert.equal(g.count, w.count, `count of sample ${i}`);
      assert.equal(g.zeroCount, w.zeroCount);
      assert.equal(g.sum, w.sum);
      assert.equal(g.schema, w.schema);
      assert.equal(bucketMap(g.positiveSpans, g.positiveBuckets), bucketMap(w.positiveSpans, w.positiveBuckets), `positive buckets of sample ${i}`);
      assert.equal(bucketMap(g.negativeSpans, g.negativeBuckets), bucketMap(w.negativeSpans, w.negativeBuckets), `negative buckets of sample ${i}`);
      if (!float) {
        const h = it.atHistogram();
        assert.equal(bucketMap(h.positiveSpans, absolute(h.positiveBuckets)), bucketMap(w.positiveSpans, w.positiveBuckets));
      }
    }
    assert.equal(it.err(), null);
  }
  assert.equal(i, samples.length);
}

describe('histogram appenders under random layouts', () => {
  for (const float of [false, true]) {
    for (const gauge of [false, true]) {
      it(`${float ? 'float' : 'integer'} ${gauge ? 'gauge' : 'counter'} histograms`, () => {
        outcomes.appended = outcomes.recoded = outcomes.cut = outcomes.widened = 0;
        for (let seed = 1; seed <= 15; seed++) {
          const samples = randomSeries(seed, 200, gauge);
          const chunks = appendAll(samples, float);
          check(samples, chunks, float);
        }
        // The generator must exercise every path: plain appends, recoding, cuts, and samples
        // stored with more buckets than they came with.
        assert.ok(outcomes.appended > 1000 && outcomes.recoded > 20 && outcomes.cut > 20 && outcomes.widened > 100, JSON.stringify(outcomes));
      });
    }
  }
});
