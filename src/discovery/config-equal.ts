/**
 * Structural equality of SD configs, used on reload to keep a discoverer running when its
 * config did not change (Prometheus compares with reflect.DeepEqual). Objects are equal when
 * they have the same prototype and the same own enumerable properties, recursively; NaN
 * equals NaN. Private class fields are not compared, so a config object must expose what
 * identifies it (a compiled regex does, through its `source`).
 */
export function configEqual(a: unknown, b: unknown): boolean {
  return eq(a, b, 0);
}

/** Configs are shallow trees; a deeper nesting is treated as different rather than recursed forever. */
const MAX_DEPTH = 64;

function eq(a: unknown, b: unknown, depth: number): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth > MAX_DEPTH) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!eq(a[i], bb[i], depth + 1)) return false;
    return true;
  }
  if (a instanceof Map) {
    const bm = b as Map<unknown, unknown>;
    if (a.size !== bm.size) return false;
    for (const [k, v] of a) {
      if (!bm.has(k) || !eq(v, bm.get(k), depth + 1)) return false;
    }
    return true;
  }
  if (a instanceof Set) {
    const bs = b as Set<unknown>;
    if (a.size !== bs.size) return false;
    for (const v of a) if (!bs.has(v)) return false;
    return true;
  }
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return a.source === (b as RegExp).source && a.flags === (b as RegExp).flags;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(bo, k)) return false;
    if (!eq(ao[k], bo[k], depth + 1)) return false;
  }
  return true;
}
