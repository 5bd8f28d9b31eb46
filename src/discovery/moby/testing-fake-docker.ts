/**
 * Test support: a fake Docker Engine serving the documented list endpoints discovery uses, on
 * 127.0.0.1 (port 0, kept across `down()`/`up()`) and optionally on a unix socket:
 *
 * - `GET|HEAD /_ping` → `OK` with `Api-Version`, `Ostype`, `Docker-Experimental` headers;
 * - `GET [/v<version>]/containers/json` (running containers unless `all=1`), `/networks`,
 *   and, when in swarm mode, `/services`, `/tasks`, `/nodes`; a daemon not in swarm mode
 *   answers those with 503 as Docker does;
 * - `filters` (`{"name":{"value":true}}`, or the legacy `{"name":["value"]}`) checked per
 *   endpoint like the daemon: an unknown filter name is 400 "invalid filter 'x'"; `label`
 *   values must all match (`key` or `key=value`), the values of other filters any. Filters
 *   the fake accepts but does not evaluate (`before`, `volume`, ...) match everything;
 * - a version newer than the daemon's is 400 "client version ... is too new";
 * - with `authorization` set, requests without that exact Authorization header get 401 (a
 *   daemon behind an authenticating proxy);
 * - `fail(status, message)` makes every API request (not the ping) fail with Docker's JSON
 *   error body until `fail(null)`.
 *
 * Objects are stored as the API returns them (the caller writes the JSON). Not part of the
 * component's API.
 */
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type APIObject = Record<string, unknown>;

export interface FakeDockerRequest { method: string; path: string; query: URLSearchParams; headers: IncomingMessage['headers']; socket: 'tcp' | 'unix' }

type Accessor = (o: APIObject, value: string) => boolean;

const isObj = (v: unknown): v is APIObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (o: unknown, ...path: string[]): unknown => {
  let x: unknown = o;
  for (const p of path) x = isObj(x) ? x[p] : undefined;
  return x;
};
const strField = (o: unknown, ...path: string[]): string => {
  const v = field(o, ...path);
  return typeof v === 'string' ? v : '';
};

/** `key` or `key=value` against a labels object. */
function labelMatch(labels: unknown, want: string): boolean {
  if (!isObj(labels)) return false;
  const eq = want.indexOf('=');
  if (eq < 0) return Object.hasOwn(labels, want);
  return labels[want.slice(0, eq)] === want.slice(eq + 1);
}

const anything: Accessor = () => true;
const byID = (path: string[]): Accessor => (o, v) => strField(o, ...path).startsWith(v);
const byLabels = (path: string[]): Accessor => (o, v) => labelMatch(field(o, ...path), v);
const byRegexp = (get: (o: APIObject) => string[]): Accessor => (o, v) => {
  let re: RegExp;
  try { re = new RegExp(v); } catch { return false; }
  return get(o).some((s) => re.test(s));
};
const byExact = (path: string[]): Accessor => (o, v) => strField(o, ...path) === v;

const CONTAINER_FILTERS: Record<string, Accessor> = {
  id: byID(['Id']),
  name: byRegexp((o) => (Array.isArray(o['Names']) ? o['Names'] : []).map((n) => String(n).replace(/^\//, ''))),
  label: byLabels(['Labels']),
  status: byExact(['State']),
  ancestor: byExact(['Image']),
  network: (o, v) => {
    const nets = field(o, 'NetworkSettings', 'Networks');
    return isObj(nets) && Object.entries(nets).some(([name, n]) => name === v || strField(n, 'NetworkID').startsWith(v));
  },
  before: anything, since: anything, expose: anything, exited: anything, health: anything, isolation: anything,
  'is-task': anything, publish: anything, volume: anything,
};
const NETWORK_FILTERS: Record<string, Accessor> = {
  id: byID(['Id']), name: byRegexp((o) => [strField(o, 'Name')]), label: byLabels(['Labels']),
  driver: byExact(['Driver']), scope: byExact(['Scope']), dangling: anything, type: anything,
};
const SERVICE_FILTERS: Record<string, Accessor> = {
  id: byID(['ID']), name: (o, v) => strField(o, 'Spec', 'Name').startsWith(v), label: byLabels(['Spec', 'Labels']),
  mode: (o, v) => isObj(field(o, 'Spec', 'Mode', v === 'global' ? 'Global' : v === 'replicated' ? 'Replicated' : '-')),
};
const TASK_FILTERS: Record<string, Accessor> = {
  id: byID(['ID']), label: byLabels(['Spec', 'ContainerSpec', 'Labels']), service: byExact(['ServiceID']), node: byExact(['NodeID']),
  'desired-state': byExact(['DesiredState']), name: anything, 'up-to-date': anything,
};
const NODE_FILTERS: Record<string, Accessor> = {
  id: byID(['ID']), name: (o, v) => strField(o, 'Description', 'Hostname').startsWith(v), label: byLabels(['Description', 'Engine', 'Labels']),
  'node.label': byLabels(['Spec', 'Labels']), role: byExact(['Spec', 'Role']), membership: byExact(['Spec', 'Membership']),
};

class APIError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** Decodes `filters` into name → values; throws APIError(400) as the daemon refuses. */
function parseFilters(raw: string | null, allowed: Record<string, Accessor>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (raw === null || raw === '') return out;
  let j: unknown;
  try { j = JSON.parse(raw); } catch (e) { throw new APIError(400, `invalid filter: ${(e as Error).message}`); }
  if (!isObj(j)) throw new APIError(400, 'invalid filter');
  for (const [name, vals] of Object.entries(j)) {
    if (!Object.hasOwn(allowed, name)) throw new APIError(400, `invalid filter '${name}'`);
    const vs = Array.isArray(vals) ? vals.map(String) : isObj(vals) ? Object.keys(vals).filter((k) => vals[k] === true) : [];
    out.set(name, vs);
  }
  return out;
}

function applyFilters(items: readonly APIObject[], f: Map<string, string[]>, allowed: Record<string, Accessor>): APIObject[] {
  return items.filter((o) => {
    for (const [name, vs] of f) {
      if (vs.length === 0) continue;
      const m = allowed[name]!;
      if (name === 'label' || name === 'node.label' ? !vs.every((v) => m(o, v)) : !vs.some((v) => m(o, v))) return false;
    }
    return true;
  });
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0, y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export class FakeDocker {
  readonly apiVersion: string;
  readonly swarm: boolean;
  readonly authorization: string;
  readonly socketPath: string;
  readonly requests: FakeDockerRequest[] = [];
  containers: APIObject[] = [];
  networks: APIObject[] = [];
  services: APIObject[] = [];
  tasks: APIObject[] = [];
  nodes: APIObject[] = [];
  #failure: { status: number; message: string } | null = null;
  #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(o: { apiVersion?: string; swarm?: boolean; authorization?: string; socketPath?: string } = {}) {
    this.apiVersion = o.apiVersion ?? '1.41';
    this.swarm = o.swarm ?? false;
    this.authorization = o.authorization ?? '';
    this.socketPath = o.socketPath ?? '';
  }

  get tcpHost(): string { return `tcp://127.0.0.1:${this.port}`; }
  get httpHost(): string { return `http://127.0.0.1:${this.port}`; }
  get unixHost(): string { return `unix://${this.socketPath}`; }

  /** Every API request (not pings) fails with this status and message; null restores. */
  fail(status: number | null, message = 'internal error'): void {
    this.#failure = status === null ? null : { status, message };
  }

  /** How many API requests (not pings) went to `path` (without the version prefix). */
  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async up(): Promise<void> {
    const tcp = this.#newServer('tcp');
    await new Promise<void>((resolve, reject) => { tcp.once('error', reject); tcp.listen(this.port, '127.0.0.1', resolve); });
    this.port = (tcp.address() as AddressInfo).port;
    this.#servers.push(tcp);
    if (this.socketPath !== '') {
      rmSync(this.socketPath, { force: true });
      const unix = this.#newServer('unix');
      await new Promise<void>((resolve, reject) => { unix.once('error', reject); unix.listen(this.socketPath, resolve); });
      this.#servers.push(unix);
    }
  }

  async down(): Promise<void> {
    const all = this.#servers;
    this.#servers = [];
    for (const s of this.#sockets) s.destroy();
    await Promise.all(all.map((s) => new Promise<void>((resolve) => { s.close(() => { resolve(); }); })));
    if (this.socketPath !== '') rmSync(this.socketPath, { force: true });
  }

  #newServer(kind: 'tcp' | 'unix'): Server {
    const s = createServer((req, res) => { this.#handle(req, res, kind); });
    s.on('connection', (sock: Socket) => {
      this.#sockets.add(sock);
      sock.once('close', () => this.#sockets.delete(sock));
    });
    return s;
  }

  #handle(req: IncomingMessage, res: ServerResponse, socket: 'tcp' | 'unix'): void {
    const u = new URL(req.url ?? '/', 'http://docker');
    const method = req.method ?? 'GET';
    const common = { 'Api-Version': this.apiVersion, 'Ostype': 'linux', 'Docker-Experimental': 'false', 'Server': 'Docker/20.10.24 (linux)' };
    if (u.pathname === '/_ping') {
      res.writeHead(200, { ...common, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, no-store, must-revalidate' });
      res.end(method === 'HEAD' ? undefined : 'OK');
      return;
    }
    const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(u.pathname);
    const path = m !== null ? m[2]! : u.pathname;
    this.requests.push({ method, path, query: u.searchParams, headers: req.headers, socket });
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { ...common, 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    try {
      if (this.authorization !== '' && req.headers.authorization !== this.authorization) throw new APIError(401, 'unauthorized');
      if (m !== null && compareVersions(m[1]!, this.apiVersion) > 0) {
        throw new APIError(400, `client version ${m[1]!} is too new. Maximum supported API version is ${this.apiVersion}`);
      }
      if (this.#failure !== null) throw new APIError(this.#failure.status, this.#failure.message);
      if (method !== 'GET') throw new APIError(404, 'page not found');
      reply(200, this.#list(path, u.searchParams));
    } catch (e) {
      if (!(e instanceof APIError)) throw e;
      reply(e.status, { message: e.message });
    }
  }

  #list(path: string, q: URLSearchParams): APIObject[] {
    const f = q.get('filters');
    const swarmOnly = (): void => {
      if (!this.swarm) throw new APIError(503, 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
    };
    switch (path) {
      case '/containers/json': {
        const all = q.get('all') === '1' || q.get('all') === 'true';
        const items = all ? this.containers : this.containers.filter((c) => c['State'] === undefined || c['State'] === 'running');
        return applyFilters(items, parseFilters(f, CONTAINER_FILTERS), CONTAINER_FILTERS);
      }
      case '/networks': return applyFilters(this.networks, parseFilters(f, NETWORK_FILTERS), NETWORK_FILTERS);
      case '/services': swarmOnly(); return applyFilters(this.services, parseFilters(f, SERVICE_FILTERS), SERVICE_FILTERS);
      case '/tasks': swarmOnly(); return applyFilters(this.tasks, parseFilters(f, TASK_FILTERS), TASK_FILTERS);
      case '/nodes': swarmOnly(); return applyFilters(this.nodes, parseFilters(f, NODE_FILTERS), NODE_FILTERS);
      default: throw new APIError(404, 'page not found');
    }
  }
}
