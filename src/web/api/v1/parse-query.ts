/**
 * `/api/v1/format_query` (the prettified query) and `/api/v1/parse_query` (the syntax tree
 * as JSON, in the shape Prometheus 3's UI reads: one object per node with a `type`, keys
 * in sorted order as Go writes maps, durations and offsets in ms, numbers as Go's `'f'`
 * text, duration expressions as their own nodes).
 */
import type { Matcher } from '../../../model/index.js';
import {
  parseExpr, prettify, ParseErrors, unreachable, type DurationExpr, type DurationNode, type Expr, type ParseOptions,
  type VectorSelector,
} from '../../../promql/parser/index.js';
import type { Router } from '../../router.js';
import { apiHandler, data } from './handler.js';
import { invalidParam } from './params.js';

export function registerParseQuery(r: Router, parseOpts: ParseOptions): void {
  const parse = (q: string): Expr => {
    try {
      return parseExpr(q, parseOpts);
    } catch (e) {
      if (e instanceof ParseErrors) throw invalidParam('query', e);
      throw e;
    }
  };
  const format = apiHandler((_c, f) => data(prettify(parse(f.get('query')))));
  const ast = apiHandler((_c, f) => data(translateAST(parse(f.get('query')))));
  r.get('/api/v1/format_query', format).post('/api/v1/format_query', format);
  r.get('/api/v1/parse_query', ast).post('/api/v1/parse_query', ast);
}

/** Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const e = Math.abs(f).toExponential(); // "d.ddde±x", shortest digits
  const i = e.indexOf('e');
  const digits = e.slice(0, i).replace('.', '');
  const exp = Number(e.slice(i + 1));
  let out: string;
  if (exp >= digits.length - 1) out = digits + '0'.repeat(exp - digits.length + 1);
  else if (exp >= 0) out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  else out = '0.' + '0'.repeat(-exp - 1) + digits;
  return (f < 0 ? '-' : '') + out;
}

function matchers(ms: readonly Matcher[]): unknown[] {
  return ms.map((m) => ({ name: m.name, type: m.type, value: m.value }));
}

function durationNode(n: DurationNode | null): unknown {
  if (n === null) return null;
  if (n.kind === 'NumberLiteral') return { duration: n.duration, type: 'numberLiteral', val: formatFloatF(n.val) };
  return durationExpr(n);
}

function durationExpr(n: DurationExpr | null): unknown {
  if (n === null) return null;
  return { lhs: durationNode(n.lhs), op: n.op, rhs: durationNode(n.rhs), type: 'durationExpr', wrapped: n.wrapped };
}

function vectorSelector(vs: VectorSelector): Record<string, unknown> {
  return {
    anchored: vs.anchored,
    matchers: matchers(vs.matchers),
    name: vs.name,
    offset: vs.originalOffset,
    offsetExpr: durationExpr(vs.originalOffsetExpr),
    smoothed: vs.smoothed,
    startOrEnd: vs.startOrEnd,
    timestamp: vs.timestamp,
    type: 'vectorSelector',
  };
}

/** The syntax tree as Prometheus's `parse_query` answers it. */
export function translateAST(n: Expr): unknown {
  switch (n.kind) {
    case 'AggregateExpr':
      return {
        expr: translateAST(n.expr), grouping: n.grouping, op: n.op,
        param: n.param === null ? null : translateAST(n.param), type: 'aggregation', without: n.without,
      };
    case 'BinaryExpr': {
      const m = n.vectorMatching;
      const matching = m === null ? null : {
        card: m.card, fillValues: { lhs: m.fillLHS, rhs: m.fillRHS }, include: m.include, labels: m.matchingLabels, on: m.on,
      };
      return { bool: n.returnBool, lhs: translateAST(n.lhs), matching, op: n.op, rhs: translateAST(n.rhs), type: 'binaryExpr' };
    }
    case 'Call':
      return {
        args: n.args.map(translateAST),
        func: { argTypes: n.func.argTypes, name: n.func.name, returnType: n.func.returnType, variadic: n.func.variadic },
        type: 'call',
      };
    case 'MatrixSelector': {
      const vs = n.vectorSelector;
      return {
        anchored: vs.anchored,
        matchers: matchers(vs.matchers),
        name: vs.name,
        offset: vs.originalOffset,
        offsetExpr: durationExpr(vs.originalOffsetExpr),
        range: n.range,
        rangeExpr: durationExpr(n.rangeExpr),
        smoothed: vs.smoothed,
        startOrEnd: vs.startOrEnd,
        timestamp: vs.timestamp,
        type: 'matrixSelector',
      };
    }
    case 'SubqueryExpr':
      return {
        expr: translateAST(n.expr),
        offset: n.originalOffset,
        offsetExpr: durationExpr(n.originalOffsetExpr),
        range: n.range,
        rangeExpr: durationExpr(n.rangeExpr),
        startOrEnd: n.startOrEnd,
        step: n.step,
        stepExpr: durationExpr(n.stepExpr),
        timestamp: n.timestamp,
        type: 'subquery',
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatFloatF(n.val) };
    case 'ParenExpr':
      return { expr: translateAST(n.expr), type: 'parenExpr' };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: n.val };
    case 'UnaryExpr':
      return { expr: translateAST(n.expr), op: n.op, type: 'unaryExpr' };
    case 'VectorSelector':
      return vectorSelector(n);
    case 'StepInvariantExpr':
      // Only the engine creates these; a freshly parsed tree has none.
      return translateAST(n.expr);
    default:
      return unreachable(n);
  }
}
