/**
 * Entry points: parse a PromQL expression (with type checking) or a metric selector.
 */
import type { Matcher } from '../../model/index.js';
import type { DurationNode, Expr, VectorSelector } from './ast.js';
import { Checker } from './check.js';
import { ByteOffsets, ParseErr, ParseErrors } from './errors.js';
import { parseTop } from './parser.js';
import { parseVectorSelector } from './parser-selectors.js';
import { Abort, ParserState, type ParseOptions, type RawError } from './parser-state.js';
import { T } from './token.js';
import { walk } from './walk.js';

export type { ParseOptions } from './parser-state.js';

/**
 * Parses and type-checks a PromQL expression. Throws `ParseErrors` (message: the first
 * error, `1:5: parse error: ...`) when Prometheus would reject the query, `ParseTimeout`
 * when `opts.deadline` passes first.
 */
export function parseExpr(input: string, opts: ParseOptions = {}): Expr {
  const p = new ParserState(input, opts);
  let expr: Expr | null;
  try {
    expr = parseTop(p);
  } catch (e) {
    // Nesting deeper than the JS stack allows: reject instead of crashing the caller, as
    // Prometheus turns internal parser failures into "unexpected error".
    if (e instanceof RangeError) throw new ParseErrors([new ParseErr({ start: 0, end: 0 }, 'unexpected error', input)]);
    throw e;
  }
  // Types are only checked when the syntax is valid, as in Prometheus.
  if (p.errors.length === 0 && expr !== null) new Checker(input, p.errors, p.checkDeadline).check(expr);
  const offsets = new ByteOffsets(input);
  if (p.errors.length > 0) throw toParseErrors(input, p.errors, offsets);
  if (!offsets.identity) remapPositions(expr!, offsets);
  return expr!;
}

/**
 * Parses a metric selector such as `up{job="a"}` or `{"my.metric"}` into its matchers, as
 * Prometheus's `ParseMetricSelector` does: no type checks, so `{}` is accepted. A name
 * written before the braces is the last matcher.
 */
export function parseMetricSelectorMatchers(input: string, opts: ParseOptions = {}): Matcher[] {
  const p = new ParserState(input, opts);
  let vs: VectorSelector | null = null;
  try {
    vs = parseSelectorTop(p);
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
  }
  if (p.errors.length > 0 || vs === null) throw toParseErrors(input, p.errors, new ByteOffsets(input));
  return vs.matchers;
}

function parseSelectorTop(p: ParserState): VectorSelector {
  const t = p.peek();
  let vs: VectorSelector;
  if (t.type === T.LEFT_BRACE) {
    vs = parseVectorSelector(p, null);
  } else {
    if (!isSelectorName(t.type)) throw p.unexpected(t);
    p.next();
    vs = parseVectorSelector(p, t);
  }
  const end = p.peek();
  if (end.type !== T.EOF) throw p.unexpected(end);
  return vs;
}

function isSelectorName(t: number): boolean {
  return t === T.IDENTIFIER || t === T.METRIC_IDENTIFIER || (t >= T.AVG && t <= T.LIMIT_RATIO) ||
    t === T.BY || t === T.FILL || t === T.FILL_LEFT || t === T.FILL_RIGHT || t === T.LAND || t === T.LOR ||
    t === T.LUNLESS || t === T.OFFSET || t === T.WITHOUT || t === T.START || t === T.END || t === T.STEP ||
    t === T.RANGE || t === T.ANCHORED || t === T.SMOOTHED || t === T.MAX_OF || t === T.MIN_OF;
}

function toParseErrors(input: string, raw: readonly RawError[], offsets: ByteOffsets): ParseErrors {
  return new ParseErrors(raw.map((e) => new ParseErr({ start: offsets.at(e.start), end: offsets.at(e.end) }, e.msg, input)));
}

/** Converts the UTF-16 positions used while parsing into UTF-8 byte offsets. */
function remapPositions(root: Expr, o: ByteOffsets): void {
  const durations = (d: DurationNode | null): void => {
    if (d === null) return;
    if (d.kind === 'NumberLiteral') {
      d.posRange = { start: o.at(d.posRange.start), end: o.at(d.posRange.end) };
      return;
    }
    d.startPos = o.at(d.startPos);
    d.endPos = o.at(d.endPos);
    durations(d.lhs);
    durations(d.rhs);
  };
  walk(root, (n) => {
    switch (n.kind) {
      case 'AggregateExpr': case 'Call': case 'NumberLiteral': case 'ParenExpr': case 'StringLiteral':
        n.posRange = { start: o.at(n.posRange.start), end: o.at(n.posRange.end) };
        break;
      case 'VectorSelector':
        n.posRange = { start: o.at(n.posRange.start), end: o.at(n.posRange.end) };
        durations(n.originalOffsetExpr);
        break;
      case 'MatrixSelector':
        n.endPos = o.at(n.endPos);
        durations(n.rangeExpr);
        break;
      case 'SubqueryExpr':
        n.endPos = o.at(n.endPos);
        durations(n.rangeExpr);
        durations(n.stepExpr);
        durations(n.originalOffsetExpr);
        break;
      case 'UnaryExpr':
        n.startPos = o.at(n.startPos);
        break;
      case 'BinaryExpr': case 'StepInvariantExpr':
        break;
    }
  });
}
