import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher } from '../../model/index.js';
import { exprToString, parseExpr, prettify, vectorSelector, type ParseOptions } from './index.js';
import { stripPositions, summarize } from './summary.js';
import { fixture } from './testdata.js';

const OPTS: ParseOptions = { experimentalFunctions: true, extendedRangeSelectors: true, binopFillModifiers: true };

test('expressions print as Prometheus prints them (printer_test.go cases)', () => {
  const cases = fixture('printer.json') as [string, string][];
  assert.ok(cases.length > 80);
  for (const [input, want] of cases) assert.equal(exprToString(parseExpr(input, OPTS)), want, input);
});

test('more canonical forms', () => {
  const cases: [string, string][] = [
    ['foo / on("äää") group_left("ööö") bar', 'foo / on ("äää") group_left ("ööö") bar'],
    ['foo / on(legacy, "üüü") bar', 'foo / on (legacy, "üüü") bar'],
    ['foo / ignoring("üüü") bar', 'foo / ignoring ("üüü") bar'],
    ['foo{b="2",a="1"}', 'foo{a="1",b="2"}'],
    ['{"foo.bar"}', '{__name__="foo.bar"}'],
    ['foo{"a\\nb"="\\x01"}', 'foo{"a\\nb"="\\x01"}'],
    ['"\\xff\\u00e9"', '"\\xffé"'],
    ['1e21 + 1e-7 + -0 + 0x10 + Inf + NaN', '1000000000000000000000 + 0.0000001 + -0 + 16 + +Inf + NaN'],
    ['a + fill(1e6) b', 'a + fill (1e+06) b'],
    ['a + fill(NaN) b', 'a + fill_left (NaN) fill_right (NaN) b'],
    ['a + fill(0.0001) b', 'a + fill (0.0001) b'],
    ['foo[90m] offset 1w', 'foo[1h30m] offset 1w'],
    ['foo[1.5]', 'foo[1s500ms]'],
    ['foo[2y5d]', 'foo[105w]'],
    ['foo[1y5d]', 'foo[370d]'],
    ['foo[14d]', 'foo[2w]'],
    ['foo[5m:] @ 1.5', 'foo[5m:] @ 1.500'],
    ['sum(foo) by (a) ', 'sum by (a) (foo)'],
    ['topk by (x) (5, foo)', 'topk by (x) (5, foo)'],
    ['-foo', '-foo'],
    ['- 1', '-1'],
    ['foo[ 5m : 1m ]', 'foo[5m:1m]'],
    ['5m', '5m'],
  ];
  for (const [input, want] of cases) assert.equal(exprToString(parseExpr(input, OPTS)), want, input);
});

test('selectors print without the implied name matcher', () => {
  const m = (n: string, v: string): Matcher => new Matcher('=', n, v);
  assert.equal(exprToString(vectorSelector('', [], 0, 0)), '');
  assert.equal(exprToString(vectorSelector('foobar', [m('a', 'x'), m('b', 'y')], 0, 0)), 'foobar{a="x",b="y"}');
  assert.equal(exprToString(vectorSelector('foobar', [m('__name__', 'foobar')], 0, 0)), 'foobar');
  assert.equal(exprToString(vectorSelector('', [m('__name__', 'foobar')], 0, 0)), '{__name__="foobar"}');
  assert.equal(exprToString(vectorSelector('', [m('__name__', ''), m('a', 'x')], 0, 0)), '{__name__="",a="x"}');
});

test('prettified output matches Prometheus (prettier_test.go cases)', () => {
  const cases = fixture('prettier.json') as [string, string, number][];
  assert.ok(cases.length > 60);
  for (const [input, want, width] of cases) assert.equal(prettify(parseExpr(input), width), want, input);
});

test('prettify splits at 100 bytes by default', () => {
  const long = `sum by (job) (rate(http_requests_total{job="api-server",handler="/api/v1/query_range",code=~"5.."}[5m]))`;
  assert.equal(prettify(parseExpr(long)), [
    'sum by (job) (',
    '  rate(http_requests_total{code=~"5..",handler="/api/v1/query_range",job="api-server"}[5m])',
    ')',
  ].join('\n'));
  const longer = long.replace('api-server', 'api-server-with-a-much-longer-name');
  assert.equal(prettify(parseExpr(longer)), [
    'sum by (job) (',
    '  rate(',
    '    http_requests_total{code=~"5..",handler="/api/v1/query_range",job="api-server-with-a-much-longer-name"}[5m]',
    '  )',
    ')',
  ].join('\n'));
  assert.equal(prettify(parseExpr('sum(foo)')), 'sum(foo)');
});

test('printing and parsing again gives the same tree (all parser test inputs)', () => {
  const cases = fixture('parse-valid.json') as [string, string][];
  for (const [input] of cases) {
    const e = parseExpr(input, OPTS);
    const printed = exprToString(e);
    const again = parseExpr(printed, OPTS);
    assert.equal(exprToString(again), printed, input);
    assert.equal(stripPositions(summarize(again, true)), stripPositions(summarize(e, true)), input);
  }
});
