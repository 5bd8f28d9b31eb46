import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, type BucketSpan, type Histogram, type Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { BitReader, BitWriter } from './bstream.js';
import { readZeroThreshold, putZeroThreshold, putCustomBound, readCustomBound } from './histogram-layout.js';
import {
  CounterResetHeader, Encoding, HistogramChunk, chunkFromBytes, type Appender, type Chunk,
} from './index.js';

const ms = (t: number): Millis => t as Millis;

function hist(count: number, pos: number[], opts: Partial<Histogram> = {}, spans?: BucketSpan[]): Histogram {
  // pos are absolute counts; the histogram carries them delta-encoded.
  const deltas = pos.map((v, i) => (i === 0 ? v : v - pos[i - 1]!));
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 1, zeroThreshold: 2 ** -128, zeroCount: 0, count, sum: count * 1.5,
    positiveSpans: spans ?? (pos.length > 0 ? [{ offset: 0, length: pos.length }] : []), negativeSpans: [],
    positiveBuckets: deltas, negativeBuckets: [], customValues: [], ...opts,
  };
}

interface Read { t: number; stale: boolean; h: Histogram }

function readAll(c: Chunk): Read[] {
  const it = chunkFromBytes(Encoding.Histogram, c.bytes()).iterator(null);
  const out: Read[] = [];
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
    assert.equal(vt, ValueType.Histogram);
    out.push({ t: it.atT(), stale: it.atStale(), h: structuredClone(it.atHistogram()) });
  }
  assert.equal(it.err(), null);
  return out;
}

function absolute(h: Histogram): number[] {
  let acc = 0;
  return h.positiveBuckets.map((d) => (acc += d));
}

function header(c: Chunk): number {
  assert.ok(c instanceof HistogramChunk);
  return c.counterResetHeader();
}

/** Appends and returns the chunk now holding the sample plus the appender to continue with. */
function add(c: Chunk, a: Appender, t: number, h: Histogram, prev: Appender | null = null): { c: Chunk; a: Appender; cut: boolean; recoded: boolean } {
  const r = a.appendHistogram(prev, ms(t), h, false);
  return { c: r.chunk ?? c, a: r.appender, cut: r.chunk !== null && !r.recoded, recoded: r.recoded };
}

describe('histogram chunk', () => {
  it('round-trips samples of one layout with delta-of-delta fields', () => {
    const c = HistogramChunk.empty();
    let a: Appender = c.appender();
    const input: Histogram[] = [];
    for (let i = 0; i < 50; i++) {
      const h = hist(10 + i * 7, [1 + i, 3 + 2 * i, 5 + 4 * i], { zeroCount: i, negativeSpans: [{ offset: -2, length: 2 }], negativeBuckets: [i, 1] });
      input.push(h);
      const r = add(c, a, 1000 + i * 15000 + (i % 4), h);
      assert.equal(r.c, c);
      a = r.a;
    }
    assert.equal(c.numSamples(), 50);
    const got = readAll(c);
    for (let i = 0; i < 50; i++) {
      const g = got[i]!.h;
      const w = input[i]!;
      assert.equal(got[i]!.t, 1000 + i * 15000 + (i % 4));
      assert.equal(g.count, w.count);
      assert.equal(g.zeroCount, w.zeroCount);
      assert.equal(g.sum, w.sum);
      assert.deepEqual(g.positiveBuckets, w.positiveBuckets);
      assert.deepEqual(g.negativeBuckets, w.negativeBuckets);
      assert.deepEqual(g.negativeSpans, w.negativeSpans);
      assert.equal(g.schema, 1);
      assert.equal(g.zeroThreshold, 2 ** -128);
      assert.equal(g.counterResetHint, i === 0 ? CounterResetHint.Unknown : CounterResetHint.NotCounterReset);
    }
  });

  const cuts: { name: string; next: Histogram; header: number }[] = [
    { name: 'count goes down', next: hist(5, [2, 4]), header: CounterResetHeader.CounterReset },
    { name: 'a bucket goes down', next: hist(20, [1, 4]), header: CounterResetHeader.CounterReset },
    { name: 'zero count goes down', next: hist(20, [2, 4], { zeroCount: 0 }), header: CounterResetHeader.CounterReset },
    { name: 'explicit reset hint', next: hist(20, [2, 4], { counterResetHint: CounterResetHint.CounterReset }), header: CounterResetHeader.CounterReset },
    { name: 'schema changes', next: hist(20, [2, 4], { schema: 2 }), header: CounterResetHeader.Unknown },
    { name: 'zero threshold changes', next: hist(20, [2, 4], { zeroThreshold: 0.001 }), header: CounterResetHeader.Unknown },
    { name: 'a used bucket disappears', next: hist(20, [4], {}, [{ offset: 1, length: 1 }]), header: CounterResetHeader.CounterReset },
  ];
  for (const tc of cuts) {
    it(`cuts a new chunk when the ${tc.name}`, () => {
      const c = HistogramChunk.empty();
      const a = c.appender();
      add(c, a, 0, hist(10, [2, 4], { zeroCount: 1 }));
      const before = Buffer.from(c.bytes()).toString('hex');
      const r = add(c, a, 10, tc.next);
      assert.ok(r.cut);
      assert.equal(header(r.c), tc.header);
      assert.equal(r.c.numSamples(), 1);
      assert.equal(Buffer.from(c.bytes()).toString('hex'), before, 'the old chunk is left as it was');
      assert.throws(() => a.appendHistogram(null, ms(10), tc.next, true), /histogram (counter reset|schema change)/);
    });
  }

  it('recodes the chunk when new buckets appear', () => {
    const c = HistogramChunk.empty();
    let a: Appender = c.appender();
    a = add(c, a, 0, hist(6, [1, 5], {}, [{ offset: 0, length: 2 }])).a;
    a = add(c, a, 10, hist(8, [2, 6], {}, [{ offset: 0, length: 2 }])).a;
    const wider = hist(20, [3, 2, 7, 9], {}, [{ offset: -1, length: 3 }, { offset: 2, length: 1 }]);
    assert.throws(() => a.appendHistogram(null, ms(20), wider, true), /histogram layout change with 2 positive and 0 negative forwards inserts/);
    const r = add(c, a, 20, wider);
    assert.ok(r.recoded);
    const got = readAll(r.c);
    assert.equal(got.length, 3);
    for (const g of got) assert.deepEqual(g.h.positiveSpans, [{ offset: -1, length: 3 }, { offset: 2, length: 1 }]);
    assert.deepEqual(absolute(got[0]!.h), [0, 1, 5, 0]);
    assert.deepEqual(absolute(got[1]!.h), [0, 2, 6, 0]);
    assert.deepEqual(absolute(got[2]!.h), [3, 2, 7, 9]);
    // Appending continues on the recoded chunk.
    const more = add(r.c, r.a, 30, hist(21, [3, 2, 7, 10], {}, [{ offset: -1, length: 3 }, { offset: 2, length: 1 }]));
    assert.equal(more.c, r.c);
    assert.equal(r.c.numSamples(), 4);
  });

  it('gives a sample the empty buckets it lacks (backward inserts)', () => {
    const c = HistogramChunk.empty();
    let a: Appender = c.appender();
    a = add(c, a, 0, hist(5, [0, 5, 0], {}, [{ offset: 0, length: 3 }])).a;
    const r = add(c, a, 10, hist(7, [7], {}, [{ offset: 1, length: 1 }]));
    assert.equal(r.c, c);
    assert.ok(!r.recoded);
    const got = readAll(c);
    assert.deepEqual(got[1]!.h.positiveSpans, [{ offset: 0, length: 3 }]);
    assert.deepEqual(absolute(got[1]!.h), [0, 7, 0]);
  });

  it('keeps gauge histograms in gauge chunks where buckets come and go', () => {
    const c = HistogramChunk.empty();
    let a: Appender = c.appender();
    const g = (count: number, pos: number[], spans: BucketSpan[]): Histogram => hist(count, pos, { counterResetHint: CounterResetHint.Gauge }, spans);
    a = add(c, a, 0, g(10, [4, 6], [{ offset: 0, length: 2 }])).a;
    assert.equal(header(c), CounterResetHeader.Gauge);
    let r = add(c, a, 10, g(3, [3], [{ offset: 1, length: 1 }]));
    assert.equal(r.c, c);
    r = add(c, r.a, 20, g(9, [1, 8], [{ offset: 1, length: 2 }]));
    assert.ok(r.recoded);
    const got = readAll(r.c);
    assert.deepEqual(got.map((x) => absolute(x.h)), [[4, 6, 0], [0, 3, 0], [0, 1, 8]]);
    assert.ok(got.every((x) => x.h.counterResetHint === CounterResetHint.Gauge));
    // A counter histogram after gauges starts a new chunk.
    const r2 = add(r.c, r.a, 30, hist(20, [1, 8, 11], {}, [{ offset: 0, length: 3 }]));
    assert.ok(r2.cut);
    assert.equal(header(r2.c), CounterResetHeader.NotCounterReset);
  });

  it('stores stale markers and cuts when real samples follow', () => {
    const c = HistogramChunk.empty();
    let a: Appender = c.appender();
    a = add(c, a, 0, hist(5, [5])).a;
    let r = a.appendStaleHistogram(null, ms(10), false);
    assert.equal(r.chunk, null);
    r = r.appender.appendStaleHistogram(null, ms(20), false);
    assert.equal(r.chunk, null);
    const got = readAll(c);
    assert.deepEqual(got.map((x) => [x.t, x.stale]), [[0, false], [10, true], [20, true]]);
    assert.ok(Number.isNaN(got[1]!.h.sum));
    const after = add(c, r.appender, 30, hist(6, [6]));
    assert.ok(after.cut);
    assert.equal(header(after.c), CounterResetHeader.Unknown);
  });

  it('sets the header of a continuing chunk from the previous appender', () => {
    const c1 = HistogramChunk.empty();
    const a1 = c1.appender();
    add(c1, a1, 0, hist(10, [10]));
    const c2 = HistogramChunk.empty();
    add(c2, c2.appender(), 10, hist(12, [12]), a1);
    assert.equal(header(c2), CounterResetHeader.NotCounterReset);
    const c3 = HistogramChunk.empty();
    add(c3, c3.appender(), 10, hist(2, [2]), a1);
    assert.equal(header(c3), CounterResetHeader.CounterReset);
    const c4 = HistogramChunk.empty();
    add(c4, c4.appender(), 10, hist(2, [2]));
    assert.equal(header(c4), CounterResetHeader.Unknown);
  });

  it('encodes custom bucket bounds and cuts when they change', () => {
    const cv = [0.1, 0.25, 1, 33554.43, 1e9, -5, 0.0001];
    const nhcb = (count: number, bounds: number[]): Histogram => hist(count, [1, 2], { schema: -53, zeroThreshold: 0, customValues: bounds });
    const c = HistogramChunk.empty();
    const a = c.appender();
    add(c, a, 0, nhcb(3, cv));
    const got = readAll(c);
    assert.deepEqual(got[0]!.h.customValues, cv);
    const r = add(c, a, 10, nhcb(5, [0.1, 0.5]));
    assert.ok(r.cut);
    assert.equal(header(r.c), CounterResetHeader.CounterReset);
  });

  it('resumes appending on stored bytes as if appended in one go', () => {
    const all: Histogram[] = [];
    for (let i = 0; i < 20; i++) all.push(hist(3 * i, [i, 2 * i]));
    const whole = HistogramChunk.empty();
    let a: Appender = whole.appender();
    for (let i = 0; i < all.length; i++) a = add(whole, a, i * 10, all[i]!).a;
    const part = HistogramChunk.empty();
    let b: Appender = part.appender();
    for (let i = 0; i < 8; i++) b = add(part, b, i * 10, all[i]!).a;
    const stored = chunkFromBytes(Encoding.Histogram, new Uint8Array(part.bytes()));
    let s = stored.appender();
    for (let i = 8; i < all.length; i++) s = add(stored, s, i * 10, all[i]!).a;
    assert.deepEqual(stored.bytes(), whole.bytes());
  });

  it('converts to float histograms with absolute counts', () => {
    const c = HistogramChunk.empty();
    add(c, c.appender(), 0, hist(9, [2, 3, 4]));
    const it = c.iterator(null);
    it.next();
    const fh = it.atFloatHistogram();
    assert.deepEqual(fh.positiveBuckets, [2, 3, 4]);
    assert.equal(fh.count, 9);
  });

  it('reads schemas above 8 at schema 8, merging buckets', () => {
    const c = HistogramChunk.empty();
    // Schema 9 buckets 1..4 become schema 8 buckets 1 (1,2) and 2 (3,4).
    add(c, c.appender(), 0, hist(10, [1, 2, 3, 4], { schema: 9 }, [{ offset: 1, length: 4 }]));
    const h = readAll(c)[0]!.h;
    assert.equal(h.schema, 8);
    assert.deepEqual(h.positiveSpans, [{ offset: 1, length: 2 }]);
    assert.deepEqual(absolute(h), [3, 7]);
  });
});

describe('histogram layout fields', () => {
  const thresholds: [number, string][] = [
    [0, '00'], [2 ** -128, '74'], [1, 'f4'], [2 ** 10, 'fe'], [2 ** -243, '01'], [2 ** 11, 'ff40a0000000000000'], [0.001, 'ff3f50624dd2f1a9fc'],
  ];
  for (const [v, want] of thresholds) {
    it(`zero threshold ${v}`, () => {
      const w = BitWriter.withHeader(0);
      putZeroThreshold(w, v);
      assert.equal(Buffer.from(w.bytes()).toString('hex'), want);
      assert.equal(readZeroThreshold(new BitReader(w.bytes(), 0)), v);
    });
  }

  it('custom bounds in varbit or raw form', () => {
    for (const [v, bits] of [[0, 5], [0.005, 5], [0.01, 9], [1, 17], [33554.43, 32], [33554.431, 65], [-1, 65], [0.0001, 65], [Infinity, 65]] as const) {
      const w = BitWriter.withHeader(0);
      putCustomBound(w, v);
      assert.equal(w.bitLength(), bits, `bits for ${v}`);
      assert.equal(readCustomBound(new BitReader(w.bytes(), 0)), v);
    }
  });
});
