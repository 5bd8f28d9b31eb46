/**
 * `scaleway_sd_configs`: Scaleway Instance servers (role `instance`) or Elastic Metal servers
 * (role `baremetal`) of one `zone`, listed every `refresh_interval` through the API at
 * `api_url` with the config's secret key, as one group with source "scaleway".
 *
 * As Scaleway's SDK does when Prometheus creates its client, the access key, the secret key
 * and the project id must be well formed: a discoverer is not made otherwise.
 */
import { accessSync, constants } from 'node:fs';
import type { ScalewaySDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { RefreshDiscoverer, type RefreshMetrics } from '../refresh/index.js';
import { baremetalTargets } from './baremetal.js';
import { ScalewayClient, type SecretKeySource } from './client.js';
import { instanceTargets } from './instance.js';

export interface ScalewayDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  client?: HTTPClient;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The SDK's checks of the credentials, with its wording; the secret itself is never printed. */
export function checkScalewayCredentials(cfg: Pick<ScalewaySDConfig, 'access_key' | 'secret_key' | 'secret_key_file' | 'project_id'>): void {
  if (!/^SCW[A-Z0-9]{17}$/.test(cfg.access_key)) {
    throw new Error(`scaleway-sdk-go: invalid access key format '${cfg.access_key}', expected SCWXXXXXXXXXXXXXXXXX format`);
  }
  if (cfg.secret_key_file === '' && !UUID.test(cfg.secret_key)) {
    throw new Error('scaleway-sdk-go: invalid secret key format, expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');
  }
  if (!UUID.test(cfg.project_id)) {
    throw new Error(`scaleway-sdk-go: invalid project ID format '${cfg.project_id}', expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`);
  }
}

export class ScalewayDiscoverer implements Discoverer {
  readonly #cfg: ScalewaySDConfig;
  readonly #http: HTTPClient;
  readonly #api: ScalewayClient;
  readonly #loop: RefreshDiscoverer;

  /** Throws on malformed credentials, an unreadable secret key file, or an unusable HTTP client config. */
  constructor(cfg: ScalewaySDConfig, o: ScalewayDiscovererOptions) {
    checkScalewayCredentials(cfg);
    let secret: SecretKeySource = { kind: 'inline', key: cfg.secret_key };
    if (cfg.secret_key_file !== '') {
      try {
        accessSync(cfg.secret_key_file, constants.R_OK);
      } catch (e) {
        throw new Error(`unable to read auth token file ${cfg.secret_key_file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      secret = { kind: 'file', path: cfg.secret_key_file };
    }
    this.#cfg = cfg;
    this.#http = o.client ?? newHTTPClient(cfg.http_client, 'scaleway_sd');
    this.#api = new ScalewayClient(this.#http, {
      apiURL: cfg.api_url, secret, timeoutMs: cfg.refresh_interval, ...(o.userAgent !== undefined ? { userAgent: o.userAgent } : {}),
    });
    this.#loop = new RefreshDiscoverer({
      mechanism: 'scaleway', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
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
    const c = this.#cfg;
    const role = c.role;
    let targets: Record<string, string>[];
    switch (role) {
      case 'instance': targets = await instanceTargets(this.#api, c.zone, c.name_filter, c.tags_filter, c.port, signal); break;
      case 'baremetal': targets = await baremetalTargets(this.#api, c.zone, c.name_filter, c.tags_filter, c.port, signal); break;
      default: {
        const never: never = role;
        throw new Error(`unknown Scaleway discovery role ${String(never)}`);
      }
    }
    return [{ source: 'scaleway', labels: {}, targets }];
  }
}
