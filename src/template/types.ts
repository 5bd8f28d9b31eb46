/**
 * The value model: how Go's typed values are represented in JavaScript.
 *
 * Templates observe Go's type system (an `int` literal is not a `float64`, a missing key of a
 * `map[string]string` is `""` under `missingkey=zero`, error messages name types), so every
 * value the engine handles has a Go type. Common values use plain JavaScript with an implicit
 * type, everything else is wrapped in a `GoVal` that carries its type:
 *
 * | JavaScript value          | Go type                    |
 * |---------------------------|----------------------------|
 * | `undefined`               | no value (invalid `reflect.Value`) |
 * | `null`                    | nil `interface {}`         |
 * | `boolean`                 | `bool`                     |
 * | `string`                  | `string`                   |
 * | `number`                  | `float64` (Prometheus sample values, `humanize` inputs) |
 * | `bigint`                  | `int` (integer literals, `len`, range indexes) |
 * | array                     | `[]interface {}`           |
 * | plain object              | `map[string]interface {}`  |
 * | JavaScript function       | `func(...interface {}) interface {}` |
 * | `GoFunc`                  | a function with a declared signature |
 * | `GoVal(type, raw)`        | any other type: `int64`, `map[string]string`, structs, pointers, ... |
 *
 * A `GoVal`'s `raw` payload depends on the kind: bigint for integer kinds, number for floats,
 * string for string kinds, an array (or null for a nil slice) for slices, a `Map` or plain
 * object (or null) for maps, a field record for structs, the pointee's raw value (or null) for
 * pointers. Values are immutable to the engine: it never writes into data it is given.
 */

export type Kind =
  | 'bool' | 'int' | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr'
  | 'float32' | 'float64' | 'complex64' | 'complex128'
  | 'string' | 'slice' | 'array' | 'map' | 'struct' | 'ptr' | 'func' | 'chan'
  | 'interface'
  /** `reflect.Value` parameters: receive any value, including "no value", unchanged. */
  | 'reflect';

export interface GoField {
  readonly name: string;
  readonly type: GoType;
}

/** A method callable from templates as `.Name arg...`; `fn` receives the receiver's raw payload. */
export interface GoMethod {
  readonly sig: FuncSig;
  readonly fn: (recv: unknown, ...args: Value[]) => Value | Promise<Value>;
}

export interface GoType {
  readonly kind: Kind;
  /** The type as Go's `reflect.Type.String()` prints it: `float64`, `map[string]string`, `*template.sample`. */
  readonly name: string;
  /** Element type of slices, arrays, maps and pointers. */
  readonly elem: GoType | null;
  /** Key type of maps. */
  readonly key: GoType | null;
  /** Struct fields, in declaration order. */
  readonly fields: readonly GoField[] | null;
  /** Methods by name (Go's method set of both T and *T). */
  readonly methods: ReadonlyMap<string, GoMethod> | null;
  /** Whether the type is named (`template.HTML`) rather than a literal (`[]string`). */
  readonly named: boolean;
}

/** A function signature: parameter types, an optional variadic element type, one result. */
export interface FuncSig {
  readonly params: readonly GoType[];
  readonly variadic: GoType | null;
  readonly result: GoType;
  /** Go's type string, e.g. `func(string) (string, error)`. */
  readonly name: string;
}

export type NativeFunction = (...args: never[]) => unknown;

// The recursive union documents the representation; functions take `Value` at the edges.
export type Value =
  | undefined | null | boolean | string | number | bigint
  | GoVal | GoFunc | NativeFunction
  | readonly Value[]
  | { readonly [key: string]: Value };

/** A value of an explicit Go type. */
export class GoVal {
  readonly type: GoType;
  readonly raw: unknown;
  constructor(type: GoType, raw: unknown) {
    this.type = type;
    this.raw = raw;
  }
}

/**
 * A function with a Go signature, for function maps and `call`. `fn` may return a promise
 * (an asynchronous function such as Prometheus's `query`); such functions can only run under
 * `Template.execute`. Errors are reported by throwing; the engine wraps them as Go does
 * (`error calling NAME: ...`). Functions must be deterministic for a given execution: the
 * asynchronous executor replays the template after each asynchronous call.
 */
export class GoFunc {
  readonly sig: FuncSig;
  readonly fn: (...args: Value[]) => Value | Promise<Value>;
  /**
   * Declares that `fn` returns a promise: synchronous execution then fails before calling it
   * (rather than calling it and dropping the promise).
   */
  readonly isAsync: boolean;
  constructor(sig: FuncSig, fn: (...args: Value[]) => Value | Promise<Value>, opts: { async?: boolean } = {}) {
    this.sig = sig;
    this.fn = fn;
    this.isAsync = opts.async === true;
  }
}

function mk(kind: Kind, name: string, extra: Partial<GoType> = {}): GoType {
  return {
    kind, name, elem: extra.elem ?? null, key: extra.key ?? null, fields: extra.fields ?? null,
    methods: extra.methods ?? null, named: extra.named ?? false,
  };
}

function basic(kind: Kind): GoType {
  return mk(kind, kind, { named: true });
}

/** Predeclared types and the few library types templates commonly meet. */
export const T = {
  bool: basic('bool'),
  int: basic('int'), int8: basic('int8'), int16: basic('int16'), int32: basic('int32'), int64: basic('int64'),
  uint: basic('uint'), uint8: basic('uint8'), uint16: basic('uint16'), uint32: basic('uint32'), uint64: basic('uint64'),
  uintptr: basic('uintptr'),
  float32: basic('float32'), float64: basic('float64'),
  complex64: basic('complex64'), complex128: basic('complex128'),
  string: basic('string'),
  any: mk('interface', 'interface {}'),
  reflectValue: mk('reflect', 'reflect.Value', { named: true }),
  error: mk('interface', 'error', { named: true }),
} as const;

export const ANY_SLICE: GoType = mk('slice', '[]interface {}', { elem: T.any });
export const ANY_MAP: GoType = mk('map', 'map[string]interface {}', { key: T.string, elem: T.any });
export const NATIVE_FUNC_SIG: FuncSig = { params: [], variadic: T.any, result: T.any, name: 'func(...interface {}) interface {}' };
const NATIVE_FUNC_TYPE: GoType = mk('func', NATIVE_FUNC_SIG.name);

export function sliceOf(elem: GoType, name?: string): GoType {
  return mk('slice', name ?? `[]${elem.name}`, { elem, named: name !== undefined });
}

export function arrayOf(elem: GoType, len: number): GoType {
  return mk('array', `[${len}]${elem.name}`, { elem });
}

export function mapOf(key: GoType, elem: GoType, name?: string): GoType {
  return mk('map', name ?? `map[${key.name}]${elem.name}`, { key, elem, named: name !== undefined });
}

export function ptrTo(elem: GoType): GoType {
  return mk('ptr', `*${elem.name}`, { elem, methods: elem.methods });
}

export function structType(name: string, fields: readonly GoField[], methods?: Record<string, GoMethod>): GoType {
  return mk('struct', name, { fields, methods: methods === undefined ? null : new Map(Object.entries(methods)), named: true });
}

/**
 * Adds methods to a type being constructed (types whose methods mention the type itself are
 * built in two steps). Not for use once values of the type exist.
 */
export function addMethods(t: GoType, methods: Record<string, GoMethod>): void {
  if (!(t.methods instanceof Map)) throw new Error(`type ${t.name} was not created with a method set`);
  for (const [k, v] of Object.entries(methods)) (t.methods as Map<string, GoMethod>).set(k, v);
}

/** A named type over a basic kind, e.g. `namedType('template.HTML', 'string')`. */
export function namedType(name: string, kind: Kind, methods?: Record<string, GoMethod>): GoType {
  return mk(kind, name, { methods: methods === undefined ? null : new Map(Object.entries(methods)), named: true });
}

export function funcType(sig: FuncSig): GoType {
  return mk('func', sig.name);
}

/** Builds a signature and its Go type string. */
export function sig(params: readonly GoType[], result: GoType, opts: { variadic?: GoType; error?: boolean } = {}): FuncSig {
  const variadic = opts.variadic ?? null;
  const ps = params.map((p) => p.name);
  if (variadic !== null) ps.push(`...${variadic.name}`);
  const res = opts.error === true ? `(${result.name}, error)` : result.name;
  return { params, variadic, result, name: `func(${ps.join(', ')}) ${res}` };
}

/** Shorthand for a `GoFunc`. */
export function goFunc(params: readonly GoType[], result: GoType, fn: (...args: Value[]) => Value | Promise<Value>,
  opts: { variadic?: GoType; error?: boolean; async?: boolean } = {}): GoFunc {
  return new GoFunc(sig(params, result, opts), fn, { async: opts.async === true });
}

export function isIntKind(k: Kind): boolean {
  return k === 'int' || k === 'int8' || k === 'int16' || k === 'int32' || k === 'int64';
}

export function isUintKind(k: Kind): boolean {
  return k === 'uint' || k === 'uint8' || k === 'uint16' || k === 'uint32' || k === 'uint64' || k === 'uintptr';
}

export function isFloatKind(k: Kind): boolean {
  return k === 'float32' || k === 'float64';
}

export function isComplexKind(k: Kind): boolean {
  return k === 'complex64' || k === 'complex128';
}

function isPlainRecord(v: object): boolean {
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** The Go type of a value; null for "no value" (`undefined`) and untyped nil (`null`). */
export function typeOf(v: Value): GoType | null {
  switch (typeof v) {
    case 'undefined': return null;
    case 'boolean': return T.bool;
    case 'string': return T.string;
    case 'number': return T.float64;
    case 'bigint': return T.int;
    case 'function': return NATIVE_FUNC_TYPE;
    case 'object':
      if (v === null) return null;
      if (v instanceof GoVal) return v.type;
      if (v instanceof GoFunc) return funcType(v.sig);
      if (Array.isArray(v)) return ANY_SLICE;
      if (v instanceof Map) return ANY_MAP;
      if (isPlainRecord(v)) return ANY_MAP;
      return T.any;
    default:
      return null;
  }
}

/** The raw payload of a value (for `GoVal` its `raw`, otherwise the value itself). */
export function rawOf(v: Value): unknown {
  return v instanceof GoVal ? v.raw : v;
}

/**
 * The value of type `t` holding `raw`: plain JavaScript where the implicit type matches,
 * a `GoVal` otherwise. Elements of `interface {}` containers are values already.
 */
export function fromRaw(t: GoType, raw: unknown): Value {
  switch (t.kind) {
    case 'interface': case 'reflect': return raw as Value;
    case 'string': if (t === T.string) return raw as string; break;
    case 'float64': if (t === T.float64) return raw as number; break;
    case 'int': if (t === T.int) return raw as bigint; break;
    case 'bool': if (t === T.bool) return raw as boolean; break;
    case 'slice': if (t === ANY_SLICE && raw !== null) return raw as Value; break;
    case 'map': if (t === ANY_MAP && raw !== null) return raw as Value; break;
    default: break;
  }
  return new GoVal(t, raw);
}

/** The zero value of a type (`reflect.Zero`). */
export function zeroOf(t: GoType): Value {
  switch (t.kind) {
    case 'bool': return fromRaw(t, false);
    case 'string': return fromRaw(t, '');
    case 'float32': case 'float64': return fromRaw(t, 0);
    case 'complex64': case 'complex128': return new GoVal(t, { re: 0, im: 0 });
    case 'interface': return null;
    case 'reflect': return undefined;
    case 'struct': {
      const rec: Record<string, unknown> = {};
      for (const f of t.fields ?? []) rec[f.name] = rawZero(f.type);
      return new GoVal(t, rec);
    }
    case 'array': return new GoVal(t, []);
    default:
      if (isIntKind(t.kind) || isUintKind(t.kind)) return fromRaw(t, 0n);
      return new GoVal(t, null);
  }
}

function rawZero(t: GoType): unknown {
  return rawOf(zeroOf(t));
}

/** Convenience constructors for typed data. */
export const go = {
  int64: (n: bigint | number): GoVal => new GoVal(T.int64, BigInt(n)),
  uint64: (n: bigint | number): GoVal => new GoVal(T.uint64, BigInt(n)),
  int: (n: bigint | number): bigint => BigInt(n),
  uint: (n: bigint | number): GoVal => new GoVal(T.uint, BigInt(n)),
  float32: (n: number): GoVal => new GoVal(T.float32, Math.fround(n)),
  /** A `map[string]string`, the type of Prometheus label sets. */
  stringMap: (rec: Readonly<Record<string, string>>): GoVal => new GoVal(STRING_MAP, rec),
  /** A slice of the given element type over raw elements. */
  slice: (elem: GoType, raws: readonly unknown[]): GoVal => new GoVal(sliceOf(elem), raws),
};

export const STRING_MAP: GoType = mapOf(T.string, T.string);

/** Reads the raw payload of a map: entries as [key, raw value] pairs (unsorted). */
export function mapEntries(raw: unknown): [unknown, unknown][] {
  if (raw === null || raw === undefined) return [];
  if (raw instanceof Map) return [...(raw as Map<unknown, unknown>).entries()];
  return Object.entries(raw as Record<string, unknown>);
}

export function mapLen(raw: unknown): number {
  if (raw === null || raw === undefined) return 0;
  if (raw instanceof Map) return raw.size;
  return Object.keys(raw).length;
}

/** Map lookup; `undefined` when absent. Only string-keyed plain objects and `Map`s are supported. */
export function mapGet(raw: unknown, key: unknown): { found: boolean; raw: unknown } {
  if (raw === null || raw === undefined) return { found: false, raw: undefined };
  if (raw instanceof Map) {
    const m = raw as Map<unknown, unknown>;
    return m.has(key) ? { found: true, raw: m.get(key) } : { found: false, raw: undefined };
  }
  if (typeof key !== 'string') return { found: false, raw: undefined };
  const rec = raw as Record<string, unknown>;
  return Object.prototype.hasOwnProperty.call(rec, key) ? { found: true, raw: rec[key] } : { found: false, raw: undefined };
}

/** Whether a value of type `v` may be passed where `t` is expected (Go's AssignableTo, simplified). */
export function assignable(v: GoType, t: GoType): boolean {
  if (v === t || t.kind === 'reflect') return true;
  if (t.kind === 'interface') {
    if (t.name === 'interface {}') return true;
    if (t === T.error) return v.methods?.has('Error') ?? false;
    return false;
  }
  if (v.name === t.name && v.kind === t.kind) return true;
  // Identical underlying types where one side is unnamed.
  if ((!v.named || !t.named) && v.kind === t.kind && (v.kind === 'slice' || v.kind === 'map' || v.kind === 'ptr')) {
    return v.elem !== null && t.elem !== null && v.elem.name === t.elem.name && (v.key?.name ?? '') === (t.key?.name ?? '');
  }
  return false;
}
