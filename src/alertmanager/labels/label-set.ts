/**
 * Alertmanager's label sets: plain string maps (as JSON carries them), with the fingerprint,
 * ordering and text form of Prometheus's `model.LabelSet`, so that fingerprints, group keys
 * and sort orders are the ones Alertmanager shows.
 */
import { isLegacyLabelName, quoteGoString } from '../../model/index.js';
import { compareUtf8 } from '../../util/utf8-order.js';

/** A set of label name/value pairs. Treated as immutable once built. */
export type LabelSet = Readonly<Record<string, string>>;

const TWO32 = 4294967296;

/**
 * FNV-1a 64 over the sorted names and values, each followed by the 0xff separator byte, as
 * `model.LabelSet.Fingerprint` computes it; 16 lower-case hex digits. The state is two
 * unsigned 32-bit words; multiplying by the prime 2^40 + 0x1b3 is `h * 0x1b3 + (h << 40)`,
 * done on the words in exact arithmetic. Strings are fed as UTF-8 without an encoder.
 */
export function fingerprint(ls: LabelSet): string {
  const names = sortedNames(ls);
  // Offset basis 0xcbf29ce484222325.
  const st = FNV;
  st.hi = 0xcbf29ce4;
  st.lo = 0x84222325;
  for (const n of names) {
    fnvString(st, n);
    fnvByte(st, 0xff);
    fnvString(st, ls[n]!);
    fnvByte(st, 0xff);
  }
  return st.hi.toString(16).padStart(8, '0') + st.lo.toString(16).padStart(8, '0');
}

interface FnvState { hi: number; lo: number }

/** Scratch state: fingerprint() runs to completion, so one instance serves every call. */
const FNV: FnvState = { hi: 0, lo: 0 };

function fnvByte(st: FnvState, b: number): void {
  const lo = (st.lo ^ b) >>> 0;
  const t = lo * 0x1b3;
  const carry = Math.floor(t / TWO32);
  st.lo = t >>> 0;
  st.hi = (Math.imul(st.hi, 0x1b3) + carry + (lo << 8)) >>> 0;
}

function fnvString(st: FnvState, s: string): void {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      fnvByte(st, c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate encodes as U+FFFD, as TextEncoder does
    if (c < 0x800) {
      fnvByte(st, 0xc0 | (c >> 6));
      fnvByte(st, 0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      fnvByte(st, 0xe0 | (c >> 12));
      fnvByte(st, 0x80 | ((c >> 6) & 0x3f));
      fnvByte(st, 0x80 | (c & 0x3f));
    } else {
      fnvByte(st, 0xf0 | (c >> 18));
      fnvByte(st, 0x80 | ((c >> 12) & 0x3f));
      fnvByte(st, 0x80 | ((c >> 6) & 0x3f));
      fnvByte(st, 0x80 | (c & 0x3f));
    }
  }
}

export function sortedNames(ls: LabelSet): string[] {
  return Object.keys(ls).sort(compareUtf8);
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
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareUtf8);
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
