/**
 * Query preparation, as Prometheus does it before evaluating: `start()`/`end()`/`range()`/
 * `step()` folded into numbers, duration expressions resolved, `@ start()`/`@ end()` turned
 * into timestamps, step-invariant subtrees wrapped so that they are evaluated once, and the
 * selector offsets adjusted for `@`. Also the time ranges each selector reads.
 */
import type { Millis } from '../../model/index.js';
import {
  numberLiteral, resolveDurations, run, stepInvariantExpr, sub, walk, unreachable,
  type Expr, type Step, type SubqueryExpr, type VectorSelector,
} from '../parser/index.js';

/** Functions whose result changes with the evaluation time even for step-invariant arguments. */
export const AT_MODIFIER_UNSAFE_FUNCTIONS: ReadonlySet<string> = new Set([
  'days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'end', 'hour', 'minute', 'month', 'year',
  'predict_linear', 'range', 'start', 'step', 'time', 'timestamp',
]);

/**
 * Prepares a parsed expression for evaluation over [start, end] every `step` ms (0 for an
 * instant query). Mutates the tree and returns its (possibly new) root. Throws
 * `DurationEvalError` for duration expressions that cannot be used.
 */
export function preprocessExpr(expr: Expr, start: number, end: number, step: number): Expr {
  detectHistogramStatsDecoding(expr);
  const root = run(foldQueryContextFunctions(expr, start, end, step));
  resolveDurations(root, step, end - start);
  const [, shouldWrap] = run(preprocessHelper(root, start, end));
  return shouldWrap ? stepInvariantExpr(root) : root;
}

// The passes are generators on a trampoline (see the parser's trampoline.ts), so that
// expressions of any depth are prepared without overflowing the stack.

function* foldQueryContextFunctions(e: Expr, start: number, end: number, step: number): Step<Expr> {
  if (e.kind === 'Call') {
    const pr = e.posRange;
    switch (e.func.name) {
      case 'start': return numberLiteral(start / 1000, pr.start, pr.end);
      case 'end': return numberLiteral(end / 1000, pr.start, pr.end);
      case 'range': return numberLiteral((end - start) / 1000, pr.start, pr.end);
      case 'step': return numberLiteral(start !== end ? step / 1000 : 0, pr.start, pr.end);
      default: break;
    }
  }
  switch (e.kind) {
    case 'BinaryExpr':
      e.lhs = yield* sub(foldQueryContextFunctions(e.lhs, start, end, step));
      e.rhs = yield* sub(foldQueryContextFunctions(e.rhs, start, end, step));
      break;
    case 'Call':
      for (let i = 0; i < e.args.length; i++) e.args[i] = yield* sub(foldQueryContextFunctions(e.args[i]!, start, end, step));
      break;
    case 'AggregateExpr':
      e.expr = yield* sub(foldQueryContextFunctions(e.expr, start, end, step));
      if (e.param !== null) e.param = yield* sub(foldQueryContextFunctions(e.param, start, end, step));
      break;
    case 'UnaryExpr': case 'ParenExpr': case 'SubqueryExpr': case 'StepInvariantExpr':
      e.expr = yield* sub(foldQueryContextFunctions(e.expr, start, end, step));
      break;
    case 'MatrixSelector': case 'VectorSelector': case 'NumberLiteral': case 'StringLiteral':
      break;
    default:
      unreachable(e);
  }
  return e;
}

function unwrapParens(e: Expr): Expr {
  while (e.kind === 'ParenExpr') e = e.expr;
  return e;
}

/** Returns [isStepInvariant, shouldWrap], wrapping step-invariant children as it goes. */
function* preprocessHelper(e: Expr, start: number, end: number): Step<[boolean, boolean]> {
  switch (e.kind) {
    case 'VectorSelector':
      if (e.startOrEnd === 'start') e.timestamp = start as Millis;
      else if (e.startOrEnd === 'end') e.timestamp = end as Millis;
      return [e.timestamp !== null, e.timestamp !== null];
    case 'AggregateExpr':
      e.expr = unwrapParens(e.expr);
      if (e.param !== null) e.param = unwrapParens(e.param);
      return yield* sub(preprocessHelper(e.expr, start, end));
    case 'BinaryExpr': {
      const [invL, wrapL] = yield* sub(preprocessHelper(e.lhs, start, end));
      const [invR, wrapR] = yield* sub(preprocessHelper(e.rhs, start, end));
      if (invL && invR) return [true, true];
      if (wrapL) e.lhs = stepInvariantExpr(e.lhs);
      if (wrapR) e.rhs = stepInvariantExpr(e.rhs);
      return [false, false];
    }
    case 'Call': {
      let inv = !AT_MODIFIER_UNSAFE_FUNCTIONS.has(e.func.name);
      // timestamp() over a step-invariant selector is step-invariant itself.
      let timestampSafe = e.func.name === 'timestamp';
      const wrap: boolean[] = [];
      for (let i = 0; i < e.args.length; i++) {
        const a = unwrapParens(e.args[i]!);
        e.args[i] = a;
        const [argInv, argWrap] = yield* sub(preprocessHelper(a, start, end));
        wrap.push(argWrap);
        inv = inv && argInv;
        if (!argInv || a.kind !== 'VectorSelector') timestampSafe = false;
      }
      if (inv || timestampSafe) return [true, true];
      for (let i = 0; i < wrap.length; i++) if (wrap[i]) e.args[i] = stepInvariantExpr(e.args[i]!);
      return [false, false];
    }
    case 'MatrixSelector': {
      const [inv] = yield* sub(preprocessHelper(e.vectorSelector, start, end));
      return [inv, false];
    }
    case 'SubqueryExpr': {
      // The inside of a subquery is wrapped whenever it is step-invariant, with or without @ on
      // the subquery, so that it is evaluated once relative to the subquery's start.
      const [inv] = yield* sub(preprocessHelper(e.expr, start, end));
      if (inv) e.expr = stepInvariantExpr(e.expr);
      if (e.startOrEnd === 'start') e.timestamp = start as Millis;
      else if (e.startOrEnd === 'end') e.timestamp = end as Millis;
      return [e.timestamp !== null, false];
    }
    case 'ParenExpr': case 'UnaryExpr':
      return yield* sub(preprocessHelper(e.expr, start, end));
    case 'StringLiteral': case 'NumberLiteral':
      return [true, false];
    case 'StepInvariantExpr':
      return [true, false];
    default:
      return unreachable(e);
  }
}

/** Sums of offsets and ranges of the subqueries on a path, restarting at an `@`; and the innermost such `@`. */
export function subqueryTimes(path: readonly Expr[]): { offset: number; range: number; ts: number | null } {
  let offset = 0, range = 0;
  let ts: number | null = null;
  for (const n of path) {
    if (n.kind !== 'SubqueryExpr') continue;
    offset += n.originalOffset;
    range += n.range;
    if (n.timestamp !== null) {
      offset = n.originalOffset;
      range = n.range;
      ts = n.timestamp;
    }
  }
  return { offset, range, ts };
}

/**
 * Sets the effective offsets of selectors and subqueries so that `@` works by offsetting
 * from the evaluation start `evalTime` (Prometheus's `setOffsetForAtModifier`).
 */
export function setOffsetForAtModifier(evalTime: number, expr: Expr): void {
  const subqueries: SubqueryExpr[] = [];
  const offsetFor = (ts: number | null, originalOffset: number): number => {
    if (ts === null) return originalOffset;
    const sq = subqueryTimes(subqueries);
    let subqOffset = sq.offset;
    if (sq.ts !== null) subqOffset += evalTime - sq.ts;
    return originalOffset + (evalTime - ts) - subqOffset;
  };
  walk(expr, (n) => {
    switch (n.kind) {
      case 'VectorSelector': n.offset = offsetFor(n.timestamp, n.originalOffset) as Millis; break;
      case 'MatrixSelector': {
        const vs = n.vectorSelector;
        vs.offset = offsetFor(vs.timestamp, vs.originalOffset) as Millis;
        break;
      }
      case 'SubqueryExpr':
        n.offset = offsetFor(n.timestamp, n.originalOffset) as Millis;
        subqueries.push(n);
        break;
      default: break;
    }
  }, (n) => {
    if (n.kind === 'SubqueryExpr') subqueries.pop();
  });
}

export interface SelectorRange {
  start: number;
  end: number;
}

/**
 * The time range a selector reads (Prometheus's `getTimeRangesForSelector`). `path` holds its
 * ancestors, or only the subqueries among them (nothing else counts).
 */
export function timeRangeForSelector(
  qStart: number, qEnd: number, lookbackDelta: number, n: VectorSelector, path: readonly Expr[], evalRange: number,
): SelectorRange {
  let start = qStart, end = qEnd;
  const sq = subqueryTimes(path);
  if (sq.ts !== null) { start = sq.ts; end = sq.ts; }
  if (n.timestamp !== null) {
    start = n.timestamp;
    end = n.timestamp;
  } else {
    start = start - sq.offset - sq.range;
    end -= sq.offset;
  }
  if (evalRange === 0) {
    // One millisecond less than the lookback delta: a sample exactly lookbackDelta before the
    // evaluation time is outside the window.
    start -= lookbackDelta - 1;
    if (n.smoothed) end += lookbackDelta;
  } else if (n.anchored) {
    start -= lookbackDelta + evalRange - 1;
  } else if (n.smoothed) {
    start -= lookbackDelta + evalRange - 1;
    end += lookbackDelta;
  } else {
    start -= evalRange - 1;
  }
  start -= n.originalOffset;
  end -= n.originalOffset;
  return { start, end };
}

/**
 * Visits every vector selector with its path, the range of the enclosing matrix selector (0
 * if none) and the subqueries among its ancestors (outermost first). Per-selector work
 * should use `subqueries`, not scan `path`: a path can be as long as the query (a chain of
 * 100,000 terms), and scanning it for every selector would cost quadratic time.
 */
export function forEachSelector(
  expr: Expr, fn: (vs: VectorSelector, path: readonly Expr[], evalRange: number, subqueries: readonly SubqueryExpr[]) => void,
): void {
  let evalRange = 0;
  const subqueries: SubqueryExpr[] = [];
  walk(expr, (n, path) => {
    if (n.kind === 'MatrixSelector') evalRange = n.range;
    else if (n.kind === 'SubqueryExpr') subqueries.push(n);
    else if (n.kind === 'VectorSelector') {
      fn(n, path, evalRange, subqueries);
      evalRange = 0;
    }
  }, (n) => {
    if (n.kind === 'SubqueryExpr') subqueries.pop();
  });
}

/** The earliest and latest time the query reads; [0, 0] when it selects nothing. */
export function findMinMaxTime(expr: Expr, start: number, end: number, lookbackDelta: number): [number, number] {
  let min = Infinity, max = -Infinity;
  forEachSelector(expr, (vs, _path, evalRange, subqueries) => {
    const r = timeRangeForSelector(start, end, lookbackDelta, vs, subqueries, evalRange);
    if (r.start < min) min = r.start;
    if (r.end > max) max = r.end;
  });
  if (max === -Infinity) return [0, 0];
  return [min, max];
}

/** The step of the innermost subquery on the path (its default if it has none), or 0. `path` may hold only the subqueries. */
export function lastSubqueryInterval(path: readonly Expr[], noStepInterval: (rangeMs: number) => number): number {
  let interval = 0;
  for (const n of path) {
    if (n.kind === 'SubqueryExpr') interval = n.step !== 0 ? n.step : noStepInterval(n.range);
  }
  return interval;
}

/** The function or aggregation a selector feeds, for select hints. */
export function funcFromPath(path: readonly Expr[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i]!;
    if (n.kind === 'AggregateExpr') return n.op;
    if (n.kind === 'Call') return n.func.name;
    if (n.kind === 'BinaryExpr') return '';
  }
  return '';
}

/**
 * Marks selectors whose native histograms only need count and sum (under histogram_count,
 * histogram_sum or histogram_avg, with no subquery or bucket-reading function above).
 */
function detectHistogramStatsDecoding(expr: Expr): void {
  // Scanning each selector's ancestors would cost quadratic time on long chains; the two
  // facts that decide are kept per open node instead, inherited from its parent: whether an
  // ancestor needs the buckets (a subquery, a bucket-reading function, a trim operator), and
  // whether one only needs count and sum.
  const blocked: boolean[] = [];
  const statsOnly: boolean[] = [];
  walk(expr, (n) => {
    const top = blocked.length - 1;
    let b = top >= 0 && blocked[top]!, s = top >= 0 && statsOnly[top]!;
    switch (n.kind) {
      case 'VectorSelector':
        if (b) n.skipHistogramBuckets = false;
        else if (s) n.skipHistogramBuckets = true;
        break;
      case 'SubqueryExpr': b = true; break;
      case 'Call': {
        const name = n.func.name;
        if (name === 'histogram_count' || name === 'histogram_sum' || name === 'histogram_avg') s = true;
        else if (name === 'histogram_quantile' || name === 'histogram_quantiles' || name === 'histogram_fraction') b = true;
        break;
      }
      case 'BinaryExpr':
        if (n.op === '</' || n.op === '>/') b = true;
        break;
      default: break;
    }
    blocked.push(b);
    statsOnly.push(s);
  }, () => {
    blocked.pop();
    statsOnly.pop();
  });
}

export type { SubqueryExpr };
