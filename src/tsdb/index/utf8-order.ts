/**
 * Byte-wise string order, as Go compares strings. The index sorts symbols, label sets and
 * postings offset entries by their UTF-8 bytes; JS's `<` compares UTF-16 code units, which
 * disagrees for characters above U+FFFF against U+E000..U+FFFF. Reading or writing an
 * index must use this order so that lookups agree with files written by Prometheus.
 */
import type { Labels } from '../../model/index.js';
import { compareUtf8 } from '../../util/utf8-order.js';

export { compareUtf8 };


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
