/**
 * Ranges, subqueries and durations: `[range]`, `[range:step]`, the duration after
 * `offset`, and duration arithmetic (`[5m * 2]`, `offset (step() + 1s)`).
 */
import {
  durationExpr, matrixSelector, numberLiteral, positionRange, subqueryExpr, vectorSelector,
  type DurationExpr, type DurationNode, type DurationOp, type Expr, type NumberLiteral, type VectorSelector,
} from './ast.js';
import { secondsToMs } from './duration.js';
import { numberDurationLiteral } from './parser-literals.js';
import { CTX, type ParserState } from './parser-state.js';
import { T, type Token } from './token.js';
import type { Millis } from '../../model/index.js';

// 2^63 nanoseconds in seconds: longer literal durations are rejected, as in Prometheus.
const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;
const outOfRange = (v: number): boolean => v > MAX_DURATION_SECONDS || v < -MAX_DURATION_SECONDS;

const zeroLiteral = (): NumberLiteral => numberLiteral(0, 0, 0);

/** `[range]` (a matrix selector) or `[range:step]` / `[range:]` (a subquery) after `e`. */
export function parseRangeOrSubquery(p: ParserState, e: Expr): Expr {
  const lb = p.next();
  p.push(CTX.rangeStart);
  const range = parsePositiveDuration(p);
  p.pop();
  let t = p.peek();
  if (t.type === T.RIGHT_BRACKET) {
    p.next();
    return newMatrixSelector(p, e, lb, t, range);
  }
  if (t.type !== T.COLON) {
    p.push(CTX.rangeEnd);
    throw p.unexpected(t);
  }
  p.next();
  t = p.peek();
  let step: DurationNode | null = null;
  if (t.type !== T.RIGHT_BRACKET) {
    p.push(CTX.subqueryStep);
    step = parsePositiveDuration(p);
    p.pop();
    t = p.peek();
    if (t.type !== T.RIGHT_BRACKET) {
      p.push(CTX.subqueryEnd);
      throw p.unexpected(t);
    }
  }
  p.next();
  return subqueryExpr(
    e, literalMs(range), range.kind === 'DurationExpr' ? range : null,
    step === null ? 0 as Millis : literalMs(step), step !== null && step.kind === 'DurationExpr' ? step : null,
    t.pos + 1,
  );
}

/** Whole milliseconds of a literal duration in seconds (0 for expressions). */
function literalMs(d: DurationNode): Millis {
  return (d.kind === 'NumberLiteral' ? secondsToMs(d.val) : 0) as Millis;
}

function newMatrixSelector(p: ParserState, e: Expr, lb: Token, rb: Token, range: DurationNode): Expr {
  let msg = '';
  if (e.kind !== 'VectorSelector') msg = 'ranges only allowed for vector selectors';
  else if (p.offsetSet.has(e) || e.originalOffsetExpr !== null) msg = 'no offset modifiers allowed before range';
  else if (e.timestamp !== null || e.startOrEnd !== null) msg = 'no @ modifiers allowed before range';
  if (msg !== '') p.addError(lb.pos, rb.pos + 1, msg);
  let vs: VectorSelector;
  if (e.kind === 'VectorSelector') {
    vs = e;
  } else {
    // Stand-in so that later modifiers can still be checked; the parse has failed already.
    const r = positionRange(e);
    vs = vectorSelector('', [], r.start, r.end);
  }
  const m = matrixSelector(vs, literalMs(range), range.kind === 'DurationExpr' ? range : null, p.lastClosing);
  if (e.kind !== 'VectorSelector') p.invalidMatrix.add(m);
  return m;
}

function parsePositiveDuration(p: ParserState): DurationNode {
  const d = parseDurationExpr(p, 1);
  if (d.kind === 'NumberLiteral' && d.val <= 0) {
    p.addError(d.posRange.start, d.posRange.end, 'duration must be greater than 0');
    return zeroLiteral();
  }
  return d;
}

function durationPrecedence(t: Token): number {
  switch (t.type) {
    case T.ADD: case T.SUB: return 4;
    case T.MUL: case T.DIV: case T.MOD: return 5;
    case T.POW: return 6;
    default: return 0;
  }
}

const DURATION_OPS = new Map<number, DurationOp>([
  [T.ADD, '+'], [T.SUB, '-'], [T.MUL, '*'], [T.DIV, '/'], [T.MOD, '%'], [T.POW, '^'],
  [T.STEP, 'step'], [T.RANGE, 'range'], [T.MIN_OF, 'min_of'], [T.MAX_OF, 'max_of'],
]);

function checkDurationExprEnabled(p: ParserState, d: DurationNode): void {
  if (!p.durationExprEnabled) {
    const r = positionRange(d);
    p.addError(r.start, r.end, 'experimental duration expression is not enabled');
  }
}

/** Duration arithmetic with the usual precedence; `^` is right associative. */
function parseDurationExpr(p: ParserState, minPrec: number): DurationNode {
  return parseDurationRest(p, parseDurationUnary(p), minPrec);
}

function parseDurationRest(p: ParserState, lhs: DurationNode, minPrec: number): DurationNode {
  for (;;) {
    const t = p.peek();
    const prec = durationPrecedence(t);
    if (prec === 0 || prec < minPrec) return lhs;
    p.next();
    const rhs = parseDurationExpr(p, t.type === T.POW ? prec : prec + 1);
    checkDurationExprEnabled(p, lhs);
    if ((t.type === T.DIV || t.type === T.MOD) && rhs.kind === 'NumberLiteral' && rhs.val === 0) {
      p.addError(t.pos, t.pos + 1, t.type === T.DIV ? 'division by zero' : 'modulo by zero');
      lhs = zeroLiteral();
      continue;
    }
    lhs = durationExpr(DURATION_OPS.get(t.type)!, lhs, rhs);
  }
}

function parseDurationUnary(p: ParserState): DurationNode {
  const t = p.peek();
  if (t.type !== T.ADD && t.type !== T.SUB) return parseDurationPrimary(p);
  p.next();
  return applyUnary(p, t, parseDurationExpr(p, 6), false);
}

function parseDurationPrimary(p: ParserState): DurationNode {
  const t = p.peek();
  switch (t.type) {
    case T.NUMBER: case T.DURATION:
      p.next();
      return checkedLiteral(p, t);
    case T.STEP: case T.RANGE: case T.MAX_OF: case T.MIN_OF: {
      const de = parseDurationFunction(p);
      checkDurationExprEnabled(p, de);
      return de;
    }
    case T.LEFT_PAREN: {
      p.next();
      const inner = parseDurationExpr(p, 1);
      const rp = p.expect(T.RIGHT_PAREN);
      checkDurationExprEnabled(p, inner);
      return wrapParen(inner, t.pos, rp.pos + 1);
    }
    default:
      throw p.unexpected(t);
  }
}

/** A literal duration; values that do not fit int64 nanoseconds are reported. */
function checkedLiteral(p: ParserState, t: Token): NumberLiteral {
  const nl = numberDurationLiteral(p, t);
  if (outOfRange(nl.val)) {
    p.addError(nl.posRange.start, nl.posRange.end, 'duration out of range');
    return zeroLiteral();
  }
  return nl;
}

/** `step()`, `range()`, `min_of(a, b)`, `max_of(a, b)`. */
function parseDurationFunction(p: ParserState): DurationExpr {
  const t = p.next();
  const op = DURATION_OPS.get(t.type)!;
  p.expect(T.LEFT_PAREN);
  if (t.type === T.STEP || t.type === T.RANGE) {
    const rp = p.expect(T.RIGHT_PAREN);
    return durationExpr(op, null, null, t.pos, rp.pos + 1);
  }
  const a = parseDurationExpr(p, 1);
  p.expect(T.COMMA);
  const b = parseDurationExpr(p, 1);
  const rp = p.expect(T.RIGHT_PAREN);
  return durationExpr(op, a, b, t.pos, rp.pos + 1);
}

function wrapParen(d: DurationNode, start: number, end: number): DurationNode {
  if (d.kind === 'DurationExpr') {
    d.wrapped = true;
    return d;
  }
  // A parenthesised number is kept as a unary plus so that it prints as `(5)`.
  return durationExpr('+', null, d, start, end, true);
}

function applyUnary(p: ParserState, op: Token, d: DurationNode, wrapped: boolean): DurationNode {
  if (wrapped) {
    const r = positionRange(d);
    d = wrapParen(d, r.start, r.end);
  }
  if (d.kind === 'DurationExpr') {
    return op.type === T.SUB ? durationExpr('-', null, d, op.pos, 0) : d;
  }
  if (op.type === T.SUB) d.val = -d.val;
  if (outOfRange(d.val)) {
    p.addError(op.pos, op.pos + 1, 'duration out of range');
    return zeroLiteral();
  }
  d.posRange.start = op.pos;
  return d;
}

/**
 * The duration after `offset`. Literals and duration functions (optionally signed) end the
 * offset, so `x offset 5m * 2` multiplies the selector; a parenthesised start lets the
 * duration continue with arithmetic: `x offset (5m) * 2` doubles the offset.
 */
export function parseOffsetDuration(p: ParserState): DurationNode {
  const t = p.peek();
  switch (t.type) {
    case T.NUMBER: case T.DURATION:
      p.next();
      return checkedLiteral(p, t);
    case T.STEP: case T.RANGE: case T.MAX_OF: case T.MIN_OF: {
      const de = parseDurationFunction(p);
      checkDurationExprEnabled(p, de);
      return de;
    }
    case T.LEFT_PAREN: {
      p.next();
      const inner = parseDurationExpr(p, 1);
      const rp = p.expect(T.RIGHT_PAREN);
      checkDurationExprEnabled(p, inner);
      return parseDurationRest(p, wrapParen(inner, t.pos, rp.pos + 1), 1);
    }
    case T.ADD: case T.SUB:
      p.next();
      return parseSignedOffsetDuration(p, t);
    default:
      throw p.unexpected(t);
  }
}

function parseSignedOffsetDuration(p: ParserState, sign: Token): DurationNode {
  const t = p.peek();
  const unary: DurationOp = sign.type === T.SUB ? '-' : '+';
  switch (t.type) {
    case T.NUMBER: case T.DURATION: {
      p.next();
      const nl = numberDurationLiteral(p, t);
      if (sign.type === T.SUB) nl.val = -nl.val;
      if (outOfRange(nl.val)) {
        p.addError(sign.pos, sign.pos + 1, 'duration out of range');
        return zeroLiteral();
      }
      nl.posRange.start = sign.pos;
      return nl;
    }
    case T.STEP: case T.RANGE: {
      const inner = parseDurationFunction(p);
      const de = durationExpr(unary, null, inner, sign.pos, 0);
      checkDurationExprEnabled(p, de);
      return de;
    }
    case T.MAX_OF: case T.MIN_OF: {
      const inner = parseDurationFunction(p);
      // Prometheus ends both nodes at the second argument, not at the ')'.
      inner.endPos = positionRange(inner.rhs!).end;
      const de = durationExpr(unary, null, inner, sign.pos, inner.endPos);
      checkDurationExprEnabled(p, de);
      return de;
    }
    case T.LEFT_PAREN: {
      p.next();
      const inner = parseDurationExpr(p, 1);
      p.expect(T.RIGHT_PAREN);
      // Prometheus reads the next token before finishing this form (it affects end positions).
      p.peek();
      return applyUnary(p, sign, inner, true);
    }
    default:
      return parseDurationRest(p, applyUnary(p, sign, parseDurationExpr(p, 6), false), 1);
  }
}
