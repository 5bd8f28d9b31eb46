/**
 * Token classes of the PromQL grammar: operator precedence, which keywords may serve as
 * metric or label names, and which tokens can begin an expression.
 */
import type { AggregateOp, BinaryOp } from './ast.js';
import { T, type TokenType } from './token.js';

/**
 * Binary operator precedence, lowest first: or; and unless; comparisons and trims;
 * + -; * / % atan2; ^ (right associative). 0 means "not a binary operator".
 */
export function binaryPrecedence(t: TokenType): number {
  switch (t) {
    case T.LOR: return 1;
    case T.LAND: case T.LUNLESS: return 2;
    case T.EQLC: case T.NEQ: case T.LTE: case T.LSS: case T.GTE: case T.GTR:
    case T.TRIM_UPPER: case T.TRIM_LOWER: return 3;
    case T.ADD: case T.SUB: return 4;
    case T.MUL: case T.DIV: case T.MOD: case T.ATAN2: return 5;
    case T.POW: return 6;
    default: return 0;
  }
}

/** Unary operators bind like `*`: `-a ^ b` is `-(a ^ b)`, `-a * b` is `(-a) * b`. */
export const UNARY_OPERAND_PRECEDENCE = 6;

const BINARY_OPS = new Map<TokenType, BinaryOp>([
  [T.ADD, '+'], [T.SUB, '-'], [T.MUL, '*'], [T.DIV, '/'], [T.MOD, '%'], [T.POW, '^'], [T.ATAN2, 'atan2'],
  [T.EQLC, '=='], [T.NEQ, '!='], [T.GTR, '>'], [T.LSS, '<'], [T.GTE, '>='], [T.LTE, '<='],
  [T.TRIM_UPPER, '</'], [T.TRIM_LOWER, '>/'], [T.LAND, 'and'], [T.LOR, 'or'], [T.LUNLESS, 'unless'],
]);

export function binaryOp(t: TokenType): BinaryOp {
  return BINARY_OPS.get(t)!;
}

const AGGREGATE_OPS = new Map<TokenType, AggregateOp>([
  [T.SUM, 'sum'], [T.AVG, 'avg'], [T.COUNT, 'count'], [T.MIN, 'min'], [T.MAX, 'max'], [T.GROUP, 'group'],
  [T.STDDEV, 'stddev'], [T.STDVAR, 'stdvar'], [T.TOPK, 'topk'], [T.BOTTOMK, 'bottomk'],
  [T.COUNT_VALUES, 'count_values'], [T.QUANTILE, 'quantile'], [T.LIMITK, 'limitk'], [T.LIMIT_RATIO, 'limit_ratio'],
]);

export function aggregateOp(t: TokenType): AggregateOp | undefined {
  return AGGREGATE_OPS.get(t);
}

/** Aggregations that take a parameter before the expression. */
export function aggregateHasParam(op: AggregateOp): boolean {
  return op === 'topk' || op === 'bottomk' || op === 'count_values' || op === 'quantile' || op === 'limitk' || op === 'limit_ratio';
}

export const isComparisonOp = (op: BinaryOp): boolean =>
  op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=';

export const isSetOp = (op: BinaryOp): boolean => op === 'and' || op === 'or' || op === 'unless';

/** Keywords that may be used as a metric name (Prometheus's `metric_identifier`). */
const METRIC_IDENTIFIER_TOKENS = new Set<TokenType>([
  T.AVG, T.BOTTOMK, T.BY, T.COUNT, T.COUNT_VALUES, T.FILL, T.FILL_LEFT, T.FILL_RIGHT, T.GROUP,
  T.IDENTIFIER, T.LAND, T.LOR, T.LUNLESS, T.MAX, T.METRIC_IDENTIFIER, T.MIN, T.OFFSET, T.QUANTILE,
  T.STDDEV, T.STDVAR, T.SUM, T.TOPK, T.WITHOUT, T.START, T.END, T.LIMITK, T.LIMIT_RATIO, T.STEP,
  T.RANGE, T.ANCHORED, T.SMOOTHED, T.MAX_OF, T.MIN_OF,
]);

export const isMetricIdentifier = (t: TokenType): boolean => METRIC_IDENTIFIER_TOKENS.has(t);

/** Keywords that may be used as a label name in grouping clauses (`maybe_label`). */
const LABEL_TOKENS = new Set<TokenType>([
  T.AVG, T.BOOL, T.BOTTOMK, T.BY, T.COUNT, T.COUNT_VALUES, T.GROUP, T.GROUP_LEFT, T.GROUP_RIGHT,
  T.FILL, T.FILL_LEFT, T.FILL_RIGHT, T.IDENTIFIER, T.IGNORING, T.LAND, T.LOR, T.LUNLESS, T.MAX,
  T.METRIC_IDENTIFIER, T.MIN, T.OFFSET, T.ON, T.QUANTILE, T.STDDEV, T.STDVAR, T.SUM, T.TOPK,
  T.START, T.END, T.ATAN2, T.LIMITK, T.LIMIT_RATIO, T.STEP, T.RANGE, T.ANCHORED, T.SMOOTHED,
  T.MAX_OF, T.MIN_OF,
]);

export const isLabelToken = (t: TokenType): boolean => LABEL_TOKENS.has(t);

/** Whether a token can begin an expression. */
export function canStartExpr(t: TokenType): boolean {
  switch (t) {
    case T.NUMBER: case T.DURATION: case T.STRING: case T.LEFT_PAREN: case T.LEFT_BRACE:
    case T.ADD: case T.SUB:
      return true;
    default:
      return METRIC_IDENTIFIER_TOKENS.has(t) || AGGREGATE_OPS.has(t);
  }
}
