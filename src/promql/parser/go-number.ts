/**
 * Number parsing and formatting with Go's `strconv` / `fmt` semantics, which decide how
 * PromQL number literals are read and how Prometheus prints numbers in queries and errors.
 */
import { goQuote } from './quote.js';

const MAX_INT64 = (1n << 63n) - 1n;

/** Go's `underscoreOK`: '_' only between digits, or between a base prefix and a digit. */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) { saw = '0'; continue; }
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

/** Go's `strconv.ParseInt(s, 0, 64)`; null on any error. */
function parseGoInt(s0: string): bigint | null {
  let s = s0;
  if (s === '') return null;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') { neg = s[0] === '-'; s = s.slice(1); if (s === '') return null; }
  let base = 10;
  if (s[0] === '0') {
    const p = s[1]?.toLowerCase();
    if (s.length >= 3 && p === 'b') { base = 2; s = s.slice(2); }
    else if (s.length >= 3 && p === 'o') { base = 8; s = s.slice(2); }
    else if (s.length >= 3 && p === 'x') { base = 16; s = s.slice(2); }
    else { base = 8; s = s.slice(1); }
  }
  let n = 0n;
  let underscores = false;
  const b = BigInt(base);
  for (const c of s) {
    if (c === '_') { underscores = true; continue; }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return null;
    n = n * b + BigInt(d);
  }
  if (underscores && !underscoreOK(s0)) return null;
  if (neg ? n > MAX_INT64 + 1n : n > MAX_INT64) return null;
  return neg ? -n : n;
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?$/;

/** Go's `strconv.ParseFloat(s, 64)`; returns the value and Go's error text, if any. */
function parseGoFloat(s: string): { value: number; err: string | null } {
  const syntax = { value: 0, err: `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax` };
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special !== null) {
    if (special[2]!.toLowerCase() === 'nan') return special[1] === '' ? { value: NaN, err: null } : syntax;
    return { value: special[1] === '-' ? -Infinity : Infinity, err: null };
  }
  // Hexadecimal mantissas need a 'p' exponent, which the PromQL lexer never produces.
  if (/^[+-]?0[xX]./.test(s) && s.replace(/^[+-]/, '').length > 2) return syntax;
  if (!DECIMAL_FLOAT.test(s) || !/[0-9]/.test(s.replace(/[eE].*$/, ''))) return syntax;
  if (s.includes('_') && !underscoreOK(s)) return syntax;
  const value = Number(s.replace(/_/g, ''));
  if (!Number.isFinite(value)) {
    return { value, err: `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range` };
  }
  return { value, err: null };
}

/**
 * Reads a PromQL NUMBER token as Prometheus does: as a Go integer literal (decimal, 0x hex,
 * leading-0 octal, '_' separators) if possible, else as a Go float. `err` is the text after
 * "error parsing number: ".
 */
export function parseNumberToken(s: string): { value: number; err: string | null } {
  const i = parseGoInt(s);
  if (i !== null) return { value: Number(i), err: null };
  return parseGoFloat(s);
}

/** The shortest round-trip digits and decimal exponent of a finite, non-zero |v|. */
function shortestDigits(v: number): { digits: string; exp: number } {
  // Number#toString gives the shortest round-trip digits, as Go's 'shortest' mode does.
  const str = Math.abs(v).toExponential();
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(str)!;
  let digits = m[1]! + (m[2] ?? '');
  // toExponential() without an argument uses as many digits as necessary: same as shortest.
  digits = digits.replace(/0+$/, '') || '0';
  return { digits, exp: Number(m[3]) };
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits in plain decimal notation. */
export function formatFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, exp } = shortestDigits(v);
  const pointPos = exp + 1; // digits before the decimal point
  if (pointPos <= 0) return `${sign}0.${'0'.repeat(-pointPos)}${digits}`;
  if (pointPos >= digits.length) return sign + digits + '0'.repeat(pointPos - digits.length);
  return `${sign}${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
}

/** Go's `%v` for a float64 (`strconv.FormatFloat(v, 'g', -1, 64)`): `1e+06`, `0.0001`, `1e-05`. */
export function formatFloatV(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, exp } = shortestDigits(v);
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return formatFloatF(v);
}

/** Go's `%.<prec>f` for a float64 (also for values beyond 1e21, which JS prints as exponents). */
export function formatFloatFixed(v: number, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Math.abs(v) < 1e21) return v.toFixed(prec);
  // Such magnitudes are integers: print the exact integer value.
  const int = BigInt(v).toString();
  return prec > 0 ? `${int}.${'0'.repeat(prec)}` : int;
}
