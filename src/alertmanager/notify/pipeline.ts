/**
 * The notification pipeline run for each flush of an aggregation group, with Alertmanager's
 * stages: drop inhibited alerts, stop outside the route's active time intervals or inside
 * its mute time intervals, drop silenced alerts; then, for each integration of the
 * receiver in parallel: dedup against the notification log (notify only when something
 * changed or `repeat_interval` passed), send with retries and exponential backoff, and log
 * what was sent. A flush fails when any integration fails, so that resolved alerts stay in
 * the group for the next flush.
 */
import type { Logger } from '../../util/log.js';
import type { LabelSet } from '../labels/index.js';
import type { Inhibitor } from '../inhibit/index.js';
import type { Silencer } from '../silence/index.js';
import type { Intervener } from '../timeinterval/index.js';
import { isFiringSubset, isResolvedSubset, type NflogEntry, type NflogReceiver, type NotificationLog } from '../nflog/index.js';
import { resolvedAt, type Alert } from '../store/index.js';
import { integrationString, type Integration, type NotifyContext } from './notifier.js';
import type { NotifyMetrics } from './metrics.js';

/** What the dispatcher knows about a flush. */
export interface FlushContext {
  signal: AbortSignal;
  groupKey: string;
  receiverName: string;
  groupLabels: LabelSet;
  now: number;
  repeatIntervalMs: number;
  muteTimeIntervals: readonly string[];
  activeTimeIntervals: readonly string[];
  routeID: string;
}

/** Events the pipeline reports (alert history). */
export interface PipelineObserver {
  notified(e: { receiver: string; integration: string; groupKey: string; firing: readonly string[]; resolved: readonly string[]; ok: boolean; error: string; at: number }): void;
}

export interface PipelineDeps {
  receivers: ReadonlyMap<string, readonly Integration[]>;
  inhibitor: Inhibitor;
  silencer: Silencer;
  intervener: Intervener;
  nflog: NotificationLog;
  metrics: NotifyMetrics | null;
  logger: Logger;
  externalURL: string;
  observer?: PipelineObserver;
  /** Backoff of retries: first delay and cap, in ms (Alertmanager: 500 ms growing ×1.5 to 60 s). */
  backoff?: { initialMs: number; maxMs: number };
}

export class NotifyError extends Error {
  override readonly name = 'NotifyError';
}

export class Pipeline {
  constructor(private readonly d: PipelineDeps) {}

  /** Runs the stages for one flush; rejects when an integration failed. */
  async exec(fc: FlushContext, input: readonly Alert[]): Promise<void> {
    const integrations = this.d.receivers.get(fc.receiverName);
    if (integrations === undefined) throw new NotifyError(`receiver ${JSON.stringify(fc.receiverName)} missing`);
    let alerts = input.filter((a) => !this.d.inhibitor.mutes(a.labels, a.fingerprint, fc.now));
    if (alerts.length === 0) return;
    if (fc.activeTimeIntervals.length > 0 && this.d.intervener.activeAmong(fc.activeTimeIntervals, fc.now).length === 0) return;
    if (fc.muteTimeIntervals.length > 0 && this.d.intervener.activeAmong(fc.muteTimeIntervals, fc.now).length > 0) return;
    alerts = alerts.filter((a) => !this.d.silencer.mutes(a.labels, a.fingerprint));
    if (alerts.length === 0) return;
    const results = await Promise.allSettled(integrations.map((i) => this.#integration(fc, i, alerts)));
    const errs: string[] = [];
    for (const r of results) if (r.status === 'rejected') errs.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
    if (errs.length > 0) throw new NotifyError(errs.join('; '));
  }

  async #integration(fc: FlushContext, integ: Integration, alerts: readonly Alert[]): Promise<void> {
    const recv: NflogReceiver = { groupName: fc.receiverName, integration: integ.name, idx: integ.index };
    const firing: string[] = [];
    const resolved: string[] = [];
    for (const a of alerts) (resolvedAt(a, fc.now) ? resolved : firing).push(a.fingerprint);
    const entry = this.d.nflog.query(recv, fc.groupKey);
    if (!needsUpdate(entry, new Set(firing), new Set(resolved), fc.repeatIntervalMs, integ.sendResolved, fc.now)) return;
    const ctx: NotifyContext = {
      signal: fc.signal, groupKey: fc.groupKey, receiverName: fc.receiverName, groupLabels: fc.groupLabels, now: fc.now,
      repeatIntervalMs: fc.repeatIntervalMs, routeID: fc.routeID, firingAlerts: firing, resolvedAlerts: resolved, externalURL: this.d.externalURL,
    };
    const m = this.d.metrics;
    m?.notifications.labels(integ.name).inc();
    try {
      await this.#retry(ctx, integ, alerts, firing.length);
    } catch (e) {
      m?.failed.labels(integ.name).inc();
      this.d.observer?.notified({ receiver: fc.receiverName, integration: integrationString(integ), groupKey: fc.groupKey, firing, resolved, ok: false, error: e instanceof Error ? e.message : String(e), at: Date.now() });
      throw e;
    }
    this.d.observer?.notified({ receiver: fc.receiverName, integration: integrationString(integ), groupKey: fc.groupKey, firing, resolved, ok: true, error: '', at: Date.now() });
    this.d.nflog.log(recv, fc.groupKey, firing, resolved, 2 * fc.repeatIntervalMs);
  }

  async #retry(ctx: NotifyContext, integ: Integration, alerts: readonly Alert[], numFiring: number): Promise<void> {
    let sent: readonly Alert[] = alerts;
    if (!integ.sendResolved) {
      // Only resolved alerts and the integration does not want them: nothing to send, but
      // the notification log still records them.
      if (numFiring === 0) return;
      sent = alerts.filter((a) => !resolvedAt(a, ctx.now));
    }
    const m = this.d.metrics;
    const where = `${ctx.receiverName}/${integrationString(integ)}`;
    const initial = this.d.backoff?.initialMs ?? 500;
    const max = this.d.backoff?.maxMs ?? 60_000;
    let interval = initial;
    let last: Error | null = null;
    for (let attempt = 1; ; attempt++) {
      if (ctx.signal.aborted) throw new NotifyError(`${where}: notify retry canceled after ${attempt} attempts: ${last?.message ?? 'context deadline exceeded'}`);
      const started = performance.now();
      let res: { retry: boolean; error?: Error };
      try {
        res = await integ.notifier.notify(ctx, sent);
      } catch (e) {
        res = { retry: true, error: e instanceof Error ? e : new Error(String(e)) };
      }
      m?.latency.labels(integ.name).observe((performance.now() - started) / 1000);
      m?.requests.labels(integ.name).inc();
      if (res.error === undefined) return;
      m?.requestsFailed.labels(integ.name).inc();
      if (!res.retry) throw new NotifyError(`${where}: notify retry canceled due to unrecoverable error after ${attempt} attempts: ${res.error.message}`);
      if (last === null || last.message !== res.error.message) {
        this.d.logger.warn('Notify attempt failed, will retry later', { receiver: ctx.receiverName, integration: integrationString(integ), attempts: attempt, err: res.error.message });
      }
      last = res.error;
      // Randomised by ±50% around the current interval, as Alertmanager's backoff does.
      const delay = interval * (0.5 + Math.random());
      interval = Math.min(interval * 1.5, max);
      await sleepOrAbort(delay, ctx.signal);
    }
  }
}

function sleepOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return; }
    const done = (): void => { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Alertmanager's dedup decision: notify a new group only when something fires; afterwards
 * when a firing alert is new, when everything resolved after something had been notified as
 * firing, when (with send_resolved) a resolved alert is new, or when `repeat_interval` passed.
 */
export function needsUpdate(entry: NflogEntry | undefined, firing: ReadonlySet<string>, resolved: ReadonlySet<string>, repeatMs: number, sendResolved: boolean, now: number): boolean {
  if (entry === undefined) return firing.size > 0;
  if (!isFiringSubset(entry, firing)) return true;
  if (firing.size === 0) return entry.firingAlerts.length > 0;
  if (sendResolved && !isResolvedSubset(entry, resolved)) return true;
  return entry.timestamp < now - repeatMs;
}
