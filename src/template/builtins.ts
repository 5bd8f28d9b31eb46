/**
 * The predefined functions of text/template (`and or not len index slice print printf println
 * html js urlquery call eq ne lt le gt ge`) with Go's semantics and error texts. `and`, `or`
 * and `call` are special-cased by the executor (short-circuiting, calling function values).
 */
import { htmlEscapeString, jsEscapeString, queryEscape } from './escape.js';
import { sprint, sprintf, sprintln } from './fmt.js';
import {
  type GoType, type Value, GoFunc, GoVal, T, fromRaw, isComplexKind, isFloatKind, isIntKind, isUintKind, mapGet, mapLen,
  rawOf, sig, typeOf, assignable,
} from './types.js';
import { byteLen, canBeNil, convertInt, elements, indirect, indirectInterface, isNilValue, truth, typeName, zeroOf } from './values.js';
import { compareUtf8 } from '../util/utf8-order.js';

type BasicKind = 'invalid' | 'bool' | 'complex' | 'int' | 'float' | 'string' | 'uint';

function basicKind(v: Value): BasicKind {
  const t = typeOf(v);
  if (t === null) return 'invalid';
  const k = t.kind;
  if (k === 'bool') return 'bool';
  if (isIntKind(k)) return 'int';
  if (isUintKind(k)) return 'uint';
  if (isFloatKind(k)) return 'float';
  if (isComplexKind(k)) return 'complex';
  if (k === 'string') return 'string';
  return 'invalid';
}

const ERR_BAD_COMPARISON_TYPE = 'invalid type for comparison';

function kindOf(v: Value): string {
  const t = typeOf(v);
  return t === null ? 'invalid' : t.kind;
}

function comparable(t: GoType): boolean {
  switch (t.kind) {
    case 'slice': case 'map': case 'func': return false;
    case 'struct': return (t.fields ?? []).every((f) => comparable(f.type));
    case 'array': return t.elem !== null && comparable(t.elem);
    default: return true;
  }
}

function rawEqual(a: unknown, b: unknown, t: GoType): boolean {
  switch (t.kind) {
    case 'struct': {
      const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
      return (t.fields ?? []).every((f) => rawEqual(x[f.name], y[f.name], f.type));
    }
    case 'array': {
      const x = a as unknown[], y = b as unknown[];
      return x.length === y.length && x.every((e, i) => rawEqual(e, y[i], t.elem!));
    }
    case 'complex64': case 'complex128': {
      const x = a as { re: number; im: number }, y = b as { re: number; im: number };
      return x.re === y.re && x.im === y.im;
    }
    default: return a === b;
  }
}

function complexOf(v: Value): { re: number; im: number } {
  return rawOf(v) as { re: number; im: number };
}

/** Go's `eq`: arg1 == arg2 || arg1 == arg3 || ... */
export function eq(arg1in: Value, ...arg2: Value[]): boolean {
  const arg1 = indirectInterface(arg1in);
  if (arg2.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const argIn of arg2) {
    const arg = indirectInterface(argIn);
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') t = (rawOf(arg1) as bigint) >= 0n && rawOf(arg1) === rawOf(arg);
      else if (k1 === 'uint' && k2 === 'int') t = (rawOf(arg) as bigint) >= 0n && rawOf(arg1) === rawOf(arg);
      else if (arg1 !== undefined && arg !== undefined) {
        throw new Error(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`);
      }
    } else {
      switch (k1) {
        case 'bool': case 'int': case 'uint': case 'string': case 'float': t = rawOf(arg1) === rawOf(arg); break;
        case 'complex': {
          const a = complexOf(arg1), b = complexOf(arg);
          t = a.re === b.re && a.im === b.im;
          break;
        }
        case 'invalid': {
          if (!(kindOf(arg1) === kindOf(arg) || arg1 === undefined || arg === undefined)) {
            throw new Error(sprintf('non-comparable types %s: %v, %s: %v', [arg1, typeName(arg1), typeName(arg), arg]));
          }
          if (isNilValue(arg1) || isNilValue(arg)) {
            t = isNilValue(arg) === isNilValue(arg1);
          } else {
            const ta = typeOf(arg)!;
            if (!comparable(ta)) throw new Error(sprintf('non-comparable type %s: %v', [arg, ta.name]));
            const t1 = typeOf(arg1)!;
            t = t1.name === ta.name && rawEqual(rawOf(arg1), rawOf(arg), ta);
          }
          break;
        }
      }
    }
    if (t) return true;
  }
  return false;
}

export function ne(a: Value, b: Value): boolean {
  return !eq(a, b);
}

/** Go's `lt`: only basic kinds compare; int and uint compare by value. */
export function lt(a1: Value, a2: Value): boolean {
  const arg1 = indirectInterface(a1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new Error(ERR_BAD_COMPARISON_TYPE);
  const arg2 = indirectInterface(a2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new Error(ERR_BAD_COMPARISON_TYPE);
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return (rawOf(arg1) as bigint) < 0n || (rawOf(arg1) as bigint) < (rawOf(arg2) as bigint);
    if (k1 === 'uint' && k2 === 'int') return (rawOf(arg2) as bigint) >= 0n && (rawOf(arg1) as bigint) < (rawOf(arg2) as bigint);
    throw new Error(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg2)}`);
  }
  switch (k1) {
    case 'bool': case 'complex': throw new Error(ERR_BAD_COMPARISON_TYPE);
    case 'float': return (rawOf(arg1) as number) < (rawOf(arg2) as number);
    case 'int': case 'uint': return (rawOf(arg1) as bigint) < (rawOf(arg2) as bigint);
    case 'string': return compareUtf8(rawOf(arg1) as string, rawOf(arg2) as string) < 0;
  }
}

export function le(a: Value, b: Value): boolean {
  return lt(a, b) || eq(a, b);
}

export function gt(a: Value, b: Value): boolean {
  return !le(a, b);
}

export function ge(a: Value, b: Value): boolean {
  return !lt(a, b);
}

/** Go's `indexArg`: an integer index within [0, cap]. */
function indexArg(index: Value, cap: number): number {
  const t = typeOf(index);
  if (index === undefined || t === null) throw new Error('cannot index slice/array with nil');
  if (!isIntKind(t.kind) && !isUintKind(t.kind)) throw new Error(`cannot index slice/array with type ${t.name}`);
  let x = rawOf(index) as bigint;
  if (isUintKind(t.kind)) x = BigInt.asIntN(64, x);
  if (x < 0n || x > BigInt(cap)) throw new Error(`index out of range: ${x}`);
  return Number(x);
}

/** Go's `prepareArg`: checks (and converts between integer kinds) a value for a parameter. */
export function prepareArg(value: Value, argType: GoType): Value {
  let v = value;
  if (v === undefined || v === null) {
    if (!canBeNil(argType)) throw new Error(`value is nil; should be of type ${argType.name}`);
    v = zeroOf(argType);
    return v;
  }
  const vt = typeOf(v)!;
  if (assignable(vt, argType)) return v;
  const intLike = (k: GoType): boolean => isIntKind(k.kind) || isUintKind(k.kind);
  if (intLike(vt) && intLike(argType)) return convertInt(v, argType);
  throw new Error(`value has type ${vt.name}; should be ${argType.name}`);
}

export function index(itemIn: Value, ...indexes: Value[]): Value {
  let item = indirectInterface(itemIn);
  if (item === undefined) throw new Error('index of untyped nil');
  for (const idxIn of indexes) {
    const idx = indirectInterface(idxIn);
    const r = indirect(item);
    if (r.isNil) throw new Error('index of nil pointer');
    item = r.v;
    const t = typeOf(item)!;
    switch (t.kind) {
      case 'array': case 'slice': {
        const els = elements(item as GoVal | readonly Value[]);
        const x = indexArg(idx, els.length);
        if (x === els.length) throw new Error('reflect: slice index out of range');
        item = els[x];
        break;
      }
      case 'string': {
        const bytes = Buffer.from(rawOf(item) as string, 'utf8');
        const x = indexArg(idx, bytes.length);
        if (x === bytes.length) throw new Error('reflect: string index out of range');
        item = new GoVal(T.uint8, BigInt(bytes[x]!));
        break;
      }
      case 'map': {
        const key = prepareArg(idx, t.key!);
        const got = mapGet(rawOf(item), rawOf(key));
        item = got.found ? fromRaw(t.elem!, got.raw) : zeroOf(t.elem!);
        break;
      }
      default:
        throw new Error(`can't index item of type ${t.name}`);
    }
  }
  return item;
}

export function slice(itemIn: Value, ...indexes: Value[]): Value {
  let item = indirectInterface(itemIn);
  if (item === undefined) throw new Error('slice of untyped nil');
  const r = indirect(item);
  if (r.isNil) throw new Error('slice of nil pointer');
  item = r.v;
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const t = typeOf(item)!;
  let len: number;
  let bytes: Buffer | null = null;
  switch (t.kind) {
    case 'string':
      if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
      bytes = Buffer.from(rawOf(item) as string, 'utf8');
      len = bytes.length;
      break;
    case 'array': case 'slice':
      len = elements(item as GoVal | readonly Value[]).length;
      break;
    default:
      throw new Error(`can't slice item of type ${t.name}`);
  }
  const idx = [0, len, len];
  indexes.forEach((x, i) => { idx[i] = indexArg(indirectInterface(x), len); });
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (bytes !== null) return fromRaw(t, bytes.subarray(idx[0], idx[1]).toString('utf8'));
  const raws = (rawOf(item) ?? []) as readonly unknown[];
  const out = raws.slice(idx[0], idx[1]);
  return t.kind === 'array' ? new GoVal({ ...t, kind: 'slice', name: `[]${t.elem!.name}` }, out) : fromRaw(t, out);
}

export function length(itemIn: Value): bigint {
  const r = indirect(itemIn);
  if (r.isNil) throw new Error('len of nil pointer');
  const item = r.v;
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  const t = typeOf(item)!;
  switch (t.kind) {
    case 'string': return BigInt(byteLen(rawOf(item) as string));
    case 'array': case 'slice': return BigInt(elements(item as GoVal | readonly Value[]).length);
    case 'map': return BigInt(mapLen(rawOf(item)));
    default: throw new Error(`len of type ${t.name}`);
  }
}

/** Go's `evalArgs` for html/js/urlquery: one string as is, else Sprint of the printable values. */
function evalArgs(args: readonly Value[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => printable(a)));
}

/** Go's `printableValue` minus the error: pointers are followed; "no value" prints as such. */
export function printable(v: Value): Value {
  const r = indirect(v);
  if (v instanceof GoVal && v.type.kind === 'ptr') return r.isNil ? v : r.v;
  return v;
}

const R = T.reflectValue;
const ANY = T.any;

/** Builtin function table; `isBuiltin` matters for `and`, `or` and `call`. */
export const BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ['and', new GoFunc(sig([R], R, { variadic: R }), () => undefined)],
  ['or', new GoFunc(sig([R], R, { variadic: R }), () => undefined)],
  ['call', new GoFunc(sig([R], R, { variadic: R }), () => undefined)],
  ['not', new GoFunc(sig([R], T.bool), (a) => !truth(a))],
  ['len', new GoFunc(sig([R], T.int, { error: true }), (a) => length(a))],
  ['index', new GoFunc(sig([R], R, { variadic: R, error: true }), (a, ...rest) => index(a, ...rest))],
  ['slice', new GoFunc(sig([R], R, { variadic: R, error: true }), (a, ...rest) => slice(a, ...rest))],
  ['print', new GoFunc(sig([], T.string, { variadic: ANY }), (...a) => sprint(a))],
  ['printf', new GoFunc(sig([T.string], T.string, { variadic: ANY }), (f, ...a) => sprintf(f as string, a))],
  ['println', new GoFunc(sig([], T.string, { variadic: ANY }), (...a) => sprintln(a))],
  ['html', new GoFunc(sig([], T.string, { variadic: ANY }), (...a) => htmlEscapeString(evalArgs(a)))],
  ['js', new GoFunc(sig([], T.string, { variadic: ANY }), (...a) => jsEscapeString(evalArgs(a)))],
  ['urlquery', new GoFunc(sig([], T.string, { variadic: ANY }), (...a) => queryEscape(evalArgs(a)))],
  ['eq', new GoFunc(sig([R], T.bool, { variadic: R, error: true }), (a, ...rest) => eq(a, ...rest))],
  ['ne', new GoFunc(sig([R, R], T.bool, { error: true }), (a, b) => ne(a, b))],
  ['lt', new GoFunc(sig([R, R], T.bool, { error: true }), (a, b) => lt(a, b))],
  ['le', new GoFunc(sig([R, R], T.bool, { error: true }), (a, b) => le(a, b))],
  ['gt', new GoFunc(sig([R, R], T.bool, { error: true }), (a, b) => gt(a, b))],
  ['ge', new GoFunc(sig([R, R], T.bool, { error: true }), (a, b) => ge(a, b))],
]);
