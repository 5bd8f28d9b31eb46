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

function goExp(exp: number): string {
  const sign = exp < 0 ? '-' : '+';
  const a = Math.abs(exp);
  return 'e' + sign + (a < 10 ? '0' + String(a) : String(a));
}

/**
 * Parses a float as Go's `strconv.ParseFloat` accepts it in exposition formats: decimal and
 * exponent forms, optional sign, `Inf`/`+Inf`/`-Inf`/`NaN` in any case, underscores not
 * allowed. Returns undefined when the text is not a number. (Hex floats are rejected here;
 * callers that accept them check separately.)
 */
export function parseGoFloat(s: string): number | undefined {
  if (s.length === 0) return undefined;
  const c0 = s.charCodeAt(0);
  let body = s;
  let neg = false;
  if (c0 === 0x2b || c0 === 0x2d) { body = s.slice(1); neg = c0 === 0x2d; }
  const lower = body.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return neg ? -Infinity : Infinity;
  if (lower === 'nan') return body.length === s.length ? NaN : undefined; // Go takes no sign on NaN
  if (!FLOAT_RE.test(body)) return undefined;
  const v = Number(body);
  return neg ? -v : v;
}

const FLOAT_RE = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
