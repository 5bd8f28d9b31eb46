/**
 * Test support: a validator for the subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it)
 * that `openapi.yaml` is written in: `$ref` (local pointers), `type` (one or a list),
 * `enum`, `const`, `properties`, `required`, `additionalProperties`, `items`, `prefixItems`,
 * `minItems`, `maxItems`, `minimum`, `maximum`, `pattern`, `oneOf`, `anyOf`, `allOf`.
 * Annotations (`description`, `format`, `default`, ...) are accepted and not checked; any
 * other keyword is refused, so that the description cannot lean on a rule nobody checks.
 */

/** Keywords that only annotate. `format` is one too: JSON Schema 2020-12 does not assert it by default. */
const ANNOTATIONS = new Set(['description', 'format', 'default', 'example', 'examples', 'title', 'contentEncoding', 'contentMediaType', 'deprecated']);
const ASSERTIONS = new Set([
  '$ref', 'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems',
  'minItems', 'maxItems', 'minimum', 'maximum', 'pattern', 'oneOf', 'anyOf', 'allOf',
]);

type JSONType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

function typeOf(v: unknown): JSONType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'boolean': return 'boolean';
    case 'number': return Number.isInteger(v) ? 'integer' : 'number';
    case 'string': return 'string';
    case 'object': return 'object';
    default: throw new Error(`validating: ${typeof v} is not a JSON value`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep equality of JSON values (for enum and const). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

export class SchemaValidator {
  readonly #root: unknown;
  readonly #patterns = new Map<string, RegExp>();

  /** `root`: the document that `$ref` pointers (`#/...`) resolve in. */
  constructor(root: unknown) {
    this.#root = root;
  }

  /** Follows a local JSON pointer (`#/components/schemas/X`). */
  resolve(ref: string): unknown {
    if (!ref.startsWith('#/')) throw new Error(`resolving ${ref}: only local references are supported`);
    let cur: unknown = this.#root;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObject(cur) || !(key in cur)) throw new Error(`resolving ${ref}: no ${key}`);
      cur = cur[key];
    }
    return cur;
  }

  /** Follows `$ref` of an OpenAPI object (response, parameter) until a plain object. */
  deref(o: unknown): Record<string, unknown> {
    let cur = o;
    for (let i = 0; isObject(cur) && typeof cur['$ref'] === 'string'; i++) {
      if (i > 20) throw new Error('resolving: reference cycle');
      cur = this.resolve(cur['$ref']);
    }
    if (!isObject(cur)) throw new Error('resolving: not an object');
    return cur;
  }

  /**
   * Problems of a schema itself, every subschema visited: keywords outside the subset and
   * references that do not resolve. Referenced schemas are not entered (lint them where they
   * are defined).
   */
  lint(schema: unknown, path = '$'): string[] {
    if (typeof schema === 'boolean') return [];
    if (!isObject(schema)) return [`${path}: schema is not an object`];
    const out: string[] = [];
    for (const [k, x] of Object.entries(schema)) {
      if (ANNOTATIONS.has(k)) continue;
      if (!ASSERTIONS.has(k)) { out.push(`${path}: keyword ${k} is not supported`); continue; }
      switch (k) {
        case '$ref':
          try { this.resolve(String(x)); } catch (e) { out.push(`${path}: ${(e as Error).message}`); }
          break;
        case 'properties':
          if (isObject(x)) for (const [p, s] of Object.entries(x)) out.push(...this.lint(s, `${path}.properties.${p}`));
          break;
        case 'additionalProperties': case 'items':
          out.push(...this.lint(x, `${path}.${k}`));
          break;
        case 'prefixItems': case 'oneOf': case 'anyOf': case 'allOf':
          if (!Array.isArray(x)) out.push(`${path}: ${k} is not a list`);
          else x.forEach((s, i) => { out.push(...this.lint(s, `${path}.${k}[${i}]`)); });
          break;
        default:
          break;
      }
    }
    return out;
  }

  /** The reasons `value` does not satisfy `schema` (empty when it does), each with its JSON path. */
  validate(schema: unknown, value: unknown, path = '$'): string[] {
    const errs: string[] = [];
    this.#check(schema, value, path, errs);
    return errs;
  }

  #check(schema: unknown, v: unknown, path: string, errs: string[]): void {
    if (schema === true) return;
    if (schema === false) { errs.push(`${path}: no value is allowed here`); return; }
    if (!isObject(schema)) throw new Error(`${path}: schema is not an object`);
    for (const k of Object.keys(schema)) {
      if (!ASSERTIONS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`${path}: schema keyword ${k} is not supported by this validator`);
    }
    if (typeof schema['$ref'] === 'string') this.#check(this.resolve(schema['$ref']), v, path, errs);
    const t = typeOf(v);
    if (schema['type'] !== undefined) {
      const want = (Array.isArray(schema['type']) ? schema['type'] : [schema['type']]) as JSONType[];
      if (!want.includes(t) && !(t === 'integer' && want.includes('number'))) {
        errs.push(`${path}: ${t} is not of type ${want.join(' or ')}`);
        return;
      }
    }
    if (Array.isArray(schema['enum']) && !schema['enum'].some((e) => jsonEqual(e, v))) {
      errs.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(schema['enum'])}`);
    }
    if ('const' in schema && !jsonEqual(schema['const'], v)) errs.push(`${path}: ${JSON.stringify(v)} is not ${JSON.stringify(schema['const'])}`);
    if (typeof v === 'number') {
      if (typeof schema['minimum'] === 'number' && v < schema['minimum']) errs.push(`${path}: ${v} is less than ${schema['minimum']}`);
      if (typeof schema['maximum'] === 'number' && v > schema['maximum']) errs.push(`${path}: ${v} is more than ${schema['maximum']}`);
    }
    if (typeof v === 'string' && typeof schema['pattern'] === 'string' && !this.#pattern(schema['pattern']).test(v)) {
      errs.push(`${path}: ${JSON.stringify(v)} does not match ${schema['pattern']}`);
    }
    if (Array.isArray(v)) this.#checkArray(schema, v, path, errs);
    if (isObject(v)) this.#checkObject(schema, v, path, errs);
    if (Array.isArray(schema['allOf'])) for (const s of schema['allOf']) this.#check(s, v, path, errs);
    if (Array.isArray(schema['anyOf']) && !schema['anyOf'].some((s) => this.validate(s, v, path).length === 0)) {
      errs.push(`${path}: matches none of anyOf (${this.#closest(schema['anyOf'], v, path)})`);
    }
    if (Array.isArray(schema['oneOf'])) {
      const n = schema['oneOf'].filter((s) => this.validate(s, v, path).length === 0).length;
      if (n === 0) errs.push(`${path}: matches none of oneOf (${this.#closest(schema['oneOf'], v, path)})`);
      else if (n > 1) errs.push(`${path}: matches ${n} of oneOf, not exactly one`);
    }
  }

  #checkArray(schema: Record<string, unknown>, v: unknown[], path: string, errs: string[]): void {
    if (typeof schema['minItems'] === 'number' && v.length < schema['minItems']) errs.push(`${path}: ${v.length} items, fewer than ${schema['minItems']}`);
    if (typeof schema['maxItems'] === 'number' && v.length > schema['maxItems']) errs.push(`${path}: ${v.length} items, more than ${schema['maxItems']}`);
    const prefix: unknown[] = Array.isArray(schema['prefixItems']) ? schema['prefixItems'] as unknown[] : [];
    for (let i = 0; i < v.length; i++) {
      const s: unknown = i < prefix.length ? prefix[i] : schema['items'];
      if (s !== undefined) this.#check(s, v[i], `${path}[${i}]`, errs);
    }
  }

  #checkObject(schema: Record<string, unknown>, v: Record<string, unknown>, path: string, errs: string[]): void {
    const props = isObject(schema['properties']) ? schema['properties'] : {};
    if (Array.isArray(schema['required'])) {
      for (const k of schema['required'] as string[]) if (!(k in v)) errs.push(`${path}: missing required property ${k}`);
    }
    const extra = schema['additionalProperties'];
    for (const [k, x] of Object.entries(v)) {
      const p = `${path}.${k}`;
      if (k in props) this.#check(props[k], x, p, errs);
      else if (extra === false) errs.push(`${path}: property ${k} is not allowed`);
      else if (extra !== undefined) this.#check(extra, x, p, errs);
    }
  }

  /** The errors of the alternative that came closest, to explain a failed oneOf/anyOf. */
  #closest(alts: unknown[], v: unknown, path: string): string {
    let best: string[] | null = null;
    for (const s of alts) {
      const e = this.validate(s, v, path);
      if (best === null || e.length < best.length) best = e;
    }
    return (best ?? []).slice(0, 3).join('; ');
  }

  #pattern(p: string): RegExp {
    let re = this.#patterns.get(p);
    if (re === undefined) {
      re = new RegExp(p, 'u');
      this.#patterns.set(p, re);
    }
    return re;
  }
}
