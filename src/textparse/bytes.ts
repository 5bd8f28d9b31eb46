/**
 * Byte-level helpers shared by the parsers: UTF-8 validation with Go's rules, string
 * decoding from the body, the label-value unescaping of the text formats, and Go-style
 * quoting for error messages.
 */
import { Buffer } from 'node:buffer';

/** Node's native slice decoders; `toString(enc, s, e)` wraps them with argument checks that cost on hot paths. */
interface NativeSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** `buf[s, e)` as one char per byte: a fresh flat string, for keys and ASCII text. */
export function latin1(buf: Buffer, s: number, e: number): string {
  return (buf as unknown as NativeSlices).latin1Slice(s, e);
}

/** `buf[s, e)` decoded as UTF-8 (invalid sequences become U+FFFD). */
export function utf8(buf: Buffer, s: number, e: number): string {
  return (buf as unknown as NativeSlices).utf8Slice(s, e);
}

/** A Buffer view over the same memory (no copy), for Node's native string decoders. */
/** An empty body, for parsers that have let go of theirs. */
export const NO_BYTES = new Uint8Array(0);

export function bufferView(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** True when `b[s, e)` is valid UTF-8 as Go's `utf8.Valid` defines it (no surrogates, no overlongs). */
export function isValidUTF8(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = utf8SeqLen(b, i, e);
    if (n === 0) return false;
    i += n;
  }
  return true;
}

/** Length of the valid UTF-8 sequence starting at a non-ASCII byte `b[i]`, or 0 when invalid. */
function utf8SeqLen(b: Uint8Array, i: number, e: number): number {
  const c = b[i]!;
  if (c < 0xc2) return 0;
  if (c < 0xe0) {
    return i + 1 < e && (b[i + 1]! & 0xc0) === 0x80 ? 2 : 0;
  }
  if (c < 0xf0) {
    if (i + 2 >= e) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xe0 ? c1 < 0xa0 || c1 > 0xbf : c === 0xed ? c1 < 0x80 || c1 > 0x9f : (c1 & 0xc0) !== 0x80) return 0;
    return (b[i + 2]! & 0xc0) === 0x80 ? 3 : 0;
  }
  if (c < 0xf5) {
    if (i + 3 >= e) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xf0 ? c1 < 0x90 || c1 > 0xbf : c === 0xf4 ? c1 < 0x80 || c1 > 0x8f : (c1 & 0xc0) !== 0x80) return 0;
    return (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80 ? 4 : 0;
  }
  return 0;
}

/** True when any byte of `b[s, e)` is >= 0x80. */
export function hasHighBytes(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i]! >= 0x80) return true;
  return false;
}

/**
 * Decodes `b[s, e)` as UTF-8 into a fresh (flat) string. Bytes that are not valid UTF-8 become
 * lone surrogates (U+DC80..U+DCFF) instead of U+FFFD, so that label validation downstream
 * (`isValidLabelName`) can still tell that the input was not valid UTF-8.
 */
export function decodeUTF8(buf: Buffer, b: Uint8Array, s: number, e: number): string {
  if (e - s === 0) return '';
  if (!hasHighBytes(b, s, e)) return latin1(buf, s, e);
  if (isValidUTF8(b, s, e)) return utf8(buf, s, e);
  let out = '';
  let i = s;
  while (i < e) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    const n = utf8SeqLen(b, i, e);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + c);
      i++;
    } else {
      out += utf8(buf, i, i + n);
      i += n;
    }
  }
  return out;
}

/**
 * Decodes `b[s, e)` undoing the escapes of label values (and quoted names) in the text
 * formats: `\\` → `\`, `\"` → `"`, `\n` → newline, scanning left to right; any other
 * backslash sequence stays as written, backslash included.
 */
export function decodeEscaped(buf: Buffer, b: Uint8Array, s: number, e: number, withQuote: boolean): string {
  let bs = -1;
  for (let i = s; i < e; i++) {
    if (b[i] === 0x5c) {
      bs = i;
      break;
    }
  }
  if (bs < 0) return decodeUTF8(buf, b, s, e);
  const out = new Uint8Array(e - s);
  let o = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c === 0x5c && i + 1 < e) {
      const d = b[i + 1]!;
      if (d === 0x5c || (d === 0x22 && withQuote)) {
        out[o++] = d;
        i++;
        continue;
      }
      if (d === 0x6e) {
        out[o++] = 0x0a;
        i++;
        continue;
      }
    }
    out[o++] = c;
  }
  return decodeUTF8(bufferView(out), out, 0, o);
}

const HEX = '0123456789abcdef';

/** Go's `%q` of a byte slice: printable UTF-8 kept, common escapes, other bytes as `\xNN`. */
export function goQuoteBytes(b: Uint8Array, s: number, e: number): string {
  let out = '"';
  let i = s;
  while (i < e) {
    const c = b[i]!;
    if (c >= 0x80) {
      const n = utf8SeqLen(b, i, e);
      if (n === 0) {
        out += '\\x' + HEX[c >> 4]! + HEX[c & 15]!;
        i++;
      } else {
        out += utf8(bufferView(b), i, i + n);
        i += n;
      }
      continue;
    }
    out += quoteAscii(c);
    i++;
  }
  return out + '"';
}

/** Go's `%q` of a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x80 ? quoteAscii(c) : s.charAt(i);
  }
  return out + '"';
}

function quoteAscii(c: number): string {
  switch (c) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
    case 0x5c: return '\\\\';
    case 0x22: return '\\"';
    default:
      if (c < 0x20 || c === 0x7f) return '\\x' + HEX[c >> 4]! + HEX[c & 15]!;
      return String.fromCharCode(c);
  }
}
