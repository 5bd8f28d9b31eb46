/**
 * Applying relabel rules, with Prometheus 3's semantics for every action. Rules run in order
 * on a label builder; the first rule that drops ends processing.
 *
 * Per rule, the values of `source_labels` (an absent label reads as '') are joined with
 * `separator`, and then:
 * - `replace`: if the regex matches the joined value, `target_label` and `replacement` are
 *   expanded with its groups; an invalid resulting name leaves the labels unchanged, an
 *   empty value deletes the target. No match: unchanged.
 * - `keep` / `drop`: drop unless / if the regex matches the joined value.
 * - `keepequal` / `dropequal`: drop unless / if the joined value equals `target_label`'s value.
 * - `hashmod`: `target_label` = MD5-based hash of the joined value mod `modulus`.
 * - `labelmap`: every label whose name matches gets copied to the expanded `replacement` name.
 * - `labeldrop` / `labelkeep`: delete labels whose names match / do not match.
 * - `lowercase` / `uppercase`: `target_label` = the joined value re-cased.
 */
import { Labels, LabelsBuilder, isLegacyLabelName, isValidLabelName } from '../model/index.js';
import type { NameValidationScheme, RelabelConfig } from '../config/types.js';
import { expand, parseTemplate, type Template } from './expand.js';
import { goToLower, goToUpper } from '../util/go-case.js';
import { hashMod } from './hashmod.js';

/** What a rule needs beyond its config, derived once per rule object. */
interface Plan {
  readonly re: RelabelConfig['compiled'];
  readonly targetSrc: string;
  readonly replacementSrc: string;
  readonly target: Template;
  readonly replacement: Template;
  /** `replace` with the default regex and no `$` anywhere: the value can be set directly when the source is empty. */
  readonly constantDefault: boolean;
}

const plans = new WeakMap<RelabelConfig, Plan>();

function planFor(cfg: RelabelConfig): Plan {
  const p = plans.get(cfg);
  if (p !== undefined && p.re === cfg.compiled && p.targetSrc === cfg.target_label && p.replacementSrc === cfg.replacement) return p;
  const needsGroups = cfg.action === 'replace' || cfg.action === 'labelmap';
  const named = needsGroups && (cfg.target_label.includes('$') || cfg.replacement.includes('$')) ? cfg.compiled.namedGroups() : {};
  const np: Plan = {
    re: cfg.compiled,
    targetSrc: cfg.target_label,
    replacementSrc: cfg.replacement,
    target: parseTemplate(cfg.target_label, named),
    replacement: parseTemplate(cfg.replacement, named),
    constantDefault: cfg.regex === '(.*)' && !cfg.target_label.includes('$') && !cfg.replacement.includes('$'),
  };
  plans.set(cfg, np);
  return np;
}

function isValidName(scheme: NameValidationScheme, s: string): boolean {
  return scheme === 'legacy' ? isLegacyLabelName(s) : isValidLabelName(s);
}

// Scratch space for snapshots of a builder's labels (labelmap/labeldrop/labelkeep iterate
// over the labels as they were before the rule, as Prometheus does).
const snapNames: string[] = [];
const snapValues: string[] = [];
function collect(name: string, value: string): void {
  snapNames.push(name);
  snapValues.push(value);
}

function joinSources(lb: LabelsBuilder, cfg: RelabelConfig): string {
  const src = cfg.source_labels;
  switch (src.length) {
    case 0: return '';
    case 1: return lb.get(src[0]!);
    default: {
      let v = lb.get(src[0]!);
      for (let i = 1; i < src.length; i++) v += cfg.separator + lb.get(src[i]!);
      return v;
    }
  }
}

/**
 * Applies `cfgs` in order to the labels in `lb`, in place. Returns false as soon as a rule
 * drops (the builder is then in an unspecified state). `scheme` is the name validation
 * scheme of the enclosing scrape config: it decides which `replace` targets are valid.
 */
export function processBuilder(lb: LabelsBuilder, cfgs: readonly RelabelConfig[], scheme: NameValidationScheme = 'utf8'): boolean {
  for (let i = 0; i < cfgs.length; i++) {
    if (!applyRule(cfgs[i]!, lb, scheme)) return false;
  }
  return true;
}

/** Relabels a label set: the result, or null when a rule dropped it. */
export function relabel(lbls: Labels, cfgs: readonly RelabelConfig[], scheme: NameValidationScheme = 'utf8'): Labels | null {
  const lb = new LabelsBuilder(lbls);
  return processBuilder(lb, cfgs, scheme) ? lb.labels() : null;
}

function applyRule(cfg: RelabelConfig, lb: LabelsBuilder, scheme: NameValidationScheme): boolean {
  const action = cfg.action;
  switch (action) {
    case 'keep':
      return cfg.compiled.matches(joinSources(lb, cfg));
    case 'drop':
      return !cfg.compiled.matches(joinSources(lb, cfg));
    case 'keepequal':
      return lb.get(cfg.target_label) === joinSources(lb, cfg);
    case 'dropequal':
      return lb.get(cfg.target_label) !== joinSources(lb, cfg);
    case 'replace': {
      const plan = planFor(cfg);
      const val = joinSources(lb, cfg);
      if (val === '' && plan.constantDefault) {
        lb.set(cfg.target_label, cfg.replacement);
        return true;
      }
      const groups = cfg.compiled.exec(val);
      if (groups === null) return true;
      const target = expand(plan.target, groups);
      if (!isValidName(scheme, target)) return true;
      lb.set(target, expand(plan.replacement, groups)); // '' deletes
      return true;
    }
    case 'lowercase':
      lb.set(cfg.target_label, goToLower(joinSources(lb, cfg)));
      return true;
    case 'uppercase':
      lb.set(cfg.target_label, goToUpper(joinSources(lb, cfg)));
      return true;
    case 'hashmod':
      lb.set(cfg.target_label, hashMod(joinSources(lb, cfg), cfg.modulus));
      return true;
    case 'labelmap': {
      const plan = planFor(cfg);
      const start = snapNames.length;
      lb.forEach(collect);
      const end = snapNames.length;
      try {
        for (let i = start; i < end; i++) {
          const name = snapNames[i]!;
          const groups = cfg.compiled.exec(name);
          if (groups !== null) lb.set(expand(plan.replacement, groups), snapValues[i]!);
        }
      } finally {
        snapNames.length = start;
        snapValues.length = start;
      }
      return true;
    }
    case 'labeldrop':
    case 'labelkeep': {
      const keep = action === 'labelkeep';
      const start = snapNames.length;
      lb.forEach(collect);
      const end = snapNames.length;
      try {
        for (let i = start; i < end; i++) {
          const name = snapNames[i]!;
          if (cfg.compiled.matches(name) !== keep) lb.del(name);
        }
      } finally {
        snapNames.length = start;
        snapValues.length = start;
      }
      return true;
    }
    default: {
      const never: never = action;
      throw new Error(`relabel: unknown relabel action type ${JSON.stringify(never)}`);
    }
  }
}
