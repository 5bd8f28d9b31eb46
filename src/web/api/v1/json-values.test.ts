import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, Labels, type FloatHistogram, type Millis } from '../../../model/index.js';
import type { Value } from '../../../promql/value.js';
import { jsonFloat, jsonHistogram, jsonLabels, jsonResult, jsonTimestamp, writeResult } from './json-values.js';
import { JsonWriter, STRING_UNITS } from './json-writer.js';

test('jsonTimestamp: seconds, and three decimals when there is a fraction (trailing zeros kept), as Prometheus writes them', () => {
  const cases: [number, string][] = [
    [0, '0'], [1000, '1'], [1435781451781, '1435781451.781'], [1435781451780, '1435781451.780'], [1435781451005, '1435781451.005'],
    [1435781451050, '1435781451.050'], [-1500, '-1.500'], [-1, '-0.001'], [1, '0.001'],
  ];
  for (const [t, want] of cases) {
    assert.equal(jsonTimestamp(t), want, String(t));
    assert.equal(JSON.parse(want), t / 1000);
  }
});

test('jsonFloat: Go notation in strings', () => {
  const cases: [number, string][] = [
    [1, '"1"'], [0.1, '"0.1"'], [NaN, '"NaN"'], [Infinity, '"+Inf"'], [-Infinity, '"-Inf"'], [1e-7, '"1e-07"'], [1e21, '"1e+21"'],
    [123456789012, '"123456789012"'], [-0, '"-0"'],
  ];
  for (const [f, want] of cases) assert.equal(jsonFloat(f), want, String(f));
});

test('jsonLabels: label order kept, names that look like numbers included', () => {
  assert.equal(jsonLabels(Labels.EMPTY), '{}');
  assert.equal(jsonLabels(Labels.fromStrings('b', '2', 'a', '"x"', '1', 'one')), '{"1":"one","a":"\\"x\\"","b":"2"}');
});

function fh(p: Partial<FloatHistogram>): FloatHistogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [], ...p,
  };
}

test('jsonHistogram: boundary rules, empty buckets left out', () => {
  // schema 0: bucket i covers (2^(i-1), 2^i].
  const h = fh({
    count: 12, sum: 34.5, zeroCount: 2,
    positiveSpans: [{ offset: 0, length: 3 }], positiveBuckets: [1, 0, 5],
    negativeSpans: [{ offset: 1, length: 1 }], negativeBuckets: [4],
  });
  assert.equal(jsonHistogram(h),
    '{"count":"12","sum":"34.5","buckets":[[1,"-2","-1","4"],[3,"-0.001","0.001","2"],[0,"0.5","1","1"],[0,"2","4","5"]]}');
  assert.equal(jsonHistogram(fh({ count: 0, sum: 0 })), '{"count":"0","sum":"0"}');
  // Custom buckets (NHCB): the first bucket is closed at -Inf.
  const c = fh({ schema: -53, zeroThreshold: 0, count: 3, sum: 1, positiveSpans: [{ offset: 0, length: 2 }], positiveBuckets: [1, 2], customValues: [0.5, 1] });
  assert.equal(jsonHistogram(c), '{"count":"3","sum":"1","buckets":[[3,"-Inf","0.5","1"],[0,"0.5","1","2"]]}');
});

test('jsonResult: every value type, and the limit on series', () => {
  const m = Labels.fromStrings('__name__', 'up', 'job', 'a');
  const n = Labels.fromStrings('__name__', 'up', 'job', 'b');
  const t = 1000 as Millis;
  const vector: Value = { kind: 'vector', v: [{ metric: m, t, f: 1, h: null }, { metric: n, t, f: 0, h: fh({ count: 1, sum: 2 }) }] };
  assert.equal(jsonResult(vector), '[{"metric":{"__name__":"up","job":"a"},"value":[1,"1"]},{"metric":{"__name__":"up","job":"b"},"histogram":[1,{"count":"1","sum":"2"}]}]');
  assert.equal(jsonResult(vector, 1), '[{"metric":{"__name__":"up","job":"a"},"value":[1,"1"]}]');
  const matrix: Value = { kind: 'matrix', m: [
    { metric: m, floats: [{ t, f: 1 }, { t: 2000 as Millis, f: 2 }], histograms: [] },
    { metric: n, floats: [], histograms: [{ t, h: fh({ count: 1, sum: 1 }) }] },
  ] };
  assert.equal(jsonResult(matrix), '[{"metric":{"__name__":"up","job":"a"},"values":[[1,"1"],[2,"2"]]},{"metric":{"__name__":"up","job":"b"},"histograms":[[1,{"count":"1","sum":"1"}]]}]');
  assert.equal(jsonResult({ kind: 'matrix', m: [] }), '[]');
  // Series handing out columns are written from them, alike.
  const columnar: Value = { kind: 'matrix', m: [{ metric: m, floats: [], histograms: [], floatColumns: { t: [1000, 2000], f: [1, 2] } }] };
  assert.equal(jsonResult(columnar), '[{"metric":{"__name__":"up","job":"a"},"values":[[1,"1"],[2,"2"]]}]');
  assert.equal(jsonResult({ kind: 'scalar', t, f: NaN }), '[1,"NaN"]');
  // A scalar never takes an exponent (Prometheus marshals it with 'f'), samples do.
  assert.equal(jsonResult({ kind: 'scalar', t, f: 2.941169953301639e-10 }), '[1,"0.0000000002941169953301639"]');
  assert.equal(jsonResult({ kind: 'scalar', t, f: 1e22 }), '[1,"10000000000000000000000"]');
  assert.equal(jsonResult({ kind: 'vector', v: [{ metric: m, t, f: 1e22, h: null }] }), '[{"metric":{"__name__":"up","job":"a"},"value":[1,"1e+22"]}]');
  assert.equal(jsonResult({ kind: 'string', t, s: 'a"b' }), '[1,"a\\"b"]');
});

test('label names and values are written as JSON.stringify writes them, escapes and non-ASCII included', () => {
  const values = ['plain', '', 'a"b', 'back\\slash', 'tab\there', 'nl\n', '\u0001', 'del\u007f', 'é', 'mixed é"\\', '日本', 'lone \ud800 surrogate', '😀'];
  for (const v of values) {
    const vec: Value = { kind: 'vector', v: [{ metric: Labels.fromStrings('a', v), t: 1000 as Millis, f: 1, h: null }] };
    const want = '[{"metric":{"a":' + JSON.stringify(v) + '},"value":[1,"1"]}]';
    assert.equal(jsonResult(vec), want, JSON.stringify(v));
    assert.deepEqual(JSON.parse(jsonResult(vec)), JSON.parse(want));
  }
});

test('vector samples at different times each get their own timestamp', () => {
  const l = Labels.fromStrings('a', 'b');
  const vec: Value = { kind: 'vector', v: [
    { metric: l, t: 1000 as Millis, f: 1, h: null }, { metric: l, t: 1000 as Millis, f: 2, h: null }, { metric: l, t: 2500 as Millis, f: 3, h: null },
  ] };
  assert.equal(jsonResult(vec), '[{"metric":{"a":"b"},"value":[1,"1"]},{"metric":{"a":"b"},"value":[1,"2"]},{"metric":{"a":"b"},"value":[2.500,"3"]}]');
});

test('matrix series with different timestamps at the same positions each get their own', () => {
  const l = Labels.fromStrings('a', 'b');
  const col = (t: number[]): { metric: Labels; floats: never[]; histograms: never[]; floatColumns: { t: number[]; f: number[] } } =>
    ({ metric: l, floats: [], histograms: [], floatColumns: { t, f: t.map((x) => x / 1000) } });
  const m: Value = { kind: 'matrix', m: [col([1000, 2000, 3000]), col([2000, 3000]), col([1000, 2000, 3000, 4000]), col([1500])] };
  assert.equal(jsonResult(m), '[' + [
    '{"metric":{"a":"b"},"values":[[1,"1"],[2,"2"],[3,"3"]]}',
    '{"metric":{"a":"b"},"values":[[2,"2"],[3,"3"]]}',
    '{"metric":{"a":"b"},"values":[[1,"1"],[2,"2"],[3,"3"],[4,"4"]]}',
    '{"metric":{"a":"b"},"values":[[1.500,"1.5"]]}',
  ].join(',') + ']');
});

test('an answer built as a string, as bytes, or switching between them midway is the same UTF-8', () => {
  const values = ['plain', 'a"b', 'back\\slash', 'nl\n', 'del\u007f', 'é', '日本', 'lone \ud800 surrogate', '😀'];
  for (const series of [3, 400, 2000]) {
    const v: Value = {
      kind: 'vector',
      v: Array.from({ length: series }, (_x, i) => ({ metric: Labels.fromStrings('a', values[i % values.length]!, 'i', String(i)), t: 1000 as Millis, f: i / 3, h: null })),
    };
    const want = JSON.stringify(v.v.map((e) => ({ metric: e.metric.toObject(), value: [1, jsonFloat(e.f).slice(1, -1)] })));
    const small = new JsonWriter();
    const large = new JsonWriter(STRING_UNITS + 1);
    writeResult(small, v);
    writeResult(large, v);
    // Past STRING_UNITS characters the small writer has switched to bytes.
    assert.equal(small.smallText() === null, want.length > STRING_UNITS, `${series} series`);
    assert.equal(large.smallText(), null);
    assert.equal(small.length, Buffer.byteLength(want));
    assert.equal(large.length, Buffer.byteLength(want));
    assert.ok(small.bytes().equals(Buffer.from(want)), `${series} series as string`);
    assert.ok(large.bytes().equals(Buffer.from(want)), `${series} series as bytes`);
    assert.equal(small.toString(), want);
  }
});
