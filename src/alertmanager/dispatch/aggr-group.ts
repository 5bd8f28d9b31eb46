/**
 * An aggregation group: the alerts of one route that share the values of its `group_by`
 * labels, flushed to the pipeline on Alertmanager's timers — first after `group_wait` (at
 * once when an alert arrives that started more than `group_wait` ago and the group has not
 * flushed yet), then every `group_interval`. A flush in progress delays the next tick; it
 * gets until max(group_interval, 10 s) to finish. `repeat_interval` is the dedup stage's
 * business. Resolved alerts leave the group once a flush that carried them succeeded.
 */
import type { Logger } from '../../util/log.js';
import { labelSetString, type LabelSet } from '../labels/index.js';
import { compareAlerts, resolvedAt, type Alert, type Clock, type TimerHandle } from '../store/index.js';
import type { FlushContext } from '../notify/index.js';
import type { Route } from './route.js';

/** Runs a flush; resolves true when every integration succeeded. */
export type FlushFunc = (fc: FlushContext, alerts: readonly Alert[]) => Promise<boolean>;

/** Alertmanager never gives a flush less than this to finish. */
export const MIN_FLUSH_TIMEOUT_MS = 10_000;

export class AggrGroup {
  readonly labels: LabelSet;
  readonly route: Route;
  readonly groupKey: string;
  /** The group's alerts by fingerprint. Owned by the group; read-only for others. */
  readonly alerts = new Map<string, Alert>();
  readonly #flushFn: FlushFunc;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #timer: TimerHandle | null = null;
  #hasFlushed = false;
  #flushing = false;
  #tickPending = false;
  #stopped = false;
  readonly #abort = new AbortController();
  #current: Promise<void> | null = null;

  constructor(labels: LabelSet, route: Route, flush: FlushFunc, logger: Logger, clock: Clock) {
    this.labels = labels;
    this.route = route;
    this.groupKey = `${route.key()}:${labelSetString(labels)}`;
    this.#flushFn = flush;
    this.#logger = logger;
    this.#clock = clock;
    this.#schedule(route.opts.groupWaitMs);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => { this.#tick(); }, ms);
  }

  insert(a: Alert): void {
    this.alerts.set(a.fingerprint, a);
    if (!this.#hasFlushed && a.startsAt + this.route.opts.groupWaitMs < this.#clock.now()) this.#schedule(0);
  }

  empty(): boolean {
    return this.alerts.size === 0;
  }

  get hasFlushed(): boolean {
    return this.#hasFlushed;
  }

  #tick(): void {
    this.#timer = null;
    if (this.#flushing) {
      // The timer fired during a flush: tick again as soon as it ends.
      this.#tickPending = true;
      return;
    }
    const now = this.#clock.now();
    this.#schedule(this.route.opts.groupIntervalMs);
    this.#hasFlushed = true;
    this.#flushing = true;
    this.#current = this.#flush(now).finally(() => {
      this.#flushing = false;
      this.#current = null;
      if (this.#tickPending && !this.#stopped) {
        this.#tickPending = false;
        this.#tick();
      }
    });
  }

  async #flush(now: number): Promise<void> {
    if (this.empty()) return;
    const o = this.route.opts;
    const deadline = new AbortController();
    const timer = this.#clock.setTimeout(() => { deadline.abort(new Error('context deadline exceeded')); }, Math.max(o.groupIntervalMs, MIN_FLUSH_TIMEOUT_MS));
    const signal = AbortSignal.any([deadline.signal, this.#abort.signal]);
    const sent: Alert[] = [];
    for (const a of this.alerts.values()) {
      // Alerts must not resolve while the flush runs: firing ones go out without an end.
      sent.push(resolvedAt(a, now) ? a : { ...a, endsAt: 0 });
    }
    sent.sort(compareAlerts);
    const fc: FlushContext = {
      signal, groupKey: this.groupKey, receiverName: o.receiver, groupLabels: this.labels, now,
      repeatIntervalMs: o.repeatIntervalMs, muteTimeIntervals: o.muteTimeIntervals, activeTimeIntervals: o.activeTimeIntervals,
      routeID: this.route.id(),
    };
    let ok = false;
    try {
      ok = await this.#flushFn(fc, sent);
    } catch (e) {
      this.#logger.error('flush failed', { aggrGroup: this.groupKey, err: e });
    } finally {
      this.#clock.clearTimeout(timer);
    }
    if (!ok) return;
    const later = this.#clock.now();
    for (const a of sent) {
      const cur = this.alerts.get(a.fingerprint);
      if (cur === undefined) continue;
      // Only drop a resolved alert that was not updated (e.g. fired again) during the flush.
      if (resolvedAt(a, later) && cur.updatedAt === a.updatedAt) this.alerts.delete(a.fingerprint);
    }
  }

  /** Stops the timers and aborts a flush in progress; resolves when it has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#abort.abort(new Error('context canceled'));
    await this.#current;
  }
}
