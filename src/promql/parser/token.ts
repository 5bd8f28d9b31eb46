/**
 * PromQL token kinds and their descriptions as used in error messages.
 *
 * The numbering groups operators, aggregators and keywords into contiguous ranges so
 * that class checks are two comparisons, mirroring how Prometheus classifies its items.
 */

export const T = {
  EOF: 0,
  ERROR: 1,
  COMMENT: 2,
  IDENTIFIER: 3,
  METRIC_IDENTIFIER: 4,
  NUMBER: 5,
  DURATION: 6,
  STRING: 7,
  LEFT_PAREN: 8,
  RIGHT_PAREN: 9,
  LEFT_BRACE: 10,
  RIGHT_BRACE: 11,
  LEFT_BRACKET: 12,
  RIGHT_BRACKET: 13,
  COMMA: 14,
  EQL: 15,
  COLON: 16,

  // Operators (OPERATORS_START < t < OPERATORS_END).
  ADD: 20,
  DIV: 21,
  EQLC: 22,
  EQL_REGEX: 23,
  GTE: 24,
  GTR: 25,
  TRIM_UPPER: 26,
  TRIM_LOWER: 27,
  LAND: 28,
  LOR: 29,
  LSS: 30,
  LTE: 31,
  LUNLESS: 32,
  MOD: 33,
  MUL: 34,
  NEQ: 35,
  NEQ_REGEX: 36,
  POW: 37,
  SUB: 38,
  AT: 39,
  ATAN2: 40,

  // Aggregators.
  AVG: 50,
  BOTTOMK: 51,
  COUNT: 52,
  COUNT_VALUES: 53,
  GROUP: 54,
  MAX: 55,
  MIN: 56,
  QUANTILE: 57,
  STDDEV: 58,
  STDVAR: 59,
  SUM: 60,
  TOPK: 61,
  LIMITK: 62,
  LIMIT_RATIO: 63,

  // Keywords.
  BOOL: 70,
  BY: 71,
  GROUP_LEFT: 72,
  GROUP_RIGHT: 73,
  FILL: 74,
  FILL_LEFT: 75,
  FILL_RIGHT: 76,
  IGNORING: 77,
  OFFSET: 78,
  SMOOTHED: 79,
  ANCHORED: 80,
  ON: 81,
  WITHOUT: 82,

  // Preprocessors (`@ start()`, duration functions).
  START: 90,
  END: 91,
  STEP: 92,
  RANGE: 93,
  MAX_OF: 94,
  MIN_OF: 95,
} as const;

export type TokenType = (typeof T)[keyof typeof T];

const OPERATORS_START = 19;
const OPERATORS_END = 41;
const AGGREGATORS_START = 49;
const AGGREGATORS_END = 64;
const KEYWORDS_START = 69;
const KEYWORDS_END = 83;

export const isOperator = (t: TokenType): boolean => t > OPERATORS_START && t < OPERATORS_END;
export const isAggregator = (t: TokenType): boolean => t > AGGREGATORS_START && t < AGGREGATORS_END;
export const isKeyword = (t: TokenType): boolean => t > KEYWORDS_START && t < KEYWORDS_END;

/** A lexed token. `pos` is a UTF-16 index into the input while parsing. */
export interface Token {
  readonly type: TokenType;
  readonly pos: number;
  readonly val: string;
}

/** Words the lexer turns into keyword tokens (matched case-insensitively). */
export const KEYWORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['and', T.LAND], ['or', T.LOR], ['unless', T.LUNLESS], ['atan2', T.ATAN2],
  ['sum', T.SUM], ['avg', T.AVG], ['count', T.COUNT], ['min', T.MIN], ['max', T.MAX],
  ['group', T.GROUP], ['stddev', T.STDDEV], ['stdvar', T.STDVAR], ['topk', T.TOPK],
  ['bottomk', T.BOTTOMK], ['count_values', T.COUNT_VALUES], ['quantile', T.QUANTILE],
  ['limitk', T.LIMITK], ['limit_ratio', T.LIMIT_RATIO],
  ['offset', T.OFFSET], ['smoothed', T.SMOOTHED], ['anchored', T.ANCHORED], ['by', T.BY],
  ['without', T.WITHOUT], ['on', T.ON], ['ignoring', T.IGNORING], ['group_left', T.GROUP_LEFT],
  ['group_right', T.GROUP_RIGHT], ['fill', T.FILL], ['fill_left', T.FILL_LEFT],
  ['fill_right', T.FILL_RIGHT], ['bool', T.BOOL],
  ['start', T.START], ['end', T.END], ['step', T.STEP], ['range', T.RANGE],
  ['max_of', T.MAX_OF], ['min_of', T.MIN_OF],
  // Special float words lex as numbers.
  ['inf', T.NUMBER], ['nan', T.NUMBER],
]);

/** Canonical text of fixed tokens; also the printed form of operators and aggregators. */
const TYPE_STR = new Map<TokenType, string>([
  [T.LEFT_PAREN, '('], [T.RIGHT_PAREN, ')'], [T.LEFT_BRACE, '{'], [T.RIGHT_BRACE, '}'],
  [T.LEFT_BRACKET, '['], [T.RIGHT_BRACKET, ']'], [T.COMMA, ','], [T.EQL, '='], [T.COLON, ':'],
  [T.SUB, '-'], [T.ADD, '+'], [T.MUL, '*'], [T.MOD, '%'], [T.DIV, '/'], [T.EQLC, '=='],
  [T.NEQ, '!='], [T.LTE, '<='], [T.LSS, '<'], [T.GTE, '>='], [T.GTR, '>'], [T.TRIM_UPPER, '</'],
  [T.TRIM_LOWER, '>/'], [T.EQL_REGEX, '=~'], [T.NEQ_REGEX, '!~'], [T.POW, '^'], [T.AT, '@'],
]);
for (const [word, t] of KEYWORDS) if (t !== T.NUMBER) TYPE_STR.set(t, word);

/** The canonical spelling of a token type (`sum`, `+`, `group_left`), or '' if it has none. */
export function typeString(t: TokenType): string {
  return TYPE_STR.get(t) ?? '';
}

/**
 * Describes a token for "unexpected ..." messages exactly as Prometheus does:
 * `end of input`, `identifier "foo"`, `<op:+>`, `<aggr:sum>`, `<by>`, `"("`, `number "5"`.
 */
export function describeToken(tok: Token, quote: (s: string) => string): string {
  const t = tok.type;
  if (t === T.EOF) return 'end of input';
  const hasTypeStr = TYPE_STR.has(t);
  const shown = tokenString(tok, quote);
  if (hasTypeStr) return shown;
  return `${kindName(t)} ${shown}`;
}

function tokenString(tok: Token, quote: (s: string) => string): string {
  const t = tok.type;
  if (t === T.ERROR) return tok.val;
  if (t === T.IDENTIFIER || t === T.METRIC_IDENTIFIER) return quote(tok.val);
  if (isKeyword(t)) return `<${tok.val}>`;
  if (isOperator(t)) return `<op:${tok.val}>`;
  if (isAggregator(t)) return `<aggr:${tok.val}>`;
  // Long values are cut to ten characters before quoting, as Go's `%.10q` does.
  const chars = Array.from(tok.val);
  if (chars.length > 10) return `${quote(chars.slice(0, 10).join(''))}...`;
  return quote(tok.val);
}

function kindName(t: TokenType): string {
  switch (t) {
    case T.ERROR: return 'error';
    case T.EOF: return 'end of input';
    case T.COMMENT: return 'comment';
    case T.IDENTIFIER: return 'identifier';
    case T.METRIC_IDENTIFIER: return 'metric identifier';
    case T.STRING: return 'string';
    case T.NUMBER: return 'number';
    case T.DURATION: return 'duration';
    default: return `"<Item ${t}>"`;
  }
}
