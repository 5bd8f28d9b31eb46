/**
 * Test support: a fake Scaleway API on 127.0.0.1 (port 0) serving what discovery reads:
 *
 * - `GET /instance/v1/zones/<zone>/servers` (`name`: a substring of the name; `tags`:
 *   comma-separated, all required), `GET /ipam/v1/regions/<region>/ips` (`resource_ids`
 *   repeated, `resource_types`), and `GET /baremetal/v1/zones/<zone>/{servers,offers,os}`;
 * - paged by `page` (from 1) and `per_page` (default 50, at most 100), answering
 *   `{"<key>": [...], "total_count": n}` and `X-Total-Count`;
 * - `X-Auth-Token` must be the secret key, else 401 with Scaleway's denied-authentication
 *   body; `fail(status, message)` makes every request fail with Scaleway's error body.
 *
 * Lists are kept per zone (or region for IPAM): `instances.set('fr-par-1', [...])`. Not
 * part of the component's API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';

export type APIObject = Record<string, unknown>;

export class FakeScaleway extends FakeHttpServer {
  readonly secretKey: string;
  readonly instances = new Map<string, APIObject[]>();
  readonly ipamIPs = new Map<string, APIObject[]>();
  readonly baremetal = new Map<string, { servers: APIObject[]; offers: APIObject[]; os: APIObject[] }>();
  readonly requests: { path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }[] = [];
  defaultPerPage = 50;
  #failure: { status: number; message: string } | null = null;

  constructor(o: { secretKey: string }) {
    super();
    this.secretKey = o.secretKey;
  }

  get apiURL(): string { return `http://127.0.0.1:${this.port}`; }

  fail(status: number | null, message = 'internal error'): void {
    this.#failure = status === null ? null : { status, message };
  }


  protected handle(req: IncomingMessage, _body: string, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', this.apiURL);
    this.requests.push({ path: u.pathname, query: u.searchParams, headers: req.headers });
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers['x-auth-token'] !== this.secretKey) {
      reply(401, { message: 'authentication is denied', method: 'api_key', reason: 'invalid_argument', type: 'denied_authentication' });
      return;
    }
    if (this.#failure !== null) { reply(this.#failure.status, { message: this.#failure.message, type: 'unknown' }); return; }
    const q = u.searchParams;
    let key: string, items: APIObject[];
    let m: RegExpExecArray | null;
    if ((m = /^\/instance\/v1\/zones\/([^/]+)\/servers$/.exec(u.pathname)) !== null) {
      key = 'servers';
      const name = q.get('name'), tags = (q.get('tags') ?? '').split(',').filter((t) => t !== '');
      items = (this.instances.get(m[1]!) ?? []).filter((s) => (name === null || String(s['name']).includes(name))
        && tags.every((t) => Array.isArray(s['tags']) && s['tags'].includes(t)));
    } else if ((m = /^\/ipam\/v1\/regions\/([^/]+)\/ips$/.exec(u.pathname)) !== null) {
      key = 'ips';
      const ids = q.getAll('resource_ids'), types = q.getAll('resource_types');
      items = (this.ipamIPs.get(m[1]!) ?? []).filter((ip) => {
        const r = (ip['resource'] ?? {}) as Record<string, unknown>;
        return (ids.length === 0 || ids.includes(String(r['id']))) && (types.length === 0 || types.includes(String(r['type'])));
      });
    } else if ((m = /^\/baremetal\/v1\/zones\/([^/]+)\/(servers|offers|os)$/.exec(u.pathname)) !== null) {
      const kind = m[2] as 'servers' | 'offers' | 'os';
      key = kind;
      const z = this.baremetal.get(m[1]!);
      items = z?.[kind] ?? [];
      if (kind === 'servers') {
        const name = q.get('name'), tags = (q.get('tags') ?? '').split(',').filter((t) => t !== '');
        items = items.filter((s) => (name === null || String(s['name']).includes(name)) && tags.every((t) => Array.isArray(s['tags']) && s['tags'].includes(t)));
      }
    } else {
      reply(404, { message: 'resource is not found', type: 'not_found' });
      return;
    }
    const perPage = Math.min(100, Math.max(1, Number.parseInt(q.get('per_page') ?? '', 10) || this.defaultPerPage));
    const page = Math.max(1, Number.parseInt(q.get('page') ?? '', 10) || 1);
    reply(200, { [key]: items.slice((page - 1) * perPage, page * perPage), total_count: items.length }, { 'X-Total-Count': String(items.length) });
  }
}
