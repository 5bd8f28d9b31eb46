/**
 * `linode_sd_configs`: the Linode instances of an account (optionally of one `region`), as
 * one group with source "Linode", with the incremental refresh Prometheus does:
 *
 * - a full refresh lists instances, IP addresses and IPv6 ranges (500 a page, the region
 *   as an `X-Filter`), and counts its failures in `prometheus_sd_linode_failures_total`;
 * - later refreshes first ask the account's events since the previous refresh
 *   (`{"created": {"+gte": <time>}}`, one page of 25): without events, the last targets are
 *   sent again, up to 9 times in a row, then a full refresh is forced; with events, a full
 *   refresh follows. A token that may not read events (401) turns event polling off for
 *   good; any other failure of the events request fails the refresh.
 *
 * An instance without IPv4 addresses is skipped; the target is its first public IPv4 on the
 * config's port.
 */
import type { LinodeSDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { joinHostPort, RefreshDiscoverer, surroundJoin, type RefreshMetrics } from '../refresh/index.js';
import { LinodeClient, LinodeError } from './client.js';
import type { LinodeSDMetrics } from './metrics.js';

export const LINODE_META = '__meta_linode_';
/** A full refresh at least every this many polls (Prometheus's 10). */
const MAX_POLLS = 10;

export interface LinodeDiscovererOptions {
  metrics: LinodeSDMetrics;
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  /** The API's base URL (tests; default https://api.linode.com/v4). */
  baseURL?: string;
  client?: HTTPClient;
  /** The clock (tests). */
  now?: () => Date;
}

type JSONObject = Readonly<Record<string, unknown>>;
const obj = (v: unknown): JSONObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONObject : {});
const str = (o: JSONObject, k: string): string => (typeof o[k] === 'string' ? o[k] : '');
const int = (o: JSONObject, k: string): number => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? Math.trunc(o[k]) : 0);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Go's time.Format("2006-01-02T15:04:05") of a UTC time. */
function filterTime(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/** MiB counts as bytes; BigInt keeps the shift exact past 2^53 as Go's int64 does. */
function mibToBytes(mib: number): string {
  return (BigInt(mib) << 20n).toString();
}

export function instanceTargets(instances: readonly unknown[], ips: readonly unknown[], ranges: readonly unknown[], port: number, sep: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const rdns = (ip: JSONObject): string => {
    const r = str(ip, 'rdns');
    return r !== 'null' ? r : '';
  };
  for (const item of instances) {
    const inst = obj(item);
    const ipv4 = strings(inst['ipv4']);
    if (ipv4.length === 0) continue;
    let privateIPv4 = '', publicIPv4 = '', publicIPv6 = '', privateRDNS = '', publicRDNS = '', publicV6RDNS = '';
    const extra: string[] = [], v6Ranges: string[] = [];
    for (const ip of ipv4) {
      for (const d of ips) {
        const di = obj(d);
        if (str(di, 'address') !== ip) continue;
        const isPublic = di['public'] === true;
        if (isPublic && publicIPv4 === '') {
          publicIPv4 = str(di, 'address');
          publicRDNS = rdns(di);
        } else if (!isPublic && privateIPv4 === '') {
          privateIPv4 = str(di, 'address');
          privateRDNS = rdns(di);
        } else {
          extra.push(str(di, 'address'));
        }
      }
    }
    const v6 = str(inst, 'ipv6');
    if (v6 !== '') {
      const slaac = v6.split('/')[0]!;
      for (const d of ips) {
        const di = obj(d);
        if (str(di, 'address') !== slaac) continue;
        publicIPv6 = str(di, 'address');
        publicV6RDNS = rdns(di);
      }
      for (const r of ranges) {
        const ro = obj(r);
        if (str(ro, 'route_target') === slaac) v6Ranges.push(`${str(ro, 'range')}/${int(ro, 'prefix')}`);
      }
    }
    const specs = obj(inst['specs']);
    const ls: Record<string, string> = {
      [`${LINODE_META}instance_id`]: String(int(inst, 'id')),
      [`${LINODE_META}instance_label`]: str(inst, 'label'),
      [`${LINODE_META}image`]: str(inst, 'image'),
      [`${LINODE_META}private_ipv4`]: privateIPv4,
      [`${LINODE_META}public_ipv4`]: publicIPv4,
      [`${LINODE_META}public_ipv6`]: publicIPv6,
      [`${LINODE_META}private_ipv4_rdns`]: privateRDNS,
      [`${LINODE_META}public_ipv4_rdns`]: publicRDNS,
      [`${LINODE_META}public_ipv6_rdns`]: publicV6RDNS,
      [`${LINODE_META}region`]: str(inst, 'region'),
      [`${LINODE_META}type`]: str(inst, 'type'),
      [`${LINODE_META}status`]: str(inst, 'status'),
      [`${LINODE_META}group`]: str(inst, 'group'),
      [`${LINODE_META}gpus`]: String(int(specs, 'gpus')),
      [`${LINODE_META}hypervisor`]: str(inst, 'hypervisor'),
      [`${LINODE_META}backups`]: obj(inst['backups'])['enabled'] === true ? 'enabled' : 'disabled',
      [`${LINODE_META}specs_disk_bytes`]: mibToBytes(int(specs, 'disk')),
      [`${LINODE_META}specs_memory_bytes`]: mibToBytes(int(specs, 'memory')),
      [`${LINODE_META}specs_vcpus`]: String(int(specs, 'vcpus')),
      [`${LINODE_META}specs_transfer_bytes`]: mibToBytes(int(specs, 'transfer')),
      __address__: joinHostPort(publicIPv4, port),
    };
    const tags = strings(inst['tags']);
    if (tags.length > 0) ls[`${LINODE_META}tags`] = surroundJoin(tags, sep);
    if (extra.length > 0) ls[`${LINODE_META}extra_ips`] = surroundJoin(extra, sep);
    if (v6Ranges.length > 0) ls[`${LINODE_META}ipv6_ranges`] = surroundJoin(v6Ranges, sep);
    out.push(ls);
  }
  return out;
}

export class LinodeDiscoverer implements Discoverer {
  readonly #cfg: LinodeSDConfig;
  readonly #http: HTTPClient;
  readonly #api: LinodeClient;
  readonly #o: LinodeDiscovererOptions;
  readonly #now: () => Date;
  readonly #loop: RefreshDiscoverer;
  #lastRefresh: Date;
  #pollCount = 0;
  #last: TargetGroup[] | null = null;
  #eventPolling = true;

  /** Throws when the HTTP client cannot be built from the config. */
  constructor(cfg: LinodeSDConfig, o: LinodeDiscovererOptions) {
    this.#cfg = cfg;
    this.#o = o;
    this.#now = o.now ?? ((): Date => new Date());
    this.#lastRefresh = this.#now();
    this.#http = o.client ?? newHTTPClient(cfg.http_client, 'linode_sd');
    this.#api = new LinodeClient(this.#http, {
      timeoutMs: cfg.refresh_interval,
      ...(o.baseURL !== undefined ? { baseURL: o.baseURL } : {}),
      ...(o.userAgent !== undefined ? { userAgent: o.userAgent } : {}),
    });
    this.#loop = new RefreshDiscoverer({
      mechanism: 'linode', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
      metrics: o.refreshMetrics, logger: o.logger ?? nopLogger, refresh: (signal) => this.refresh(signal),
    });
  }

  /** Whether event polling is still on (a 401 on the events turns it off). */
  get eventPolling(): boolean {
    return this.#eventPolling;
  }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    try {
      await this.#loop.run(signal, send);
    } finally {
      await this.#http.close();
    }
  }

  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    let needsRefresh = true;
    const ts = this.#now();
    if (this.#last !== null && this.#eventPolling) {
      try {
        const events = await this.#api.list('account/events', {
          page: 1, pageSize: 25, filter: `{"created": {"+gte": "${filterTime(this.#lastRefresh)}"}}`,
        }, signal);
        this.#pollCount++;
        if (events.length === 0 && this.#pollCount < MAX_POLLS) needsRefresh = false;
      } catch (e) {
        if (!(e instanceof LinodeError) || e.code !== 401) throw e;
        this.#eventPolling = false;
      }
    }
    if (needsRefresh) {
      this.#last = await this.#full(signal);
      this.#pollCount = 0;
    }
    this.#lastRefresh = ts;
    return this.#last!;
  }

  async #full(signal: AbortSignal): Promise<TargetGroup[]> {
    const filter = this.#cfg.region !== '' ? `{"region": "${this.#cfg.region}"}` : '';
    const opts = { pageSize: 500, filter };
    try {
      const instances = await this.#api.list('linode/instances', opts, signal);
      const ips = await this.#api.list('networking/ips', opts, signal);
      const ranges = await this.#api.list('networking/ipv6/ranges', opts, signal);
      return [{ source: 'Linode', labels: {}, targets: instanceTargets(instances, ips, ranges, this.#cfg.port, this.#cfg.tag_separator) }];
    } catch (e) {
      if (!signal.aborted) this.#o.metrics.failures.inc();
      throw e;
    }
  }
}
