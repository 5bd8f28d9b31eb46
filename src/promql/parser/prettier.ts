/**
 * Multi-line formatting of PromQL for `/api/v1/format_query`, with the rules of
 * Prometheus's prettifier: a node whose one-line form is longer than 100 bytes is split,
 * its children indented by two spaces per level; selectors and number/string literals are
 * never split; grouping clauses stay with their operator.
 */
import { unreachable, type Expr, type Node } from './ast.js';
import { utf8Length } from './errors.js';
import { aggregatePrefix, binaryOperatorString, exprToString, subquerySuffix } from './printer.js';
import { aggregateHasParam } from './grammar.js';

const MAX_CHARACTERS_PER_LINE = 100;

const indent = (level: number): string => '  '.repeat(level);

let maxWidth = MAX_CHARACTERS_PER_LINE;

const needsSplit = (n: Node): boolean => utf8Length(exprToString(n)) > maxWidth;

/** The prettified text of an expression; `width` (bytes per line) is for tests. */
export function prettify(n: Node, width = MAX_CHARACTERS_PER_LINE): string {
  maxWidth = width;
  try {
    return pretty(n, 0);
  } finally {
    maxWidth = MAX_CHARACTERS_PER_LINE;
  }
}

function pretty(n: Node, level: number): string {
  switch (n.kind) {
    case 'AggregateExpr': {
      if (!needsSplit(n)) return indent(level) + exprToString(n);
      let s = `${indent(level)}${aggregatePrefix(n)}(\n`;
      if (aggregateHasParam(n.op) && n.param !== null) s += `${pretty(n.param, level + 1)},\n`;
      return `${s}${pretty(n.expr, level + 1)}\n${indent(level)})`;
    }
    case 'BinaryExpr':
      if (!needsSplit(n)) return indent(level) + exprToString(n);
      return `${pretty(n.lhs, level + 1)}\n${indent(level)}${binaryOperatorString(n)}\n${pretty(n.rhs, level + 1)}`;
    case 'Call':
      if (!needsSplit(n)) return indent(level) + exprToString(n);
      return `${indent(level)}${n.func.name}(\n${prettyList(n.args, level + 1)}\n${indent(level)})`;
    case 'ParenExpr':
      if (!needsSplit(n)) return indent(level) + exprToString(n);
      return `${indent(level)}(\n${pretty(n.expr, level + 1)}\n${indent(level)})`;
    case 'SubqueryExpr':
      if (!needsSplit(n)) return exprToString(n);
      return pretty(n.expr, level) + subquerySuffix(n);
    case 'UnaryExpr':
      // The operand's own indent is dropped: the operator carries it.
      return `${indent(level)}${n.op}${pretty(n.expr, level).trim()}`;
    case 'StepInvariantExpr':
      return pretty(n.expr, level);
    case 'DurationExpr':
      return exprToString(n);
    case 'MatrixSelector': case 'VectorSelector': case 'NumberLiteral': case 'StringLiteral':
      return indent(level) + exprToString(n);
    default:
      return unreachable(n);
  }
}

function prettyList(args: readonly Expr[], level: number): string {
  return args.map((a) => pretty(a, level)).join(',\n');
}
