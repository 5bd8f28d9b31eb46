/**
 * Escapers: text/template's `html`, `js` and `urlquery` builtins (Go's HTMLEscapeString,
 * JSEscapeString, url.QueryEscape) and html/template's text-context escaper.
 */
import { isPrint } from './strconv.js';

/** Go's `template.HTMLEscapeString`. */
export function htmlEscapeString(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '\0': out += '\uFFFD'; break;
      case '"': out += '&#34;'; break;
      case "'": out += '&#39;'; break;
      case '&': out += '&amp;'; break;
      case '<': out += '&lt;'; break;
      case '>': out += '&gt;'; break;
      default: out += ch;
    }
  }
  return out;
}

/** html/template's escaper for HTML text: also escapes `+` and maps NUL to U+FFFD. */
export function htmlTemplateEscape(s: string): string {
  if (!/['"&<>+\0]/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '\0': out += '\uFFFD'; break;
      case '"': out += '&#34;'; break;
      case "'": out += '&#39;'; break;
      case '&': out += '&amp;'; break;
      case '+': out += '&#43;'; break;
      case '<': out += '&lt;'; break;
      case '>': out += '&gt;'; break;
      default: out += ch;
    }
  }
  return out;
}

const HEX_UPPER = '0123456789ABCDEF';

/** Go's `template.JSEscapeString`. */
export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      switch (ch) {
        case '\\': out += '\\\\'; continue;
        case "'": out += "\\'"; continue;
        case '"': out += '\\"'; continue;
        case '<': out += '\\u003C'; continue;
        case '>': out += '\\u003E'; continue;
        case '&': out += '\\u0026'; continue;
        case '=': out += '\\u003D'; continue;
        default:
          if (c < 0x20) out += '\\u00' + HEX_UPPER[c >> 4]! + HEX_UPPER[c & 15]!;
          else out += ch;
          continue;
      }
    }
    const r = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
    if (isPrint(r)) out += String.fromCodePoint(r);
    else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** Go's `url.QueryEscape`: only unreserved characters stay, space becomes '+'. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) {
      out += '+';
    } else {
      out += '%' + HEX_UPPER[b >> 4]! + HEX_UPPER[b & 15]!;
    }
  }
  return out;
}
