/**
 * Building relabel rules in code (tests, defaults) and Prometheus's per-rule validation with
 * its error texts, for the configuration loader.
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';
import { FastRegexMatcher, RegexError, isLegacyLabelName, isValidLabelName, quoteGoString } from '../model/index.js';
import type { NameValidationScheme, RelabelConfig } from '../config/types.js';

export const DEFAULT_RELABEL_REGEX = '(.*)';
const DEFAULT_SEPARATOR = ';';
const DEFAULT_REPLACEMENT = '$1';
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
    separator: p.separator ?? DEFAULT_SEPARATOR,
    regex,
    compiled: compileRelabelRegex(regex),
    modulus: p.modulus ?? 0,
    target_label: p.target_label ?? '',
    replacement: p.replacement ?? DEFAULT_REPLACEMENT,
    action: p.action ?? 'replace',
  };
}

/**
 * Compiles a relabel rule's regex. Prometheus compiles relabel regexes as the text
 * `^(?s:<regex>)$`, so its error messages quote that text (`missing closing ):
 * \`^(?s:(x)$\``); a `RegexError` from here reads the same.
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
 * reference first, then word characters and references.
 */
const LEGACY_TEMPLATE = new FastRegexMatcher('(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+');

function validName(scheme: NameValidationScheme, s: string): boolean {
  return scheme === 'legacy' ? isLegacyLabelName(s) : isValidLabelName(s);
}

function validNameWithVars(scheme: NameValidationScheme, s: string): boolean {
  return scheme === 'legacy' ? LEGACY_TEMPLATE.matches(s) : isValidLabelName(s);
}

/**
 * Prometheus's checks of one rule, in its order: the first failure's message, or null.
 * `scheme` is the enclosing scrape config's name validation scheme.
 *
 * One knowing difference: keepequal/dropequal reject any written regex in Prometheus, even
 * "(.*)"; a RelabelConfig does not record whether the regex was written, so "(.*)" passes.
 */
export function validateRelabelConfig(c: RelabelConfig, scheme: NameValidationScheme = 'utf8'): string | null {
  const a = c.action;
  if ((a as string) === '') return 'relabel action cannot be empty';
  if (c.modulus === 0 && a === 'hashmod') return 'relabel configuration for hashmod requires non-zero modulus';
  const needsTarget = a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (needsTarget && c.target_label === '') return `relabel configuration for ${a} action requires 'target_label' value`;
  const badTarget = `${quoteGoString(c.target_label)} is invalid 'target_label' for ${a} action`;
  const hasVar = c.target_label.includes('$');
  if (a === 'replace' && !hasVar && !validName(scheme, c.target_label)) return badTarget;
  if (a === 'replace' && hasVar && !validNameWithVars(scheme, c.target_label)) return badTarget;
  const simple = a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (simple && !validName(scheme, c.target_label)) return badTarget;
  if (simple && c.replacement !== DEFAULT_REPLACEMENT) return `'replacement' can not be set for ${a} action`;
  if (a === 'labelmap' && !validNameWithVars(scheme, c.replacement)) {
    return `${quoteGoString(c.replacement)} is invalid 'replacement' for ${a} action`;
  }
  if (a === 'hashmod' && !validName(scheme, c.target_label)) return badTarget;
  if ((a === 'keepequal' || a === 'dropequal') &&
    (c.regex !== DEFAULT_RELABEL_REGEX || c.modulus !== 0 || c.separator !== DEFAULT_SEPARATOR || c.replacement !== DEFAULT_REPLACEMENT)) {
    return `${a} action requires only 'source_labels' and \`target_label\`, and no other fields`;
  }
  if ((a === 'labeldrop' || a === 'labelkeep') &&
    (c.source_labels.length > 0 || c.target_label !== '' || c.modulus !== 0 || c.separator !== DEFAULT_SEPARATOR || c.replacement !== DEFAULT_REPLACEMENT)) {
    return `${a} action requires only 'regex', and no other fields`;
  }
  return null;
}
