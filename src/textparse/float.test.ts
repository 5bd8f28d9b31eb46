import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFloatG as formatGoFloatG, parseGoFloat } from '../model/index.js';
import { FloatError, floatError, formatOpenMetricsFloat, parseTimestampBytes, parseValueBytes } from './float.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

test('sample values parse with Go ParseFloat rules minus p, P and _', () => {
  const ok: [string, number][] = [
    ['1', 1], ['-1.5e3', -1500], ['.5', 0.5], ['5.', 5], ['007', 7], ['+Inf', Infinity], ['-inf', -Infinity], ['Infinity', Infinity],
    ['+INFINITY', Infinity], ['nan', NaN], ['NaN', NaN], ['1e-400', 0], ['-0', -0], ['0.1', 0.1], ['0.30000000000000004', 0.30000000000000004],
    ['123456789012345678901234567890', 1.2345678901234568e29], ['1.7976931348623157e308', 1.7976931348623157e308], ['4.9e-324', 5e-324],
    ['0.000001234', 0.000001234], ['1E+2', 100], ['1234567890.12345', 1234567890.12345], ['9007199254740993', 9007199254740992],
  ];
  for (const [s, want] of ok) {
    const got = parseValueBytes(bytes(s), 0, s.length);
    assert.equal(floatError(), FloatError.None, s);
    assert.ok(Object.is(got, want), `${s}: got ${got}, want ${want}`);
  }
  const bad: [string, FloatError][] = [
    ['', FloatError.Syntax], ['+', FloatError.Syntax], ['.', FloatError.Syntax], ['e5', FloatError.Syntax], ['1e', FloatError.Syntax],
    ['1e+', FloatError.Syntax], ['1.2.3', FloatError.Syntax], ['0x1', FloatError.Syntax], ['0b1', FloatError.Syntax], ['+nan', FloatError.Syntax],
    ['infin', FloatError.Syntax], ['1 ', FloatError.Syntax], ['1_000', FloatError.Unsupported], ['0x1p3', FloatError.Unsupported],
    ['1e400', FloatError.Range], ['-1e400', FloatError.Range],
  ];
  for (const [s, want] of bad) {
    parseValueBytes(bytes(s), 0, s.length);
    assert.equal(floatError(), want, s);
  }
});

test('timestamps are int64 decimal digits', () => {
  const b = bytes('9223372036854775807 9223372036854775808 00012');
  assert.equal(parseTimestampBytes(b, 0, 19), 2 ** 63);
  assert.equal(floatError(), FloatError.None);
  parseTimestampBytes(b, 20, 39);
  assert.equal(floatError(), FloatError.Range);
  assert.equal(parseTimestampBytes(b, 40, 45), 12);
});

test('full Go ParseFloat for label values', () => {
  const cases: [string, number | undefined][] = [
    ['0x1p-3', 0.125], ['0X1.8P1', 3], ['1_000', 1000], ['0x_1p0', 1], ['_1', undefined], ['1__0', undefined], ['1_', undefined],
    ['0x1', undefined], ['+nan', undefined], ['-Inf', -Infinity], ['1e400', undefined], ['junk', undefined], ['', undefined],
  ];
  for (const [s, want] of cases) assert.equal(parseGoFloat(s), want, s);
});

test('float formatting as Go and OpenMetrics print it', () => {
  const g: [number, string][] = [[1, '1'], [1e6, '1e+06'], [123456, '123456'], [1234567, '1.234567e+06'], [1e-5, '1e-05'], [0.0001, '0.0001'],
    [-0.0004899999999999998, '-0.0004899999999999998'], [1e21, '1e+21'], [-2.5e-7, '-2.5e-07'], [100, '100']];
  for (const [f, want] of g) assert.equal(formatGoFloatG(f), want, String(f));
  const om: [number, string][] = [[1, '1.0'], [0, '0.0'], [-0, '0.0'], [-1, '-1.0'], [1000, '1000.0'], [0.5, '0.5'], [1e6, '1e+06'],
    [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [2.5e-7, '2.5e-07']];
  for (const [f, want] of om) assert.equal(formatOpenMetricsFloat(f), want, String(f));
});
