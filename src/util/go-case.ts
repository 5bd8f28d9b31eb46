/**
 * Lower- and upper-casing as Go's `strings.ToLower`/`ToUpper` do: one code point at a time
 * with Unicode's simple mappings. JavaScript's own methods apply the full mappings, which
 * differ where one character becomes several (`ß` → `SS`, `İ` → `i̇`) or depends on context
 * (final sigma); those characters are handled here.
 */

export function goToLower(s: string): string {
  if (isPlainAscii(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const l = ch.toLowerCase();
    // Only U+0130 lower-cases to more than one code point; its simple mapping is 'i'.
    out += ch === '\u0130' ? 'i' : l;
  }
  return out;
}

export function goToUpper(s: string): string {
  if (isPlainAscii(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += isOneCodePoint(u) ? u : simpleUpper(ch);
  }
  return out;
}

/**
 * The simple upper-case mapping of a character whose full mapping has several code points:
 * the Greek letters with iota subscript map to their capital (title-case) forms; the rest
 * (ß, ŉ, ǰ, ligatures, ...) have no simple mapping and stay unchanged.
 */
function simpleUpper(ch: string): string {
  const c = ch.codePointAt(0)!;
  if ((c >= 0x1f80 && c <= 0x1faf) && (c & 0x8) === 0) return String.fromCodePoint(c + 8);
  if (c === 0x1fb3 || c === 0x1fc3 || c === 0x1ff3) return String.fromCodePoint(c + 9);
  return ch;
}

function isOneCodePoint(s: string): boolean {
  return s.length === 1 || (s.length === 2 && s.codePointAt(0)! > 0xffff);
}

function isPlainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}
