/**
 * The `@`-modifier variants the reference runner adds to every instant eval: each vector
 * selector, matrix selector and subquery without `@` gets `@ <eval time>` (selectors inside
 * a subquery are left alone, since the subquery then carries the `@`), the tree is printed
 * back to text, and that query must give the same result at other evaluation times.
 * Expressions calling a function whose result depends on the evaluation time itself are
 * skipped.
 */
import type { Millis } from '../../model/index.js';
import { exprToString, inspect, parseExpr, type Expr } from '../parser/index.js';
import { RUNNER_PARSE_OPTIONS } from './parse-script.js';

/** Functions whose result may change with the evaluation time even for step-invariant arguments. */
export const AT_MODIFIER_UNSAFE_FUNCTIONS: ReadonlySet<string> = new Set([
  'days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'end', 'hour', 'minute', 'month', 'year',
  'predict_linear', 'range', 'start', 'step', 'time', 'timestamp',
]);

export interface AtVariants {
  /** The rewritten query text. */
  expr: string;
  /** Evaluation times (ms) to run it at. */
  times: number[];
}

function underSubqueryWithAt(path: readonly Expr[]): boolean {
  for (const n of path) if (n.kind === 'SubqueryExpr' && n.timestamp !== null) return true;
  return false;
}

/** The variants of `expr` evaluated at `t` (ms), or null when the expression is @-unsafe. */
export function atModifierVariants(expr: string, t: number): AtVariants | null {
  const root = parseExpr(expr, RUNNER_PARSE_OPTIONS);
  const ms = t as Millis;
  let unsafe = false;
  inspect(root, (n, path) => {
    if (underSubqueryWithAt(path)) return;
    switch (n.kind) {
      case 'VectorSelector':
        n.timestamp ??= ms;
        break;
      case 'MatrixSelector':
        n.vectorSelector.timestamp ??= ms;
        break;
      case 'SubqueryExpr':
        n.timestamp ??= ms;
        break;
      case 'Call':
        if (AT_MODIFIER_UNSAFE_FUNCTIONS.has(n.func.name)) unsafe = true;
        break;
      default:
        break;
    }
  });
  if (unsafe) return null;
  const times = t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
  return { expr: exprToString(root), times };
}

/**
 * Whether the expression text calls `start()`, `end()`, `range()` or `step()`, which resolve
 * differently in a range query (such evals skip the range-mode pass).
 */
export function usesQueryContextFunctions(expr: string): boolean {
  return /(start|end|range|step)\(\)/.test(expr);
}
