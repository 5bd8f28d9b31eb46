/**
 * The notifier: alerts from the rules go through the external labels and
 * `alerting.alert_relabel_configs`, then to every configured Alertmanager set (each discovered
 * by the "notify" discovery manager under the key `config-<i>`). Reloading keeps the
 * Alertmanagers and queues of unchanged configs, so nothing waits for discovery again.
 */
import type { AlertingConfig, NameValidationScheme } from '../config/types.js';
import type { TargetGroup } from '../discovery/index.js';
import type { Registry } from '../instrument/index.js';
import { nopLogger, type Logger } from '../util/log.js';
import { relabelAlerts, type NotifierAlert } from './alert.js';
import { AlertmanagerSet } from './alertmanager-set.js';
import { NotifierMetrics } from './metrics.js';

export interface NotifierOptions {
  /** `--alertmanager.notification-queue-capacity` (per Alertmanager). Default 10000. */
  queueCapacity?: number;
  /** `--alertmanager.notification-batch-size`. Default 256. */
  maxBatchSize?: number;
  /** `--alertmanager.drain-notification-queue-on-shutdown`. Default true. */
  drainOnShutdown?: boolean;
  registry: Registry;
  logger?: Logger;
  userAgent?: string;
}

/** What the notifier reads from the configuration. */
export interface NotifierConfig {
  alerting: AlertingConfig;
  externalLabels: Readonly<Record<string, string>>;
  nameValidation: NameValidationScheme;
}

/** The discovery set name of the i-th `alerting.alertmanagers` entry, as Prometheus names it. */
export function alertmanagerSetName(i: number): string {
  return `config-${i}`;
}

export class NotifierManager {
  readonly #o: Required<Omit<NotifierOptions, 'logger' | 'registry'>>;
  readonly #logger: Logger;
  readonly #metrics: NotifierMetrics;
  #sets = new Map<string, AlertmanagerSet>();
  #cfg: NotifierConfig = { alerting: { alert_relabel_configs: [], alertmanagers: [] }, externalLabels: {}, nameValidation: 'utf8' };
  #stopped = false;
  #syncing: Promise<void> = Promise.resolve();

  constructor(o: NotifierOptions) {
    this.#o = {
      queueCapacity: o.queueCapacity ?? 10_000,
      maxBatchSize: o.maxBatchSize !== undefined && o.maxBatchSize > 0 ? o.maxBatchSize : 256,
      drainOnShutdown: o.drainOnShutdown ?? true,
      userAgent: o.userAgent ?? 'Watchfire',
    };
    this.#logger = o.logger ?? nopLogger;
    this.#metrics = NotifierMetrics.for(o.registry);
    this.#metrics.queueCapacity.set(this.#o.queueCapacity);
    this.#metrics.discovered = () => this.alertmanagers().length;
  }

  /** The Alertmanager configs as discovery should watch them, keyed by set name. */
  static discoveryConfigs(alerting: AlertingConfig): Map<string, AlertingConfig['alertmanagers'][number]> {
    return new Map(alerting.alertmanagers.map((c, i) => [alertmanagerSetName(i), c] as const));
  }

  /** Applies a new configuration. Unchanged Alertmanager configs keep their queues. */
  async applyConfig(cfg: NotifierConfig): Promise<void> {
    this.#cfg = cfg;
    const byHash = new Map<string, AlertmanagerSet>();
    for (const s of this.#sets.values()) byHash.set(s.hash, s);
    const next = new Map<string, AlertmanagerSet>();
    cfg.alerting.alertmanagers.forEach((c, i) => {
      const s = new AlertmanagerSet(c, {
        queueCapacity: this.#o.queueCapacity, maxBatchSize: this.#o.maxBatchSize, drainOnShutdown: this.#o.drainOnShutdown,
        userAgent: this.#o.userAgent, metrics: this.#metrics, logger: this.#logger, nameValidation: cfg.nameValidation,
      });
      const old = byHash.get(s.hash);
      if (old !== undefined) s.adopt(old);
      next.set(alertmanagerSetName(i), s);
    });
    const old = this.#sets;
    this.#sets = next;
    // Sets whose loops were not handed over stop here (draining as configured).
    await Promise.all([...old.values()].map((s) => s.stop()));
  }

  /** Applies discovery's target groups (by set name). */
  sync(sets: ReadonlyMap<string, readonly TargetGroup[]>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#stopped) return;
      const work: Promise<void>[] = [];
      for (const [id, groups] of sets) {
        const s = this.#sets.get(id);
        if (s === undefined) {
          this.#logger.error("couldn't sync alert manager set", { err: `invalid id:${id}` });
          continue;
        }
        work.push(s.sync(groups));
      }
      await Promise.all(work);
    };
    this.#syncing = this.#syncing.then(run, run);
    return this.#syncing;
  }

  /** Queues alerts for every Alertmanager (after external labels and global alert relabeling). */
  send(alerts: readonly NotifierAlert[]): void {
    if (this.#stopped || alerts.length === 0) return;
    const out = relabelAlerts(this.#cfg.alerting.alert_relabel_configs, this.#cfg.externalLabels, alerts, this.#cfg.nameValidation);
    if (out.length === 0) return;
    for (const s of this.#sets.values()) s.send(out);
  }

  /** URLs of the active Alertmanagers, set by set. */
  alertmanagers(): string[] {
    const out: string[] = [];
    for (const s of this.#sets.values()) for (const am of s.ams) out.push(am.url);
    return out;
  }

  droppedAlertmanagers(): string[] {
    const out: string[] = [];
    for (const s of this.#sets.values()) for (const am of s.dropped) out.push(am.url);
    return out;
  }

  /** Queue lengths by Alertmanager URL. */
  queueLengths(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.#sets.values()) if (s.loops !== null) for (const [u, l] of s.loops) out.set(u, l.queueLength);
    return out;
  }

  /**
   * Stops accepting alerts, then stops every send loop: queued alerts are sent (or dropped,
   * without draining). `deadlineMs` bounds the wait for unresponsive Alertmanagers.
   */
  async stop(deadlineMs = 0): Promise<void> {
    if (this.#stopped) return;
    this.#logger.info('Stopping notification manager...');
    this.#stopped = true;
    await this.#syncing.catch(() => undefined);
    const sets = [...this.#sets.values()];
    const all = Promise.all(sets.map((s) => s.stop()));
    if (deadlineMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(() => { for (const s of sets) s.abort(); resolve(); }, deadlineMs); });
      await Promise.race([all, timeout]);
      clearTimeout(timer);
      await all;
    } else {
      await all;
    }
  }
}
