import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, type BucketSpan, type FloatHistogram, type Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { seededRandom } from '../../util/bench.js';
import { CounterResetHeader, Encoding, FloatHistogramChunk, chunkFromBytes, type Appender, type Chunk } from './index.js';

const ms = (t: number): Millis => t as Millis;

function fh(count: number, pos: number[], opts: Partial<FloatHistogram> = {}, spans?: BucketSpan[]): FloatHistogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count, sum: count * 0.25,
    positiveSpans: spans ?? (pos.length > 0 ? [{ offset: 0, length: pos.length }] : []), negativeSpans: [],
    positiveBuckets: pos, negativeBuckets: [], customValues: [], ...opts,
  };
}

interface Read { t: number; stale: boolean; h: FloatHistogram }

function readAll(c: Chunk): Read[] {
  const it = chunkFromBytes(Encoding.FloatHistogram, c.bytes()).iterator(null);
  const out: Read[] = [];
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
    assert.equal(vt, ValueType.FloatHistogram);
    out.push({ t: it.atT(), stale: it.atStale(), h: structuredClone(it.atFloatHistogram()) });
  }
  assert.equal(it.err(), null);
  return out;
}

function header(c: Chunk): number {
  assert.ok(c instanceof FloatHistogramChunk);
  return c.counterResetHeader();
}

function add(c: Chunk, a: Appender, t: number, h: FloatHistogram, prev: Appender | null = null): { c: Chunk; a: Appender; cut: boolean; recoded: boolean } {
  const r = a.appendFloatHistogram(prev, ms(t), h, false);
  return { c: r.chunk ?? c, a: r.appender, cut: r.chunk !== null && !r.recoded, recoded: r.recoded };
}

describe('float histogram chunk', () => {
  it('round-trips random float histograms of one layout', () => {
    const rnd = seededRandom(11);
    const c = FloatHistogramChunk.empty();
    let a: Appender = c.appender();
    const input: FloatHistogram[] = [];
    let base = [1.5, 2, 0.25];
    for (let i = 0; i < 80; i++) {
      base = base.map((v) => v + Math.floor(rnd() * 4) * 0.5);
      const h = fh(base.reduce((x, y) => x + y, 0) + i, base.slice(), {
        zeroCount: i, sum: rnd() * 100, negativeSpans: [{ offset: 3, length: 1 }], negativeBuckets: [i * 2],
      });
      input.push(h);
      const r = add(c, a, i * 30000 + (i % 5) * 3, h);
      assert.equal(r.c, c);
      a = r.a;
    }
    const got = readAll(c);
    assert.equal(got.length, 80);
    for (let i = 0; i < 80; i++) {
      const { counterResetHint, ...want } = input[i]!;
      const { counterResetHint: hint, ...g } = got[i]!.h;
      assert.deepEqual(g, want);
      assert.equal(counterResetHint, CounterResetHint.Unknown);
      assert.equal(hint, i === 0 ? CounterResetHint.Unknown : CounterResetHint.NotCounterReset);
    }
  });

  const cuts: { name: string; next: FloatHistogram; header: number }[] = [
    { name: 'count goes down', next: fh(5, [2, 4]), header: CounterResetHeader.CounterReset },
    { name: 'a bucket goes down', next: fh(20, [1.5, 4]), header: CounterResetHeader.CounterReset },
    { name: 'schema changes', next: fh(20, [2, 4], { schema: 3 }), header: CounterResetHeader.Unknown },
    { name: 'a used bucket disappears', next: fh(20, [4], {}, [{ offset: 1, length: 1 }]), header: CounterResetHeader.CounterReset },
  ];
  for (const tc of cuts) {
    it(`cuts a new chunk when the ${tc.name}`, () => {
      const c = FloatHistogramChunk.empty();
      const a = c.appender();
      add(c, a, 0, fh(10, [2, 4]));
      const r = add(c, a, 10, tc.next);
      assert.ok(r.cut);
      assert.equal(header(r.c), tc.header);
      assert.throws(() => a.appendFloatHistogram(null, ms(10), tc.next, true), /float histogram (counter reset|schema change)/);
    });
  }

  it('recodes with zero-valued new buckets and fills missing empty ones', () => {
    const c = FloatHistogramChunk.empty();
    let a: Appender = c.appender();
    a = add(c, a, 0, fh(3, [1, 0, 2], {}, [{ offset: 0, length: 3 }])).a;
    let r = add(c, a, 10, fh(4, [1, 3], {}, [{ offset: 0, length: 1 }, { offset: 1, length: 1 }]));
    assert.equal(r.c, c);
    r = add(c, r.a, 20, fh(9, [1, 1, 4, 3], {}, [{ offset: 0, length: 4 }]));
    assert.ok(r.recoded);
    const got = readAll(r.c);
    assert.deepEqual(got.map((x) => x.h.positiveBuckets), [[1, 0, 2, 0], [1, 0, 3, 0], [1, 1, 4, 3]]);
  });

  it('keeps gauge histograms together and stale markers apart', () => {
    const c = FloatHistogramChunk.empty();
    let a: Appender = c.appender();
    const g = (count: number, pos: number[]): FloatHistogram => fh(count, pos, { counterResetHint: CounterResetHint.Gauge });
    a = add(c, a, 0, g(10, [4, 6])).a;
    const r = add(c, a, 10, g(1, [0.5, 0.5]));
    assert.equal(r.c, c);
    assert.equal(header(c), CounterResetHeader.Gauge);
    const s = r.a.appendStaleHistogram(null, ms(20), false);
    // A stale marker is not a gauge histogram: Prometheus starts a new chunk for it.
    assert.notEqual(s.chunk, null);
    assert.equal(header(s.chunk!), CounterResetHeader.Unknown);
    const got = readAll(s.chunk!);
    assert.equal(got.length, 1);
    assert.ok(got[0]!.stale);
  });

  it('sets the header of a continuing chunk from the previous appender', () => {
    const c1 = FloatHistogramChunk.empty();
    const a1 = c1.appender();
    add(c1, a1, 0, fh(10, [10]));
    const c2 = FloatHistogramChunk.empty();
    add(c2, c2.appender(), 10, fh(12, [12]), a1);
    assert.equal(header(c2), CounterResetHeader.NotCounterReset);
    const c3 = FloatHistogramChunk.empty();
    add(c3, c3.appender(), 10, fh(2, [2]), a1);
    assert.equal(header(c3), CounterResetHeader.CounterReset);
  });

  it('resumes appending on stored bytes as if appended in one go', () => {
    const all: FloatHistogram[] = [];
    for (let i = 0; i < 15; i++) all.push(fh(3 * i + 0.5, [i * 0.5, 2 * i]));
    const whole = FloatHistogramChunk.empty();
    let a: Appender = whole.appender();
    for (let i = 0; i < all.length; i++) a = add(whole, a, i * 10, all[i]!).a;
    const part = FloatHistogramChunk.empty();
    let b: Appender = part.appender();
    for (let i = 0; i < 6; i++) b = add(part, b, i * 10, all[i]!).a;
    const stored = chunkFromBytes(Encoding.FloatHistogram, new Uint8Array(part.bytes()));
    let s = stored.appender();
    for (let i = 6; i < all.length; i++) s = add(stored, s, i * 10, all[i]!).a;
    assert.deepEqual(stored.bytes(), whole.bytes());
  });
});
