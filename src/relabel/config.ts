/**
 * Relabel rules as values: the actions, Prometheus's defaults, building a rule in code,
 * compiling its regex, and Prometheus's per-rule validation with its error texts. The
 * configuration loader decodes YAML into the same `RelabelConfig` and calls these; what only
 * the YAML knows (which fields were written) it passes in.
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';
import { FastRegexMatcher, RegexError, isLegacyLabelName, isValidLabelName, quoteGoString } from '../model/index.js';
import type { NameValidationScheme, RelabelAction, RelabelConfig } from '../config/types.js';

/** Every action, in Prometheus's order; the YAML decoder matches them case-insensitively. */
export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  'replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase',
];

export const DEFAULT_RELABEL_REGEX = '(.*)';
export const DEFAULT_RELABEL_SEPARATOR = ';';
export const DEFAULT_RELABEL_REPLACEMENT = '$1';
const DEFAULT_MATCHER = new FastRegexMatcher(DEFAULT_RELABEL_REGEX);

/**
 * A rule with Prometheus's defaults (separator ";", regex "(.*)", replacement "$1", action
 * "replace") for the fields not given, and its regex compiled. Throws `RegexError` for an
 * invalid regex.
 */
export function newRelabelConfig(p: Partial<Omit<RelabelConfig, 'compiled'>>): RelabelConfig {
  const regex = p.regex ?? DEFAULT_RELABEL_REGEX;
  return {
    source_labels: p.source_labels ?? [],
    separator: p.separator ?? DEFAULT_RELABEL_SEPARATOR,
    regex,
    compiled: compileRelabelRegex(regex),
    modulus: p.modulus ?? 0,
    target_label: p.target_label ?? '',
    replacement: p.replacement ?? DEFAULT_RELABEL_REPLACEMENT,
    action: p.action ?? 'replace',
  };
}

/**
 * Compiles a relabel rule's regex, anchored. Prometheus compiles relabel regexes as the text
 * `^(?s:<regex>)$`, so its error messages quote that text (`missing closing ):
 * \`^(?s:(x)$\``); a `RegexError` from here reads the same. The default regex always yields
 * the same matcher object.
 */
export function compileRelabelRegex(src: string): FastRegexMatcher {
  if (src === DEFAULT_RELABEL_REGEX) return DEFAULT_MATCHER;
  try {
    return new FastRegexMatcher(src);
  } catch (e) {
    if (!(e instanceof RegexError)) throw e;
    throw new RegexError(wrappedMessage(src) ?? e.message, { cause: e });
  }
}

function wrappedMessage(src: string): string | null {
  const whole = `^(?s:${src})$`;
  try {
    RE2JS.compile(whole);
    return null;
  } catch (e) {
    if (!(e instanceof RE2JSSyntaxException)) return null;
    return `error parsing regexp: ${e.error}: \`${e.input ?? whole}\``;
  }
}

/**
 * Legacy-scheme names that may contain `$1`, `${1}`, `$name` references: a letter, `_` or
 * reference first, then word characters and references. Linear time (RE2 semantics), so a
 * hostile name cannot stall validation.
 */
const LEGACY_TEMPLATE = new FastRegexMatcher('(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+');

/** Whether `s` is a legacy label name that may contain `$1` / `${name}` references. */
export function isLegacyTemplateName(s: string): boolean {
  return LEGACY_TEMPLATE.matches(s);
}

function validName(scheme: NameValidationScheme, s: string): boolean {
  return scheme === 'legacy' ? isLegacyLabelName(s) : isValidLabelName(s);
}

function validNameWithVars(scheme: NameValidationScheme, s: string): boolean {
  return scheme === 'legacy' ? isLegacyTemplateName(s) : isValidLabelName(s);
}

/**
 * Which fields were written, where the values alone cannot tell. Prometheus rejects any
 * written regex for keepequal/dropequal, even "(.*)", and any `source_labels` key for
 * labeldrop/labelkeep, even an empty list. Without this, a regex other than the default and
 * a non-empty `source_labels` count as written.
 */
export interface RelabelFieldsWritten {
  regex: boolean;
  source_labels: boolean;
}

/** A rule's first problem: Prometheus's text, and the field it is about (for a position). */
export interface RelabelProblem {
  reason: string;
  field?: 'modulus' | 'target_label' | 'replacement';
}

/**
 * Prometheus's checks of one rule, in its order: the first failure, or null. `scheme` is the
 * enclosing config's name validation scheme.
 */
export function relabelConfigProblem(c: RelabelConfig, scheme: NameValidationScheme, written?: RelabelFieldsWritten): RelabelProblem | null {
  const a = c.action;
  if ((a as string) === '') return { reason: 'relabel action cannot be empty' };
  if (c.modulus === 0 && a === 'hashmod') return { reason: 'relabel configuration for hashmod requires non-zero modulus', field: 'modulus' };
  const needsTarget = a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (needsTarget && c.target_label === '') return { reason: `relabel configuration for ${a} action requires 'target_label' value` };
  const badTarget: RelabelProblem = { reason: `${quoteGoString(c.target_label)} is invalid 'target_label' for ${a} action`, field: 'target_label' };
  const hasVar = c.target_label.includes('$');
  if (a === 'replace' && !hasVar && !validName(scheme, c.target_label)) return badTarget;
  if (a === 'replace' && hasVar && !validNameWithVars(scheme, c.target_label)) return badTarget;
  const simple = a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (simple && !validName(scheme, c.target_label)) return badTarget;
  if (simple && c.replacement !== DEFAULT_RELABEL_REPLACEMENT) return { reason: `'replacement' can not be set for ${a} action`, field: 'replacement' };
  if (a === 'labelmap' && !validNameWithVars(scheme, c.replacement)) {
    return { reason: `${quoteGoString(c.replacement)} is invalid 'replacement' for ${a} action`, field: 'replacement' };
  }
  if (a === 'hashmod' && !validName(scheme, c.target_label)) return badTarget;
  const regexWritten = written?.regex ?? c.regex !== DEFAULT_RELABEL_REGEX;
  if ((a === 'keepequal' || a === 'dropequal') &&
    (regexWritten || c.modulus !== 0 || c.separator !== DEFAULT_RELABEL_SEPARATOR || c.replacement !== DEFAULT_RELABEL_REPLACEMENT)) {
    return { reason: `${a} action requires only 'source_labels' and \`target_label\`, and no other fields` };
  }
  const sourceLabelsWritten = written?.source_labels ?? c.source_labels.length > 0;
  if ((a === 'labeldrop' || a === 'labelkeep') &&
    (sourceLabelsWritten || c.target_label !== '' || c.modulus !== 0 || c.separator !== DEFAULT_RELABEL_SEPARATOR || c.replacement !== DEFAULT_RELABEL_REPLACEMENT)) {
    return { reason: `${a} action requires only 'regex', and no other fields` };
  }
  return null;
}

/**
 * Prometheus's checks of one rule: the first failure's message, or null. For a rule built in
 * code, a regex other than the default counts as written (see `RelabelFieldsWritten`).
 */
export function validateRelabelConfig(c: RelabelConfig, scheme: NameValidationScheme = 'utf8', written?: RelabelFieldsWritten): string | null {
  return relabelConfigProblem(c, scheme, written)?.reason ?? null;
}
