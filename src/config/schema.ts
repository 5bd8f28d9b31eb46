/**
 * A small declarative schema for Prometheus's configuration structs. One `Kind<T>` says how a
 * Go type is read from YAML (with go-yaml v2's strict rules), what its zero value is, when it
 * counts as empty (`omitempty`) and how it is written back. `struct()` builds a kind from a
 * table of fields (YAML key → kind, default, omitempty, inline), rejects unknown and
 * duplicate keys as Prometheus's strict decoding does, and runs the struct's own validation.
 *
 * Contract of `decode(n, d, path, base)`: `n` is never a null node (null gives `zero()`, as
 * in Go), `base` is the value the field had before (its default) and may be reused.
 */
import { DecodeError } from './errors.js';
import { isNull, yamlTagName } from './yaml-node.js';
import type { MapNode, YNode } from './yaml-node.js';

/** What the YAML writer receives: a document tree with Go's field order already applied. */
export type YOut =
  | { t: 'map'; entries: [string, YOut][] }
  | { t: 'seq'; items: YOut[]; flow: boolean }
  | { t: 'str'; v: string }
  | { t: 'raw'; v: string };

export interface Kind<T> {
  readonly goType: string;
  decode(n: YNode, d: DecodeContext, path: string, base: T): T;
  zero(): T;
  isZero(v: T): boolean;
  encode(v: T, flow: boolean): YOut;
}

/** Where a decoded struct came from, for errors found after decoding. */
export interface StructLoc {
  path: string;
  line: number;
  keyLines: Map<string, number>;
}

export class DecodeContext {
  /** Directory relative file names are resolved against. */
  readonly dir: string;
  readonly locs = new WeakMap<object, StructLoc>();
  constructor(dir: string) {
    this.dir = dir;
  }
  /** An error about `obj` (a decoded struct), at `field`'s line when that field was written. */
  fail(obj: object, reason: string, field?: string): never {
    const loc = this.locs.get(obj);
    if (loc === undefined) throw new DecodeError(0, '', reason);
    const fl = field !== undefined ? loc.keyLines.get(field) : undefined;
    if (fl !== undefined && field !== undefined) throw new DecodeError(fl, joinPath(loc.path, field), reason);
    throw new DecodeError(loc.line, loc.path, reason);
  }
  /** True when `field` was written in the YAML of `obj`. */
  has(obj: object, field: string): boolean {
    return this.locs.get(obj)?.keyLines.has(field) ?? false;
  }
}

export function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** Go's "cannot unmarshal !!str `x` into int". */
export function typeError(n: YNode, goType: string, path: string): DecodeError {
  const shown = n.kind === 'scalar' ? ` \`${n.text.length > 40 ? n.text.slice(0, 37) + '...' : n.text}\`` : '';
  return new DecodeError(n.line, path, `cannot unmarshal ${yamlTagName(n)}${shown} into ${goType}`);
}

export interface FieldSpec<T> {
  kind: Kind<T>;
  /** Value when the key is absent; defaults to the kind's zero. */
  default?: () => T;
  /** Leave out of the written YAML when zero (Go's `omitempty`). */
  omitempty?: boolean;
  /** Keys of this struct-valued field sit in the parent mapping (Go's `,inline`). */
  inline?: boolean;
  /** Written as a flow sequence (`[a, b]`). */
  flow?: boolean;
  /** Not a YAML key: filled by validation or by an `extra` handler, never written by the field loop. */
  hidden?: boolean;
  /** Left out of the written YAML when this returns true (Go zero values that we keep filled). */
  omitWhen?: (parent: never) => boolean;
}

export type Fields<T> = { [K in keyof T]-?: FieldSpec<T[K]> };

/** Keys handled outside the field table (service discovery configs). */
export interface ExtraKeys<T> {
  accepts(key: string): boolean;
  decode(v: T, key: string, n: YNode, d: DecodeContext, path: string): void;
  encode(v: T): [string, YOut][];
}

export interface StructOptions<T> {
  /** Validation after all keys are read (Go's UnmarshalYAML checks). Throw via `d.fail(v, ...)`. */
  validate?: (v: T, d: DecodeContext) => void;
  extra?: ExtraKeys<T>;
  /** Entries written before the fields (Go fields that have no place in our type). */
  encodePrefix?: (v: T) => [string, YOut][];
}

interface Slot {
  prop: string;
  /** Property of the inline field holding this key, when the key belongs to an inline struct. */
  via: string | null;
  spec: FieldSpec<unknown>;
}

export interface StructKind<T> extends Kind<T> {
  readonly fields: Fields<T>;
  defaults(): T;
  /** Keys accepted by this struct (own, inline), for inline use by a parent. */
  keys(): Iterable<string>;
}

type AnyRec = Record<string, unknown>;

export function struct<T extends object>(goType: string, fields: Fields<T>, opts: StructOptions<T> = {}): StructKind<T> {
  const table = new Map<string, Slot>();
  const specs = fields as unknown as Record<string, FieldSpec<unknown>>;
  for (const [prop, spec] of Object.entries(specs)) {
    if (spec.hidden === true) continue;
    if (spec.inline === true) {
      const inner = spec.kind as unknown as StructKind<object>;
      for (const k of inner.keys()) table.set(k, { prop: k, via: prop, spec: (inner.fields as unknown as Record<string, FieldSpec<unknown>>)[k]! });
    } else {
      table.set(prop, { prop, via: null, spec });
    }
  }
  // A nested struct without its own default starts from that struct's defaults, as a Go
  // default value embeds the nested type's default.
  const defaults = (): T => {
    const o: AnyRec = {};
    for (const [prop, spec] of Object.entries(specs)) {
      const nested = (spec.kind as Partial<StructKind<object>>).defaults;
      o[prop] = spec.default !== undefined ? spec.default() : nested !== undefined ? nested() : spec.kind.zero();
    }
    return o as T;
  };
  const zero = (): T => {
    const o: AnyRec = {};
    for (const [prop, spec] of Object.entries(specs)) o[prop] = spec.kind.zero();
    return o as T;
  };
  const kind: StructKind<T> = {
    goType,
    fields,
    defaults,
    keys: () => table.keys(),
    zero,
    isZero(v: T): boolean {
      const r = v as AnyRec;
      for (const [prop, spec] of Object.entries(specs)) {
        if (spec.hidden === true) continue;
        if (!spec.kind.isZero(r[prop])) return false;
      }
      return opts.extra === undefined || opts.extra.encode(v).length === 0;
    },
    decode(n: YNode, d: DecodeContext, path: string, base: T): T {
      if (n.kind !== 'map') throw typeError(n, goType, path);
      const v = base as AnyRec;
      decodeInto(v, n, d, path);
      return v as T;
    },
    encode(v: T): YOut {
      const entries: [string, YOut][] = opts.encodePrefix !== undefined ? opts.encodePrefix(v) : [];
      const r = v as AnyRec;
      for (const [prop, spec] of Object.entries(specs)) {
        if (spec.hidden === true) continue;
        if (spec.omitWhen !== undefined && (spec.omitWhen as (p: T) => boolean)(v)) continue;
        const val = r[prop];
        if (spec.inline === true) {
          const inner = spec.kind.encode(val, false);
          if (inner.t === 'map') entries.push(...inner.entries);
          continue;
        }
        if (spec.omitempty === true && spec.kind.isZero(val)) continue;
        entries.push([prop, spec.kind.encode(val, spec.flow === true)]);
      }
      if (opts.extra !== undefined) entries.push(...opts.extra.encode(v));
      return { t: 'map', entries };
    },
  };

  function decodeInto(v: AnyRec, n: MapNode, d: DecodeContext, path: string): void {
    const keyLines = new Map<string, number>();
    for (const e of n.entries) {
      const slot = table.get(e.key);
      if (slot === undefined) {
        if (opts.extra?.accepts(e.key) === true) {
          if (keyLines.has(e.key)) throw new DecodeError(e.line, path, `field ${e.key} already set in type ${goType}`, true);
          keyLines.set(e.key, e.line);
          opts.extra.decode(v as T, e.key, e.value, d, joinPath(path, e.key));
          continue;
        }
        throw new DecodeError(e.line, path, `field ${e.key} not found in type ${goType}`, true);
      }
      if (keyLines.has(e.key)) throw new DecodeError(e.line, path, `field ${e.key} already set in type ${goType}`, true);
      keyLines.set(e.key, e.line);
      const target = slot.via === null ? v : (v[slot.via] as AnyRec);
      const child = joinPath(path, e.key);
      target[slot.prop] = isNull(e.value) ? slot.spec.kind.zero() : slot.spec.kind.decode(e.value, d, child, target[slot.prop]);
    }
    d.locs.set(v, { path, line: n.line, keyLines });
    // Inline structs share the parent's location so their validation errors point there too.
    for (const [prop, spec] of Object.entries(specs)) {
      if (spec.inline === true) d.locs.set(v[prop] as object, { path, line: n.line, keyLines });
    }
    opts.validate?.(v as T, d);
  }

  return kind;
}

/** A struct behind a pointer: absent or null is `null`; a present one starts from its defaults. */
export function ptr<T extends object>(k: StructKind<T>): Kind<T | null> {
  return {
    goType: '*' + k.goType,
    decode: (n, d, path) => k.decode(n, d, path, k.defaults()),
    zero: () => null,
    isZero: (v) => v === null,
    encode: (v, flow) => (v === null ? { t: 'raw', v: 'null' } : k.encode(v, flow)),
  };
}

/**
 * A struct whose Go type resets itself to its defaults when decoded (its UnmarshalYAML starts
 * with `*c = Default...`), so the parent's value does not carry over.
 */
export function resetting<T extends object>(k: StructKind<T>): StructKind<T> {
  return { ...k, decode: (n, d, path) => k.decode(n, d, path, k.defaults()) };
}

export interface ListOptions {
  /** Message for a null item (Prometheus rejects null list items with its own wording). */
  nullItem?: string;
}

export function list<T>(item: Kind<T>, opts: ListOptions = {}): Kind<T[]> {
  const goType = '[]' + item.goType;
  return {
    goType,
    decode(n, d, path) {
      if (n.kind !== 'seq') throw typeError(n, goType, path);
      const out: T[] = [];
      for (let i = 0; i < n.items.length; i++) {
        const it = n.items[i]!;
        const p = `${path}[${i}]`;
        if (isNull(it)) {
          if (opts.nullItem !== undefined) throw new DecodeError(it.line, p, opts.nullItem);
          out.push(item.zero());
          continue;
        }
        out.push(item.decode(it, d, p, item.zero()));
      }
      return out;
    },
    zero: () => [],
    isZero: (v) => v.length === 0,
    encode: (v, flow) => ({ t: 'seq', items: v.map((x) => item.encode(x, false)), flow }),
  };
}

/**
 * Orders map keys as go-yaml does when writing a map: letters before other characters, runs
 * of digits compared by value.
 */
export function goKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  const isLetter = (c: string): boolean => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') { an = 1; bn = 1; break; }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + (ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + (br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

export function goSortedKeys(keys: Iterable<string>): string[] {
  return Array.from(keys).sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0));
}

/** A string-keyed map of `item` values; duplicate keys are rejected as go-yaml rejects them. */
export function dict<T>(item: Kind<T>, goType = `map[string]${item.goType}`): Kind<Record<string, T>> {
  return {
    goType,
    decode(n, d, path) {
      if (n.kind !== 'map') throw typeError(n, goType, path);
      const out: Record<string, T> = {};
      for (const e of n.entries) {
        if (Object.prototype.hasOwnProperty.call(out, e.key)) {
          throw new DecodeError(e.line, path, `key ${JSON.stringify(e.key)} already set in map`);
        }
        const p = joinPath(path, e.key);
        out[e.key] = isNull(e.value) ? item.zero() : item.decode(e.value, d, p, item.zero());
      }
      return out;
    },
    zero: () => ({}),
    isZero: (v) => Object.keys(v).length === 0,
    encode: (v) => ({ t: 'map', entries: goSortedKeys(Object.keys(v)).map((k) => [k, item.encode(v[k]!, false)]) }),
  };
}

/** A map that may be absent (`null`) as opposed to empty, like a Go pointer to a map type. */
export function nullableDict<T>(item: Kind<Record<string, T>>): Kind<Record<string, T> | null> {
  return {
    goType: '*' + item.goType,
    decode: (n, d, path) => item.decode(n, d, path, item.zero()),
    zero: () => null,
    isZero: (v) => v === null,
    encode: (v, flow) => (v === null ? { t: 'raw', v: 'null' } : item.encode(v, flow)),
  };
}

/** Wraps a kind with an extra check of the decoded value. */
export function checked<T>(k: Kind<T>, check: (v: T, n: YNode, path: string) => void): Kind<T> {
  return {
    ...k,
    decode(n, d, path, base) {
      const v = k.decode(n, d, path, base);
      check(v, n, path);
      return v;
    },
  };
}
