/**
 * The inhibitor: an alert matching a rule's target matchers is muted while an unresolved
 * alert matching its source matchers carries the same values of the `equal` labels. An
 * alert matching both sides does not inhibit itself or others of its kind (Alertmanager's
 * two-sided exclusion). Source alerts are kept per rule as the store hands them over.
 */
import { AMMatcher, matchesAll, type LabelSet } from '../labels/index.js';
import { isResolved, type Alert, type AlertStore, type Marker } from '../store/index.js';
import type { InhibitRuleConfig } from '../config/index.js';

export class InhibitRule {
  readonly sourceMatchers: AMMatcher[];
  readonly targetMatchers: AMMatcher[];
  readonly equal: readonly string[];
  /** Unresolved-at-insert alerts matching the source side, by fingerprint. */
  readonly scache = new Map<string, Alert>();

  constructor(c: InhibitRuleConfig) {
    this.sourceMatchers = [...fromMaps(c.source_match, c.source_match_re), ...c.source_matchers];
    this.targetMatchers = [...fromMaps(c.target_match, c.target_match_re), ...c.target_matchers];
    this.equal = c.equal;
  }

  /** The fingerprint of an alert inhibiting `ls`, or null. */
  inhibitingAlert(ls: LabelSet, excludeTwoSided: boolean, now: number): string | null {
    outer: for (const a of this.scache.values()) {
      if (isResolved(a, now)) continue;
      for (const n of this.equal) if ((a.labels[n] ?? '') !== (ls[n] ?? '')) continue outer;
      if (excludeTwoSided && matchesAll(this.targetMatchers, a.labels)) continue;
      return a.fingerprint;
    }
    return null;
  }
}

/**
 * `match` and `match_re` maps as matchers. A `match_re` value becomes `^(?:re)$`, the text
 * Alertmanager's compiled regex reports, which shows in route keys and so in group keys.
 */
export function fromMaps(eq: Readonly<Record<string, string>>, re: Readonly<Record<string, string>>): AMMatcher[] {
  const out: AMMatcher[] = [];
  for (const [k, v] of Object.entries(eq)) out.push(new AMMatcher('=', k, v));
  for (const [k, v] of Object.entries(re)) out.push(new AMMatcher('=~', k, `^(?:${v})$`));
  return out;
}

export class Inhibitor {
  readonly rules: InhibitRule[];
  readonly #marker: Marker;
  #unsubscribe: (() => void) | null = null;

  constructor(rules: readonly InhibitRuleConfig[], marker: Marker) {
    this.rules = rules.map((r) => new InhibitRule(r));
    this.#marker = marker;
  }

  /** Starts following the store's alerts (and forgetting the ones it collects). */
  run(store: AlertStore): void {
    const unsubscribe = store.subscribe((a) => { this.#onAlert(a); });
    const unDelete = store.onDelete((gone) => {
      for (const r of this.rules) for (const a of gone) r.scache.delete(a.fingerprint);
    });
    this.#unsubscribe = () => { unsubscribe(); unDelete(); };
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  #onAlert(a: Alert): void {
    for (const r of this.rules) {
      if (matchesAll(r.sourceMatchers, a.labels)) r.scache.set(a.fingerprint, a);
    }
  }

  /** Whether `ls` is inhibited now; records the inhibiting alert in the marker. */
  mutes(ls: LabelSet, fp: string, now = Date.now()): boolean {
    for (const r of this.rules) {
      if (!matchesAll(r.targetMatchers, ls)) continue;
      const by = r.inhibitingAlert(ls, matchesAll(r.sourceMatchers, ls), now);
      if (by !== null) {
        this.#marker.setInhibited(fp, [by]);
        return true;
      }
    }
    this.#marker.setInhibited(fp, []);
    return false;
  }
}
