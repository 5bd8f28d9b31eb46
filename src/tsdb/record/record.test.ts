import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, Labels, type FloatHistogram, type Histogram } from '../../model/index.js';
import {
  Decbuf, Encbuf, RecordDecodeError, RecordDecoder, RecordEncoder, RecordType, SampleBatch, recordType, recordTypeName,
  type RefExemplar, type RefFloatHistogramSample, type RefHistogramSample, type RefMetadata, type RefMmapMarker, type RefSeries, type Tombstone,
} from './index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Reference encodings computed with BigInt, independent of the word-splitting code under test.
function refUvarint(u: bigint): string {
  const out: number[] = [];
  while (u >= 0x80n) { out.push(Number(u & 0x7fn) | 0x80); u >>= 7n; }
  out.push(Number(u));
  return Buffer.from(out).toString('hex');
}
const zigzag = (v: bigint): bigint => (v >= 0n ? v << 1n : ((-v) << 1n) - 1n);

const MAX = Number.MAX_SAFE_INTEGER;
const INT_EDGES = [0, 1, -1, 63, -64, 64, -65, 127, 128, 0x3fffffff, -0x40000000, 0x40000000, -0x40000001, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 2 ** 35 + 7, 2 ** 52, -(2 ** 52) - 1, MAX, -MAX, MAX - 1, -MAX + 1];

describe('varints and 64-bit integers', () => {
  for (const v of INT_EDGES) {
    it(`varint ${v} matches the BigInt reference and round-trips`, () => {
      const b = new Encbuf(16);
      b.putVarint(v);
      assert.equal(hex(b.view()), refUvarint(zigzag(BigInt(v))));
      const d = new Decbuf();
      d.reset(b.view());
      assert.equal(d.varint(), v);
      assert.equal(d.err, null);
      assert.equal(d.len(), 0);
    });
    if (v >= 0) {
      it(`uvarint ${v} matches the BigInt reference and round-trips`, () => {
        const b = new Encbuf(16);
        b.putUvarint(v);
        assert.equal(hex(b.view()), refUvarint(BigInt(v)));
        const d = new Decbuf();
        d.reset(b.view());
        assert.equal(d.uvarint(), v);
      });
    }
    it(`be64 ${v} is two's complement big-endian`, () => {
      const b = new Encbuf(16);
      b.putBE64Int(v);
      const want = Buffer.alloc(8);
      want.writeBigInt64BE(BigInt(v));
      assert.equal(hex(b.view()), want.toString('hex'));
      const d = new Decbuf();
      d.reset(b.view());
      assert.equal(d.be64Int(), v);
    });
  }

  it('rejects values beyond the safe range on both sides', () => {
    const b = new Encbuf(16);
    assert.throws(() => { b.putVarint(2 ** 53); }, RangeError);
    assert.throws(() => { b.putBE64Int(-(2 ** 53)); }, RangeError);
    assert.throws(() => { b.putUvarint(-1); }, RangeError);
    assert.throws(() => { b.putUvarint(1.5); }, RangeError);
    assert.throws(() => { b.putVarint(-2.5); }, RangeError);
    assert.throws(() => { b.putBE64Int(NaN); }, RangeError);
    const d = new Decbuf();
    d.reset(Buffer.from(refUvarint(2n ** 53n), 'hex'));
    d.uvarint();
    assert.match(d.err ?? '', /safe range/);
    d.reset(Buffer.from(refUvarint(zigzag(-(2n ** 53n))), 'hex'));
    d.varint();
    assert.match(d.err ?? '', /safe range/);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(2n ** 60n);
    d.reset(big);
    d.be64Uint();
    assert.match(d.err ?? '', /safe range/);
  });

  it('reads at a non-zero byteOffset (pooled Buffers)', () => {
    const pool = Buffer.from('ff'.repeat(8) + '0000000000000003' + 'ac02', 'hex');
    const d = new Decbuf();
    d.reset(pool.subarray(8));
    assert.equal(d.be64Int(), 3);
    assert.equal(d.uvarint(), 300);
  });

  it('reports short reads as invalid size, stickily', () => {
    const d = new Decbuf();
    d.reset(Buffer.from('80', 'hex'));
    assert.equal(d.uvarint(), 0);
    assert.equal(d.err, 'invalid size');
    assert.equal(d.byte(), 0);
  });
});

describe('records', () => {
  const enc = new RecordEncoder();
  const dec = new RecordDecoder();

  it('writes a samples record byte for byte as Prometheus does', () => {
    const b = new SampleBatch();
    b.push(1, 1000, 1.5);
    b.push(3, 999, 0, true);
    // type 2 | base ref BE64 | base t BE64 | (dref, dt varints, value BE64)*
    assert.equal(hex(enc.samples(b)),
      '02' + '0000000000000001' + '00000000000003e8' +
      '00' + '00' + '3ff8000000000000' +
      '04' + '01' + '7ff0000000000002');
  });

  it('writes a series record with symbol-less labels', () => {
    const rec = enc.series([{ ref: 5, labels: Labels.fromStrings('__name__', 'up', 'job', 'é') }]);
    assert.equal(hex(rec), '01' + '0000000000000005' + '02' + '08' + Buffer.from('__name__').toString('hex') + '02' + Buffer.from('up').toString('hex') +
      '03' + Buffer.from('job').toString('hex') + '02' + 'c3a9');
  });

  it('round-trips samples V1 and V2 with stale markers and start times', () => {
    for (const st of [false, true]) {
      const e = new RecordEncoder({ enableSTStorage: st });
      const b = new SampleBatch(2);
      const n = 1000;
      for (let i = 0; i < n; i++) b.push(1000 + ((i * 7919) % 97), 1_700_000_000_000 + i * 15, i * 0.25 - 3, i % 11 === 0, st ? (i % 3 === 0 ? 0 : 1_699_999_000_000 + (i % 2)) : 0);
      const rec = e.samples(b);
      assert.equal(recordType(rec), st ? RecordType.SamplesV2 : RecordType.Samples);
      const out = new SampleBatch(1);
      dec.samples(rec, out);
      assert.equal(out.length, n);
      for (let i = 0; i < n; i++) {
        assert.equal(out.ref[i], b.ref[i]);
        assert.equal(out.t[i], b.t[i]);
        assert.equal(out.st[i], st ? b.st[i] : 0);
        assert.equal(out.stale[i], b.stale[i]);
        if (b.stale[i] === 1) assert.ok(Number.isNaN(out.v[i]));
        else assert.equal(out.v[i], b.v[i]);
      }
    }
  });

  it('keeps a plain NaN apart from the stale marker', () => {
    const b = new SampleBatch();
    b.push(1, 1, NaN);
    const out = new SampleBatch();
    dec.samples(enc.samples(b), out);
    assert.equal(out.stale[0], 0);
    assert.ok(Number.isNaN(out.v[0]));
  });

  it('round-trips samples at the extremes of the safe range', () => {
    const b = new SampleBatch();
    b.push(MAX, -(2 ** 51), 1);
    b.push(0, 2 ** 51, 2);
    const out = new SampleBatch();
    dec.samples(enc.samples(b), out);
    assert.deepEqual([out.ref[0], out.t[0], out.ref[1], out.t[1]], [MAX, -(2 ** 51), 0, 2 ** 51]);
    // A delta that leaves the safe range cannot be encoded exactly: refused, not rounded.
    b.push(0, MAX, 3);
    assert.throws(() => enc.samples(b), RangeError);
  });

  it('round-trips series, tombstones, exemplars, metadata and mmap markers', () => {
    const series: RefSeries[] = [
      { ref: 1, labels: Labels.fromStrings('__name__', 'a', 'x', 'ü'.repeat(200)) },
      { ref: 2 ** 40, labels: Labels.EMPTY },
    ];
    const s: RefSeries[] = [];
    dec.series(enc.series(series), s);
    assert.equal(s.length, 2);
    assert.ok(s[0]!.labels.equals(series[0]!.labels));
    assert.equal(s[1]!.ref, 2 ** 40);

    const ts: Tombstone[] = [{ ref: 9, mint: -5, maxt: 2 ** 50 }, { ref: 10, mint: 0, maxt: 0 }];
    const t: Tombstone[] = [];
    dec.tombstones(enc.tombstones(ts), t);
    assert.deepEqual(t, ts);

    const ex: RefExemplar[] = [
      { ref: 7, t: 1000, v: 0.5, labels: Labels.fromStrings('trace_id', 'abc') },
      { ref: 3, t: 900, v: -1, labels: Labels.EMPTY },
    ];
    const e: RefExemplar[] = [];
    dec.exemplars(enc.exemplars(ex), e);
    assert.equal(e.length, 2);
    assert.deepEqual(e.map((x) => [x.ref, x.t, x.v, x.labels.toString()]), ex.map((x) => [x.ref, x.t, x.v, x.labels.toString()]));

    const md: RefMetadata[] = [{ ref: 4, type: 'counter', unit: 'seconds', help: 'Total time.' }, { ref: 5, type: 'stateset', unit: '', help: '' }];
    const m: RefMetadata[] = [];
    dec.metadata(enc.metadata(md), m);
    assert.deepEqual(m, md);

    const mm: RefMmapMarker[] = [{ ref: 1, mmapRef: 2 ** 32 * 5 + 77 }];
    const mo: RefMmapMarker[] = [];
    dec.mmapMarkers(enc.mmapMarkers(mm), mo);
    assert.deepEqual(mo, mm);
  });

  it('keeps MinInt64/MaxInt64 tombstone bounds ("all time") bit for bit', () => {
    // Go: Tombstones([{Ref: 1, Intervals: [{Mint: math.MinInt64, Maxt: math.MaxInt64}]}]).
    const goBytes = Buffer.from('03' + '0000000000000001' + refUvarint(zigzag(-(2n ** 63n))) + refUvarint(zigzag(2n ** 63n - 1n)), 'hex');
    const t: Tombstone[] = [];
    dec.tombstones(goBytes, t);
    assert.deepEqual(t, [{ ref: 1, mint: -(2 ** 63), maxt: 2 ** 63 }]);
    assert.equal(hex(enc.tombstones(t)), goBytes.toString('hex'));
    // In between, the double's integer value is written exactly.
    const mid: Tombstone[] = [{ ref: 2, mint: -(2 ** 60) - 4096, maxt: 2 ** 55 }];
    const back: Tombstone[] = [];
    dec.tombstones(enc.tombstones(mid), back);
    assert.deepEqual(back, mid);
  });

  it('skips unknown metadata fields and keeps alignment', () => {
    const b = new Encbuf();
    b.putByte(RecordType.Metadata);
    for (const ref of [1, 2]) {
      b.putUvarint(ref); b.putByte(2); b.putUvarint(3);
      b.putUvarintStr('FUTURE'); b.putUvarintStr('x');
      b.putUvarintStr('HELP'); b.putUvarintStr(`h${ref}`);
      b.putUvarintStr('UNIT'); b.putUvarintStr('bytes');
    }
    const m: RefMetadata[] = [];
    dec.metadata(b.view(), m);
    assert.deepEqual(m, [{ ref: 1, type: 'gauge', unit: 'bytes', help: 'h1' }, { ref: 2, type: 'gauge', unit: 'bytes', help: 'h2' }]);
  });

  const hist = (schema: number, stale = false): Histogram => ({
    counterResetHint: CounterResetHint.NotCounterReset, schema, zeroThreshold: schema === -53 ? 0 : 0.001, zeroCount: schema === -53 ? 0 : 3,
    count: 20, sum: stale ? NaN : 12.5,
    positiveSpans: [{ offset: -2, length: 2 }, { offset: 3, length: 1 }], negativeSpans: schema === -53 ? [] : [{ offset: 0, length: 1 }],
    positiveBuckets: [5, -2, 4], negativeBuckets: schema === -53 ? [] : [1], customValues: schema === -53 ? [0.1, 1, 10] : [],
  });
  const fhist = (schema: number): FloatHistogram => ({ ...hist(schema), zeroCount: 2.5, count: 19.5, positiveBuckets: [5.5, 3, 7], negativeBuckets: schema === -53 ? [] : [1.25] });

  it('splits custom-bucket histograms into their own record, as Prometheus does', () => {
    const hs: RefHistogramSample[] = [
      { ref: 1, t: 100, st: 0, h: hist(3), stale: false },
      { ref: 2, t: 100, st: 0, h: hist(-53), stale: false },
      { ref: 1, t: 200, st: 0, h: hist(3, true), stale: true },
    ];
    const custom: RefHistogramSample[] = [];
    const buf = new Encbuf();
    const r1 = enc.histogramSamples(hs, custom, buf);
    const r2 = enc.customBucketsHistogramSamples(custom, buf);
    assert.equal(recordType(r1), RecordType.HistogramSamples);
    assert.equal(recordType(r2), RecordType.CustomBucketsHistogramSamples);
    const out: RefHistogramSample[] = [];
    dec.histogramSamples(r1, out);
    dec.histogramSamples(r2, out);
    assert.equal(out.length, 3);
    assert.deepEqual(out[0]!.h, hs[0]!.h);
    assert.equal(out[1]!.stale, true);
    assert.ok(Number.isNaN(out[1]!.h.sum));
    assert.deepEqual(out[2]!.h, hs[1]!.h);
    // Only custom-bucket histograms: nothing to write in the exponential record.
    assert.equal(enc.histogramSamples([hs[1]!], [], buf).length, 0);
  });

  it('round-trips float histograms, V1 and V2', () => {
    for (const st of [false, true]) {
      const e = new RecordEncoder({ enableSTStorage: st });
      const hs: RefFloatHistogramSample[] = [
        { ref: 10, t: 5, st: st ? 4 : 0, fh: fhist(0), stale: false },
        { ref: 8, t: 6, st: st ? 4 : 0, fh: fhist(-2), stale: false },
      ];
      const custom: RefFloatHistogramSample[] = [];
      const rec = e.floatHistogramSamples(hs, custom);
      assert.equal(recordType(rec), st ? RecordType.FloatHistogramSamplesV2 : RecordType.FloatHistogramSamples);
      const out: RefFloatHistogramSample[] = [];
      dec.floatHistogramSamples(rec, out);
      assert.deepEqual(out, hs);
    }
  });

  it('lowers schemas above 8 and skips unknown ones', () => {
    const h = hist(10);
    h.positiveSpans = [{ offset: 1, length: 4 }];
    h.positiveBuckets = [1, 1, 1, 1]; // absolute 1,2,3,4 at indexes 1..4
    h.negativeSpans = [];
    h.negativeBuckets = [];
    const bad = hist(60);
    const d = new RecordDecoder();
    const out: RefHistogramSample[] = [];
    d.histogramSamples(new RecordEncoder().histogramSamples([{ ref: 1, t: 1, st: 0, h, stale: false }, { ref: 2, t: 1, st: 0, h: bad, stale: false }], []), out);
    assert.equal(out.length, 1);
    assert.equal(d.skippedHistograms, 1);
    // Schema 10 → 8 merges 4 buckets: idx 1 → 1; idx 2..4 → 1 (((i-1)>>2)+1), so one bucket of 10.
    assert.equal(out[0]!.h.schema, 8);
    assert.deepEqual(out[0]!.h.positiveSpans, [{ offset: 1, length: 1 }]);
    assert.deepEqual(out[0]!.h.positiveBuckets, [10]);
  });

  const bad: [string, () => void, RegExp][] = [
    ['wrong type for series', () => { dec.series(new Uint8Array([2]), []); }, /^invalid record type$/],
    ['wrong type for samples', () => { dec.samples(new Uint8Array([1]), new SampleBatch()); }, /expected Samples\(2\) or SamplesV2\(11\)/],
    ['truncated samples', () => { dec.samples(enc.samples(batchOf(3)).subarray(0, 30), new SampleBatch()); }, /^decode error after 1 samples: invalid size$/],
    ['truncated series', () => { dec.series(enc.series([{ ref: 1, labels: Labels.fromStrings('a', 'b') }]).subarray(0, 12), []); }, /invalid size/],
  ];
  for (const [name, fn, re] of bad) {
    it(`rejects ${name}`, () => { assert.throws(fn, (e: unknown) => e instanceof RecordDecodeError && re.test(e.message)); });
  }

  it('names record types as Prometheus does', () => {
    assert.equal(recordTypeName(RecordType.CustomBucketsFloatHistogramSamples), 'custom_buckets_float_histogram_samples');
    assert.equal(recordType(new Uint8Array([42])), RecordType.Unknown);
    assert.equal(recordType(new Uint8Array(0)), RecordType.Unknown);
  });
});

function batchOf(n: number): SampleBatch {
  const b = new SampleBatch();
  for (let i = 0; i < n; i++) b.push(i, i, i);
  return b;
}
