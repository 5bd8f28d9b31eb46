/**
 * A recording rule: evaluates its expression and records the result under its own metric
 * name, with the rule's labels added (overriding the result's), as Prometheus does.
 */
import { LabelsBuilder, METRIC_NAME } from '../model/index.js';
import type { Sample } from '../promql/value.js';
import { BaseRule, ruleString, type EvalContext } from './rule.js';

export const ERR_DUPLICATE_RECORDING_LABELSET = 'vector contains metrics with the same labelset after applying rule labels';

export class RecordingRule extends BaseRule {
  readonly kind = 'recording' as const;

  /** The samples to record. Rejects with the query's error, a duplicate label set, or the limit. */
  async eval(c: EvalContext): Promise<Sample[]> {
    const vector = await c.query(this.exprText, (c.ts - c.queryOffsetMs) as typeof c.ts, c.signal);
    const lb = new LabelsBuilder();
    const seen = new Set<string>();
    for (const s of vector) {
      lb.reset(s.metric);
      lb.set(METRIC_NAME, this.name);
      this.labels.forEach((n, v) => { lb.set(n, v); });
      s.metric = lb.labels();
      const key = s.metric.key();
      if (seen.has(key)) throw new Error(ERR_DUPLICATE_RECORDING_LABELSET);
      seen.add(key);
    }
    if (c.limit > 0 && vector.length > c.limit) throw new Error(`exceeded limit of ${c.limit} with ${vector.length} series`);
    this.setSuccess();
    return vector;
  }

  override toString(): string {
    return ruleString({ record: this.name, expr: this.exprText, labels: this.labels });
  }
}
