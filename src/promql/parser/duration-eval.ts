/**
 * Evaluation of duration expressions (`[5m * 2]`, `offset (step() + 1s)`) for a query, as
 * Prometheus does before evaluating it: `step()` is the query step, `range()` the query's
 * end minus start. The engine calls `resolveDurations` once per query.
 */
import type { Millis } from '../../model/index.js';
import { positionRange, type DurationNode, type Expr } from './ast.js';
import { msToSeconds } from './duration.js';
import { walk } from './walk.js';

/** A duration expression that cannot be used (division by zero, non-positive range, ...). */
export class DurationEvalError extends Error {
  override readonly name = 'DurationEvalError';
}

// 2^63 nanoseconds in seconds: the largest duration Prometheus can hold.
const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

/** The value of a duration expression in seconds. */
export function evalDurationExpr(d: DurationNode, stepMs: number, rangeMs: number): number {
  if (d.kind === 'NumberLiteral') return d.val;
  const lhs = d.lhs === null ? 0 : evalDurationExpr(d.lhs, stepMs, rangeMs);
  const rhs = d.rhs === null ? 0 : evalDurationExpr(d.rhs, stepMs, rangeMs);
  const where = (): string => { const r = positionRange(d); return `${r.start}:${r.end}`; };
  switch (d.op) {
    case 'step': return msToSeconds(stepMs);
    case 'range': return msToSeconds(rangeMs);
    case 'min_of': return Math.min(lhs, rhs);
    case 'max_of': return Math.max(lhs, rhs);
    case '+': return d.lhs === null ? rhs : lhs + rhs;
    case '-': return d.lhs === null ? -rhs : lhs - rhs;
    case '*': return lhs * rhs;
    case '/':
      if (rhs === 0) throw new DurationEvalError(`${where()}: division by zero`);
      return lhs / rhs;
    case '%':
      if (rhs === 0) throw new DurationEvalError(`${where()}: modulo by zero`);
      return lhs % rhs;
    case '^': return Math.pow(lhs, rhs);
  }
}

/**
 * A duration expression as whole milliseconds. Offsets may be negative; ranges and steps
 * must be positive. Errors carry `start:end` byte offsets, as Prometheus's messages do.
 */
export function durationExprMs(d: DurationNode, stepMs: number, rangeMs: number, allowNegative: boolean): Millis {
  const v = evalDurationExpr(d, stepMs, rangeMs);
  const r = positionRange(d);
  if (!Number.isFinite(v)) throw new DurationEvalError(`${r.start}:${r.end}: duration is NaN or infinite`);
  if (v <= 0 && !allowNegative) throw new DurationEvalError(`${r.start}:${r.end}: duration must be greater than 0`);
  if (v > MAX_DURATION_SECONDS || v < -MAX_DURATION_SECONDS) throw new DurationEvalError(`${r.start}:${r.end}: duration is out of range`);
  // Truncated to milliseconds, as Prometheus converts seconds to a duration.
  return (Math.trunc(v * 1000) + 0) as Millis;
}

/**
 * Sets `originalOffset`, `range` and `step` from their duration expressions throughout the
 * tree. Throws `DurationEvalError`.
 */
export function resolveDurations(root: Expr, stepMs: number, rangeMs: number): void {
  walk(root, (n) => {
    switch (n.kind) {
      case 'VectorSelector':
        if (n.originalOffsetExpr !== null) n.originalOffset = durationExprMs(n.originalOffsetExpr, stepMs, rangeMs, true);
        break;
      case 'MatrixSelector':
        if (n.rangeExpr !== null) n.range = durationExprMs(n.rangeExpr, stepMs, rangeMs, false);
        break;
      case 'SubqueryExpr':
        if (n.originalOffsetExpr !== null) n.originalOffset = durationExprMs(n.originalOffsetExpr, stepMs, rangeMs, true);
        if (n.stepExpr !== null) n.step = durationExprMs(n.stepExpr, stepMs, rangeMs, false);
        if (n.rangeExpr !== null) n.range = durationExprMs(n.rangeExpr, stepMs, rangeMs, false);
        break;
      default:
        break;
    }
  });
}
