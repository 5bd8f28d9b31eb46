/**
 * The PromQL syntax tree, as the parser produces it and the engine evaluates it.
 *
 * Nodes are plain objects discriminated by `kind`; every node of a kind is created by one
 * factory in this file, with all fields in the same order, so engine code that switches on
 * `kind` stays monomorphic. Positions are UTF-8 byte offsets into the query (as Prometheus
 * reports them); all durations and timestamps are integer milliseconds.
 *
 * Ownership: the parser returns a fresh tree that the caller owns. The engine may set the
 * fields documented as "set by the engine" (resolved offsets, step-invariant wrapping) in place.
 */
import type { Matcher, Millis } from '../../model/index.js';
import type { FunctionDef } from './functions.js';

export type ValueType = 'none' | 'vector' | 'scalar' | 'matrix' | 'string';

/** Start and end byte offsets of a node in the query; mutated only while parsing. */
export interface PositionRange {
  start: number;
  end: number;
}

export type AggregateOp =
  | 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar'
  | 'topk' | 'bottomk' | 'count_values' | 'quantile' | 'limitk' | 'limit_ratio';

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type TrimOp = '</' | '>/';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | TrimOp | SetOp;
export type UnaryOp = '+' | '-';
/** Operators of duration expressions: arithmetic, unary +/- (lhs null), and the functions. */
export type DurationOp = '+' | '-' | '*' | '/' | '%' | '^' | 'step' | 'range' | 'min_of' | 'max_of';
export type StartOrEnd = 'start' | 'end';

export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/** How the two sides of a vector/vector binary operation are matched. */
export interface VectorMatching {
  card: VectorMatchCardinality;
  /** Labels of `on (...)` or `ignoring (...)`. */
  matchingLabels: string[];
  /** True for `on`, false for `ignoring` (or no clause). */
  on: boolean;
  /** Extra labels of `group_left (...)` / `group_right (...)`. */
  include: string[];
  /** `fill`/`fill_left` value used when a left-hand series is missing, or null. */
  fillLHS: number | null;
  /** `fill`/`fill_right` value used when a right-hand series is missing, or null. */
  fillRHS: number | null;
}

export interface NumberLiteral {
  readonly kind: 'NumberLiteral';
  val: number;
  /** Written as a duration (`5m`); `val` is then in seconds. Affects printing only. */
  duration: boolean;
  posRange: PositionRange;
}

export interface StringLiteral {
  readonly kind: 'StringLiteral';
  val: string;
  posRange: PositionRange;
}

export interface VectorSelector {
  readonly kind: 'VectorSelector';
  /** The metric name written before the braces, or ''. */
  name: string;
  /** All matchers; a name written before the braces is the last one (`__name__="name"`). */
  matchers: Matcher[];
  /** The offset written in the query (negative allowed). */
  originalOffset: Millis;
  /** The offset as a duration expression, to be resolved by the engine into `originalOffset`. */
  originalOffsetExpr: DurationExpr | null;
  /** Effective offset. Set by the engine. */
  offset: Millis;
  /** `@ <ts>` in milliseconds, or null. The engine also sets it for `@ start()`/`@ end()`. */
  timestamp: Millis | null;
  startOrEnd: StartOrEnd | null;
  anchored: boolean;
  smoothed: boolean;
  /** Set for the label-selector argument of `info()`, which may match everything. */
  bypassEmptyMatcherCheck: boolean;
  /** Set by the engine when native histogram buckets are not needed. */
  skipHistogramBuckets: boolean;
  posRange: PositionRange;
}

export interface MatrixSelector {
  readonly kind: 'MatrixSelector';
  vectorSelector: VectorSelector;
  range: Millis;
  /** The range as a duration expression, to be resolved by the engine into `range`. */
  rangeExpr: DurationExpr | null;
  endPos: number;
}

export interface SubqueryExpr {
  readonly kind: 'SubqueryExpr';
  expr: Expr;
  range: Millis;
  rangeExpr: DurationExpr | null;
  originalOffset: Millis;
  originalOffsetExpr: DurationExpr | null;
  /** Effective offset. Set by the engine. */
  offset: Millis;
  timestamp: Millis | null;
  startOrEnd: StartOrEnd | null;
  /** 0 means "use the default evaluation interval" (`[1h:]`). */
  step: Millis;
  stepExpr: DurationExpr | null;
  endPos: number;
}

export interface ParenExpr {
  readonly kind: 'ParenExpr';
  expr: Expr;
  posRange: PositionRange;
}

export interface UnaryExpr {
  readonly kind: 'UnaryExpr';
  op: UnaryOp;
  expr: Expr;
  startPos: number;
}

export interface BinaryExpr {
  readonly kind: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  /** Null unless both operands are instant vectors. */
  vectorMatching: VectorMatching | null;
  /** `bool` on a comparison: return 0/1 instead of filtering. */
  returnBool: boolean;
}

export interface AggregateExpr {
  readonly kind: 'AggregateExpr';
  op: AggregateOp;
  expr: Expr;
  /** The parameter of topk, bottomk, quantile, count_values, limitk and limit_ratio. */
  param: Expr | null;
  grouping: string[];
  without: boolean;
  posRange: PositionRange;
}

export interface Call {
  readonly kind: 'Call';
  func: FunctionDef;
  args: Expr[];
  posRange: PositionRange;
}

/** Marks a subtree whose value does not depend on the evaluation step. Created by the engine. */
export interface StepInvariantExpr {
  readonly kind: 'StepInvariantExpr';
  expr: Expr;
}

/**
 * Arithmetic on durations inside `[...]` and after `offset`, evaluated per query (it may
 * use `step()` and `range()`). Operands are DurationExprs or NumberLiterals in seconds.
 */
export interface DurationExpr {
  readonly kind: 'DurationExpr';
  op: DurationOp;
  lhs: DurationNode | null;
  rhs: DurationNode | null;
  /** Written in parentheses (kept for printing). */
  wrapped: boolean;
  startPos: number;
  endPos: number;
}

export type DurationNode = DurationExpr | NumberLiteral;

/** Every expression node. DurationExprs only occur inside selectors and subqueries. */
export type Expr =
  | AggregateExpr | BinaryExpr | Call | MatrixSelector | SubqueryExpr | NumberLiteral
  | ParenExpr | StringLiteral | UnaryExpr | VectorSelector | StepInvariantExpr;

export type Node = Expr | DurationExpr;

export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}

/** The type an expression evaluates to (Prometheus's `Expr.Type()`). */
export function typeOf(e: Expr): ValueType {
  for (;;) {
    switch (e.kind) {
      case 'AggregateExpr': return 'vector';
      case 'Call': return e.func.returnType;
      case 'MatrixSelector': return 'matrix';
      case 'SubqueryExpr': return 'matrix';
      case 'NumberLiteral': return 'scalar';
      case 'ParenExpr': case 'UnaryExpr': case 'StepInvariantExpr': e = e.expr; break;
      case 'StringLiteral': return 'string';
      case 'VectorSelector': return 'vector';
      case 'BinaryExpr': return binaryType(e);
      default: return unreachable(e);
    }
  }
}

/**
 * Types of binary expressions, computed once per node. The evaluator asks for the type of
 * the operands at every level of a chain: without the memo a long chain costs quadratic
 * time (Prometheus's recursive Type() does). Contract: a binary expression's operands are
 * only ever replaced by expressions of the same type (preprocessing wraps them or folds
 * `start()`-like calls into numbers).
 */
const binaryTypes = new WeakMap<BinaryExpr, ValueType>();

/** The operand with parentheses and unary operators (which keep the type) removed. */
function operandCore(e: Expr): Expr {
  while (e.kind === 'ParenExpr' || e.kind === 'UnaryExpr' || e.kind === 'StepInvariantExpr') e = e.expr;
  return e;
}

/**
 * Scalar only if both operands are. Post-order over the binary nodes not typed yet, with a
 * heap stack, for trees of any depth; every node visited is memoised.
 */
function binaryType(root: BinaryExpr): ValueType {
  const known = binaryTypes.get(root);
  if (known !== undefined) return known;
  const todo: BinaryExpr[] = [root];
  while (todo.length > 0) {
    const b = todo[todo.length - 1]!;
    const l = operandCore(b.lhs), r = operandCore(b.rhs);
    let lt: ValueType | undefined, rt: ValueType | undefined;
    if (l.kind === 'BinaryExpr') {
      lt = binaryTypes.get(l);
      if (lt === undefined) todo.push(l);
    } else {
      lt = typeOf(l);
    }
    if (r.kind === 'BinaryExpr') {
      rt = binaryTypes.get(r);
      if (rt === undefined) todo.push(r);
    } else {
      rt = typeOf(r);
    }
    if (lt === undefined || rt === undefined) continue;
    todo.pop();
    binaryTypes.set(b, lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector');
  }
  return binaryTypes.get(root)!;
}

/** "instant vector", "range vector", or the type name, as Prometheus's documentation says. */
export function documentedType(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

/** The node's position in the query, computed as Prometheus does. */
export function positionRange(n: Node): PositionRange {
  switch (n.kind) {
    case 'AggregateExpr': case 'Call': case 'NumberLiteral': case 'ParenExpr':
    case 'StringLiteral': case 'VectorSelector':
      return n.posRange;
    default: return { start: startOf(n), end: endOf(n) };
  }
}

// The start and end of a node follow its leftmost and rightmost descendants; loops, not
// recursion, so that trees of any depth work.

/**
 * Starts of binary expressions, memoised: the evaluator asks for the position of every node
 * of a chain, and each walk down the left spine would otherwise cost the chain's length.
 * Positions never change once a node is built.
 */
const binaryStarts = new WeakMap<BinaryExpr, number>();

function startOf(n: Node): number {
  let pending: BinaryExpr[] | null = null;
  for (;;) {
    let start: number | undefined;
    switch (n.kind) {
      case 'AggregateExpr': case 'Call': case 'NumberLiteral': case 'ParenExpr':
      case 'StringLiteral': case 'VectorSelector':
        start = n.posRange.start;
        break;
      case 'BinaryExpr':
        start = binaryStarts.get(n);
        if (start === undefined) {
          (pending ??= []).push(n);
          n = n.lhs;
          continue;
        }
        break;
      case 'MatrixSelector': start = n.vectorSelector.posRange.start; break;
      case 'SubqueryExpr': case 'StepInvariantExpr': n = n.expr; continue;
      case 'UnaryExpr': start = n.startPos; break;
      case 'DurationExpr':
        if (n.lhs === null || n.rhs === null) {
          start = n.startPos;
          break;
        }
        n = n.lhs;
        continue;
      default: return unreachable(n);
    }
    if (pending !== null) for (const b of pending) binaryStarts.set(b, start);
    return start;
  }
}

function endOf(n: Node): number {
  for (;;) {
    switch (n.kind) {
      case 'AggregateExpr': case 'Call': case 'NumberLiteral': case 'ParenExpr':
      case 'StringLiteral': case 'VectorSelector':
        return n.posRange.end;
      case 'BinaryExpr': n = n.rhs; break;
      case 'MatrixSelector': case 'SubqueryExpr': return n.endPos;
      case 'UnaryExpr': case 'StepInvariantExpr': n = n.expr; break;
      case 'DurationExpr':
        if (n.lhs === null && n.rhs === null) return n.endPos;
        n = n.rhs ?? n.lhs!;
        break;
      default: return unreachable(n);
    }
  }
}

// Factories: one per kind, fields always in the same order.

export function numberLiteral(val: number, start: number, end: number, duration = false): NumberLiteral {
  return { kind: 'NumberLiteral', val, duration, posRange: { start, end } };
}

export function stringLiteral(val: string, start: number, end: number): StringLiteral {
  return { kind: 'StringLiteral', val, posRange: { start, end } };
}

export function vectorSelector(name: string, matchers: Matcher[], start: number, end: number): VectorSelector {
  return {
    kind: 'VectorSelector', name, matchers,
    originalOffset: 0 as Millis, originalOffsetExpr: null, offset: 0 as Millis,
    timestamp: null, startOrEnd: null, anchored: false, smoothed: false,
    bypassEmptyMatcherCheck: false, skipHistogramBuckets: false,
    posRange: { start, end },
  };
}

export function matrixSelector(vs: VectorSelector, range: Millis, rangeExpr: DurationExpr | null, endPos: number): MatrixSelector {
  return { kind: 'MatrixSelector', vectorSelector: vs, range, rangeExpr, endPos };
}

export function subqueryExpr(
  expr: Expr, range: Millis, rangeExpr: DurationExpr | null, step: Millis, stepExpr: DurationExpr | null, endPos: number,
): SubqueryExpr {
  return {
    kind: 'SubqueryExpr', expr, range, rangeExpr,
    originalOffset: 0 as Millis, originalOffsetExpr: null, offset: 0 as Millis,
    timestamp: null, startOrEnd: null, step, stepExpr, endPos,
  };
}

export function parenExpr(expr: Expr, start: number, end: number): ParenExpr {
  return { kind: 'ParenExpr', expr, posRange: { start, end } };
}

export function unaryExpr(op: UnaryOp, expr: Expr, startPos: number): UnaryExpr {
  return { kind: 'UnaryExpr', op, expr, startPos };
}

export function binaryExpr(op: BinaryOp, lhs: Expr, rhs: Expr, vectorMatching: VectorMatching | null, returnBool: boolean): BinaryExpr {
  return { kind: 'BinaryExpr', op, lhs, rhs, vectorMatching, returnBool };
}

export function aggregateExpr(
  op: AggregateOp, expr: Expr, param: Expr | null, grouping: string[], without: boolean, start: number, end: number,
): AggregateExpr {
  return { kind: 'AggregateExpr', op, expr, param, grouping, without, posRange: { start, end } };
}

export function call(func: FunctionDef, args: Expr[], start: number, end: number): Call {
  return { kind: 'Call', func, args, posRange: { start, end } };
}

export function stepInvariantExpr(expr: Expr): StepInvariantExpr {
  return { kind: 'StepInvariantExpr', expr };
}

export function durationExpr(
  op: DurationOp, lhs: DurationNode | null, rhs: DurationNode | null, startPos = 0, endPos = 0, wrapped = false,
): DurationExpr {
  return { kind: 'DurationExpr', op, lhs, rhs, wrapped, startPos, endPos };
}
