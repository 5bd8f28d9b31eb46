import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { EncodeError, FMT_OPENMETRICS_1_0_0, encodeFamilies, newEncoder, type MetricFamily } from './index.js';

const UTF8 = FMT_OPENMETRICS_1_0_0 + '; escaping=allow-utf-8';

function om(fs: readonly MetricFamily[], withCreatedLines = false): string {
  return Buffer.from(encodeFamilies(UTF8, fs, { withCreatedLines })).toString('utf8');
}

const l = (name: string, value: string): { name: string; value: string } => ({ name, value });

const BUCKETS = [
  { upperBound: 100, cumulativeCount: 123 },
  { upperBound: 120, cumulativeCount: 412, exemplar: { labels: [l('foo', 'bar')], value: 119.9, timestampMs: 12345600 } },
  { upperBound: 144, cumulativeCount: 592, exemplar: { labels: [l('foo', 'baz'), l('dings', 'bums')], value: 140.14 } },
  { upperBound: 172.8, cumulativeCount: 1524 },
];

// Golden outputs: cases of Prometheus's OpenMetrics encoder tests, restated.
const CASES: readonly (readonly [string, MetricFamily, boolean, string])[] = [
  ['counter without _total is unknown; float-second timestamps', {
    name: 'name', help: 'two-line\n doc  str\\ing', type: 'counter', metrics: [
      { labels: [l('labelname', 'val1'), l('basename', 'basevalue')], value: { kind: 'counter', value: 42 } },
      { labels: [l('labelname', 'val2'), l('basename', 'basevalue')], value: { kind: 'counter', value: 0.23 }, timestampMs: 1234567890 },
    ],
  }, false, '# HELP name two-line\\n doc  str\\\\ing\n# TYPE name unknown\nname{labelname="val1",basename="basevalue"} 42.0\nname{labelname="val2",basename="basevalue"} 0.23 1.23456789e+06\n'],
  ['quoted UTF-8 name, HELP escapes quotes', {
    name: 'gauge.name"', help: 'gauge\ndoc\nstr"ing', type: 'gauge', metrics: [
      { labels: [l('name.1', 'val with\nnew line'), l('name*2', 'val with \\backslash and "quotes"')], value: { kind: 'gauge', value: Infinity } },
      { labels: [l('name.1', 'Björn'), l('name*2', '佖佥')], value: { kind: 'gauge', value: 3.14e42 } },
    ],
  }, false, '# HELP "gauge.name\\"" gauge\\ndoc\\nstr\\"ing\n# TYPE "gauge.name\\"" gauge\n{"gauge.name\\"","name.1"="val with\\nnew line","name*2"="val with \\\\backslash and \\"quotes\\""} +Inf\n{"gauge.name\\"","name.1"="Björn","name*2"="佖佥"} 3.14e+42\n'],
  ['untyped is unknown', {
    name: 'unknown_name', type: 'untyped', metrics: [
      { labels: [], value: { kind: 'untyped', value: -Infinity } },
      { labels: [l('name_1', 'value 1')], value: { kind: 'untyped', value: -1.23e-45 } },
    ],
  }, false, '# TYPE unknown_name unknown\nunknown_name -Inf\nunknown_name{name_1="value 1"} -1.23e-45\n'],
  ['summary with created lines; integer count', {
    name: 'summary_name', help: 'summary docstring', type: 'summary', metrics: [
      { labels: [], value: { kind: 'summary', sampleCount: 42, sampleSum: -3.4567, quantiles: [{ quantile: 0.5, value: -1.23 }, { quantile: 0.99, value: 0 }], createdTimestampMs: 12345600 } },
    ],
  }, true, '# HELP summary_name summary docstring\n# TYPE summary_name summary\nsummary_name{quantile="0.5"} -1.23\nsummary_name{quantile="0.99"} 0.0\nsummary_name_sum -3.4567\nsummary_name_count 42\nsummary_name_created 12345.6\n'],
  ['histogram with unit, exemplars on buckets, +Inf added', {
    name: 'request_duration_microseconds', help: 'The response latency.', type: 'histogram', unit: 'microseconds', metrics: [
      { labels: [], value: { kind: 'histogram', sampleCount: 2693, sampleSum: 1756047.3, buckets: BUCKETS, createdTimestampMs: 12345600 } },
    ],
  }, false, `# HELP request_duration_microseconds The response latency.
# TYPE request_duration_microseconds histogram
# UNIT request_duration_microseconds microseconds
request_duration_microseconds_bucket{le="100.0"} 123
request_duration_microseconds_bucket{le="120.0"} 412 # {foo="bar"} 119.9 12345.6
request_duration_microseconds_bucket{le="144.0"} 592 # {foo="baz",dings="bums"} 140.14
request_duration_microseconds_bucket{le="172.8"} 1524
request_duration_microseconds_bucket{le="+Inf"} 2693
request_duration_microseconds_sum 1.7560473e+06
request_duration_microseconds_count 2693
`],
  ['counter _total: family name without the suffix, created line', {
    name: 'foos_total', help: 'Number of foos.', type: 'counter', metrics: [
      { labels: [], value: { kind: 'counter', value: 42, createdTimestampMs: 12345600, exemplar: { labels: [], value: 1 } } },
    ],
  }, true, '# HELP foos Number of foos.\n# TYPE foos counter\nfoos_total 42.0\nfoos_created 12345.6\n'],
  ['no metrics plus unit', { name: 'name_seconds_total', help: 'doc string', type: 'counter', unit: 'seconds', metrics: [] }, false,
    '# HELP name_seconds doc string\n# TYPE name_seconds counter\n# UNIT name_seconds seconds\n'],
  ['gauge histogram keeps its type', {
    name: 'gh', type: 'gaugehistogram', metrics: [{ labels: [], value: { kind: 'histogram', sampleCount: 1, sampleSum: 1, buckets: [{ upperBound: Infinity, cumulativeCount: 1 }] } }],
  }, false, '# TYPE gh gaugehistogram\ngh_bucket{le="+Inf"} 1\ngh_sum 1.0\ngh_count 1\n'],
];

test('OpenMetrics encoder: golden outputs, each stream ended by # EOF', () => {
  for (const [name, f, created, want] of CASES) assert.equal(om([f], created), want + '# EOF\n', name);
  assert.equal(om([]), '# EOF\n');
});

test('OpenMetrics encoder: float histograms are refused after the lines already written', () => {
  const enc = newEncoder(FMT_OPENMETRICS_1_0_0);
  assert.throws(() => {
    enc.encode({ name: 'fh', type: 'histogram', metrics: [{ labels: [], value: { kind: 'histogram', sampleCountFloat: 2.5, sampleSum: 1, buckets: [{ upperBound: 1, cumulativeCount: 1 }] } }] });
  }, (e: unknown) => e instanceof EncodeError && e.message === 'OpenMetrics v1.0 does not support float histogram fh');
  enc.close();
  assert.equal(Buffer.from(enc.take()).toString(), '# TYPE fh histogram\nfh_bucket{le="1.0"} 1\nfh_bucket{le="+Inf"} 0\nfh_sum 1.0\n# EOF\n');
  assert.throws(() => {
    newEncoder(FMT_OPENMETRICS_1_0_0).encode({ name: 'fh', type: 'histogram', metrics: [{ labels: [], value: { kind: 'histogram', buckets: [{ upperBound: 1, cumulativeCountFloat: 0.5 }] } }] });
  }, EncodeError);
});
