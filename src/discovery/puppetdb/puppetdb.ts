/**
 * `puppetdb_sd_configs`: targets from a PuppetDB query, polled every `refresh_interval`
 * (default 1 m), as Prometheus does:
 *
 * - the PQL query is POSTed as `{"query": ...}` to `<url>/pdb/query/v4` with
 *   `Accept: application/json`, timing out after one refresh interval; the answer must be
 *   HTTP 200 with a JSON content type;
 * - each resource is a target `<certname>:<port>` with `__meta_puppetdb_{query, certname,
 *   resource, type, title, exported, file, environment}`, `_tags` (joined and surrounded by
 *   ","), and with `include_parameters` the flattened `_parameter_<name>` labels;
 * - one group, source `<api url>?query=<query>`.
 *
 * A failed refresh is logged and counted in `prometheus_sd_refresh_failures_total`; the last
 * targets stay.
 */
import { STATUS_CODES } from 'node:http';
import type { PuppetDBSDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { joinHostPort, RefreshDiscoverer, surroundJoin, type RefreshMetrics } from '../refresh/index.js';
import { decodeResources, parameterLabels } from './resources.js';

const P = '__meta_puppetdb_';
const CONTENT_TYPE = /^application\/json(;[\t\n\f\r ]*charset=("utf-8"|utf-8))?$/i;

export interface PuppetDBDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  /** Replaces the client built from the config (tests). */
  client?: HTTPClient;
}

/** Cleans a slash-separated path as Go's path.Clean does. */
function cleanPath(p: string): string {
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { if (out.length > 0 && out.at(-1) !== '..') out.pop(); else if (!rooted) out.push('..'); continue; }
    out.push(seg);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** The query endpoint: the configured URL with `pdb/query/v4` joined to its path. */
export function queryURL(base: string): string {
  const u = new URL(base);
  u.pathname = cleanPath(`${u.pathname}/pdb/query/v4`);
  return u.href;
}

export class PuppetDBDiscoverer implements Discoverer {
  readonly #url: string;
  readonly #query: string;
  readonly #port: number;
  readonly #includeParameters: boolean;
  readonly #intervalMs: number;
  readonly #client: HTTPClient;
  readonly #loop: RefreshDiscoverer;

  /** Throws when the URL or the HTTP client config cannot be used. */
  constructor(cfg: PuppetDBSDConfig, o: PuppetDBDiscovererOptions) {
    this.#url = queryURL(cfg.url);
    this.#query = cfg.query;
    this.#port = cfg.port;
    this.#includeParameters = cfg.include_parameters;
    this.#intervalMs = cfg.refresh_interval;
    this.#client = o.client ?? newHTTPClient(cfg.http_client, 'http', o.userAgent !== undefined ? { userAgent: o.userAgent } : {});
    this.#loop = new RefreshDiscoverer({
      mechanism: 'puppetdb', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
      metrics: o.refreshMetrics, logger: o.logger ?? nopLogger, refresh: (signal) => this.refresh(signal),
    });
  }

  /** The URL queries go to. */
  get url(): string { return this.#url; }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    try {
      await this.#loop.run(signal, send);
    } finally {
      await this.#client.close();
    }
  }

  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const res = await this.#client.request({
      method: 'POST', url: this.#url, signal, timeoutMs: this.#intervalMs,
      headers: { 'Accept': 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: this.#query }),
      readBodyFor: (s) => s === 200,
    });
    if (res.status !== 200) {
      throw new Error(`server returned HTTP status ${res.status} ${res.statusText !== '' ? res.statusText : (STATUS_CODES[res.status] ?? '')}`.trimEnd());
    }
    const ct = res.headers['content-type'] ?? '';
    if (!CONTENT_TYPE.test(ct)) throw new Error(`unsupported content type ${ct}`);
    const resources = decodeResources(res.body.toString('utf8'));
    const targets: Record<string, string>[] = [];
    for (const r of resources) {
      const labels: Record<string, string> = {
        [`${P}query`]: this.#query,
        [`${P}certname`]: r.certname,
        [`${P}resource`]: r.resource,
        [`${P}type`]: r.type,
        [`${P}title`]: r.title,
        [`${P}exported`]: String(r.exported),
        [`${P}file`]: r.file,
        [`${P}environment`]: r.environment,
        __address__: joinHostPort(r.certname, this.#port),
      };
      if (r.tags.length > 0) labels[`${P}tags`] = surroundJoin(r.tags, ',');
      if (this.#includeParameters) {
        for (const [k, v] of Object.entries(parameterLabels(r.parameters))) labels[`${P}parameter_${k}`] = v;
      }
      targets.push(labels);
    }
    return [{ source: `${this.#url}?query=${this.#query}`, labels: {}, targets }];
  }
}
