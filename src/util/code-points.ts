/**
 * Strings as runs of Unicode code points, for algorithms that count characters the way Go
 * counts runes (positions, lengths, per-character comparisons). A JS string holds UTF-16
 * units, and a character above U+FFFF takes two of them; these helpers hide that.
 */

/** True when `s` has no UTF-16 surrogate, i.e. every unit is one code point. */
export function isBMP(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return false;
  }
  return true;
}

/** The number of code points in `s` (a lone surrogate counts as one). */
export function codePointCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The code points of `s`, in an array of their own. */
export function codePointsOf(s: string): Uint32Array {
  const cp = new CodePoints(s.length);
  return cp.codes.slice(0, cp.load(s));
}

/**
 * A reusable buffer of code points. `load` overwrites it; `codes` may be replaced by a larger
 * array on a load, so read it after loading. Not for sharing between two users at once.
 */
export class CodePoints {
  codes: Uint32Array;
  length = 0;

  constructor(capacity = 64) {
    this.codes = new Uint32Array(capacity);
  }

  /** Loads the code points of `s` and returns their number. */
  load(s: string): number {
    if (this.codes.length < s.length) this.codes = new Uint32Array(Math.max(s.length, this.codes.length * 2));
    const out = this.codes;
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      }
      out[n++] = c;
    }
    this.length = n;
    return n;
  }
}
