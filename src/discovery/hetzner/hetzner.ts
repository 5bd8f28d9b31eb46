/**
 * `hetzner_sd_configs`: Hetzner Cloud servers (role `hcloud`) or Hetzner Robot dedicated
 * servers (role `robot`), listed every `refresh_interval` with the config's credentials
 * (a bearer token for hcloud, basic auth for robot), as one group with source "hetzner".
 * Requests time out after one refresh interval.
 */
import type { HetznerSDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { RefreshDiscoverer, type RefreshMetrics } from '../refresh/index.js';
import { HCLOUD_ENDPOINT, HcloudClient, hcloudTargets } from './hcloud.js';
import { ROBOT_ENDPOINT, robotServers, robotTargets } from './robot.js';

export interface HetznerDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  /** Sent as User-Agent (hcloud-go appends its own name to the application's). */
  userAgent?: string;
  /** API endpoints (tests). */
  hcloudEndpoint?: string;
  robotEndpoint?: string;
  /** Replaces the client built from the config (tests). */
  client?: HTTPClient;
}

export class HetznerDiscoverer implements Discoverer {
  readonly #cfg: HetznerSDConfig;
  readonly #http: HTTPClient;
  readonly #o: HetznerDiscovererOptions;
  readonly #hcloud: HcloudClient;
  readonly #loop: RefreshDiscoverer;

  /** Throws when the HTTP client cannot be built from the config. */
  constructor(cfg: HetznerSDConfig, o: HetznerDiscovererOptions) {
    this.#cfg = cfg;
    this.#o = o;
    this.#http = o.client ?? newHTTPClient(cfg.http_client, 'hetzner_sd');
    this.#hcloud = new HcloudClient(this.#http, {
      endpoint: o.hcloudEndpoint ?? HCLOUD_ENDPOINT, timeoutMs: cfg.refresh_interval, userAgent: `${o.userAgent ?? 'Watchfire'} hcloud-go`,
    });
    this.#loop = new RefreshDiscoverer({
      mechanism: 'hetzner', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
      metrics: o.refreshMetrics, logger: o.logger ?? nopLogger, refresh: (signal) => this.refresh(signal),
    });
  }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    try {
      await this.#loop.run(signal, send);
    } finally {
      await this.#http.close();
    }
  }

  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const role = this.#cfg.role;
    switch (role) {
      case 'hcloud': {
        const servers = await this.#hcloud.all('/servers', 'servers', this.#cfg.label_selector, signal);
        const networks = await this.#hcloud.all('/networks', 'networks', '', signal);
        return [{ source: 'hetzner', labels: {}, targets: hcloudTargets(servers, networks, this.#cfg.port) }];
      }
      case 'robot': {
        const servers = await robotServers(this.#http, (this.#o.robotEndpoint ?? ROBOT_ENDPOINT).replace(/\/+$/, ''), this.#cfg.refresh_interval, this.#o.userAgent ?? '', signal);
        return [{ source: 'hetzner', labels: {}, targets: robotTargets(servers, this.#cfg.port) }];
      }
      default: {
        const never: never = role;
        throw new Error(`unknown Hetzner discovery role ${String(never)}`);
      }
    }
  }
}
