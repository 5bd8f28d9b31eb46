import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import type { BucketSpan, FloatHistogram, Histogram } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { repoRoot } from '../../textparse/conformance/repo-root.js';
import {
  ChunkEncodingError, Encoding, FloatHistogramSTChunk, HistogramSTChunk, chunkFromBytes, newEmptyChunk, plainCopy, type ChunkIterator,
} from './index.js';
import { getCounterResetHeader } from './histogram-meta.js';

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

  it('does not append to ST chunks: Watchfire writes its own without start timestamps', () => {
    const k = cases.flatMap((c) => c.chunks).find((x) => x.encoding === Encoding.HistogramST)!;
    assert.throws(() => chunkFromBytes(k.encoding, Buffer.from(k.chunk, 'hex')).appender(), ChunkEncodingError);
    assert.throws(() => newEmptyChunk(Encoding.FloatHistogramST), ChunkEncodingError);
  });

  it('copies an ST chunk into the plain encoding with the same samples and header, ready for more', () => {
    let copied = 0;
    for (const k of cases.flatMap((c) => c.chunks).filter((x) => x.encoding >= Encoding.HistogramST)) {
      const st = chunkFromBytes(k.encoding, Buffer.from(k.chunk, 'hex'));
      assert.ok(st instanceof HistogramSTChunk || st instanceof FloatHistogramSTChunk);
      const plain = plainCopy(st);
      assert.equal(plain.encoding, k.encoding === Encoding.HistogramST ? Encoding.Histogram : Encoding.FloatHistogram);
      assert.equal(getCounterResetHeader(plain.bytes()), st.counterResetHeader());
      const want = k.encoding === Encoding.HistogramST ? ValueType.Histogram : ValueType.FloatHistogram;
      const it = plain.iterator(null);
      for (const [i, ref] of k.samples.entries()) {
        assert.equal(it.next(), want, `sample ${i}`);
        if (ref.sum === STALE_BITS) {
          assert.ok(it.atStale());
          continue;
        }
        assert.deepEqual(sampleOf(it, want), { ...ref, st: 0 }, `sample ${i}`);
      }
      assert.equal(it.next(), ValueType.None);
      // The copy takes more samples.
      const last = k.samples[k.samples.length - 1]!;
      const r = plain.appender().appendStaleHistogram(null, (last.t + 15_000) as never, false);
      // A gauge chunk takes no stale marker: the appender starts the next chunk with it.
      assert.equal(plain.numSamples(), k.samples.length + (r.chunk === null ? 1 : 0));
      copied++;
    }
    assert.ok(copied > 100);
  });
});
