/**
 * The YAML layer: parses text with the `yaml` package into a small tree of nodes that carry
 * their line, with scalars resolved as Prometheus's YAML library (YAML 1.1 rules) resolves
 * them: `yes`/`on`/`y` are booleans, `010` is octal, `~` is null. Aliases are expanded and
 * merge keys (`<<`) applied here, so decoders never see either. Duplicate keys are kept, in
 * order, for the decoders to reject with the right wording (struct field vs map key).
 */
import { LineCounter, parseAllDocuments, isAlias, isMap, isScalar, isSeq, isPair, Scalar } from 'yaml';
import type { Document } from 'yaml';
import { DecodeError } from './errors.js';

export type ScalarTag = 'null' | 'bool' | 'int' | 'float' | 'str' | 'timestamp' | 'binary';

export interface ScalarNode {
  kind: 'scalar';
  line: number;
  /** The text as written (quotes and escapes removed). Go's decoder puts this into string fields. */
  text: string;
  tag: ScalarTag;
  /** Resolved value for bool/int/float; the text otherwise. */
  value: string | number | boolean | null;
}

export interface MapEntry {
  key: string;
  line: number;
  value: YNode;
}

export interface MapNode {
  kind: 'map';
  line: number;
  entries: MapEntry[];
}

export interface SeqNode {
  kind: 'seq';
  line: number;
  items: YNode[];
}

export type YNode = ScalarNode | MapNode | SeqNode;

/** YAML's name of a node's type, as in Go's "cannot unmarshal !!str `x` into int". */
export function yamlTagName(n: YNode): string {
  switch (n.kind) {
    case 'map': return '!!map';
    case 'seq': return '!!seq';
    case 'scalar': return n.tag === 'timestamp' ? '!!timestamp' : `!!${n.tag}`;
  }
}

export function isNull(n: YNode | undefined): boolean {
  return n === undefined || (n.kind === 'scalar' && n.tag === 'null');
}

const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const FLOAT_SPECIAL: Record<string, number> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]| +)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?)?)?$/;

/** Go's strconv.ParseInt(s, 0, 64) on an underscore-free string, or undefined. */
function parseGoInt(s: string): number | undefined {
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') { neg = s[0] === '-'; i = 1; }
  let base = 10;
  let digits = s.slice(i);
  if (digits.length >= 2 && digits[0] === '0') {
    const p = digits[1];
    if (p === 'x' || p === 'X') { base = 16; digits = digits.slice(2); }
    else if (p === 'o' || p === 'O') { base = 8; digits = digits.slice(2); }
    else if (p === 'b' || p === 'B') { base = 2; digits = digits.slice(2); }
    else { base = 8; digits = digits.slice(1); }
  }
  if (digits.length === 0) return undefined;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  const n = parseInt(digits, base);
  if (!Number.isFinite(n) || n > Number.MAX_SAFE_INTEGER * 1024) return undefined;
  return neg ? -n : n;
}

/** Resolves a plain (unquoted, untagged) scalar with YAML 1.1 rules, as go-yaml v2 does. */
export function resolvePlain(text: string): { tag: ScalarTag; value: string | number | boolean | null } {
  if (NULLS.has(text)) return { tag: 'null', value: null };
  if (BOOL_TRUE.has(text)) return { tag: 'bool', value: true };
  if (BOOL_FALSE.has(text)) return { tag: 'bool', value: false };
  const special = FLOAT_SPECIAL[text];
  if (special !== undefined) return { tag: 'float', value: special };
  const c = text.charCodeAt(0);
  const hint = c === 0x2b || c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39);
  if (hint) {
    const plain = text.replaceAll('_', '');
    const n = parseGoInt(plain);
    if (n !== undefined) return { tag: 'int', value: n };
    if (YAML_FLOAT.test(plain)) return { tag: 'float', value: Number(plain) };
    if (c >= 0x30 && c <= 0x39 && TIMESTAMP.test(text)) return { tag: 'timestamp', value: text };
  }
  return { tag: 'str', value: text };
}

const EXPLICIT_TAGS: Record<string, ScalarTag> = {
  'tag:yaml.org,2002:str': 'str',
  'tag:yaml.org,2002:int': 'int',
  'tag:yaml.org,2002:float': 'float',
  'tag:yaml.org,2002:bool': 'bool',
  'tag:yaml.org,2002:null': 'null',
  'tag:yaml.org,2002:binary': 'binary',
  'tag:yaml.org,2002:timestamp': 'timestamp',
};

export interface ParsedYAML {
  /** The first document's root, or null for an empty file (comments only counts as empty). */
  root: YNode | null;
}

/**
 * Parses `text` into nodes. Only the first document is used, as Prometheus's decoder reads
 * only the first. Syntax errors throw a DecodeError with the line.
 */
export function parseYAML(text: string): ParsedYAML {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, lineCounter: lc, strict: false, prettyErrors: false });
  if (!Array.isArray(docs)) return { root: null };
  const doc = docs[0];
  if (doc === undefined) return { root: null };
  const err = doc.errors[0];
  if (err !== undefined) {
    const line = lc.linePos(err.pos[0]).line;
    const msg = err.message.split('\n')[0] ?? err.message;
    throw new DecodeError(line, '', `yaml: ${lowerFirst(msg.replace(/ at line \d+, column \d+:?$/, ''))}`);
  }
  if (doc.contents === null) return { root: null };
  const conv = new Converter(doc, lc);
  return { root: conv.node(doc.contents, 0) };
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

const MAX_ALIAS_DEPTH = 64;

class Converter {
  readonly #doc: Document.Parsed;
  readonly #lc: LineCounter;
  /** Alias expansions, bounded to refuse "billion laughs" documents. */
  #expansions = 0;

  constructor(doc: Document.Parsed, lc: LineCounter) {
    this.#doc = doc;
    this.#lc = lc;
  }

  #line(n: { range?: [number, number, number] | null | undefined }): number {
    const r = n.range;
    return r ? this.#lc.linePos(r[0]).line : 0;
  }

  node(n: unknown, depth: number): YNode {
    if (depth > MAX_ALIAS_DEPTH) throw new DecodeError(0, '', 'yaml: document nested too deeply');
    if (isAlias(n)) {
      if (++this.#expansions > 10000) throw new DecodeError(this.#line(n), '', 'yaml: document contains excessive aliasing');
      const target = n.resolve(this.#doc);
      if (target === undefined) throw new DecodeError(this.#line(n), '', `yaml: unknown anchor '${n.source}' referenced`);
      return this.node(target, depth + 1);
    }
    if (isScalar(n)) return this.#scalar(n);
    if (isMap(n)) {
      const line = this.#line(n);
      const entries: MapEntry[] = [];
      const merged: MapEntry[] = [];
      for (const p of n.items) {
        if (!isPair(p)) continue;
        const keyNode = p.key === null ? null : this.node(p.key, depth + 1);
        const keyLine = keyNode?.line ?? line;
        const valueNode: YNode = p.value === null || p.value === undefined
          ? { kind: 'scalar', line: keyLine, text: '', tag: 'null', value: null }
          : this.node(p.value, depth + 1);
        if (keyNode !== null && keyNode.kind === 'scalar' && keyNode.text === '<<' && isScalar(p.key) && p.key.type === Scalar.PLAIN) {
          this.#merge(valueNode, merged);
          continue;
        }
        if (keyNode !== null && keyNode.kind !== 'scalar') {
          throw new DecodeError(keyLine, '', 'yaml: only scalar mapping keys are supported');
        }
        entries.push({ key: keyNode === null ? '' : keyNode.text, line: keyLine, value: valueNode });
      }
      // Merged keys never override keys written in the mapping itself.
      if (merged.length > 0) {
        const own = new Set(entries.map((e) => e.key));
        for (const m of merged) if (!own.has(m.key)) { own.add(m.key); entries.push(m); }
      }
      return { kind: 'map', line, entries };
    }
    if (isSeq(n)) {
      const items: YNode[] = [];
      for (const it of n.items) {
        items.push(it === null ? { kind: 'scalar', line: this.#line(n), text: '', tag: 'null', value: null } : this.node(it, depth + 1));
      }
      return { kind: 'seq', line: this.#line(n), items };
    }
    throw new DecodeError(0, '', 'yaml: unsupported node');
  }

  #merge(v: YNode, out: MapEntry[]): void {
    const add = (m: YNode): void => {
      if (m.kind !== 'map') throw new DecodeError(m.line, '', 'yaml: map merge requires map or sequence of maps as the value');
      for (const e of m.entries) if (!out.some((o) => o.key === e.key)) out.push(e);
    };
    if (v.kind === 'seq') for (const it of v.items) add(it);
    else add(v);
  }

  #scalar(n: Scalar): ScalarNode {
    const line = this.#line(n);
    const v: unknown = n.value;
    const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    const explicit = n.tag !== undefined ? EXPLICIT_TAGS[n.tag] : undefined;
    if (explicit !== undefined) {
      switch (explicit) {
        case 'str': case 'binary': case 'timestamp': return { kind: 'scalar', line, text, tag: explicit, value: text };
        case 'null': return { kind: 'scalar', line, text, tag: 'null', value: null };
        case 'bool': case 'int': case 'float': {
          const r = resolvePlain(text);
          if (r.tag !== explicit && !(explicit === 'float' && r.tag === 'int')) {
            throw new DecodeError(line, '', `yaml: cannot decode ${text} as a ${explicit}`);
          }
          return { kind: 'scalar', line, text, tag: explicit, value: r.value };
        }
      }
    }
    if (n.type !== Scalar.PLAIN) return { kind: 'scalar', line, text, tag: 'str', value: text };
    const r = resolvePlain(text);
    return { kind: 'scalar', line, text, tag: r.tag, value: r.value };
  }
}
