/**
 * The UTF-8 matchers parser of newer Alertmanagers (`matcher/parse`): `{name="value", ...}`
 * where names and values may be double-quoted (Go string literals) or unquoted runs of
 * non-reserved characters, braces optional. Errors carry `start:end` rune columns and read
 * like Alertmanager's ("2:3: unexpected =: expected label name").
 */
import { AMMatcher, type MatchType } from './matcher.js';
import { MatcherParseError } from './parse-classic.js';

type TokenKind = 'eof' | '{' | '}' | ',' | '=' | '!=' | '=~' | '!~' | 'quoted' | 'unquoted';

interface Token {
  kind: TokenKind;
  value: string;
  colStart: number;
  colEnd: number;
}

const RESERVED = new Set(['{', '}', '!', '=', '~', ',', '\\', '"', "'", '`']);

function isSpace(c: string): boolean {
  return /^\s$/u.test(c);
}

function isReserved(c: string): boolean {
  return isSpace(c) || RESERVED.has(c);
}

/** Lexer over code points; offsets and columns are both code point indices. */
class Lexer {
  readonly cps: string[];
  start = 0;
  pos = 0;
  err: MatcherParseError | null = null;

  constructor(input: string) {
    this.cps = Array.from(input);
  }

  text(a: number, b: number): string {
    return this.cps.slice(a, b).join('');
  }

  scan(): Token {
    if (this.err !== null) throw this.err;
    while (this.pos < this.cps.length) {
      const r = this.cps[this.pos]!;
      if (r === '{' || r === '}' || r === ',') {
        this.pos++;
        return this.emit(r);
      }
      if (r === '=' || r === '!') return this.guard(() => this.scanOperator());
      if (r === '"') return this.guard(() => this.scanQuoted());
      if (!isReserved(r)) {
        while (this.pos < this.cps.length && !isReserved(this.cps[this.pos]!)) this.pos++;
        return this.emit('unquoted');
      }
      if (isSpace(r)) {
        this.pos++;
        this.start = this.pos;
        continue;
      }
      this.pos++;
      this.err = new MatcherParseError(`${this.start}:${this.pos}: ${this.text(this.start, this.pos)}: invalid input`);
      throw this.err;
    }
    return { kind: 'eof', value: '', colStart: this.start, colEnd: this.pos };
  }

  guard(f: () => Token): Token {
    try {
      return f();
    } catch (e) {
      if (e instanceof MatcherParseError) this.err = e;
      throw e;
    }
  }

  expected(what: string): MatcherParseError {
    if (this.pos >= this.cps.length) return new MatcherParseError(`${this.start}:${this.pos}: unexpected end of input, expected one of '${what}'`);
    return new MatcherParseError(`${this.start}:${this.pos}: ${this.text(this.start, this.pos)}: expected one of '${what}'`);
  }

  accept(c: string): boolean {
    if (this.cps[this.pos] === c) { this.pos++; return true; }
    return false;
  }

  scanOperator(): Token {
    if (this.accept('!')) {
      if (this.accept('=')) return this.emit('!=');
      if (this.accept('~')) return this.emit('!~');
      throw this.expected('=~');
    }
    if (this.accept('=')) {
      if (this.accept('~')) return this.emit('=~');
      return this.emit('=');
    }
    throw this.expected('!=');
  }

  scanQuoted(): Token {
    this.pos++;
    let esc = false;
    while (this.pos < this.cps.length) {
      const r = this.cps[this.pos]!;
      if (esc) esc = false;
      else if (r === '\\') esc = true;
      else if (r === '"') break;
      this.pos++;
    }
    if (!this.accept('"')) throw new MatcherParseError(`${this.start}:${this.pos}: ${this.text(this.start, this.pos)}: missing end "`);
    return this.emit('quoted');
  }

  emit(kind: TokenKind): Token {
    const t = { kind, value: this.text(this.start, this.pos), colStart: this.start, colEnd: this.pos };
    this.start = this.pos;
    return t;
  }

  peek(): Token {
    const start = this.start;
    const pos = this.pos;
    try {
      return this.scan();
    } finally {
      this.start = start;
      this.pos = pos;
    }
  }
}

const EOF_ERR = 'end of input';

export function parseUTF8Matchers(input: string): AMMatcher[] {
  const l = new Lexer(input);
  const out: AMMatcher[] = [];
  let hasOpen = false;
  const wrap = (e: unknown, suffix: string): MatcherParseError => {
    const m = e instanceof Error ? e.message : String(e);
    return new MatcherParseError(`${m}: ${suffix}`);
  };
  const expectPeek = (...kinds: TokenKind[]): Token => {
    const t = l.peek();
    if (t.kind === 'eof') throw new MatcherParseError(EOF_ERR);
    if (!kinds.includes(t.kind)) throw new MatcherParseError(`${t.colStart}:${t.colEnd}: unexpected ${t.value}`);
    return t;
  };
  const expect = (...kinds: TokenKind[]): Token => {
    const t = expectPeek(...kinds);
    l.scan();
    return t;
  };
  const isEOF = (e: unknown): boolean => e instanceof MatcherParseError && e.message === EOF_ERR;

  type State = 'open' | 'close' | 'matcher' | 'endOfMatcher' | 'comma' | 'eof' | 'done';
  let st: State = 'open';
  while (st !== 'done') {
    switch (st) {
      case 'open': {
        const t = l.peek();
        if (t.kind === 'eof') { st = 'eof'; break; }
        hasOpen = t.kind === '{';
        if (hasOpen) l.scan();
        const n = l.peek();
        if (n.kind === 'eof') { st = 'close'; break; }
        st = n.kind === '}' ? 'close' : 'matcher';
        break;
      }
      case 'close': {
        if (hasOpen) {
          try {
            expect('}');
          } catch (e) {
            throw new MatcherParseError(`0:${l.pos}: ${e instanceof Error ? e.message : String(e)}: expected close brace`);
          }
        } else {
          let closed = false;
          try {
            expect('}');
            closed = true;
          } catch {
            // No stray close brace: fine.
          }
          if (closed) throw new MatcherParseError(`0:${l.pos}: }: expected opening brace`);
        }
        st = 'eof';
        break;
      }
      case 'matcher': {
        let t: Token;
        try { t = expect('quoted', 'unquoted'); } catch (e) { throw wrap(e, 'expected label name'); }
        const name = unquoteToken(t);
        try { t = expect('=', '!=', '=~', '!~'); } catch (e) { throw wrap(e, "expected an operator such as '=', '!=', '=~' or '!~'"); }
        const op = t.kind as MatchType;
        try { t = expect('unquoted', 'quoted'); } catch (e) { throw wrap(e, 'expected label value'); }
        const value = unquoteToken(t);
        try {
          out.push(new AMMatcher(op, name, value));
        } catch (e) {
          throw new MatcherParseError(`failed to create matcher: ${e instanceof Error ? e.message : String(e)}`);
        }
        st = 'endOfMatcher';
        break;
      }
      case 'endOfMatcher': {
        let t: Token;
        try {
          t = expectPeek(',', '}');
        } catch (e) {
          if (isEOF(e)) { st = 'close'; break; }
          throw wrap(e, 'expected a comma or close brace');
        }
        st = t.kind === ',' ? 'comma' : 'close';
        break;
      }
      case 'comma': {
        try { expect(','); } catch (e) { throw wrap(e, 'expected a comma'); }
        let t: Token;
        try {
          t = expectPeek('}', 'unquoted', 'quoted');
        } catch (e) {
          if (isEOF(e)) { st = 'close'; break; }
          throw wrap(e, 'expected a matcher or close brace after comma');
        }
        st = t.kind === '}' ? 'close' : 'matcher';
        break;
      }
      case 'eof': {
        let t: Token;
        try { t = l.scan(); } catch (e) { throw wrap(e, 'expected end of input'); }
        if (t.kind !== 'eof') throw new MatcherParseError(`${t.colStart}:${t.colEnd}: ${t.value}: expected end of input`);
        st = 'done';
        break;
      }
    }
  }
  return out;
}

function unquoteToken(t: Token): string {
  if (t.kind !== 'quoted') return t.value;
  const v = goUnquote(t.value);
  if (v === null) throw new MatcherParseError(`${t.colStart}:${t.colEnd}: ${t.value}: invalid input`);
  return v;
}

/** Go's strconv.Unquote for a double-quoted literal; null when invalid. */
export function goUnquote(s: string): string | null {
  if (s.length < 2 || s[0] !== '"' || s[s.length - 1] !== '"') return null;
  const body = s.slice(1, -1);
  let out = '';
  const bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === '\n') return null;
    if (c !== '\\') { flush(); out += c; continue; }
    const e = body[++i];
    if (e === undefined) return null;
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
    if (simple[e] !== undefined) { flush(); out += simple[e]; continue; }
    if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return null;
      const v = parseInt(hex, 16);
      i += n;
      if (e === 'x') { bytes.push(v); continue; }
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return null;
      flush();
      out += String.fromCodePoint(v);
      continue;
    }
    if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) return null;
      const v = parseInt(oct, 8);
      if (v > 255) return null;
      bytes.push(v);
      i += 2;
      continue;
    }
    return null;
  }
  flush();
  return out;
}
