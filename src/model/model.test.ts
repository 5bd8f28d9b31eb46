import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, LabelsBuilder } from './labels.js';
import { formatDuration, parseDuration } from './time.js';
import { formatFloatAPI, formatFloatF, formatFloatG, parseGoFloat } from './value.js';
import { FastRegexMatcher } from './regex.js';

test('labels sort, dedupe and print as Prometheus does', () => {
  const l = Labels.fromStrings('job', 'a', '__name__', 'up', 'instance', 'x:1');
  assert.deepEqual(l.toArray(), ['__name__', 'up', 'instance', 'x:1', 'job', 'a']);
  assert.equal(l.get('job'), 'a');
  assert.equal(l.get('nope'), '');
  assert.equal(l.toString(), '{__name__="up", instance="x:1", job="a"}');
  assert.equal(Labels.fromStrings('a.b', 'x\n').toString(), '{"a.b"="x\\n"}');
  assert.equal(Labels.fromStrings('a', '1', 'a', '2').get('a'), '2');
});

test('labels builder deletes on empty value', () => {
  const b = new LabelsBuilder(Labels.fromStrings('a', '1', 'b', '2'));
  b.set('a', '').set('c', '3');
  assert.deepEqual(b.labels().toArray(), ['b', '2', 'c', '3']);
});

test('labels without metadata drop __name__, __type__ and __unit__, once per label set', () => {
  const l = Labels.fromStrings('__name__', 'x_seconds', '__type__', 'counter', '__unit__', 'seconds', 'Z', '1', 'job', 'a');
  const d = l.withoutMetadata();
  assert.deepEqual(d.toArray(), ['Z', '1', 'job', 'a']);
  assert.equal(l.withoutMetadata(), d, 'the same object the second time');
  assert.equal(d.withoutMetadata(), d);
  const plain = Labels.fromStrings('a', '1');
  assert.equal(plain.withoutMetadata(), plain);
  assert.equal(Labels.fromStrings('__name__', 'up').withoutMetadata(), Labels.EMPTY);
  assert.deepEqual(Labels.fromStrings('__name__', 'up', 'a', '1', '__unit__', 'b').withoutMetadata().toArray(), ['a', '1']);
});

test('labels compare orders like Prometheus', () => {
  const a = Labels.fromStrings('a', '1');
  const b = Labels.fromStrings('a', '1', 'b', '1');
  const c = Labels.fromStrings('a', '2');
  assert.ok(Labels.compare(a, b) < 0);
  assert.ok(Labels.compare(b, c) < 0);
  assert.equal(Labels.compare(a, Labels.fromStrings('a', '1')), 0);
});

test('durations parse and format', () => {
  const cases: [string, number, string][] = [
    ['0', 0, '0s'], ['15s', 15000, '15s'], ['1m30s', 90000, '1m30s'], ['90d', 90 * 86400000, '90d'],
    ['1y', 365 * 86400000, '1y'], ['2w', 14 * 86400000, '2w'], ['1h1ms', 3600001, '1h1ms'], ['100ms', 100, '100ms'],
  ];
  for (const [s, ms, back] of cases) {
    assert.equal(parseDuration(s), ms, s);
    assert.equal(formatDuration(ms), back, s);
  }
  for (const bad of ['', '1', '1s1m', '-1s', '1.5s', 'abc']) assert.throws(() => parseDuration(bad), bad);
});

test('floats format as Go does', () => {
  const g: [number, string][] = [[1, '1'], [0.5, '0.5'], [1e21, '1e+21'], [1234567, '1.234567e+06'], [20000, '20000'], [8124592, '8.124592e+06'], [1795754411.25, '1.79575441125e+09'], [1e-5, '1e-05'], [0.0001, '0.0001'], [NaN, 'NaN'], [-Infinity, '-Inf'], [123.456, '123.456']];
  for (const [f, s] of g) assert.equal(formatFloatG(f), s, String(f));
  assert.equal(formatFloatAPI(1e-7), '1e-07');
  assert.equal(formatFloatAPI(1e20), '100000000000000000000');
  // strconv.FormatFloat(f, 'f', -1, 64), for scalar results; the long ones as Prometheus printed them.
  const f: [number, string][] = [
    [1.0000000000000005e+200, '1' + '0'.repeat(15) + '5' + '0'.repeat(184)], [2.941169953301639e-10, '0.0000000002941169953301639'],
    [1e21, '1000000000000000000000'], [-1.5e-7, '-0.00000015'], [1.25e22, '12500000000000000000000'], [123.456, '123.456'],
    [0, '0'], [-0, '-0'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [5e-324, '0.' + '0'.repeat(323) + '5'],
  ];
  for (const [x, want] of f) assert.equal(formatFloatF(x), want, String(x));
  assert.equal(parseGoFloat('+Inf'), Infinity);
  assert.ok(Number.isNaN(parseGoFloat('nan')));
  assert.equal(parseGoFloat('+NaN'), undefined);
  assert.equal(parseGoFloat('1e3'), 1000);
  assert.equal(parseGoFloat('0x10'), undefined);
});

test('regexes are anchored, dot matches newline, and literal sets take the fast path', () => {
  const r = new FastRegexMatcher('foo|bar');
  assert.ok(r.matches('foo'));
  assert.ok(!r.matches('foox'));
  assert.ok(new FastRegexMatcher('a.c').matches('a\nc'));
  assert.ok(!new FastRegexMatcher('b').matches('abc'));
  assert.deepEqual(new FastRegexMatcher('(.*):(\\d+)').exec('host:80'), ['host:80', 'host', '80']);
  // A pattern that backtracking engines take exponential time on runs in linear time here.
  assert.equal(new FastRegexMatcher('(a+)+$').matches('a'.repeat(5000) + 'b'), false);
  assert.throws(() => new FastRegexMatcher('(unclosed'));
});
