/**
 * Concurrent rule evaluation (`--enable-feature=concurrent-rule-eval`): which rules of a group
 * read which others' output, and the global bound on rules evaluated at once
 * (`--rules.max-concurrent-evals`). As in Prometheus, a group runs in batches: first, together,
 * every rule that reads no other rule; then one by one, the rules that both read and are read;
 * last, together, the rules nobody reads. A selector whose metric name cannot be known makes the
 * whole group sequential.
 */
import { Matcher } from '../model/index.js';
import { inspect, type VectorSelector } from '../promql/parser/index.js';
import { ALERT_FOR_STATE_METRIC_NAME, ALERT_METRIC_NAME, ALERT_NAME_LABEL } from './alerting-rule.js';
import type { Rule } from './rule.js';

export interface ConcurrencyController {
  /** Batches of rule indexes; rules of one batch may run together. Null: run in order. */
  splitIntoBatches(rules: readonly Rule[]): number[][] | null;
  /** Takes a slot for one concurrent evaluation; false when none is free (run it inline). */
  allow(): boolean;
  /** Gives a slot back. */
  done(): void;
}

export const SEQUENTIAL: ConcurrencyController = {
  splitIntoBatches: () => null,
  allow: () => false,
  done: () => undefined,
};

/** Bounded concurrency shared by all groups of a manager. */
export class BoundedConcurrency implements ConcurrencyController {
  #free: number;
  constructor(max: number) {
    this.#free = Math.max(0, max);
  }

  allow(): boolean {
    if (this.#free <= 0) return false;
    this.#free--;
    return true;
  }

  done(): void {
    this.#free++;
  }

  splitIntoBatches(rules: readonly Rule[]): number[][] | null {
    const noDeps: number[] = [];
    const chain: number[] = [];
    const noDependents: number[] = [];
    rules.forEach((r, i) => {
      if (r.noDependencyRules()) noDeps.push(i);
      else if (!r.noDependentRules() && !r.noDependencyRules()) chain.push(i);
      else if (r.noDependentRules()) noDependents.push(i);
    });
    const out: number[][] = [];
    if (noDeps.length > 0) out.push(noDeps);
    for (const i of chain) out.push([i]);
    if (noDependents.length > 0) out.push(noDependents);
    return out;
  }
}

function nameMatcher(sel: VectorSelector): Matcher | null {
  if (sel.name !== '') return new Matcher('=', '__name__', sel.name);
  return sel.matchers.find((m) => m.name === '__name__') ?? null;
}

/**
 * Records on every rule which rules of the group it reads and which read it. A rule depends on
 * an earlier rule whose name its selectors match, or, reading ALERTS/ALERTS_FOR_STATE, on an
 * earlier alerting rule its `alertname` matcher allows.
 */
export function analyseDependencies(rules: readonly Rule[]): void {
  const dependents = new Map<Rule, Rule[]>();
  let indeterminate = false;
  if (rules.length > 1) {
    for (const rule of rules) {
      if (indeterminate) break;
      inspect(rule.expr, (node) => {
        if (node.kind !== 'VectorSelector' || indeterminate) return;
        const nm = nameMatcher(node);
        if (nm === null) {
          indeterminate = true;
          return;
        }
        const readsAlerts = nm.matches(ALERT_METRIC_NAME) || nm.matches(ALERT_FOR_STATE_METRIC_NAME);
        const alertName = readsAlerts ? node.matchers.find((m) => m.name === ALERT_NAME_LABEL) ?? null : null;
        for (const other of rules) {
          // Only earlier rules are dependencies: later ones are read as of their previous run.
          if (other === rule) break;
          if (nm.matches(other.name) || (readsAlerts && other.kind === 'alerting' && (alertName === null || alertName.matches(other.name)))) {
            const l = dependents.get(other) ?? [];
            l.push(rule);
            dependents.set(other, l);
          }
        }
      });
    }
  }
  for (const r of rules) {
    if (indeterminate) {
      r.dependents = null;
      r.dependencies = null;
      continue;
    }
    r.dependents = dependents.get(r) ?? [];
    const deps: Rule[] = [];
    for (const [other, ds] of dependents) if (ds.includes(r)) deps.push(other);
    r.dependencies = deps;
  }
}
