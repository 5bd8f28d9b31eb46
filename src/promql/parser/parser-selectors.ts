/**
 * Vector selectors (`name{label="value", ...}`), label matchers and grouping label lists.
 */
import { Matcher, METRIC_NAME, type MatchType } from '../../model/index.js';
import { vectorSelector, type VectorSelector } from './ast.js';
import { isLabelToken } from './grammar.js';
import { CTX, type ParserState } from './parser-state.js';
import { goQuote, isValidUtf8, unquote, UnquoteError } from './quote.js';
import { T, type Token } from './token.js';

/** The value of a STRING token; an invalid literal is reported and yields ''. */
export function unquoteToken(p: ParserState, t: Token): string {
  try {
    return unquote(t.val);
  } catch (e) {
    if (!(e instanceof UnquoteError)) throw e;
    p.addError(t.pos, t.pos + t.val.length, `error unquoting string ${goQuote(t.val)}: ${e.message}`);
    return '';
  }
}

/**
 * A vector selector after its (already consumed) name token, or starting at `{` when
 * `nameTok` is null. A name before the braces becomes the last matcher.
 */
export function parseVectorSelector(p: ParserState, nameTok: Token | null): VectorSelector {
  let vs: VectorSelector;
  if (p.peek().type === T.LEFT_BRACE) {
    vs = parseLabelMatchers(p);
    if (nameTok !== null) {
      vs.posRange.start = nameTok.pos;
      vs.name = nameTok.val;
    }
  } else {
    // Only reachable with a name: a bare '{' is the only other way in.
    const t = nameTok!;
    vs = vectorSelector(t.val, [], t.pos, t.pos + t.val.length);
  }
  if (vs.name !== '') vs.matchers.push(new Matcher('=', METRIC_NAME, vs.name));
  return vs;
}

function matchType(t: Token): MatchType | null {
  switch (t.type) {
    case T.EQL: return '=';
    case T.NEQ: return '!=';
    case T.EQL_REGEX: return '=~';
    case T.NEQ_REGEX: return '!~';
    default: return null;
  }
}

/** `{ matcher, ... }` with an optional trailing comma. */
function parseLabelMatchers(p: ParserState): VectorSelector {
  const lb = p.next();
  const matchers: Matcher[] = [];
  let t = p.peek();
  if (t.type !== T.RIGHT_BRACE) {
    for (;;) {
      p.push(CTX.matcherStart);
      parseLabelMatcher(p, matchers);
      p.pop();
      t = p.peek();
      if (t.type === T.RIGHT_BRACE) break;
      if (t.type !== T.COMMA) {
        p.push(CTX.matcherList);
        throw p.unexpected(t);
      }
      p.next();
      t = p.peek();
      if (t.type === T.RIGHT_BRACE) break;
    }
  }
  p.next();
  return vectorSelector('', matchers, lb.pos, t.pos + 1);
}

function parseLabelMatcher(p: ParserState, out: Matcher[]): void {
  const label = p.peek();
  if (label.type !== T.IDENTIFIER && label.type !== T.STRING) throw p.unexpected(label);
  p.next();
  const name = label.type === T.STRING ? unquoteToken(p, label) : label.val;
  const opTok = p.peek();
  const op = matchType(opTok);
  if (op === null) {
    // A lone quoted name is the metric name: {"my.metric"}.
    if (label.type === T.STRING) { out.push(new Matcher('=', METRIC_NAME, name)); return; }
    p.push(CTX.matcherOp);
    throw p.unexpected(opTok);
  }
  p.next();
  const value = p.peek();
  if (value.type !== T.STRING) {
    p.push(CTX.matcherValue);
    throw p.unexpected(value);
  }
  p.next();
  const v = unquoteToken(p, value);
  try {
    out.push(op === '=~' || op === '!~' ? regexMatcher(op, name, v) : new Matcher(op, name, v));
  } catch (e) {
    p.addError(label.pos, value.pos + value.val.length, e instanceof Error ? e.message : String(e));
  }
}

/** `( label, ... )` after by/without/on/ignoring/group_left/group_right. */
export function parseGroupingLabels(p: ParserState): string[] {
  p.push(CTX.groupingOpen);
  const lp = p.peek();
  if (lp.type !== T.LEFT_PAREN) throw p.unexpected(lp);
  p.next();
  p.pop();
  const labels: string[] = [];
  if (p.peek().type === T.RIGHT_PAREN) { p.next(); return labels; }
  for (;;) {
    labels.push(parseGroupingLabel(p));
    const t = p.peek();
    if (t.type === T.RIGHT_PAREN) { p.next(); return labels; }
    if (t.type !== T.COMMA) {
      p.push(CTX.groupingList);
      throw p.unexpected(t);
    }
    p.next();
    if (p.peek().type === T.RIGHT_PAREN) { p.next(); return labels; }
  }
}

function parseGroupingLabel(p: ParserState): string {
  const t = p.peek();
  if (t.type === T.STRING) {
    p.next();
    const name = unquoteToken(p, t);
    if (name === '' || !isValidUtf8(name)) {
      p.addError(t.pos, t.pos + t.val.length, `invalid label name for grouping: ${goQuote(name)}`);
    }
    return name;
  }
  if (!isLabelToken(t.type)) {
    p.push(CTX.groupingLabel);
    throw p.unexpected(t);
  }
  p.next();
  return t.val;
}

/**
 * Regex matchers made before, by type, name and pattern. Compiling a pattern costs 50-100 µs
 * (more before the JIT has warmed up), often more than the rest of a small query, and
 * dashboards send the same few patterns again and again. Matchers are immutable, so queries
 * share them. Bounded: emptied when full.
 */
const regexMatchers = new Map<string, Matcher>();
const MAX_REGEX_MATCHERS = 1024;

function regexMatcher(op: '=~' | '!~', name: string, value: string): Matcher {
  // The name's length keeps the key unambiguous whatever characters name and value hold.
  const key = op + String(name.length) + ':' + name + value;
  let m = regexMatchers.get(key);
  if (m === undefined) {
    m = new Matcher(op, name, value);
    if (regexMatchers.size >= MAX_REGEX_MATCHERS) regexMatchers.clear();
    regexMatchers.set(key, m);
  }
  return m;
}
