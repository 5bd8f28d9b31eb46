/**
 * The PromQL lexer: a state machine that yields one token per `next()` call, with
 * Prometheus's token boundaries, modes (inside braces, inside brackets) and error texts.
 *
 * Contract: positions are UTF-16 indices into the input. After an ERROR token the caller
 * must stop (the parser treats it as the end of input, as Prometheus does). A lone
 * surrogate in the input is read as U+FFFD, which is how an invalid UTF-8 byte looks to
 * Prometheus's lexer.
 */
import { goQuoteRune, goUnicodeSharp } from './quote.js';
import { KEYWORDS, T, type Token, type TokenType } from './token.js';

const EOF = -1;

const enum S {
  Done,
  Statements,
  InsideBraces,
  LineComment,
  Space,
  String,
  Escape,
  RawString,
  NumberOrDuration,
  KeywordOrIdentifier,
  Identifier,
  DurationExpr,
}

const isSpace = (r: number): boolean => r === 0x20 || r === 0x09 || r === 0x0a || r === 0x0d;
const isDigit = (r: number): boolean => r >= 0x30 && r <= 0x39;
const isAlpha = (r: number): boolean => r === 0x5f || (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a);
const isAlphaNumeric = (r: number): boolean => isAlpha(r) || isDigit(r);
const isEndOfLine = (r: number): boolean => r === 0x0d || r === 0x0a;
const lowerAscii = (r: number): number => (r >= 0x41 && r <= 0x5a ? r + 32 : r);

const DURATION_KEYWORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['step', T.STEP], ['range', T.RANGE], ['max_of', T.MAX_OF], ['min_of', T.MIN_OF],
]);
// First letters of the duration keywords: s, r, m.
const isDurationKeywordStart = (r: number): boolean => {
  const l = lowerAscii(r);
  return l === 0x73 || l === 0x72 || l === 0x6d;
};

const DEC_DIGITS = '0123456789';
const HEX_DIGITS = '0123456789abcdefABCDEF';

export class Lexer {
  readonly input: string;
  /** Current position, start of the pending token, width of the last rune read. */
  pos = 0;
  start = 0;
  #width = 0;
  #state: S = S.Statements;
  #item: Token | null = null;

  #parenDepth = 0;
  #braceOpen = false;
  #bracketOpen = false;
  #gotColon = false;
  #gotDuration = false;
  #stringOpen = 0;

  constructor(input: string) {
    this.input = input;
  }

  /** Returns the next token; after the end it keeps returning EOF. */
  nextToken(): Token {
    this.#item = null;
    if (this.#state === S.Done) {
      this.#emit(T.EOF);
    } else {
      while (this.#item === null) this.#state = this.#step(this.#state);
    }
    return this.#item!;
  }

  #next(): number {
    const s = this.input;
    if (this.pos >= s.length) { this.#width = 0; return EOF; }
    const c = s.charCodeAt(this.pos);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(this.pos + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        this.#width = 2;
        this.pos += 2;
        return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
      }
      this.#width = 1; this.pos++;
      return 0xfffd;
    }
    this.#width = 1;
    this.pos++;
    return c >= 0xdc00 && c <= 0xdfff ? 0xfffd : c;
  }

  #peek(): number {
    const r = this.#next();
    this.#backup();
    return r;
  }

  #backup(): void {
    this.pos -= this.#width;
  }

  #emit(type: TokenType): void {
    this.#item = { type, pos: this.start, val: this.input.slice(this.start, this.pos) };
    this.start = this.pos;
  }

  #ignore(): void {
    this.start = this.pos;
  }

  #accept(valid: string): boolean {
    if (inSet(valid, this.#next())) return true;
    this.#backup();
    return false;
  }

  #is(valid: string): boolean {
    return inSet(valid, this.#peek());
  }

  #acceptRun(valid: string): void {
    while (this.#accept(valid)) { /* consume */ }
  }

  /** Replaces any pending token with an error token starting at the pending token's start. */
  #errorf(msg: string): S {
    this.#item = { type: T.ERROR, pos: this.start, val: msg };
    return S.Done;
  }

  #step(state: S): S {
    switch (state) {
      case S.Done: this.#emit(T.EOF); return S.Done;
      case S.Statements: return this.#lexStatements();
      case S.InsideBraces: return this.#lexInsideBraces();
      case S.LineComment: return this.#lexLineComment();
      case S.Space: return this.#lexSpace();
      case S.String: return this.#lexString();
      case S.Escape: return this.#lexEscape();
      case S.RawString: return this.#lexRawString();
      case S.NumberOrDuration: return this.#lexNumberOrDuration();
      case S.KeywordOrIdentifier: return this.#lexKeywordOrIdentifier();
      case S.Identifier: return this.#lexIdentifier();
      case S.DurationExpr: return this.#lexDurationExpr();
    }
  }

  #lexStatements(): S {
    if (this.#braceOpen) return S.InsideBraces;
    if (this.input.startsWith('#', this.pos)) return S.LineComment;
    const r = this.#next();
    switch (r) {
      case EOF:
        if (this.#parenDepth !== 0) return this.#errorf('unclosed left parenthesis');
        if (this.#bracketOpen) return this.#errorf('unclosed left bracket');
        this.#emit(T.EOF);
        return S.Done;
      case 0x2c: this.#emit(T.COMMA); break;
      case 0x2a: this.#emit(T.MUL); break;
      case 0x2f: this.#emit(T.DIV); break;
      case 0x25: this.#emit(T.MOD); break;
      case 0x2b: this.#emit(T.ADD); break;
      case 0x2d: this.#emit(T.SUB); break;
      case 0x5e: this.#emit(T.POW); break;
      case 0x3d: { // =
        const t = this.#peek();
        if (t === 0x3d) { this.#next(); this.#emit(T.EQLC); } else if (t === 0x7e) {
          return this.#errorf(`unexpected character after '=': ${goQuoteRune(t)}`);
        } else this.#emit(T.EQL);
        break;
      }
      case 0x21: { // !
        const t = this.#next();
        if (t !== 0x3d) return this.#errorf(`unexpected character after '!': ${goQuoteRune(t)}`);
        this.#emit(T.NEQ);
        break;
      }
      case 0x3c: { // <
        const t = this.#peek();
        if (t === 0x3d) { this.#next(); this.#emit(T.LTE); } else if (t === 0x2f) { this.#next(); this.#emit(T.TRIM_UPPER); } else this.#emit(T.LSS);
        break;
      }
      case 0x3e: { // >
        const t = this.#peek();
        if (t === 0x3d) { this.#next(); this.#emit(T.GTE); } else if (t === 0x2f) { this.#next(); this.#emit(T.TRIM_LOWER); } else this.#emit(T.GTR);
        break;
      }
      case 0x22: case 0x27: this.#stringOpen = r; return S.String;
      case 0x60: this.#stringOpen = r; return S.RawString;
      case 0x28: this.#emit(T.LEFT_PAREN); this.#parenDepth++; return S.Statements;
      case 0x29:
        this.#emit(T.RIGHT_PAREN);
        this.#parenDepth--;
        if (this.#parenDepth < 0) return this.#errorf(`unexpected right parenthesis ${goQuoteRune(r)}`);
        return S.Statements;
      case 0x7b: this.#emit(T.LEFT_BRACE); this.#braceOpen = true; return S.InsideBraces;
      case 0x5b: // [
        if (this.#bracketOpen) return this.#errorf(`unexpected left bracket ${goQuoteRune(r)}`);
        this.#gotColon = false;
        this.#emit(T.LEFT_BRACKET);
        if (isSpace(this.#peek())) this.#skipSpaces();
        this.#bracketOpen = true;
        return S.DurationExpr;
      case 0x5d: // ]
        if (!this.#bracketOpen) return this.#errorf(`unexpected right bracket ${goQuoteRune(r)}`);
        this.#emit(T.RIGHT_BRACKET);
        this.#bracketOpen = false;
        break;
      case 0x40: this.#emit(T.AT); break;
      default:
        if (isSpace(r)) return S.Space;
        if (isDigit(r) || (r === 0x2e && isDigit(this.#peek()))) { this.#backup(); return S.NumberOrDuration; }
        if (isAlpha(r) || r === 0x3a) {
          if (!this.#bracketOpen) { this.#backup(); return S.KeywordOrIdentifier; }
          if (r === 0x3a) {
            if (this.#gotColon) return this.#errorf(`unexpected colon ${goQuoteRune(r)}`);
            this.#emit(T.COLON);
            this.#gotColon = true;
            return S.Statements;
          }
          if (isDurationKeywordStart(r) && this.#scanDurationKeyword()) return S.Statements;
          return this.#errorf(`unexpected character: ${goQuoteRune(r)}, expected ':'`);
        }
        return this.#errorf(`unexpected character: ${goQuoteRune(r)}`);
    }
    return S.Statements;
  }

  #lexInsideBraces(): S {
    if (this.input.startsWith('#', this.pos)) return S.LineComment;
    const r = this.#next();
    switch (r) {
      case EOF: return this.#errorf('unexpected end of input inside braces');
      case 0x2c: this.#emit(T.COMMA); break;
      case 0x22: case 0x27: this.#stringOpen = r; return S.String;
      case 0x60: this.#stringOpen = r; return S.RawString;
      case 0x3d: // =
        if (this.#next() === 0x7e) { this.#emit(T.EQL_REGEX); break; }
        this.#backup();
        this.#emit(T.EQL);
        break;
      case 0x21: { // !
        const nr = this.#next();
        if (nr === 0x7e) this.#emit(T.NEQ_REGEX);
        else if (nr === 0x3d) this.#emit(T.NEQ);
        else return this.#errorf(`unexpected character after '!' inside braces: ${goQuoteRune(nr)}`);
        break;
      }
      case 0x7b: return this.#errorf(`unexpected left brace ${goQuoteRune(r)}`);
      case 0x7d:
        this.#emit(T.RIGHT_BRACE);
        this.#braceOpen = false;
        return S.Statements;
      default:
        if (isSpace(r)) return S.Space;
        if (isAlpha(r)) { this.#backup(); return S.Identifier; }
        return this.#errorf(`unexpected character inside braces: ${goQuoteRune(r)}`);
    }
    return S.InsideBraces;
  }

  #lexLineComment(): S {
    this.pos += 1;
    let r = this.#next();
    while (!isEndOfLine(r) && r !== EOF) r = this.#next();
    this.#backup();
    this.#emit(T.COMMENT);
    return S.Statements;
  }

  #lexSpace(): S {
    while (isSpace(this.#peek())) this.#next();
    this.#ignore();
    return S.Statements;
  }

  #skipSpaces(): void {
    while (isSpace(this.#peek())) this.#next();
    this.#ignore();
  }

  #lexString(): S {
    for (;;) {
      const r = this.#next();
      if (r === 0x5c) return S.Escape;
      if (r === 0xfffd) { this.#errorf('invalid UTF-8 rune'); return S.String; }
      if (r === EOF || r === 0x0a) return this.#errorf('unterminated quoted string');
      if (r === this.#stringOpen) break;
    }
    this.#emit(T.STRING);
    return S.Statements;
  }

  #lexEscape(): S {
    let ch = this.#next();
    let n: number, base: number, maxVal: number;
    switch (ch) {
      case 0x61: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: case 0x76: case 0x5c:
        return S.String;
      case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37:
        n = 3; base = 8; maxVal = 255; break;
      case 0x78: ch = this.#next(); n = 2; base = 16; maxVal = 255; break;
      case 0x75: ch = this.#next(); n = 4; base = 16; maxVal = 0x10ffff; break;
      case 0x55: ch = this.#next(); n = 8; base = 16; maxVal = 0x10ffff; break;
      case EOF: this.#errorf('escape sequence not terminated'); return S.String;
      default:
        if (ch === this.#stringOpen) return S.String;
        this.#errorf(`unknown escape sequence ${goUnicodeSharp(ch)}`);
        return S.String;
    }
    let x = 0;
    while (n > 0) {
      const d = digitVal(ch);
      if (d >= base) {
        if (ch === EOF) this.#errorf('escape sequence not terminated');
        else this.#errorf(`illegal character ${goUnicodeSharp(ch)} in escape sequence`);
        return S.String;
      }
      x = x * base + d;
      n--;
      if (n > 0) ch = this.#next();
    }
    if (x > maxVal || (x >= 0xd800 && x < 0xe000)) this.#errorf('escape sequence is an invalid Unicode code point');
    return S.String;
  }

  #lexRawString(): S {
    for (;;) {
      const r = this.#next();
      if (r === 0xfffd) { this.#errorf('invalid UTF-8 rune'); return S.RawString; }
      if (r === EOF) { this.#errorf('unterminated raw string'); return S.RawString; }
      if (r === this.#stringOpen) break;
    }
    this.#emit(T.STRING);
    return S.Statements;
  }

  #lexNumberOrDuration(): S {
    if (this.#scanNumber()) { this.#emit(T.NUMBER); return S.Statements; }
    if (this.#acceptRemainingDuration()) {
      this.#backup();
      this.#emit(T.DURATION);
      return S.Statements;
    }
    return this.#errorf(`bad number or duration syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`);
  }

  /** After a number: a unit, then optionally more number+unit groups; `y` only first. */
  #acceptRemainingDuration(): boolean {
    if (!this.#accept('smhdwy')) return false;
    this.#accept('s'); // "ms"; bad units such as "hs" fail when the duration is parsed.
    while (this.#accept(DEC_DIGITS)) {
      while (this.#accept(DEC_DIGITS)) { /* digits */ }
      if (!this.#accept('smhdw')) return false;
      this.#accept('s');
    }
    return !isAlphaNumeric(this.#next());
  }

  /**
   * Scans decimal, hexadecimal and float literals with '_' separators. The scanned text is
   * not necessarily a valid number; the parser reports that.
   */
  #scanNumber(): boolean {
    const initialPos = this.pos;
    let digits = DEC_DIGITS;
    if (this.#accept('0') && this.#accept('xX')) {
      this.#accept('_');
      digits = HEX_DIGITS;
    }
    this.#accept('.');
    this.#accept(digits);
    let dotConsumed = false;
    let exponentConsumed = false;
    const any = digits + '._eE';
    while (this.#is(any)) {
      if (this.#is('.') && dotConsumed) { this.#accept('.'); return false; }
      if (this.#is('eE') && exponentConsumed) { this.#accept('eE'); return false; }
      if (this.#accept('.')) {
        dotConsumed = true;
        if (this.#accept('_.')) return false;
        if (digits === HEX_DIGITS) return false; // no fractional hex literals
        continue;
      }
      if (this.#accept('eE')) {
        exponentConsumed = true;
        this.#accept('+-');
        if (this.#accept('._eE') || this.#peek() === EOF) return false;
        continue;
      }
      if (this.#accept('_')) {
        if (this.#accept('._eE') || this.#peek() === EOF) return false;
        continue;
      }
      this.#acceptRun(digits);
    }
    if (this.pos === initialPos) return false;
    return !isAlphaNumeric(this.#peek());
  }

  #lexKeywordOrIdentifier(): S {
    for (;;) {
      const r = this.#next();
      if (isAlphaNumeric(r) || r === 0x3a) continue;
      this.#backup();
      break;
    }
    const word = this.input.slice(this.start, this.pos);
    const kw = KEYWORDS.get(word.toLowerCase());
    if (kw !== undefined) {
      // fill, fill_left and fill_right are keywords only before '(' so that they stay usable
      // as metric names.
      if ((kw === T.FILL || kw === T.FILL_LEFT || kw === T.FILL_RIGHT) && !this.#followedByLeftParen()) {
        this.#emit(T.IDENTIFIER);
      } else {
        this.#emit(kw);
      }
    } else if (!word.includes(':')) {
      this.#emit(T.IDENTIFIER);
    } else {
      this.#emit(T.METRIC_IDENTIFIER);
    }
    return S.Statements;
  }

  #followedByLeftParen(): boolean {
    const s = this.input;
    for (let p = this.pos; p < s.length; p++) {
      const c = s.charCodeAt(p);
      if (!isSpace(c)) return c === 0x28;
    }
    return false;
  }

  #lexIdentifier(): S {
    while (isAlphaNumeric(this.#next())) { /* absorb */ }
    this.#backup();
    this.#emit(T.IDENTIFIER);
    return S.Statements;
  }

  #scanDurationKeyword(): boolean {
    while (isAlpha(this.#next())) { /* absorb */ }
    this.#backup();
    const tok = DURATION_KEYWORDS.get(this.input.slice(this.start, this.pos).toLowerCase());
    if (tok === undefined) return false;
    this.#emit(tok);
    return true;
  }

  /** Inside `[...]` before the first number: arithmetic, parentheses and duration keywords. */
  #lexDurationExpr(): S {
    const r = this.#next();
    switch (r) {
      case EOF: return this.#errorf('unexpected end of input in duration expression');
      case 0x5d:
        this.#emit(T.RIGHT_BRACKET);
        this.#bracketOpen = false;
        this.#gotColon = false;
        return S.Statements;
      case 0x3a:
        this.#emit(T.COLON);
        if (!this.#gotDuration) return this.#errorf('unexpected colon before duration in duration expression');
        if (this.#gotColon) return this.#errorf('unexpected repeated colon in duration expression');
        this.#gotColon = true;
        return S.DurationExpr;
      case 0x28: this.#emit(T.LEFT_PAREN); this.#parenDepth++; return S.DurationExpr;
      case 0x29:
        this.#emit(T.RIGHT_PAREN);
        this.#parenDepth--;
        if (this.#parenDepth < 0) return this.#errorf(`unexpected right parenthesis ${goQuoteRune(r)}`);
        return S.DurationExpr;
      case 0x2b: this.#emit(T.ADD); return S.DurationExpr;
      case 0x2d: this.#emit(T.SUB); return S.DurationExpr;
      case 0x2a: this.#emit(T.MUL); return S.DurationExpr;
      case 0x2f: this.#emit(T.DIV); return S.DurationExpr;
      case 0x25: this.#emit(T.MOD); return S.DurationExpr;
      case 0x5e: this.#emit(T.POW); return S.DurationExpr;
      case 0x2c: this.#emit(T.COMMA); return S.DurationExpr;
      default:
        if (isSpace(r)) { this.#skipSpaces(); return S.DurationExpr; }
        if (isDurationKeywordStart(r)) {
          if (this.#scanDurationKeyword()) return S.DurationExpr;
          return this.#errorf(`unexpected character in duration expression: ${goQuoteRune(r)}`);
        }
        if (isDigit(r) || (r === 0x2e && isDigit(this.#peek()))) {
          this.#backup();
          this.#gotDuration = true;
          return S.NumberOrDuration;
        }
        return this.#errorf(`unexpected character in duration expression: ${goQuoteRune(r)}`);
    }
  }
}

/** Whether rune `r` is one of the (ASCII) characters of `valid`; no allocation. */
function inSet(valid: string, r: number): boolean {
  for (let i = 0; i < valid.length; i++) if (valid.charCodeAt(i) === r) return true;
  return false;
}

function digitVal(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  if (ch >= 0x61 && ch <= 0x66) return ch - 0x61 + 10;
  if (ch >= 0x41 && ch <= 0x46) return ch - 0x41 + 10;
  return 16;
}
