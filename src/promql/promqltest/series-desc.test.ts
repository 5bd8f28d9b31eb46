import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, Labels } from '../../model/index.js';
import { parseHistogramLiteral } from './histogram-literal.js';
import { isStaleNaN } from './compare.js';
import { parseSeriesDesc, parseValueSequence } from './series-desc.js';
import type { SequenceValue } from './script.js';

/** Values as text: numbers, `_` for blanks, `stale`, `h` for histograms. */
function show(vs: readonly SequenceValue[]): string[] {
  return vs.map((v) => (v.omitted ? '_' : v.stale ? 'stale' : v.histogram !== null ? 'h' : String(v.value)));
}

test('float value sequences expand as Prometheus expands them', () => {
  const cases: [string, string[]][] = [
    ['1 2 3', ['1', '2', '3']],
    ['0+10x3', ['0', '10', '20', '30']],
    ['-2+4x3', ['-2', '2', '6', '10']],
    ['1-2x4', ['1', '-1', '-3', '-5', '-7']],
    ['5x2', ['5', '5', '5']],
    ['7x0', ['7']],
    ['_', ['_']],
    ['_x3', ['_', '_', '_']],
    ['_x0', []],
    ['stale', ['stale']],
    ['Inf -Inf +Inf NaN nan inF', ['Infinity', '-Infinity', 'Infinity', 'NaN', 'NaN', 'Infinity']],
    ['1e3 .5 2. 1e-3+1e-3x1', ['1000', '0.5', '2', '0.001', '0.002']],
    ['  1\t 2  ', ['1', '2']],
    ['010', ['8']], // a leading 0 is octal, as Go's ParseInt with base 0 reads it
    ['+5 -5', ['5', '-5']],
  ];
  for (const [input, want] of cases) assert.deepEqual(show(parseValueSequence(input)), want, input);
});

test('progressions are built by repeated addition, bit for bit', () => {
  const vs = parseValueSequence('0.1+0.1x9');
  let acc = 0.1;
  for (let i = 0; i < vs.length; i++) {
    assert.equal(vs[i]!.value, acc);
    acc += 0.1;
  }
  assert.equal(vs[9]!.value, 0.9999999999999999);
});

test('stale markers are flagged (the runner stores them as staleness markers)', () => {
  const [v] = parseValueSequence('stale');
  assert.ok(v!.stale && Number.isNaN(v!.value));
  assert.equal(isStaleNaN(v!.value), false, 'the flag, not a NaN payload, carries staleness');
});

test('invalid value sequences are rejected', () => {
  for (const bad of ['1+2', '1x', 'x3', '0x1F', 'foo', '1 2a', '_x', '{{sum:1}', '{{sum:1}}+{{count:1}}', '{{sum:1}}x']) {
    assert.throws(() => parseValueSequence(bad), Error, bad);
  }
});

test('series metrics are read like PromQL selectors with = matchers', () => {
  const cases: [string, Record<string, string>][] = [
    ['foo 1', { __name__: 'foo' }],
    ['foo{a="b", c=\'d\'} 1', { __name__: 'foo', a: 'b', c: 'd' }],
    ['{__name__="x", job="j"} 1', { __name__: 'x', job: 'j' }],
    ['{job="j"} 1', { job: 'j' }],
    ['{"my.metric", "a.b"="x"} 1', { __name__: 'my.metric', 'a.b': 'x' }],
    ['foo:bar{a="}"} 1', { __name__: 'foo:bar', a: '}' }],
    ['foo{a="\\"q\\n"} 1', { __name__: 'foo', a: '"q\n' }],
    ['sum{a="b"} 1', { __name__: 'sum', a: 'b' }],
  ];
  for (const [line, want] of cases) assert.ok(parseSeriesDesc(line).labels.equals(Labels.fromObject(want)), line);
  assert.throws(() => parseSeriesDesc('foo{a=~"b"} 1'), /only "=" label matchers/);
  assert.throws(() => parseSeriesDesc('foo{a="b" 1'));
  assert.throws(() => parseSeriesDesc('foo{a="b"}1'));
});

test('histogram literals', () => {
  const { h, hintSet } = parseHistogramLiteral('schema:1 sum:5 count:3 z_bucket:1 z_bucket_w:0.001 buckets:[1 2] offset:-1 n_buckets:[3] n_offset:2 counter_reset_hint:gauge custom_values:[]');
  assert.equal(hintSet, true);
  assert.deepEqual(h, {
    counterResetHint: CounterResetHint.Gauge, schema: 1, zeroThreshold: 0.001, zeroCount: 1, count: 3, sum: 5,
    positiveSpans: [{ offset: -1, length: 2 }], negativeSpans: [{ offset: 2, length: 1 }],
    positiveBuckets: [1, 2], negativeBuckets: [3], customValues: [],
  });
  const empty = parseHistogramLiteral('');
  assert.equal(empty.hintSet, false);
  assert.deepEqual([empty.h.schema, empty.h.count, empty.h.positiveSpans], [0, 0, []]);
  assert.deepEqual(parseHistogramLiteral('schema:-53 custom_values:[5 10] buckets:[1 -Inf NaN]').h.positiveBuckets.map(String), ['1', '-Infinity', 'NaN']);
  for (const bad of ['sum:1 sum:2', 'bogus:1', 'schema:1.5', 'z_bucket_w:-1', 'counter_reset_hint:maybe', 'buckets:1', 'sum: 1']) {
    assert.throws(() => parseHistogramLiteral(bad), Error, bad);
  }
});

test('histogram sequences: repetition, increments with schema reduction, the increment decides the hint flag', () => {
  const rep = parseValueSequence('{{sum:1 count:1}}x2 _ {{sum:2 count:2 counter_reset_hint:reset}}');
  assert.deepEqual(show(rep), ['h', 'h', 'h', '_', 'h']);
  assert.notEqual(rep[0]!.histogram, rep[1]!.histogram, 'repeated histograms are distinct objects');
  assert.equal(rep[4]!.hintSet, true);

  const inc = parseValueSequence('{{schema:0 sum:4 count:4 buckets:[1 2 1]}}+{{sum:2 count:1 buckets:[1] offset:1 counter_reset_hint:not_reset}}x2');
  assert.equal(inc.length, 3);
  assert.ok(inc.every((v) => v.hintSet), 'every generated value takes the flag of the increment');
  const last = inc[2]!.histogram!;
  assert.deepEqual([last.count, last.sum, last.positiveSpans, last.positiveBuckets], [6, 8, [{ offset: 0, length: 3 }], [1, 4, 1]]);

  const low = parseValueSequence('{{schema:-1 sum:4 count:1 buckets:[1] offset:1}}+{{schema:0 sum:4 count:4 buckets:[2 2] offset:1}}x1');
  const r = low[1]!.histogram!;
  assert.deepEqual([r.schema, r.count, r.sum, r.positiveSpans, r.positiveBuckets], [-1, 5, 8, [{ offset: 1, length: 1 }], [5]]);

  const neg = parseValueSequence('{{schema:0 sum:4 count:4 buckets:[1 2 1]}}-{{schema:0 sum:1 count:1 n_buckets:[1]}}x1')[1]!.histogram!;
  assert.deepEqual([neg.count, neg.sum, neg.negativeBuckets], [3, 3, [-1]]);

  assert.throws(() => parseValueSequence('{{schema:1 sum:1}}+{{schema:0 sum:1}}x1'), /cannot merge from schema 0 to 1/);
  assert.throws(() => parseValueSequence('{{schema:-53 custom_values:[1]}}+{{schema:0}}x1'), /mix of exponential and custom/);
});
