/**
 * Reading the Docker Engine API's JSON answers: lenient field readers over `unknown`, so that
 * a field of an unexpected type reads as absent (its zero value), as the fields Prometheus does
 * not use never fail a refresh. Only the top-level shape (a list where a list is documented)
 * is checked strictly.
 */

export type JSONObject = Readonly<Record<string, unknown>>;

const EMPTY: JSONObject = Object.freeze({});

/** `v` as an object; anything else (null, arrays, scalars) reads as an empty object. */
export function obj(v: unknown): JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONObject : EMPTY;
}

/** Whether `o[k]` is a non-null object (Go's non-nil pointer to a struct). */
export function has(o: JSONObject, k: string): boolean {
  const v = o[k];
  return typeof v === 'object' && v !== null;
}

export function str(o: JSONObject, k: string): string {
  const v = o[k];
  return typeof v === 'string' ? v : '';
}

export function num(o: JSONObject, k: string): number {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function bool(o: JSONObject, k: string): boolean {
  return o[k] === true;
}

export function list(o: JSONObject, k: string): readonly unknown[] {
  const v = o[k];
  return Array.isArray(v) ? v : [];
}

/** A string → string map (labels); entries with other values are skipped. */
export function strMap(o: JSONObject, k: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, v] of Object.entries(obj(o[k]))) if (typeof v === 'string') out.push([name, v]);
  return out;
}

/** Parses a body that must be a JSON list, naming `what` in the error otherwise. */
export function parseList(body: string, what: string): readonly unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (e) {
    throw new Error(`decoding ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (v === null) return [];
  if (!Array.isArray(v)) throw new Error(`decoding ${what}: json: cannot unmarshal ${jsonKind(v)} into a list`);
  return v;
}

function jsonKind(v: unknown): string {
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'object';
  }
}
