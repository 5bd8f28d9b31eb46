/**
 * The part of Linode's API client (linodego) discovery needs: paged GETs under
 * `https://api.linode.com/v4`, with the filter in the `X-Filter` header, and errors worded
 * as linodego words them (`[<status>] <reasons>`; `[002] ...` for transport errors).
 */
import { HTTPClientError, type HTTPClient } from '../../httpclient/index.js';

export const DEFAULT_BASE_URL = 'https://api.linode.com/v4';
const MAX_BODY_BYTES = 100 * 1024 * 1024;

/** A linodego error: `code` is the HTTP status, or 1/2 for errors raised in the client. */
export class LinodeError extends Error {
  readonly code: number;
  constructor(code: number, message: string, options?: ErrorOptions) {
    super(`[${String(code).padStart(3, '0')}] ${message}`, options);
    this.code = code;
  }
}

export interface ListOptions {
  /** A single page; 0 reads every page. */
  page?: number;
  pageSize: number;
  /** The `X-Filter` JSON; "" for none. */
  filter: string;
}

export class LinodeClient {
  readonly #http: HTTPClient;
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(http: HTTPClient, o: { baseURL?: string; timeoutMs: number; userAgent?: string }) {
    this.#http = http;
    this.#base = (o.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.#timeoutMs = o.timeoutMs;
    this.#userAgent = o.userAgent ?? '';
  }

  /** The `data` items of a list, one page or all of them (page 1, then 2..pages). */
  async list(path: string, o: ListOptions, signal: AbortSignal): Promise<unknown[]> {
    const first = await this.#page(path, o.page !== undefined && o.page > 0 ? o.page : 1, o, signal);
    const out = [...first.data];
    if (o.page === undefined || o.page === 0) {
      for (let p = 2; p <= first.pages; p++) out.push(...(await this.#page(path, p, o, signal)).data);
    }
    return out;
  }

  async #page(path: string, page: number, o: ListOptions, signal: AbortSignal): Promise<{ data: readonly unknown[]; pages: number }> {
    const q = new URLSearchParams({ page: String(page) });
    if (o.pageSize > 0) q.set('page_size', String(o.pageSize));
    const headers: Record<string, string> = { 'Accept': 'application/json', 'Content-Type': 'application/json' };
    if (this.#userAgent !== '') headers['User-Agent'] = this.#userAgent;
    if (o.filter !== '') headers['X-Filter'] = o.filter;
    let res;
    try {
      res = await this.#http.request({ url: `${this.#base}/${path}?${q.toString()}`, headers, signal, timeoutMs: this.#timeoutMs, maxBodyBytes: MAX_BODY_BYTES });
    } catch (e) {
      throw new LinodeError(2, e instanceof HTTPClientError || e instanceof Error ? e.message : String(e), { cause: e });
    }
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status >= 300) {
      const ct = res.headers['content-type'] ?? '';
      if (res.status === 502 && ct === 'text/html') throw new LinodeError(502, 'Bad Gateway');
      if (ct !== 'application/json') throw new LinodeError(1, `Unexpected Content-Type: Expected: application/json, Received: ${ct}`);
      let reasons: string[] = [];
      try {
        const j = JSON.parse(text) as { errors?: unknown };
        if (Array.isArray(j.errors)) {
          reasons = j.errors.map((r: unknown) => {
            const o = typeof r === 'object' && r !== null ? r as Record<string, unknown> : {};
            const reason = typeof o['reason'] === 'string' ? o['reason'] : '';
            const field = typeof o['field'] === 'string' ? o['field'] : '';
            return field !== '' ? `[${field}] ${reason}` : reason;
          });
        }
      } catch {
        reasons = [];
      }
      throw new LinodeError(res.status, reasons.length > 0 ? reasons.join('; ') : text);
    }
    let body: Record<string, unknown>;
    try {
      const v = JSON.parse(text) as unknown;
      body = typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
    } catch (e) {
      throw new LinodeError(2, `decoding the answer of ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return { data: Array.isArray(body['data']) ? body['data'] : [], pages: typeof body['pages'] === 'number' ? body['pages'] : 1 };
  }
}
