import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { CounterResetHint, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { repoRoot } from '../../textparse/conformance/repo-root.js';
import { Encoding, chunkFromBytes, newEmptyChunk, type ChunkIterator } from './index.js';

/** One sample as Prometheus's iterator read it back; floats as their bits in hex. */
interface RefSample {
  st: number;
  t: number;
  hint: number;
  schema: number;
  zt: string;
  zc: string;
  count: string;
  sum: string;
  ps: { o: number; l: number }[];
  ns: { o: number; l: number }[];
  pb: string[];
  nb: string[];
  cv: string[];
}

interface RefCase {
  name: string;
  chunks: { encoding: number; chunk: string; samples: RefSample[] }[];
}

const STALE_BITS = '7ff0000000000002';

function refCases(): RefCase[] {
  const path = join(repoRoot(), 'src', 'tsdb', 'chunkenc', 'testdata', 'histogram-st-prometheus.json.gz');
  return (JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { cases: RefCase[] }).cases;
}

function bits(v: number): string {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v);
  return d.getBigUint64(0).toString(16);
}

const spans = (s: readonly BucketSpan[]): { o: number; l: number }[] => s.map((x) => ({ o: x.offset, l: x.length }));

function fromBits(hex: string): number {
  const d = new DataView(new ArrayBuffer(8));
  d.setBigUint64(0, BigInt(`0x${hex}`));
  return d.getFloat64(0);
}

const toSpans = (s: readonly { o: number; l: number }[]): BucketSpan[] => s.map((x) => ({ offset: x.o, length: x.l }));

function hintOf(n: number): CounterResetHint {
  switch (n) {
    case 1: return CounterResetHint.CounterReset;
    case 2: return CounterResetHint.NotCounterReset;
    case 3: return CounterResetHint.Gauge;
    default: return CounterResetHint.Unknown;
  }
}

/** The reference sample as the histogram to append (integer counts as decimal strings). */
function histogramOf(r: RefSample): Histogram {
  return {
    counterResetHint: hintOf(r.hint), schema: r.schema, zeroThreshold: fromBits(r.zt), zeroCount: Number(r.zc), count: Number(r.count),
    sum: fromBits(r.sum), positiveSpans: toSpans(r.ps), negativeSpans: toSpans(r.ns), positiveBuckets: r.pb.map(Number),
    negativeBuckets: r.nb.map(Number), customValues: r.cv.map(fromBits),
  };
}

/** The reference sample as the float histogram to append (every number as its bits). */
function floatHistogramOf(r: RefSample): FloatHistogram {
  return {
    counterResetHint: hintOf(r.hint), schema: r.schema, zeroThreshold: fromBits(r.zt), zeroCount: fromBits(r.zc), count: fromBits(r.count),
    sum: fromBits(r.sum), positiveSpans: toSpans(r.ps), negativeSpans: toSpans(r.ns), positiveBuckets: r.pb.map(fromBits),
    negativeBuckets: r.nb.map(fromBits), customValues: r.cv.map(fromBits),
  };
}

/** What our iterator holds at its current sample, in the reference's form. */
function sampleOf(it: ChunkIterator, vt: ValueType): Omit<RefSample, 'sum'> & { sum: string } {
  const st = it.atST?.() ?? 0;
  if (vt === ValueType.Histogram) {
    const h: Histogram = it.atHistogram();
    return {
      st, t: it.atT(), hint: h.counterResetHint, schema: h.schema, zt: bits(h.zeroThreshold), zc: String(h.zeroCount),
      count: String(h.count), sum: bits(h.sum), ps: spans(h.positiveSpans), ns: spans(h.negativeSpans),
      pb: h.positiveBuckets.map(String), nb: h.negativeBuckets.map(String), cv: h.customValues.map(bits),
    };
  }
  const h: FloatHistogram = it.atFloatHistogram();
  return {
    st, t: it.atT(), hint: h.counterResetHint, schema: h.schema, zt: bits(h.zeroThreshold), zc: bits(h.zeroCount),
    count: bits(h.count), sum: bits(h.sum), ps: spans(h.positiveSpans), ns: spans(h.negativeSpans),
    pb: h.positiveBuckets.map(bits), nb: h.negativeBuckets.map(bits), cv: h.customValues.map(bits),
  };
}

describe('histogram chunks with start timestamps, against Prometheus 3.14.0', () => {
  const cases = refCases();

  it('has the reference chunks: both ST encodings, the plain ones beside them, long ST chunks', () => {
    const encodings = new Set(cases.flatMap((c) => c.chunks.map((k) => k.encoding)));
    assert.deepEqual([...encodings].sort(), [Encoding.Histogram, Encoding.FloatHistogram, Encoding.HistogramST, Encoding.FloatHistogramST]);
    const stChunks = cases.flatMap((c) => c.chunks).filter((k) => k.encoding >= Encoding.HistogramST);
    assert.ok(stChunks.some((k) => k.samples.length > 127 && k.samples.some((s) => s.st !== 0)));
    assert.ok(stChunks.some((k) => k.samples.some((s) => s.sum === STALE_BITS)));
  });

  for (const c of cases) {
    it(`${c.name}: every chunk reads back as Prometheus reads it`, () => {
      let it: ChunkIterator | null = null;
      for (const k of c.chunks) {
        const chunk = chunkFromBytes(k.encoding, Buffer.from(k.chunk, 'hex'));
        assert.equal(chunk.encoding, k.encoding);
        assert.equal(chunk.numSamples(), k.samples.length);
        it = chunk.iterator(it);
        const want = k.encoding === Encoding.Histogram || k.encoding === Encoding.HistogramST ? ValueType.Histogram : ValueType.FloatHistogram;
        for (const [i, ref] of k.samples.entries()) {
          assert.equal(it.next(), want, `sample ${i}`);
          if (ref.sum === STALE_BITS) {
            assert.ok(it.atStale(), `sample ${i} is a stale marker`);
            assert.deepEqual([it.atST?.() ?? 0, it.atT()], [ref.st, ref.t], `sample ${i}`);
            continue;
          }
          assert.deepEqual(sampleOf(it, want), ref, `sample ${i}`);
        }
        assert.equal(it.next(), ValueType.None);
        assert.equal(it.err(), null);
      }
    });
  }

  it('reads the same samples from an ST chunk and from the plain chunk of the same input', () => {
    for (const c of cases.filter((x) => x.name.endsWith(' ST'))) {
      const plain = cases.find((x) => x.name === c.name.replace(/ ST$/, ' plain'));
      if (plain === undefined) continue;
      const strip = (k: RefCase): unknown[] => k.chunks.flatMap((x) => x.samples.map((smp) => { const rest: Partial<typeof smp> = { ...smp }; delete rest.st; return rest; }));
      assert.deepEqual(strip(c), strip(plain), c.name);
    }
  });

  it('seeks within an ST chunk and reports the start timestamp there', () => {
    const k = cases.flatMap((c) => c.chunks).find((x) => x.encoding === Encoding.HistogramST && x.samples.length > 100 && x.samples.some((s) => s.st !== 0))!;
    const target = k.samples[90]!;
    const it = chunkFromBytes(k.encoding, Buffer.from(k.chunk, 'hex')).iterator(null);
    assert.equal(it.seek(target.t as never), ValueType.Histogram);
    assert.equal(it.atT(), target.t);
    assert.equal(it.atST?.(), target.st);
  });

  it('fails a truncated ST chunk with an error instead of inventing samples', () => {
    const k = cases.flatMap((c) => c.chunks).find((x) => x.encoding === Encoding.FloatHistogramST && x.samples.length > 20)!;
    const b = Buffer.from(k.chunk, 'hex');
    const it = chunkFromBytes(k.encoding, b.subarray(0, Math.floor(b.length / 2))).iterator(null);
    let n = 0;
    while (it.next() !== ValueType.None) n++;
    assert.ok(n < k.samples.length);
    assert.notEqual(it.err(), null);
  });

  it('writes every reference chunk byte for byte, plain and with start timestamps', () => {
    let n = 0;
    for (const c of cases) {
      for (const k of c.chunks) {
        const want = Buffer.from(k.chunk, 'hex');
        const chunk = newEmptyChunk(k.encoding);
        const app = chunk.appender();
        const float = k.encoding === Encoding.FloatHistogram || k.encoding === Encoding.FloatHistogramST;
        for (const [i, ref] of k.samples.entries()) {
          const r = ref.sum === STALE_BITS
            ? app.appendStaleHistogram(null, ref.t as never, false, ref.st)
            : float ? app.appendFloatHistogram(null, ref.t as never, floatHistogramOf(ref), false, ref.st)
              : app.appendHistogram(null, ref.t as never, histogramOf(ref), false, ref.st);
          assert.equal(r.chunk, null, `${c.name}: sample ${i} stays in the chunk`);
        }
        // The counter reset header came from the series' previous chunk: take Prometheus's.
        const got = chunk.bytes();
        const crPos = k.encoding >= Encoding.HistogramST ? 0 : 2;
        got[crPos] = (got[crPos]! & 0x3f) | (want[crPos]! & 0xc0);
        assert.equal(Buffer.from(got).toString('hex'), k.chunk, `${c.name}: encoding ${k.encoding}, ${k.samples.length} samples`);
        n++;
      }
    }
    assert.ok(n > 200, `${n} chunks`);
  });

  it('continues a chunk reopened from its bytes at any sample: it reads back every sample and start timestamp', () => {
    // (The bytes may differ from one appender's: like Prometheus's, a reopened appender takes
    // its XOR windows from the iterator, which has none for values not yet changed.)
    let n = 0;
    for (const k of cases.flatMap((c) => c.chunks).filter((x) => x.samples.length >= 2 && x.samples.length <= 40)) {
      const float = k.encoding === Encoding.FloatHistogramST || k.encoding === Encoding.FloatHistogram;
      const vt = float ? ValueType.FloatHistogram : ValueType.Histogram;
      const add = (app: ReturnType<ReturnType<typeof newEmptyChunk>['appender']>, ref: RefSample): void => {
        const r = ref.sum === STALE_BITS ? app.appendStaleHistogram(null, ref.t as never, false, ref.st)
          : float ? app.appendFloatHistogram(null, ref.t as never, floatHistogramOf(ref), false, ref.st)
            : app.appendHistogram(null, ref.t as never, histogramOf(ref), false, ref.st);
        assert.equal(r.chunk, null);
      };
      for (let half = 1; half < k.samples.length; half++) {
        const first = newEmptyChunk(k.encoding);
        const a1 = first.appender();
        for (const ref of k.samples.slice(0, half)) add(a1, ref);
        const reopened = chunkFromBytes(k.encoding, new Uint8Array(first.bytes()));
        const a2 = reopened.appender();
        for (const ref of k.samples.slice(half)) add(a2, ref);
        const it = reopened.iterator(null);
        for (const [i, ref] of k.samples.entries()) {
          assert.equal(it.next(), vt, `sample ${i}`);
          if (ref.sum === STALE_BITS) {
            assert.ok(it.atStale());
            assert.deepEqual([it.atST?.() ?? 0, it.atT()], [ref.st, ref.t]);
            continue;
          }
          const got = sampleOf(it, vt);
          // The first sample's hint depends on the chunk header, which a fresh chunk leaves unknown.
          assert.deepEqual({ ...got, hint: 0 }, { ...ref, hint: 0 }, `reopened after ${half}: sample ${i}`);
        }
        assert.equal(it.next(), ValueType.None);
        n++;
      }
    }
    assert.ok(n > 1000, `${n} reopenings`);
  });

  it('recodes an ST chunk for new buckets and keeps every start timestamp', () => {
    const c = newEmptyChunk(Encoding.HistogramST);
    let app = c.appender();
    const h = (count: number, buckets: number[], spans: { offset: number; length: number }[]): Histogram => ({
      counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count, sum: count,
      positiveSpans: spans, negativeSpans: [], positiveBuckets: buckets, negativeBuckets: [], customValues: [],
    });
    let r = app.appendHistogram(null, 1000 as never, h(2, [2], [{ offset: 0, length: 1 }]), false, 500);
    app = r.appender;
    r = app.appendHistogram(null, 2000 as never, h(3, [3], [{ offset: 0, length: 1 }]), false, 500);
    app = r.appender;
    // A new bucket: the chunk is re-encoded with it.
    r = app.appendHistogram(null, 3000 as never, h(5, [3, -1], [{ offset: 0, length: 2 }]), false, 2500);
    assert.ok(r.chunk !== null && r.recoded);
    assert.equal(r.chunk.encoding, Encoding.HistogramST);
    const it = r.chunk.iterator(null);
    const got: [number, number, number][] = [];
    while (it.next() === ValueType.Histogram) got.push([it.atT(), it.atST?.() ?? 0, it.atHistogram().positiveBuckets.length]);
    assert.deepEqual(got, [[1000, 500, 2], [2000, 500, 2], [3000, 2500, 2]]);
  });
});
