/**
 * Sample values. Prometheus marks the end of a series with a "stale" NaN of a fixed bit
 * pattern (0x7ff0000000000002). A JS number may lose a NaN's payload on its way through the
 * engine, so in memory staleness travels as an explicit flag; only codecs (WAL, chunks,
 * remote write) read and write the exact bits, with `isStaleNaNBits` / `STALE_NAN_BITS`.
 */

export const STALE_NAN_HI = 0x7ff00000;
export const STALE_NAN_LO = 0x00000002;

/** True when the two 32-bit halves of a float64 (big-endian order: hi, lo) are the stale marker. */
export function isStaleNaNBits(hi: number, lo: number): boolean {
  return hi === STALE_NAN_HI && lo === STALE_NAN_LO;
}

const scratchF = new Float64Array(1);
const scratchU = new Uint32Array(scratchF.buffer);
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LE ? 1 : 0;
const LO = LE ? 0 : 1;

/** Splits a float64 into its high and low 32-bit words, without bit operators on 64 bits. */
export function floatToWords(f: number, out: [number, number]): void {
  scratchF[0] = f;
  out[0] = scratchU[HI]!;
  out[1] = scratchU[LO]!;
}

export function wordsToFloat(hi: number, lo: number): number {
  scratchU[HI] = hi;
  scratchU[LO] = lo;
  return scratchF[0]!;
}

/**
 * Formats like Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which Prometheus's text
 * exposition uses: shortest round-trip digits, exponent form when the decimal exponent is
 * < -4 or >= 6 (so `20000` but `1.7e+09`), and Go's exponent spelling (`1e+06`, `1.5e-07`).
 */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const e = f.toExponential(); // shortest digits: "d.ddde±x"
  const i = e.indexOf('e');
  const mant = e.slice(0, i);
  const exp = Number(e.slice(i + 1));
  if (exp < -4 || exp >= 6) return mant + goExp(exp);
  return String(f);
}

/**
 * Formats a value as Prometheus's JSON API does: `'f'` notation with shortest digits unless
 * |f| < 1e-6 or |f| >= 1e21, then `'e'` notation with Go's exponent spelling.
 */
export function formatFloatAPI(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const e = f.toExponential();
    const i = e.indexOf('e');
    return e.slice(0, i) + goExp(Number(e.slice(i + 1)));
  }
  if (Object.is(f, -0)) return '-0';
  return String(f);
}

/**
 * Go's `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest digits that read back as `f`, never
 * with an exponent (`1e-10` is `0.0000000001`), as Prometheus prints a scalar query result.
 */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (Object.is(f, -0)) return '-0';
  const abs = Math.abs(f);
  if (abs === 0 || (abs >= 1e-6 && abs < 1e21)) return String(f);
  const e = abs.toExponential(); // "d.ddde±x": the shortest digits
  const i = e.indexOf('e');
  const digits = e.slice(0, i).replace('.', '');
  const exp = Number(e.slice(i + 1));
  let out: string;
  if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (exp >= digits.length - 1) out = digits + '0'.repeat(exp - (digits.length - 1));
  else out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  return f < 0 ? '-' + out : out;
}

function goExp(exp: number): string {
  const sign = exp < 0 ? '-' : '+';
  const a = Math.abs(exp);
  return 'e' + sign + (a < 10 ? '0' + String(a) : String(a));
}

/** Go's rule: underscores only between digits, or between a base prefix and a digit. */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
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

/**
 * Go's `strconv.ParseFloat(s, 64)` in full: decimal and exponent forms, an optional sign,
 * `Inf`/`Infinity`/`NaN` in any case (no sign on NaN), hexadecimal floats (`0x1.8p3`, which
 * need the `p` exponent) and digit separators (`1_000`); undefined when Go would return an
 * error (out-of-range literals included). Not for hot paths: exposition sample values are
 * parsed from bytes by textparse; this serves label values such as `le`/`quantile`.
 */
export function parseGoFloat(str: string): number | undefined {
  let s = str;
  if (s.length === 0) return undefined;
  let neg = false;
  let signed = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    signed = true;
    s = s.slice(1);
  }
  const low = s.toLowerCase();
  if (low === 'inf' || low === 'infinity') return neg ? -Infinity : Infinity;
  if (low === 'nan') return signed ? undefined : NaN;
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  const t = s.replaceAll('_', '');
  let v: number;
  if (t.length > 2 && t[0] === '0' && (t[1] === 'x' || t[1] === 'X')) {
    const h = parseHexFloat(t.slice(2));
    if (h === undefined) return undefined;
    v = h;
  } else {
    if (!DECIMAL.test(t)) return undefined;
    v = Number(t);
  }
  if (!Number.isFinite(v)) return undefined;
  return neg ? -v : v;
}

const DECIMAL = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX = /^([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/;

function parseHexFloat(s: string): number | undefined {
  const m = HEX.exec(s);
  if (m === null) return undefined;
  const int = m[1] ?? '', fr = m[2] ?? '';
  if (int.length + fr.length === 0) return undefined;
  let mant = 0;
  for (const ch of int + fr) mant = mant * 16 + parseInt(ch, 16);
  return mant * Math.pow(2, Number(m[3]) - 4 * fr.length);
}
