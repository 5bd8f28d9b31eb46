/**
 * The dispatcher: follows the alert store, sends each alert to the aggregation groups of
 * every route it matches (creating groups on first use), removes empty groups every 30 s,
 * and lists groups for the API.
 */
import type { Gauge, Registry, Summary } from '../../instrument/index.js';
import type { Logger } from '../../util/log.js';
import { fingerprint, labelSetBefore, labelSetEqual, type LabelSet } from '../labels/index.js';
import { compareAlerts, systemClock, type Alert, type AlertStore, type Clock, type TimerHandle } from '../store/index.js';
import { AggrGroup, type FlushFunc } from './aggr-group.js';
import type { Route } from './route.js';

export interface AlertGroupView {
  labels: LabelSet;
  receiver: string;
  groupKey: string;
  routeID: string;
  alerts: Alert[];
}

export class DispatcherMetrics {
  readonly groups: Gauge;
  readonly processing: Summary;
  constructor(reg: Registry) {
    this.groups = reg.gauge({ name: 'alertmanager_dispatcher_aggregation_groups', help: 'Number of active aggregation groups' });
    this.groups.set(0);
    this.processing = reg.summary({ name: 'alertmanager_dispatcher_alert_processing_duration_seconds', help: 'Summarizes processing time for a single alert', objectives: [] });
    reg.counter({ name: 'alertmanager_dispatcher_aggregation_group_limit_reached_total', help: 'Number of times when dispatcher failed to create new aggregation group due to limit.' }).inc(0);
  }
}

export interface DispatcherOptions {
  logger: Logger;
  metrics: DispatcherMetrics | null;
  /** Interval of the empty-group cleanup (Alertmanager: 30 s). */
  cleanupIntervalMs?: number;
  clock?: Clock;
}

export class Dispatcher {
  readonly #root: Route;
  readonly #flush: FlushFunc;
  readonly #opts: DispatcherOptions;
  readonly #groups = new Map<Route, Map<string, AggrGroup>>();
  #count = 0;
  #unsubscribe: (() => void) | null = null;
  #cleanup: TimerHandle | null = null;
  readonly #clock: Clock;

  constructor(root: Route, flush: FlushFunc, opts: DispatcherOptions) {
    this.#root = root;
    this.#flush = flush;
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
  }

  /** Starts following the store: every stored alert, then each new one, goes to its groups. */
  run(store: AlertStore): void {
    this.#opts.metrics?.groups.set(0);
    this.#unsubscribe = store.subscribe((a) => { this.#onAlert(a); });
    this.#scheduleCleanup();
  }

  #scheduleCleanup(): void {
    this.#cleanup = this.#clock.setTimeout(() => {
      this.#removeEmpty();
      this.#scheduleCleanup();
    }, this.#opts.cleanupIntervalMs ?? 30_000);
    // The cleanup alone must not keep the process alive.
    (this.#cleanup as unknown as { unref?: () => void }).unref?.();
  }

  #onAlert(a: Alert): void {
    const started = performance.now();
    for (const r of this.#root.match(a.labels)) this.#process(a, r);
    this.#opts.metrics?.processing.observe((performance.now() - started) / 1000);
  }

  #process(a: Alert, r: Route): void {
    const gl = groupLabels(a.labels, r);
    const fp = fingerprint(gl);
    let byFP = this.#groups.get(r);
    if (byFP === undefined) {
      byFP = new Map();
      this.#groups.set(r, byFP);
    }
    let ag = byFP.get(fp);
    if (ag === undefined) {
      ag = new AggrGroup(gl, r, this.#flush, this.#opts.logger, this.#clock);
      byFP.set(fp, ag);
      this.#count++;
      this.#opts.metrics?.groups.set(this.#count);
    }
    ag.insert(a);
  }

  #removeEmpty(): void {
    for (const byFP of this.#groups.values()) {
      for (const [fp, ag] of byFP) {
        if (!ag.empty()) continue;
        void ag.stop();
        byFP.delete(fp);
        this.#count--;
      }
    }
    this.#opts.metrics?.groups.set(this.#count);
  }

  /** Groups (and their alerts passing `alertFilter`) of routes passing `routeFilter`, in Alertmanager's order. */
  groups(routeFilter: (r: Route) => boolean, alertFilter: (a: Alert) => boolean): { groups: AlertGroupView[]; receivers: Map<string, string[]> } {
    const out: AlertGroupView[] = [];
    const receivers = new Map<string, string[]>();
    for (const [route, byFP] of this.#groups) {
      if (!routeFilter(route)) continue;
      for (const ag of byFP.values()) {
        const alerts: Alert[] = [];
        for (const a of ag.alerts.values()) {
          if (!alertFilter(a)) continue;
          const l = receivers.get(a.fingerprint);
          if (l === undefined) receivers.set(a.fingerprint, [route.opts.receiver]);
          else l.push(route.opts.receiver);
          alerts.push(a);
        }
        if (alerts.length === 0) continue;
        alerts.sort(compareAlerts);
        out.push({ labels: ag.labels, receiver: route.opts.receiver, groupKey: ag.groupKey, routeID: route.id(), alerts });
      }
    }
    out.sort((x, y) => {
      if (labelSetEqual(x.labels, y.labels)) return x.receiver < y.receiver ? -1 : x.receiver > y.receiver ? 1 : 0;
      return labelSetBefore(x.labels, y.labels) ? -1 : 1;
    });
    for (const l of receivers.values()) l.sort();
    return { groups: out, receivers };
  }

  get groupCount(): number {
    return this.#count;
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#cleanup !== null) this.#clock.clearTimeout(this.#cleanup);
    this.#cleanup = null;
    const all: Promise<void>[] = [];
    for (const byFP of this.#groups.values()) for (const ag of byFP.values()) all.push(ag.stop());
    this.#groups.clear();
    this.#count = 0;
    await Promise.all(all);
  }
}

/** The alert's values of the route's `group_by` labels (all labels for `...`). */
export function groupLabels(ls: LabelSet, r: Route): LabelSet {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ls)) if (r.opts.groupByAll || r.opts.groupBy.has(k)) out[k] = v;
  return out;
}
