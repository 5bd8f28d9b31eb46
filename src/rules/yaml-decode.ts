/**
 * Decoding YAML nodes into typed values the way go-yaml v3 decodes into Go structs, with its
 * error texts: type mismatches, unknown fields (with `KnownFields`) and duplicate keys are
 * collected and reported together as `yaml: unmarshal errors:\n  line N: ...`, while a
 * custom unmarshaler's failure (a bad duration) aborts the whole decode with its own text.
 */
import { parseDuration, quoteGoString, type Millis } from '../model/index.js';
import { shortTag, type MapNode, type YNode } from './yaml-tree.js';

/** The collected type errors of one decode, printed as go-yaml prints its `TypeError`. */
export class YAMLUnmarshalErrors extends Error {
  override readonly name = 'YAMLUnmarshalErrors';
  readonly errors: readonly string[];
  constructor(errors: readonly string[]) {
    super(`yaml: unmarshal errors:\n  ${errors.join('\n  ')}`);
    this.errors = errors;
  }
}

/** A decode aborted by a value's own unmarshaling (Prometheus's duration parsing). */
export class YAMLValueError extends Error {
  override readonly name = 'YAMLValueError';
}

export class DecodeState {
  readonly terrors: string[] = [];
  constructor(readonly knownFields: boolean) {}

  /** go-yaml's "cannot unmarshal" error for node `n` decoded into a value of Go type `type`. */
  typeError(n: YNode, type: string): void {
    let value = '';
    if (n.kind === 'scalar') value = n.text.length > 10 ? ` \`${n.text.slice(0, 7)}...\`` : ` \`${n.text}\``;
    this.terrors.push(`line ${n.line}: cannot unmarshal ${shortTag(n)}${value} into ${type}`);
  }

  /** Throws the collected type errors, if any. */
  finish(): void {
    if (this.terrors.length > 0) throw new YAMLUnmarshalErrors(this.terrors);
  }
}

export function decodeString(n: YNode, st: DecodeState): string {
  if (n.kind !== 'scalar') {
    st.typeError(n, 'string');
    return '';
  }
  return n.tag === 'null' ? '' : n.text;
}

export function decodeInt(n: YNode, st: DecodeState): number {
  if (n.kind === 'scalar') {
    if (n.tag === 'null') return 0;
    if ((n.tag === 'int' || n.tag === 'float') && typeof n.value === 'number' && Number.isFinite(n.value)) return Math.trunc(n.value);
  }
  st.typeError(n, 'int');
  return 0;
}

export function decodeFloat(n: YNode, st: DecodeState): number {
  if (n.kind === 'scalar') {
    if (n.tag === 'null') return 0;
    if ((n.tag === 'int' || n.tag === 'float') && typeof n.value === 'number') return n.value;
  }
  st.typeError(n, 'float64');
  return 0;
}

/**
 * Prometheus's `model.Duration`: the value decoded as a string, then parsed; a parse failure
 * aborts the decode. Null leaves the field unset (returns null).
 */
export function decodeDuration(n: YNode, st: DecodeState): Millis | null {
  if (n.kind === 'scalar' && n.tag === 'null') return null;
  if (n.kind !== 'scalar') {
    st.typeError(n, 'string');
    return 0 as Millis;
  }
  try {
    return parseDuration(n.text);
  } catch (e) {
    throw new YAMLValueError(e instanceof Error ? e.message : String(e), { cause: e });
  }
}

/** `map[string]string`; a null value is stored as "". */
export function decodeStringMap(n: YNode, st: DecodeState): Record<string, string> {
  const out: Record<string, string> = {};
  if (n.kind === 'scalar' && n.tag === 'null') return out;
  if (n.kind !== 'map') {
    st.typeError(n, 'map[string]string');
    return out;
  }
  if (!uniqueKeys(n, st)) return out;
  for (const e of n.entries) out[decodeString(e.key, st)] = decodeString(e.value, st);
  return out;
}

export function decodeList<T>(n: YNode, st: DecodeState, type: string, item: (n: YNode) => T): T[] {
  if (n.kind === 'scalar' && n.tag === 'null') return [];
  if (n.kind !== 'seq') {
    st.typeError(n, type);
    return [];
  }
  return n.items.map(item);
}

/** go-yaml's duplicate key check; false (and errors recorded) when a key repeats. */
function uniqueKeys(n: MapNode, st: DecodeState): boolean {
  const before = st.terrors.length;
  for (let i = 0; i < n.entries.length; i++) {
    const ki = n.entries[i]!.key;
    for (let j = i + 1; j < n.entries.length; j++) {
      const kj = n.entries[j]!.key;
      if (ki.text === kj.text) st.terrors.push(`line ${kj.line}: mapping key ${quoteGoString(kj.text)} already defined at line ${ki.line}`);
    }
  }
  return st.terrors.length === before;
}

/**
 * A struct: each known key's value goes to its field decoder, in document order; unknown keys
 * are errors under `knownFields`. Returns false when the node is not a mapping (or is null).
 */
export function decodeStruct(n: YNode, st: DecodeState, type: string, fields: Readonly<Record<string, (v: YNode) => void>>): boolean {
  if (n.kind === 'scalar' && n.tag === 'null') return false;
  if (n.kind !== 'map') {
    st.typeError(n, type);
    return false;
  }
  if (!uniqueKeys(n, st)) return false;
  for (const e of n.entries) {
    const f = Object.hasOwn(fields, e.key.text) ? fields[e.key.text] : undefined;
    if (f === undefined) {
      if (st.knownFields) st.terrors.push(`line ${e.key.line}: field ${e.key.text} not found in type ${type}`);
      continue;
    }
    f(e.value);
  }
  return true;
}
