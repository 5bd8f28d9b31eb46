/**
 * A rule group: rules evaluated in order (or in dependency batches when concurrent evaluation is
 * on) at the group's interval. Evaluation slots are the interval boundaries shifted by a hash of
 * the group, so that groups spread over the interval and a restarted server keeps its slots.
 * A slow evaluation skips the slots it overran and counts them as missed. On the first run after
 * start, the `for` state of alerts is restored from storage after the second evaluation.
 */
import type { Labels, Millis } from '../model/index.js';
import type { Logger } from '../util/log.js';
import type { AlertingRule } from './alerting-rule.js';
import { evalRule, writeStaleSeries, type RuleSlot } from './group-eval.js';
import { evalTimestamp } from './group-hash.js';
import type { GroupContext } from './options.js';
import { restoreForState } from './restore.js';
import type { Rule } from './rule.js';

export interface GroupOptions {
  name: string;
  file: string;
  intervalMs: number;
  limit: number;
  rules: Rule[];
  /** The group's own `query_offset` (ms); null to use the global `rule_query_offset`. */
  queryOffsetMs: number | null;
  /** Restore `for` state from storage on the first run. */
  shouldRestore: boolean;
  ctx: GroupContext;
}

/** Prometheus's group key, `<file>;<name>`: group names are unique within a file only. */
export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return; }
    const t = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class Group {
  readonly name: string;
  readonly file: string;
  readonly intervalMs: number;
  readonly limit: number;
  readonly rules: readonly Rule[];
  readonly queryOffsetMs: number | null;
  readonly key: string;
  /** Duration of the last evaluation, seconds. */
  evaluationTimeSeconds = 0;
  /** Sum of the rules' last evaluation durations, seconds. */
  evaluationRuleTimeSumSeconds = 0;
  /** Wall-clock start of the last evaluation; null before the first. */
  lastEvaluation: Date | null = null;
  /** The slot (ms) of the last evaluation; 0 before the first. */
  lastEvalTimestamp = 0;
  /** Set when a reload removed the group: its series get stale markers after it stops. */
  markStale = false;

  #slots: RuleSlot[];
  #staleSeries: Labels[] = [];
  #shouldRestore: boolean;
  readonly #ctx: GroupContext;
  readonly #logger: Logger;
  readonly #done = new AbortController();
  #terminated: Promise<void> = Promise.resolve();
  #evaluating: Promise<void> = Promise.resolve();

  constructor(o: GroupOptions) {
    this.name = o.name;
    this.file = o.file;
    this.intervalMs = o.intervalMs;
    this.limit = o.limit;
    this.rules = o.rules;
    this.queryOffsetMs = o.queryOffsetMs;
    this.key = groupKey(o.file, o.name);
    this.#shouldRestore = o.shouldRestore;
    this.#ctx = o.ctx;
    this.#logger = o.ctx.logger.with({ file: o.file, group: o.name });
    this.#slots = o.rules.map(() => ({ previous: null }));
    o.ctx.metrics.initGroup(this.key, o.rules.length, o.intervalMs);
  }

  alertingRules(): AlertingRule[] {
    const out: AlertingRule[] = [];
    for (const r of this.rules) if (r.kind === 'alerting') out.push(r);
    return out;
  }

  /** The query offset in effect: the group's own, else the global one. */
  queryOffset(): number {
    return this.queryOffsetMs ?? this.#ctx.defaultRuleQueryOffsetMs();
  }

  /** The evaluation slot at or before `nowMs`. */
  evalTimestamp(nowMs: number): number {
    return evalTimestamp(this.file, this.name, this.intervalMs, nowMs);
  }

  /** Starts the evaluation loop; `stop` ends it. */
  start(): void {
    this.#terminated = this.#run();
  }

  /** Asks the loop to stop without waiting. */
  stopAsync(): void {
    this.#done.abort();
  }

  /** Stops the loop and waits for the current evaluation to finish. */
  async stop(): Promise<void> {
    this.#done.abort();
    await this.#terminated;
  }

  async #run(): Promise<void> {
    const signal = this.#done.signal;
    let evalTs = this.evalTimestamp(Date.now()) + this.intervalMs;
    await sleep(evalTs - Date.now(), signal);
    if (signal.aborted) return;
    // Ticks come at evalTs + k·interval, as from a ticker started at the first slot; ticks that
    // pass during a slow evaluation are dropped (one stays pending, as a ticker buffers one).
    const t0 = evalTs;
    let lastTick = 0;
    const nextTick = async (): Promise<boolean> => {
      const now = Date.now();
      const due = t0 + (lastTick + 1) * this.intervalMs;
      if (due > now) await sleep(due - now, signal);
      if (signal.aborted) return false;
      lastTick = Math.max(lastTick + 1, Math.floor((Date.now() - t0) / this.intervalMs));
      const missed = Math.floor((Date.now() - evalTs) / this.intervalMs) - 1;
      if (missed > 0) {
        this.#ctx.metrics.iterationsMissed.labels(this.key).inc(missed);
        this.#ctx.metrics.iterationsScheduled.labels(this.key).inc(missed);
      }
      evalTs += (Math.max(missed, 0) + 1) * this.intervalMs;
      return true;
    };
    try {
      await this.#iterate(evalTs);
      if (this.#shouldRestore) {
        // Restore after a second evaluation: by then recording rules the alerts read have run.
        if (!(await nextTick())) return;
        await this.#iterate(evalTs);
        await this.restoreForState(Date.now());
      }
      while (!signal.aborted) {
        if (!(await nextTick())) return;
        await this.#iterate(evalTs);
      }
    } finally {
      if (this.markStale) this.#scheduleStaleMarkers();
    }
  }

  /** One scheduled iteration: the evaluation plus the group's timing and metrics. */
  async #iterate(ts: number): Promise<void> {
    const m = this.#ctx.metrics;
    m.iterationsScheduled.labels(this.key).inc();
    const start = new Date();
    const t0 = performance.now();
    const p = this.eval(ts as Millis);
    this.#evaluating = p;
    await p;
    const secs = (performance.now() - t0) / 1000;
    m.iterationDuration.observe(secs);
    m.iterationDurationHistogram.observe(secs);
    let sum = 0;
    for (const r of this.rules) sum += r.evaluationDurationSeconds;
    this.evaluationRuleTimeSumSeconds = sum;
    m.groupLastRuleDurationSum.labels(this.key).set(sum);
    this.evaluationTimeSeconds = secs;
    m.groupLastDuration.labels(this.key).set(secs);
    this.lastEvaluation = start;
    m.groupLastEvalTime.labels(this.key).set(start.getTime() / 1000);
    this.lastEvalTimestamp = ts;
  }

  /** Evaluates every rule once at `ts` (exposed for the rule unit tests, which drive time). */
  async eval(ts: Millis): Promise<void> {
    const signal = this.#done.signal;
    const queryOffsetMs = this.queryOffset();
    let samples = 0;
    const one = async (i: number): Promise<void> => {
      samples += await evalRule({
        rule: this.rules[i]!, slot: this.#slots[i]!, ts, queryOffsetMs, intervalMs: this.intervalMs, limit: this.limit,
        groupKey: this.key, ctx: { ...this.#ctx, logger: this.#logger }, signal,
      });
    };
    const ctrl = this.#ctx.concurrency;
    const batches = ctrl.splitIntoBatches(this.rules);
    if (batches === null || batches.length === 0) {
      for (let i = 0; i < this.rules.length; i++) {
        if (signal.aborted) return;
        await one(i);
      }
    } else {
      for (const batch of batches) {
        const running: Promise<void>[] = [];
        for (const i of batch) {
          if (signal.aborted) { await Promise.all(running); return; }
          if (batch.length > 1 && ctrl.allow()) running.push(one(i).finally(() => { ctrl.done(); }));
          else await one(i);
        }
        // A batch completes before the next starts: later batches read its results.
        await Promise.all(running);
      }
    }
    this.#ctx.metrics.groupSamples.labels(this.key).set(samples);
    await this.#cleanupStaleSeries(ts);
  }

  async #cleanupStaleSeries(ts: number): Promise<void> {
    if (this.#staleSeries.length === 0) return;
    if (await writeStaleSeries(this.#staleSeries, (ts - this.queryOffset()) as Millis, this.#ctx, this.#logger)) this.#staleSeries = [];
  }

  /** After a removed group stopped: stale markers for everything it wrote, two intervals later. */
  #scheduleStaleMarkers(): void {
    const now = Date.now();
    for (const s of this.#slots) if (s.previous !== null) for (const l of s.previous.values()) this.#staleSeries.push(l);
    this.#slots = [];
    // Give renamed rules time to write their new series first; a stopping manager skips it.
    const mgr = this.#ctx.managerDone;
    void sleep(2 * this.intervalMs, mgr).then(async () => {
      if (mgr.aborted) return;
      await this.#cleanupStaleSeries(now);
    });
  }

  async restoreForState(nowMs: number): Promise<void> {
    const t0 = performance.now();
    try {
      await restoreForState(this.alertingRules(), nowMs, this.#ctx, this.#logger);
    } finally {
      const secs = (performance.now() - t0) / 1000;
      this.#ctx.metrics.groupLastRestoreDuration.labels(this.key).set(secs);
      this.#logger.debug("'for' state restoration completed", { duration_seconds: secs });
      this.#shouldRestore = false;
    }
  }

  /** Same definition (name, file, interval, limit, query offset and rules): a reload keeps the running group. */
  equals(o: Group): boolean {
    if (this.name !== o.name || this.file !== o.file || this.intervalMs !== o.intervalMs || this.limit !== o.limit) return false;
    if (this.queryOffsetMs !== o.queryOffsetMs) return false;
    if (this.rules.length !== o.rules.length) return false;
    for (let i = 0; i < this.rules.length; i++) if (this.rules[i]!.toString() !== o.rules[i]!.toString()) return false;
    return true;
  }

  /**
   * Takes over the state of the group this one replaces: evaluation times, the series each
   * rule wrote and the alerts of alerting rules, matched by rule name and labels (duplicates
   * in order). Series of rules that no longer exist are marked stale at the next evaluation.
   */
  copyState(from: Group): void {
    this.evaluationTimeSeconds = from.evaluationTimeSeconds;
    this.lastEvaluation = from.lastEvaluation;
    const byName = new Map<string, number[]>();
    from.rules.forEach((r, i) => {
      const k = r.name + r.labels.toString();
      byName.set(k, [...(byName.get(k) ?? []), i]);
    });
    this.rules.forEach((r, i) => {
      const k = r.name + r.labels.toString();
      const idx = byName.get(k);
      if (idx === undefined || idx.length === 0) return;
      const fi = idx[0]!;
      byName.set(k, idx.slice(1));
      this.#slots[i]!.previous = from.#slots[fi]?.previous ?? null;
      const fr = from.rules[fi]!;
      if (r.kind === 'alerting' && fr.kind === 'alerting') for (const [h, a] of fr.active) r.active.set(h, a);
    });
    this.#staleSeries = [...from.#staleSeries];
    from.rules.forEach((r, fi) => {
      const left = byName.get(r.name + r.labels.toString());
      if (left !== undefined && left.length > 0) {
        const prev = from.#slots[fi]?.previous;
        if (prev) for (const l of prev.values()) this.#staleSeries.push(l);
      }
    });
  }

  /** Waits for an evaluation in progress (tests). */
  async settled(): Promise<void> {
    await this.#evaluating;
  }
}
