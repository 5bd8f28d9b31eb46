/**
 * Test support: a fake DigitalOcean API on 127.0.0.1 (port 0) serving the lists discovery
 * reads, as the documented API answers them:
 *
 * - `GET /v2/droplets` and `GET /v2/databases`, paged by `page` (from 1) and `per_page`
 *   (default 20, at most 200): `{"droplets"|"databases": [...], "links": {"pages": {first,
 *   prev, next, last}}, "meta": {"total": n}}`, with links only where they apply and
 *   absolute URLs; `tag_name` filters droplets by tag;
 * - a bearer token is required (`Authorization: Bearer <token>`): otherwise 401
 *   `{"id": "unauthorized", "message": "Unable to authenticate you"}`; answers carry the
 *   rate-limit headers and an `x-request-id`;
 * - `fail(status, id, message)` makes every request fail with DigitalOcean's error body.
 *
 * Not part of the component's API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';

export type APIObject = Record<string, unknown>;

export class FakeDigitalOcean extends FakeHttpServer {
  readonly token: string;
  readonly defaultPerPage: number;
  droplets: APIObject[] = [];
  databases: APIObject[] = [];
  readonly requests: { path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }[] = [];
  #failure: { status: number; id: string; message: string } | null = null;
  #requestID = 0;

  constructor(o: { token?: string; perPage?: number } = {}) {
    super();
    this.token = o.token ?? 'do-token';
    this.defaultPerPage = o.perPage ?? 20;
  }

  /** The base URL to give the discoverer (ends with "/"). */
  get baseURL(): string { return `http://127.0.0.1:${this.port}/`; }

  fail(status: number | null, id = 'server_error', message = 'Server was unable to give you a response.'): void {
    this.#failure = status === null ? null : { status, id, message };
  }


  protected handle(req: IncomingMessage, _body: string, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', this.baseURL);
    this.requests.push({ path: u.pathname, query: u.searchParams, headers: req.headers });
    const id = `req-${++this.#requestID}`;
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8', 'x-request-id': id,
        'ratelimit-limit': '5000', 'ratelimit-remaining': String(5000 - this.#requestID), 'ratelimit-reset': '1700000000',
      });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) { reply(401, { id: 'unauthorized', message: 'Unable to authenticate you' }); return; }
    if (this.#failure !== null) { reply(this.#failure.status, { id: this.#failure.id, message: this.#failure.message, request_id: id }); return; }
    let key: 'droplets' | 'databases';
    let items: APIObject[];
    if (u.pathname === '/v2/droplets') {
      key = 'droplets';
      const tag = u.searchParams.get('tag_name');
      items = tag === null ? this.droplets : this.droplets.filter((d) => Array.isArray(d['tags']) && d['tags'].includes(tag));
    } else if (u.pathname === '/v2/databases') {
      key = 'databases';
      items = this.databases;
    } else {
      reply(404, { id: 'not_found', message: 'The resource you were accessing could not be found.' });
      return;
    }
    const perPage = Math.min(200, Math.max(1, Number.parseInt(u.searchParams.get('per_page') ?? '', 10) || this.defaultPerPage));
    const page = Math.max(1, Number.parseInt(u.searchParams.get('page') ?? '', 10) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number): string => {
      const q = new URLSearchParams(u.searchParams);
      q.set('page', String(p));
      q.set('per_page', String(perPage));
      return `${this.baseURL}v2/${key}?${q.toString()}`;
    };
    const pages: Record<string, string> = {};
    if (page > 1) { pages['first'] = link(1); pages['prev'] = link(page - 1); }
    if (page < last) { pages['next'] = link(page + 1); pages['last'] = link(last); }
    reply(200, { [key]: items.slice((page - 1) * perPage, page * perPage), links: Object.keys(pages).length > 0 ? { pages } : {}, meta: { total: items.length } });
  }
}
