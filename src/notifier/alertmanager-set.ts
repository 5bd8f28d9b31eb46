/**
 * The Alertmanagers of one `alerting.alertmanagers` entry: its HTTP client, the Alertmanagers
 * discovery currently finds for it (deduplicated by URL, one send loop each), and its own
 * `alert_relabel_configs`, applied to alerts before they are queued for this set only.
 */
import { createHash } from 'node:crypto';
import type { AlertmanagerConfig, NameValidationScheme } from '../config/types.js';
import type { TargetGroup } from '../discovery/index.js';
import { newHTTPClient, type HTTPClient } from '../httpclient/index.js';
import type { Logger } from '../util/log.js';
import { relabelAlerts, type NotifierAlert } from './alert.js';
import { alertmanagersFromGroup, type AlertmanagerTarget } from './alertmanager.js';
import type { NotifierMetrics } from './metrics.js';
import { SendLoop } from './send-loop.js';

export interface SetOptions {
  queueCapacity: number;
  maxBatchSize: number;
  drainOnShutdown: boolean;
  userAgent: string;
  metrics: NotifierMetrics;
  logger: Logger;
  nameValidation: NameValidationScheme;
}

/** Config identity across reloads: an unchanged config keeps its Alertmanagers and queues. */
export function configHash(cfg: AlertmanagerConfig): string {
  return createHash('md5').update(JSON.stringify(cfg, (_k, v: unknown) => (v instanceof RegExp ? v.source : v))).digest('hex');
}

export class AlertmanagerSet {
  readonly cfg: AlertmanagerConfig;
  readonly hash: string;
  #client: HTTPClient;
  /** True once a successor set took over this set's client (with its send loops). */
  #clientTaken = false;
  readonly #o: SetOptions;
  ams: AlertmanagerTarget[] = [];
  dropped: AlertmanagerTarget[] = [];
  /** Send loops by URL; null once handed over to a successor set. */
  loops: Map<string, SendLoop> | null = new Map();
  /** Loops being stopped, kept so that `abort` still reaches their requests in flight. */
  #stopping: SendLoop[] = [];

  constructor(cfg: AlertmanagerConfig, o: SetOptions) {
    this.cfg = cfg;
    this.hash = configHash(cfg);
    this.#o = o;
    if (cfg.sigv4 !== null) o.logger.warn('sigv4 for Alertmanagers is not supported by Watchfire; requests are sent unsigned');
    this.#client = newHTTPClient(cfg.http_client, 'alertmanager', { userAgent: o.userAgent });
  }

  /** Takes over the Alertmanagers and send loops of the set this one replaces (same config). */
  adopt(old: AlertmanagerSet): void {
    this.ams = old.ams;
    this.dropped = old.dropped;
    if (old.loops !== null) {
      this.loops = old.loops;
      old.loops = null;
      // The loops post through the old client; the configs are equal, so keep that one.
      void this.#client.close();
      this.#client = old.#client;
      old.#clientTaken = true;
    }
  }

  /** Applies discovery's target groups for this set. */
  async sync(groups: readonly TargetGroup[]): Promise<void> {
    const all: AlertmanagerTarget[] = [];
    const dropped: AlertmanagerTarget[] = [];
    for (const tg of groups) {
      try {
        const r = alertmanagersFromGroup(tg, this.cfg, this.#o.nameValidation);
        all.push(...r.active);
        dropped.push(...r.dropped);
      } catch (e) {
        this.#o.logger.error('Creating discovered Alertmanagers failed', { err: e instanceof Error ? e.message : String(e) });
      }
    }
    const previous = this.ams;
    const seen = new Set<string>();
    this.ams = [];
    this.dropped = dropped;
    for (const am of all) {
      if (seen.has(am.url)) continue;
      seen.add(am.url);
      this.ams.push(am);
    }
    const loops = this.loops ?? new Map<string, SendLoop>();
    this.loops = loops;
    for (const am of this.ams) {
      if (loops.has(am.url)) continue;
      const l = new SendLoop({
        url: am.url, client: this.#client, timeoutMs: this.cfg.timeout, apiVersion: this.cfg.api_version,
        queueCapacity: this.#o.queueCapacity, maxBatchSize: this.#o.maxBatchSize, drainOnShutdown: this.#o.drainOnShutdown,
        userAgent: this.#o.userAgent, metrics: this.#o.metrics, logger: this.#o.logger.with({ alertmanager: am.url }),
      });
      l.start();
      loops.set(am.url, l);
    }
    const gone: Promise<void>[] = [];
    for (const am of previous) {
      if (seen.has(am.url)) continue;
      seen.add(am.url);
      const l = loops.get(am.url);
      if (l !== undefined) {
        loops.delete(am.url);
        gone.push(l.stop());
      }
    }
    await Promise.all(gone);
  }

  /** Queues alerts on every Alertmanager of the set, after the set's own relabeling. */
  send(alerts: readonly NotifierAlert[]): void {
    let out = alerts;
    if (this.cfg.alert_relabel_configs.length > 0) {
      out = relabelAlerts(this.cfg.alert_relabel_configs, {}, alerts, this.#o.nameValidation);
      if (out.length === 0) return;
    }
    if (this.loops === null) return;
    for (const l of this.loops.values()) l.add(out);
  }

  /** Stops every send loop (draining or dropping their queues) and closes the client. */
  async stop(): Promise<void> {
    const loops = this.loops;
    this.loops = null;
    if (loops !== null) {
      this.#stopping = [...loops.values()];
      await Promise.all(this.#stopping.map((l) => l.stop()));
    }
    if (!this.#clientTaken) await this.#client.close();
  }

  /** Aborts requests in flight. */
  abort(): void {
    if (this.loops !== null) for (const l of this.loops.values()) l.abort();
    for (const l of this.#stopping) l.abort();
  }
}
