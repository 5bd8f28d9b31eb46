/**
 * The part of Consul's HTTP API that Consul SD uses, requested as Prometheus's Consul client
 * requests it:
 *
 * - `GET /v1/agent/self` for the local datacenter;
 * - `GET /v1/catalog/services` and `GET /v1/health/service/<name>` as blocking queries
 *   (`index` = the last `X-Consul-Index` seen, omitted while 0; `wait` in ms), with `stale`,
 *   `filter`, `node-meta` (`key:value`, repeated), `tag` (repeated, all must match);
 * - `dc`, `ns` and `partition` from the config on every request, the token in
 *   `X-Consul-Token`; credentials, TLS and proxy from the HTTP client config.
 *
 * Query strings are encoded as Go's url.Values: keys sorted, values query-escaped. Consul's
 * environment defaults apply as in its Go client: `CONSUL_HTTP_TOKEN_FILE` /
 * `CONSUL_HTTP_TOKEN` when no token is configured, `CONSUL_NAMESPACE`, `CONSUL_PARTITION`.
 */
import { readFileSync } from 'node:fs';
import type { ConsulSDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient, type HTTPResponse } from '../../httpclient/index.js';
import { decodeAgentDatacenter, decodeCatalogServices, decodeServiceEntries, type ServiceEntry } from './decode.js';

export interface QueryOptions {
  /** The last `X-Consul-Index` seen, as a decimal string; "0" for none. */
  index: string;
  waitMs: number;
  allowStale: boolean;
  nodeMeta: Readonly<Record<string, string>>;
  filter: string;
}

export interface QueryResult<T> {
  value: T;
  /** `X-Consul-Index` in canonical decimal, "0" when absent or malformed (as Prometheus reads it). */
  lastIndex: string;
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()).replace(/%20/g, '+');
}

/** Go's escaping of a URL path (what `url.URL.EscapedPath` does to a path without a raw form). */
export function pathEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%(2F|24|26|2B|2C|3A|3B|3D|40)/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/** Go's url.Values.Encode: sorted keys, values in insertion order. */
export function encodeQuery(params: ReadonlyMap<string, readonly string[]>): string {
  const parts: string[] = [];
  for (const k of [...params.keys()].sort()) {
    for (const v of params.get(k)!) parts.push(`${queryEscape(k)}=${queryEscape(v)}`);
  }
  return parts.join('&');
}

/** Environment variables the Consul client reads (a seam for tests). */
export type ConsulEnv = Readonly<Record<string, string | undefined>>;

/** The ACL token as Consul's client settles it: the configured one, else the token file or token from the environment. */
export function resolveToken(configured: string, env: ConsulEnv): string {
  const envToken = env['CONSUL_HTTP_TOKEN'] ?? '';
  const envFile = env['CONSUL_HTTP_TOKEN_FILE'] ?? '';
  if (configured !== '' && configured !== envToken) return configured;
  if (envFile !== '') {
    let data: string;
    try {
      data = readFileSync(envFile, 'utf8');
    } catch (e) {
      throw new Error(`Error loading token file ${envFile} : ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const t = data.trim();
    return t !== '' ? t : configured;
  }
  return envToken;
}

export class ConsulClient {
  readonly #http: HTTPClient;
  readonly #base: string;
  readonly #prefix: string;
  readonly #token: string;
  readonly #datacenter: string;
  readonly #namespace: string;
  readonly #partition: string;
  readonly #timeoutMs: number;

  /**
   * Throws as Prometheus fails to create the discoverer: an unknown scheme in `server`, an
   * unreadable token file, an HTTP client config that cannot work.
   */
  constructor(cfg: ConsulSDConfig, o: { timeoutMs: number; env?: ConsulEnv; http?: HTTPClient }) {
    const env = o.env ?? process.env;
    let scheme = cfg.scheme;
    let address = cfg.server;
    let prefix = cfg.path_prefix;
    const sep = address.indexOf('://');
    if (sep >= 0) {
      const proto = address.slice(0, sep);
      switch (proto) {
        case 'http': break;
        case 'https': scheme = 'https'; break;
        case 'unix': throw new Error('consul SD: unix socket addresses are not supported');
        default: throw new Error(`Unknown protocol scheme: ${proto}`);
      }
      address = address.slice(sep + 3);
      const slash = address.indexOf('/');
      if (slash >= 0) {
        prefix = '/' + address.slice(slash + 1);
        address = address.slice(0, slash);
      }
    }
    this.#base = `${scheme}://${address}`;
    this.#prefix = prefix;
    this.#token = resolveToken(cfg.token, env);
    this.#datacenter = cfg.datacenter;
    this.#namespace = cfg.namespace !== '' ? cfg.namespace : env['CONSUL_NAMESPACE'] ?? '';
    this.#partition = cfg.partition !== '' ? cfg.partition : env['CONSUL_PARTITION'] ?? '';
    this.#timeoutMs = o.timeoutMs;
    this.#http = o.http ?? newHTTPClient(cfg.http_client, 'consul_sd');
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  /** The datacenter of the agent. */
  async agentDatacenter(signal: AbortSignal): Promise<string> {
    const res = await this.#get('/v1/agent/self', this.#params(), signal);
    return decodeAgentDatacenter(res.body);
  }

  async catalogServices(q: QueryOptions, signal: AbortSignal): Promise<QueryResult<Map<string, string[]>>> {
    const res = await this.#get('/v1/catalog/services', this.#queryParams(q), signal);
    return { value: decodeCatalogServices(res.body), lastIndex: lastIndex(res) };
  }

  async healthService(name: string, tags: readonly string[], q: QueryOptions, signal: AbortSignal): Promise<QueryResult<ServiceEntry[]>> {
    const params = this.#queryParams(q);
    if (tags.length > 0) params.set('tag', tags.slice());
    const res = await this.#get(`/v1/health/service/${name}`, params, signal);
    return { value: decodeServiceEntries(res.body), lastIndex: lastIndex(res) };
  }

  /** The parameters every request carries. */
  #params(): Map<string, string[]> {
    const p = new Map<string, string[]>();
    if (this.#datacenter !== '') p.set('dc', [this.#datacenter]);
    if (this.#namespace !== '') p.set('ns', [this.#namespace]);
    if (this.#partition !== '') p.set('partition', [this.#partition]);
    return p;
  }

  #queryParams(q: QueryOptions): Map<string, string[]> {
    const p = this.#params();
    if (q.allowStale) p.set('stale', ['']);
    if (q.index !== '0') p.set('index', [q.index]);
    if (q.waitMs > 0) p.set('wait', [`${Math.max(1, Math.floor(q.waitMs))}ms`]);
    if (q.filter !== '') p.set('filter', [q.filter]);
    const meta = Object.entries(q.nodeMeta);
    if (meta.length > 0) p.set('node-meta', meta.map(([k, v]) => `${k}:${v}`));
    return p;
  }

  async #get(path: string, params: ReadonlyMap<string, readonly string[]>, signal: AbortSignal): Promise<HTTPResponse> {
    const qs = encodeQuery(params);
    const url = `${this.#base}${pathEscape(this.#prefix + path)}${qs !== '' ? '?' + qs : ''}`;
    const res = await this.#http.request({
      url, signal, timeoutMs: this.#timeoutMs,
      ...(this.#token !== '' ? { headers: { 'X-Consul-Token': this.#token } } : {}),
    });
    if (res.status !== 200) throw new Error(`Unexpected response code: ${res.status} (${res.body.toString('utf8').trim()})`);
    return res;
  }
}

function lastIndex(res: HTTPResponse): string {
  const v = res.headers['x-consul-index'];
  if (v === undefined || !/^\d+$/.test(v)) return '0';
  try {
    const n = BigInt(v);
    return n < 2n ** 64n ? n.toString() : '0';
  } catch {
    return '0';
  }
}
