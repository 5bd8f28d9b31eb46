/**
 * A small process-wide table of recently seen ASCII names (metric and label names), so that
 * the label sets built for new series share one string per distinct name instead of one per
 * series, as Prometheus's symbol table does. Lossy: a colliding name replaces the slot.
 */
import type { Buffer } from 'node:buffer';
import { latin1 } from './bytes.js';

const SIZE = 4096;
const MAX_LEN = 64;
const slots: (string | undefined)[] = new Array<string | undefined>(SIZE).fill(undefined);

/** The string for the ASCII bytes `b[s, e)`, shared with earlier calls for the same bytes. */
export function internAscii(buf: Buffer, b: Uint8Array, s: number, e: number): string {
  const n = e - s;
  if (n > MAX_LEN) return latin1(buf, s, e);
  let h = n;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const slot = (h ^ (h >>> 15)) & (SIZE - 1);
  const cand = slots[slot];
  if (cand !== undefined && cand.length === n) {
    let k = 0;
    while (k < n && cand.charCodeAt(k) === b[s + k]) k++;
    if (k === n) return cand;
  }
  const str = latin1(buf, s, e);
  slots[slot] = str;
  return str;
}
