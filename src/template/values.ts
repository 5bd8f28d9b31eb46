/**
 * Reflection-like helpers over template values: truth, indirection, lengths, element access,
 * and the argument conversions Go's reflect-based executor performs.
 */
import {
  type GoType, type Value, GoFunc, GoVal, T, fromRaw, isComplexKind, isFloatKind, isIntKind, isUintKind, mapLen, rawOf, typeOf,
  zeroOf,
} from './types.js';

/** Go's `indirectInterface`: a nil interface becomes "no value". */
export function indirectInterface(v: Value): Value {
  return v === null ? undefined : v;
}

/**
 * Go's `indirect`: follows pointers to the value they point at. `isNil` reports a nil pointer
 * or nil interface, in which case `v` is that nil.
 */
export function indirect(v: Value): { v: Value; isNil: boolean } {
  let cur = v;
  for (;;) {
    if (cur === null) return { v: cur, isNil: true };
    if (!(cur instanceof GoVal) || cur.type.kind !== 'ptr') return { v: cur, isNil: false };
    if (cur.raw === null || cur.raw === undefined) return { v: cur, isNil: true };
    cur = fromRaw(cur.type.elem!, cur.raw);
  }
}

/** Go's `isTrue`: the zero value of its type is false; structs are true. */
export function isTrue(v: Value): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean': return v;
    case 'string': return v.length > 0;
    case 'number': return v !== 0;
    case 'bigint': return v !== 0n;
    case 'function': return true;
    default: break;
  }
  if (v instanceof GoFunc) return true;
  if (Array.isArray(v)) return v.length > 0;
  if (!(v instanceof GoVal)) {
    if (v instanceof Map) return v.size > 0;
    return Object.keys(v).length > 0;
  }
  const k = v.type.kind;
  const raw = v.raw;
  if (k === 'bool') return raw as boolean;
  if (k === 'string') return (raw as string).length > 0;
  if (isIntKind(k) || isUintKind(k)) return (raw as bigint) !== 0n;
  if (isFloatKind(k)) return (raw as number) !== 0;
  if (isComplexKind(k)) {
    const c = raw as { re: number; im: number };
    return c.re !== 0 || c.im !== 0;
  }
  switch (k) {
    case 'slice': case 'array': return raw !== null && (raw as readonly unknown[]).length > 0;
    case 'map': return mapLen(raw) > 0;
    case 'struct': return true;
    default: return raw !== null && raw !== undefined;
  }
}

/** Truth of a builtin argument (`and`, `or`, `not`). */
export function truth(v: Value): boolean {
  return isTrue(indirectInterface(v));
}

/** Whether nil can be assigned to the type (Go's `canBeNil`). */
export function canBeNil(t: GoType): boolean {
  switch (t.kind) {
    case 'chan': case 'func': case 'interface': case 'map': case 'ptr': case 'slice': case 'reflect': return true;
    default: return false;
  }
}

/** Whether a value is the zero reflect.Value or a nil of a nillable kind. */
export function isNilValue(v: Value): boolean {
  if (v === undefined || v === null) return true;
  if (v instanceof GoVal) {
    switch (v.type.kind) {
      case 'chan': case 'func': case 'map': case 'ptr': case 'slice': return v.raw === null || v.raw === undefined;
      default: return false;
    }
  }
  return false;
}

/** The Go type name of a value for messages; nil interfaces print as `interface {}`. */
export function typeName(v: Value): string {
  return (typeOf(v) ?? T.any).name;
}

/** Byte length of a Go string held as UTF-16. */
export function byteLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** Elements of a slice or array value as values. */
export function elements(v: GoVal | readonly Value[]): Value[] {
  if (Array.isArray(v)) return v as Value[];
  const g = v as GoVal;
  const raws = (g.raw ?? []) as readonly unknown[];
  const et = g.type.elem!;
  if (et.kind === 'interface') return raws as Value[];
  const out = new Array<Value>(raws.length);
  for (let i = 0; i < raws.length; i++) out[i] = fromRaw(et, raws[i]);
  return out;
}

/** Converts an integer-like value to the integer type `t` (Go's Convert between int kinds). */
export function convertInt(v: Value, t: GoType): Value {
  let n = rawOf(v) as bigint;
  switch (t.kind) {
    case 'int8': n = BigInt.asIntN(8, n); break;
    case 'int16': n = BigInt.asIntN(16, n); break;
    case 'int32': n = BigInt.asIntN(32, n); break;
    case 'int': case 'int64': n = BigInt.asIntN(64, n); break;
    case 'uint8': n = BigInt.asUintN(8, n); break;
    case 'uint16': n = BigInt.asUintN(16, n); break;
    case 'uint32': n = BigInt.asUintN(32, n); break;
    default: n = BigInt.asUintN(64, n);
  }
  return fromRaw(t, n);
}

/** The zero value of `t`, re-exported for the executor. */
export { zeroOf };
