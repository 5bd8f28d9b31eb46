/**
 * Byte-wise string order, as Go compares strings. The index sorts symbols, label sets and
 * postings offset entries by their UTF-8 bytes; JS's `<` compares UTF-16 code units, which
 * disagrees for characters above U+FFFF against U+E000..U+FFFF. Reading or writing an
 * index must use this order so that lookups agree with files written by Prometheus.
 */
import type { Labels } from '../../model/index.js';

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

/** Label sets ordered as Prometheus's `labels.Compare`, with byte-wise string order. */
export function compareLabelsUtf8(x: Labels, y: Labels): number {
  const nx = x.length, ny = y.length;
  const n = Math.min(nx, ny);
  for (let i = 0; i < n; i++) {
    const c = compareUtf8(x.nameAt(i), y.nameAt(i));
    if (c !== 0) return c;
    const d = compareUtf8(x.valueAt(i), y.valueAt(i));
    if (d !== 0) return d;
  }
  return nx - ny;
}
