/**
 * Test support: a fake Consul agent serving the documented endpoints Consul SD clients use,
 * on 127.0.0.1 (port 0, kept across `down()`/`up()`):
 *
 * - `GET /v1/agent/self` → `{Config: {Datacenter, NodeName}, Member: {...}}`;
 * - `GET /v1/catalog/services` → service name → its instances' tags (sorted, unique);
 * - `GET /v1/health/service/<name>` → `[{Node, Service, Checks}]` as Consul formats them.
 *
 * Both lists are blocking queries: with `index=N` (N > 0) the answer waits until the
 * endpoint's index passes N or `wait` (Go duration, default 5m, at most 10m) expires, then
 * answers with the current data and `X-Consul-Index`. The catalog's index is the last change
 * to any instance; a service's index is the last change to its instances (or the catalog's
 * for an unknown service). `dc` must match the agent's datacenter, `tag` (repeated),
 * `node-meta` (`k:v`, repeated), `filter` (a subset of Consul's language), `ns`, `partition`
 * and `passing` are honoured; with a token configured, requests must carry it
 * (`X-Consul-Token`, `Authorization: Bearer` or `?token=`). Not part of the component's API.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { compileFilter, type FilterFn } from './testing-consul-filter.js';

export interface FakeNode {
  node: string;
  address: string;
  meta?: Record<string, string>;
  taggedAddresses?: Record<string, string>;
}

export interface FakeInstance {
  /** The node name (registered with `setNode`). */
  node: string;
  service: string;
  /** Default: the service name. */
  id?: string;
  tags?: string[];
  address?: string;
  port: number;
  meta?: Record<string, string>;
  namespace?: string;
  partition?: string;
  /** Default: the node's serfHealth and one service check, both passing. */
  checks?: { checkID: string; status: string }[];
}

export interface RecordedRequest { path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }

const HEALTH_FIELDS = ['Node', 'Service', 'Checks'];
const CATALOG_FIELDS = ['ID', 'Node', 'Address', 'Datacenter', 'TaggedAddresses', 'NodeMeta', 'ServiceID', 'ServiceName', 'ServiceTags', 'ServiceAddress', 'ServicePort', 'ServiceMeta'];

/** Go's time.ParseDuration for the units a wait uses; NaN when malformed. */
function parseGoDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0, m: RegExpExecArray | null, end = 0;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  while ((m = re.exec(s)) !== null) { total += Number(m[1]) * unit[m[2]!]!; end = re.lastIndex; }
  return end === s.length && s !== '' ? total : NaN;
}

export class FakeConsul {
  readonly datacenter: string;
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  readonly #nodes = new Map<string, FakeNode>();
  readonly #instances = new Map<string, FakeInstance>();
  readonly #serviceIndex = new Map<string, number>();
  #index = 1;
  #catalogIndex = 1;
  readonly #changes = new EventEmitter();
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(o: { datacenter?: string; token?: string } = {}) {
    this.datacenter = o.datacenter ?? 'dc1';
    this.token = o.token ?? '';
    this.#changes.setMaxListeners(0);
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }
  get address(): string { return `127.0.0.1:${this.port}`; }
  get index(): number { return this.#index; }

  async up(): Promise<void> {
    const server = createServer((req, res) => { this.#handle(req, res); });
    server.on('connection', (s: Socket) => { this.#sockets.add(s); s.once('close', () => this.#sockets.delete(s)); });
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(this.port, '127.0.0.1', () => { resolve(); }); });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops answering: closes the listener and drops every connection (blocked queries included). */
  async down(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    if (s === null) return;
    for (const c of this.#sockets) c.destroy();
    await new Promise<void>((resolve) => { s.close(() => { resolve(); }); });
  }

  /** Applies several changes as one Raft index, as a Consul transaction would. */
  change(fn: () => void): void {
    this.#batch = new Set();
    try {
      fn();
    } finally {
      const touched = this.#batch;
      this.#batch = null;
      if (touched.size > 0) this.#commit(touched);
    }
  }

  #batch: Set<string> | null = null;

  #touch(service: string): void {
    if (this.#batch !== null) this.#batch.add(service);
    else this.#commit(new Set([service]));
  }

  #commit(services: Set<string>): void {
    this.#index++;
    this.#catalogIndex = this.#index;
    for (const s of services) this.#serviceIndex.set(s, this.#index);
    this.#changes.emit('change');
  }

  setNode(n: FakeNode): void {
    this.#nodes.set(n.node, n);
    for (const i of this.#instances.values()) if (i.node === n.node) this.#touch(i.service);
  }

  register(i: FakeInstance): void {
    const id = i.id ?? i.service;
    if (!this.#nodes.has(i.node)) throw new Error(`fake consul: unknown node ${i.node}`);
    const prev = this.#instances.get(`${i.node}/${id}`);
    this.#instances.set(`${i.node}/${id}`, i);
    if (prev !== undefined && prev.service !== i.service) this.#touch(prev.service);
    this.#touch(i.service);
  }

  deregister(node: string, id: string): void {
    const i = this.#instances.get(`${node}/${id}`);
    if (i === undefined) return;
    this.#instances.delete(`${node}/${id}`);
    this.#touch(i.service);
  }

  /** Every registered instance (node/id keys). */
  instanceKeys(): string[] { return [...this.#instances.keys()]; }

  #reply(res: ServerResponse, status: number, body: unknown, index?: number): void {
    const headers: Record<string, string> = { 'Content-Type': status === 200 ? 'application/json' : 'text/plain; charset=utf-8' };
    if (index !== undefined) Object.assign(headers, { 'X-Consul-Index': String(Math.max(1, index)), 'X-Consul-KnownLeader': 'true', 'X-Consul-LastContact': '0' });
    res.writeHead(status, headers);
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://fake');
    this.requests.push({ path: u.pathname, query: u.searchParams, headers: req.headers });
    if (req.method !== 'GET') { this.#reply(res, 405, 'method not allowed'); return; }
    if (this.token !== '') {
      const given = req.headers['x-consul-token'] ?? (req.headers.authorization?.startsWith('Bearer ') === true ? req.headers.authorization.slice(7) : u.searchParams.get('token'));
      if (given !== this.token) { this.#reply(res, 403, 'ACL not found'); return; }
    }
    const dc = u.searchParams.get('dc');
    if (dc !== null && dc !== '' && dc !== this.datacenter) { this.#reply(res, 500, 'No path to datacenter'); return; }
    if (u.pathname === '/v1/agent/self') {
      this.#reply(res, 200, { Config: { Datacenter: this.datacenter, NodeName: 'fake-agent', Server: true, Version: '1.15.0' }, Member: { Name: 'fake-agent', Addr: '127.0.0.1', Port: 8301 } });
      return;
    }
    let filter: FilterFn | null = null;
    const expr = u.searchParams.get('filter');
    const isCatalog = u.pathname === '/v1/catalog/services';
    const healthPrefix = '/v1/health/service/';
    if (!isCatalog && !u.pathname.startsWith(healthPrefix)) { this.#reply(res, 404, 'not found'); return; }
    if (expr !== null && expr !== '') {
      try {
        filter = compileFilter(expr, isCatalog ? CATALOG_FIELDS : HEALTH_FIELDS);
      } catch (e) {
        this.#reply(res, 400, `Failed to create boolean expression evaluator: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
    }
    const wait = u.searchParams.get('wait');
    let waitMs = wait === null ? 5 * 60_000 : parseGoDuration(wait);
    if (Number.isNaN(waitMs)) { this.#reply(res, 400, `Invalid wait time: ${wait ?? ''}`); return; }
    waitMs = Math.min(waitMs, 10 * 60_000);
    const minIndex = Number(u.searchParams.get('index') ?? '0');
    const service = isCatalog ? '' : decodeURIComponent(u.pathname.slice(healthPrefix.length));
    const currentIndex = (): number => (isCatalog ? this.#catalogIndex : this.#serviceIndex.get(service) ?? this.#catalogIndex);
    const answer = (): void => {
      if (isCatalog) this.#reply(res, 200, this.#catalog(u.searchParams, filter), currentIndex());
      else this.#reply(res, 200, this.#health(service, u.searchParams, filter), currentIndex());
    };
    if (!(minIndex > 0) || currentIndex() > minIndex) { answer(); return; }
    // A blocking query: answer on the first change past minIndex, or when the wait expires.
    const onChange = (): void => { if (currentIndex() > minIndex) done(); };
    const done = (): void => {
      clearTimeout(timer);
      this.#changes.off('change', onChange);
      if (!res.destroyed) answer();
    };
    const timer = setTimeout(done, waitMs);
    this.#changes.on('change', onChange);
    res.on('close', () => { clearTimeout(timer); this.#changes.off('change', onChange); });
  }

  #nodeMatches(node: FakeNode, q: URLSearchParams): boolean {
    for (const nm of q.getAll('node-meta')) {
      const i = nm.indexOf(':');
      if ((node.meta ?? {})[nm.slice(0, i)] !== nm.slice(i + 1)) return false;
    }
    return true;
  }

  #visible(i: FakeInstance, q: URLSearchParams): boolean {
    const ns = q.get('ns'), part = q.get('partition');
    if (ns !== null && ns !== '' && (i.namespace ?? 'default') !== ns) return false;
    if (part !== null && part !== '' && (i.partition ?? 'default') !== part) return false;
    return this.#nodeMatches(this.#nodes.get(i.node)!, q);
  }

  #catalog(q: URLSearchParams, filter: FilterFn | null): Record<string, string[]> {
    const out = new Map<string, Set<string>>();
    for (const i of this.#instances.values()) {
      if (!this.#visible(i, q)) continue;
      const n = this.#nodes.get(i.node)!;
      if (filter !== null && !filter({
        ID: '', Node: n.node, Address: n.address, Datacenter: this.datacenter, TaggedAddresses: n.taggedAddresses ?? {}, NodeMeta: n.meta ?? {},
        ServiceID: i.id ?? i.service, ServiceName: i.service, ServiceTags: i.tags ?? [], ServiceAddress: i.address ?? '', ServicePort: i.port, ServiceMeta: i.meta ?? {},
      })) continue;
      let tags = out.get(i.service);
      if (tags === undefined) out.set(i.service, tags = new Set());
      for (const t of i.tags ?? []) tags.add(t);
    }
    return Object.fromEntries([...out].map(([k, v]) => [k, [...v].sort()]));
  }

  #health(service: string, q: URLSearchParams, filter: FilterFn | null): unknown[] {
    const wantTags = q.getAll('tag');
    const passingOnly = q.has('passing');
    const out: unknown[] = [];
    const keys = [...this.#instances.keys()].sort();
    for (const k of keys) {
      const i = this.#instances.get(k)!;
      if (i.service !== service || !this.#visible(i, q)) continue;
      const tags = i.tags ?? [];
      if (!wantTags.every((t) => tags.includes(t))) continue;
      const n = this.#nodes.get(i.node)!;
      const id = i.id ?? i.service;
      const checks = (i.checks ?? [{ checkID: 'serfHealth', status: 'passing' }, { checkID: `service:${id}`, status: 'passing' }]).map((c) => ({
        Node: n.node, CheckID: c.checkID, Name: c.checkID, Status: c.status, Notes: '', Output: '',
        ServiceID: c.checkID === 'serfHealth' ? '' : id, ServiceName: c.checkID === 'serfHealth' ? '' : service, ServiceTags: [], Type: '', CreateIndex: 1, ModifyIndex: 1,
      }));
      if (passingOnly && checks.some((c) => c.Status !== 'passing')) continue;
      const entry = {
        Node: { ID: '', Node: n.node, Address: n.address, Datacenter: this.datacenter, TaggedAddresses: n.taggedAddresses ?? {}, Meta: n.meta ?? {}, CreateIndex: 1, ModifyIndex: 1 },
        Service: {
          ID: id, Service: service, Tags: tags, Address: i.address ?? '', Meta: i.meta ?? {}, Port: i.port,
          Weights: { Passing: 1, Warning: 1 }, EnableTagOverride: false, CreateIndex: 1, ModifyIndex: 1,
          ...(i.namespace !== undefined ? { Namespace: i.namespace } : {}), ...(i.partition !== undefined ? { Partition: i.partition } : {}),
        },
        Checks: checks,
      };
      if (filter !== null && !filter(entry)) continue;
      out.push(entry);
    }
    return out;
  }
}
