import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFloatF, formatFloatFixed, formatFloatV, parseNumberToken } from './go-number.js';
import { goQuote, goQuoteRune, unquote, UnquoteError } from './quote.js';
import { DurationParseError, msToSeconds, parsePromDuration, secondsToMs } from './duration.js';
import { evalDurationExpr, resolveDurations, DurationEvalError } from './duration-eval.js';
import { parseExpr } from './parse.js';
import type { MatrixSelector, SubqueryExpr, VectorSelector } from './ast.js';

test('number tokens are read as Go integer literals, else as Go floats', () => {
  const cases: [string, number][] = [
    ['1', 1], ['0755', 493], ['08', 8], ['0x1F', 31], ['0X_ff', 255], ['1_000', 1000], ['0_7', 7],
    ['1.5', 1.5], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E-3', 0.001], ['1_0.5_0', 10.5],
    ['Inf', Infinity], ['nan', NaN], ['9223372036854775807', 2 ** 63], ['99999999999999999999', 1e20],
    ['0x7fffffffffffffff', 2 ** 63], ['1e-400', 0],
  ];
  for (const [s, want] of cases) {
    const r = parseNumberToken(s);
    assert.equal(r.err, null, s);
    assert.ok(Object.is(r.value, want) || r.value === want, `${s}: ${r.value}`);
  }
  assert.equal(parseNumberToken('1e400').err, 'strconv.ParseFloat: parsing "1e400": value out of range');
  assert.equal(parseNumberToken('0x1e+5').err, 'strconv.ParseFloat: parsing "0x1e+5": invalid syntax');
  assert.equal(parseNumberToken('0xFFFFFFFFFFFFFFFFFF').err, 'strconv.ParseFloat: parsing "0xFFFFFFFFFFFFFFFFFF": invalid syntax');
});

test('floats print as Go prints them', () => {
  const f: [number, string][] = [
    [1, '1'], [-0, '-0'], [0.1, '0.1'], [1e21, '1000000000000000000000'], [1e-7, '0.0000001'], [123.456, '123.456'],
    [Infinity, '+Inf'], [-Infinity, '-Inf'], [NaN, 'NaN'], [2 ** 63, '9223372036854776000'],
  ];
  for (const [v, want] of f) assert.equal(formatFloatF(v), want, want);
  const g: [number, string][] = [
    [1e6, '1e+06'], [123456, '123456'], [0.0001, '0.0001'], [0.00001, '1e-05'], [-23, '-23'], [1.5e300, '1.5e+300'], [NaN, 'NaN'],
  ];
  for (const [v, want] of g) assert.equal(formatFloatV(v), want, want);
  assert.equal(formatFloatFixed(10, 3), '10.000');
  assert.equal(formatFloatFixed(2 ** 63, 6), '9223372036854775808.000000');
  assert.equal(formatFloatFixed(-Infinity, 6), '-Inf');
});

test('strings unquote and quote with Go rules', () => {
  const cases: [string, string][] = [
    ['"a\\tb"', 'a\tb'], ["'it\\'s'", "it's"], ['"say \\"hi\\""', 'say "hi"'], ['`raw\\n`', 'raw\\n'],
    ['"\\u00e9\\U0001F600"', 'é😀'], ['"\\x41\\101"', 'AA'], ['"\\xc3\\xa9"', 'é'], ['"\\xff"', '\udcff'], ["'\"'", '"'],
  ];
  for (const [s, want] of cases) assert.equal(unquote(s), want, s);
  for (const bad of ['"\\\'"', '"a', '`a`b`', '"\\q"', '"\\400"', "'''"]) assert.throws(() => unquote(bad), UnquoteError, bad);
  assert.equal(goQuote('a"b\\c\n\u0001é😀\u00a0\udcff'), '"a\\"b\\\\c\\n\\x01é😀\\u00a0\\xff"');
  assert.equal(goQuoteRune(0x27), "'\\''");
  assert.equal(goQuoteRune(-1), "'\ufffd'");
});

test('duration literals', () => {
  assert.equal(parsePromDuration('1h30m'), 5_400_000);
  assert.equal(parsePromDuration('1y2w3d4h5m6s7ms'), 31_536_000_000 + 2 * 604_800_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6_000 + 7);
  assert.equal(parsePromDuration('0'), 0);
  const bad: [string, string][] = [
    ['5m1h', 'not a valid duration string: "5m1h"'], ['1hs', 'unknown unit "hs" in duration "1hs"'],
    ['300y', 'duration out of range'], ['h', 'not a valid duration string: "h"'],
  ];
  for (const [s, msg] of bad) assert.throws(() => parsePromDuration(s), (e: unknown) => e instanceof DurationParseError && e.message === msg, s);
  assert.equal(msToSeconds(1500), 1.5);
  assert.equal(secondsToMs(1.5555), 1555);
  assert.equal(secondsToMs(-0.0015), -1);
});

test('duration expressions evaluate per query', () => {
  const e = parseExpr('rate(foo[step() * 2 + 1m] offset -min_of(range(), 1h))[(10m):max_of(step(), 1s)]');
  resolveDurations(e, 15_000, 7_200_000);
  const sq = e as SubqueryExpr;
  assert.equal(sq.range, 600_000);
  assert.equal(sq.step, 15_000);
  const ms = (sq.expr as { args: MatrixSelector[] }).args[0]!;
  assert.equal(ms.range, 90_000);
  assert.equal(ms.vectorSelector.originalOffset, -3_600_000);
  const d = (parseExpr('foo offset (5m / (1 - 1))') as VectorSelector).originalOffsetExpr!;
  assert.throws(() => evalDurationExpr(d, 0, 0), (err: unknown) => err instanceof DurationEvalError && err.message === '12:23: division by zero');
  const neg = parseExpr('foo[(1m - 2m)]');
  assert.throws(() => { resolveDurations(neg, 0, 0); }, (err: unknown) => err instanceof DurationEvalError && err.message === '5:12: duration must be greater than 0');
});
