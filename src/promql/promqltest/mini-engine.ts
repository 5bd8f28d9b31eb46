/**
 * A deliberately small PromQL evaluator for the runner's own tests: literals, scalar
 * arithmetic and comparisons, unary minus, vector and matrix selectors with lookback,
 * staleness, `offset` and `@`. Everything else is a QueryError. It lets the runner be tested
 * end to end on real scripts (literals.test passes whole) without the real engine, and
 * it is small enough to be obviously right about what it supports.
 */
import { Labels, type Millis } from '../../model/index.js';
import { ValueType, type Querier, type Queryable } from '../../storage/index.js';
import { parseExpr, type Expr } from '../parser/index.js';
import { QueryError, type Engine, type Matrix, type Query, type QueryResult, type Series, type Value, type Vector } from '../value.js';
import { RUNNER_PARSE_OPTIONS } from './parse-script.js';

const LOOKBACK = 5 * 60 * 1000;
// `@` may point anywhere, so queriers cover all time.
const MIN_T = -(2 ** 52) as Millis;
const MAX_T = 2 ** 52 as Millis;

function scalarOp(op: string, a: number, b: number, bool: boolean): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    case '^': return Math.pow(a, b);
    case '==': return bool ? Number(a === b) : a;
    case '!=': return bool ? Number(a !== b) : a;
    case '<': return bool ? Number(a < b) : a;
    case '>': return bool ? Number(a > b) : a;
    case '<=': return bool ? Number(a <= b) : a;
    case '>=': return bool ? Number(a >= b) : a;
    default: throw new QueryError('execution', `mini engine: operator ${op} not supported`);
  }
}

async function evaluate(e: Expr, t: number, q: Querier): Promise<Value> {
  switch (e.kind) {
    case 'NumberLiteral': return { kind: 'scalar', t: t as Millis, f: e.val };
    case 'StringLiteral': return { kind: 'string', t: t as Millis, s: e.val };
    case 'ParenExpr': return evaluate(e.expr, t, q);
    case 'UnaryExpr': {
      const v = await evaluate(e.expr, t, q);
      if (e.op === '+') return v;
      if (v.kind === 'scalar') return { kind: 'scalar', t: v.t, f: -v.f };
      if (v.kind === 'vector') return { kind: 'vector', v: v.v.map((s) => ({ ...s, metric: s.metric.withoutMetricName(), f: -s.f })) };
      throw new QueryError('execution', 'mini engine: unary minus on this type not supported');
    }
    case 'BinaryExpr': {
      const a = await evaluate(e.lhs, t, q), b = await evaluate(e.rhs, t, q);
      if (a.kind !== 'scalar' || b.kind !== 'scalar') throw new QueryError('execution', 'mini engine: only scalar binary operations are supported');
      if (!e.returnBool && ['==', '!=', '<', '>', '<=', '>='].includes(e.op)) throw new QueryError('bad_data', 'comparisons between scalars must use BOOL modifier');
      return { kind: 'scalar', t: t as Millis, f: scalarOp(e.op, a.f, b.f, e.returnBool) };
    }
    case 'VectorSelector': {
      if (e.startOrEnd !== null) throw new QueryError('execution', 'mini engine: @ start()/end() not supported');
      const ref = (e.timestamp ?? t) - e.originalOffset;
      const set = await q.select(true, null, e.matchers);
      const out: Vector = [];
      while (set.next()) {
        const s = set.at();
        const it = s.iterator(null);
        let last: { f: number; stale: boolean } | null = null;
        for (let vt = it.seek((ref - LOOKBACK + 1) as Millis); vt !== ValueType.None && it.atT() <= ref; vt = it.next()) {
          if (vt !== ValueType.Float) throw new QueryError('execution', 'mini engine: histograms not supported');
          last = { f: it.atF(), stale: it.atStale() };
        }
        if (last !== null && !last.stale) out.push({ metric: s.labels, t: t as Millis, f: last.f, h: null });
      }
      return { kind: 'vector', v: out };
    }
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      if (vs.startOrEnd !== null) throw new QueryError('execution', 'mini engine: @ start()/end() not supported');
      const ref = (vs.timestamp ?? t) - vs.originalOffset;
      const set = await q.select(true, null, vs.matchers);
      const out: Matrix = [];
      while (set.next()) {
        const s = set.at();
        const it = s.iterator(null);
        const series: Series = { metric: s.labels, floats: [], histograms: [] };
        for (let vt = it.seek((ref - e.range + 1) as Millis); vt !== ValueType.None && it.atT() <= ref; vt = it.next()) {
          if (vt !== ValueType.Float) throw new QueryError('execution', 'mini engine: histograms not supported');
          if (!it.atStale()) series.floats.push({ t: it.atT(), f: it.atF() });
        }
        if (series.floats.length > 0) out.push(series);
      }
      return { kind: 'matrix', m: out };
    }
    default:
      throw new QueryError('execution', `mini engine: ${e.kind} not supported`);
  }
}

function result(value: Value): QueryResult {
  return { value, warnings: [], infos: [], stats: null };
}

/** Collects per-step values into a matrix sorted by labels, as range queries return them. */
function toMatrix(steps: { t: number; v: Value }[]): Value {
  const bySeries = new Map<string, Series>();
  for (const { t, v } of steps) {
    if (v.kind === 'scalar') {
      let s = bySeries.get('');
      if (s === undefined) bySeries.set('', (s = { metric: Labels.EMPTY, floats: [], histograms: [] }));
      s.floats.push({ t: t as Millis, f: v.f });
    } else if (v.kind === 'vector') {
      for (const x of v.v) {
        let s = bySeries.get(x.metric.key());
        if (s === undefined) bySeries.set(x.metric.key(), (s = { metric: x.metric, floats: [], histograms: [] }));
        s.floats.push({ t: t as Millis, f: x.f });
      }
    } else {
      throw new QueryError('bad_data', `invalid expression type "${v.kind === 'matrix' ? 'range vector' : v.kind}" for range query, must be Scalar or instant Vector`);
    }
  }
  return { kind: 'matrix', m: [...bySeries.values()].sort((a, b) => Labels.compare(a.metric, b.metric)) };
}

export class MiniEngine implements Engine {
  newInstantQuery(q: Queryable, query: string, ts: Millis): Query {
    const expr = parse(query);
    return {
      statement: expr,
      exec: async () => {
        const querier = await q.querier(MIN_T, MAX_T);
        return result(await evaluate(expr, ts, querier));
      },
      close: () => undefined,
    };
  }

  newRangeQuery(q: Queryable, query: string, start: Millis, end: Millis, step: number): Query {
    const expr = parse(query);
    return {
      statement: expr,
      exec: async () => {
        const querier = await q.querier(MIN_T, MAX_T);
        const steps: { t: number; v: Value }[] = [];
        for (let t = start as number; t <= end; t += step) steps.push({ t, v: await evaluate(expr, t, querier) });
        return result(toMatrix(steps));
      },
      close: () => undefined,
    };
  }
}

function parse(query: string): Expr {
  try {
    return parseExpr(query, RUNNER_PARSE_OPTIONS);
  } catch (e) {
    throw new QueryError('bad_data', e instanceof Error ? e.message : String(e));
  }
}
