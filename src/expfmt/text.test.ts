import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { EncodeError, FMT_TEXT, encodeFamilies, newEncoder, type MetricFamily } from './index.js';

const UTF8 = FMT_TEXT + '; escaping=allow-utf-8';

function text(f: MetricFamily, format = UTF8): string {
  return Buffer.from(encodeFamilies(format, [f])).toString('utf8');
}

const l = (name: string, value: string): { name: string; value: string } => ({ name, value });

// Golden outputs: the cases of Prometheus's text encoder tests, restated.
const CASES: readonly (readonly [string, MetricFamily, string])[] = [
  ['counter, HELP escaping, NaN, timestamp', {
    name: 'name', help: 'two-line\n doc  str\\ing', type: 'counter', metrics: [
      { labels: [l('labelname', 'val1'), l('basename', 'basevalue')], value: { kind: 'counter', value: NaN } },
      { labels: [l('labelname', 'val2'), l('basename', 'basevalue')], value: { kind: 'counter', value: 0.23 }, timestampMs: 1234567890 },
    ],
  }, '# HELP name two-line\\n doc  str\\\\ing\n# TYPE name counter\nname{labelname="val1",basename="basevalue"} NaN\nname{labelname="val2",basename="basevalue"} 0.23 1234567890\n'],
  ['gauge, label value escaping, +Inf, exponent', {
    name: 'gauge_name', help: 'gauge\ndoc\nstr"ing', type: 'gauge', metrics: [
      { labels: [l('name_1', 'val with\nnew line'), l('name_2', 'val with \\backslash and "quotes"')], value: { kind: 'gauge', value: Infinity } },
      { labels: [l('name_1', 'Björn'), l('name_2', '佖佥')], value: { kind: 'gauge', value: 3.14e42 } },
    ],
  }, '# HELP gauge_name gauge\\ndoc\\nstr"ing\n# TYPE gauge_name gauge\ngauge_name{name_1="val with\\nnew line",name_2="val with \\\\backslash and \\"quotes\\""} +Inf\ngauge_name{name_1="Björn",name_2="佖佥"} 3.14e+42\n'],
  ['UTF-8 names quoted (allow-utf-8)', {
    name: 'gauge.name', help: 'gauge\ndoc\nstr"ing', type: 'gauge', metrics: [
      { labels: [l('name.1', 'val with\nnew line'), l('name*2', 'val with \\backslash and "quotes"')], value: { kind: 'gauge', value: Infinity } },
      { labels: [l('name.1', 'Björn'), l('name*2', '佖佥')], value: { kind: 'gauge', value: 3.14e42 } },
    ],
  }, '# HELP "gauge.name" gauge\\ndoc\\nstr"ing\n# TYPE "gauge.name" gauge\n{"gauge.name","name.1"="val with\\nnew line","name*2"="val with \\\\backslash and \\"quotes\\""} +Inf\n{"gauge.name","name.1"="Björn","name*2"="佖佥"} 3.14e+42\n'],
  ['untyped, -Inf, tiny exponent', {
    name: 'untyped_name', type: 'untyped', metrics: [
      { labels: [], value: { kind: 'untyped', value: -Infinity } },
      { labels: [l('name_1', 'value 1')], value: { kind: 'untyped', value: -1.23e-45 } },
    ],
  }, '# TYPE untyped_name untyped\nuntyped_name -Inf\nuntyped_name{name_1="value 1"} -1.23e-45\n'],
  ['summary', {
    name: 'summary_name', help: 'summary docstring', type: 'summary', metrics: [
      { labels: [], value: { kind: 'summary', sampleCount: 42, sampleSum: -3.4567, quantiles: [{ quantile: 0.5, value: -1.23 }, { quantile: 0.9, value: 0.2342354 }, { quantile: 0.99, value: 0 }] } },
      { labels: [l('name_1', 'value 1'), l('name_2', 'value 2')], value: { kind: 'summary', sampleCount: 4711, sampleSum: 2010.1971, quantiles: [{ quantile: 0.5, value: 1 }, { quantile: 0.9, value: 2 }, { quantile: 0.99, value: 3 }] } },
    ],
  }, `# HELP summary_name summary docstring
# TYPE summary_name summary
summary_name{quantile="0.5"} -1.23
summary_name{quantile="0.9"} 0.2342354
summary_name{quantile="0.99"} 0
summary_name_sum -3.4567
summary_name_count 42
summary_name{name_1="value 1",name_2="value 2",quantile="0.5"} 1
summary_name{name_1="value 1",name_2="value 2",quantile="0.9"} 2
summary_name{name_1="value 1",name_2="value 2",quantile="0.99"} 3
summary_name_sum{name_1="value 1",name_2="value 2"} 2010.1971
summary_name_count{name_1="value 1",name_2="value 2"} 4711
`],
  ['histogram without +Inf bucket gets one from the count', {
    name: 'request_duration_microseconds', help: 'The response latency.', type: 'histogram', metrics: [
      { labels: [], value: { kind: 'histogram', sampleCount: 2693, sampleSum: 1756047.3, buckets: [
        { upperBound: 100, cumulativeCount: 123 }, { upperBound: 120, cumulativeCount: 412 },
        { upperBound: 144, cumulativeCount: 592 }, { upperBound: 172.8, cumulativeCount: 1524 },
      ] } },
    ],
  }, `# HELP request_duration_microseconds The response latency.
# TYPE request_duration_microseconds histogram
request_duration_microseconds_bucket{le="100"} 123
request_duration_microseconds_bucket{le="120"} 412
request_duration_microseconds_bucket{le="144"} 592
request_duration_microseconds_bucket{le="172.8"} 1524
request_duration_microseconds_bucket{le="+Inf"} 2693
request_duration_microseconds_sum 1.7560473e+06
request_duration_microseconds_count 2693
`],
  ['float histogram, gauge histogram typed histogram, explicit +Inf kept', {
    name: 'name', help: 'doc string', type: 'gaugehistogram', metrics: [
      { labels: [], timestampMs: 42, value: { kind: 'histogram', sampleCountFloat: 2693.123, sampleSum: 1756047.3, buckets: [
        { upperBound: 100, cumulativeCountFloat: 123.123 }, { upperBound: Infinity, cumulativeCountFloat: 2693.123 },
      ] } },
    ],
  }, '# HELP name doc string\n# TYPE name histogram\nname_bucket{le="100"} 123.123 42\nname_bucket{le="+Inf"} 2693.123 42\nname_sum 1.7560473e+06 42\nname_count 2693.123 42\n'],
  ['-0 is written as 0; 1e6 as 1e+06; units and exemplars are not part of the format', {
    name: 'z', type: 'counter', unit: 'seconds', metrics: [
      { labels: [], value: { kind: 'counter', value: -0, exemplar: { labels: [l('t', 'x')], value: 1 } } },
      { labels: [l('a', '')], value: { kind: 'counter', value: 1e6 } },
    ],
  }, '# TYPE z counter\nz 0\nz{a=""} 1e+06\n'],
  ['a quoted name without labels stays in braces', {
    name: 'a.b', type: 'untyped', metrics: [{ labels: [], value: { kind: 'untyped', value: 1 } }],
  }, '# TYPE "a.b" untyped\n{"a.b"} 1\n'],
];

test('text encoder: golden outputs', () => {
  for (const [name, f, want] of CASES) assert.equal(text(f), want, name);
});

test('text encoder: names escaped by the negotiated scheme', () => {
  const f: MetricFamily = { name: 'my.metric', type: 'gauge', metrics: [{ labels: [l('a.b', 'c.d')], value: { kind: 'gauge', value: 2 } }] };
  assert.equal(text(f, FMT_TEXT), '# TYPE my_metric gauge\nmy_metric{a_b="c.d"} 2\n');
  assert.equal(text(f, FMT_TEXT + '; escaping=underscores'), '# TYPE my_metric gauge\nmy_metric{a_b="c.d"} 2\n');
  assert.equal(text(f, FMT_TEXT + '; escaping=dots'), '# TYPE my_dot_metric gauge\nmy_dot_metric{a_dot_b="c.d"} 2\n');
  assert.equal(text(f, FMT_TEXT + '; escaping=values'), '# TYPE U__my_2e_metric gauge\nU__my_2e_metric{U__a_2e_b="c.d"} 2\n');
  assert.equal(text(f, UTF8), '# TYPE "my.metric" gauge\n{"my.metric","a.b"="c.d"} 2\n');
});

test('text encoder: errors leave what was written before', () => {
  const enc = newEncoder(FMT_TEXT);
  assert.throws(() => { enc.encode({ name: 'x', type: 'gauge', metrics: [] }); }, EncodeError);
  assert.throws(() => { enc.encode({ name: '', type: 'gauge', metrics: [{ labels: [], value: { kind: 'gauge', value: 1 } }] }); }, EncodeError);
  assert.throws(() => {
    enc.encode({ name: 'c', type: 'counter', metrics: [{ labels: [], value: { kind: 'counter', value: 1 } }, { labels: [], value: { kind: 'gauge', value: 2 } }] });
  }, /expected counter in metric c/);
  assert.equal(Buffer.from(enc.take()).toString(), '# TYPE c counter\nc 1\n');
  assert.throws(() => newEncoder('application/json'), /unknown format/);
});
