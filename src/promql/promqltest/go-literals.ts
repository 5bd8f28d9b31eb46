/**
 * The few Go `strconv` readers the script format relies on: numbers as Prometheus's parser
 * reads them (an integer literal with Go's base prefixes first, then a float) and Go-quoted
 * strings (`expect string`).
 */
import { parseGoFloat } from '../../model/index.js';

const DIGITS: Record<number, string> = { 2: '01', 8: '0-7', 10: '0-9', 16: '0-9a-fA-F' };

/**
 * Go's `strconv.ParseInt(s, 0, 64)`: optional sign, `0x`/`0o`/`0b` prefixes (a separator may
 * follow a prefix), a leading `0` meaning octal, `_` only between digits; undefined on error
 * or overflow.
 */
export function parseGoInt(s0: string): number | undefined {
  let s = s0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  if (s[0] === '0' && s.length > 1) {
    const p = s[1]!.toLowerCase();
    if (p === 'x' || p === 'o' || p === 'b') {
      base = p === 'x' ? 16 : p === 'o' ? 8 : 2;
      digits = s.slice(2);
      if (digits.startsWith('_')) digits = digits.slice(1);
    } else {
      base = 8;
    }
  }
  const d = DIGITS[base]!;
  if (!new RegExp(`^[${d}]+(?:_[${d}]+)*$`).test(digits)) return undefined;
  const n = parseInt(digits.replaceAll('_', ''), base);
  // int64 range; beyond 2^53 the conversion rounds, as float64(n) does in Go.
  if (n >= 2 ** 63) return undefined;
  return neg ? -n : n;
}

/** Prometheus's number reading (`parser.number`, the runner's `parseNumber`): int first, then float. */
export function parseGoNumber(s: string): number | undefined {
  const i = parseGoInt(s);
  if (i !== undefined) return i;
  return parseGoFloat(s);
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };

function pushUtf8(out: number[], cp: number): void {
  const b = Buffer.from(String.fromCodePoint(cp), 'utf8');
  for (const x of b) out.push(x);
}

/**
 * Go's `strconv.Unquote` for double-quoted and backquoted strings; undefined when the text
 * is not a valid literal. Byte escapes (`\xNN`, octal) are collected as bytes and decoded as
 * UTF-8 at the end.
 */
export function goUnquote(s: string): string | undefined {
  if (s.length < 2) return undefined;
  const q = s[0]!;
  if (q !== s[s.length - 1]) return undefined;
  const body = s.slice(1, -1);
  if (q === '`') return body.includes('`') ? undefined : body.replaceAll('\r', '');
  if (q !== '"') return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === '\n') return undefined;
    if (c !== '\\') {
      pushUtf8(bytes, body.codePointAt(i)!);
      if (body.codePointAt(i)! > 0xffff) i++;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (e === "'") return undefined; // \' is not valid inside double quotes
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      bytes.push(simple);
      continue;
    }
    let hex = 0;
    if (e === 'x') hex = 2;
    else if (e === 'u') hex = 4;
    else if (e === 'U') hex = 8;
    if (hex > 0) {
      const h = body.slice(i + 1, i + 1 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(h)) return undefined;
      const v = parseInt(h, 16);
      if (hex === 2) bytes.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      else pushUtf8(bytes, v);
      i += hex;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const o = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o)) return undefined;
      const v = parseInt(o, 8);
      if (v > 255) return undefined;
      bytes.push(v);
      i += 2;
      continue;
    }
    return undefined;
  }
  return Buffer.from(bytes).toString('utf8');
}
