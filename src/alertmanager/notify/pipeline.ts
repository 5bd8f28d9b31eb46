/**
 * The notification pipeline run for each flush of an aggregation group, with Alertmanager's
 * stages: drop inhibited alerts; stop outside the route's active time intervals or inside
 * its mute time intervals; drop silenced alerts; then, for each integration of the receiver
 * in parallel: dedup against the notification log (notify only when something changed or
 * `repeat_interval` passed), send with retries and exponential backoff until the flush's
 * deadline, and log what was sent. A flush fails when any integration fails, so that
 * resolved alerts stay in the group for the next flush; a slow or failing integration never
 * holds up the others.
 */
import type { Logger } from '../../util/log.js';
import type { LabelSet } from '../labels/index.js';
import type { Inhibitor } from '../inhibit/index.js';
import type { Silencer } from '../silence/index.js';
import type { Intervener } from '../timeinterval/index.js';
import { type NflogReceiver, type NotificationLog } from '../nflog/index.js';
import { resolvedAt, systemClock, type Alert, type Clock, type Marker } from '../store/index.js';
import { integrationString, type Integration, type NotifyContext, type NotifyResult } from './notifier.js';
import type { NotifyMetrics } from './metrics.js';
import { hashAlert } from './alert-hash.js';
import { needsUpdate } from './dedup.js';

export { needsUpdate };

/** What the dispatcher knows about a flush. */
export interface FlushContext {
  signal: AbortSignal;
  groupKey: string;
  receiverName: string;
  groupLabels: LabelSet;
  /** The flush time (Unix ms). */
  now: number;
  repeatIntervalMs: number;
  muteTimeIntervals: readonly string[];
  activeTimeIntervals: readonly string[];
  routeID: string;
}

/** A notification attempt's outcome, reported to the observer (alert history). */
export interface NotifiedEvent {
  receiver: string;
  /** `webhook[0]`. */
  integration: string;
  groupKey: string;
  /** The alerts sent (after filtering), with their status at the flush. */
  alerts: readonly { fingerprint: string; labels: LabelSet; status: 'firing' | 'resolved' }[];
  ok: boolean;
  /** Failure reason; '' on success. */
  error: string;
  attempts: number;
  at: number;
}

export interface PipelineObserver {
  notified(e: NotifiedEvent): void;
}

export interface PipelineDeps {
  receivers: ReadonlyMap<string, readonly Integration[]>;
  inhibitor: Inhibitor;
  silencer: Silencer;
  intervener: Intervener;
  nflog: NotificationLog;
  marker?: Marker;
  metrics: NotifyMetrics | null;
  logger: Logger;
  externalURL: string;
  observer?: PipelineObserver;
  clock?: Clock;
  /** Backoff of retries: first delay and cap, in ms (Alertmanager: 500 ms growing ×1.5 to 60 s, ±50% jitter). */
  backoff?: { initialMs: number; maxMs: number };
}

export class NotifyError extends Error {
  override readonly name = 'NotifyError';
}

export class Pipeline {
  readonly #d: PipelineDeps;
  readonly #clock: Clock;

  constructor(d: PipelineDeps) {
    this.#d = d;
    this.#clock = d.clock ?? systemClock;
  }

  /** Runs the stages for one flush; rejects when an integration failed. */
  async exec(fc: FlushContext, input: readonly Alert[]): Promise<void> {
    const d = this.#d;
    const integrations = d.receivers.get(fc.receiverName);
    if (integrations === undefined) throw new NotifyError('stage for receiver missing');
    let alerts = input.filter((a) => !d.inhibitor.mutes(a.labels, a.fingerprint, fc.now));
    if (alerts.length === 0) return;
    const muting = this.#timeMuting(fc);
    if (d.marker !== undefined) for (const a of alerts) d.marker.setMuted(a.fingerprint, muting);
    if (muting.length > 0) {
      d.logger.debug('Notifications not sent, route is within mute time or outside active time', { aggrGroup: fc.groupKey, intervals: muting.join(',') });
      return;
    }
    alerts = alerts.filter((a) => !d.silencer.mutes(a.labels, a.fingerprint));
    if (alerts.length === 0) return;
    const results = await Promise.allSettled(integrations.map((i) => this.#integration(fc, i, alerts)));
    const errs: string[] = [];
    for (const r of results) if (r.status === 'rejected') errs.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
    if (errs.length > 0) throw new NotifyError(errs.join('; '));
  }

  /**
   * The time intervals that keep this flush from notifying: the active intervals when none
   * of them contains the flush time, else the mute intervals that contain it. An unknown
   * interval name is an error, as in Alertmanager.
   */
  #timeMuting(fc: FlushContext): string[] {
    const iv = this.#d.intervener;
    if (fc.activeTimeIntervals.length > 0 && iv.activeAmong(fc.activeTimeIntervals, fc.now).length === 0) return [...fc.activeTimeIntervals];
    if (fc.muteTimeIntervals.length > 0) return iv.activeAmong(fc.muteTimeIntervals, fc.now);
    return [];
  }

  async #integration(fc: FlushContext, integ: Integration, alerts: readonly Alert[]): Promise<void> {
    const d = this.#d;
    const recv: NflogReceiver = { groupName: fc.receiverName, integration: integ.name, idx: integ.index };
    const firing: string[] = [];
    const resolved: string[] = [];
    for (const a of alerts) (resolvedAt(a, fc.now) ? resolved : firing).push(hashAlert(a));
    const entry = d.nflog.query(recv, fc.groupKey);
    if (!needsUpdate(entry, new Set(firing), new Set(resolved), fc.repeatIntervalMs, integ.sendResolved, fc.now)) return;
    const ctx: NotifyContext = {
      signal: fc.signal, groupKey: fc.groupKey, receiverName: fc.receiverName, groupLabels: fc.groupLabels, now: fc.now,
      repeatIntervalMs: fc.repeatIntervalMs, routeID: fc.routeID, firingAlerts: firing, resolvedAlerts: resolved, externalURL: d.externalURL,
    };
    const m = d.metrics;
    // Counted before the send-resolved check, as Alertmanager's retry stage counts it.
    m?.notifications.labels(integ.name).inc();
    let sent: readonly Alert[] = alerts;
    if (!integ.sendResolved) {
      // Only resolved alerts and the integration does not want them: nothing to send, but
      // the notification log still records them.
      if (firing.length === 0) {
        d.nflog.log(recv, fc.groupKey, firing, resolved, 2 * fc.repeatIntervalMs);
        return;
      }
      sent = alerts.filter((a) => !resolvedAt(a, fc.now));
    }
    const report = (ok: boolean, error: string, attempts: number): void => {
      d.observer?.notified({
        receiver: fc.receiverName, integration: integrationString(integ), groupKey: fc.groupKey, ok, error, attempts, at: this.#clock.now(),
        alerts: sent.map((a) => ({ fingerprint: a.fingerprint, labels: a.labels, status: resolvedAt(a, fc.now) ? 'resolved' as const : 'firing' as const })),
      });
    };
    let attempts: number;
    try {
      attempts = await this.#retry(ctx, integ, sent);
    } catch (e) {
      m?.failed.labels(integ.name).inc();
      const err = e instanceof RetryError ? e : null;
      report(false, e instanceof Error ? e.message : String(e), err?.attempts ?? 0);
      throw e;
    }
    report(true, '', attempts);
    d.nflog.log(recv, fc.groupKey, firing, resolved, 2 * fc.repeatIntervalMs);
  }

  /** Sends until success, a permanent failure or the flush's deadline; returns the attempts made. */
  async #retry(ctx: NotifyContext, integ: Integration, sent: readonly Alert[]): Promise<number> {
    const d = this.#d;
    const m = d.metrics;
    const where = `${ctx.receiverName}/${integrationString(integ)}`;
    const log = d.logger.with({ receiver: ctx.receiverName, integration: integrationString(integ) });
    let interval = d.backoff?.initialMs ?? 500;
    const max = d.backoff?.maxMs ?? 60_000;
    let last: Error | null = null;
    for (let attempt = 1; ; attempt++) {
      if (ctx.signal.aborted) throw new RetryError(`${where}: notify retry canceled after ${attempt} attempts: ${last?.message ?? abortReason(ctx.signal)}`, attempt - 1);
      const started = performance.now();
      let res: NotifyResult;
      try {
        res = await integ.notifier.notify(ctx, sent);
      } catch (e) {
        res = { retry: true, error: e instanceof Error ? e : new Error(String(e)) };
      }
      m?.latency.labels(integ.name).observe((performance.now() - started) / 1000);
      m?.requests.labels(integ.name).inc();
      if (res.error === undefined) {
        if (attempt > 1) log.info('Notify success', { attempts: attempt });
        else log.debug('Notify success', { attempts: attempt });
        return attempt;
      }
      m?.requestsFailed.labels(integ.name).inc();
      if (!res.retry) throw new RetryError(`${where}: notify retry canceled due to unrecoverable error after ${attempt} attempts: ${res.error.message}`, attempt);
      if (!ctx.signal.aborted && (last === null || last.message !== res.error.message)) {
        log.warn('Notify attempt failed, will retry later', { attempts: attempt, err: res.error.message });
      }
      last = res.error;
      // Randomised by ±50% around the current interval, as Alertmanager's backoff does.
      const delay = interval * (0.5 + Math.random());
      interval = Math.min(interval * 1.5, max);
      await this.#sleep(delay, ctx.signal);
    }
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) { resolve(); return; }
      const done = (): void => { this.#clock.clearTimeout(t); signal.removeEventListener('abort', done); resolve(); };
      const t = this.#clock.setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

class RetryError extends NotifyError {
  constructor(msg: string, readonly attempts: number) {
    super(msg);
  }
}

function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : 'context canceled';
}
