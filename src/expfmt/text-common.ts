/**
 * Pieces shared by the text encoders (Prometheus text and OpenMetrics): number spelling,
 * string escaping, names that are quoted when they are not legacy-valid, and label sets.
 */
import { formatFloatG } from '../model/index.js';
import { isValidLegacyName } from './escape.js';
import type { LabelPair } from './model.js';

/** Where text encoders append. A plain string builder: V8 concatenation is cheap. */
export class TextOut {
  s = '';
}

/** Text-format float: Go's 'g' shortest form, with `+Inf`, `-Inf`, `NaN`, and `0` for -0. */
export function textFloat(f: number): string {
  return f === 0 ? '0' : formatFloatG(f);
}

/** OpenMetrics float: as `textFloat`, with `.0` added when there is neither `.` nor `e`. */
export function openMetricsFloat(f: number): string {
  if (f === 0) return '0.0';
  if (!Number.isFinite(f)) return formatFloatG(f);
  const s = formatFloatG(f);
  return s.includes('.') || s.includes('e') ? s : s + '.0';
}

const NEEDS_ESCAPE = /[\\\n"]/;

/** Escapes backslash and line feed, and with `quote` the double quote too. */
export function escapeString(v: string, quote: boolean): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  let out = '';
  let from = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    let rep: string;
    if (c === 0x5c) rep = '\\\\';
    else if (c === 0x0a) rep = '\\n';
    else if (c === 0x22 && quote) rep = '\\"';
    else continue;
    out += v.slice(from, i) + rep;
    from = i + 1;
  }
  return out + v.slice(from);
}

/** A metric or label name: as is when legacy-valid, else double-quoted and escaped. */
export function textName(name: string): string {
  return isValidLegacyName(name) ? name : '"' + escapeString(name, true) + '"';
}

/**
 * `name{l1="v1",...,extra="x"}`: a name that is not legacy-valid goes quoted inside the
 * braces, first. Nothing in braces when there are no labels (and the name is legacy-valid).
 * `extraName` ('' for none) is written bare with `extraValue` formatted by `fmt`.
 */
export function nameAndLabels(
  name: string, labels: readonly LabelPair[], extraName: string, extraValue: number, fmt: (f: number) => string,
): string {
  let s = '';
  let sep = '{';
  let inside = false;
  if (name !== '') {
    if (!isValidLegacyName(name)) {
      inside = true;
      s += '{';
      sep = ',';
    }
    s += textName(name);
  }
  if (labels.length === 0 && extraName === '') return inside ? s + '}' : s;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    s += sep + textName(l.name) + '="' + escapeString(l.value, true) + '"';
    sep = ',';
  }
  if (extraName !== '') s += sep + extraName + '="' + fmt(extraValue) + '"';
  return s + '}';
}

/** A uint64 count as decimal digits (counts are integers below 2^64). */
export function uintText(n: number): string {
  if (Number.isInteger(n) && n >= 0) return String(n);
  return n > 0 ? String(Math.trunc(n)) : '0';
}
