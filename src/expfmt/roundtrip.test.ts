/**
 * Round trips through our own parsers: what the encoders write in each format, `newParser`
 * (chosen by the Content-Type the encoder stands for) reads back as the same series, values,
 * timestamps, metadata and exemplars.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newParser, EntryType, type Parser } from '../textparse/index.js';
import {
  FMT_OPENMETRICS_1_0_0, FMT_PROTO_DELIM, FMT_TEXT, encodeFamilies, nativeHistogramValue, classicHistogramValue,
  type FamilyType, type LabelPair, type Metric, type MetricFamily,
} from './index.js';
import { CounterResetHint, type FloatHistogram } from '../model/index.js';

const OPTS = { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false };

/** A small deterministic generator (LCG), so failures reproduce. */
class Rand {
  #s: number;
  constructor(seed: number) { this.#s = seed >>> 0; }
  next(): number {
    this.#s = (Math.imul(this.#s, 1664525) + 1013904223) >>> 0;
    return this.#s / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
}

const VALUES = [0, 1, -1, 0.5, 1e-9, 1.5e300, -2.25, 123456789, 3.14e42, NaN, Infinity, -Infinity, 1e6, 0.1 + 0.2];
const LABEL_VALUES = ['', 'x', 'with "quotes"', 'back\\slash', 'new\nline', 'Björn', '佖佥', '😱', 'a,b=c}'];

function labelsFor(r: Rand, utf8Names: boolean): LabelPair[] {
  const names = utf8Names ? ['job', 'a.b', 'instance', 'ü'] : ['job', 'instance', 'zone', 'le_not'];
  const out: LabelPair[] = [];
  for (const n of names) if (r.next() < 0.5) out.push({ name: n, value: r.pick(LABEL_VALUES) || 'v' });
  return out;
}

function family(r: Rand, i: number, utf8Names: boolean): MetricFamily {
  const type = r.pick<FamilyType>(['counter', 'gauge', 'untyped', 'summary', 'histogram']);
  const name = (utf8Names && i % 3 === 0 ? `fam.${i}` : `fam_${i}`) + (type === 'counter' ? '_total' : '');
  const metrics: Metric[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < 4; k++) {
    const labels = labelsFor(r, utf8Names);
    const key = JSON.stringify(labels);
    if (seen.has(key)) continue;
    seen.add(key);
    const ts = r.next() < 0.5 ? undefined : 1_700_000_000_000 + r.int(1e9);
    const withTs = ts === undefined ? {} : { timestampMs: ts };
    switch (type) {
      case 'counter':
        metrics.push({ labels, ...withTs, value: { kind: 'counter', value: Math.abs(r.pick(VALUES)), exemplar: { labels: [{ name: 'trace_id', value: `t${k}` }], value: 0.25, timestampMs: 1_700_000_000_123 } } });
        break;
      case 'gauge':
      case 'untyped':
        metrics.push({ labels, ...withTs, value: { kind: type, value: r.pick(VALUES) } });
        break;
      case 'summary':
        metrics.push({ labels, ...withTs, value: { kind: 'summary', sampleCount: r.int(1000), sampleSum: r.pick(VALUES), quantiles: [{ quantile: 0.5, value: r.pick(VALUES) }, { quantile: 0.99, value: 1 }] } });
        break;
      case 'histogram': {
        const a = r.int(10), b = a + r.int(10), c = b + r.int(10);
        metrics.push({ labels, ...withTs, value: { kind: 'histogram', sampleCount: c, sampleSum: r.pick(VALUES), buckets: [{ upperBound: 0.1, cumulativeCount: a }, { upperBound: 1, cumulativeCount: b, exemplar: { labels: [{ name: 'id', value: 'e' }], value: 0.5 } }, { upperBound: 1e3, cumulativeCount: c }] } });
        break;
      }
      default:
        break;
    }
  }
  return { name, type, help: `help of ${name} "q" \\ \n`, metrics };
}

function num(v: number): string {
  return Number.isNaN(v) ? 'NaN' : String(v);
}

/** Sorted series lines (`labels value @ts`), metadata lines, and exemplar lines from a parser. */
function read(p: Parser): { series: string[]; meta: string[]; exemplars: string[] } {
  const series: string[] = [], meta: string[] = [], exemplars: string[] = [];
  for (;;) {
    const e = p.next();
    if (e === EntryType.EOF) break;
    if (e === EntryType.Help) meta.push('HELP ' + p.help().join(' '));
    else if (e === EntryType.Type) meta.push('TYPE ' + p.type().join(' '));
    else if (e === EntryType.Series || e === EntryType.Histogram) {
      const lbls = p.labels().toString();
      const ts = p.timestamp();
      const v = e === EntryType.Series ? num(p.value()) : JSON.stringify(p.histogram());
      series.push(`${lbls} ${v}${ts === undefined ? '' : ' @' + String(ts)}`);
      for (let x = p.exemplar(); x !== null; x = p.exemplar()) exemplars.push(`${lbls} # ${x.labels.toString()} ${num(x.value)} @${String(x.ts)}`);
    }
  }
  return { series: series.sort(), meta, exemplars: exemplars.sort() };
}

function parse(format: string, fs: readonly MetricFamily[]): { series: string[]; meta: string[]; exemplars: string[] } {
  return read(newParser(encodeFamilies(format, fs), format, '', OPTS));
}

test('round trip: text, OpenMetrics and protobuf read back as the same series', () => {
  for (const utf8 of [false, true]) {
    const r = new Rand(utf8 ? 7 : 42);
    const fams: MetricFamily[] = [];
    for (let i = 0; i < 40; i++) fams.push(family(r, i, utf8));
    const esc = utf8 ? '; escaping=allow-utf-8' : '';
    const text = parse(FMT_TEXT + esc, fams);
    const om = parse(FMT_OPENMETRICS_1_0_0 + esc, fams);
    const pb = parse(FMT_PROTO_DELIM + esc, fams);
    assert.ok(text.series.length > 200, `enough series (${text.series.length})`);
    assert.deepEqual(om.series, text.series, 'OpenMetrics vs text');
    assert.deepEqual(pb.series, text.series, 'protobuf vs text');
    // Exemplars travel in OpenMetrics and protobuf, the same in both.
    assert.ok(om.exemplars.length > 20);
    assert.deepEqual(pb.exemplars, om.exemplars);
    // Metadata: text and protobuf name families alike; OpenMetrics drops `_total` from counter families.
    assert.deepEqual(pb.meta, text.meta);
    assert.equal(text.meta.filter((m) => m.startsWith('TYPE')).length, fams.length);
    // UTF-8 names survive with allow-utf-8 and are escaped to underscores otherwise.
    const dotted = text.series.filter((s) => s.includes('fam.0'));
    if (utf8) assert.ok(dotted.length > 0 && text.series.some((s) => s.includes('"a.b"=')), 'UTF-8 names kept');
    else assert.equal(dotted.length, 0);
  }
});

test('round trip: a family with every value kind and exact values, per format', () => {
  const fams: MetricFamily[] = [
    { name: 'c_total', type: 'counter', help: 'h', metrics: [{ labels: [{ name: 'a', value: 'x"y' }], timestampMs: 1234, value: { kind: 'counter', value: 17 } }] },
    { name: 'g', type: 'gauge', metrics: [{ labels: [], value: { kind: 'gauge', value: -0.000123 } }] },
  ];
  const want = ['{__name__="c_total", a="x\\"y"} 17 @1234', '{__name__="g"} -0.000123'];
  for (const f of [FMT_TEXT, FMT_OPENMETRICS_1_0_0, FMT_PROTO_DELIM]) assert.deepEqual(parse(f, fams).series, want, f);
  assert.deepEqual(parse(FMT_OPENMETRICS_1_0_0, fams).meta, ['HELP c h', 'TYPE c counter', 'TYPE g gauge']);
  assert.deepEqual(parse(FMT_TEXT, fams).meta, ['HELP c_total h', 'TYPE c_total counter', 'TYPE g gauge']);
});

const FH: FloatHistogram = {
  counterResetHint: CounterResetHint.NotCounterReset, schema: 1, zeroThreshold: 0.001, zeroCount: 2, count: 12, sum: 39.4,
  positiveSpans: [{ offset: 0, length: 2 }, { offset: 1, length: 2 }], negativeSpans: [{ offset: 0, length: 2 }, { offset: 1, length: 2 }],
  positiveBuckets: [1, 2, 1, 1], negativeBuckets: [1, 2, 1, 1], customValues: [],
};

test('round trip: native histograms through protobuf; custom buckets as classic ones', () => {
  const fams: MetricFamily[] = [
    { name: 'nh', type: 'histogram', metrics: [{ labels: [{ name: 'a', value: 'b' }], timestampMs: 6000000, value: nativeHistogramValue(FH) }] },
  ];
  const p = newParser(encodeFamilies(FMT_PROTO_DELIM, fams), FMT_PROTO_DELIM, '', OPTS);
  assert.equal(p.next(), EntryType.Help);
  assert.equal(p.next(), EntryType.Type);
  assert.deepEqual(p.type(), ['nh', 'histogram']);
  assert.equal(p.next(), EntryType.Histogram);
  const { h, fh } = p.histogram();
  assert.equal(h, null);
  assert.deepEqual({ ...fh!, counterResetHint: CounterResetHint.NotCounterReset }, FH);
  assert.equal(p.timestamp(), 6000000);
  assert.equal(p.next(), EntryType.EOF);

  const nhcb: FloatHistogram = {
    counterResetHint: CounterResetHint.Unknown, schema: -53, zeroThreshold: 0, zeroCount: 0, count: 6, sum: 1.234,
    positiveSpans: [{ offset: 0, length: 2 }, { offset: 2, length: 1 }], negativeSpans: [], positiveBuckets: [3, 2, 1], negativeBuckets: [],
    customValues: [0.1, 0.2, 0.5, 1, 2],
  };
  const classic: MetricFamily[] = [{ name: 'cb', type: 'histogram', metrics: [{ labels: [], timestampMs: 5, value: classicHistogramValue(nhcb) }] }];
  // As Prometheus federates them: cumulative bounds 3, 5, 5, 5, 6 and +Inf from the count.
  const want = [
    '{__name__="cb_bucket", le="+Inf"} 6 @5', '{__name__="cb_bucket", le="0.1"} 3 @5', '{__name__="cb_bucket", le="0.2"} 5 @5',
    '{__name__="cb_bucket", le="0.5"} 5 @5', '{__name__="cb_bucket", le="1.0"} 5 @5', '{__name__="cb_bucket", le="2.0"} 6 @5',
    '{__name__="cb_count"} 6 @5', '{__name__="cb_sum"} 1.234 @5',
  ];
  assert.deepEqual(parse(FMT_TEXT, classic).series, want);
  assert.deepEqual(parse(FMT_PROTO_DELIM, classic).series, want);
});

test('round trip: integer native histograms (spans and deltas) through protobuf', () => {
  const fams: MetricFamily[] = [{
    name: 'ih', type: 'gaugehistogram', metrics: [{
      labels: [], timestampMs: 1000,
      value: {
        kind: 'histogram', sampleCount: 9, sampleSum: -2.5, schema: 3, zeroThreshold: 1e-128, zeroCount: 1,
        negativeSpans: [{ offset: -3, length: 1 }], negativeDeltas: [2],
        positiveSpans: [{ offset: 2, length: 3 }, { offset: 5, length: 1 }], positiveDeltas: [1, 2, -2, 1],
      },
    }],
  }];
  const p = newParser(encodeFamilies(FMT_PROTO_DELIM, fams), FMT_PROTO_DELIM, '', OPTS);
  let e = p.next();
  while (e !== EntryType.Histogram && e !== EntryType.EOF) e = p.next();
  assert.equal(e, EntryType.Histogram);
  const { h, fh } = p.histogram();
  assert.equal(fh, null);
  assert.deepEqual({ ...h! }, {
    counterResetHint: CounterResetHint.Gauge, schema: 3, zeroThreshold: 1e-128, zeroCount: 1, count: 9, sum: -2.5,
    positiveSpans: [{ offset: 2, length: 3 }, { offset: 5, length: 1 }], negativeSpans: [{ offset: -3, length: 1 }],
    positiveBuckets: [1, 2, -2, 1], negativeBuckets: [2], customValues: [],
  });
  assert.equal(p.timestamp(), 1000);
});
