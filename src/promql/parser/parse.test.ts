import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr, parseMetricSelectorMatchers, ParseErrors, type ParseOptions } from './index.js';
import { MAX_EXPRESSION_DEPTH } from './parser-state.js';
import { summarize } from './summary.js';
import { fixture } from './testdata.js';

// Prometheus's own parser tests run with these options.
const OPTS: ParseOptions = { experimentalFunctions: true, extendedRangeSelectors: true };

type ErrTriple = [start: number, end: number, msg: string];

function errorsOf(input: string, opts: ParseOptions = OPTS): ErrTriple[] {
  try {
    parseExpr(input, opts);
  } catch (e) {
    if (!(e instanceof ParseErrors)) throw e;
    return e.errors.map((x) => [x.positionRange.start, x.positionRange.end, x.err]);
  }
  return [];
}

function firstError(input: string, opts: ParseOptions = OPTS): string {
  try {
    parseExpr(input, opts);
  } catch (e) {
    if (!(e instanceof ParseErrors)) throw e;
    return e.message;
  }
  return '';
}

test('valid expressions parse into the trees Prometheus builds (parse_test.go cases)', () => {
  const cases = fixture('parse-valid.json') as [string, string][];
  assert.ok(cases.length > 200);
  for (const [input, want] of cases) {
    assert.equal(summarize(parseExpr(input, OPTS)), want, input);
  }
});

test('invalid expressions fail with Prometheus\'s errors and positions (parse_test.go cases)', () => {
  const cases = fixture('parse-errors.json') as [string, ErrTriple[]][];
  assert.ok(cases.length > 140);
  for (const [input, want] of cases) {
    assert.deepEqual(errorsOf(input), want, input);
  }
});

test('the error message is the first error with line:col', () => {
  const cases: [string, string][] = [
    ['', 'unknown position: parse error: no expression found in input'],
    ['1 +', '1:4: parse error: unexpected end of input'],
    ['foo +\n  bar baz', '2:7: parse error: unexpected identifier "baz"'],
    ['sum(foo bar)', '1:9: parse error: unexpected identifier "bar" in aggregation'],
    ['"é" + 1', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
    ['sum("é" x)', '1:10: parse error: unexpected identifier "x" in aggregation'],
    ['foo{a="b"} offset', '1:18: parse error: unexpected end of input in offset, expected number, duration, step(), or range()'],
    ['a + on(b) group_left == c', '1:22: parse error: unexpected <op:==> in grouping opts, expected "("'],
    ['foo offset (1h) + bar', '1:19: parse error: unexpected identifier "bar" in offset, expected number, duration, step(), or range()'],
    ['foo[5m "x"]', '1:8: parse error: unexpected string "\\"x\\"" in subquery or range, expected ":" or "]"'],
    ['foo[5m:1m "x"]', '1:11: parse error: unexpected string "\\"x\\"" in subquery selector, expected "]"'],
    ['foo[5m: "x"]', '1:9: parse error: unexpected string "\\"x\\"" in subquery selector, expected number, duration, step(), range(), or "]"'],
    ['foo @ bar', '1:7: parse error: unexpected identifier "bar" in @, expected timestamp'],
    ['sum by (a b) (x)', '1:11: parse error: unexpected identifier "b" in grouping opts, expected "," or ")"'],
    ['foo{a="b" c}', '1:11: parse error: unexpected identifier "c" in label matching, expected "," or "}"'],
    ['rate(foo[5m], )', '1:13: parse error: trailing commas not allowed in function call args'],
    ['foo @ 9223372036854775808.000000', '1:1: parse error: timestamp out of bounds for @ modifier: 9223372036854775808.000000'],
    ['foo @ -9223372036854775808.000000', '1:1: parse error: timestamp out of bounds for @ modifier: -9223372036854775808.000000'],
    ['"abcdefghijklmnop" foo', '1:20: parse error: unexpected identifier "foo"'],
    ['foo "abcdefghijklmnop"', '1:5: parse error: unexpected string "\\"abcdefghi"...'],
    ['foo{a=~"("}', '1:5: parse error: error parsing regexp: missing closing ): `(`'],
    ['foo[1.5h]', '1:5: parse error: unknown unit "." in duration "1.5h"'],
    ['foo[5m1h]', '1:5: parse error: not a valid duration string: "5m1h"'],
    ['1 !', "1:3: parse error: unexpected character after '!': '\ufffd'"],
    ['foo{a="\\q"}', "1:7: parse error: unknown escape sequence U+0071 'q'"],
    ['é_metric', "1:1: parse error: unexpected character: 'é'"],
    // Keywords that are also valid metric names.
    ['by', ''],
    ['offset + anchored', ''],
  ];
  for (const [input, want] of cases) assert.equal(firstError(input), want, input);
});

test('feature flags reject experimental syntax with Prometheus\'s messages', () => {
  const off: ParseOptions = {};
  const cases: [string, ParseOptions, ErrTriple[]][] = [
    ['limitk(1, foo)', off, [[0, 14, 'limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions']]],
    ['limit_ratio(0.5, foo)', off, [[0, 21, 'limit_ratio() is experimental and must be enabled with --enable-feature=promql-experimental-functions']]],
    ['sort_by_label(foo, "a")', off, [[0, 13, 'function "sort_by_label" is not enabled']]],
    ['foo[step()]', off, []],
    ['step()', off, [[0, 4, 'function "step" is not enabled']]],
    ['foo anchored', off, [[0, 3, 'anchored modifier is experimental and not enabled']]],
    ['rate(foo[5m] smoothed)', off, [[5, 12, 'smoothed modifier is experimental and not enabled']]],
    ['a + fill(0) b', off, [[0, 13, 'binop fill modifiers are experimental and not enabled']]],
    ['foo[5m+1m]', { durationExpr: false }, [[4, 6, 'experimental duration expression is not enabled']]],
    ['foo offset (5m)', { durationExpr: false }, [[12, 14, 'experimental duration expression is not enabled']]],
    ['foo[5m]', { durationExpr: false }, []],
    ['a + fill(0) b', { binopFillModifiers: true }, []],
    ['a and fill(0) b', { binopFillModifiers: true }, [[0, 15, 'filling in missing series not allowed for set operators']]],
    ['1 + fill(0) b', { binopFillModifiers: true }, [[0, 13, 'filling in missing series only allowed between instant vectors']]],
    ['foo anchored smoothed', OPTS, [[0, 3, 'anchored and smoothed modifiers cannot be used together']]],
    ['foo[5m:] anchored', OPTS, [[0, 8, 'anchored modifier is not supported for subqueries']]],
    ['sum(foo) smoothed', OPTS, [[0, 8, 'smoothed modifier not implemented']]],
  ];
  for (const [input, opts, want] of cases) assert.deepEqual(errorsOf(input, opts), want, input);
});

test('modifiers, durations and precedence build the expected trees', () => {
  const fill: ParseOptions = { ...OPTS, binopFillModifiers: true };
  const cases: [string, string][] = [
    ['a + fill(-1) b', 'bin(+;one-to-one;ign();inc();fl=-1;fr=-1;vs(a;[__name__="a"])@0-1;vs(b;[__name__="b"])@13-14)'],
    ['a * on(x) group_left fill_right(2) fill_left(1) b',
      'bin(*;many-to-one;on(x);inc();fl=1;fr=2;vs(a;[__name__="a"])@0-1;vs(b;[__name__="b"])@48-49)'],
    ['foo offset 5m * 2', 'bin(*;novm;vs(foo;[__name__="foo"];off=300000)@0-13;num(2)@16-17)'],
    ['foo offset (5m) * 2', 'vs(foo;[__name__="foo"];offx=dur(*;dur(+;-;num(300d)@12-14;w)@11-15;num(2)@18-19)@0-0)@0-19'],
    ['foo offset -(5m) + 1', 'bin(+;novm;vs(foo;[__name__="foo"];offx=dur(-;-;dur(+;-;num(300d)@13-15;w)@13-15)@11-0)@0-16;num(1)@19-20)'],
    ['2 ^ 3 ^ 2', 'bin(^;novm;num(2)@0-1;bin(^;novm;num(3)@4-5;num(2)@8-9))'],
    ['-2 ^ 2', 'un(-;bin(^;novm;num(2)@1-2;num(2)@5-6))@0'],
    ['-foo * 2', 'bin(*;novm;un(-;vs(foo;[__name__="foo"])@1-4)@0;num(2)@7-8)'],
    ['a or b and c unless d', 'bin(or;many-to-many;ign();inc();vs(a;[__name__="a"])@0-1;bin(unless;many-to-many;ign();inc();bin(and;many-to-many;ign();inc();vs(b;[__name__="b"])@5-6;vs(c;[__name__="c"])@11-12);vs(d;[__name__="d"])@20-21))'],
    ['foo > bool 1', 'bin(> bool;novm;vs(foo;[__name__="foo"])@0-3;num(1)@11-12)'],
    ['foo[5m] @ start() offset 1m', 'mat(vs(foo;[__name__="foo"];off=60000;se=start)@0-3;r=300000)@27'],
    ['foo[10m:] @ 123.4567', 'sub(vs(foo;[__name__="foo"])@0-3;r=600000;s=0;ts=123457)@20'],
    ['{"my.metric", "a.b"="c"}', 'vs(;[__name__="my.metric" a.b="c"])@0-24'],
    ['sum without (a) (x) / ignoring (b) group_right (c) y',
      'bin(/;one-to-many;ign(b);inc(c);agg(sum;without(a);vs(x;[__name__="x"])@17-18)@0-19;vs(y;[__name__="y"])@51-52)'],
    ['count_values by (a) ("v", x)', 'agg(count_values;by(a);str("v")@21-24;vs(x;[__name__="x"])@26-27)@0-28'],
    ['info(foo, {k="v"})', 'call(info;vs(foo;[__name__="foo"])@5-8 vs(;[k="v"];bypass)@10-17)@0-18'],
    ['fill + fill', 'bin(+;one-to-one;ign();inc();vs(fill;[__name__="fill"])@0-4;vs(fill;[__name__="fill"])@7-11)'],
    ['1_000 + 0x_1f + 0755 + 1e3', 'bin(+;novm;bin(+;novm;bin(+;novm;num(1000)@0-5;num(31)@8-13);num(493)@16-20);num(1000)@23-26)'],
  ];
  for (const [input, want] of cases) assert.equal(summarize(parseExpr(input, fill)), want, input);
});

test('positions are UTF-8 byte offsets', () => {
  assert.equal(summarize(parseExpr('{"é"="ü"} + foo')), 'bin(+;one-to-one;ign();inc();vs(;[é="ü"])@0-11;vs(foo;[__name__="foo"])@14-17)');
  assert.deepEqual(errorsOf('"ä" + {a="b"} x'), [[15, 16, 'unexpected identifier "x"']]);
});

test('very long operator chains and nested subqueries do not exhaust the stack', () => {
  const input = `(${'-{}-1'.repeat(10000)})${'[1m:]'.repeat(1000)}`;
  const errs = errorsOf(input);
  assert.equal(errs.length, 10999);
  assert.deepEqual(errs[0], [2, 4, 'vector selector must contain at least one non-empty matcher']);
  assert.deepEqual(errs[9999], [2 + 5 * 9999, 4 + 5 * 9999, 'vector selector must contain at least one non-empty matcher']);
  assert.deepEqual(errs[10000], [0, 50012, 'subquery is only allowed on instant vector, got matrix instead']);
  assert.deepEqual(errs[10998], [0, 50012 + 5 * 998, 'subquery is only allowed on instant vector, got matrix instead']);
});

test('10,000 levels of nesting parse; beyond MAX_EXPRESSION_DEPTH the parse stops with an error', () => {
  const nest = (open: string, inner: string, close: string, n: number): string => open.repeat(n) + inner + close.repeat(n);
  const ok = [
    nest('(', '1', ')', 10_000),
    nest('abs(', 'up', ')', 10_000),
    nest('sum(', 'up', ')', 10_000),
    '-'.repeat(10_000) + 'up',
    Array.from({ length: 5000 }, () => 'up').join(' + '),
    Array.from({ length: 5000 }, () => 'up').join(' ^ '),
  ];
  for (const q of ok) assert.deepEqual(errorsOf(q), [], q.slice(0, 20));
  const too = MAX_EXPRESSION_DEPTH + 1;
  const msg = `expression nested too deeply: more than ${MAX_EXPRESSION_DEPTH} levels`;
  // The top expression is level 1, so the 100,000th parenthesis (at offset 99,999) opens
  // level 100,001; the error points at the token after it.
  assert.deepEqual(errorsOf(nest('(', '1', ')', too)), [[MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_DEPTH, msg]]);
  // A left-associative chain is as deep as it is long: the right operand of the 99,999th
  // operator (column 2 × 99,999 + 1) would be at level 100,001.
  const chain = Array.from({ length: too }, () => '1').join('+');
  assert.equal(firstError(chain), `1:${2 * (MAX_EXPRESSION_DEPTH - 1) + 1}: parse error: ${msg}`);
});

test('type checking normalises vector matching as Prometheus does', () => {
  const e = parseExpr('foo and bar');
  assert.equal(e.kind === 'BinaryExpr' ? e.vectorMatching?.card : '', 'many-to-many');
  const s = parseExpr('1 + foo');
  assert.equal(s.kind === 'BinaryExpr' ? s.vectorMatching : 'x', null);
});

test('metric selectors parse into matchers without type checks', () => {
  const show = (s: string): string[] => parseMetricSelectorMatchers(s).map((m) => `${m.name}${m.type}${m.value}`);
  assert.deepEqual(show('foo{a="b"}'), ['a=b', '__name__=foo']);
  assert.deepEqual(show('{}'), []);
  assert.deepEqual(show('sum'), ['__name__=sum']);
  const bad: [string, string][] = [
    ['', 'unknown position: parse error: unexpected end of input'],
    ['foo bar', '1:5: parse error: unexpected identifier "bar"'],
    ['foo{a}', '1:6: parse error: unexpected "}" in label matching, expected label matching operator'],
    ['foo[5m]', '1:4: parse error: unexpected "["'],
  ];
  for (const [input, want] of bad) {
    assert.throws(() => parseMetricSelectorMatchers(input), (e: unknown) => e instanceof ParseErrors && e.message === want, input);
  }
});
