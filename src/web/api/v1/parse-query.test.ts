import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr } from '../../../promql/parser/index.js';
import { formatFloatF, translateAST } from './parse-query.js';

test('formatFloatF: Go\'s shortest "f" notation', () => {
  const cases: [number, string][] = [
    [0, '0'], [-0, '-0'], [1, '1'], [1.5, '1.5'], [300, '300'], [1e21, '1000000000000000000000'], [1.5e-7, '0.00000015'],
    [-12.25, '-12.25'], [123456.789, '123456.789'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'],
  ];
  for (const [f, want] of cases) assert.equal(formatFloatF(f), want, String(f));
});

const dnum = (val: string, duration: boolean): unknown => ({ duration, type: 'numberLiteral', val });
const dexpr = (op: string, lhs: unknown, rhs: unknown, wrapped: boolean): unknown => ({ lhs, op, rhs, type: 'durationExpr', wrapped });

test('translateAST: ranges, steps and offsets, plain and as duration expressions', () => {
  const cases: { q: string; type: string; fields: Record<string, unknown> }[] = [
    { q: 'foo[5m]', type: 'matrixSelector', fields: { range: 300000, rangeExpr: null, offset: 0, offsetExpr: null } },
    { q: 'foo[5m] offset 1m', type: 'matrixSelector', fields: { range: 300000, offset: 60000, offsetExpr: null } },
    { q: 'foo[5m+1m]', type: 'matrixSelector', fields: { range: 0, rangeExpr: dexpr('+', dnum('300', true), dnum('60', true), false) } },
    {
      q: 'foo[5m+1m] offset (10m/2)', type: 'matrixSelector',
      fields: { rangeExpr: dexpr('+', dnum('300', true), dnum('60', true), false), offset: 0, offsetExpr: dexpr('/', dnum('600', true), dnum('2', false), true) },
    },
    {
      q: 'foo[max_of(step(),5m+3m) ]', type: 'matrixSelector',
      fields: { range: 0, rangeExpr: dexpr('max_of', dexpr('step', null, null, false), dexpr('+', dnum('300', true), dnum('180', true), false), false) },
    },
    { q: 'foo[range()]', type: 'matrixSelector', fields: { range: 0, rangeExpr: dexpr('range', null, null, false) } },
    { q: 'foo[5m:1m]', type: 'subquery', fields: { range: 300000, rangeExpr: null, step: 60000, stepExpr: null, offset: 0, offsetExpr: null } },
    {
      q: 'foo[4s+4s:1s*2] offset (5s-8)', type: 'subquery',
      fields: {
        range: 0, rangeExpr: dexpr('+', dnum('4', true), dnum('4', true), false), step: 0,
        stepExpr: dexpr('*', dnum('1', true), dnum('2', false), false), offset: 0, offsetExpr: dexpr('-', dnum('5', true), dnum('8', false), true),
      },
    },
    { q: 'foo offset 5m', type: 'vectorSelector', fields: { offset: 300000, offsetExpr: null } },
    {
      q: 'foo offset -min_of(5s,step()+8s)', type: 'vectorSelector',
      fields: { offset: 0, offsetExpr: dexpr('-', null, dexpr('min_of', dnum('5', true), dexpr('+', dexpr('step', null, null, false), dnum('8', true), false), false), false) },
    },
  ];
  for (const c of cases) {
    const got = translateAST(parseExpr(c.q)) as Record<string, unknown>;
    assert.equal(got['type'], c.type, c.q);
    for (const [k, v] of Object.entries(c.fields)) assert.deepEqual(got[k], v, `${c.q}: ${k}`);
  }
});

test('translateAST: the documented shape of foo/bar, keys sorted as Go writes maps', () => {
  const got = translateAST(parseExpr('foo/bar'));
  const sel = (name: string): unknown => ({
    anchored: false, matchers: [{ name: '__name__', type: '=', value: name }], name, offset: 0, offsetExpr: null,
    smoothed: false, startOrEnd: null, timestamp: null, type: 'vectorSelector',
  });
  const want = {
    bool: false, lhs: sel('foo'),
    matching: { card: 'one-to-one', fillValues: { lhs: null, rhs: null }, include: [], labels: [], on: false },
    op: '/', rhs: sel('bar'), type: 'binaryExpr',
  };
  assert.equal(JSON.stringify(got), JSON.stringify(want));
});

test('translateAST: aggregations, calls, literals, unary, parens, @ modifiers', () => {
  const agg = translateAST(parseExpr('topk by (a) (3, -x @ start())')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(agg), ['expr', 'grouping', 'op', 'param', 'type', 'without']);
  assert.equal(agg['op'], 'topk');
  assert.deepEqual(agg['grouping'], ['a']);
  assert.deepEqual(agg['param'], { type: 'numberLiteral', val: '3' });
  const un = agg['expr'] as Record<string, unknown>;
  assert.equal(un['type'], 'unaryExpr');
  assert.equal(un['op'], '-');
  assert.equal((un['expr'] as Record<string, unknown>)['startOrEnd'], 'start');
  assert.equal((un['expr'] as Record<string, unknown>)['timestamp'], null);

  const call = translateAST(parseExpr('label_replace(rate(x[1m] @ 100), "a", "$1", "b", "(.*)")')) as Record<string, unknown>;
  assert.deepEqual(call['func'], { argTypes: ['vector', 'string', 'string', 'string', 'string'], name: 'label_replace', returnType: 'vector', variadic: 0 });
  const args = call['args'] as Record<string, unknown>[];
  assert.deepEqual(args[1], { type: 'stringLiteral', val: 'a' });
  const inner = (args[0]!['args'] as Record<string, unknown>[])[0]!;
  assert.equal(inner['type'], 'matrixSelector');
  assert.equal(inner['timestamp'], 100000);

  assert.deepEqual(translateAST(parseExpr('(1)')), { expr: { type: 'numberLiteral', val: '1' }, type: 'parenExpr' });
  const on = translateAST(parseExpr('a * on (x) group_left (y) b')) as { matching: Record<string, unknown> };
  assert.deepEqual(on.matching, { card: 'many-to-one', fillValues: { lhs: null, rhs: null }, include: ['y'], labels: ['x'], on: true });
  const scalarOp = translateAST(parseExpr('1 + 2')) as Record<string, unknown>;
  assert.equal(scalarOp['matching'], null);
});
