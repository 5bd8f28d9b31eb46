/**
 * `relabel_configs` and friends: the rule fields with Prometheus's defaults, the action parsed
 * case-insensitively, the regex compiled (anchored, RE2 syntax) with the linear-time
 * FastRegexMatcher, and the per-action validation with Prometheus's error texts. Validation
 * needs the name validation scheme of the enclosing scrape config, so it runs after decoding
 * (`validateRelabelConfig`).
 */
import { FastRegexMatcher, RegexError, isLegacyLabelName, isValidLabelName } from '../model/index.js';
import { DecodeError } from './errors.js';
import { enumOf, string, uint64 } from './scalars.js';
import { list, resetting, struct } from './schema.js';
import type { DecodeContext, Kind } from './schema.js';
import type { NameValidationScheme, RelabelAction, RelabelConfig } from './types.js';

export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  'replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase',
];

export const DEFAULT_RELABEL_REGEX = '(.*)';
const DEFAULT_MATCHER = new FastRegexMatcher(DEFAULT_RELABEL_REGEX);

/** Relabel configs whose `regex` was written in the file (Prometheus prints only those). */
const explicitRegex = new WeakSet<RelabelConfig>();

export function hasExplicitRegex(rc: RelabelConfig): boolean {
  return explicitRegex.has(rc);
}

/** Compiles a relabel regex as Prometheus does (anchored), with its error text. */
export function compileRelabelRegex(src: string): FastRegexMatcher {
  if (src === DEFAULT_RELABEL_REGEX) return DEFAULT_MATCHER;
  return new FastRegexMatcher(src);
}

const action = enumOf<RelabelAction>('relabel.Action', RELABEL_ACTIONS, (s) => `unknown relabel action ${JSON.stringify(s)}`, (s) => s.toLowerCase());

/** A regex field: written as a string, checked by compiling it. */
const regexKind: Kind<string> = {
  goType: 'relabel.Regexp',
  decode(n, d, path) {
    const s = string.decode(n, d, path, '');
    try {
      compileRelabelRegex(s);
    } catch (e) {
      if (e instanceof RegexError) throw new DecodeError(n.line, path, e.message);
      throw e;
    }
    return s;
  },
  zero: () => '',
  isZero: () => false,
  encode: (v) => ({ t: 'str', v }),
};

const labelNames: Kind<string[]> = list(string);

const relabelStruct = resetting(struct<RelabelConfig>('relabel.Config', {
  source_labels: { kind: labelNames, omitempty: true, flow: true },
  separator: { kind: string, default: () => ';' },
  regex: { kind: regexKind, default: () => DEFAULT_RELABEL_REGEX, omitWhen: (rc: RelabelConfig) => !explicitRegex.has(rc) },
  modulus: { kind: uint64, omitempty: true },
  target_label: { kind: string, omitempty: true },
  replacement: { kind: string, default: () => '$1' },
  action: { kind: action, default: () => 'replace', omitempty: true },
  compiled: { kind: { goType: '', decode: () => DEFAULT_MATCHER, zero: () => DEFAULT_MATCHER, isZero: () => true, encode: () => ({ t: 'raw', v: '' }) }, hidden: true },
}, {
  validate(rc, d) {
    if (d.has(rc, 'regex')) explicitRegex.add(rc);
    (rc as { compiled: FastRegexMatcher }).compiled = compileRelabelRegex(rc.regex);
    for (const ln of rc.source_labels) {
      if (!isValidLabelName(ln)) d.fail(rc, `${JSON.stringify(ln)} is not a valid label name`, 'source_labels');
    }
  },
}));

/** A list of relabel rules; `nullItem` is Prometheus's message for a null rule in this place. */
export function relabelList(nullItem: string): Kind<RelabelConfig[]> {
  return list(relabelStruct, { nullItem });
}

export const relabelConfigKind = relabelStruct;

function isValidName(scheme: NameValidationScheme, s: string): boolean {
  return scheme === 'legacy' ? isLegacyLabelName(s) : isValidLabelName(s);
}

/**
 * The legacy-scheme rule for targets with `$1`/`${name}` references: starts with a letter,
 * `_` or a reference, then word characters and references. Hand-written because the
 * equivalent regular expression backtracks exponentially.
 */
export function isLegacyTemplateName(s: string): boolean {
  if (s.length === 0) return false;
  const word = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let i = 0;
  let first = true;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '$') {
      i++;
      if (s[i] === '{') {
        i++;
        const start = i;
        while (word(s[i])) i++;
        if (i === start || s[i] !== '}') return false;
        i++;
      } else {
        const start = i;
        while (word(s[i])) i++;
        if (i === start) return false;
      }
    } else if (first ? /[A-Za-z_]/.test(c) : word(c)) {
      i++;
    } else {
      return false;
    }
    first = false;
  }
  return true;
}

/** Prometheus's relabel.Config.Validate under the given name validation scheme. */
export function validateRelabelConfig(rc: RelabelConfig, scheme: NameValidationScheme, d: DecodeContext): void {
  const a = rc.action;
  const needsTarget = a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (rc.modulus === 0 && a === 'hashmod') d.fail(rc, 'relabel configuration for hashmod requires non-zero modulus', 'modulus');
  if (needsTarget && rc.target_label === '') d.fail(rc, `relabel configuration for ${a} action requires 'target_label' value`);
  const hasVar = (s: string): boolean => s.includes('$');
  const validWithVars = (s: string): boolean => (scheme === 'utf8' ? isValidName(scheme, s) : isLegacyTemplateName(s));
  if (a === 'replace' && !hasVar(rc.target_label) && !isValidName(scheme, rc.target_label)) {
    d.fail(rc, `${JSON.stringify(rc.target_label)} is invalid 'target_label' for ${a} action`, 'target_label');
  }
  if (a === 'replace' && hasVar(rc.target_label) && !validWithVars(rc.target_label)) {
    d.fail(rc, `${JSON.stringify(rc.target_label)} is invalid 'target_label' for ${a} action`, 'target_label');
  }
  const simple = a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (simple && !isValidName(scheme, rc.target_label)) {
    d.fail(rc, `${JSON.stringify(rc.target_label)} is invalid 'target_label' for ${a} action`, 'target_label');
  }
  if (simple && rc.replacement !== '$1') d.fail(rc, `'replacement' can not be set for ${a} action`, 'replacement');
  if (a === 'labelmap' && !validWithVars(rc.replacement)) {
    d.fail(rc, `${JSON.stringify(rc.replacement)} is invalid 'replacement' for ${a} action`, 'replacement');
  }
  if (a === 'hashmod' && !isValidName(scheme, rc.target_label)) {
    d.fail(rc, `${JSON.stringify(rc.target_label)} is invalid 'target_label' for ${a} action`, 'target_label');
  }
  if (a === 'dropequal' || a === 'keepequal') {
    // Any written regex counts, even "(.*)": Prometheus compares with the default's identity.
    if (explicitRegex.has(rc) || rc.modulus !== 0 || rc.separator !== ';' || rc.replacement !== '$1') {
      d.fail(rc, `${a} action requires only 'source_labels' and \`target_label\`, and no other fields`);
    }
  }
  if (a === 'labeldrop' || a === 'labelkeep') {
    if (d.has(rc, 'source_labels') || rc.target_label !== '' || rc.modulus !== 0 || rc.separator !== ';' || rc.replacement !== '$1') {
      d.fail(rc, `${a} action requires only 'regex', and no other fields`);
    }
  }
}

/** Builds a relabel rule in code (tests, defaults), with defaults filled and the regex compiled. */
export function newRelabelConfig(fields: Partial<Omit<RelabelConfig, 'compiled'>>): RelabelConfig {
  const rc: RelabelConfig = { ...relabelStruct.defaults(), ...fields };
  (rc as { compiled: FastRegexMatcher }).compiled = compileRelabelRegex(rc.regex);
  if (fields.regex !== undefined) explicitRegex.add(rc);
  return rc;
}
