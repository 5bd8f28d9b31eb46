/**
 * `eureka_sd_configs`: every instance of every application in a Eureka registry, polled every
 * `refresh_interval` (default 30 s), as Prometheus does:
 *
 * - one group, source `eureka`, with one target per instance: `<hostName>:<port>` (port 80
 *   when the instance has no `port` element), and the `instance` label set to the instance
 *   id;
 * - labels `__meta_eureka_app_name` and `__meta_eureka_app_instance_{hostname, homepage_url,
 *   statuspage_url, healthcheck_url, ip_addr, vip_address, secure_vip_address, status,
 *   country_id, id}`; `_port`/`_port_enabled` and `_secure_port`/`_secure_port_enabled` when
 *   present; `_datacenterinfo_name` and `_datacenterinfo_metadata_<key>` with a data center
 *   element; `_metadata_<key>` for each metadata element (keys sanitized, values the raw
 *   inner XML).
 *
 * A failed refresh is logged and counted in `prometheus_sd_refresh_failures_total`; the last
 * targets stay. Prometheus's client has no deadline; Watchfire's request times out after one
 * refresh interval so that a hung registry cannot stall discovery forever.
 */
import type { EurekaSDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { joinHostPort, RefreshDiscoverer, sanitizeLabelName, type RefreshMetrics } from '../refresh/index.js';
import { fetchApps, type EurekaApplication } from './client.js';

const P = '__meta_eureka_';
const I = `${P}app_instance_`;

export interface EurekaDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  /** Replaces the client built from the config (tests). */
  client?: HTTPClient;
}

/** The targets of one application, in instance order. */
export function targetsForApp(app: EurekaApplication): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const t of app.instances) {
    const labels: Record<string, string> = {
      __address__: joinHostPort(t.hostName, t.port !== null ? t.port.port : 80),
      instance: t.instanceId,
      [`${P}app_name`]: app.name,
      [`${I}hostname`]: t.hostName,
      [`${I}homepage_url`]: t.homePageUrl,
      [`${I}statuspage_url`]: t.statusPageUrl,
      [`${I}healthcheck_url`]: t.healthCheckUrl,
      [`${I}ip_addr`]: t.ipAddr,
      [`${I}vip_address`]: t.vipAddress,
      [`${I}secure_vip_address`]: t.secureVipAddress,
      [`${I}status`]: t.status,
      [`${I}country_id`]: String(t.countryId),
      [`${I}id`]: t.instanceId,
    };
    if (t.port !== null) {
      labels[`${I}port`] = String(t.port.port);
      labels[`${I}port_enabled`] = String(t.port.enabled);
    }
    if (t.securePort !== null) {
      labels[`${I}secure_port`] = String(t.securePort.port);
      labels[`${I}secure_port_enabled`] = String(t.securePort.enabled);
    }
    if (t.dataCenterInfo !== null) {
      labels[`${I}datacenterinfo_name`] = t.dataCenterInfo.name;
      if (t.dataCenterInfo.metadata !== null) {
        for (const m of t.dataCenterInfo.metadata) labels[`${I}datacenterinfo_metadata_${sanitizeLabelName(m.name)}`] = m.content;
      }
    }
    if (t.metadata !== null) {
      for (const m of t.metadata) labels[`${I}metadata_${sanitizeLabelName(m.name)}`] = m.content;
    }
    out.push(labels);
  }
  return out;
}

export class EurekaDiscoverer implements Discoverer {
  readonly #server: string;
  readonly #intervalMs: number;
  readonly #client: HTTPClient;
  readonly #loop: RefreshDiscoverer;

  /** Throws when the HTTP client cannot be built from the config. */
  constructor(cfg: EurekaSDConfig, o: EurekaDiscovererOptions) {
    this.#server = cfg.server;
    this.#intervalMs = cfg.refresh_interval;
    this.#client = o.client ?? newHTTPClient(cfg.http_client, 'eureka_sd', o.userAgent !== undefined ? { userAgent: o.userAgent } : {});
    this.#loop = new RefreshDiscoverer({
      mechanism: 'eureka', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
      metrics: o.refreshMetrics, logger: o.logger ?? nopLogger, refresh: (signal) => this.refresh(signal),
    });
  }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    try {
      await this.#loop.run(signal, send);
    } finally {
      await this.#client.close();
    }
  }

  /** One listing turned into the single `eureka` group. */
  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const apps = await fetchApps(this.#client, this.#server, signal, this.#intervalMs);
    const targets: Record<string, string>[] = [];
    for (const app of apps.applications) targets.push(...targetsForApp(app));
    return [{ source: 'eureka', labels: {}, targets }];
  }
}
