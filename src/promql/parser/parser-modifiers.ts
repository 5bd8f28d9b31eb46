/**
 * Modifiers after an expression: `[...]` (see parser-durations), `offset d`, `@ t`,
 * `anchored`, `smoothed`. They bind tighter than any operator.
 */
import { positionRange, type DurationNode, type Expr, type StartOrEnd, type SubqueryExpr, type VectorSelector } from './ast.js';
import { goRound, msToSeconds, nsToMs } from './duration.js';
import { formatFloatFixed, parseNumberToken } from './go-number.js';
import { parseOffsetDuration, parseRangeOrSubquery } from './parser-durations.js';
import { durationTokenMs } from './parser-literals.js';
import { CTX, type ParserState } from './parser-state.js';
import { T } from './token.js';
import type { Millis } from '../../model/index.js';

/** Applies the modifiers that follow an expression. */
export function parsePostfix(p: ParserState, e: Expr): Expr {
  for (;;) {
    const t = p.peek();
    switch (t.type) {
      case T.LEFT_BRACKET:
        // A subquery wraps what precedes it: one level deeper (restored by the enclosing parseExpr).
        p.deeper();
        e = parseRangeOrSubquery(p, e);
        break;
      case T.OFFSET: {
        p.next();
        p.push(CTX.offset);
        const d = parseOffsetDuration(p);
        p.pop();
        applyOffset(p, e, d);
        break;
      }
      case T.AT: parseAt(p, e); break;
      case T.ANCHORED: p.next(); setExtended(p, e, 'anchored'); break;
      case T.SMOOTHED: p.next(); setExtended(p, e, 'smoothed'); break;
      default: return e;
    }
  }
}

function offsetTarget(p: ParserState, e: Expr, what: 'offset' | '@'): VectorSelector | SubqueryExpr | null {
  const r = positionRange(e);
  switch (e.kind) {
    case 'VectorSelector': return e;
    case 'SubqueryExpr': return e;
    case 'MatrixSelector':
      if (p.invalidMatrix.has(e)) {
        p.addError(r.start, r.end, 'ranges only allowed for vector selectors');
        return null;
      }
      return e.vectorSelector;
    default:
      p.addError(r.start, r.end, what === 'offset'
        ? 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'
        : '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery');
      return null;
  }
}

/** Moves the end of the node that carries a modifier to the last closing token. */
function extendEnd(p: ParserState, e: Expr): void {
  if (e.kind === 'VectorSelector') e.posRange.end = p.lastClosing;
  else if (e.kind === 'MatrixSelector' || e.kind === 'SubqueryExpr') e.endPos = p.lastClosing;
}

function applyOffset(p: ParserState, e: Expr, d: DurationNode): void {
  const target = offsetTarget(p, e, 'offset');
  if (target === null) return;
  if (p.offsetSet.has(target) || target.originalOffsetExpr !== null) {
    const r = positionRange(e);
    p.addError(r.start, r.end, 'offset may not be set multiple times');
  } else if (d.kind === 'NumberLiteral') {
    const ns = goRound(d.val * 1e9);
    target.originalOffset = nsToMs(ns) as Millis;
    if (ns !== 0) p.offsetSet.add(target);
  } else {
    target.originalOffsetExpr = d;
  }
  extendEnd(p, e);
}

function parseAt(p: ParserState, e: Expr): void {
  p.next();
  p.push(CTX.at);
  const t = p.peek();
  if (t.type === T.START || t.type === T.END) {
    p.next();
    p.expect(T.LEFT_PAREN);
    p.expect(T.RIGHT_PAREN);
    p.pop();
    setAtModifier(p, e, null, t.type === T.START ? 'start' : 'end');
    return;
  }
  const ts = parseSignedNumber(p);
  p.pop();
  if (!Number.isFinite(ts) || ts >= 2 ** 63 || ts <= -(2 ** 63)) {
    const r = positionRange(e);
    p.addError(r.start, r.end, `timestamp out of bounds for @ modifier: ${formatFloatFixed(ts, 6)}`);
  }
  setAtModifier(p, e, ts, null);
}

/** `[+-] number|duration` as float seconds. */
function parseSignedNumber(p: ParserState): number {
  let t = p.peek();
  let neg = false;
  if (t.type === T.ADD || t.type === T.SUB) {
    p.next();
    neg = t.type === T.SUB;
    t = p.peek();
  }
  if (t.type !== T.NUMBER && t.type !== T.DURATION) throw p.unexpected(t);
  p.next();
  let v: number;
  if (t.type === T.NUMBER) {
    const { value, err } = parseNumberToken(t.val);
    if (err !== null) p.addError(t.pos, t.pos + t.val.length, `error parsing number: ${err}`);
    v = value;
  } else {
    v = msToSeconds(durationTokenMs(p, t));
  }
  return neg ? -v : v;
}

function setAtModifier(p: ParserState, e: Expr, ts: number | null, startOrEnd: StartOrEnd | null): void {
  const target = offsetTarget(p, e, '@');
  if (target === null) return;
  if (target.timestamp !== null || target.startOrEnd !== null) {
    const r = positionRange(e);
    p.addError(r.start, r.end, '@ <timestamp> may not be set multiple times');
    return;
  }
  if (ts !== null) target.timestamp = goRound(ts * 1000) as Millis;
  else target.startOrEnd = startOrEnd;
  extendEnd(p, e);
}

function setExtended(p: ParserState, e: Expr, which: 'anchored' | 'smoothed'): void {
  const r = positionRange(e);
  if (!p.extendedRangeSelectors) {
    p.addError(r.start, r.end, `${which} modifier is experimental and not enabled`);
    return;
  }
  let vs: VectorSelector;
  switch (e.kind) {
    case 'VectorSelector': vs = e; break;
    case 'MatrixSelector':
      if (p.invalidMatrix.has(e)) return;
      vs = e.vectorSelector;
      break;
    case 'SubqueryExpr':
      p.addError(r.start, r.end, `${which} modifier is not supported for subqueries`);
      return;
    default:
      p.addError(r.start, r.end, `${which} modifier not implemented`);
      return;
  }
  vs[which] = true;
  if (vs.anchored && vs.smoothed) p.addError(r.start, r.end, 'anchored and smoothed modifiers cannot be used together');
}
