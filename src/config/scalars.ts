/**
 * Scalar kinds of the configuration schema: strings, secrets, numbers, booleans, durations,
 * sizes, file names (resolved against the config file's directory), enums, URLs and free-form
 * values. Each reads what go-yaml v2 reads into the matching Go type and writes it back the
 * way Prometheus prints it.
 */
import { isAbsolute, join } from 'node:path';
import { DurationError, formatDuration, formatFloatG, parseDuration } from '../model/index.js';
import type { Millis } from '../model/index.js';
import { DecodeError } from './errors.js';
import { checked, typeError } from './schema.js';
import type { Kind, YOut } from './schema.js';
import type { Secret } from './types.js';
import { formatBase2Bytes, parseBase2Bytes } from './units.js';
import { redactURL } from './url.js';
import type { YNode } from './yaml-node.js';

const str = (v: string): YOut => ({ t: 'str', v });
const raw = (v: string): YOut => ({ t: 'raw', v });

/** Go's string: any scalar, as written. */
export const string: Kind<string> = {
  goType: 'string',
  decode(n, _d, path) {
    if (n.kind !== 'scalar') throw typeError(n, 'string', path);
    return n.text;
  },
  zero: () => '',
  isZero: (v) => v === '',
  encode: (v) => str(v),
};

/** A secret: read like a string, printed as `<secret>` (and `null` when empty, as Go prints it). */
export const secret: Kind<Secret | ''> = {
  goType: 'config.Secret',
  decode: (n, d, path) => string.decode(n, d, path, '') as Secret | '',
  zero: () => '',
  isZero: (v) => v === '',
  encode: (v) => (v === '' ? raw('null') : str('<secret>')),
};

function intKind(goType: string, min: number, max: number): Kind<number> {
  return {
    goType,
    decode(n, _d, path) {
      if (n.kind !== 'scalar') throw typeError(n, goType, path);
      let v: number | undefined;
      if (n.tag === 'int' && typeof n.value === 'number') v = n.value;
      // go-yaml truncates a float into an integer field when it fits.
      else if (n.tag === 'float' && typeof n.value === 'number' && Number.isFinite(n.value)) v = Math.trunc(n.value);
      if (v === undefined || v < min || v > max || !Number.isSafeInteger(v)) throw typeError(n, goType, path);
      return v;
    },
    zero: () => 0,
    isZero: (v) => v === 0,
    encode: (v) => raw(String(v)),
  };
}

export const int = intKind('int', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
export const int64 = intKind('int64', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
export const uint = intKind('uint', 0, Number.MAX_SAFE_INTEGER);
export const uint64 = intKind('uint64', 0, Number.MAX_SAFE_INTEGER);

export const float: Kind<number> = {
  goType: 'float64',
  decode(n, _d, path) {
    if (n.kind !== 'scalar' || (n.tag !== 'int' && n.tag !== 'float') || typeof n.value !== 'number') throw typeError(n, 'float64', path);
    return n.value;
  },
  zero: () => 0,
  isZero: (v) => v === 0,
  encode: (v) => {
    const s = formatFloatG(v);
    return raw(s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s);
  },
};

export const bool: Kind<boolean> = {
  goType: 'bool',
  decode(n, _d, path) {
    if (n.kind !== 'scalar' || n.tag !== 'bool') throw typeError(n, 'bool', path);
    return n.value === true;
  },
  zero: () => false,
  isZero: (v) => !v,
  encode: (v) => raw(v ? 'true' : 'false'),
};

/** Prometheus's duration (`1m30s`, `0`), in milliseconds. */
export const duration: Kind<Millis> = {
  goType: 'model.Duration',
  decode(n, d, path) {
    const s = string.decode(n, d, path, '');
    try {
      return parseDuration(s);
    } catch (e) {
      if (e instanceof DurationError) throw new DecodeError(n.line, path, e.message);
      throw e;
    }
  },
  zero: () => 0 as Millis,
  isZero: (v) => v === 0,
  encode: (v) => str(formatDuration(v)),
};

/** A size with a unit as Prometheus's Base2Bytes reads it (`512MB`, KB = 1024), in bytes. */
export const size: Kind<number> = {
  goType: 'units.Base2Bytes',
  decode(n, d, path) {
    const s = string.decode(n, d, path, '');
    const r = parseBase2Bytes(s);
    if (typeof r === 'string') throw new DecodeError(n.line, path, r);
    return r;
  },
  zero: () => 0,
  isZero: (v) => v === 0,
  encode: (v) => str(formatBase2Bytes(v)),
};

/** Joins a relative path with the config file's directory, as Prometheus's SetDirectory does. */
export function joinDir(dir: string, p: string): string {
  if (p === '' || isAbsolute(p)) return p;
  return join(dir, p);
}

/** A file name, resolved against the directory of the file it was read from. */
export const file: Kind<string> = {
  ...string,
  decode(n, d, path) {
    return joinDir(d.dir, string.decode(n, d, path, ''));
  },
};

/** A string restricted to a set of values, with Prometheus's error for anything else. */
export function enumOf<T extends string>(goType: string, values: readonly T[], err: (s: string) => string, normalize?: (s: string) => string): Kind<T> {
  return {
    goType,
    decode(n, d, path) {
      let s = string.decode(n, d, path, '');
      if (normalize !== undefined) s = normalize(s);
      if (!(values as readonly string[]).includes(s)) throw new DecodeError(n.line, path, err(s));
      return s as T;
    },
    zero: () => '' as T,
    isZero: (v) => v === '',
    encode: (v) => str(v),
  };
}

/** A URL (`config.URL`), kept as written; its password is shown as `xxxxx`. */
export const url: Kind<string> = {
  goType: 'config.URL',
  decode: (n, d, path) => string.decode(n, d, path, ''),
  zero: () => '',
  isZero: (v) => v === '',
  encode: (v) => str(redactURL(v)),
};

/** Free-form YAML (`map[string]any` values), converted to plain JSON-like values. */
export const anyValue: Kind<unknown> = {
  goType: 'interface {}',
  decode: (n) => toPlain(n),
  zero: () => null,
  isZero: (v) => v === null || v === undefined,
  encode: (v) => fromPlain(v),
};

function toPlain(n: YNode): unknown {
  switch (n.kind) {
    case 'scalar': return n.value;
    case 'seq': return n.items.map(toPlain);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const e of n.entries) o[e.key] = toPlain(e.value);
      return o;
    }
  }
}

function fromPlain(v: unknown): YOut {
  if (v === null || v === undefined) return raw('null');
  if (typeof v === 'boolean') return raw(v ? 'true' : 'false');
  if (typeof v === 'number') return Number.isInteger(v) ? raw(String(v)) : float.encode(v, false);
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return { t: 'seq', items: v.map(fromPlain), flow: false };
  const o = v as Record<string, unknown>;
  return { t: 'map', entries: Object.keys(o).sort().map((k) => [k, fromPlain(o[k])]) };
}

/** A string that must not be empty once trimmed (for required names). */
export function nonEmpty(k: Kind<string>, reason: string): Kind<string> {
  return checked(k, (v, n, path) => {
    if (v.trim() === '') throw new DecodeError(n.line, path, reason);
  });
}
