/**
 * The content of a file SD file: a list of `{targets: [...], labels: {...}}` in JSON or YAML,
 * decoded with the strictness Prometheus applies (unknown fields rejected, label names
 * validated, a null item rejected) and errors worded like its Go decoders'.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { isValidLabelName, quoteGoString } from '../../model/index.js';

/** One group as written in the file, before the discoverer adds its source and file label. */
export interface FileTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

export type FileFormat = 'json' | 'yaml';

export class FileSDParseError extends Error {
  override readonly name = 'FileSDParseError';
  /** The index of a null group in the list, when that is the error (promtool's check names it). */
  readonly nilItemIndex: number | null;
  constructor(message: string, opts: { cause?: unknown; nilItemIndex?: number } = {}) {
    super(message, 'cause' in opts ? { cause: opts.cause } : undefined);
    this.nilItemIndex = opts.nilItemIndex ?? null;
  }
}

const GROUP_TYPE = 'struct { Targets []string "yaml:\\"targets\\""; Labels model.LabelSet "yaml:\\"labels\\"" }';

/** The file format for a file name, by extension (any case), or null when unsupported. */
export function fileFormat(filename: string): FileFormat | null {
  const dot = filename.lastIndexOf('.');
  if (dot < 0 || filename.indexOf('/', dot) >= 0) return null;
  switch (filename.slice(dot).toLowerCase()) {
    case '.json': return 'json';
    case '.yml': case '.yaml': return 'yaml';
    default: return null;
  }
}

export function parseTargetGroups(text: string, format: FileFormat): FileTargetGroup[] {
  switch (format) {
    case 'json': return parseJSON(text);
    case 'yaml': return parseYAML(text);
  }
}

function checkLabelName(name: string): void {
  if (!isValidLabelName(name)) throw new FileSDParseError(`${quoteGoString(name)} is not a valid label name`);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'object';
  }
}

/** Go's encoding/json matches field names exactly first, then case-insensitively. */
function jsonField(key: string): 'targets' | 'labels' | null {
  const k = key.toLowerCase();
  return k === 'targets' || k === 'labels' ? k : null;
}

function parseJSON(text: string): FileTargetGroup[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new FileSDParseError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (doc === null) return [];
  if (!Array.isArray(doc)) {
    throw new FileSDParseError(`json: cannot unmarshal ${jsonType(doc)} into Go value of type []*targetgroup.Group`);
  }
  const out: FileTargetGroup[] = [];
  for (let i = 0; i < doc.length; i++) {
    const item: unknown = doc[i];
    if (item === null) throw new FileSDParseError('nil target group item found', { nilItemIndex: i });
    if (typeof item !== 'object' || Array.isArray(item)) {
      throw new FileSDParseError(`json: cannot unmarshal ${jsonType(item)} into Go value of type targetgroup.Group`);
    }
    const g: FileTargetGroup = { targets: [], labels: {} };
    for (const [key, val] of Object.entries(item as Record<string, unknown>)) {
      switch (jsonField(key)) {
        case 'targets':
          if (val === null) { g.targets = []; break; }
          if (!Array.isArray(val)) {
            throw new FileSDParseError(`json: cannot unmarshal ${jsonType(val)} into Go struct field .targets of type []string`);
          }
          g.targets = [];
          for (const t of val as unknown[]) {
            if (t === null) { g.targets.push(''); continue; }
            if (typeof t !== 'string') {
              throw new FileSDParseError(`json: cannot unmarshal ${jsonType(t)} into Go struct field .targets of type string`);
            }
            g.targets.push(t);
          }
          break;
        case 'labels':
          if (val === null) { g.labels = {}; break; }
          if (typeof val !== 'object' || Array.isArray(val)) {
            throw new FileSDParseError(`json: cannot unmarshal ${jsonType(val)} into Go struct field .labels of type model.LabelSet`);
          }
          g.labels = {};
          for (const [n, v] of Object.entries(val as Record<string, unknown>)) {
            if (v !== null && typeof v !== 'string') {
              throw new FileSDParseError(`json: cannot unmarshal ${jsonType(v)} into Go value of type model.LabelValue`);
            }
            checkLabelName(n);
            g.labels[n] = v ?? '';
          }
          break;
        case null:
          throw new FileSDParseError(`json: unknown field ${quoteGoString(key)}`);
      }
    }
    out.push(g);
  }
  return out;
}

function yamlTag(n: unknown): string {
  if (isMap(n)) return '!!map';
  if (isSeq(n)) return '!!seq';
  if (isScalar(n)) {
    const v = n.value;
    if (v === null) return '!!null';
    switch (typeof v) {
      case 'number': return Number.isInteger(v) ? '!!int' : '!!float';
      case 'boolean': return '!!bool';
      default: return '!!str';
    }
  }
  return '!!unknown';
}

function parseYAML(text: string): FileTargetGroup[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lc.linePos(e.pos[0]).line;
    throw new FileSDParseError(`yaml: line ${line}: ${e.message.split('\n')[0]!}`);
  }
  const lineOf = (n: unknown): number => {
    const r = (n as { range?: [number, number, number] | null }).range;
    return r ? lc.linePos(r[0]).line : 0;
  };
  const fail = (n: unknown, what: string): never => {
    throw new FileSDParseError(`yaml: unmarshal errors:\n  line ${lineOf(n)}: ${what}`);
  };
  const resolve = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  // Scalars keep their source text, so `1.0` stays "1.0" and `80` stays "80" as in yaml.v2.
  const str = (n: unknown, into: string): string => {
    const r = resolve(n);
    if (r === null || r === undefined) return '';
    if (!isScalar(r)) return fail(r, `cannot unmarshal ${yamlTag(r)} into ${into}`);
    if (r.value === null) return '';
    if (r.source !== undefined) return r.source;
    const v: unknown = r.value;
    return typeof v === 'string' ? v : JSON.stringify(v);
  };

  const root = resolve(doc.contents);
  if (root === null || root === undefined || (isScalar(root) && root.value === null)) return [];
  if (!isSeq(root)) return fail(root, `cannot unmarshal ${yamlTag(root)} into []*targetgroup.Group`);
  const out: FileTargetGroup[] = [];
  for (let i = 0; i < root.items.length; i++) {
    const item = resolve(root.items[i]);
    if (item === null || item === undefined || (isScalar(item) && item.value === null)) {
      throw new FileSDParseError('nil target group item found', { nilItemIndex: i });
    }
    if (!isMap(item)) return fail(item, `cannot unmarshal ${yamlTag(item)} into ${GROUP_TYPE}`);
    const g: FileTargetGroup = { targets: [], labels: {} };
    for (const pair of item.items) {
      const key = str(pair.key, 'string');
      const val = resolve(pair.value) as Node | null;
      switch (key) {
        case 'targets':
          g.targets = [];
          if (val === null || (isScalar(val) && val.value === null)) break;
          if (!isSeq(val)) return fail(val, `cannot unmarshal ${yamlTag(val)} into []string`);
          for (const t of val.items) g.targets.push(str(t, 'string'));
          break;
        case 'labels':
          g.labels = {};
          if (val === null || (isScalar(val) && val.value === null)) break;
          if (!isMap(val)) return fail(val, `cannot unmarshal ${yamlTag(val)} into model.LabelSet`);
          for (const lp of val.items) {
            const n = str(lp.key, 'model.LabelName');
            checkLabelName(n);
            g.labels[n] = str(lp.value, 'model.LabelValue');
          }
          break;
        default:
          return fail(pair.key, `field ${key} not found in type ${GROUP_TYPE}`);
      }
    }
    out.push(g);
  }
  return out;
}
