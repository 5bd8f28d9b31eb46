/**
 * What recording and alerting rules share: the parsed expression, labels, health, last error,
 * evaluation time and duration, and the dependency links the concurrent evaluator uses. The
 * rules themselves are `RecordingRule` and `AlertingRule`; `Rule` is their union.
 */
import { stringify } from 'yaml';
import { formatDuration, type Labels, type Millis } from '../model/index.js';
import { exprToString, type Expr } from '../promql/parser/index.js';
import type { Vector } from '../promql/value.js';
import type { AlertingRule } from './alerting-rule.js';
import type { RecordingRule } from './recording-rule.js';

export type RuleHealth = 'unknown' | 'ok' | 'err';

/**
 * Runs an instant query at `t` (ms) and returns a vector (a scalar result becomes a one-sample
 * vector without labels). Rejects with the query's error. The vector is the caller's.
 */
export type QueryFunc = (query: string, t: Millis, signal?: AbortSignal) => Promise<Vector>;

/** What one evaluation of a rule needs. */
export interface EvalContext {
  /** The evaluation timestamp (ms). The query runs at `ts - queryOffsetMs`. */
  ts: Millis;
  queryOffsetMs: number;
  query: QueryFunc;
  /** `--web.external-url`, for templates' `externalURL`/`pathPrefix`. */
  externalURL: string;
  /** The group's limit; 0 for none. */
  limit: number;
  signal?: AbortSignal;
}

export type Rule = RecordingRule | AlertingRule;

export abstract class BaseRule {
  readonly name: string;
  readonly expr: Expr;
  /** The expression re-printed by the parser: what is queried, shown and hashed. */
  readonly exprText: string;
  readonly labels: Labels;
  health: RuleHealth = 'unknown';
  lastError: Error | null = null;
  /** Wall-clock time the last evaluation started; null before the first. */
  evaluationTimestamp: Date | null = null;
  /** Duration of the last evaluation in seconds. */
  evaluationDurationSeconds = 0;
  /**
   * Rules of the group that read this rule's output, and that this rule reads; null when
   * unknown (the group has a selector whose metric name cannot be determined).
   */
  dependents: readonly Rule[] | null = null;
  dependencies: readonly Rule[] | null = null;

  constructor(name: string, expr: Expr, labels: Labels) {
    this.name = name;
    this.expr = expr;
    this.exprText = exprToString(expr);
    this.labels = labels;
  }

  /** True when it is known that no rule of the group reads this one. */
  noDependentRules(): boolean {
    return this.dependents !== null && this.dependents.length === 0;
  }

  /** True when it is known that this rule reads no rule of the group. */
  noDependencyRules(): boolean {
    return this.dependencies !== null && this.dependencies.length === 0;
  }

  setFailure(err: Error): void {
    this.health = 'err';
    this.lastError = err;
  }

  setSuccess(): void {
    this.health = 'ok';
    this.lastError = null;
  }
}

/**
 * A rule as YAML text (its defining fields, as Prometheus marshals them): two rules with the
 * same text are the same rule across a reload.
 */
export function ruleString(fields: {
  record?: string; alert?: string; expr: string; for?: number; keep_firing_for?: number; labels: Labels; annotations?: Labels;
}): string {
  const o: Record<string, unknown> = {};
  if (fields.record !== undefined && fields.record !== '') o['record'] = fields.record;
  if (fields.alert !== undefined && fields.alert !== '') o['alert'] = fields.alert;
  o['expr'] = fields.expr;
  if (fields.for !== undefined && fields.for !== 0) o['for'] = formatDuration(fields.for);
  if (fields.keep_firing_for !== undefined && fields.keep_firing_for !== 0) o['keep_firing_for'] = formatDuration(fields.keep_firing_for);
  if (!fields.labels.isEmpty()) o['labels'] = fields.labels.toObject();
  if (fields.annotations !== undefined && !fields.annotations.isEmpty()) o['annotations'] = fields.annotations.toObject();
  return stringify(o);
}
