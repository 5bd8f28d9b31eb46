/**
 * Go's string order: by the bytes of the UTF-8 encoding, which is code point order. JS's `<`
 * compares UTF-16 code units and disagrees for characters above U+FFFF (surrogate pairs)
 * against U+E000..U+FFFF. Everything that must sort as Prometheus and Alertmanager sort
 * (index symbols and postings, label names and values in API answers, template output) uses
 * this order.
 */

/** <0, 0 or >0 as `a` sorts before, with or after `b` in UTF-8 byte order. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates encode code points above U+FFFF: move them above U+E000..U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
