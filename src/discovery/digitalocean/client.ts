/**
 * The part of DigitalOcean's API client discovery needs: GETs of paged lists under
 * `https://api.digitalocean.com/v2/`, with the headers godo sends, and errors worded as godo
 * words them (`GET <url>: <status> (request "<id>") <message>`). The HTTP client (bearer
 * token, TLS, proxy) is the config's; requests time out after one refresh interval.
 */
import type { HTTPClient } from '../../httpclient/index.js';

export const DEFAULT_BASE_URL = 'https://api.digitalocean.com/';
const MAX_BODY_BYTES = 100 * 1024 * 1024;

export type JSONObject = Readonly<Record<string, unknown>>;
export const obj = (v: unknown): JSONObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONObject : {});
export const str = (o: JSONObject, k: string): string => (typeof o[k] === 'string' ? o[k] : '');
export const num = (o: JSONObject, k: string): number => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? o[k] : 0);
export const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
export const strings = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

/** One page of a list: the items under `key` and the `links.pages` of the answer. */
export interface Page {
  items: readonly unknown[];
  /** `links.pages` (first, prev, next, last URLs); null when the answer has none. */
  pages: { prev: string; next: string } | null;
}

/** The page number in a link's `page` parameter (godo's pageForURL). */
function pageOf(link: string): number {
  let u: URL;
  try {
    u = new URL(link);
  } catch (e) {
    throw new Error(`parse ${JSON.stringify(link)}: invalid URI for request`, { cause: e });
  }
  const p = u.searchParams.get('page') ?? '';
  const n = Number.parseInt(p, 10);
  if (!/^[+-]?\d+$/.test(p) || !Number.isSafeInteger(n)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(p)}: invalid syntax`);
  return n;
}

/** Whether this is the last page: godo's test is that there is no `next` link. */
export function isLastPage(p: Page): boolean {
  return p.pages === null || p.pages.next === '';
}

/** The current page number as godo derives it from the links (1 when only `next` is given). */
export function currentPage(p: Page): number {
  if (p.pages === null) return 1;
  if (p.pages.prev === '' && p.pages.next !== '') return 1;
  if (p.pages.prev !== '') return pageOf(p.pages.prev) + 1;
  return 0;
}

export class DigitalOceanClient {
  readonly #http: HTTPClient;
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(http: HTTPClient, o: { baseURL?: string; timeoutMs: number; userAgent?: string }) {
    this.#http = http;
    this.#base = o.baseURL ?? DEFAULT_BASE_URL;
    this.#timeoutMs = o.timeoutMs;
    this.#userAgent = o.userAgent ?? '';
  }

  /** GET `v2/<path>?<query>` and the items under `key`. */
  async list(path: string, query: URLSearchParams, key: string, signal: AbortSignal): Promise<Page> {
    const qs = query.toString();
    const url = new URL(`v2/${path}${qs !== '' ? `?${qs}` : ''}`, this.#base).href;
    const headers: Record<string, string> = { 'Accept': 'application/json', 'Content-Type': 'application/json' };
    if (this.#userAgent !== '') headers['User-Agent'] = this.#userAgent;
    const res = await this.#http.request({ url, headers, signal, timeoutMs: this.#timeoutMs, maxBodyBytes: MAX_BODY_BYTES });
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status > 299) {
      // godo's ErrorResponse: the message (and request id) of the JSON body, else the header's id.
      let message = '', requestID = '';
      try {
        const j = obj(JSON.parse(text));
        message = str(j, 'message');
        requestID = str(j, 'request_id');
      } catch {
        message = '';
      }
      if (requestID === '') requestID = res.headers['x-request-id'] ?? '';
      throw new Error(requestID !== ''
        ? `GET ${url}: ${res.status} (request ${JSON.stringify(requestID)}) ${message}`
        : `GET ${url}: ${res.status} ${message}`);
    }
    let body: JSONObject;
    try {
      body = obj(JSON.parse(text));
    } catch (e) {
      throw new Error(`GET ${url}: decoding the answer: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const links = obj(body['links']);
    const pages = links['pages'] === undefined || links['pages'] === null ? null : { prev: str(obj(links['pages']), 'prev'), next: str(obj(links['pages']), 'next') };
    return { items: arr(body[key]), pages };
  }
}
