/**
 * Tree traversal in Prometheus's order (depth first; an aggregation's expression before its
 * parameter). Duration expressions are not visited: they hang off selectors and subqueries
 * as fields, not as child expressions.
 */
import { unreachable, type Expr, type VectorSelector } from './ast.js';
import type { Matcher } from '../../model/index.js';

/** The child expressions of a node, in evaluation order. */
export function children(n: Expr): Expr[] {
  switch (n.kind) {
    case 'AggregateExpr': return n.param === null ? [n.expr] : [n.expr, n.param];
    case 'BinaryExpr': return [n.lhs, n.rhs];
    case 'Call': return n.args;
    case 'SubqueryExpr': case 'ParenExpr': case 'UnaryExpr': case 'StepInvariantExpr': return [n.expr];
    case 'MatrixSelector': return [n.vectorSelector];
    case 'NumberLiteral': case 'StringLiteral': case 'VectorSelector': return [];
    default: return unreachable(n);
  }
}

/**
 * Calls `enter(node, path)` for every node, parents first; `path` lists the ancestors from
 * the root and is only valid during the call. Returning `false` skips the node's children.
 * `leave`, if given, is called after a node's children.
 */
export function walk(
  root: Expr,
  enter: (node: Expr, path: readonly Expr[]) => unknown,
  leave?: (node: Expr, path: readonly Expr[]) => void,
): void {
  // A heap stack instead of recursion, for trees of any depth: `path` holds the open nodes,
  // `kids`/`next` their children and the index of the next child to visit.
  if (enter(root, []) === false) return;
  const path: Expr[] = [root];
  const kids: Expr[][] = [children(root)];
  const next: number[] = [0];
  while (path.length > 0) {
    const top = path.length - 1;
    const list = kids[top]!;
    const i = next[top]!;
    if (i < list.length) {
      next[top] = i + 1;
      const c = list[i]!;
      if (enter(c, path) === false) continue;
      path.push(c);
      kids.push(children(c));
      next.push(0);
    } else {
      const n = path.pop()!;
      kids.pop();
      next.pop();
      if (leave !== undefined) leave(n, path);
    }
  }
}

/** Like `walk` without a leave callback: Prometheus's `Inspect`. */
export function inspect(root: Expr, fn: (node: Expr, path: readonly Expr[]) => unknown): void {
  walk(root, fn);
}

/** The matchers of every vector selector in the tree, in walk order (Prometheus's `ExtractSelectors`). */
export function extractSelectors(root: Expr): Matcher[][] {
  const out: Matcher[][] = [];
  walk(root, (n) => {
    if (n.kind === 'VectorSelector') out.push((n satisfies VectorSelector).matchers);
  });
  return out;
}
