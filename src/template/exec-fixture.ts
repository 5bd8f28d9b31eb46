/**
 * Test support: the data and functions of Go's text/template execution tests, rebuilt in the
 * engine's value model (a `*template.T` struct with fields of many types, methods, typed maps,
 * pointers and function values). Used by the table tests only.
 */
import { sprint, sprintf, sprintln } from './fmt.js';
import type { FuncMap } from './template.js';
import {
  type GoType, type Value, GoFunc, GoVal, T, addMethods, arrayOf, funcType, goFunc, mapOf, ptrTo, rawOf, sig, sliceOf,
  structType,
} from './types.js';

export const U_TYPE: GoType = structType('template.U', [{ name: 'V', type: T.string }], {});
addMethods(U_TYPE, {
  TrueFalse: { sig: sig([T.bool], T.string), fn: (_r, b) => (b === true ? 'true' : '') },
});
export const V_TYPE: GoType = structType('template.V', [{ name: 'j', type: T.int }], {});
addMethods(V_TYPE, {
  String: { sig: sig([], T.string), fn: (r) => (r === null ? 'nilV' : `<${String((r as { j: bigint }).j)}>`) },
});
export const W_TYPE: GoType = structType('template.W', [{ name: 'k', type: T.int }], {});
addMethods(W_TYPE, {
  Error: { sig: sig([], T.string), fn: (r) => (r === null ? 'nilW' : `[${String((r as { k: bigint }).k)}]`) },
});

const U_PTR = ptrTo(U_TYPE);
const V_PTR = ptrTo(V_TYPE);
const W_PTR = ptrTo(W_TYPE);
const INT_SLICE = sliceOf(T.int);
const MSI = mapOf(T.string, T.int);

const BINARY = sig([T.string, T.string], T.string);
const VARIADIC = sig([], T.string, { variadic: T.string });
const VARIADIC_INT = sig([T.int], T.string, { variadic: T.string });
const NIL_OK = sig([ptrTo(T.int)], T.bool);
const ERR_FUNC = sig([], T.string, { error: true });

export const T_TYPE: GoType = structType('template.T', [
  { name: 'True', type: T.bool }, { name: 'I', type: T.int }, { name: 'U16', type: T.uint16 },
  { name: 'X', type: T.string }, { name: 'S', type: T.string }, { name: 'FloatZero', type: T.float64 },
  { name: 'ComplexZero', type: T.complex128 }, { name: 'U', type: U_PTR }, { name: 'V0', type: V_TYPE },
  { name: 'V1', type: V_PTR }, { name: 'V2', type: V_PTR }, { name: 'W0', type: W_TYPE }, { name: 'W1', type: W_PTR },
  { name: 'W2', type: W_PTR }, { name: 'SI', type: INT_SLICE }, { name: 'SIEmpty', type: INT_SLICE },
  { name: 'SB', type: sliceOf(T.bool) }, { name: 'AI', type: arrayOf(T.int, 3) }, { name: 'MSI', type: MSI },
  { name: 'MSIone', type: MSI }, { name: 'MSIEmpty', type: MSI }, { name: 'MXI', type: mapOf(T.any, T.int) },
  { name: 'MII', type: mapOf(T.int, T.int) }, { name: 'MI32S', type: mapOf(T.int32, T.string) },
  { name: 'MI64S', type: mapOf(T.int64, T.string) }, { name: 'MUI32S', type: mapOf(T.uint32, T.string) },
  { name: 'MUI64S', type: mapOf(T.uint64, T.string) }, { name: 'MI8S', type: mapOf(T.int8, T.string) },
  { name: 'MUI8S', type: mapOf(T.uint8, T.string) }, { name: 'SMSI', type: sliceOf(MSI) },
  { name: 'Empty0', type: T.any }, { name: 'Empty1', type: T.any }, { name: 'Empty2', type: T.any },
  { name: 'Empty3', type: T.any }, { name: 'Empty4', type: T.any },
  { name: 'PI', type: ptrTo(T.int) }, { name: 'PS', type: ptrTo(T.string) }, { name: 'PSI', type: ptrTo(INT_SLICE) },
  { name: 'NIL', type: ptrTo(T.int) },
  { name: 'BinaryFunc', type: funcType(BINARY) }, { name: 'VariadicFunc', type: funcType(VARIADIC) },
  { name: 'VariadicFuncInt', type: funcType(VARIADIC_INT) }, { name: 'NilOKFunc', type: funcType(NIL_OK) },
  { name: 'ErrFunc', type: funcType(ERR_FUNC) }, { name: 'PanicFunc', type: funcType(sig([], T.string)) },
  { name: 'unexported', type: T.int },
], {});
export const T_PTR: GoType = ptrTo(T_TYPE);

addMethods(T_TYPE, {
  Method0: { sig: sig([], T.string), fn: () => 'M0' },
  Method1: { sig: sig([T.int], T.int), fn: (_r, a) => a },
  Method2: { sig: sig([T.uint16, T.string], T.string), fn: (_r, a, b) => sprintf('Method2: %d %s', [a, b]) },
  Method3: { sig: sig([T.any], T.string), fn: (_r, v) => sprintf('Method3: %v', [v]) },
  Copy: { sig: sig([], T_PTR), fn: (r) => new GoVal(T_PTR, { ...(r as object) }) },
  MAdd: {
    sig: sig([T.int, INT_SLICE], INT_SLICE),
    fn: (_r, a, b) => new GoVal(INT_SLICE, ((rawOf(b) ?? []) as bigint[]).map((x) => x + (a as bigint))),
  },
  MyError: {
    sig: sig([T.bool], T.bool, { error: true }),
    fn: (_r, e) => {
      if (e === true) throw new Error('my error');
      return false;
    },
  },
  GetU: { sig: sig([], U_PTR), fn: (r) => new GoVal(U_PTR, (r as { U: unknown }).U) },
});

/** Go's `tVal`. */
export function tVal(): GoVal {
  return new GoVal(T_PTR, {
    True: true, I: 17n, U16: 16n, X: 'x', S: 'xyz', FloatZero: 0, ComplexZero: { re: 0, im: 0 },
    U: { V: 'v' }, V0: { j: 6666n }, V1: { j: 7777n }, V2: null, W0: { k: 888n }, W1: { k: 999n }, W2: null,
    SI: [3n, 4n, 5n], SIEmpty: null, SB: [true, false], AI: [3n, 4n, 5n],
    MSI: { one: 1n, two: 2n, three: 3n }, MSIone: { one: 1n }, MSIEmpty: null,
    MXI: new Map<unknown, unknown>([['one', 1n]]), MII: new Map([[1n, 1n]]),
    MI32S: new Map([[1n, 'one'], [2n, 'two']]), MI64S: new Map([[2n, 'i642'], [3n, 'i643']]),
    MUI32S: new Map([[2n, 'u322'], [3n, 'u323']]), MUI64S: new Map([[2n, 'ui642'], [3n, 'ui643']]),
    MI8S: new Map([[2n, 'i82'], [3n, 'i83']]), MUI8S: new Map([[2n, 'u82'], [3n, 'u83']]),
    SMSI: [{ one: 1n, two: 2n }, { eleven: 11n, twelve: 12n }],
    Empty0: null, Empty1: 3n, Empty2: 'empty2', Empty3: new GoVal(INT_SLICE, [7n, 8n]), Empty4: new GoVal(U_PTR, { V: 'UinEmpty' }),
    PI: 23n, PS: 'a string', PSI: [21n, 22n, 23n], NIL: null,
    BinaryFunc: new GoFunc(BINARY, (a, b) => `[${a as string}=${b as string}]`),
    VariadicFunc: new GoFunc(VARIADIC, (...s) => sprint(['<', (s as string[]).join('+'), '>'])),
    VariadicFuncInt: new GoFunc(VARIADIC_INT, (a, ...s) => sprint([a, '=<', (s as string[]).join('+'), '>'])),
    NilOKFunc: new GoFunc(NIL_OK, (p) => rawOf(p) === null),
    ErrFunc: new GoFunc(ERR_FUNC, () => 'bla'),
    PanicFunc: new GoFunc(sig([], T.string), () => { throw new Error('test panic'); }),
    unexported: 0n,
  });
}

const STRING_MAP_T = mapOf(T.string, T.string);

/** The function map of Go's execution tests (channels and Stringer interfaces left out). */
export const GO_TEST_FUNCS: FuncMap = {
  add: goFunc([], T.int, (...a) => (a as bigint[]).reduce((s, x) => s + x, 0n), { variadic: T.int }),
  dddArg: goFunc([T.int], T.string, (a, ...b) => sprintln([a, new GoVal(sliceOf(T.string), b)]), { variadic: T.string }),
  die: goFunc([], T.bool, () => { throw new Error('die'); }),
  echo: goFunc([T.any], T.any, (a) => a),
  makemap: goFunc([], STRING_MAP_T, (...a) => {
    if (a.length % 2 !== 0) throw new Error('bad makemap');
    const m: Record<string, string> = {};
    for (let i = 0; i < a.length; i += 2) m[a[i] as string] = a[i + 1] as string;
    return new GoVal(STRING_MAP_T, m);
  }, { variadic: T.string }),
  mapOfThree: goFunc([], T.any, () => new GoVal(MSI, { three: 3n })),
  oneArg: goFunc([T.string], T.string, (a) => `oneArg=${a as string}`),
  returnInt: goFunc([], T.int, () => 7n),
  twoArgs: goFunc([T.string, T.string], T.string, (a, b) => `twoArgs=${a as string}${b as string}`),
  typeOf: goFunc([T.any], T.string, (a) => sprintf('%T', [a])),
  valueString: goFunc([T.string], T.string, () => 'value is ignored'),
  vfunc: goFunc([V_TYPE, V_PTR], T.string, () => 'vfunc'),
  zeroArgs: goFunc([], T.string, () => 'zeroArgs'),
  count: goFunc([T.int], sliceOf(T.string), (n) => new GoVal(sliceOf(T.string), 'abcdefghijklmnop'.slice(0, Number(n)).split(''))),
};

export type { Value };
