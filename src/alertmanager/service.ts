/**
 * The Alertmanager service: alert store, silences, notification log and alert history that
 * live for the whole process, and the configuration-dependent parts — routing tree,
 * receivers' integrations, inhibitor, notification pipeline, dispatcher — rebuilt on every
 * successful (re)load, as Alertmanager's configuration coordinator does. A bad new
 * configuration is refused and the running one stays. Maintenance (garbage collection and
 * snapshots of silences and the notification log, history retention) runs every
 * `maintenanceIntervalMs` and once more at stop; resolved alerts are collected every
 * `alertGCIntervalMs`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '../instrument/index.js';
import type { Logger } from '../util/log.js';
import { loadAlertmanagerConfigFile, templateFiles, type LoadedConfig } from './config/index.js';
import { Dispatcher, DispatcherMetrics, Route } from './dispatch/index.js';
import { HistoryRecorder, HistoryStore } from './history/index.js';
import { Inhibitor } from './inhibit/index.js';
import { NotificationLog } from './nflog/index.js';
import { NotifyMetrics, Pipeline, buildIntegrations, type Integration } from './notify/index.js';
import { SilenceMetrics, Silencer, Silences } from './silence/index.js';
import { AlertStore, Marker, systemClock, type Alert, type AlertState, type Clock, type TimerHandle } from './store/index.js';
import { Intervener, type TimeInterval } from './timeinterval/index.js';

export interface AlertmanagerServiceOptions {
  configFile: string;
  /** Directory of the snapshots and the history; '' keeps everything in memory. */
  storagePath: string;
  /** --data.retention: how long silences and notification log entries are kept (ms). */
  retentionMs: number;
  /** How long alert history is kept (ms); defaults to the retention. */
  historyRetentionMs?: number;
  maintenanceIntervalMs: number;
  alertGCIntervalMs: number;
  /** --silences.max-silences and --silences.max-silence-size-bytes (≤ 0: no limit). */
  maxSilences?: number;
  maxSilenceSizeBytes?: number;
  /** How often empty aggregation groups are removed (default 30 s). */
  dispatchMaintenanceIntervalMs?: number;
  externalURL: string;
  registry: Registry;
  logger: Logger;
  clock?: Clock;
  /** Retry backoff for notifications (tests shorten it). */
  backoff?: { initialMs: number; maxMs: number };
}

/** The configuration-dependent parts, replaced together on reload. */
export interface ActiveConfig {
  loaded: LoadedConfig;
  route: Route;
  receivers: ReadonlyMap<string, readonly Integration[]>;
  inhibitor: Inhibitor;
  silencer: Silencer;
  dispatcher: Dispatcher;
}

export class AlertmanagerService {
  readonly alerts = new AlertStore();
  readonly marker = new Marker();
  readonly silences: Silences;
  readonly nflog: NotificationLog;
  readonly history: HistoryStore;
  readonly startedAt: number;
  /** The external URL notifications link to (without a trailing slash). */
  get externalURL(): string { return this.#o.externalURL; }
  readonly #o: AlertmanagerServiceOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #recorder: HistoryRecorder;
  readonly #notifyMetrics: NotifyMetrics;
  readonly #dispatcherMetrics: DispatcherMetrics;
  readonly #m: ServiceMetrics;
  #active: ActiveConfig | null = null;
  #reloading: Promise<void> = Promise.resolve();
  readonly #timers: TimerHandle[] = [];
  #stopped = false;

  private constructor(o: AlertmanagerServiceOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#log = o.logger;
    this.startedAt = this.#clock.now();
    const reg = o.registry;
    const file = (name: string): string => (o.storagePath === '' ? '' : join(o.storagePath, name));
    this.#recorder = new HistoryRecorder((e) => { this.history.record(e); }, this.#clock);
    this.silences = new Silences({
      retentionMs: o.retentionMs, snapshotFile: file('silences'), logger: o.logger.with({ component: 'silences' }), clock: this.#clock,
      metrics: new SilenceMetrics(reg, () => this.silences.countByState()),
      maxSilences: o.maxSilences ?? 0, maxSilenceSizeBytes: o.maxSilenceSizeBytes ?? 0,
    });
    this.nflog = new NotificationLog({ retentionMs: o.retentionMs, snapshotFile: file('nflog'), logger: o.logger.with({ component: 'nflog' }), registry: reg, clock: this.#clock });
    this.history = new HistoryStore({ dir: file('history'), retentionMs: o.historyRetentionMs ?? o.retentionMs, logger: o.logger.with({ component: 'history' }), clock: this.#clock });
    this.#notifyMetrics = new NotifyMetrics(reg);
    this.#dispatcherMetrics = new DispatcherMetrics(reg);
    this.#m = new ServiceMetrics(reg, this.alerts, this.marker, this.#clock);
    this.alerts.subscribe((a) => { this.#recorder.alertStored(a); });
    this.alerts.onDelete((gone) => {
      for (const a of gone) this.marker.delete(a.fingerprint);
      this.#recorder.forget(gone);
    });
    this.marker.listen((fp, s, i) => { this.#recorder.marked(fp, s, i); });
  }

  /**
   * Loads the snapshots and the configuration and starts everything. Rejects (having
   * stopped what it started) when the storage or the configuration cannot be loaded.
   */
  static async start(o: AlertmanagerServiceOptions): Promise<AlertmanagerService> {
    if (o.storagePath !== '') mkdirSync(o.storagePath, { recursive: true });
    const s = new AlertmanagerService(o);
    await s.silences.load();
    await s.nflog.load();
    await s.reload();
    s.#every(o.maintenanceIntervalMs, () => s.maintenance());
    s.#every(o.alertGCIntervalMs, () => { s.gcAlerts(); return Promise.resolve(); });
    s.#every(15_000, () => { s.#recorder.sweep(); return Promise.resolve(); });
    return s;
  }

  #every(ms: number, f: () => Promise<unknown>): void {
    if (ms <= 0) return;
    const i = this.#timers.length;
    const arm = (): void => {
      const h = this.#clock.setTimeout(() => {
        if (this.#stopped) return;
        f().catch((err: unknown) => { this.#log.error('periodic task failed', { err }); }).finally(() => { if (!this.#stopped) arm(); });
      }, ms);
      (h as unknown as { unref?: () => void }).unref?.();
      this.#timers[i] = h;
    };
    arm();
  }

  /** The running configuration. */
  get active(): ActiveConfig {
    if (this.#active === null) throw new Error('alertmanager is not configured');
    return this.#active;
  }

  now(): number {
    return this.#clock.now();
  }

  /**
   * Reloads the configuration file. On failure the running configuration stays, the error
   * is logged and `alertmanager_config_last_reload_successful` drops to 0. Reloads never overlap.
   */
  reload(): Promise<void> {
    const run = async (): Promise<void> => {
      const file = this.#o.configFile;
      const log = this.#log.with({ component: 'configuration' });
      log.info('Loading configuration file', { file });
      let loaded: LoadedConfig;
      try {
        loaded = loadAlertmanagerConfigFile(file);
        await this.#apply(loaded);
      } catch (e) {
        log.error('Loading configuration file failed', { file, err: e instanceof Error ? e.message : String(e) });
        this.#m.reloadFailed();
        throw e;
      }
      log.info('Completed loading of configuration file', { file });
      this.#m.reloaded(loaded.original, this.#clock.now());
    };
    this.#reloading = this.#reloading.then(run, run);
    return this.#reloading;
  }

  async #apply(loaded: LoadedConfig): Promise<void> {
    const cfg = loaded.config;
    const files = templateFiles(cfg.templates);
    if (typeof files === 'string') throw new Error(`failed to parse templates: ${files}`);
    const route = new Route(cfg.route, null);
    const used = new Set<string>();
    route.walk((r) => { used.add(r.opts.receiver); });
    const receivers = new Map<string, Integration[]>();
    let integrations = 0;
    for (const rc of cfg.receivers) {
      if (!used.has(rc.name)) {
        this.#log.info('skipping creation of receiver not referenced by any route', { component: 'configuration', receiver: rc.name });
        continue;
      }
      const list = buildIntegrations(rc, { logger: this.#log.with({ receiver: rc.name }), externalURL: this.#o.externalURL, templateFiles: files.map((f) => f.path) });
      receivers.set(rc.name, list);
      integrations += list.length;
    }
    const intervals = new Map<string, readonly TimeInterval[]>();
    for (const ti of cfg.mute_time_intervals) intervals.set(ti.name, ti.time_intervals);
    for (const ti of cfg.time_intervals) intervals.set(ti.name, ti.time_intervals);
    route.walk((r) => {
      if (r.opts.repeatIntervalMs > this.#o.retentionMs) {
        this.#log.warn('repeat_interval is greater than the data retention period. It can lead to notifications being repeated more often than expected.', {
          component: 'configuration', repeat_interval: r.opts.repeatIntervalMs, retention: this.#o.retentionMs, route: r.key(),
        });
      }
    });

    // From here on nothing fails: swap the running parts.
    const old = this.#active;
    if (old !== null) {
      old.inhibitor.stop();
      await old.dispatcher.stop();
    }
    const inhibitor = new Inhibitor(cfg.inhibit_rules, this.marker);
    const silencer = new Silencer(this.silences, this.marker);
    const pipeline = new Pipeline({
      receivers, inhibitor, silencer, intervener: new Intervener(intervals), nflog: this.nflog, marker: this.marker,
      metrics: this.#notifyMetrics, logger: this.#log.with({ component: 'dispatcher' }), externalURL: this.#o.externalURL,
      observer: this.#recorder, clock: this.#clock, ...(this.#o.backoff !== undefined ? { backoff: this.#o.backoff } : {}),
    });
    const dispatcher = new Dispatcher(route, async (fc, alerts) => {
      try {
        await pipeline.exec(fc, alerts);
        return true;
      } catch (e) {
        // Canceled by a reload or shutdown: expected, so only a debug line (as Alertmanager).
        const reason: unknown = fc.signal.reason;
        const canceled = fc.signal.aborted && reason instanceof Error && reason.message === 'context canceled';
        const fields = { component: 'dispatcher', num_alerts: alerts.length, err: e instanceof Error ? e.message : String(e) };
        if (canceled) this.#log.debug('Notify for alerts failed', fields);
        else this.#log.error('Notify for alerts failed', fields);
        return false;
      }
    }, {
      logger: this.#log.with({ component: 'dispatcher' }), metrics: this.#dispatcherMetrics, clock: this.#clock,
      ...(this.#o.dispatchMaintenanceIntervalMs !== undefined && this.#o.dispatchMaintenanceIntervalMs > 0 ? { cleanupIntervalMs: this.#o.dispatchMaintenanceIntervalMs } : {}),
    });
    this.#active = { loaded, route, receivers, inhibitor, silencer, dispatcher };
    this.#m.configured(used.size, integrations, cfg.inhibit_rules.length);
    inhibitor.run(this.alerts);
    dispatcher.run(this.alerts);
  }

  /** Stores alerts (merging with stored versions); they reach the dispatcher and the inhibitor at once. */
  putAlerts(alerts: readonly Alert[]): void {
    this.alerts.put(alerts, this.#clock.now());
  }

  /** Recomputes an alert's silence and inhibition marks (the API does before showing it). */
  updateStatus(a: Alert): void {
    const act = this.active;
    act.inhibitor.mutes(a.labels, a.fingerprint, this.#clock.now());
    act.silencer.mutes(a.labels, a.fingerprint);
  }

  /** Removes resolved alerts from the store. */
  gcAlerts(): number {
    return this.alerts.gc(this.#clock.now()).length;
  }

  /** Garbage collection and snapshots of silences and the notification log; history retention. */
  async maintenance(): Promise<void> {
    const results = await Promise.allSettled([this.silences.maintenance(), this.nflog.maintenance(), this.history.gc(), this.history.flush()]);
    for (const r of results) if (r.status === 'rejected') this.#log.error('Running maintenance failed', { err: r.reason instanceof Error ? r.reason.message : String(r.reason) });
  }

  counters(): ServiceMetrics {
    return this.#m;
  }

  /** Stops dispatching and writes the final snapshots. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const t of this.#timers) this.#clock.clearTimeout(t);
    await this.#reloading.catch(() => undefined);
    const act = this.#active;
    if (act !== null) {
      act.inhibitor.stop();
      await act.dispatcher.stop();
    }
    this.#recorder.sweep();
    await this.maintenance();
    await this.history.close();
  }
}

/** Alertmanager's metrics of the service as a whole: alerts by state, API counts, configuration. */
export class ServiceMetrics {
  readonly #received;
  readonly #invalid;
  readonly #hash;
  readonly #ok;
  readonly #okTime;
  readonly #receivers;
  readonly #integrations;
  readonly #inhibitRules;

  constructor(reg: Registry, alerts: AlertStore, marker: Marker, clock: Clock) {
    const states: AlertState[] = ['active', 'suppressed', 'unprocessed'];
    reg.collector('alertmanager_alerts', 'How many alerts by state.', 'gauge', () => {
      const now = clock.now();
      const counts: Record<AlertState, number> = { active: 0, suppressed: 0, unprocessed: 0 };
      for (const a of alerts.list()) {
        if (a.endsAt !== 0 && a.endsAt <= now) continue;
        counts[marker.status(a.fingerprint).state]++;
      }
      return states.map((s) => ({ suffix: '', labels: [['state', s]] as const, value: counts[s] }));
    });
    reg.collector('alertmanager_marked_alerts', 'How many alerts by state are currently marked in the Alertmanager regardless of their expiry.', 'gauge',
      () => states.map((s) => ({ suffix: '', labels: [['state', s]] as const, value: marker.count(s) })));
    this.#received = reg.counter({ name: 'alertmanager_alerts_received_total', help: 'The total number of received alerts.', labelNames: ['status', 'version'] });
    this.#received.labels('firing', 'v2').inc(0);
    this.#received.labels('resolved', 'v2').inc(0);
    this.#invalid = reg.counter({ name: 'alertmanager_alerts_invalid_total', help: 'The total number of received alerts that were invalid.', labelNames: ['version'] });
    this.#invalid.labels('v2').inc(0);
    this.#hash = reg.gauge({ name: 'alertmanager_config_hash', help: 'Hash of the currently loaded alertmanager configuration.' });
    this.#ok = reg.gauge({ name: 'alertmanager_config_last_reload_successful', help: 'Whether the last configuration reload attempt was successful.' });
    this.#okTime = reg.gauge({ name: 'alertmanager_config_last_reload_success_timestamp_seconds', help: 'Timestamp of the last successful configuration reload.' });
    this.#receivers = reg.gauge({ name: 'alertmanager_receivers', help: 'Number of configured receivers.' });
    this.#integrations = reg.gauge({ name: 'alertmanager_integrations', help: 'Number of configured integrations.' });
    this.#inhibitRules = reg.gauge({ name: 'alertmanager_inhibition_rules', help: 'Number of configured inhibition rules.' });
    reg.gauge({ name: 'alertmanager_cluster_enabled', help: 'Indicates whether the clustering is enabled or not.' }).set(0);
  }

  receivedAlert(status: 'firing' | 'resolved'): void { this.#received.labels(status, 'v2').inc(); }
  invalidAlert(): void { this.#invalid.labels('v2').inc(); }
  reloadFailed(): void { this.#ok.set(0); }

  reloaded(original: string, now: number): void {
    this.#ok.set(1);
    this.#okTime.set(now / 1000);
    this.#hash.set(md5MetricValue(original));
  }

  configured(receivers: number, integrations: number, inhibitRules: number): void {
    this.#receivers.set(receivers);
    this.#integrations.set(integrations);
    this.#inhibitRules.set(inhibitRules);
  }
}

/** Alertmanager's config hash: the first 6 bytes of the MD5 as a little-endian integer. */
export function md5MetricValue(text: string): number {
  const sum = createHash('md5').update(text).digest();
  let v = 0;
  for (let i = 5; i >= 0; i--) v = v * 256 + sum[i]!;
  return v;
}
