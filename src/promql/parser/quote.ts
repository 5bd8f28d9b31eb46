/**
 * String quoting and unquoting with Go's rules, as PromQL uses them: Go-style escapes in
 * '...' and "..." literals (single quotes behave like double quotes), raw `...` literals,
 * and Go's `strconv.Quote` for printing.
 *
 * Byte strings: PromQL strings are byte strings, and `\xNN` / octal escapes may produce
 * bytes that are not valid UTF-8. Such bytes are carried as the lone low surrogates
 * U+DC80..U+DCFF (byte 0x80 + n maps to U+DC80 + n), as Python's "surrogateescape" does.
 * Valid UTF-8 never decodes to lone surrogates, so the mapping is lossless; `goQuote` prints
 * them back as `\xNN`, and label-name validation treats them as invalid UTF-8.
 */

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function appendEscaped(out: string[], cp: number, quote: number): void {
  if (cp === quote || cp === 0x5c) { out.push('\\', String.fromCharCode(cp)); return; }
  if (cp >= 0xdc80 && cp <= 0xdcff) { out.push(`\\x${hex(cp - 0xdc00, 2)}`); return; }
  if (cp >= 0xd800 && cp <= 0xdfff) { out.push('\\ufffd'); return; }
  if (isPrint(cp)) { out.push(String.fromCodePoint(cp)); return; }
  switch (cp) {
    case 0x07: out.push('\\a'); return;
    case 0x08: out.push('\\b'); return;
    case 0x0c: out.push('\\f'); return;
    case 0x0a: out.push('\\n'); return;
    case 0x0d: out.push('\\r'); return;
    case 0x09: out.push('\\t'); return;
    case 0x0b: out.push('\\v'); return;
    default:
      if (cp < 0x20 || cp === 0x7f) out.push(`\\x${hex(cp, 2)}`);
      else if (cp < 0x10000) out.push(`\\u${hex(cp, 4)}`);
      else out.push(`\\U${hex(cp, 8)}`);
  }
}

/** Go's `strconv.Quote` (the `%q` verb for strings). */
export function goQuote(s: string): string {
  // Fast path: printable ASCII without quotes or backslashes.
  if (/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(s)) return `"${s}"`;
  const out: string[] = ['"'];
  for (const ch of s) appendEscaped(out, ch.codePointAt(0)!, 0x22);
  out.push('"');
  return out.join('');
}

/** Go's `strconv.QuoteRune` (the `%q` verb for a rune); -1 (end of input) prints as U+FFFD. */
export function goQuoteRune(cp: number): string {
  const out: string[] = ["'"];
  appendEscaped(out, cp < 0 || cp > 0x10ffff ? 0xfffd : cp, 0x27);
  out.push("'");
  return out.join('');
}

/** Go's `%#U` verb: `U+0063 'c'`, or just `U+0007` for unprintable runes. */
export function goUnicodeSharp(cp: number): string {
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return isPrint(cp) ? `${code} '${String.fromCodePoint(cp)}'` : code;
}

export class UnquoteError extends Error {
  override readonly name = 'UnquoteError';
  constructor() { super('invalid syntax'); }
}

const hexVal = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;

/**
 * Interprets a quoted PromQL string literal (with its quotes) and returns its value, as
 * Prometheus's `strutil.Unquote` does. Throws `UnquoteError` ("invalid syntax").
 */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new UnquoteError();
  const q = s.charCodeAt(0);
  if (q !== s.charCodeAt(n - 1)) throw new UnquoteError();
  const body = s.slice(1, n - 1);
  if (q === 0x60) {
    if (body.includes('`')) throw new UnquoteError();
    return body;
  }
  if (q !== 0x22 && q !== 0x27) throw new UnquoteError();
  if (body.includes('\n')) throw new UnquoteError();
  if (!body.includes('\\') && !body.includes(String.fromCharCode(q))) return body;

  // Bytes from \x and octal escapes are collected as raw bytes and decoded at the end.
  let bytes: number[] | null = null;
  let out = '';
  const flushChar = (cp: number): void => {
    if (bytes === null) out += String.fromCodePoint(cp);
    else pushUtf8(bytes, cp);
  };
  const pushByte = (b: number): void => {
    if (bytes === null) {
      if (b < 0x80) { out += String.fromCharCode(b); return; }
      bytes = [];
      pushUtf8String(bytes, out);
    }
    bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const c = body.charCodeAt(i);
    if (c === q) throw new UnquoteError();
    if (c !== 0x5c) {
      const cp = body.codePointAt(i)!;
      flushChar(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    if (i + 1 >= body.length) throw new UnquoteError();
    const e = body[i + 1]!;
    i += 2;
    switch (e) {
      case 'a': flushChar(7); break;
      case 'b': flushChar(8); break;
      case 'f': flushChar(12); break;
      case 'n': flushChar(10); break;
      case 'r': flushChar(13); break;
      case 't': flushChar(9); break;
      case 'v': flushChar(11); break;
      case '\\': flushChar(0x5c); break;
      case "'": case '"':
        if (e.charCodeAt(0) !== q) throw new UnquoteError();
        flushChar(e.charCodeAt(0));
        break;
      case 'x': case 'u': case 'U': {
        const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        if (i + width > body.length) throw new UnquoteError();
        let v = 0;
        for (let j = 0; j < width; j++) {
          const d = hexVal(body.charCodeAt(i + j));
          if (d < 0) throw new UnquoteError();
          v = v * 16 + d;
        }
        i += width;
        if (e === 'x') { pushByte(v); break; }
        if (v > 0x10ffff) throw new UnquoteError();
        // Go encodes surrogate code points as U+FFFD.
        flushChar(v >= 0xd800 && v <= 0xdfff ? 0xfffd : v);
        break;
      }
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        let v = e.charCodeAt(0) - 0x30;
        if (i + 2 > body.length) throw new UnquoteError();
        for (let j = 0; j < 2; j++) {
          const d = body.charCodeAt(i + j) - 0x30;
          if (d < 0 || d > 7) throw new UnquoteError();
          v = v * 8 + d;
        }
        i += 2;
        if (v > 255) throw new UnquoteError();
        pushByte(v);
        break;
      }
      default:
        throw new UnquoteError();
    }
  }
  return bytes === null ? out : decodeUtf8Escaped(bytes);
}

function pushUtf8(out: number[], cp: number): void {
  if (cp >= 0xdc80 && cp <= 0xdcff) { out.push(cp - 0xdc00); return; }
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

function pushUtf8String(out: number[], s: string): void {
  for (const ch of s) pushUtf8(out, ch.codePointAt(0)!);
}

/** Decodes UTF-8 bytes; each byte that is not part of a valid sequence becomes U+DC80+byte. */
export function decodeUtf8Escaped(b: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need = 0, cp = 0, min = 0;
    if (c < 0x80) { out += String.fromCharCode(c); i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; min = 0x10000; }
    let ok = need > 0 && i + need < b.length;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const cc = b[i + k];
        if (cc === undefined || (cc & 0xc0) !== 0x80) { ok = false; break; }
        cp = (cp << 6) | (cc & 0x3f);
      }
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (ok) { out += String.fromCodePoint(cp); i += need + 1; } else { out += String.fromCharCode(0xdc00 + c); i++; }
  }
  return out;
}

/** Whether a string holds only valid UTF-8 text (no escaped raw bytes or lone surrogates). */
export function isValidUtf8(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
