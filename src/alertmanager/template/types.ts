/**
 * The Go types notification templates see, as Alertmanager declares them: `template.Data`
 * (`.Receiver`, `.Status`, `.Alerts`, `.GroupLabels`, `.CommonLabels`, `.CommonAnnotations`,
 * `.ExternalURL`), `template.Alert`, `template.Alerts` (`.Firing`, `.Resolved`),
 * `template.KV` (`.SortedPairs`, `.Remove`, `.Names`, `.Values`), `template.Pairs` and
 * `template.Pair`. Field and method names, result types and printing follow Alertmanager
 * 0.25 (a KV prints as a Go map); `Names`/`Values` return `template.Strings`, which newer
 * releases added with its `Join` method and which prints as a `[]string` does.
 */
import {
  type GoMethod, type GoType, type Value, GoVal, T, sig, sliceOf, structType,
} from '../../template/index.js';
import { TIME } from '../../template/index.js';

function method(params: readonly GoType[], result: GoType, fn: (recv: unknown, ...a: Value[]) => Value): GoMethod {
  return { sig: sig(params, result), fn };
}

/** A named type whose method set is filled in below (types that mention each other). */
function named(kind: 'map' | 'slice', name: string, elem: GoType, key: GoType | null): GoType {
  return { kind, name, elem, key, fields: null, methods: new Map<string, GoMethod>(), named: true };
}

function setMethods(t: GoType, ms: Record<string, GoMethod>): void {
  const m = t.methods as Map<string, GoMethod>;
  for (const [k, v] of Object.entries(ms)) m.set(k, v);
}

/** Raw payload of a KV: a string record (never mutated). */
export type KVRaw = Readonly<Record<string, string>>;

export const PAIR: GoType = structType('template.Pair', [{ name: 'Name', type: T.string }, { name: 'Value', type: T.string }]);
export const STRINGS: GoType = named('slice', 'template.Strings', T.string, null);
export const PAIRS: GoType = named('slice', 'template.Pairs', PAIR, null);
export const KV: GoType = named('map', 'template.KV', T.string, T.string);
const STRING_SLICE = sliceOf(T.string);

interface PairRaw { Name: string; Value: string }

/** Byte order of Go strings (UTF-16 order agrees for the BMP). */
function goLess(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `KV.SortedPairs`: `alertname` first when present, then the other names in order. */
export function sortedPairs(kv: KVRaw): PairRaw[] {
  const keys = Object.keys(kv).filter((k) => k !== 'alertname').sort(goLess);
  if (Object.prototype.hasOwnProperty.call(kv, 'alertname')) keys.unshift('alertname');
  return keys.map((k) => ({ Name: k, Value: kv[k]! }));
}

export function kvRemove(kv: KVRaw, keys: readonly string[]): Record<string, string> {
  const drop = new Set(keys);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(kv)) if (!drop.has(k)) out[k] = v;
  return out;
}

setMethods(STRINGS, {
  Join: method([T.string], T.string, (r, sep) => ((r as string[] | null) ?? []).join(sep as string)),
});
setMethods(PAIRS, {
  Names: method([], STRINGS, (r) => new GoVal(STRINGS, ((r as PairRaw[] | null) ?? []).map((p) => p.Name))),
  Values: method([], STRINGS, (r) => new GoVal(STRINGS, ((r as PairRaw[] | null) ?? []).map((p) => p.Value))),
});
setMethods(KV, {
  SortedPairs: method([], PAIRS, (r) => new GoVal(PAIRS, sortedPairs((r as KVRaw | null) ?? {}))),
  Remove: method([STRING_SLICE], KV, (r, keys) => {
    const raw = keys instanceof GoVal ? keys.raw : keys;
    return new GoVal(KV, kvRemove((r as KVRaw | null) ?? {}, (raw as string[] | null) ?? []));
  }),
  Names: method([], STRINGS, (r) => new GoVal(STRINGS, sortedPairs((r as KVRaw | null) ?? {}).map((p) => p.Name))),
  Values: method([], STRINGS, (r) => new GoVal(STRINGS, sortedPairs((r as KVRaw | null) ?? {}).map((p) => p.Value))),
});

/** Raw payload of a `template.Alert`; times are Unix nanoseconds (Go's zero time for unset). */
export interface AlertRaw {
  Status: string;
  Labels: KVRaw;
  Annotations: KVRaw;
  StartsAt: bigint;
  EndsAt: bigint;
  GeneratorURL: string;
  Fingerprint: string;
}

export const ALERT: GoType = structType('template.Alert', [
  { name: 'Status', type: T.string },
  { name: 'Labels', type: KV },
  { name: 'Annotations', type: KV },
  { name: 'StartsAt', type: TIME },
  { name: 'EndsAt', type: TIME },
  { name: 'GeneratorURL', type: T.string },
  { name: 'Fingerprint', type: T.string },
]);
const ALERT_SLICE = sliceOf(ALERT);
export const ALERTS: GoType = named('slice', 'template.Alerts', ALERT, null);

setMethods(ALERTS, {
  Firing: method([], ALERT_SLICE, (r) => new GoVal(ALERT_SLICE, ((r as AlertRaw[] | null) ?? []).filter((a) => a.Status === 'firing'))),
  Resolved: method([], ALERT_SLICE, (r) => new GoVal(ALERT_SLICE, ((r as AlertRaw[] | null) ?? []).filter((a) => a.Status === 'resolved'))),
});

/** Raw payload of `template.Data`. */
export interface DataRaw {
  Receiver: string;
  Status: string;
  Alerts: AlertRaw[];
  GroupLabels: KVRaw;
  CommonLabels: KVRaw;
  CommonAnnotations: KVRaw;
  ExternalURL: string;
}

export const DATA: GoType = structType('template.Data', [
  { name: 'Receiver', type: T.string },
  { name: 'Status', type: T.string },
  { name: 'Alerts', type: ALERTS },
  { name: 'GroupLabels', type: KV },
  { name: 'CommonLabels', type: KV },
  { name: 'CommonAnnotations', type: KV },
  { name: 'ExternalURL', type: T.string },
]);
