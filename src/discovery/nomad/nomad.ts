/**
 * `nomad_sd_configs`: the services registered in Nomad's service catalog, listed every
 * `refresh_interval` as one group with source "Nomad". As Prometheus's Nomad client does,
 * each refresh lists `GET /v1/services` and then reads every service's instances with
 * `GET /v1/service/<name>` (plain queries, no blocking), with the config's `namespace`,
 * `region` and `stale` (from `allow_stale`) as query parameters. Each instance is a target
 * on its address and port; its tags are joined with `tag_separator` and surrounded by it.
 * Any failed request fails the refresh and counts in `prometheus_sd_nomad_failures_total`.
 *
 * As with Nomad's client, only the scheme, credentials and host of `server` are used: a path
 * in it is ignored.
 */
import type { NomadSDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { joinHostPort, RefreshDiscoverer, surroundJoin, type RefreshMetrics } from '../refresh/index.js';
import type { NomadSDMetrics } from './metrics.js';

export const NOMAD_META = '__meta_nomad_';
const MAX_BODY_BYTES = 100 * 1024 * 1024;

export interface NomadDiscovererOptions {
  metrics: NomadSDMetrics;
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  /** Replaces the client built from the config (tests). */
  client?: HTTPClient;
}

type JSONObject = Readonly<Record<string, unknown>>;
const obj = (v: unknown): JSONObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONObject : {});
const str = (o: JSONObject, k: string): string => (typeof o[k] === 'string' ? o[k] : '');
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/**
 * The scheme and host Nomad's client takes from `server`, or Go's url.Parse error. A string
 * without a scheme whose first segment has a colon (`10.0.0.1:4646`) is refused, as Go does;
 * `host:4646` parses (as scheme "host") and fails at the first request instead.
 */
export function nomadBase(server: string): { scheme: string; origin: string } {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(server);
  if (m === null) {
    const first = server.split('/')[0]!;
    if (first.includes(':')) throw new Error(`parse ${JSON.stringify(server)}: first path segment in URL cannot contain colon`);
    return { scheme: '', origin: '' };
  }
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  if (!rest.startsWith('//')) return { scheme, origin: '' };
  const auth = rest.slice(2).split(/[/?#]/)[0]!;
  return { scheme, origin: `${scheme}://${auth}` };
}

export class NomadDiscoverer implements Discoverer {
  readonly #cfg: NomadSDConfig;
  readonly #base: { scheme: string; origin: string };
  readonly #client: HTTPClient;
  readonly #o: NomadDiscovererOptions;
  readonly #loop: RefreshDiscoverer;

  /** Throws when `server` does not parse or the HTTP client cannot be built. */
  constructor(cfg: NomadSDConfig, o: NomadDiscovererOptions) {
    this.#cfg = cfg;
    this.#base = nomadBase(cfg.server);
    this.#client = o.client ?? newHTTPClient(cfg.http_client, 'nomad_sd', o.userAgent !== undefined ? { userAgent: o.userAgent } : {});
    this.#o = o;
    this.#loop = new RefreshDiscoverer({
      mechanism: 'nomad', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
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

  /** One listing of every service's instances. Counts a failure and rejects when any request fails. */
  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    let stubs: readonly unknown[];
    try {
      stubs = await this.#get('/v1/services', signal);
    } catch (e) {
      if (!signal.aborted) this.#o.metrics.failures.inc();
      throw e;
    }
    const targets: Record<string, string>[] = [];
    const sep = this.#cfg.tag_separator;
    for (const stub of stubs) {
      for (const svc of arr(obj(stub)['Services'])) {
        const name = str(obj(svc), 'ServiceName');
        let instances: readonly unknown[];
        try {
          instances = await this.#get(`/v1/service/${encodeURIComponent(name)}`, signal);
        } catch (e) {
          if (!signal.aborted) this.#o.metrics.failures.inc();
          throw new Error(`failed to fetch services: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
        for (const item of instances) {
          const inst = obj(item);
          const address = str(inst, 'Address');
          const port = typeof inst['Port'] === 'number' ? Math.trunc(inst['Port']) : 0;
          const ls: Record<string, string> = {
            [`${NOMAD_META}address`]: address,
            [`${NOMAD_META}dc`]: str(inst, 'Datacenter'),
            [`${NOMAD_META}node_id`]: str(inst, 'NodeID'),
            [`${NOMAD_META}namespace`]: str(inst, 'Namespace'),
            [`${NOMAD_META}service_address`]: address,
            [`${NOMAD_META}service_id`]: str(inst, 'ID'),
            [`${NOMAD_META}service_port`]: String(port),
            [`${NOMAD_META}service`]: str(inst, 'ServiceName'),
            __address__: joinHostPort(address, port),
          };
          const tags = arr(inst['Tags']).filter((t): t is string => typeof t === 'string');
          if (tags.length > 0) ls[`${NOMAD_META}tags`] = surroundJoin(tags, sep);
          targets.push(ls);
        }
      }
    }
    return [{ source: 'Nomad', labels: {}, targets }];
  }

  /** A GET with Nomad's query options; the answer must be 200 and a JSON list. */
  async #get(path: string, signal: AbortSignal): Promise<readonly unknown[]> {
    const q = new URLSearchParams();
    // Go's url.Values.Encode sorts by key.
    if (this.#cfg.namespace !== '') q.set('namespace', this.#cfg.namespace);
    if (this.#cfg.region !== '') q.set('region', this.#cfg.region);
    if (this.#cfg.allow_stale) q.set('stale', '');
    const qs = q.toString();
    const url = `${this.#base.origin !== '' ? this.#base.origin : `${this.#base.scheme}://`}${path}${qs !== '' ? `?${qs}` : ''}`;
    if (this.#base.scheme !== 'http' && this.#base.scheme !== 'https') {
      throw new Error(`Get ${JSON.stringify(url)}: unsupported protocol scheme ${JSON.stringify(this.#base.scheme)}`);
    }
    const res = await this.#client.request({ url, signal, maxBodyBytes: MAX_BODY_BYTES });
    const body = res.body.toString('utf8');
    if (res.status !== 200) throw new Error(`Unexpected response code: ${res.status} (${body})`);
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch (e) {
      throw new Error(`error decoding response of GET ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (v === null) return [];
    if (!Array.isArray(v)) throw new Error(`error decoding response of GET ${path}: json: cannot unmarshal object into a list`);
    return v as unknown[];
  }
}
