/**
 * Go number and time formatting that PromQL results and messages depend on:
 * `strconv.FormatFloat(f, 'f', -1, 64)` (count_values labels), `%.<n>g`, OpenMetrics floats
 * (histogram_quantiles labels) and RFC 3339 times.
 */
import { formatFloatG } from '../../model/index.js';

/** Shortest round-trip decimal digits of |f| (f finite, non-zero) and the decimal point position. */
function shortestDigits(f: number): { digits: string; dp: number } {
  return splitExponential(Math.abs(f).toExponential());
}

function splitExponential(e: string): { digits: string; dp: number } {
  const i = e.indexOf('e');
  let digits = e.slice(0, i).replace('.', '');
  digits = digits.replace(/0+$/, '');
  if (digits === '') digits = '0';
  return { digits, dp: Number(e.slice(i + 1)) + 1 };
}

/** Go's fmtF: the digits with `decimals` digits after the point. */
function fixedFromDigits(neg: boolean, digits: string, dp: number, decimals: number): string {
  let s = neg ? '-' : '';
  if (dp > 0) {
    for (let i = 0; i < dp; i++) s += i < digits.length ? digits.charAt(i) : '0';
  } else {
    s += '0';
  }
  if (decimals > 0) {
    s += '.';
    for (let i = 0; i < decimals; i++) {
      const j = dp + i;
      s += j >= 0 && j < digits.length ? digits.charAt(j) : '0';
    }
  }
  return s;
}

function goExp(exp: number): string {
  const a = Math.abs(exp);
  return 'e' + (exp < 0 ? '-' : '+') + (a < 10 ? '0' + String(a) : String(a));
}

function special(f: number): string | null {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return null;
}

/** Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatFloatF(f: number): string {
  const sp = special(f);
  if (sp !== null) return sp;
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const { digits, dp } = shortestDigits(f);
  return fixedFromDigits(f < 0, digits, dp, Math.max(digits.length - dp, 0));
}

/** Go's `%.<prec>g`. */
export function formatGoFloatPrec(f: number, prec: number): string {
  const sp = special(f);
  if (sp !== null) return sp;
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const p0 = Math.max(prec, 1);
  const { digits, dp } = splitExponential(Math.abs(f).toExponential(p0 - 1));
  const nd = digits.length;
  let eprec = p0;
  if (eprec > nd && nd >= dp) eprec = nd;
  const exp = dp - 1;
  const neg = f < 0 ? '-' : '';
  if (exp < -4 || exp >= eprec) {
    const p = Math.min(p0, nd);
    return neg + digits[0]! + (p > 1 ? '.' + digits.slice(1, p) : '') + goExp(exp);
  }
  const p = p0 > dp ? nd : p0;
  return fixedFromDigits(f < 0, digits, dp, Math.max(p - dp, 0));
}

/** Prometheus's `labels.FormatOpenMetricsFloat`: Go's shortest %g, with `.0` added to integers. */
export function formatOpenMetricsFloat(f: number): string {
  const s = formatFloatG(f);
  if (special(f) !== null) return s;
  return s.includes('e') || s.includes('.') ? s : s + '.0';
}

/** `time.Unix(sec, 0).UTC().Format(time.RFC3339)`. */
export function formatRFC3339Seconds(sec: number): string {
  const d = new Date(sec * 1000);
  if (Number.isNaN(d.getTime())) return String(sec);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
