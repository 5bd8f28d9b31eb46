/**
 * Test support: a fake Linode API v4 on 127.0.0.1 (port 0) serving what discovery reads:
 *
 * - `GET /v4/linode/instances`, `/v4/networking/ips`, `/v4/networking/ipv6/ranges` and
 *   `/v4/account/events`, paged by `page` (from 1) and `page_size` (25 to 500, default 100)
 *   as `{"data": [...], "page": n, "pages": n, "results": n}`;
 * - the `X-Filter` header: `{"region": "<r>"}` on the lists, `{"created": {"+gte": "<time>"}}`
 *   on events (times as the API writes them, `2006-01-02T15:04:05` UTC); other filters are
 *   400 as the API refuses unknown fields;
 * - a bearer token is required (401 `{"errors": [{"reason": "Invalid Token"}]}`); with
 *   `eventsForbidden`, the events answer 401 as for a token without the events scope;
 * - `fail(status, reason)` makes every request fail with the API's error body.
 *
 * Not part of the component's API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';

export type APIObject = Record<string, unknown>;

export class FakeLinode extends FakeHttpServer {
  readonly token: string;
  eventsForbidden = false;
  instances: APIObject[] = [];
  ips: APIObject[] = [];
  ranges: APIObject[] = [];
  events: APIObject[] = [];
  readonly requests: { path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }[] = [];
  #failure: { status: number; reason: string } | null = null;
  #eventID = 1;

  constructor(o: { token?: string } = {}) {
    super();
    this.token = o.token ?? 'linode-token';
  }

  get baseURL(): string { return `http://127.0.0.1:${this.port}/v4`; }

  /** Records an account event now (as the API stamps it, to the second). */
  addEvent(action: string, created: Date = new Date()): void {
    this.events.push({ id: this.#eventID++, action, created: created.toISOString().slice(0, 19), status: 'finished' });
  }

  fail(status: number | null, reason = 'Please try again'): void {
    this.#failure = status === null ? null : { status, reason };
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }


  protected handle(req: IncomingMessage, _body: string, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://linode');
    this.requests.push({ path: u.pathname, query: u.searchParams, headers: req.headers });
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const errors = (status: number, reason: string, field?: string): void => { reply(status, { errors: [field !== undefined ? { reason, field } : { reason }] }); };
    if (req.headers.authorization !== `Bearer ${this.token}`) { errors(401, 'Invalid Token'); return; }
    if (this.#failure !== null) { errors(this.#failure.status, this.#failure.reason); return; }
    let filter: Record<string, unknown> = {};
    const xf = req.headers['x-filter'];
    if (typeof xf === 'string' && xf !== '') {
      try {
        filter = JSON.parse(xf) as Record<string, unknown>;
      } catch {
        errors(400, 'Invalid JSON', 'X-Filter');
        return;
      }
    }
    let items: APIObject[];
    const byRegion = (list: APIObject[]): APIObject[] | null => {
      const keys = Object.keys(filter);
      if (keys.some((k) => k !== 'region')) return null;
      return filter['region'] === undefined ? list : list.filter((x) => x['region'] === filter['region']);
    };
    switch (u.pathname) {
      case '/v4/linode/instances': { const r = byRegion(this.instances); if (r === null) { errors(400, 'Cannot filter on that field', 'X-Filter'); return; } items = r; break; }
      case '/v4/networking/ips': { const r = byRegion(this.ips); if (r === null) { errors(400, 'Cannot filter on that field', 'X-Filter'); return; } items = r; break; }
      case '/v4/networking/ipv6/ranges': { const r = byRegion(this.ranges); if (r === null) { errors(400, 'Cannot filter on that field', 'X-Filter'); return; } items = r; break; }
      case '/v4/account/events': {
        if (this.eventsForbidden) { errors(401, 'Your OAuth token is not authorized to use this endpoint.'); return; }
        const created = filter['created'];
        const gte = typeof created === 'object' && created !== null ? (created as Record<string, unknown>)['+gte'] : undefined;
        items = typeof gte === 'string' ? this.events.filter((e) => String(e['created']) >= gte) : this.events;
        break;
      }
      default: errors(404, 'Not found'); return;
    }
    const pageSize = Math.min(500, Math.max(25, Number.parseInt(u.searchParams.get('page_size') ?? '', 10) || 100));
    const page = Math.max(1, Number.parseInt(u.searchParams.get('page') ?? '', 10) || 1);
    const pages = Math.max(1, Math.ceil(items.length / pageSize));
    reply(200, { data: items.slice((page - 1) * pageSize, page * pageSize), page, pages, results: items.length });
  }
}
