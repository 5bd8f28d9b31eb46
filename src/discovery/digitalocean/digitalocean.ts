/**
 * `digitalocean_sd_configs`: DigitalOcean droplets (role `droplets`, the default) or managed
 * database clusters (role `databases`), listed every `refresh_interval` through DigitalOcean's
 * API with the config's credentials (a bearer token), as one group.
 *
 * Droplets (source "DigitalOcean") are listed page by page until the answer has no `next`
 * link; a droplet without IPv4 networks is skipped; the target is the public IPv4 on the
 * config's port. Database clusters (source "DigitalOcean Databases") are listed 100 a page
 * until an empty page; the target is the private host (else the public one) on the port, and
 * a cluster without any host has no `__address__`, as in Prometheus.
 */
import type { DigitalOceanSDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { joinHostPort, RefreshDiscoverer, surroundJoin, type RefreshMetrics } from '../refresh/index.js';
import { arr, currentPage, DigitalOceanClient, isLastPage, num, obj, str, strings, type JSONObject } from './client.js';

export const DO_META = '__meta_digitalocean_';

export interface DigitalOceanDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  /** The API's base URL (tests; default https://api.digitalocean.com/). */
  baseURL?: string;
  /** Replaces the client built from the config (tests). */
  client?: HTTPClient;
}

function wrap(what: string, e: unknown): Error {
  return new Error(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/** The first address of `type` among a droplet's networks of one family ("" when none). */
function addressOf(networks: readonly unknown[], type: string): string {
  for (const n of networks) if (str(obj(n), 'type') === type) return str(obj(n), 'ip_address');
  return '';
}

export function dropletTargets(droplets: readonly unknown[], port: number): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const item of droplets) {
    const d = obj(item);
    const nets = obj(d['networks']);
    const v4 = arr(nets['v4']);
    if (d['networks'] === null || d['networks'] === undefined || v4.length === 0) continue;
    const publicIPv4 = addressOf(v4, 'public');
    const ls: Record<string, string> = {
      [`${DO_META}droplet_id`]: String(Math.trunc(num(d, 'id'))),
      [`${DO_META}droplet_name`]: str(d, 'name'),
      [`${DO_META}image`]: str(obj(d['image']), 'slug'),
      [`${DO_META}image_name`]: str(obj(d['image']), 'name'),
      [`${DO_META}private_ipv4`]: addressOf(v4, 'private'),
      [`${DO_META}public_ipv4`]: publicIPv4,
      [`${DO_META}public_ipv6`]: addressOf(arr(nets['v6']), 'public'),
      [`${DO_META}region`]: str(obj(d['region']), 'slug'),
      [`${DO_META}size`]: str(d, 'size_slug'),
      [`${DO_META}status`]: str(d, 'status'),
      [`${DO_META}vpc`]: str(d, 'vpc_uuid'),
      __address__: joinHostPort(publicIPv4, port),
    };
    const features = strings(d['features']);
    if (features.length > 0) ls[`${DO_META}features`] = surroundJoin(features, ',');
    const tags = strings(d['tags']);
    if (tags.length > 0) ls[`${DO_META}tags`] = surroundJoin(tags, ',');
    out.push(ls);
  }
  return out;
}

export function databaseTargets(clusters: readonly unknown[], port: number): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const item of clusters) {
    const c = obj(item);
    const ls: Record<string, string> = {
      [`${DO_META}db_id`]: str(c, 'id'),
      [`${DO_META}db_name`]: str(c, 'name'),
      [`${DO_META}db_engine`]: str(c, 'engine'),
      [`${DO_META}db_version`]: str(c, 'version'),
      [`${DO_META}db_status`]: str(c, 'status'),
      [`${DO_META}db_region`]: str(c, 'region'),
      [`${DO_META}db_size`]: str(c, 'size'),
      [`${DO_META}db_num_nodes`]: String(Math.trunc(num(c, 'num_nodes'))),
    };
    let host = '';
    if (isObject(c['private_connection'])) {
      host = str(obj(c['private_connection']), 'host');
      ls[`${DO_META}db_private_host`] = host;
    }
    if (isObject(c['connection'])) {
      const pub = str(obj(c['connection']), 'host');
      ls[`${DO_META}db_host`] = pub;
      if (host === '') host = pub;
    }
    if (host !== '') ls['__address__'] = joinHostPort(host, port);
    // Tags become label names as they are (DigitalOcean allows only label-safe characters).
    for (const tag of strings(c['tags'])) ls[`${DO_META}db_tag_${tag}`] = 'true';
    out.push(ls);
  }
  return out;
}

function isObject(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class DigitalOceanDiscoverer implements Discoverer {
  readonly #cfg: DigitalOceanSDConfig;
  readonly #http: HTTPClient;
  readonly #api: DigitalOceanClient;
  readonly #loop: RefreshDiscoverer;

  /** Throws when the HTTP client cannot be built from the config. */
  constructor(cfg: DigitalOceanSDConfig, o: DigitalOceanDiscovererOptions) {
    this.#cfg = cfg;
    this.#http = o.client ?? newHTTPClient(cfg.http_client, 'digitalocean_sd');
    this.#api = new DigitalOceanClient(this.#http, {
      timeoutMs: cfg.refresh_interval,
      ...(o.baseURL !== undefined ? { baseURL: o.baseURL } : {}),
      ...(o.userAgent !== undefined ? { userAgent: o.userAgent } : {}),
    });
    this.#loop = new RefreshDiscoverer({
      mechanism: 'digitalocean', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
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
      case 'droplets':
        return [{ source: 'DigitalOcean', labels: {}, targets: dropletTargets(await this.#droplets(signal), this.#cfg.port) }];
      case 'databases':
        return [{ source: 'DigitalOcean Databases', labels: {}, targets: databaseTargets(await this.#databases(signal), this.#cfg.port) }];
      default: {
        const never: never = role;
        throw new Error(`unknown DigitalOcean SD role ${JSON.stringify(never)}`);
      }
    }
  }

  async #droplets(signal: AbortSignal): Promise<unknown[]> {
    const all: unknown[] = [];
    // The first request carries no page (0 in the error), later ones the page after the current.
    for (let page = 0; ;) {
      const q = new URLSearchParams();
      if (page > 0) q.set('page', String(page));
      const p = await this.#api.list('droplets', q, 'droplets', signal).catch((e: unknown) => { throw wrap(`error while listing droplets page ${page}`, e); });
      all.push(...p.items);
      if (isLastPage(p)) return all;
      page = currentPage(p) + 1;
    }
  }

  async #databases(signal: AbortSignal): Promise<unknown[]> {
    const all: unknown[] = [];
    for (let page = 1; ;) {
      const q = new URLSearchParams({ page: String(page), per_page: '100' });
      const p = await this.#api.list('databases', q, 'databases', signal).catch((e: unknown) => { throw wrap(`error while listing database clusters page ${page}`, e); });
      if (p.items.length === 0) return all;
      all.push(...p.items);
      let next = page + 1;
      if (!isLastPage(p)) {
        try {
          next = currentPage(p) + 1;
        } catch {
          next = page + 1;
        }
      }
      page = next;
    }
  }
}
