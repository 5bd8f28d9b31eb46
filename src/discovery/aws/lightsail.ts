/**
 * `lightsail_sd_configs`: the Lightsail instances of one region (GetInstances over the AWS
 * JSON protocol), every `refresh_interval` (default 1 m), with the region, credentials and
 * endpoint resolved as for EC2 (see ec2.ts). One group, source the region; instances without
 * a private address are left out; the address is the private IP with the config's port.
 * Labels `__meta_lightsail_{private_ip, region, availability_zone, blueprint_id, bundle_id,
 * instance_name, instance_state, instance_support_code, public_ip, ipv6_addresses}` and
 * `__meta_lightsail_tag_<key>`, each only when the API gave the field, as Prometheus does.
 *
 * Prometheus reads only the first page of GetInstances; Watchfire follows `nextPageToken`.
 */
import type { LightsailSDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { joinHostPort, RefreshDiscoverer, sanitizeLabelName, surroundJoin, type RefreshMetrics } from '../refresh/index.js';
import { resolveCredentials, type CredentialsProvider } from './credentials.js';
import { jsonCall } from './json-client.js';
import { AWSAPIError, resolveEndpoint, type RetryPolicy } from './query-client.js';
import { loadRegion } from './region.js';
import type { AWSEnv } from './shared-config.js';

const P = '__meta_lightsail_';

export interface LightsailDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  env?: AWSEnv;
  client?: HTTPClient;
  retry?: RetryPolicy;
}

type J = Record<string, unknown>;
const obj = (v: unknown): J | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as J : undefined);
const opt = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The target of an instance from GetInstances, or null without a private address. */
export function lightsailLabels(raw: unknown, region: string, port: number): Record<string, string> | null {
  const i = obj(raw) ?? {};
  const priv = opt(i['privateIpAddress']);
  if (priv === undefined) return null;
  const l: Record<string, string> = { [`${P}private_ip`]: priv, [`${P}region`]: region };
  const set = (k: string, v: string | undefined): void => { if (v !== undefined) l[`${P}${k}`] = v; };
  set('availability_zone', opt(obj(i['location'])?.['availabilityZone']));
  set('blueprint_id', opt(i['blueprintId']));
  set('bundle_id', opt(i['bundleId']));
  set('instance_name', opt(i['name']));
  set('instance_state', opt(obj(i['state'])?.['name']));
  set('instance_support_code', opt(i['supportCode']));
  l['__address__'] = joinHostPort(priv, port);
  set('public_ip', opt(i['publicIpAddress']));
  const v6 = Array.isArray(i['ipv6Addresses']) ? i['ipv6Addresses'].filter((x): x is string => typeof x === 'string') : [];
  if (v6.length > 0) l[`${P}ipv6_addresses`] = surroundJoin(v6, ',');
  for (const t of Array.isArray(i['tags']) ? i['tags'] : []) {
    const key = opt(obj(t)?.['key']), value = opt(obj(t)?.['value']);
    if (key === undefined || value === undefined) continue;
    l[`${P}tag_${sanitizeLabelName(key)}`] = value;
  }
  return l;
}

export class LightsailDiscoverer implements Discoverer {
  readonly #cfg: LightsailSDConfig;
  readonly #o: LightsailDiscovererOptions;
  readonly #env: AWSEnv;
  readonly #client: HTTPClient;
  readonly #loop: RefreshDiscoverer;
  #session: { region: string; endpoint: string; credentials: CredentialsProvider } | null = null;

  constructor(cfg: LightsailSDConfig, o: LightsailDiscovererOptions) {
    this.#cfg = cfg;
    this.#o = o;
    this.#env = o.env ?? process.env;
    this.#client = o.client ?? newHTTPClient(cfg.http_client, 'lightsail_sd', o.userAgent !== undefined ? { userAgent: o.userAgent } : {});
    this.#loop = new RefreshDiscoverer({
      mechanism: 'lightsail', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
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

  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    if (this.#session === null) {
      const region = await loadRegion(this.#cfg.region, this.#env, this.#client, signal);
      let credentials: CredentialsProvider;
      try {
        credentials = await resolveCredentials({
          http: this.#client, region, env: this.#env, accessKey: this.#cfg.access_key, secretKey: this.#cfg.secret_key,
          profile: this.#cfg.profile, roleArn: this.#cfg.role_arn, externalId: this.#cfg.external_id, ...(this.#o.retry !== undefined ? { retry: this.#o.retry } : {}),
        });
      } catch (e) {
        throw new Error(`could not create aws config: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      this.#session = { region, endpoint: resolveEndpoint(this.#cfg.endpoint, 'lightsail', region, this.#env), credentials };
    }
    const s = this.#session;
    const targets: Record<string, string>[] = [];
    let token = '';
    const seen = new Set<string>();
    try {
      do {
        seen.add(token);
        const out = await jsonCall({
          http: this.#client, endpoint: s.endpoint, region: s.region, service: 'lightsail', serviceId: 'Lightsail', targetPrefix: 'Lightsail_20161128',
          operation: 'GetInstances', body: token === '' ? {} : { pageToken: token }, credentials: await s.credentials.retrieve(signal), signal,
          timeoutMs: this.#cfg.refresh_interval, ...(this.#o.retry !== undefined ? { retry: this.#o.retry } : {}),
        });
        for (const inst of Array.isArray(out['instances']) ? out['instances'] : []) {
          const l = lightsailLabels(inst, s.region, this.#cfg.port);
          if (l !== null) targets.push(l);
        }
        token = typeof out['nextPageToken'] === 'string' ? out['nextPageToken'] : '';
      } while (token !== '' && !seen.has(token));
    } catch (e) {
      if (e instanceof AWSAPIError && (e.code === 'AuthFailure' || e.code === 'UnauthorizedOperation')) this.#session = null;
      throw new Error(`could not get instances: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return [{ source: s.region, labels: {}, targets }];
  }
}
