/**
 * Sorted string lists as label names and values travel: in byte order of their UTF-8
 * encoding (Go's string order), which JS's `<` on UTF-16 code units does not give for
 * characters above U+FFFF.
 */
import { compareUtf8 } from '../../util/utf8-order.js';

/** The sorted union of two sorted lists without duplicates. */
export function mergeStrings(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    const c = compareUtf8(a[i]!, b[j]!);
    if (c === 0) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (c < 0) {
      out.push(a[i++]!);
    } else {
      out.push(b[j++]!);
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
