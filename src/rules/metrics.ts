/**
 * The rule manager's self-metrics, under Prometheus's names (`prometheus_rule_*`), with one
 * child per group keyed `<file>;<group>` in the `rule_group` label. Registered once per
 * registry and shared by every group of a manager.
 */
import type { Counter, Gauge, Histogram, Registry, Summary } from '../instrument/index.js';

const byRegistry = new WeakMap<Registry, RuleMetrics>();

export class RuleMetrics {
  /** The metrics of `reg`, registered on first use (managers sharing a registry share them). */
  static for(reg: Registry): RuleMetrics {
    let m = byRegistry.get(reg);
    if (m === undefined) {
      m = new RuleMetrics(reg);
      byRegistry.set(reg, m);
    }
    return m;
  }

  readonly evalDuration: Summary;
  readonly evalDurationHistogram: Histogram;
  readonly iterationDuration: Summary;
  readonly iterationDurationHistogram: Histogram;
  readonly iterationsMissed: Counter;
  readonly iterationsScheduled: Counter;
  readonly evalTotal: Counter;
  readonly evalFailures: Counter;
  readonly groupInterval: Gauge;
  readonly groupLastEvalTime: Gauge;
  readonly groupLastDuration: Gauge;
  readonly groupLastRuleDurationSum: Gauge;
  readonly groupLastRestoreDuration: Gauge;
  readonly groupRules: Gauge;
  readonly groupSamples: Gauge;

  private constructor(reg: Registry) {
    const g = ['rule_group'];
    this.evalDuration = reg.summary({ name: 'prometheus_rule_evaluation_duration_seconds', help: 'The duration for a rule to execute.', objectives: [0.5, 0.9, 0.99] });
    this.evalDurationHistogram = reg.histogram({ name: 'prometheus_rule_evaluation_duration_histogram_seconds', help: 'The duration for a rule to execute.', buckets: [0.01, 0.1, 1, 10] });
    this.iterationDuration = reg.summary({ name: 'prometheus_rule_group_duration_seconds', help: 'The duration of rule group evaluations.', objectives: [0.01, 0.05, 0.5, 0.9, 0.99] });
    this.iterationDurationHistogram = reg.histogram({ name: 'prometheus_rule_group_duration_histogram_seconds', help: 'The duration of rule group evaluations.', buckets: [0.01, 0.1, 1, 10] });
    this.iterationsMissed = reg.counter({ name: 'prometheus_rule_group_iterations_missed_total', help: 'The total number of rule group evaluations missed due to slow rule group evaluation.', labelNames: g });
    this.iterationsScheduled = reg.counter({ name: 'prometheus_rule_group_iterations_total', help: 'The total number of scheduled rule group evaluations, whether executed or missed.', labelNames: g });
    this.evalTotal = reg.counter({ name: 'prometheus_rule_evaluations_total', help: 'The total number of rule evaluations.', labelNames: g });
    this.evalFailures = reg.counter({ name: 'prometheus_rule_evaluation_failures_total', help: 'The total number of rule evaluation failures.', labelNames: g });
    this.groupInterval = reg.gauge({ name: 'prometheus_rule_group_interval_seconds', help: 'The interval of a rule group.', labelNames: g });
    this.groupLastEvalTime = reg.gauge({ name: 'prometheus_rule_group_last_evaluation_timestamp_seconds', help: 'The timestamp of the last rule group evaluation in seconds.', labelNames: g });
    this.groupLastDuration = reg.gauge({ name: 'prometheus_rule_group_last_duration_seconds', help: 'The duration of the last rule group evaluation.', labelNames: g });
    this.groupLastRuleDurationSum = reg.gauge({
      name: 'prometheus_rule_group_last_rule_duration_sum_seconds',
      help: 'The sum of time in seconds it took to evaluate each rule in the group regardless of concurrency. This should be higher than the group duration if rules are evaluated concurrently.',
      labelNames: g,
    });
    this.groupLastRestoreDuration = reg.gauge({ name: 'prometheus_rule_group_last_restore_duration_seconds', help: 'The duration of the last alert rules alerts restoration using the `ALERTS_FOR_STATE` series.', labelNames: g });
    this.groupRules = reg.gauge({ name: 'prometheus_rule_group_rules', help: 'The number of rules.', labelNames: g });
    this.groupSamples = reg.gauge({ name: 'prometheus_rule_group_last_evaluation_samples', help: 'The number of samples returned during the last rule group evaluation.', labelNames: g });
  }

  /** Creates the group's children (so that they are exposed at zero), as a new group does. */
  initGroup(key: string, rules: number, intervalMs: number): void {
    this.iterationsMissed.labels(key);
    this.iterationsScheduled.labels(key);
    this.evalTotal.labels(key);
    this.evalFailures.labels(key);
    this.groupLastEvalTime.labels(key);
    this.groupLastDuration.labels(key);
    this.groupLastRuleDurationSum.labels(key);
    this.groupRules.labels(key).set(rules);
    this.groupSamples.labels(key);
    this.groupInterval.labels(key).set(intervalMs / 1000);
  }

  /** Removes a group that a reload dropped. */
  deleteGroup(key: string): void {
    for (const m of [this.iterationsMissed, this.iterationsScheduled, this.evalTotal, this.evalFailures]) m.remove(key);
    for (const m of [this.groupInterval, this.groupLastEvalTime, this.groupLastDuration, this.groupRules, this.groupSamples, this.groupLastRuleDurationSum, this.groupLastRestoreDuration]) m.remove(key);
  }
}
