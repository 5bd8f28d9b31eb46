/**
 * Alertmanager's label sets: plain string maps (as JSON carries them), with the fingerprint,
 * ordering and text form of Prometheus's `model.LabelSet`, so that fingerprints, group keys
 * and sort orders are the ones Alertmanager shows.
 */
import { isLegacyLabelName, quoteGoString } from '../../model/index.js';

/** A set of label name/value pairs. Treated as immutable once built. */
export type LabelSet = Readonly<Record<string, string>>;

const MASK16 = 0xffff;

/**
 * FNV-1a 64 over the sorted names and values, each followed by the 0xff separator byte, as
 * `model.LabelSet.Fingerprint` computes it; 16 lower-case hex digits. The 64-bit state is
 * kept in four 16-bit limbs so that every step stays in exact integer arithmetic.
 */
export function fingerprint(ls: LabelSet): string {
  const names = sortedNames(ls);
  // Offset basis 0xcbf29ce484222325.
  const h = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
  const enc = new TextEncoder();
  for (const n of names) {
    addBytes(h, enc.encode(n));
    addByte(h, 0xff);
    addBytes(h, enc.encode(ls[n]));
    addByte(h, 0xff);
  }
  return hex16(h[3]!) + hex16(h[2]!) + hex16(h[1]!) + hex16(h[0]!);
}

function hex16(n: number): string {
  return n.toString(16).padStart(4, '0');
}

function addBytes(h: number[], b: Uint8Array): void {
  for (let i = 0; i < b.length; i++) addByte(h, b[i]!);
}

/** h = (h ^ b) * 0x100000001b3 mod 2^64. */
function addByte(h: number[], b: number): void {
  const h0 = h[0]! ^ b;
  const h1 = h[1]!;
  const h2 = h[2]!;
  const h3 = h[3]!;
  let t0 = h0 * 0x1b3;
  let t1 = h1 * 0x1b3;
  let t2 = h2 * 0x1b3 + ((h0 & 0xff) << 8);
  let t3 = h3 * 0x1b3 + (h0 >>> 8) + ((h1 & 0xff) << 8);
  t1 += Math.floor(t0 / 65536);
  t0 &= MASK16;
  t2 += Math.floor(t1 / 65536);
  t1 &= MASK16;
  t3 += Math.floor(t2 / 65536);
  t2 &= MASK16;
  h[0] = t0;
  h[1] = t1;
  h[2] = t2;
  h[3] = t3 & MASK16;
}

export function sortedNames(ls: LabelSet): string[] {
  return Object.keys(ls).sort(compareStrings);
}

/** Byte-wise order of Go strings (code unit order is the same for the BMP). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `{a="1", b="2"}` with Go's quoting, as `model.LabelSet.String`. */
export function labelSetString(ls: LabelSet): string {
  let s = '{';
  let first = true;
  for (const n of sortedNames(ls)) {
    if (!first) s += ', ';
    first = false;
    s += n + '=' + quoteGoString(ls[n]!);
  }
  return s + '}';
}

/** `model.LabelSet.Before`: shorter sets first, then by values under the merged sorted names. */
export function labelSetBefore(a: LabelSet, b: LabelSet): boolean {
  const la = Object.keys(a).length;
  const lb = Object.keys(b).length;
  if (la !== lb) return la < lb;
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareStrings);
  for (const n of names) {
    const av = a[n];
    if (av === undefined) return true;
    const bv = b[n];
    if (bv === undefined) return false;
    if (av < bv) return true;
    if (av > bv) return false;
  }
  return false;
}

export function labelSetEqual(a: LabelSet, b: LabelSet): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

/** Alertmanager 0.25's label name rule (the classic one). */
export function isValidLabelName(s: string): boolean {
  return isLegacyLabelName(s);
}

/**
 * Checks a label set as `model.LabelSet.Validate` does: valid names and UTF-8 values.
 * Returns the error text or null.
 */
export function validateLabelSet(ls: LabelSet): string | null {
  for (const n of sortedNames(ls)) {
    if (!isValidLabelName(n)) return `invalid name ${quoteGoString(n)}`;
    if (!isWellFormed(ls[n]!)) return `invalid value ${quoteGoString(ls[n]!)}`;
  }
  return null;
}

function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}
