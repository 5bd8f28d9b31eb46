/**
 * `consul_sd_configs`: targets from Consul's catalog, followed with blocking queries, as
 * Prometheus does:
 *
 * - Without a `datacenter`, the agent's own (`/v1/agent/self`) is asked first, retried every
 *   15 s until known.
 * - When `services` is empty, or `tags` or `filter` is set, the service list
 *   (`/v1/catalog/services`) is watched: a service whose name is wanted and whose tags include
 *   every configured tag starts a watch of its own; a service gone from the list stops it and
 *   its group is sent empty; when nothing is watched an empty group (source "") is sent.
 *   Otherwise the configured services are watched directly.
 * - Each service watch asks `/v1/health/service/<name>` (with the tags, `health_filter`,
 *   `node_meta`) and sends its group (source: the service name) whenever the index moves.
 * - Each watch is a blocking query of up to 2 minutes, repeated at most once per
 *   `refresh_interval`. A failed query is logged, counted in
 *   `prometheus_sd_consul_rpc_failures_total`, and retried after 15 s; nothing is sent, so the
 *   last targets stay.
 *
 * Group labels: `__meta_consul_service`, `__meta_consul_dc`. Target labels: the address
 * (service address, else node address, with the service port), `__meta_consul_address`,
 * `_node`, `_namespace`, `_partition`, `_tags` (joined and surrounded by the tag separator),
 * `_service_address`, `_service_port`, `_service_id`, `_health` (the aggregated check
 * status), and `_metadata_<key>`, `_service_metadata_<key>`, `_tagged_address_<key>` with
 * keys sanitized to label-name characters.
 */
import { performance } from 'node:perf_hooks';
import type { ConsulSDConfig } from '../../config/sd-types.js';
import type { HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { sleepUnlessAborted, Ticker } from '../refresh/index.js';
import { ConsulClient, type ConsulEnv, type QueryOptions } from './client.js';
import { InvalidDatacenterError, type ServiceEntry } from './decode.js';
import type { ConsulSDMetrics } from './metrics.js';

export const WATCH_TIMEOUT_MS = 2 * 60 * 1000;
export const RETRY_INTERVAL_MS = 15 * 1000;

const P = '__meta_consul_';

export interface ConsulDiscovererOptions {
  metrics: ConsulSDMetrics;
  logger?: Logger;
  /** The longest a blocking query waits (default 2 minutes). */
  watchTimeoutMs?: number;
  /** The pause after a failed query (default 15 s). */
  retryIntervalMs?: number;
  env?: ConsulEnv;
  /** Replaces the HTTP client built from the config (tests). */
  http?: HTTPClient;
}

/** Consul's aggregated status of a list of checks: maintenance > critical > warning > passing. */
export function aggregatedStatus(checks: readonly { checkID: string; status: string }[]): string {
  // Passing checks, or none at all, make "passing".
  let warning = false, critical = false, maintenance = false;
  for (const c of checks) {
    if (c.checkID === '_node_maintenance' || c.checkID.startsWith('_service_maintenance:')) { maintenance = true; continue; }
    switch (c.status) {
      case 'passing': break;
      case 'warning': warning = true; break;
      case 'critical': critical = true; break;
      default: return '';
    }
  }
  if (maintenance) return 'maintenance';
  if (critical) return 'critical';
  if (warning) return 'warning';
  return 'passing';
}

/** `host:port`, with brackets around IPv6 hosts (Go's net.JoinHostPort). */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Replaces every character that may not appear in a label name (a whole code point each) with "_". */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/gu, '_');
}

/** The target labels of one service instance. */
export function entryLabels(e: ServiceEntry, tagSeparator: string): Record<string, string> {
  const host = e.service.address !== '' ? e.service.address : e.node.address;
  const l: Record<string, string> = {
    __address__: joinHostPort(host, e.service.port),
    [`${P}address`]: e.node.address,
    [`${P}node`]: e.node.node,
    [`${P}namespace`]: e.service.namespace,
    [`${P}partition`]: e.service.partition,
    [`${P}tags`]: tagSeparator + e.service.tags.join(tagSeparator) + tagSeparator,
    [`${P}service_address`]: e.service.address,
    [`${P}service_port`]: String(e.service.port),
    [`${P}service_id`]: e.service.id,
    [`${P}health`]: aggregatedStatus(e.checks),
  };
  for (const [k, v] of e.node.meta) l[`${P}metadata_${sanitizeLabelName(k)}`] = v;
  for (const [k, v] of e.service.meta) l[`${P}service_metadata_${sanitizeLabelName(k)}`] = v;
  for (const [k, v] of e.node.taggedAddresses) l[`${P}tagged_address_${sanitizeLabelName(k)}`] = v;
  return l;
}

export class ConsulDiscoverer implements Discoverer {
  readonly #cfg: ConsulSDConfig;
  readonly #client: ConsulClient;
  readonly #o: ConsulDiscovererOptions;
  readonly #watchMs: number;
  readonly #retryMs: number;
  #logger: Logger;
  #datacenter: string;

  /** Throws when the client cannot be built (see ConsulClient). */
  constructor(cfg: ConsulSDConfig, o: ConsulDiscovererOptions) {
    this.#cfg = cfg;
    this.#o = o;
    this.#watchMs = o.watchTimeoutMs ?? WATCH_TIMEOUT_MS;
    this.#retryMs = o.retryIntervalMs ?? RETRY_INTERVAL_MS;
    this.#logger = o.logger ?? nopLogger;
    this.#datacenter = cfg.datacenter;
    this.#client = new ConsulClient(cfg, {
      timeoutMs: this.#watchMs + 15_000,
      ...(o.env !== undefined ? { env: o.env } : {}),
      ...(o.http !== undefined ? { http: o.http } : {}),
    });
  }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    const watches = new Map<string, { ac: AbortController; done: Promise<void> }>();
    try {
      if (!(await this.#initialize(signal))) return;
      const c = this.#cfg;
      if (c.services.length === 0 || c.tags.length > 0 || c.filter !== '') {
        const ticker = new Ticker(c.refresh_interval);
        const last = { index: '0' };
        while (!signal.aborted) {
          await this.#watchServices(signal, send, last, watches);
          if (!(await ticker.wait(signal))) break;
        }
      } else {
        for (const name of c.services) watches.set(name, this.#startService(name, signal, send));
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          else signal.addEventListener('abort', () => { resolve(); }, { once: true });
        });
      }
    } finally {
      for (const w of watches.values()) w.ac.abort();
      await Promise.all([...watches.values()].map((w) => w.done));
      await this.#client.close();
    }
  }

  /** Learns the datacenter unless configured; false when aborted first. */
  async #initialize(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (this.#datacenter !== '') return true;
      try {
        this.#datacenter = await this.#client.agentDatacenter(signal);
        this.#logger = this.#logger.with({ datacenter: this.#datacenter });
        return true;
      } catch (e) {
        if (signal.aborted) return false;
        this.#logger.error('Error retrieving datacenter name', { err: e instanceof Error ? e.message : String(e) });
        if (!(e instanceof InvalidDatacenterError)) this.#o.metrics.rpcFailures.inc();
        if (!(await sleepUnlessAborted(this.#retryMs, signal))) return false;
      }
    }
    return false;
  }

  #query(index: string, filter: string): QueryOptions {
    return { index, waitMs: this.#watchMs, allowStale: this.#cfg.allow_stale, nodeMeta: this.#cfg.node_meta, filter };
  }

  #shouldWatch(name: string, tags: readonly string[]): boolean {
    const c = this.#cfg;
    if (c.services.length > 0 && !c.services.includes(name)) return false;
    for (const want of c.tags) if (!tags.includes(want)) return false;
    return true;
  }

  async #watchServices(signal: AbortSignal, send: (groups: TargetGroup[]) => void, last: { index: string }, watches: Map<string, { ac: AbortController; done: Promise<void> }>): Promise<void> {
    this.#logger.debug('Watching services', { tags: this.#cfg.tags.join(','), filter: this.#cfg.filter });
    const t0 = performance.now();
    let res;
    try {
      res = await this.#client.catalogServices(this.#query(last.index, this.#cfg.filter), signal);
    } catch (e) {
      this.#o.metrics.servicesRPCDuration.observe((performance.now() - t0) / 1000);
      if (signal.aborted) return;
      this.#logger.error('Error refreshing service list', { err: e instanceof Error ? e.message : String(e) });
      this.#o.metrics.rpcFailures.inc();
      await sleepUnlessAborted(this.#retryMs, signal);
      return;
    }
    this.#o.metrics.servicesRPCDuration.observe((performance.now() - t0) / 1000);
    if (signal.aborted) return;
    // The same index: the wait expired without a change.
    if (res.lastIndex === last.index) return;
    last.index = res.lastIndex;
    for (const [name, tags] of res.value) {
      if (!this.#shouldWatch(name, tags) || watches.has(name)) continue;
      watches.set(name, this.#startService(name, signal, send));
    }
    for (const [name, w] of watches) {
      // Only services gone from the catalog stop; one that merely lost a wanted tag keeps its watch, as in Prometheus.
      if (res.value.has(name)) continue;
      w.ac.abort();
      watches.delete(name);
      send([{ source: name, labels: {}, targets: [] }]);
    }
    if (watches.size === 0) send([{ source: '', labels: {}, targets: [] }]);
  }

  #startService(name: string, parent: AbortSignal, send: (groups: TargetGroup[]) => void): { ac: AbortController; done: Promise<void> } {
    const ac = new AbortController();
    const onAbort = (): void => { ac.abort(); };
    parent.addEventListener('abort', onAbort, { once: true });
    const done = (async () => {
      try {
        const ticker = new Ticker(this.#cfg.refresh_interval);
        const last = { index: '0' };
        const labels = { [`${P}service`]: name, [`${P}dc`]: this.#datacenter };
        while (!ac.signal.aborted) {
          await this.#watchService(name, labels, ac.signal, send, last);
          if (!(await ticker.wait(ac.signal))) break;
        }
      } finally {
        parent.removeEventListener('abort', onAbort);
      }
    })();
    return { ac, done };
  }

  async #watchService(name: string, labels: Record<string, string>, signal: AbortSignal, send: (groups: TargetGroup[]) => void, last: { index: string }): Promise<void> {
    const tags = this.#cfg.tags;
    this.#logger.debug('Watching service', { service: name, tags: tags.join(',') });
    const t0 = performance.now();
    let res;
    try {
      res = await this.#client.healthService(name, tags, this.#query(last.index, this.#cfg.health_filter), signal);
    } catch (e) {
      this.#o.metrics.serviceRPCDuration.observe((performance.now() - t0) / 1000);
      if (signal.aborted) return;
      this.#logger.error('Error refreshing service', { service: name, tags: tags.join(','), err: e instanceof Error ? e.message : String(e) });
      this.#o.metrics.rpcFailures.inc();
      await sleepUnlessAborted(this.#retryMs, signal);
      return;
    }
    this.#o.metrics.serviceRPCDuration.observe((performance.now() - t0) / 1000);
    if (signal.aborted || res.lastIndex === last.index) return;
    last.index = res.lastIndex;
    const targets: Record<string, string>[] = [];
    for (const e of res.value) targets.push(entryLabels(e, this.#cfg.tag_separator));
    send([{ source: name, labels: { ...labels }, targets }]);
  }
}
