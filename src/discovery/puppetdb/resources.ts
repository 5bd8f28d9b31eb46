/**
 * PuppetDB resources as Prometheus decodes them: a JSON list of objects whose keys match the
 * fields case-insensitively (Go's encoding/json), type mismatches rejected with Go's wording,
 * and `parameters` kept as free JSON to be flattened into labels.
 */
import { formatFloatG } from '../../model/index.js';
import { sanitizeLabelName } from '../refresh/index.js';

const SEPARATOR = ',';

export interface Resource {
  certname: string;
  resource: string;
  type: string;
  title: string;
  exported: boolean;
  tags: string[];
  file: string;
  environment: string;
  /** Null when absent or null in the answer. */
  parameters: Record<string, unknown> | null;
}

type FieldKind = 'string' | 'bool' | 'strings' | 'object';
const FIELDS: Record<keyof Resource, FieldKind> = {
  certname: 'string', resource: 'string', type: 'string', title: 'string', exported: 'bool', tags: 'strings',
  file: 'string', environment: 'string', parameters: 'object',
};
const GO_TYPES: Record<FieldKind, string> = { string: 'string', bool: 'bool', strings: '[]string', object: 'puppetdb.Parameters' };

/** The JSON type name Go's decoder uses in "cannot unmarshal X into ..." errors. */
function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'object';
  }
}

function mismatch(v: unknown, field: string, goType: string): Error {
  return new Error(`json: cannot unmarshal ${jsonKind(v)} into Go struct field Resource.${field} of type ${goType}`);
}

/** Decodes the body of a PuppetDB query answer. */
export function decodeResources(body: string): Resource[] {
  const doc = JSON.parse(body) as unknown;
  if (doc === null) return [];
  if (!Array.isArray(doc)) throw new Error(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type []puppetdb.Resource`);
  const out: Resource[] = [];
  for (const item of doc) {
    const r: Resource = { certname: '', resource: '', type: '', title: '', exported: false, tags: [], file: '', environment: '', parameters: null };
    if (item === null) { out.push(r); continue; }
    if (typeof item !== 'object' || Array.isArray(item)) throw new Error(`json: cannot unmarshal ${jsonKind(item)} into Go value of type puppetdb.Resource`);
    for (const [key, v] of Object.entries(item as Record<string, unknown>)) {
      const field = (Object.keys(FIELDS) as (keyof Resource)[]).find((f) => f === key) ?? (Object.keys(FIELDS) as (keyof Resource)[]).find((f) => f.toLowerCase() === key.toLowerCase());
      if (field === undefined) continue;
      const kind = FIELDS[field];
      // A JSON null leaves the field as it is, as Go's decoder does.
      if (v === null) { if (kind === 'object') r.parameters = null; continue; }
      switch (kind) {
        case 'string':
          if (typeof v !== 'string') throw mismatch(v, field, GO_TYPES[kind]);
          (r[field] as string) = v;
          break;
        case 'bool':
          if (typeof v !== 'boolean') throw mismatch(v, field, GO_TYPES[kind]);
          r.exported = v;
          break;
        case 'strings':
          if (!Array.isArray(v)) throw mismatch(v, field, GO_TYPES[kind]);
          r.tags = v.map((t) => {
            if (t === null) return '';
            if (typeof t !== 'string') throw mismatch(t, field, 'string');
            return t;
          });
          break;
        case 'object':
          if (typeof v !== 'object' || Array.isArray(v)) throw mismatch(v, field, GO_TYPES[kind]);
          r.parameters = v as Record<string, unknown>;
          break;
        default: {
          const never: never = kind;
          throw new Error(`unknown field kind ${String(never)}`);
        }
      }
    }
    out.push(r);
  }
  return out;
}

/** A scalar parameter value as Prometheus writes it; undefined for other types. */
function scalar(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string': return v;
    case 'boolean': return String(v);
    // JSON numbers decode to float64 in Go and are formatted with 'g', shortest.
    case 'number': return formatFloatG(v);
    default: return undefined;
  }
}

/**
 * Flattens parameters into label name → value (without the `__meta_puppetdb_parameter_`
 * prefix), as Prometheus does: scalars as they are, lists of scalars joined with ","
 * (other items count as empty), nested objects under `<key>_`, names sanitized; empty values
 * and other types left out.
 */
export function parameterLabels(params: Record<string, unknown> | null): Record<string, string> {
  const labels: Record<string, string> = {};
  if (params === null) return labels;
  for (const [k, v] of Object.entries(params)) {
    let value: string;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      const parts: string[] = [];
      for (const item of v) parts.push(scalar(item) ?? '');
      value = parts.join(SEPARATOR);
    } else if (v !== null && typeof v === 'object') {
      const prefix = sanitizeLabelName(`${k}_`);
      for (const [sk, sv] of Object.entries(parameterLabels(v as Record<string, unknown>))) labels[prefix + sk] = sv;
      continue;
    } else {
      const s = scalar(v);
      if (s === undefined) continue;
      value = s;
    }
    if (value === '') continue;
    labels[sanitizeLabelName(k)] = value;
  }
  return labels;
}
