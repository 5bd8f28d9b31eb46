/**
 * Strings out of protobuf bytes, and Go's quoting of them for error messages.
 *
 * Prometheus's protobuf code does not check UTF-8 while decoding; label validation does,
 * later. So decoding must keep a string whose bytes were not valid UTF-8 distinguishable:
 * invalid bytes become lone surrogates U+DC80..U+DCFF (a valid UTF-8 input can never yield a
 * lone surrogate in JS), `ByteStrings.valid` tells the caller, and `quoteGo` prints those
 * bytes back as `\xNN`, as Go's `strconv.Quote` does.
 */
import { Buffer, isUtf8 } from 'node:buffer';

/** Node's native slice decoders; `toString(enc, s, e)` adds argument checks that cost on hot paths. */
interface NativeSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Strings up to this many bytes are interned. */
const INTERN_MAX_LEN = 40;
/** Table size − 1 (a power of two): 16k strings at most, a few hundred KiB. */
const INTERN_MASK = (1 << 14) - 1;

/**
 * Decodes strings from one body. `str` returns a fresh string and sets `valid`. Not for
 * concurrent use (one per decoder).
 */
export class ByteStrings {
  #b: Uint8Array = new Uint8Array(0);
  #slices: NativeSlices = Buffer.alloc(0) as unknown as NativeSlices;
  /** Whether the last decoded string was valid UTF-8. */
  valid = true;
  /** Short ASCII strings seen before, by a hash of their bytes (kept across bodies). */
  readonly #interned: (string | undefined)[] = new Array<string | undefined>(INTERN_MASK + 1);

  /** Points the decoder at a body; the body must stay unchanged while strings are decoded. */
  reset(b: Uint8Array): void {
    this.#b = b;
    this.#slices = Buffer.from(b.buffer, b.byteOffset, b.byteLength) as unknown as NativeSlices;
  }

  /** The bytes `[s, e)` as one char per byte: a fresh string, for keys. */
  latin1(s: number, e: number): string {
    return this.#slices.latin1Slice(s, e);
  }

  /** The bytes `[s, e)` of the body as a string. */
  str(s: number, e: number): string {
    this.valid = true;
    if (s === e) return '';
    const b = this.#b;
    const n = e - s;
    if (n <= INTERN_MAX_LEN) {
      // Label names and most values repeat across series and requests: short ASCII strings
      // come from a table keyed by a hash of their bytes, checked byte for byte.
      let h = 0x811c9dc5;
      let i = s;
      for (; i < e; i++) {
        const c = b[i]!;
        if (c >= 0x80) break;
        h = Math.imul(h ^ c, 0x01000193);
      }
      if (i === e) {
        const slot = (h ^ (h >>> 15) ^ n) & INTERN_MASK;
        const cached = this.#interned[slot];
        if (cached !== undefined && cached.length === n) {
          let k = 0;
          while (k < n && cached.charCodeAt(k) === b[s + k]) k++;
          if (k === n) return cached;
        }
        const str = this.#slices.latin1Slice(s, e);
        this.#interned[slot] = str;
        return str;
      }
    } else {
      let i = s;
      while (i < e && b[i]! < 0x80) i++;
      if (i === e) return this.#slices.latin1Slice(s, e);
    }
    if (isUtf8(b.subarray(s, e))) return this.#slices.utf8Slice(s, e);
    this.valid = false;
    return escapeInvalid(b, s, e);
  }
}


/** Decodes with each byte that is not part of a valid UTF-8 sequence as U+DC00 + byte. */
function escapeInvalid(b: Uint8Array, s: number, e: number): string {
  let out = '';
  let i = s;
  while (i < e) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : seqLen(b, i, e);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + c);
      i++;
      continue;
    }
    out += Buffer.from(b.buffer, b.byteOffset + i, n).toString('utf8');
    i += n;
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at the non-ASCII byte `b[i]` (Go's rules), or 0. */
function seqLen(b: Uint8Array, i: number, e: number): number {
  const c = b[i]!;
  const cont = (k: number): boolean => i + k < e && (b[i + k]! & 0xc0) === 0x80;
  if (c < 0xc2) return 0;
  if (c < 0xe0) return cont(1) ? 2 : 0;
  if (c < 0xf0) {
    if (i + 2 >= e) return 0;
    const c1 = b[i + 1]!;
    const ok1 = c === 0xe0 ? c1 >= 0xa0 && c1 <= 0xbf : c === 0xed ? c1 >= 0x80 && c1 <= 0x9f : (c1 & 0xc0) === 0x80;
    return ok1 && cont(2) ? 3 : 0;
  }
  if (c < 0xf5) {
    if (i + 3 >= e) return 0;
    const c1 = b[i + 1]!;
    const ok1 = c === 0xf0 ? c1 >= 0x90 && c1 <= 0xbf : c === 0xf4 ? c1 >= 0x80 && c1 <= 0x8f : (c1 & 0xc0) === 0x80;
    return ok1 && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

const HEX = '0123456789abcdef';

/**
 * Go's `strconv.Quote`: double quotes, the usual backslash escapes, `\xNN` for other ASCII
 * controls and for bytes that were not valid UTF-8 (lone surrogates from `ByteStrings`),
 * `\u`/`\U` for other non-printable code points (C1 controls, separators, format chars).
 */
export function quoteGo(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22: out += '\\"'; continue;
      case 0x5c: out += '\\\\'; continue;
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) {
      out += '\\x' + HEX[c >> 4]! + HEX[c & 15]!;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c < 0xdc00 && d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else {
        // An escaped invalid byte (U+DC80..U+DCFF); anything else cannot come from a decoder.
        const byte = c & 0xff;
        out += '\\x' + HEX[byte >> 4]! + HEX[byte & 15]!;
      }
    } else if ((c >= 0x80 && c < 0xa0) || c === 0xad || (c >= 0x2028 && c <= 0x2029) || c === 0xfeff) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else {
      out += s[i]!;
    }
  }
  return out + '"';
}

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A label set as Prometheus's `Labels.String()` prints it: `{__name__="up", job="x"}`, names
 * that are not legacy-valid quoted. Takes a flat `[n0, v0, n1, v1, ...]` array, which may hold
 * duplicates or invalid strings (error messages print what was received).
 */
export function formatLabelPairs(a: readonly string[], start: number, end: number): string {
  let s = '{';
  for (let i = start; i < end; i += 2) {
    if (i > start) s += ', ';
    const n = a[i]!;
    s += LEGACY_NAME.test(n) ? n : quoteGo(n);
    s += '=' + quoteGo(a[i + 1]!);
  }
  return s + '}';
}
