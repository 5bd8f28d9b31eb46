/**
 * Go's formatting where promtool's TSDB commands print through it: `text/tabwriter`
 * tables, `strconv.Quote`, `encoding/json` strings, `units.Base2Bytes`, `time.Time` and
 * `time.Duration` strings, `%Nd` padding. Output of the commands is compared byte for byte
 * with promtool's, so each follows Go's rules rather than a JS look-alike.
 */
import { formatGoDuration } from '../../model/index.js';

/**
 * Lays out tab-separated rows as Go's tabwriter does with flags 0 and a space pad
 * character: every tab-terminated cell is padded to its column's width, which is the
 * widest cell plus `padding`, at least `minWidth`; the text after a row's last tab is not
 * part of a column. All rows form one column block (each row has the same cells).
 */
export function tabwriterTable(rows: readonly (readonly string[])[], minWidth: number, padding: number): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (let j = 0; j < r.length - 1; j++) {
      const w = runeCount(r[j]!) + padding;
      if (w > (widths[j] ?? minWidth)) widths[j] = w;
      else widths[j] ??= minWidth;
    }
  }
  let out = '';
  for (const r of rows) {
    for (let j = 0; j < r.length - 1; j++) out += r[j]! + ' '.repeat(widths[j]! - runeCount(r[j]!));
    out += (r[r.length - 1] ?? '') + '\n';
  }
  return out;
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space. */
function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** Go's `strconv.Quote`. Lone surrogates (bytes that were not valid UTF-8) print as `\ufffd`. */
export function goQuote(s: string): string {
  if (/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x22 || cp === 0x5c) { out += '\\' + ch; continue; }
    if (cp >= 0xd800 && cp <= 0xdfff) { out += '\\ufffd'; continue; }
    if (isPrint(cp)) { out += ch; continue; }
    switch (cp) {
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x0b: out += '\\v'; break;
      default:
        if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
        else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
        else out += `\\U${hex(cp, 8)}`;
    }
  }
  return out + '"';
}

/**
 * A string as Go's `encoding/json` encodes it by default: HTML-safe (`<`, `>`, `&` as
 * `\u003c`...), short escapes for `\b \f \n \r \t`, other control characters as `\u00XX`,
 * U+2028/U+2029 escaped, invalid UTF-16 as `\ufffd`.
 */
export function goJSONString(s: string): string {
  if (/^[\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]*$/.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22: out += '\\"'; continue;
      case 0x5c: out += '\\\\'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x3c: case 0x3e: case 0x26: case 0x2028: case 0x2029:
        out += `\\u${hex(c, 4)}`; continue;
    }
    if (c < 0x20) { out += `\\u${hex(c, 4)}`; continue; }
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { out += s[i]! + s[i + 1]!; i++; continue; }
      out += '\\ufffd';
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) { out += '\\ufffd'; continue; }
    out += s[i]!;
  }
  return out + '"';
}

const SI = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** `units.Base2Bytes(n).String()` of github.com/alecthomas/units: `38KiB523B`, `2MiB`, `0B`. */
export function base2Bytes(n: number): string {
  const parts: string[] = [];
  let rest = n;
  for (let i = 0; i < SI.length; i++) {
    const r = rest % 1024;
    if (r !== 0 || (i === 0 && rest === 0)) parts.unshift(`${r}${SI[i]!}${i === 0 ? 'B' : 'iB'}`);
    rest = Math.trunc(rest / 1024);
    if (rest === 0) break;
  }
  return parts.join('');
}

/** `time.Unix(ms/1000, 0).UTC().String()`: `2023-11-14 22:13:20 +0000 UTC` (division truncates). */
export function goUnixSecondsUTC(ms: number): string {
  const sec = Math.trunc(ms / 1000);
  const d = new Date(sec * 1000);
  const y = d.getUTCFullYear();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const year = y < 0 ? '-' + String(-y).padStart(4, '0') : String(y).padStart(4, '0');
  return `${year}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000 UTC`;
}

/** `time.Duration(ms * time.Millisecond).String()`. */
export function goDurationString(ms: number): string {
  return formatGoDuration(ms);
}

/** `%*d`: the integer right-aligned in `width` columns. */
export function padIntLeft(n: number, width: number): string {
  return String(n).padStart(width, ' ');
}

/**
 * Go's `time.ParseDuration`, in milliseconds (sub-millisecond parts truncated, as
 * `d / time.Millisecond` does): `24h`, `1h30m`, `1.5h`, `500ms`, `90s`. Throws with Go's
 * message (`time: invalid duration "x"`) on bad input.
 */
export function parseGoDuration(s: string): number {
  const bad = (): Error => new Error(`time: invalid duration ${goQuote(s)}`);
  let rest = s;
  let neg = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw bad();
  let totalNs = 0;
  const units: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    const intPart = m[1] ?? '', frac = m[2];
    if (intPart === '' && (frac === undefined || frac === '')) throw bad();
    rest = rest.slice(m[0].length);
    const u = /^[^\d.]+/.exec(rest);
    if (u === null) throw new Error(`time: missing unit in duration ${goQuote(s)}`);
    const unit = units[u[0]];
    if (unit === undefined) throw new Error(`time: unknown unit ${goQuote(u[0])} in duration ${goQuote(s)}`);
    rest = rest.slice(u[0].length);
    totalNs += Number(intPart === '' ? '0' : intPart) * unit;
    if (frac !== undefined && frac !== '') totalNs += Math.floor(Number('0.' + frac) * unit);
    if (totalNs > 2 ** 63) throw bad();
  }
  const ms = Math.trunc(totalNs / 1e6);
  return neg ? -ms : ms;
}

/**
 * Go's `strconv.ParseInt(s, 0, 64)` (kingpin's Int64 flags): decimal, `0x`/`0o`/`0b`/`0`
 * prefixes, `_` separators after a prefix. The result is a JS number (±2^63 at the ends).
 * Throws with Go's message.
 */
export function parseGoInt64(s: string): number {
  const fail = (why: string): Error => new Error(`strconv.ParseInt: parsing ${goQuote(s)}: ${why}`);
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9]*)$/.exec(s);
  if (m === null) throw fail('invalid syntax');
  const body = m[2]!;
  const hasPrefix = /^0[xXoObB]/.test(body) || (body.length > 1 && body[0] === '0');
  if (body.includes('_') && (!hasPrefix || /__|_$/.test(body) || /^0[xXoObB]?_?$/.test(body))) throw fail('invalid syntax');
  let digits = body.replace(/_/g, '');
  if (/^0[0-7]+$/.test(digits)) digits = '0o' + digits.slice(1);
  const v = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  if (v > 9223372036854775807n || v < -9223372036854775808n) throw fail('value out of range');
  return Number(v);
}
