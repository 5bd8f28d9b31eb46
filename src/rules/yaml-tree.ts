/**
 * The YAML layer of rule files and rule unit-test files: text to a small node tree whose
 * nodes carry line and column (1-based), as go-yaml v3's `yaml.Node` does, so that rule
 * errors can say `5:15: group "g", rule 1, ...` exactly where Prometheus does. Plain scalars
 * are resolved with YAML 1.2 core rules (go-yaml v3's); quoted ones are strings. Aliases are
 * expanded and merge keys (`<<`) applied here; duplicate keys are kept for the decoder to
 * reject with go-yaml's wording.
 */
import { LineCounter, Scalar, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';

export type ScalarTag = 'null' | 'bool' | 'int' | 'float' | 'str' | 'timestamp' | 'binary';

export interface Position {
  line: number;
  col: number;
}

export interface ScalarNode extends Position {
  kind: 'scalar';
  /** The text as written, quotes and escapes removed (go-yaml's `Node.Value`). */
  text: string;
  tag: ScalarTag;
  /** The resolved value for bool, int and float; the text otherwise; null for null. */
  value: string | number | boolean | null;
}

export interface MapEntry {
  key: ScalarNode;
  value: YNode;
}

export interface MapNode extends Position {
  kind: 'map';
  entries: MapEntry[];
}

export interface SeqNode extends Position {
  kind: 'seq';
  items: YNode[];
}

export type YNode = ScalarNode | MapNode | SeqNode;

/** A YAML syntax error, printed as go-yaml prints them (`yaml: line 4: did not find ...`). */
export class YAMLSyntaxError extends Error {
  override readonly name = 'YAMLSyntaxError';
}

export interface ParsedDocument {
  /** The first document's root; null for an empty input. */
  root: YNode | null;
  /** How many documents the input holds (rule files use only the first). */
  documents: number;
}

const INT_RE = /^[-+]?(?:[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+)$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const FLOAT_SPECIAL: Readonly<Record<string, number>> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity, '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
const TIMESTAMP_RE = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/;

/** Resolves a plain scalar as go-yaml v3 does. */
export function resolvePlain(text: string): { tag: ScalarTag; value: string | number | boolean | null } {
  switch (text) {
    case '': case '~': case 'null': case 'Null': case 'NULL': return { tag: 'null', value: null };
    case 'true': case 'True': case 'TRUE': return { tag: 'bool', value: true };
    case 'false': case 'False': case 'FALSE': return { tag: 'bool', value: false };
    default: break;
  }
  const special = FLOAT_SPECIAL[text];
  if (special !== undefined) return { tag: 'float', value: special };
  if (INT_RE.test(text)) {
    const neg = text.startsWith('-');
    const body = text.replace(/^[-+]/, '').replaceAll('_', '');
    let n: number;
    if (body.startsWith('0x')) n = parseInt(body.slice(2), 16);
    else if (body.startsWith('0o')) n = parseInt(body.slice(2), 8);
    else if (body.startsWith('0b')) n = parseInt(body.slice(2), 2);
    else n = Number(body);
    if (Number.isFinite(n)) return { tag: 'int', value: neg ? -n : n };
  }
  if (FLOAT_RE.test(text)) return { tag: 'float', value: Number(text) };
  if (TIMESTAMP_RE.test(text)) return { tag: 'timestamp', value: text };
  return { tag: 'str', value: text };
}

const EXPLICIT_TAGS: Readonly<Record<string, ScalarTag>> = {
  'tag:yaml.org,2002:str': 'str', 'tag:yaml.org,2002:int': 'int', 'tag:yaml.org,2002:float': 'float',
  'tag:yaml.org,2002:bool': 'bool', 'tag:yaml.org,2002:null': 'null', 'tag:yaml.org,2002:binary': 'binary',
  'tag:yaml.org,2002:timestamp': 'timestamp',
};

/** go-yaml's short name of a node's tag, as in "cannot unmarshal !!seq into string". */
export function shortTag(n: YNode): string {
  switch (n.kind) {
    case 'map': return '!!map';
    case 'seq': return '!!seq';
    case 'scalar': return `!!${n.tag}`;
    default: return '';
  }
}

export function isNullNode(n: YNode | undefined): boolean {
  return n === undefined || (n.kind === 'scalar' && n.tag === 'null');
}

const MAX_DEPTH = 128;
const MAX_ALIAS_EXPANSIONS = 10_000;

/** Parses the text; throws YAMLSyntaxError on a syntax error in the first document. */
export function parseYAMLDocument(text: string): ParsedDocument {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, lineCounter: lc, strict: false, prettyErrors: false, merge: false });
  if (!Array.isArray(docs) || docs.length === 0) return { root: null, documents: 0 };
  const doc = docs[0]!;
  const err = doc.errors[0];
  if (err !== undefined) {
    const line = lc.linePos(err.pos[0]).line;
    const msg = (err.message.split('\n')[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, '');
    throw new YAMLSyntaxError(`yaml: line ${line}: ${msg.length > 0 ? msg[0]!.toLowerCase() + msg.slice(1) : msg}`);
  }
  if (doc.contents === null) return { root: null, documents: docs.length };
  return { root: new Converter(doc, lc).node(doc.contents, 0), documents: docs.length };
}

class Converter {
  readonly #doc: Document.Parsed;
  readonly #lc: LineCounter;
  #expansions = 0;

  constructor(doc: Document.Parsed, lc: LineCounter) {
    this.#doc = doc;
    this.#lc = lc;
  }

  #pos(n: { range?: [number, number, number] | null | undefined }): Position {
    const r = n.range;
    if (!r) return { line: 0, col: 0 };
    const p = this.#lc.linePos(r[0]);
    return { line: p.line, col: p.col };
  }

  node(n: unknown, depth: number): YNode {
    if (depth > MAX_DEPTH) throw new YAMLSyntaxError('yaml: document nested too deeply');
    if (isAlias(n)) {
      if (++this.#expansions > MAX_ALIAS_EXPANSIONS) throw new YAMLSyntaxError('yaml: document contains excessive aliasing');
      const target = n.resolve(this.#doc);
      if (target === undefined) throw new YAMLSyntaxError(`yaml: unknown anchor '${n.source}' referenced`);
      return this.node(target, depth + 1);
    }
    if (isScalar(n)) return this.#scalar(n);
    if (isMap(n)) {
      const pos = this.#pos(n);
      const entries: MapEntry[] = [];
      const merged: MapEntry[] = [];
      for (const p of n.items) {
        if (!isPair(p)) continue;
        const keyNode = p.key === null || p.key === undefined ? null : this.node(p.key, depth + 1);
        const keyPos = keyNode ?? pos;
        const value: YNode = p.value === null || p.value === undefined
          ? { kind: 'scalar', line: keyPos.line, col: keyPos.col, text: '', tag: 'null', value: null }
          : this.node(p.value, depth + 1);
        if (keyNode !== null && keyNode.kind === 'scalar' && keyNode.text === '<<' && isScalar(p.key) && p.key.type === Scalar.PLAIN) {
          this.#merge(value, merged);
          continue;
        }
        if (keyNode !== null && keyNode.kind !== 'scalar') throw new YAMLSyntaxError(`yaml: line ${keyNode.line}: only scalar mapping keys are supported`);
        const key: ScalarNode = keyNode ?? { kind: 'scalar', line: pos.line, col: pos.col, text: '', tag: 'null', value: null };
        entries.push({ key, value });
      }
      // Keys written in the mapping itself win over merged ones.
      if (merged.length > 0) {
        const own = new Set(entries.map((e) => e.key.text));
        for (const m of merged) if (!own.has(m.key.text)) { own.add(m.key.text); entries.push(m); }
      }
      return { kind: 'map', ...pos, entries };
    }
    if (isSeq(n)) {
      const pos = this.#pos(n);
      const items: YNode[] = [];
      for (const it of n.items) {
        items.push(it === null || it === undefined ? { kind: 'scalar', ...pos, text: '', tag: 'null', value: null } : this.node(it, depth + 1));
      }
      return { kind: 'seq', ...pos, items };
    }
    throw new YAMLSyntaxError('yaml: unsupported node');
  }

  #merge(v: YNode, out: MapEntry[]): void {
    const add = (m: YNode): void => {
      if (m.kind !== 'map') throw new YAMLSyntaxError(`yaml: line ${m.line}: map merge requires map or sequence of maps as the value`);
      for (const e of m.entries) if (!out.some((o) => o.key.text === e.key.text)) out.push(e);
    };
    if (v.kind === 'seq') for (const it of v.items) add(it);
    else add(v);
  }

  #scalar(n: Scalar): ScalarNode {
    const pos = this.#pos(n);
    const v: unknown = n.value;
    const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    const explicit = n.tag !== undefined ? EXPLICIT_TAGS[n.tag] : undefined;
    if (explicit !== undefined) {
      if (explicit === 'null') return { kind: 'scalar', ...pos, text, tag: 'null', value: null };
      if (explicit === 'bool' || explicit === 'int' || explicit === 'float') {
        const r = resolvePlain(text);
        return { kind: 'scalar', ...pos, text, tag: explicit, value: r.tag === explicit || (explicit === 'float' && r.tag === 'int') ? r.value : text };
      }
      return { kind: 'scalar', ...pos, text, tag: explicit, value: text };
    }
    if (n.type !== Scalar.PLAIN) return { kind: 'scalar', ...pos, text, tag: 'str', value: text };
    const r = resolvePlain(text);
    return { kind: 'scalar', ...pos, text, tag: r.tag, value: r.value };
  }
}
