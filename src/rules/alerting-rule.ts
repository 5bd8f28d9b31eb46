/**
 * An alerting rule: each sample of its expression is an alert, identified by the sample's
 * labels (without the metric name) plus the rule's templated labels and `alertname`. Alerts
 * go inactive → pending → firing once the condition held for `for`, stay firing for
 * `keep_firing_for` after it stops holding, and are kept 15 minutes after resolving so that
 * the resolution keeps being sent. Each evaluation yields the `ALERTS` and `ALERTS_FOR_STATE`
 * series of the active alerts (once the rule's `for` state has been restored).
 */
import { Labels, LabelsBuilder, METRIC_NAME, type Millis } from '../model/index.js';
import type { Expr } from '../promql/parser/index.js';
import type { Sample } from '../promql/value.js';
import { expandRuleTemplate, type QuerySample } from '../template/index.js';
import { nopLogger, type Logger } from '../util/log.js';
import { STATE_RANK, copyAlert, needsSending, type Alert, type AlertState } from './alert.js';
import { BaseRule, ruleString, type EvalContext } from './rule.js';

export const ALERT_METRIC_NAME = 'ALERTS';
export const ALERT_FOR_STATE_METRIC_NAME = 'ALERTS_FOR_STATE';
export const ALERT_NAME_LABEL = 'alertname';
export const ALERT_STATE_LABEL = 'alertstate';
export const ERR_DUPLICATE_ALERT_LABELSET = 'vector contains metrics with the same labelset after applying alert labels';

/** How long a resolved alert is kept (and re-sent as resolved). */
export const RESOLVED_RETENTION_MS = 15 * 60 * 1000;

export interface AlertingRuleOptions {
  name: string;
  expr: Expr;
  /** `for`, ms. */
  holdDurationMs: number;
  keepFiringForMs: number;
  labels: Labels;
  annotations: Labels;
  externalLabels: Readonly<Record<string, string>>;
  /** The external URL given to templates as `$externalURL`. */
  externalURL: string;
  /** False until the `for` state was restored from storage; ALERTS series are written only after. */
  restored: boolean;
  logger?: Logger;
}

/** Receives the alerts due for sending after an evaluation, with the rule's expression. */
export type NotifyFunc = (expr: string, alerts: readonly Alert[]) => void;

export class AlertingRule extends BaseRule {
  readonly kind = 'alerting' as const;
  readonly holdDurationMs: number;
  readonly keepFiringForMs: number;
  readonly annotations: Labels;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
  restored: boolean;
  /** Pending and firing alerts, and resolved ones within their retention, by label set key. */
  active = new Map<string, Alert>();
  readonly #logger: Logger;

  constructor(o: AlertingRuleOptions) {
    super(o.name, o.expr, o.labels);
    this.holdDurationMs = o.holdDurationMs;
    this.keepFiringForMs = o.keepFiringForMs;
    this.annotations = o.annotations;
    this.externalLabels = o.externalLabels;
    this.externalURL = o.externalURL;
    this.restored = o.restored;
    this.#logger = o.logger ?? nopLogger;
  }

  /** The rule's state: unknown before the first evaluation, else its highest alert state. */
  state(): AlertState {
    if (this.evaluationTimestamp === null) return 'unknown';
    let s: AlertState = 'inactive';
    for (const a of this.active.values()) if (STATE_RANK[a.state] > STATE_RANK[s]) s = a.state;
    return s;
  }

  /** Copies of the alerts not resolved (pending and firing). */
  activeAlerts(): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) if (a.resolvedAt === 0) out.push(copyAlert(a));
    return out;
  }

  /** Evaluates the rule and returns its ALERTS/ALERTS_FOR_STATE samples. Rejects on query errors and limits. */
  async eval(c: EvalContext): Promise<Sample[]> {
    const ts = c.ts;
    const res = await c.query(this.exprText, (ts - c.queryOffsetMs) as Millis, c.signal);
    const templateQuery = async (q: string, t: number): Promise<QuerySample[]> => {
      const v = await c.query(q, t as Millis, c.signal);
      return v.map((s) => ({ labels: s.metric.toObject(), value: s.f, histogram: s.h }));
    };
    const fresh = new Map<string, Alert>();
    const lb = new LabelsBuilder();
    for (const smpl of res) {
      const data = {
        labels: smpl.metric.toObject(), externalLabels: this.externalLabels, externalURL: this.externalURL, value: smpl.f, histogram: smpl.h,
      };
      const expand = (text: string): Promise<string> => expandRuleTemplate(text, {
        ruleName: this.name, data, timestampMs: ts, query: templateQuery, externalURL: c.externalURL,
      });
      lb.reset(smpl.metric);
      lb.del(METRIC_NAME);
      for (let i = 0; i < this.labels.length; i++) lb.set(this.labels.nameAt(i), await expand(this.labels.valueAt(i)));
      lb.set(ALERT_NAME_LABEL, this.name);
      const ann: string[] = [];
      for (let i = 0; i < this.annotations.length; i++) ann.push(this.annotations.nameAt(i), await expand(this.annotations.valueAt(i)));
      const labels = lb.labels();
      const key = labels.key();
      if (fresh.has(key)) throw new Error(ERR_DUPLICATE_ALERT_LABELSET);
      fresh.set(key, {
        state: 'pending', labels, annotations: Labels.fromSortedArray(ann), value: smpl.f, activeAt: ts,
        firedAt: 0, resolvedAt: 0, lastSentAt: 0, validUntil: 0, keepFiringSince: 0,
      });
    }

    for (const [key, a] of fresh) {
      const cur = this.active.get(key);
      if (cur !== undefined && cur.state !== 'inactive') {
        cur.value = a.value;
        cur.annotations = a.annotations;
        continue;
      }
      this.active.set(key, a);
    }

    const out: Sample[] = [];
    let numActivePending = 0;
    const sampleTs = (ts - c.queryOffsetMs) as Millis;
    for (const [key, a] of this.active) {
      if (!fresh.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.keepFiringForMs > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = ts;
          if (ts - a.keepFiringSince < this.keepFiringForMs) keepFiring = true;
        }
        // Resolved alerts are kept for a while, so that their resolution survives
        // notification failures and Alertmanager restarts.
        if (a.state === 'pending' || (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) this.active.delete(key);
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      numActivePending++;
      if (a.state === 'pending' && ts - a.activeAt >= this.holdDurationMs) {
        a.state = 'firing';
        a.firedAt = ts;
      }
      // A `for` made longer by a reload sends a firing alert back to pending.
      if (a.state === 'firing' && ts - a.activeAt < this.holdDurationMs) {
        a.state = 'pending';
        a.firedAt = 0;
        a.lastSentAt = 0;
        a.keepFiringSince = 0;
      }
      if (this.restored) {
        out.push(this.#sample(a, sampleTs));
        out.push(this.forStateSample(a, sampleTs, Math.floor(a.activeAt / 1000)));
      }
    }
    if (c.limit > 0 && numActivePending > c.limit) {
      this.active = new Map();
      throw new Error(`exceeded limit of ${c.limit} with ${numActivePending} alerts`);
    }
    return out;
  }

  #sample(a: Alert, t: Millis): Sample {
    const lb = new LabelsBuilder(this.labels);
    a.labels.forEach((n, v) => { lb.set(n, v); });
    lb.set(METRIC_NAME, ALERT_METRIC_NAME).set(ALERT_NAME_LABEL, this.name).set(ALERT_STATE_LABEL, a.state);
    return { metric: lb.labels(), t, f: 1, h: null };
  }

  /** The ALERTS_FOR_STATE sample of an alert (or, without one, the labels common to all of them). */
  forStateSample(a: Alert | null, t: Millis, v: number): Sample {
    const lb = new LabelsBuilder(this.labels);
    if (a !== null) a.labels.forEach((n, val) => { lb.set(n, val); });
    lb.set(METRIC_NAME, ALERT_FOR_STATE_METRIC_NAME).set(ALERT_NAME_LABEL, this.name);
    return { metric: lb.labels(), t, f: v, h: null };
  }

  /**
   * Marks the alerts due at `ts` as sent and hands copies to `notify`. Their `validUntil`
   * allows for two missed evaluations or sends: 4 × max(interval, resend delay).
   */
  sendAlerts(ts: number, resendDelayMs: number, intervalMs: number, notify: NotifyFunc): void {
    const due: Alert[] = [];
    for (const a of this.active.values()) {
      if (!needsSending(a, ts, resendDelayMs)) continue;
      a.lastSentAt = ts;
      a.validUntil = ts + 4 * Math.max(intervalMs, resendDelayMs);
      due.push(copyAlert(a));
    }
    try {
      notify(this.exprText, due);
    } catch (e) {
      this.#logger.warn('Sending alerts failed', { err: e instanceof Error ? e.message : String(e) });
    }
  }

  override toString(): string {
    return ruleString({
      alert: this.name, expr: this.exprText, for: this.holdDurationMs, keep_firing_for: this.keepFiringForMs, labels: this.labels, annotations: this.annotations,
    });
  }
}
