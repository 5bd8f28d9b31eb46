/**
 * Small process-wide tables of recently seen ASCII strings, so that the label sets built for
 * new series share one string per distinct name or short value instead of one per series,
 * as Prometheus's symbol table does: `le="0.5"` or `method="GET"` on thousands of series cost
 * one string each. Lossy: a colliding string replaces the slot. Names and values have tables
 * of their own, so that a target with many distinct values does not push the names out.
 */
import type { Buffer } from 'node:buffer';
import { latin1 } from './bytes.js';

const MAX_LEN = 64;

class InternTable {
  readonly #slots: (string | undefined)[];
  readonly #mask: number;

  constructor(size: number) {
    this.#slots = new Array<string | undefined>(size).fill(undefined);
    this.#mask = size - 1;
  }

  /** The string for the ASCII bytes `b[s, e)` (`buf` views the same memory). */
  bytes(buf: Buffer, b: Uint8Array, s: number, e: number): string {
    const n = e - s;
    if (n > MAX_LEN) return latin1(buf, s, e);
    let h = n;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    const slot = (h ^ (h >>> 15)) & this.#mask;
    const cand = this.#slots[slot];
    if (cand !== undefined && cand.length === n) {
      let k = 0;
      while (k < n && cand.charCodeAt(k) === b[s + k]) k++;
      if (k === n) return cand;
    }
    const str = latin1(buf, s, e);
    this.#slots[slot] = str;
    return str;
  }

  /** The shared string equal to `str` (a Latin-1 string made elsewhere), hashed as `bytes` hashes. */
  string(str: string): string {
    const n = str.length;
    if (n > MAX_LEN) return str;
    let h = n;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ str.charCodeAt(i), 0x01000193);
    const slot = (h ^ (h >>> 15)) & this.#mask;
    const cand = this.#slots[slot];
    if (cand === str) return cand;
    this.#slots[slot] = str;
    return str;
  }
}

const NAMES = new InternTable(4096);
const VALUES = new InternTable(8192);

/** The string for the ASCII bytes `b[s, e)` of a metric or label name, shared with earlier calls for the same bytes. */
export function internAscii(buf: Buffer, b: Uint8Array, s: number, e: number): string {
  return NAMES.bytes(buf, b, s, e);
}

/** `internAscii` for label values (a table of their own). */
export function internValueAscii(buf: Buffer, b: Uint8Array, s: number, e: number): string {
  return VALUES.bytes(buf, b, s, e);
}

/** A label value built as a string (a normalised `le` or `quantile`), shared with equal earlier ones. */
export function internValue(str: string): string {
  return VALUES.string(str);
}
