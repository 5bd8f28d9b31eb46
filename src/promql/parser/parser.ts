/**
 * Recursive-descent PromQL parser with precedence climbing. It accepts exactly the
 * language of Prometheus 3.14 and reports the same first error (text and position).
 *
 * Structure: `parseExpr` climbs binary operator precedence; operands are unary expressions
 * or primaries followed by postfix modifiers (`[range]`, `[range:step]`, `offset`, `@`,
 * `anchored`, `smoothed`), which bind tighter than any operator.
 *
 * The functions are generators run on a trampoline (see trampoline.ts): nesting depth is
 * bounded by memory, not by the JavaScript stack, as with Prometheus's parser. Every
 * recursion back into `parseExpr` goes through `sub`.
 */
import {
  aggregateExpr, binaryExpr, call, numberLiteral, parenExpr, positionRange, stringLiteral, unaryExpr,
  type AggregateOp, type Expr, type VectorMatching,
} from './ast.js';
import { FUNCTIONS, type FunctionDef } from './functions.js';
import {
  aggregateHasParam, aggregateOp, binaryOp, binaryPrecedence, canStartExpr, isMetricIdentifier, UNARY_OPERAND_PRECEDENCE,
} from './grammar.js';
import { Abort, CTX, ParserState } from './parser-state.js';
import { parsePostfix } from './parser-modifiers.js';
import { numberDurationLiteral } from './parser-literals.js';
import { parseGroupingLabels, parseVectorSelector, unquoteToken } from './parser-selectors.js';
import { goQuote } from './quote.js';
import { T, type Token } from './token.js';
import { run, sub, type Step } from './trampoline.js';

/** Parses a whole expression; returns the tree (meaningful only if no errors were recorded). */
export function parseTop(p: ParserState): Expr | null {
  try {
    const t = p.peek();
    if (t.type === T.EOF) {
      p.addError(0, 0, 'no expression found in input');
      return null;
    }
    const e = run(parseExpr(p, 1), p.checkDeadline);
    const end = p.peek();
    if (end.type !== T.EOF) throw p.unexpected(end);
    return e;
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
    p.recover();
    return null;
  }
}

/** Binary expressions whose operators bind at least as tightly as `minPrec`. */
function* parseExpr(p: ParserState, minPrec: number): Step<Expr> {
  const depth = p.depth;
  p.deeper();
  try {
    let lhs = yield* parseUnary(p);
    for (;;) {
      const t = p.peek();
      const prec = binaryPrecedence(t.type);
      if (prec === 0 || prec < minPrec) return lhs;
      p.next();
      // Each operator of a left-associative chain puts the chain one level deeper.
      p.deeper();
      lhs = yield* parseBinaryRhs(p, t, prec, lhs);
    }
  } finally {
    p.depth = depth;
  }
}

/** The right operand of operator `t` (already consumed) and the binary expression it closes. */
function* parseBinaryRhs(p: ParserState, t: Token, prec: number, lhs: Expr): Step<Expr> {
  const mods = parseBinModifiers(p);
  const rhs = yield* sub(parseExpr(p, t.type === T.POW ? prec : prec + 1));
  const node = binaryExpr(binaryOp(t.type), lhs, rhs, mods.matching, mods.returnBool);
  if (!p.binopFillModifiers && (mods.matching.fillLHS !== null || mods.matching.fillRHS !== null)) {
    const r = positionRange(node);
    p.addError(r.start, r.end, 'binop fill modifiers are experimental and not enabled');
  }
  return node;
}

function* parseUnary(p: ParserState): Step<Expr> {
  const t = p.peek();
  if (t.type !== T.ADD && t.type !== T.SUB) return parsePostfix(p, yield* parsePrimary(p));
  p.next();
  const operand = yield* sub(parseExpr(p, UNARY_OPERAND_PRECEDENCE));
  // A signed number literal is folded into the literal.
  if (operand.kind === 'NumberLiteral') {
    if (t.type === T.SUB) operand.val = -operand.val;
    operand.posRange.start = t.pos;
    return operand;
  }
  return unaryExpr(t.type === T.SUB ? '-' : '+', operand, t.pos);
}

function* parsePrimary(p: ParserState): Step<Expr> {
  const t = p.peek();
  switch (t.type) {
    case T.NUMBER: case T.DURATION:
      p.next();
      return numberDurationLiteral(p, t);
    case T.STRING:
      p.next();
      return stringLiteral(unquoteToken(p, t), t.pos, t.pos + t.val.length);
    case T.LEFT_PAREN: {
      p.next();
      const e = yield* sub(parseExpr(p, 1));
      const rp = p.expect(T.RIGHT_PAREN);
      return parenExpr(e, t.pos, rp.pos + 1);
    }
    case T.LEFT_BRACE:
      return parseVectorSelector(p, null);
    case T.IDENTIFIER:
      p.next();
      if (p.peek().type === T.LEFT_PAREN) return yield* parseCall(p, t);
      return parseVectorSelector(p, t);
    case T.START: case T.END: case T.STEP: case T.RANGE: case T.MAX_OF: case T.MIN_OF:
      p.next();
      if (p.peek().type === T.LEFT_PAREN) return yield* parseCall(p, t);
      return parseVectorSelector(p, t);
    default: {
      const agg = aggregateOp(t.type);
      if (agg !== undefined) {
        p.next();
        const n = p.peek().type;
        if (n === T.LEFT_PAREN || n === T.BY || n === T.WITHOUT) return yield* parseAggregate(p, t, agg);
        return parseVectorSelector(p, t);
      }
      if (isMetricIdentifier(t.type)) {
        p.next();
        return parseVectorSelector(p, t);
      }
      throw p.unexpected(t);
    }
  }
}

/** `( args )` of a call or aggregation; a trailing comma is reported but tolerated. */
function* parseCallBody(p: ParserState): Step<Expr[]> {
  p.expect(T.LEFT_PAREN);
  const args: Expr[] = [];
  if (p.peek().type === T.RIGHT_PAREN) { p.next(); return args; }
  args.push(yield* sub(parseExpr(p, 1)));
  for (;;) {
    const t = p.peek();
    if (t.type === T.RIGHT_PAREN) { p.next(); return args; }
    if (t.type !== T.COMMA) throw p.unexpected(t);
    p.next();
    if (canStartExpr(p.peek().type)) {
      args.push(yield* sub(parseExpr(p, 1)));
    } else {
      p.addError(t.pos, t.pos + 1, 'trailing commas not allowed in function call args');
    }
  }
}

function* parseCall(p: ParserState, nameTok: Token): Step<Expr> {
  const args = yield* parseCallBody(p);
  const name = nameTok.val;
  const end = p.lastClosing;
  const nameEnd = nameTok.pos + name.length;
  const fn = (p.functions ?? FUNCTIONS).get(name);
  if (fn === undefined) p.addError(nameTok.pos, nameEnd, `unknown function with name ${goQuote(name)}`);
  else if (fn.experimental && !p.experimentalFunctions) p.addError(nameTok.pos, nameEnd, `function ${goQuote(name)} is not enabled`);
  return call(fn ?? unknownFunction(name), args, nameTok.pos, end);
}

function unknownFunction(name: string): FunctionDef {
  return { name, argTypes: [], variadic: 0, returnType: 'none', experimental: false };
}

function* parseAggregate(p: ParserState, opTok: Token, op: AggregateOp): Step<Expr> {
  p.push({ ...CTX.aggregation, aggregateStart: opTok.pos });
  let grouping: string[] = [];
  let without = false;
  let args: Expr[];
  let end: number;
  let t = p.peek();
  if (t.type === T.BY || t.type === T.WITHOUT) {
    p.next();
    without = t.type === T.WITHOUT;
    grouping = parseGroupingLabels(p);
    args = yield* parseCallBody(p);
    end = p.lastClosing;
  } else {
    args = yield* parseCallBody(p);
    end = p.lastClosing;
    t = p.peek();
    if (t.type === T.BY || t.type === T.WITHOUT) {
      p.next();
      without = t.type === T.WITHOUT;
      grouping = parseGroupingLabels(p);
      end = p.lastClosing;
    } else {
      // Reading the next token may have moved lastClosing past a ')' that closes an outer group.
      end = p.prevRightParen(p.lastClosing);
    }
  }
  p.pop();
  return newAggregate(p, opTok, op, grouping, without, args, end);
}

function newAggregate(p: ParserState, opTok: Token, op: AggregateOp, grouping: string[], without: boolean, args: Expr[], end: number): Expr {
  const start = opTok.pos;
  const placeholder = numberLiteral(0, start, end);
  if (args.length === 0) {
    p.addError(start, end, 'no arguments for aggregate expression provided');
    return aggregateExpr(op, placeholder, null, grouping, without, start, end);
  }
  let desired = 1;
  let param: Expr | null = null;
  if (aggregateHasParam(op)) {
    if (!p.experimentalFunctions && (op === 'limitk' || op === 'limit_ratio')) {
      p.addError(start, end, `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`);
      return aggregateExpr(op, placeholder, null, grouping, without, start, end);
    }
    desired = 2;
    param = args[0]!;
  }
  if (args.length !== desired) {
    p.addError(start, end, `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`);
    return aggregateExpr(op, placeholder, param, grouping, without, start, end);
  }
  return aggregateExpr(op, args[desired - 1]!, param, grouping, without, start, end);
}

interface BinModifiers {
  matching: VectorMatching;
  returnBool: boolean;
}

/** `bool`, `on (...)`/`ignoring (...)`, `group_left/right [(...)]`, `fill*(v)` after an operator. */
function parseBinModifiers(p: ParserState): BinModifiers {
  const matching: VectorMatching = {
    card: 'one-to-one', matchingLabels: [], on: false, include: [], fillLHS: null, fillRHS: null,
  };
  let returnBool = false;
  let t = p.peek();
  if (t.type === T.BOOL) { p.next(); returnBool = true; t = p.peek(); }
  if (t.type === T.ON || t.type === T.IGNORING) {
    p.next();
    matching.on = t.type === T.ON;
    matching.matchingLabels = parseGroupingLabels(p);
    t = p.peek();
    if (t.type === T.GROUP_LEFT || t.type === T.GROUP_RIGHT) {
      p.next();
      matching.card = t.type === T.GROUP_LEFT ? 'many-to-one' : 'one-to-many';
      const n = p.peek();
      if (n.type === T.LEFT_PAREN) {
        matching.include = parseGroupingLabels(p);
      } else if (!canStartExpr(n.type)) {
        // Only an expression (or a fill modifier) may follow an omitted label list.
        p.push(CTX.groupingOpen);
        throw p.unexpected(n);
      }
      t = p.peek();
    }
  }
  if (t.type === T.FILL) {
    p.next();
    const v = parseFillValue(p);
    matching.fillLHS = v;
    matching.fillRHS = v;
  } else if (t.type === T.FILL_LEFT || t.type === T.FILL_RIGHT) {
    p.next();
    const first = parseFillValue(p);
    if (t.type === T.FILL_LEFT) matching.fillLHS = first; else matching.fillRHS = first;
    const other = t.type === T.FILL_LEFT ? T.FILL_RIGHT : T.FILL_LEFT;
    if (p.peek().type === other) {
      p.next();
      const second = parseFillValue(p);
      if (other === T.FILL_LEFT) matching.fillLHS = second; else matching.fillRHS = second;
    }
  }
  return { matching, returnBool };
}

/** `( [+-] number )` */
function parseFillValue(p: ParserState): number {
  p.expect(T.LEFT_PAREN);
  let t = p.peek();
  let neg = false;
  if (t.type === T.ADD || t.type === T.SUB) { p.next(); neg = t.type === T.SUB; t = p.peek(); }
  if (t.type !== T.NUMBER && t.type !== T.DURATION) throw p.unexpected(t);
  p.next();
  const v = numberDurationLiteral(p, t).val;
  p.expect(T.RIGHT_PAREN);
  return neg ? -v : v;
}
