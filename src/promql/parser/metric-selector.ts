/**
 * Parses a standalone metric selector (`up`, `{job="a"}`, `http_requests_total{code=~"5.."}`,
 * `{"my.metric", "a.b"="c"}`) into matchers, as the API's `match[]` and `match_target`
 * parameters take them. The full PromQL parser builds on the same string rules.
 */
import { Matcher, METRIC_NAME, type MatchType } from '../../model/index.js';

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

const IDENT_START = /[a-zA-Z_:]/;
const IDENT = /[a-zA-Z0-9_:]/;

export function parseMetricSelector(input: string): Matcher[] {
  const p = new SelectorParser(input);
  return p.parse();
}

class SelectorParser {
  #pos = 0;
  constructor(private readonly s: string) {}

  #err(msg: string): SelectorParseError {
    return new SelectorParseError(`1:${this.#pos + 1}: parse error: ${msg}`);
  }

  #ws(): void {
    while (this.#pos < this.s.length && /\s/.test(this.s[this.#pos]!)) this.#pos++;
  }

  #ident(): string {
    const start = this.#pos;
    if (this.#pos < this.s.length && IDENT_START.test(this.s[this.#pos]!)) {
      this.#pos++;
      while (this.#pos < this.s.length && IDENT.test(this.s[this.#pos]!)) this.#pos++;
    }
    return this.s.slice(start, this.#pos);
  }

  parse(): Matcher[] {
    const matchers: Matcher[] = [];
    this.#ws();
    const name = this.#ident();
    if (name !== '') matchers.push(new Matcher('=', METRIC_NAME, name));
    this.#ws();
    if (this.s[this.#pos] === '{') {
      this.#pos++;
      this.#labelMatchers(matchers, name !== '');
    }
    this.#ws();
    if (this.#pos < this.s.length) throw this.#err(`unexpected character: ${JSON.stringify(this.s[this.#pos])}`);
    if (matchers.length === 0) throw this.#err('unexpected end of input');
    if (matchers.every((m) => m.matchesEmpty())) {
      throw new SelectorParseError('vector selector must contain at least one non-empty matcher');
    }
    return matchers;
  }

  #labelMatchers(out: Matcher[], haveName: boolean): void {
    for (;;) {
      this.#ws();
      if (this.s[this.#pos] === '}') { this.#pos++; return; }
      let label: string;
      if (this.s[this.#pos] === '"' || this.s[this.#pos] === "'" || this.s[this.#pos] === '`') {
        label = this.#string();
      } else {
        label = this.#ident();
        if (label === '') throw this.#err(`unexpected character inside braces: ${JSON.stringify(this.s[this.#pos] ?? '')}`);
      }
      this.#ws();
      const op = this.#op();
      if (op === null) {
        // A lone quoted name is the metric name: {"my.metric"}.
        if (haveName) throw this.#err('metric name must not be set twice');
        out.push(new Matcher('=', METRIC_NAME, label));
        haveName = true;
      } else {
        this.#ws();
        const value = this.#string();
        try {
          out.push(new Matcher(op, label, value));
        } catch (e) {
          throw this.#err(e instanceof Error ? e.message : String(e));
        }
      }
      this.#ws();
      const c = this.s[this.#pos];
      if (c === ',') { this.#pos++; continue; }
      if (c === '}') { this.#pos++; return; }
      throw this.#err(c === undefined ? 'unexpected end of input inside braces' : `unexpected character inside braces: ${JSON.stringify(c)}`);
    }
  }

  #op(): MatchType | null {
    const two = this.s.slice(this.#pos, this.#pos + 2);
    if (two === '=~' || two === '!=' || two === '!~') { this.#pos += 2; return two; }
    if (this.s[this.#pos] === '=') { this.#pos++; return '='; }
    return null;
  }

  #string(): string {
    const q = this.s[this.#pos];
    if (q !== '"' && q !== "'" && q !== '`') throw this.#err('expected string');
    const start = this.#pos;
    this.#pos++;
    if (q === '`') {
      const end = this.s.indexOf('`', this.#pos);
      if (end < 0) throw this.#err('unterminated raw string');
      this.#pos = end + 1;
      return this.s.slice(start + 1, end);
    }
    let out = '';
    while (this.#pos < this.s.length) {
      const c = this.s[this.#pos]!;
      if (c === q) { this.#pos++; return out; }
      if (c === '\n') break;
      if (c !== '\\') { out += c; this.#pos++; continue; }
      this.#pos++;
      const e = this.s[this.#pos];
      this.#pos++;
      switch (e) {
        case 'a': out += '\x07'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case '\\': out += '\\'; break;
        case '"': case "'": if (e !== q) throw this.#err('unknown escape sequence'); out += e; break;
        case 'x': out += this.#hex(2); break;
        case 'u': out += this.#hex(4); break;
        case 'U': out += this.#hex(8); break;
        default:
          if (e !== undefined && e >= '0' && e <= '7') {
            const oct = this.s.slice(this.#pos - 1, this.#pos + 2);
            if (!/^[0-7]{3}$/.test(oct)) throw this.#err('unknown escape sequence');
            this.#pos += 2;
            out += String.fromCharCode(parseInt(oct, 8));
            break;
          }
          throw this.#err('unknown escape sequence');
      }
    }
    throw this.#err('unterminated quoted string');
  }

  #hex(n: number): string {
    const h = this.s.slice(this.#pos, this.#pos + n);
    if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) throw this.#err('unknown escape sequence');
    this.#pos += n;
    const cp = parseInt(h, 16);
    if (cp > 0x10ffff) throw this.#err('unknown escape sequence');
    return String.fromCodePoint(cp);
  }
}
