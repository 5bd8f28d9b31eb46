/**
 * The part of Scaleway's API client (scaleway-sdk-go) discovery needs: GETs of list endpoints
 * under the configured `api_url`, authenticated by the secret key in `X-Auth-Token` (read
 * from `secret_key_file` on every request when configured, as Prometheus's round tripper
 * does), with every page fetched (`page` from 1 until `total_count` items are read), and
 * errors worded as the SDK words them.
 */
import { readFile } from 'node:fs/promises';
import type { HTTPClient } from '../../httpclient/index.js';

const MAX_BODY_BYTES = 100 * 1024 * 1024;

export type JSONObject = Readonly<Record<string, unknown>>;
export const isObject = (v: unknown): v is JSONObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): JSONObject => (isObject(v) ? v : {});
export const str = (o: JSONObject, k: string): string => (typeof o[k] === 'string' ? o[k] : '');
export const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
export const strings = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

/** Where the secret key comes from. */
export type SecretKeySource = { kind: 'inline'; key: string } | { kind: 'file'; path: string };

export class ScalewayClient {
  readonly #http: HTTPClient;
  readonly #apiURL: string;
  readonly #secret: SecretKeySource;
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(http: HTTPClient, o: { apiURL: string; secret: SecretKeySource; timeoutMs: number; userAgent?: string }) {
    this.#http = http;
    this.#apiURL = o.apiURL.replace(/\/+$/, '');
    this.#secret = o.secret;
    this.#timeoutMs = o.timeoutMs;
    this.#userAgent = o.userAgent ?? '';
  }

  async #token(): Promise<string> {
    const s = this.#secret;
    switch (s.kind) {
      case 'inline': return s.key;
      case 'file':
        try {
          return (await readFile(s.path, 'utf8')).trim();
        } catch (e) {
          throw new Error(`unable to read auth token file ${s.path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      default: {
        const never: never = s;
        return never;
      }
    }
  }

  /**
   * Every item under `key` of `path`: page 1, 2, ... until `total_count` items were read or
   * a page is empty (an answer without `total_count` is a single page).
   */
  async all(path: string, query: URLSearchParams, key: string, signal: AbortSignal): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let page = 1; ; page++) {
      const q = new URLSearchParams(query);
      q.set('page', String(page));
      q.sort();
      const body = await this.#get(`${path}?${q.toString()}`, signal);
      const items = arr(body[key]);
      out.push(...items);
      const total = typeof body['total_count'] === 'number' ? body['total_count'] : 0;
      if (items.length === 0 || out.length >= total) return out;
    }
  }

  async #get(path: string, signal: AbortSignal): Promise<JSONObject> {
    const headers: Record<string, string> = { 'X-Auth-Token': await this.#token() };
    if (this.#userAgent !== '') headers['User-Agent'] = this.#userAgent;
    const res = await this.#http.request({ url: this.#apiURL + path, headers, signal, timeoutMs: this.#timeoutMs, maxBodyBytes: MAX_BODY_BYTES });
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status > 299) {
      let detail: JSONObject = {};
      try {
        detail = obj(JSON.parse(text));
      } catch {
        detail = {};
      }
      const status = `${res.status} ${res.statusText}`.trimEnd();
      if (str(detail, 'type') === 'denied_authentication') throw new Error(`scaleway-sdk-go: denied authentication: ${str(detail, 'message')}`);
      let msg = `scaleway-sdk-go: http error ${status}`;
      if (str(detail, 'resource') !== '') msg += `: resource ${str(detail, 'resource')}`;
      if (str(detail, 'message') !== '') msg += `: ${str(detail, 'message')}`;
      throw new Error(msg);
    }
    try {
      return obj(JSON.parse(text));
    } catch (e) {
      throw new Error(`scaleway-sdk-go: error decoding the answer of ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

/** The region of a zone as the SDK knows them (`fr-par-1` → `fr-par`); null for an unknown zone. */
export function zoneRegion(zone: string): string | null {
  const m = /^(fr-par|nl-ams|pl-waw)-[123]$|^(it-mil)-1$/.exec(zone);
  return m === null ? null : (m[1] ?? m[2]!);
}
