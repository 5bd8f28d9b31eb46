/**
 * Test support: a fake of the two Hetzner APIs discovery reads, on 127.0.0.1 (port 0):
 *
 * - Hetzner Cloud under `/v1`: `GET /v1/servers` and `GET /v1/networks`, paged by `page`
 *   and `per_page` (default 25, at most 50) with `meta.pagination` as the API gives it
 *   (`next_page` null on the last page); servers filtered by `label_selector` (`k`, `!k`,
 *   `k=v`, `k==v`, `k!=v`, comma-separated; anything else is 400 invalid_input); a bearer
 *   token is required (401 `{"error": {"code": "unauthorized", ...}}`, with
 *   `X-Correlation-Id`);
 * - Hetzner Robot: `GET /server` with basic auth (401 `{"error": {"status": 401, "code":
 *   "UNAUTHORIZED", ...}}`), answering `[{"server": {...}}]`;
 * - `fail(status)` makes every request fail with the API's error body.
 *
 * Not part of the component's API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';

export type APIObject = Record<string, unknown>;

function matchSelector(labels: Record<string, unknown>, selector: string): boolean | null {
  for (const raw of selector.split(',')) {
    const term = raw.trim();
    if (term === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^([\w.\-/]+)\s*(==|=|!=)\s*([\w.\-/]*)$/.exec(term)) !== null) {
      const has = Object.hasOwn(labels, m[1]!), v = labels[m[1]!];
      if (m[2] === '!=' ? has && v === m[3] : !(has && v === m[3])) return false;
    } else if ((m = /^!([\w.\-/]+)$/.exec(term)) !== null) {
      if (Object.hasOwn(labels, m[1]!)) return false;
    } else if ((m = /^([\w.\-/]+)$/.exec(term)) !== null) {
      if (!Object.hasOwn(labels, m[1]!)) return false;
    } else {
      return null;
    }
  }
  return true;
}

export class FakeHetzner extends FakeHttpServer {
  readonly token: string;
  readonly robotUser: string;
  readonly robotPassword: string;
  servers: APIObject[] = [];
  networks: APIObject[] = [];
  robot: APIObject[] = [];
  readonly requests: { path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }[] = [];
  #failure: number | null = null;

  constructor(o: { token?: string; robotUser?: string; robotPassword?: string } = {}) {
    super();
    this.token = o.token ?? 'hcloud-token';
    this.robotUser = o.robotUser ?? 'robot-user';
    this.robotPassword = o.robotPassword ?? 'robot-password';
  }

  get hcloudEndpoint(): string { return `http://127.0.0.1:${this.port}/v1`; }
  get robotEndpoint(): string { return `http://127.0.0.1:${this.port}`; }

  fail(status: number | null): void {
    this.#failure = status;
  }


  protected handle(req: IncomingMessage, _body: string, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', this.robotEndpoint);
    this.requests.push({ path: u.pathname, query: u.searchParams, headers: req.headers });
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (u.pathname.startsWith('/v1/')) {
      const hcloudError = (status: number, code: string, message: string): void => {
        reply(status, { error: { code, message, details: null } }, { 'X-Correlation-Id': 'c0ffee' });
      };
      if (req.headers.authorization !== `Bearer ${this.token}`) { hcloudError(401, 'unauthorized', 'unable to authenticate'); return; }
      if (this.#failure !== null) { hcloudError(this.#failure, 'service_error', 'service is unavailable'); return; }
      let key: string, items: APIObject[];
      if (u.pathname === '/v1/servers') {
        key = 'servers';
        const sel = u.searchParams.get('label_selector') ?? '';
        const kept: APIObject[] = [];
        for (const s of this.servers) {
          const m = matchSelector((s['labels'] ?? {}) as Record<string, unknown>, sel);
          if (m === null) { hcloudError(400, 'invalid_input', 'invalid label_selector'); return; }
          if (m) kept.push(s);
        }
        items = kept;
      } else if (u.pathname === '/v1/networks') {
        key = 'networks';
        items = this.networks;
      } else {
        hcloudError(404, 'not_found', 'not found');
        return;
      }
      const perPage = Math.min(50, Math.max(1, Number.parseInt(u.searchParams.get('per_page') ?? '', 10) || 25));
      const page = Math.max(1, Number.parseInt(u.searchParams.get('page') ?? '', 10) || 1);
      const last = Math.max(1, Math.ceil(items.length / perPage));
      reply(200, {
        [key]: items.slice((page - 1) * perPage, page * perPage),
        meta: { pagination: { page, per_page: perPage, previous_page: page > 1 ? page - 1 : null, next_page: page < last ? page + 1 : null, last_page: last, total_entries: items.length } },
      });
      return;
    }
    if (u.pathname === '/server') {
      const want = 'Basic ' + Buffer.from(`${this.robotUser}:${this.robotPassword}`).toString('base64');
      if (req.headers.authorization !== want) { reply(401, { error: { status: 401, code: 'UNAUTHORIZED', message: 'Unauthorized' } }); return; }
      if (this.#failure !== null) { reply(this.#failure, { error: { status: this.#failure, code: 'INTERNAL_ERROR', message: 'Internal error' } }); return; }
      reply(200, this.robot);
      return;
    }
    reply(404, { error: { status: 404, code: 'NOT_FOUND', message: 'Not found' } });
  }
}
