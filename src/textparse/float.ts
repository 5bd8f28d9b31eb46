/**
 * Number handling for the exposition parsers: sample values and timestamps parsed straight
 * from bytes with Go's `strconv` acceptance rules (which Prometheus's parsers inherit), and
 * the canonical float text Prometheus writes into `le` and `quantile` labels.
 */
import type { Buffer } from 'node:buffer';
import { formatFloatG, parseGoFloat } from '../model/index.js';
import { latin1 } from './bytes.js';

/** Why the last `parseValueBytes` call failed; `FloatError.None` after a success. */
export const enum FloatError {
  None = 0,
  /** Not a number at all (Go: "invalid syntax"). */
  Syntax = 1,
  /** A finite literal too large for float64 (Go: "value out of range"). */
  Range = 2,
  /** `p`, `P` or `_` in the text: Prometheus rejects these before Go's parser sees them. */
  Unsupported = 3,
}

let lastError: FloatError = FloatError.None;

/** The outcome of the last `parseValueBytes` / `parseTimestampBytes` call. */
export function floatError(): FloatError {
  return lastError;
}

const POW10: readonly number[] = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/**
 * Parses `b[s, e)` as a sample value the way Prometheus's text parsers do: Go's
 * `strconv.ParseFloat` after rejecting `p`, `P` and `_` (no hex floats, no digit separators).
 * Accepts an optional sign, decimal digits with an optional point and exponent, and
 * `Inf`/`Infinity`/`NaN` in any case (NaN without sign). On failure returns 0 and
 * `floatError()` tells why. Exact for mantissas below 2^53 and |exponent| <= 22
 * without allocating; longer literals go through `Number()`, which rounds correctly as Go does
 * (`buf`, a Buffer over the same bytes, makes that string cheaper to build).
 */
export function parseValueBytes(b: Uint8Array, s: number, e: number, buf?: Buffer): number {
  lastError = FloatError.None;
  if (s >= e) {
    lastError = FloatError.Syntax;
    return 0;
  }
  let i = s;
  let c = b[i]!;
  let neg = false;
  let signed = false;
  if (c === 0x2b || c === 0x2d) {
    neg = c === 0x2d;
    signed = true;
    i++;
    if (i >= e) {
      lastError = FloatError.Syntax;
      return 0;
    }
    c = b[i]!;
  }
  let mant = 0;
  let nd = 0; // significant digits folded into mant (exact below 2^53)
  let dropped = false; // more significant digits than the fast path holds
  let frac = 0; // digits after the point that went into mant (or were leading zeros)
  let dropInt = 0; // integer digits that did not fit into mant
  let sawDigit = false;
  let sawDot = false;
  for (; i < e; i++) {
    c = b[i]!;
    if (c >= 0x30 && c <= 0x39) {
      sawDigit = true;
      if (nd === 0 && c === 0x30) {
        if (sawDot) frac++;
        continue;
      }
      // Exact while the mantissa stays below 2^53.
      if (nd < 15 || mant < 900719925474099) {
        mant = mant * 10 + (c - 0x30);
        nd++;
        if (sawDot) frac++;
      } else {
        dropped = true;
        if (!sawDot) dropInt++;
      }
      continue;
    }
    if (c === 0x2e && !sawDot) {
      sawDot = true;
      continue;
    }
    break;
  }
  if (!sawDigit) {
    if (sawDot) return fail(b, s, e);
    return special(b, i, e, neg, signed, s);
  }
  let exp = 0;
  if (i < e && (b[i]! | 0x20) === 0x65) {
    i++;
    let eneg = false;
    if (i < e && (b[i] === 0x2b || b[i] === 0x2d)) {
      eneg = b[i] === 0x2d;
      i++;
    }
    if (i >= e) return fail(b, s, e);
    for (; i < e; i++) {
      c = b[i]!;
      if (c < 0x30 || c > 0x39) break;
      if (exp < 100000) exp = exp * 10 + (c - 0x30);
    }
    if (eneg) exp = -exp;
  }
  if (i !== e) return fail(b, s, e);
  if (mant === 0) return neg ? -0 : 0;
  const e10 = exp - frac + dropInt;
  if (!dropped && e10 >= -22 && e10 <= 22) {
    const v = e10 >= 0 ? mant * POW10[e10]! : mant / POW10[-e10]!;
    return neg ? -v : v;
  }
  return slowDecimal(b, s, e, buf);
}

function fail(b: Uint8Array, s: number, e: number): number {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === 0x70 || c === 0x50 || c === 0x5f) {
      lastError = FloatError.Unsupported;
      return 0;
    }
  }
  lastError = FloatError.Syntax;
  return 0;
}

function slowDecimal(b: Uint8Array, s: number, e: number, buf: Buffer | undefined): number {
  let str: string;
  if (buf !== undefined) str = latin1(buf, s, e);
  else {
    str = '';
    for (let i = s; i < e; i++) str += String.fromCharCode(b[i]!);
  }
  const v = Number(str);
  if (v === Infinity || v === -Infinity) {
    lastError = FloatError.Range;
    return v;
  }
  return v;
}

/** `inf`, `infinity` (after an optional sign) and `nan` (no sign), case-insensitively. */
function special(b: Uint8Array, i: number, e: number, neg: boolean, signed: boolean, s: number): number {
  const n = e - i;
  if (n === 3) {
    const c0 = b[i]! | 0x20, c1 = b[i + 1]! | 0x20, c2 = b[i + 2]! | 0x20;
    if (c0 === 0x69 && c1 === 0x6e && c2 === 0x66) return neg ? -Infinity : Infinity;
    if (!signed && c0 === 0x6e && c1 === 0x61 && c2 === 0x6e) return NaN;
  } else if (n === 8 && matchLower(b, i, 'infinity')) {
    return neg ? -Infinity : Infinity;
  }
  return fail(b, s, e);
}

function matchLower(b: Uint8Array, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((b[i + k]! | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

const INT64_MAX_DIGITS = '9223372036854775807';

/**
 * Parses `b[s, e)`, which holds only ASCII digits, as a non-negative int64 as Go's
 * `strconv.ParseInt(s, 10, 64)` does; returns -1 with `floatError() === Range` when it
 * does not fit. Values above 2^53 lose precision as JS numbers do.
 */
export function parseTimestampBytes(b: Uint8Array, s: number, e: number): number {
  lastError = FloatError.None;
  let i = s;
  while (i < e - 1 && b[i] === 0x30) i++;
  const n = e - i;
  if (n <= 15) {
    let v = 0;
    for (; i < e; i++) v = v * 10 + (b[i]! - 0x30);
    return v;
  }
  let str = '';
  for (; i < e; i++) str += String.fromCharCode(b[i]!);
  if (n > 19 || (n === 19 && str > INT64_MAX_DIGITS)) {
    lastError = FloatError.Range;
    return -1;
  }
  return Number(str);
}

/**
 * The float text OpenMetrics requires in `le` and `quantile` labels, as Prometheus writes it:
 * Go's shortest `'g'` form with `.0` appended when it has neither a point nor an exponent
 * (`1` → `1.0`, `1e3` → `1000.0`, `1e-07` stays).
 */
export function formatOpenMetricsFloat(f: number): string {
  if (f === 1) return '1.0';
  if (f === 0) return '0.0';
  if (f === -1) return '-1.0';
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = formatFloatG(f);
  return s.includes('.') || s.includes('e') ? s : s + '.0';
}

/**
 * Rewrites the value of `le` on histogram families and of `quantile` on summary families to
 * canonical float text when it parses as a Go float; other labels and types pass unchanged.
 */
export function normalizeFloatLabelValue(isHistogram: boolean, isSummary: boolean, name: string, value: string): string {
  if ((isHistogram && name === 'le') || (isSummary && name === 'quantile')) {
    const f = parseGoFloat(value);
    if (f !== undefined) return formatOpenMetricsFloat(f);
  }
  return value;
}

/** Go's `%f` of a non-finite float, for messages such as "invalid timestamp NaN". */
export function formatGoF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return f.toFixed(6);
}
