/**
 * Rule files: Prometheus's YAML format (`groups:` of `name`, `interval`, `query_offset`,
 * `limit`, `labels`, `rules:` of `record`/`alert`, `expr`, `for`, `keep_firing_for`, `labels`,
 * `annotations`), decoded strictly and validated as Prometheus 3.14's rulefmt does, with its
 * error texts: YAML errors (`yaml: unmarshal errors: ...`), then semantic ones located by line
 * and column (`5:15: group "g", rule 1, "name": could not parse expression: ...`).
 */
import { readFile } from 'node:fs/promises';
import { isLegacyLabelName, isLegacyMetricName, isWellFormedUTF16, type Millis } from '../model/index.js';
import { parseExpr, type ParseOptions } from '../promql/parser/index.js';
import { ALERT_TEMPLATE_PREAMBLE, Expander } from '../template/index.js';
import { errnoText } from '../util/errno.js';
import { nopLogger, type Logger } from '../util/log.js';
import {
  DecodeState, YAMLUnmarshalErrors, YAMLValueError, decodeDuration, decodeInt, decodeList, decodeString, decodeStringMap, decodeStruct,
} from './yaml-decode.js';
import { YAMLSyntaxError, parseYAMLDocument, type Position, type YNode } from './yaml-tree.js';

export type NameValidation = 'utf8' | 'legacy';

/** One rule as written. Durations in ms (0 when absent). */
export interface RuleDef {
  record: string;
  alert: string;
  expr: string;
  for: Millis;
  keep_firing_for: Millis;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Where the `record`, `alert` and `expr` values are; null when the key is absent. */
  pos: { record: Position | null; alert: Position | null; expr: Position | null };
}

export interface RuleGroupDef {
  name: string;
  /** 0 when absent: the global evaluation interval applies. */
  interval: Millis;
  /** null when absent: the global rule query offset applies. */
  query_offset: Millis | null;
  limit: number;
  rules: RuleDef[];
  labels: Record<string, string>;
  /** The group's mapping in the file. */
  pos: Position;
}

export interface RuleGroupsDef {
  groups: RuleGroupDef[];
}

export interface RuleParseOptions {
  /** promtool's --ignore-unknown-fields. */
  ignoreUnknownFields?: boolean;
  /** Default 'utf8', Prometheus 3's. */
  nameValidation?: NameValidation;
  parseOptions?: ParseOptions;
  logger?: Logger;
}

/** A problem in a rule file; the message is Prometheus's text (without the file name). */
export class RuleFormatError extends Error {
  override readonly name = 'RuleFormatError';
}

export type ParseResult = { ok: true; groups: RuleGroupsDef } | { ok: false; errors: RuleFormatError[] };

const NO_POS: Position = { line: 0, col: 0 };

function decodeRule(n: YNode, st: DecodeState): RuleDef {
  const r: RuleDef = {
    record: '', alert: '', expr: '', for: 0 as Millis, keep_firing_for: 0 as Millis, labels: {}, annotations: {},
    pos: { record: null, alert: null, expr: null },
  };
  decodeStruct(n, st, 'rulefmt.Rule', {
    record: (v) => { r.record = decodeString(v, st); r.pos.record = v; },
    alert: (v) => { r.alert = decodeString(v, st); r.pos.alert = v; },
    expr: (v) => { r.expr = decodeString(v, st); r.pos.expr = v; },
    for: (v) => { r.for = decodeDuration(v, st) ?? (0 as Millis); },
    keep_firing_for: (v) => { r.keep_firing_for = decodeDuration(v, st) ?? (0 as Millis); },
    labels: (v) => { r.labels = decodeStringMap(v, st); },
    annotations: (v) => { r.annotations = decodeStringMap(v, st); },
  });
  return r;
}

function decodeGroup(n: YNode, st: DecodeState): RuleGroupDef {
  const g: RuleGroupDef = { name: '', interval: 0 as Millis, query_offset: null, limit: 0, rules: [], labels: {}, pos: { line: n.line, col: n.col } };
  decodeStruct(n, st, 'rulefmt.RuleGroup', {
    name: (v) => { g.name = decodeString(v, st); },
    interval: (v) => { g.interval = decodeDuration(v, st) ?? (0 as Millis); },
    query_offset: (v) => { g.query_offset = decodeDuration(v, st); },
    limit: (v) => { g.limit = decodeInt(v, st); },
    rules: (v) => { g.rules = decodeList(v, st, '[]rulefmt.Rule', (x) => decodeRule(x, st)); },
    labels: (v) => { g.labels = decodeStringMap(v, st); },
  });
  return g;
}

/** Decodes the text; throws YAMLSyntaxError, YAMLUnmarshalErrors or YAMLValueError. */
function decode(content: string, knownFields: boolean, logger: Logger): RuleGroupsDef {
  const doc = parseYAMLDocument(content);
  if (doc.documents > 1) logger.warn('Multiple document yaml rules files are not supported, only the first document is processed');
  const out: RuleGroupsDef = { groups: [] };
  if (doc.root === null) return out;
  const st = new DecodeState(knownFields);
  decodeStruct(doc.root, st, 'rulefmt.RuleGroups', {
    groups: (v) => { out.groups = decodeList(v, st, '[]rulefmt.RuleGroup', (x) => decodeGroup(x, st)); },
  });
  st.finish();
  return out;
}

function isValidLabelName(name: string, scheme: NameValidation): boolean {
  return scheme === 'legacy' ? isLegacyLabelName(name) : name.length > 0 && isWellFormedUTF16(name);
}

function isValidMetricName(name: string, scheme: NameValidation): boolean {
  return scheme === 'legacy' ? isLegacyMetricName(name) : name.length > 0 && isWellFormedUTF16(name);
}

/** Sorted entries: Go ranges over maps in random order; sorted output is stable. */
function sortedEntries(m: Record<string, string>): [string, string][] {
  return Object.entries(m).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Checks that an alert label or annotation template parses, as the rule would expand it. */
export function checkAlertTemplate(alertName: string, text: string): string | null {
  try {
    new Expander({ text: ALERT_TEMPLATE_PREAMBLE + text, name: `__alert_${alertName}`, data: null, timestampMs: 0, externalURL: '' }).parseTest();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

interface Located {
  msg: string;
  node?: Position;
  nodeAlt?: Position;
}

function validateRule(r: RuleDef, scheme: NameValidation, popts: ParseOptions): Located[] {
  const out: Located[] = [];
  const rec = r.pos.record ?? NO_POS;
  const alt = r.pos.alert ?? NO_POS;
  if (r.record !== '' && r.alert !== '') out.push({ msg: "only one of 'record' and 'alert' must be set", node: rec, nodeAlt: alt });
  if (r.record === '' && r.alert === '') out.push({ msg: "one of 'record' or 'alert' must be set", node: rec, nodeAlt: alt });
  if (r.expr === '') {
    out.push({ msg: "field 'expr' must be set in rule", node: r.pos.expr ?? NO_POS });
  } else {
    try {
      parseExpr(r.expr, popts);
    } catch (e) {
      out.push({ msg: `could not parse expression: ${e instanceof Error ? e.message : String(e)}`, node: r.pos.expr ?? NO_POS });
    }
  }
  if (r.record !== '') {
    if (Object.keys(r.annotations).length > 0) out.push({ msg: "invalid field 'annotations' in recording rule", node: rec });
    if (r.for !== 0) out.push({ msg: "invalid field 'for' in recording rule", node: rec });
    if (r.keep_firing_for !== 0) out.push({ msg: "invalid field 'keep_firing_for' in recording rule", node: rec });
    if (!isValidMetricName(r.record, scheme)) out.push({ msg: `invalid recording rule name: ${r.record}`, node: rec });
    // A PromQL selector in the name is a common mistake, even though it is valid UTF-8.
    if (r.record.includes('{') || r.record.includes('}')) {
      out.push({ msg: `braces present in the recording rule name; should it be in expr?: ${r.record}`, node: rec });
    }
  }
  for (const [k, v] of sortedEntries(r.labels)) {
    if (!isValidLabelName(k, scheme) || k === '__name__') out.push({ msg: `invalid label name: ${k}` });
    if (!isWellFormedUTF16(v)) out.push({ msg: `invalid label value: ${v}` });
  }
  for (const [k] of sortedEntries(r.annotations)) {
    if (!isValidLabelName(k, scheme)) out.push({ msg: `invalid annotation name: ${k}` });
  }
  if (r.alert !== '') {
    for (const [k, v] of sortedEntries(r.labels)) {
      const e = checkAlertTemplate(r.alert, v);
      if (e !== null) out.push({ msg: `label ${JSON.stringify(k)}: ${e}` });
    }
    for (const [k, v] of sortedEntries(r.annotations)) {
      const e = checkAlertTemplate(r.alert, v);
      if (e !== null) out.push({ msg: `annotation ${JSON.stringify(k)}: ${e}` });
    }
  }
  return out;
}

function where(l: Located): string {
  if (l.node !== undefined && l.nodeAlt !== undefined) return `${l.node.line}:${l.node.col}: ${l.nodeAlt.line}:${l.nodeAlt.col}: `;
  if (l.node !== undefined) return `${l.node.line}:${l.node.col}: `;
  return '';
}

/** Semantic validation of decoded groups, as rulefmt's RuleGroups.Validate. */
export function validateGroups(rgs: RuleGroupsDef, scheme: NameValidation = 'utf8', popts: ParseOptions = {}): RuleFormatError[] {
  const errs: RuleFormatError[] = [];
  const seen = new Set<string>();
  for (const g of rgs.groups) {
    if (g.name === '') errs.push(new RuleFormatError(`${g.pos.line}:${g.pos.col}: Groupname must not be empty`));
    if (seen.has(g.name)) errs.push(new RuleFormatError(`${g.pos.line}:${g.pos.col}: groupname: "${g.name}" is repeated in the same file`));
    for (const [k, v] of sortedEntries(g.labels)) {
      if (!isValidLabelName(k, scheme) || k === '__name__') errs.push(new RuleFormatError(`invalid label name: ${k}`));
      if (!isWellFormedUTF16(v)) errs.push(new RuleFormatError(`invalid label value: ${v}`));
    }
    seen.add(g.name);
    g.rules.forEach((r, i) => {
      const name = r.alert !== '' ? r.alert : r.record;
      for (const l of validateRule(r, scheme, popts)) {
        errs.push(new RuleFormatError(`${where(l)}group ${JSON.stringify(g.name)}, rule ${i + 1}, ${JSON.stringify(name)}: ${l.msg}`));
      }
    });
  }
  return errs;
}

/** Parses and validates rule file content, as rulefmt.Parse. */
export function parseRules(content: string, opts: RuleParseOptions = {}): ParseResult {
  let rgs: RuleGroupsDef;
  try {
    rgs = decode(content, opts.ignoreUnknownFields !== true, opts.logger ?? nopLogger);
  } catch (e) {
    if (e instanceof YAMLSyntaxError) {
      // Prometheus decodes the text twice (values, then positions); a syntax error fails both.
      return { ok: false, errors: [new RuleFormatError(e.message), new RuleFormatError(e.message)] };
    }
    if (e instanceof YAMLUnmarshalErrors || e instanceof YAMLValueError) return { ok: false, errors: [new RuleFormatError(e.message)] };
    throw e;
  }
  const errors = validateGroups(rgs, opts.nameValidation ?? 'utf8', opts.parseOptions ?? {});
  return errors.length > 0 ? { ok: false, errors } : { ok: true, groups: rgs };
}

/** Reads, parses and validates a rule file; every error is prefixed with the file name. */
export async function parseRuleFile(file: string, opts: RuleParseOptions = {}): Promise<ParseResult> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, errors: [new RuleFormatError(`${file}: open ${file}: ${errnoText(e)}`)] };
  }
  const r = parseRules(content, opts);
  if (r.ok) return r;
  return { ok: false, errors: r.errors.map((e) => new RuleFormatError(`${file}: ${e.message}`, { cause: e })) };
}
