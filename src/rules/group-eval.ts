/**
 * One evaluation of one rule inside its group: query, alerts handed to the notifier, results
 * appended, stale markers for the series the rule produced last time but not now, health,
 * error and timing recorded. A failing rule only marks itself; the group carries on.
 */
import { AppendError, type Appender } from '../storage/interface.js';
import type { Labels, Millis } from '../model/index.js';
import { QueryError } from '../promql/value.js';
import type { GroupContext } from './options.js';
import type { EvalContext, Rule } from './rule.js';

/** The per-rule state a group keeps between evaluations. */
export interface RuleSlot {
  /** Series the rule wrote at its last successful evaluation, by label key. */
  previous: Map<string, Labels> | null;
}

export interface RuleEvalInput {
  rule: Rule;
  slot: RuleSlot;
  ts: Millis;
  queryOffsetMs: number;
  intervalMs: number;
  limit: number;
  groupKey: string;
  ctx: GroupContext;
  signal: AbortSignal;
}

function errorOf(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Append errors that are expected (and only counted) for rule results. */
function isBenign(e: unknown): e is AppendError {
  return e instanceof AppendError && (e.kind === 'out_of_order' || e.kind === 'too_old' || e.kind === 'duplicate_sample');
}

/** Evaluates one rule; resolves with the number of samples it produced (0 on failure). */
export async function evalRule(inp: RuleEvalInput): Promise<number> {
  const { rule, ctx, groupKey } = inp;
  const logger = ctx.logger.with({ name: rule.name });
  const wallStart = new Date();
  const t0 = performance.now();
  ctx.metrics.evalTotal.labels(groupKey).inc();
  const finish = (): void => {
    const secs = (performance.now() - t0) / 1000;
    ctx.metrics.evalDuration.observe(secs);
    ctx.metrics.evalDurationHistogram.observe(secs);
    rule.evaluationDurationSeconds = secs;
    rule.evaluationTimestamp = wallStart;
  };
  const ec: EvalContext = { ts: inp.ts, queryOffsetMs: inp.queryOffsetMs, query: ctx.query, externalURL: ctx.externalURL, limit: inp.limit, signal: inp.signal };
  let vector;
  try {
    vector = await rule.eval(ec);
  } catch (e) {
    const err = errorOf(e);
    rule.setFailure(err);
    ctx.metrics.evalFailures.labels(groupKey).inc();
    // Cancelled queries are shutdowns, not failures worth a log line.
    if (!(e instanceof QueryError && e.errorType === 'canceled')) logger.warn('Evaluating rule failed', { rule: rule.toString(), err: err.message });
    finish();
    return 0;
  }
  rule.setSuccess();
  if (rule.kind === 'alerting') rule.sendAlerts(inp.ts, ctx.resendDelayMs, inp.intervalMs, ctx.notify);

  const app: Appender = ctx.appendable.appender();
  const returned = new Map<string, Labels>();
  let outOfOrder = 0;
  let tooOld = 0;
  let duplicates = 0;
  for (const s of vector) {
    try {
      if (s.h !== null) app.appendHistogram(0, s.metric, s.t, null, s.h);
      else app.append(0, s.metric, s.t, s.f);
      returned.set(s.metric.key(), s.metric);
    } catch (e) {
      const err = errorOf(e);
      rule.setFailure(err);
      if (e instanceof AppendError && e.kind === 'out_of_order') outOfOrder++;
      else if (e instanceof AppendError && e.kind === 'too_old') tooOld++;
      else if (e instanceof AppendError && e.kind === 'duplicate_sample') duplicates++;
      else logger.warn('Rule evaluation result discarded', { err: err.message, sample: s.metric.toString() });
    }
  }
  if (outOfOrder > 0) logger.warn('Error on ingesting out-of-order result from rule evaluation', { num_dropped: outOfOrder });
  if (tooOld > 0) logger.warn('Error on ingesting too old result from rule evaluation', { num_dropped: tooOld });
  if (duplicates > 0) logger.warn('Error on ingesting results from rule evaluation with different value but same timestamp', { num_dropped: duplicates });

  const staleTs = (inp.ts - inp.queryOffsetMs) as Millis;
  if (inp.slot.previous !== null) {
    for (const [key, lset] of inp.slot.previous) {
      if (returned.has(key)) continue;
      // The series is no longer produced: mark it stale.
      try {
        app.appendStale(0, lset, staleTs);
      } catch (e) {
        if (!isBenign(e)) logger.warn('Adding stale sample failed', { sample: lset.toString(), err: errorOf(e).message });
      }
    }
  }
  try {
    await app.commit();
    inp.slot.previous = returned;
  } catch (e) {
    const err = errorOf(e);
    rule.setFailure(err);
    ctx.metrics.evalFailures.labels(groupKey).inc();
    logger.warn('Rule sample appending failed', { err: err.message });
  }
  finish();
  return vector.length;
}

/** Writes stale markers for series of rules that are gone (a reload removed or renamed them). */
export async function writeStaleSeries(series: readonly Labels[], t: Millis, ctx: GroupContext, logger = ctx.logger): Promise<boolean> {
  if (series.length === 0) return true;
  const app = ctx.appendable.appender();
  for (const s of series) {
    try {
      app.appendStale(0, s, t);
    } catch (e) {
      if (!isBenign(e)) logger.warn('Adding stale sample for previous configuration failed', { sample: s.toString(), err: errorOf(e).message });
    }
  }
  try {
    await app.commit();
    return true;
  } catch (e) {
    logger.warn('Stale sample appending for previous configuration failed', { err: errorOf(e).message });
    return false;
  }
}
