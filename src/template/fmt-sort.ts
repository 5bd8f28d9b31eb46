/**
 * Go's fmtsort order for map keys and string comparison by bytes, plus Stringer/error method
 * lookup: shared by printing, ranging over maps and comparisons.
 */
import { compareUtf8 } from '../util/utf8-order.js';
import { type GoType, type Value, GoVal, fromRaw, mapEntries, rawOf } from './types.js';

/** Compares map keys in fmtsort order. */
export function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const ta = typeof a, tb = typeof b;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}


/** Map entries as values, sorted by key as fmtsort sorts them. */
export function sortedMapEntries(t: GoType, raw: unknown): { key: Value; value: Value }[] {
  const entries = mapEntries(raw);
  entries.sort((x, y) => compareKeys(x[0], y[0]));
  const kt = t.key!, et = t.elem!;
  return entries.map(([k, v]) => ({ key: fromRaw(kt, k), value: fromRaw(et, v) }));
}

/** Calls a `String()` or `Error()` method if the value's type has one. */
export function stringerText(v: Value): string | null {
  if (!(v instanceof GoVal)) return null;
  const m = v.type.methods;
  if (m === null) return null;
  const fn = m.get('Error') ?? m.get('String');
  if (fn === undefined || fn.sig.params.length !== 0 || fn.sig.variadic !== null) return null;
  const r = fn.fn(v.raw);
  if (typeof r !== 'string') return String(rawOf(r as Value));
  return r;
}

