/**
 * `relabel_configs` and friends as YAML: the rule fields with Prometheus's defaults, the
 * action parsed case-insensitively, the regex checked where it is written, source label
 * names checked, and which fields were written (Prometheus prints a regex only when written,
 * and keepequal/dropequal reject any written regex). Relabel semantics (regex compilation,
 * the per-action validation and their error texts) belong to the relabel component; the
 * validation needs the name validation scheme of the enclosing config, so it runs after
 * decoding (`validateRelabelConfig`).
 */
import { RegexError, isValidLabelName } from '../model/index.js';
import type { FastRegexMatcher } from '../model/index.js';
import {
  DEFAULT_RELABEL_REGEX, DEFAULT_RELABEL_REPLACEMENT, DEFAULT_RELABEL_SEPARATOR, RELABEL_ACTIONS, compileRelabelRegex, relabelConfigProblem,
} from '../relabel/index.js';
import { DecodeError } from './errors.js';
import { enumOf, string, uint64 } from './scalars.js';
import { list, resetting, struct } from './schema.js';
import type { DecodeContext, Kind } from './schema.js';
import type { NameValidationScheme, RelabelAction, RelabelConfig } from './types.js';

const DEFAULT_MATCHER = compileRelabelRegex(DEFAULT_RELABEL_REGEX);

/** Relabel configs whose `regex` was written in the file (Prometheus prints only those). */
const explicitRegex = new WeakSet<RelabelConfig>();

export function hasExplicitRegex(rc: RelabelConfig): boolean {
  return explicitRegex.has(rc);
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
  separator: { kind: string, default: () => DEFAULT_RELABEL_SEPARATOR },
  // Printed when written in the file, as Prometheus does; a rule built in code (which has no
  // record of that) shows a regex other than the default.
  regex: { kind: regexKind, default: () => DEFAULT_RELABEL_REGEX, omitWhen: (rc: RelabelConfig) => !explicitRegex.has(rc) && rc.regex === DEFAULT_RELABEL_REGEX },
  modulus: { kind: uint64, omitempty: true },
  target_label: { kind: string, omitempty: true },
  replacement: { kind: string, default: () => DEFAULT_RELABEL_REPLACEMENT },
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

/**
 * Prometheus's relabel.Config.Validate under the given name validation scheme (the relabel
 * component's checks), failing at the line of the field the problem is about. The YAML adds
 * what a value cannot tell: whether `regex` and `source_labels` were written.
 */
export function validateRelabelConfig(rc: RelabelConfig, scheme: NameValidationScheme, d: DecodeContext): void {
  const p = relabelConfigProblem(rc, scheme, { regex: explicitRegex.has(rc), source_labels: d.has(rc, 'source_labels') });
  if (p !== null) d.fail(rc, p.reason, p.field);
}
