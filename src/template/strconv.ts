/**
 * The parts of Go's strconv the template language depends on: unquoting literals, quoting for
 * `%q` and node strings, and parsing numbers with Go's syntax and error texts.
 */

export class StrconvError extends Error {
  override readonly name = 'StrconvError';
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's `strconv.IsPrint`: graphic characters and the ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (cp === 0xfffd) return true;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

/** Go's `unicode.IsPrint` for a rune (same set as strconv's). */
export const unicodeIsPrint = isPrint;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Appends the Go escape for rune `cp` inside a quoted literal with quote character `q`. */
function escapeRune(cp: number, q: number, asciiOnly: boolean): string {
  if (cp === q || cp === 0x5c) return '\\' + String.fromCharCode(cp);
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
    default:
      if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
      if (cp < 0x10000) return '\\u' + hex(cp, 4);
      return '\\U' + hex(cp, 8);
  }
}

/** Go's `strconv.Quote` (lone surrogates are quoted as the replacement character). */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    out += escapeRune(cp, 0x22, asciiOnly);
  }
  return out + '"';
}

/** Go's `strconv.QuoteRune`. */
export function quoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp < 0) cp = 0xfffd;
  return "'" + escapeRune(cp, 0x27, asciiOnly) + "'";
}

/** Go's `strconv.CanBackquote`. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x60 || cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp < 0x20 && cp !== 0x09) return false;
    if (cp === 0x7f) return false;
  }
  return true;
}

function hexVal(c: string): number {
  const n = parseInt(c, 16);
  return Number.isNaN(n) || !/^[0-9a-fA-F]$/.test(c) ? -1 : n;
}

/**
 * Go's `strconv.UnquoteChar`: decodes the first character or escape of `s` inside a literal
 * quoted by `q`. Returns the code point and the rest.
 */
export function unquoteChar(s: string, q: string): { cp: number; rest: string } {
  const c = s.charAt(0);
  if (c === '') throw new StrconvError('invalid syntax');
  if (c === q && (q === "'" || q === '"')) throw new StrconvError('invalid syntax');
  if (c !== '\\') {
    const cp = s.codePointAt(0)!;
    return { cp, rest: s.slice(cp > 0xffff ? 2 : 1) };
  }
  if (s.length <= 1) throw new StrconvError('invalid syntax');
  const e = s.charAt(1);
  let rest = s.slice(2);
  switch (e) {
    case 'a': return { cp: 7, rest };
    case 'b': return { cp: 8, rest };
    case 'f': return { cp: 12, rest };
    case 'n': return { cp: 10, rest };
    case 'r': return { cp: 13, rest };
    case 't': return { cp: 9, rest };
    case 'v': return { cp: 11, rest };
    case 'x': case 'u': case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (rest.length < n) throw new StrconvError('invalid syntax');
      let v = 0;
      for (let j = 0; j < n; j++) {
        const d = hexVal(rest.charAt(j));
        if (d < 0) throw new StrconvError('invalid syntax');
        v = v * 16 + d;
      }
      rest = rest.slice(n);
      if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) throw new StrconvError('invalid syntax');
      // \x in a string is a single byte; the template engine has UTF-16 strings, so bytes
      // 0x80-0xff are kept as the code point of the same value.
      return { cp: v, rest };
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      let v = e.charCodeAt(0) - 48;
      if (rest.length < 2) throw new StrconvError('invalid syntax');
      for (let j = 0; j < 2; j++) {
        const d = rest.charCodeAt(j) - 48;
        if (d < 0 || d > 7) throw new StrconvError('invalid syntax');
        v = v * 8 + d;
      }
      if (v > 255) throw new StrconvError('invalid syntax');
      return { cp: v, rest: rest.slice(2) };
    }
    case '\\': return { cp: 0x5c, rest };
    case "'": case '"':
      if (e !== q) throw new StrconvError('invalid syntax');
      return { cp: e.charCodeAt(0), rest };
    default:
      throw new StrconvError('invalid syntax');
  }
}

/** Go's `strconv.Unquote` for "...", `...` and '...' literals. */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new StrconvError('invalid syntax');
  const q = s.charAt(0);
  if (q !== s.charAt(n - 1)) throw new StrconvError('invalid syntax');
  const body = s.slice(1, n - 1);
  if (q === '`') {
    if (body.includes('`')) throw new StrconvError('invalid syntax');
    return body.includes('\r') ? body.replaceAll('\r', '') : body;
  }
  if (q !== '"' && q !== "'") throw new StrconvError('invalid syntax');
  if (body.includes('\n')) throw new StrconvError('invalid syntax');
  if (!body.includes('\\') && !body.includes(q)) {
    if (q === '"') return body;
    if (q === "'" && body.length === (body.codePointAt(0)! > 0xffff ? 2 : 1)) return body;
  }
  let out = '';
  let rest = body;
  while (rest.length > 0) {
    const r = unquoteChar(rest, q);
    rest = r.rest;
    out += String.fromCodePoint(r.cp);
    if (q === "'" && rest.length !== 0) throw new StrconvError('invalid syntax');
  }
  if (q === "'" && out.length === 0) throw new StrconvError('invalid syntax');
  return out;
}

function underscoreOK(s: string): boolean {
  // Underscores must sit between digits, or between a base prefix and a digit.
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hexDigits = false;
  if (s.length >= 2 && s[0] === '0') {
    const b = s[1]!.toLowerCase();
    if (b === 'b' || b === 'o' || b === 'x') {
      hexDigits = b === 'x';
      i = 2;
      saw = '0';
    }
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hexDigits && /[a-fA-F]/.test(c))) { saw = '0'; continue; }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

export type ParseIntResult = { ok: true; v: bigint } | { ok: false; err: 'invalid syntax' | 'value out of range' };

/** Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint(s, 0, 64)` (base from the prefix). */
export function parseInt64(s: string, unsigned: boolean): ParseIntResult {
  if (s === '') return { ok: false, err: 'invalid syntax' };
  let neg = false;
  let t = s;
  if (!unsigned && (t[0] === '+' || t[0] === '-')) {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  let base = 10;
  let digits = t;
  if (t[0] === '0' && t.length > 1) {
    const p = t[1]!.toLowerCase();
    if (p === 'x') { base = 16; digits = t.slice(2); }
    else if (p === 'b') { base = 2; digits = t.slice(2); }
    else if (p === 'o') { base = 8; digits = t.slice(2); }
    else { base = 8; digits = t.slice(1); }
  }
  if (digits.includes('_')) {
    if (!underscoreOK(t)) return { ok: false, err: 'invalid syntax' };
    digits = digits.replaceAll('_', '');
  }
  if (digits === '') return { ok: false, err: 'invalid syntax' };
  let v = 0n;
  const B = BigInt(base);
  for (const c of digits) {
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return { ok: false, err: 'invalid syntax' };
    v = v * B + BigInt(d);
  }
  if (neg) v = -v;
  if (unsigned ? v > 0xffffffffffffffffn : v > 0x7fffffffffffffffn || v < -0x8000000000000000n) {
    return { ok: false, err: 'value out of range' };
  }
  return { ok: true, v };
}

const DEC_FLOAT = /^[+-]?(?:[0-9_]+(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/;

export type ParseFloatResult = { ok: true; v: number } | { ok: false; err: 'invalid syntax' | 'value out of range'; v: number };

/** Go's `strconv.ParseFloat(s, 64)`: Go literal syntax (underscores, hex floats), Inf/NaN words. */
export function parseFloat64(s: string): ParseFloatResult {
  const special = parseSpecial(s);
  if (special !== null) return { ok: true, v: special };
  if (s.includes('_') && !underscoreOK(s)) return { ok: false, err: 'invalid syntax', v: 0 };
  let v: number;
  if (DEC_FLOAT.test(s)) {
    const t = s.replaceAll('_', '');
    if (!/[0-9]/.test(t.split(/[eE]/)[0]!)) return { ok: false, err: 'invalid syntax', v: 0 };
    v = Number(t);
    if (Number.isNaN(v)) return { ok: false, err: 'invalid syntax', v: 0 };
  } else {
    const m = HEX_FLOAT.exec(s);
    if (m === null) return { ok: false, err: 'invalid syntax', v: 0 };
    const intPart = m[2]!.replaceAll('_', '');
    const frac = (m[3] ?? '').replaceAll('_', '');
    if (intPart === '' && frac === '') return { ok: false, err: 'invalid syntax', v: 0 };
    const mant = BigInt('0x' + (intPart + frac === '' ? '0' : intPart + frac));
    const exp = Number(m[4]!.replaceAll('_', '')) - 4 * frac.length;
    v = scaleBigInt(mant, exp);
    if (m[1] === '-') v = -v;
  }
  if (!Number.isFinite(v)) return { ok: false, err: 'value out of range', v };
  return { ok: true, v };
}

/** `mant * 2**exp` as a double (rounded once unless the result is subnormal). */
function scaleBigInt(mant: bigint, exp: number): number {
  if (mant === 0n) return 0;
  let x = Number(mant);
  let e = exp;
  while (e > 1000) { x *= 2 ** 1000; e -= 1000; if (!Number.isFinite(x)) return x; }
  while (e < -1000) { x *= 2 ** -1000; e += 1000; }
  return x * 2 ** e;
}

function parseSpecial(s: string): number | null {
  let t = s;
  let sign = 1;
  if (t[0] === '+' || t[0] === '-') {
    sign = t[0] === '-' ? -1 : 1;
    t = t.slice(1);
  }
  const l = t.toLowerCase();
  if (l === 'inf' || l === 'infinity') return sign * Infinity;
  if (l === 'nan' && s === t) return NaN;
  return null;
}

/** The message of a failed `strconv.ParseFloat`. */
export function parseFloatError(s: string, err: string): string {
  return `strconv.ParseFloat: parsing ${quote(s)}: ${err}`;
}
