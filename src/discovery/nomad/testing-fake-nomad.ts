/**
 * Test support: a fake Nomad agent serving the service catalog endpoints Nomad SD uses, on
 * 127.0.0.1 (port 0, kept across `down()`/`up()`):
 *
 * - `GET /v1/services` → the namespace's services as Nomad lists them: one stub per
 *   namespace (`namespace=*`: every namespace), each service with the sorted union of its
 *   instances' tags;
 * - `GET /v1/service/<name>` → the service's registrations in the namespace (`[]` when none);
 * - `namespace` defaults to "default"; a `region` other than the agent's is 500 "No path to
 *   region"; with an ACL token set, requests need it in `X-Nomad-Token` (or
 *   `Authorization: Bearer`), else 403 "Permission denied"; answers carry `X-Nomad-Index`,
 *   `X-Nomad-KnownLeader` and `X-Nomad-LastContact` as Nomad's do;
 * - `fail(status, body, prefix)` makes requests (under a path prefix) fail until `fail(null)`.
 *
 * Not part of the component's API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';

export interface FakeRegistration {
  ID: string;
  ServiceName: string;
  Namespace?: string;
  NodeID?: string;
  Datacenter?: string;
  JobID?: string;
  AllocID?: string;
  Tags?: string[];
  Address: string;
  Port: number;
}

export interface RecordedRequest { path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }

export class FakeNomad extends FakeHttpServer {
  readonly region: string;
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  readonly #regs = new Map<string, FakeRegistration>();
  #index = 10;
  #failure: { status: number; body: string; prefix: string } | null = null;

  constructor(o: { region?: string; token?: string } = {}) {
    super();
    this.region = o.region ?? 'global';
    this.token = o.token ?? '';
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  register(r: FakeRegistration): void {
    this.#regs.set(r.ID, r);
    this.#index++;
  }

  deregister(id: string): void {
    this.#regs.delete(id);
    this.#index++;
  }

  /** Requests to paths starting with `prefix` fail with this status and body; null restores. */
  fail(status: number | null, body = '', prefix = '/'): void {
    this.#failure = status === null ? null : { status, body, prefix };
  }


  protected handle(req: IncomingMessage, _body: string, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://nomad');
    this.requests.push({ path: u.pathname, query: u.searchParams, headers: req.headers });
    const text = (status: number, body: string): void => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (this.#failure !== null && u.pathname.startsWith(this.#failure.prefix)) { text(this.#failure.status, this.#failure.body); return; }
    const bearer = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1];
    if (this.token !== '' && req.headers['x-nomad-token'] !== this.token && bearer !== this.token) { text(403, 'Permission denied'); return; }
    const region = u.searchParams.get('region') ?? this.region;
    if (region !== this.region) { text(500, 'No path to region'); return; }
    if (req.method !== 'GET') { text(405, 'Invalid method'); return; }
    const ns = u.searchParams.get('namespace') ?? 'default';
    const inNS = (r: FakeRegistration): boolean => ns === '*' || (r.Namespace ?? 'default') === ns;
    const json = (body: unknown): void => {
      res.writeHead(200, {
        'Content-Type': 'application/json', 'X-Nomad-Index': String(this.#index), 'X-Nomad-KnownLeader': 'true', 'X-Nomad-LastContact': '0',
      });
      res.end(JSON.stringify(body));
    };
    if (u.pathname === '/v1/services') {
      const byNS = new Map<string, Map<string, Set<string>>>();
      for (const r of this.#regs.values()) {
        if (!inNS(r)) continue;
        const n = r.Namespace ?? 'default';
        let svcs = byNS.get(n);
        if (svcs === undefined) { svcs = new Map(); byNS.set(n, svcs); }
        let tags = svcs.get(r.ServiceName);
        if (tags === undefined) { tags = new Set(); svcs.set(r.ServiceName, tags); }
        for (const t of r.Tags ?? []) tags.add(t);
      }
      json([...byNS.keys()].sort().map((n) => ({
        Namespace: n,
        Services: [...byNS.get(n)!.keys()].sort().map((s) => ({ ServiceName: s, Tags: [...byNS.get(n)!.get(s)!].sort() })),
      })));
      return;
    }
    const m = /^\/v1\/service\/([^/]+)$/.exec(u.pathname);
    if (m !== null) {
      const name = decodeURIComponent(m[1]!);
      json([...this.#regs.values()].filter((r) => r.ServiceName === name && inNS(r)).map((r) => ({
        ID: r.ID, ServiceName: r.ServiceName, Namespace: r.Namespace ?? 'default', NodeID: r.NodeID ?? '', Datacenter: r.Datacenter ?? 'dc1',
        JobID: r.JobID ?? '', AllocID: r.AllocID ?? '', Tags: r.Tags ?? [], Address: r.Address, Port: r.Port, CreateIndex: 10, ModifyIndex: 10,
      })));
      return;
    }
    text(404, 'Invalid URL path');
  }
}
