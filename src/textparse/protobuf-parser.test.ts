import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, type FloatHistogram, type Histogram } from '../model/index.js';
import { EntryType, ParseError, type Parser, type ParserOptions } from './interface.js';
import { ProtobufParser } from './protobuf-parser.js';
import {
  COUNTER, GAUGE, GAUGE_HISTOGRAM, HISTOGRAM, SUMMARY, UNTYPED, Writer, delimit, encodeFamilies, encodeFamily,
  type HistogramMsg, type MetricFamilyMsg,
} from './protobuf/test-encoder.js';

interface Row {
  kind: string;
  name?: string;
  text?: string;
  labels?: string;
  value?: number;
  ts?: number | undefined;
  st?: number | undefined;
  h?: Histogram | null;
  fh?: FloatHistogram | null;
  ex?: string[];
}

const OPTS: ParserOptions = { parseStartTimestamps: true, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false };

function rows(p: Parser): Row[] {
  const out: Row[] = [];
  for (;;) {
    const e = p.next();
    switch (e) {
      case EntryType.EOF:
        return out;
      case EntryType.Help: {
        const [name, text] = p.help();
        out.push({ kind: 'help', name, text });
        break;
      }
      case EntryType.Type: {
        const [name, text] = p.type();
        out.push({ kind: 'type', name, text });
        break;
      }
      case EntryType.Unit: {
        const [name, text] = p.unit();
        out.push({ kind: 'unit', name, text });
        break;
      }
      case EntryType.Series:
      case EntryType.Histogram: {
        const ex: string[] = [];
        for (let x = p.exemplar(); x !== null; x = p.exemplar()) ex.push(`${x.labels.toString()} ${x.value} ${String(x.ts)}`);
        const r: Row = { kind: e === EntryType.Series ? 'series' : 'histogram', labels: p.labels().toString(), ts: p.timestamp(), st: p.startTimestamp(), ex };
        if (e === EntryType.Series) r.value = p.value();
        else {
          const { h, fh } = p.histogram();
          r.h = h;
          r.fh = fh;
        }
        out.push(r);
        break;
      }
      default:
        throw new Error(`unexpected entry ${e}`);
    }
  }
}

function parse(fams: MetricFamilyMsg[], opts: Partial<ParserOptions> = {}): Row[] {
  return rows(new ProtobufParser(encodeFamilies(...fams), { ...OPTS, ...opts }));
}

/** Series rows as "labels value" strings, for compact expectations. */
function series(rs: Row[]): string[] {
  return rs.filter((r) => r.kind === 'series').map((r) => `${r.labels!} ${String(r.value)}`);
}

// The native histogram of Prometheus's own protobuf parser tests, with its classic buckets.
const TEST_HISTOGRAM: HistogramMsg = {
  sampleCount: 175,
  sampleSum: 0.0008280461746287094,
  bucket: [
    { cumulativeCount: 2, upperBound: -0.0004899999999999998 },
    { cumulativeCount: 4, upperBound: -0.0003899999999999998, exemplar: { label: [{ name: 'dummyID', value: '59727' }], value: -0.00039, timestamp: { seconds: 1625851155, nanos: 146848499 } } },
    { cumulativeCount: 16, upperBound: -0.0002899999999999998, exemplar: { label: [{ name: 'dummyID', value: '5617' }], value: -0.00029 } },
  ],
  schema: 3,
  zeroThreshold: 2.938735877055719e-39,
  zeroCount: 2,
  negativeSpan: [{ offset: -162, length: 1 }, { offset: 23, length: 4 }],
  negativeDelta: [1, 3, -2, -1, 1],
  positiveSpan: [{ offset: -161, length: 1 }, { offset: 8, length: 3 }],
  positiveDelta: [1, 2, -1, -1],
};

test('protobuf: metadata order and simple types', () => {
  const rs = parse([
    {
      name: 'http_requests', help: 'Requests.', type: COUNTER, unit: 'requests',
      metric: [{
        label: [{ name: 'method', value: 'get' }, { name: 'code', value: '200' }],
        counter: { value: 5, exemplar: { label: [{ name: 'trace_id', value: 'abc' }], value: 1.5, timestamp: { seconds: 10, nanos: 500_000_000 } }, startTimestamp: { seconds: 100, nanos: 1_900_000 } },
        timestampMs: 1234,
      }],
    },
    { name: 'temp', type: GAUGE, metric: [{ gauge: { value: -1.25 } }, { label: [{ name: 'a', value: 'b' }], gauge: { value: NaN } }] },
    { name: 'thing', type: UNTYPED, metric: [{ untyped: { value: 42 }, timestampMs: -5 }] },
  ]);
  assert.deepEqual(rs.map((r) => r.kind), ['help', 'unit', 'type', 'series', 'help', 'type', 'series', 'series', 'help', 'type', 'series']);
  assert.deepEqual(rs[0], { kind: 'help', name: 'http_requests', text: 'Requests.' });
  assert.deepEqual(rs[1], { kind: 'unit', name: 'http_requests', text: 'requests' });
  assert.deepEqual(rs[2], { kind: 'type', name: 'http_requests', text: 'counter' });
  assert.deepEqual(rs[3], {
    kind: 'series', labels: '{__name__="http_requests", code="200", method="get"}', value: 5, ts: 1234, st: 100001,
    ex: ['{trace_id="abc"} 1.5 10500'],
  });
  assert.equal(rs[4]!.text, '');
  assert.deepEqual(series(rs.slice(6)), ['{__name__="temp"} -1.25', '{__name__="temp", a="b"} NaN', '{__name__="thing"} 42']);
  assert.equal(rs[9]!.text, 'unknown');
  assert.equal(rs[10]!.ts, -5);
  const noST = parse([{ name: 'c', type: COUNTER, metric: [{ counter: { value: 1, startTimestamp: { seconds: 1 } } }] }], { parseStartTimestamps: false });
  assert.equal(noST[2]!.st, undefined, 'start timestamps only when asked for');
});

test('protobuf: summaries expand to _count, _sum and quantile series', () => {
  const cases: { name: string; fam: MetricFamilyMsg; want: string[] }[] = [
    {
      name: 'with quantiles',
      fam: { name: 'rpc', type: SUMMARY, metric: [{ summary: { sampleCount: 10, sampleSum: 2.5, quantile: [{ quantile: 0.5, value: 0.2 }, { quantile: 1, value: 0.9 }] } }] },
      want: ['{__name__="rpc_count"} 10', '{__name__="rpc_sum"} 2.5', '{__name__="rpc", quantile="0.5"} 0.2', '{__name__="rpc", quantile="1.0"} 0.9'],
    },
    {
      name: 'without quantiles',
      fam: { name: 'rpc', type: SUMMARY, metric: [{ label: [{ name: 'x', value: 'y' }], summary: { sampleCount: 3, sampleSum: 1 } }] },
      want: ['{__name__="rpc_count", x="y"} 3', '{__name__="rpc_sum", x="y"} 1'],
    },
  ];
  for (const c of cases) assert.deepEqual(series(parse([c.fam])), c.want, c.name);
});

test('protobuf: classic histograms expand with le labels and a +Inf bucket', () => {
  const cases: { name: string; h: HistogramMsg; want: string[] }[] = [
    {
      name: '+Inf added from the count',
      h: { sampleCount: 5, sampleSum: 7, bucket: [{ cumulativeCount: 1, upperBound: 0.1 }, { cumulativeCount: 3, upperBound: 1 }] },
      want: ['{__name__="h_count"} 5', '{__name__="h_sum"} 7', '{__name__="h_bucket", le="0.1"} 1', '{__name__="h_bucket", le="1.0"} 3', '{__name__="h_bucket", le="+Inf"} 5'],
    },
    {
      name: 'explicit +Inf ends the buckets',
      h: { sampleCount: 5, sampleSum: 7, bucket: [{ cumulativeCount: 5, upperBound: Infinity }, { cumulativeCount: 9, upperBound: 1e6 }] },
      want: ['{__name__="h_count"} 5', '{__name__="h_sum"} 7', '{__name__="h_bucket", le="+Inf"} 5'],
    },
    {
      name: 'float counts override integer ones',
      h: { sampleCount: 1, sampleCountFloat: 2.5, sampleSum: 1, bucket: [{ cumulativeCount: 1, cumulativeCountFloat: 1.5, upperBound: 1000 }] },
      want: ['{__name__="h_count"} 2.5', '{__name__="h_sum"} 1', '{__name__="h_bucket", le="1000.0"} 1.5', '{__name__="h_bucket", le="+Inf"} 2.5'],
    },
    {
      name: 'no buckets',
      h: { sampleCount: 0, sampleSum: 0 },
      want: ['{__name__="h_count"} 0', '{__name__="h_sum"} 0', '{__name__="h_bucket", le="+Inf"} 0'],
    },
  ];
  for (const c of cases) assert.deepEqual(series(parse([{ name: 'h', type: HISTOGRAM, metric: [{ histogram: c.h }] }])), c.want, c.name);
});

test('protobuf: native histogram as Prometheus returns it, exemplars with timestamps only', () => {
  const rs = parse([{ name: 'test_histogram', help: 'Test.', type: HISTOGRAM, metric: [{ histogram: TEST_HISTOGRAM, timestampMs: 1234568 }] }]);
  assert.equal(rs.length, 3);
  const r = rs[2]!;
  assert.equal(r.kind, 'histogram');
  assert.equal(r.labels, '{__name__="test_histogram"}');
  assert.equal(r.ts, 1234568);
  assert.equal(r.fh, null);
  assert.deepEqual(r.h, {
    counterResetHint: CounterResetHint.Unknown, schema: 3, zeroThreshold: 2.938735877055719e-39, zeroCount: 2, count: 175,
    sum: 0.0008280461746287094,
    positiveSpans: [{ offset: -161, length: 1 }, { offset: 8, length: 3 }],
    negativeSpans: [{ offset: -162, length: 1 }, { offset: 23, length: 4 }],
    positiveBuckets: [1, 2, -1, -1], negativeBuckets: [1, 3, -2, -1, 1], customValues: [],
  });
  assert.deepEqual(r.ex, ['{dummyID="59727"} -0.00039 1625851155146']);
});

test('protobuf: keepClassicHistograms adds the classic series after the native histogram', () => {
  const rs = parse([{ name: 'test_histogram', type: HISTOGRAM, metric: [{ histogram: TEST_HISTOGRAM, timestampMs: 1234568 }] }], { keepClassicHistograms: true });
  assert.deepEqual(rs.map((r) => r.kind), ['help', 'type', 'histogram', 'series', 'series', 'series', 'series', 'series', 'series']);
  assert.deepEqual(series(rs), [
    '{__name__="test_histogram_count"} 175', '{__name__="test_histogram_sum"} 0.0008280461746287094',
    '{__name__="test_histogram_bucket", le="-0.0004899999999999998"} 2', '{__name__="test_histogram_bucket", le="-0.0003899999999999998"} 4',
    '{__name__="test_histogram_bucket", le="-0.0002899999999999998"} 16', '{__name__="test_histogram_bucket", le="+Inf"} 175',
  ]);
  // Classic bucket series carry their bucket's exemplar, with or without timestamp.
  assert.deepEqual(rs.slice(3).map((r) => r.ex), [[], [], [], ['{dummyID="59727"} -0.00039 1625851155146'], ['{dummyID="5617"} -0.00029 undefined'], []]);
  assert.ok(rs.slice(3).every((r) => r.ts === 1234568));
});

test('protobuf: native histogram variants', () => {
  const gauge = parse([{ name: 'g', type: GAUGE_HISTOGRAM, metric: [{ histogram: TEST_HISTOGRAM }] }])[2]!;
  assert.equal(gauge.h?.counterResetHint, CounterResetHint.Gauge);
  assert.equal(gauge.ts, undefined);

  const float = parse([{
    name: 'f', type: HISTOGRAM,
    metric: [{ histogram: { sampleCountFloat: 10.5, sampleSum: 3, schema: 0, zeroThreshold: 0.001, zeroCountFloat: 0.5, positiveSpan: [{ offset: 0, length: 3 }], positiveCount: [4, 0, 6] } }],
  }])[2]!;
  assert.equal(float.h, null);
  assert.deepEqual(float.fh, {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount: 0.5, count: 10.5, sum: 3,
    // The empty middle bucket is cut out, splitting the span (Compact(0)).
    positiveSpans: [{ offset: 0, length: 1 }, { offset: 1, length: 1 }], negativeSpans: [], positiveBuckets: [4, 6], negativeBuckets: [], customValues: [],
  });

  // Zero-length span and zero-offset spans are merged; empty delta buckets are cut with the following delta adjusted.
  const compacted = parse([{
    name: 'c', type: HISTOGRAM,
    metric: [{ histogram: { sampleCount: 4, schema: 1, positiveSpan: [{ offset: 1, length: 0 }, { offset: 2, length: 2 }, { offset: 0, length: 2 }], positiveDelta: [0, 1, 2, -3] } }],
  }])[2]!;
  assert.deepEqual(compacted.h?.positiveSpans, [{ offset: 4, length: 2 }]);
  assert.deepEqual(compacted.h?.positiveBuckets, [1, 2]);

  // A span with no buckets marks a native histogram that has seen no observations yet.
  const emptyNative = parse([{ name: 'e', type: HISTOGRAM, metric: [{ histogram: { sampleCount: 0, positiveSpan: [{ offset: 0, length: 0 }] } }] }]);
  assert.equal(emptyNative[2]!.kind, 'histogram');
  assert.deepEqual(emptyNative[2]!.h?.positiveSpans, []);
});

test('protobuf: native histogram own exemplars win over bucket exemplars', () => {
  const h: HistogramMsg = {
    ...TEST_HISTOGRAM,
    exemplars: [
      { label: [{ name: 'id', value: '1' }], value: 1, timestamp: { seconds: 1 } },
      { label: [{ name: 'id', value: '2' }], value: 2 },
      { label: [{ name: 'id', value: '3' }], value: 3, timestamp: { seconds: 3, nanos: 999_999 } },
    ],
  };
  const r = parse([{ name: 'x', type: HISTOGRAM, metric: [{ histogram: h }] }])[2]!;
  assert.deepEqual(r.ex, ['{id="1"} 1 1000', '{id="3"} 3 3000']);
});

test('protobuf: ignoreNativeHistograms reads only the classic part', () => {
  const rs = parse([{ name: 'h', type: HISTOGRAM, metric: [{ histogram: TEST_HISTOGRAM }] }], { ignoreNativeHistograms: true });
  assert.deepEqual(rs.map((r) => r.kind), ['help', 'type', 'series', 'series', 'series', 'series', 'series', 'series']);
});

test('protobuf: classic histograms converted to NHCB', () => {
  const h: HistogramMsg = { sampleCount: 5, sampleSum: 7, startTimestamp: { seconds: 9 }, bucket: [{ cumulativeCount: 1, upperBound: 0.1 }, { cumulativeCount: 3, upperBound: 1 }] };
  const want = {
    counterResetHint: CounterResetHint.Unknown, schema: -53, zeroThreshold: 0, zeroCount: 0, count: 5, sum: 7,
    positiveSpans: [{ offset: 0, length: 3 }], negativeSpans: [], positiveBuckets: [1, 1, 0], negativeBuckets: [], customValues: [0.1, 1],
  };
  const only = parse([{ name: 'h', type: HISTOGRAM, metric: [{ histogram: h, label: [{ name: 'a', value: 'b' }] }] }], { convertClassicHistogramsToNHCB: true });
  assert.deepEqual(only.map((r) => r.kind), ['help', 'type', 'histogram']);
  assert.deepEqual(only[2]!.h, want);
  assert.equal(only[2]!.labels, '{__name__="h", a="b"}');
  assert.equal(only[2]!.st, 9000);

  const kept = parse([{ name: 'h', type: GAUGE_HISTOGRAM, metric: [{ histogram: h }, { histogram: { ...h, sampleCount: 6 } }] }], { convertClassicHistogramsToNHCB: true, keepClassicHistograms: true });
  assert.deepEqual(kept.map((r) => r.kind), ['help', 'type', 'series', 'series', 'series', 'series', 'series', 'histogram', 'series', 'series', 'series', 'series', 'series', 'histogram']);
  assert.equal(kept[7]!.h?.counterResetHint, CounterResetHint.Gauge);

  // Not cumulative: the conversion fails the scrape, as in Prometheus.
  const bad: HistogramMsg = { sampleCount: 5, bucket: [{ cumulativeCount: 3, upperBound: 0.1 }, { cumulativeCount: 1, upperBound: 1 }] };
  assert.throws(() => parse([{ name: 'h', type: HISTOGRAM, metric: [{ histogram: bad }] }], { convertClassicHistogramsToNHCB: true }), /count is not cumulative: 1 < 3/);
});

test('protobuf: packed and unpacked repeated fields decode alike', () => {
  const packed = parse([{ name: 'x', type: HISTOGRAM, metric: [{ histogram: TEST_HISTOGRAM }] }]);
  const unpacked = parse([{ name: 'x', type: HISTOGRAM, metric: [{ histogram: { ...TEST_HISTOGRAM, unpacked: true } }] }]);
  assert.deepEqual(unpacked, packed);
});

test('protobuf: empty families are skipped, unknown fields ignored', () => {
  const unknown = new Writer()
    .stringField(1, 'm').varintField(3, GAUGE)
    .tag(99, 0).varint(12345)
    .tag(98, 1).double(1)
    .tag(97, 3).tag(1, 0).varint(1).tag(97, 4) // a group
    .tag(96, 5).raw(new Uint8Array(4))
    .messageField(4, (w) => w.messageField(2, (g) => g.doubleField(1, 3).tag(50, 2).varint(2).raw(new Uint8Array(2))))
    .bytes();
  const body = delimit(encodeFamily({ name: 'empty', type: COUNTER }), unknown, new Uint8Array(0));
  assert.deepEqual(series(rows(new ProtobufParser(body, OPTS))), ['{__name__="m"} 3']);
});

test('protobuf: series keys identify series', () => {
  const fam: MetricFamilyMsg = {
    name: 'h', type: HISTOGRAM,
    metric: [{ label: [{ name: 'a', value: '1' }], histogram: { sampleCount: 1, bucket: [{ cumulativeCount: 1, upperBound: 1 }] } },
      { label: [{ name: 'a', value: '2' }], histogram: { sampleCount: 1, bucket: [{ cumulativeCount: 1, upperBound: 1 }] } }],
  };
  const keys = (body: Uint8Array): Map<string, string> => {
    const p = new ProtobufParser(body, OPTS);
    const out = new Map<string, string>();
    for (let e = p.next(); e !== EntryType.EOF; e = p.next()) if (e === EntryType.Series) out.set(p.seriesKey(), p.labels().toString());
    return out;
  };
  const a = keys(encodeFamilies(fam));
  assert.equal(a.size, 8, 'distinct series have distinct keys');
  const b = keys(encodeFamilies(fam, { name: 'other', type: GAUGE, metric: [{ gauge: { value: 1 } }] }));
  for (const [k, l] of a) assert.equal(b.get(k), l, 'the same series has the same key in another body');
});

test('protobuf: malformed bodies fail with one ParseError', () => {
  const good = encodeFamily({ name: 'm', type: GAUGE, metric: [{ gauge: { value: 1 } }] });
  const family = (build: (w: Writer) => void): Uint8Array => {
    const w = new Writer();
    build(w);
    return delimit(w.bytes());
  };
  const cases: { name: string; body: Uint8Array; err: RegExp }[] = [
    { name: 'truncated length varint', body: new Uint8Array([0x80]), err: /invalid varint/ },
    { name: 'length varint longer than 5 bytes', body: new Uint8Array([0x81, 0x80, 0x80, 0x80, 0x80, 0x00]), err: /invalid varint/ },
    { name: 'length beyond the buffer', body: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]), err: /insufficient length of buffer, expected at least 4294967300 bytes, got 7 bytes/ },
    { name: 'truncated message', body: delimit(good).slice(0, -3), err: /insufficient length/ },
    { name: 'nested length beyond message', body: family((w) => w.stringField(1, 'm').tag(4, 2).varint(1_000_000_000).raw(new Uint8Array(3))), err: /unexpected EOF/ },
    { name: 'nested huge length', body: family((w) => w.tag(4, 2).words(0, 0x10)), err: /unexpected EOF/ },
    { name: 'negative length', body: family((w) => w.tag(1, 2).words(0, 0x80000000)), err: /negative length/ },
    { name: 'varint of 11 bytes', body: family((w) => w.tag(3, 0).raw(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))), err: /integer overflow/ },
    { name: 'truncated varint in a field', body: family((w) => w.tag(3, 0).byte(0x80)), err: /unexpected EOF/ },
    { name: 'truncated double', body: family((w) => w.stringField(1, 'm').varintField(3, GAUGE).messageField(4, (m) => m.messageField(2, (g) => g.tag(1, 1).raw(new Uint8Array(3))))), err: /unexpected EOF/ },
    { name: 'wrong wire type', body: family((w) => w.tag(1, 0).varint(3)), err: /wrong wireType = 0 for field Name/ },
    { name: 'end group without start', body: family((w) => w.tag(1, 4)), err: /wiretype end group for non-group/ },
    { name: 'field number 0', body: family((w) => w.tag(0, 0).varint(1)), err: /illegal tag 0/ },
    { name: 'illegal wire type', body: family((w) => w.tag(20, 7)), err: /illegal wireType 7/ },
    { name: 'unknown metric type', body: encodeFamilies({ name: 'm', type: 9, metric: [{}] }), err: /unknown metric type for metric "m": 9/ },
    { name: 'empty metric name', body: encodeFamilies({ name: '', type: GAUGE, metric: [{}] }), err: /invalid metric name/ },
    { name: 'invalid UTF-8 label value', body: family((w) => w.stringField(1, 'm').varintField(3, GAUGE).messageField(4, (m) => m.messageField(1, (l) => l.stringField(1, 'a').bytesField(2, new Uint8Array([0xff]))))), err: /invalid label value/ },
    { name: 'invalid UTF-8 help', body: family((w) => w.stringField(1, 'm').bytesField(2, new Uint8Array([0xc3])).varintField(3, GAUGE).messageField(4, () => undefined)), err: /invalid help for metric "m"/ },
    { name: 'empty label name', body: encodeFamilies({ name: 'm', type: GAUGE, metric: [{ label: [{ name: '', value: 'x' }] }] }), err: /invalid label name/ },
    { name: 'duplicate label name', body: encodeFamilies({ name: 'm', type: GAUGE, metric: [{ label: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }] }] }), err: /label name "a" is not unique/ },
    { name: '__name__ as a label', body: encodeFamilies({ name: 'm', type: GAUGE, metric: [{ label: [{ name: '__name__', value: 'x' }] }] }), err: /label name "__name__" is not unique/ },
    { name: 'le label on a histogram bucket', body: encodeFamilies({ name: 'h', type: HISTOGRAM, metric: [{ label: [{ name: 'le', value: 'x' }], histogram: { sampleCount: 1 } }] }), err: /label name "le" is not unique/ },
    { name: 'spans and deltas disagree', body: encodeFamilies({ name: 'h', type: HISTOGRAM, metric: [{ histogram: { sampleCount: 2, schema: 1, positiveSpan: [{ offset: 0, length: 0 }, { offset: 2, length: 0 }], positiveDelta: [1, 3] } }] }), err: /histogram "h": positive side: spans require 0 buckets, have 2/ },
  ];
  for (const c of cases) {
    const p = new ProtobufParser(c.body, OPTS);
    let err: unknown;
    try {
      for (let e = p.next(); e !== EntryType.EOF; e = p.next()) if (e === EntryType.Series) p.labels();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ParseError, `${c.name}: want ParseError, got ${String(err)}`);
    assert.match(err.message, c.err, c.name);
    assert.throws(() => p.next(), (e) => e === err, `${c.name}: the same error again`);
  }
});
