/**
 * `http_sd_configs`: target groups fetched with a GET from a URL every `refresh_interval`,
 * following Prometheus's HTTP SD protocol:
 *
 * - the request carries `Accept: application/json` and
 *   `X-Prometheus-Refresh-Interval-Seconds`, and the credentials, TLS and proxy settings of
 *   the config's HTTP client; it times out after one refresh interval;
 * - the answer must be HTTP 200 with `Content-Type: application/json` (optionally with a
 *   UTF-8 charset), and a JSON list of `{targets, labels}` groups, decoded as strictly as
 *   file SD's JSON (unknown fields, bad label names and null items are errors);
 * - each group gets `__meta_url` and the source `<url>:<index>`; groups past the end of the
 *   previous answer are sent empty, so that targets disappear with them.
 *
 * A failed refresh (transport error, status, content type, body) counts in
 * `prometheus_sd_http_failures_total` and sends nothing: the last targets stay.
 *
 * Prometheus reads the body without a limit; Watchfire refuses bodies over `maxBodyBytes`
 * (100 MiB by default) so that a misbehaving endpoint cannot exhaust memory.
 */
import { STATUS_CODES } from 'node:http';
import type { HTTPSDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { quoteGoString } from '../../model/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import { parseTargetGroups } from '../file/parse.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { RefreshDiscoverer, type RefreshMetrics } from '../refresh/index.js';
import type { HTTPSDMetrics } from './metrics.js';

export const HTTP_SD_URL_LABEL = '__meta_url';
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;

const CONTENT_TYPE = /^application\/json(;[\t\n\f\r ]*charset=("utf-8"|utf-8))?$/i;

export interface HTTPDiscovererOptions {
  metrics: HTTPSDMetrics;
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  /** Sent as User-Agent. */
  userAgent?: string;
  maxBodyBytes?: number;
  /** Replaces the client built from the config (tests). */
  client?: HTTPClient;
}

/** The source of the i-th group fetched from `url`. */
export function urlSource(url: string, i: number): string {
  return `${url}:${i}`;
}

export class HTTPDiscoverer implements Discoverer {
  readonly #url: string;
  readonly #intervalMs: number;
  readonly #client: HTTPClient;
  readonly #o: HTTPDiscovererOptions;
  readonly #loop: RefreshDiscoverer;
  #lastLength = 0;

  /** Throws when the HTTP client cannot be built from the config (unreadable CA, ...). */
  constructor(cfg: HTTPSDConfig, o: HTTPDiscovererOptions) {
    this.#url = cfg.url;
    this.#intervalMs = cfg.refresh_interval;
    this.#client = o.client ?? newHTTPClient(cfg.http_client, 'http', o.userAgent !== undefined ? { userAgent: o.userAgent } : {});
    this.#o = o;
    this.#loop = new RefreshDiscoverer({
      mechanism: 'http', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
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

  /** One fetch. Rejects (after counting the failure) when the answer cannot be used. */
  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    try {
      return await this.#fetch(signal);
    } catch (e) {
      if (!signal.aborted) this.#o.metrics.failures.inc();
      throw e;
    }
  }

  async #fetch(signal: AbortSignal): Promise<TargetGroup[]> {
    const res = await this.#client.request({
      url: this.#url,
      headers: { 'Accept': 'application/json', 'X-Prometheus-Refresh-Interval-Seconds': String(this.#intervalMs / 1000) },
      signal,
      timeoutMs: this.#intervalMs,
      maxBodyBytes: this.#o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      readBodyFor: (status) => status === 200,
    });
    if (res.status !== 200) {
      throw new Error(`server returned HTTP status ${res.status} ${res.statusText !== '' ? res.statusText : (STATUS_CODES[res.status] ?? '')}`.trimEnd());
    }
    const ct = res.headers['content-type'] ?? '';
    if (!CONTENT_TYPE.test(ct.trim())) throw new Error(`unsupported content type ${quoteGoString(ct)}`);
    const fgs = parseTargetGroups(new TextDecoder('utf-8').decode(res.body), 'json');
    const groups: TargetGroup[] = [];
    for (let i = 0; i < fgs.length; i++) {
      const g = fgs[i]!;
      const targets: Record<string, string>[] = [];
      for (const t of g.targets) targets.push({ __address__: t });
      groups.push({ targets, labels: { ...g.labels, [HTTP_SD_URL_LABEL]: this.#url }, source: urlSource(this.#url, i) });
    }
    for (let i = fgs.length; i < this.#lastLength; i++) groups.push({ targets: [], labels: {}, source: urlSource(this.#url, i) });
    this.#lastLength = fgs.length;
    return groups;
  }
}
