/**
 * Test support: a fake Kubernetes API server on 127.0.0.1 serving the list and watch protocol
 * of the resources Kubernetes SD reads, as the API documents it:
 *
 * - one cluster-wide resource version, bumped by every change; objects carry theirs;
 * - list: `GET <collection>` with labelSelector, fieldSelector, limit and continue tokens;
 *   items sorted by namespace/name; the list's `metadata.resourceVersion` is the current one;
 * - watch: `?watch=1|true` (or the legacy `/watch/` path) from `resourceVersion`: the changes
 *   after it (replayed from history), then live ones; with none or "0", synthetic ADDED events
 *   for the current objects first. Objects that start or stop matching the selectors arrive
 *   as ADDED or DELETED. BOOKMARK events carry the current version when asked for
 *   (`allowWatchBookmarks`), and the stream ends after `timeoutSeconds`;
 * - a version older than the retained history is expired: the watch answers 200 with an
 *   ERROR event carrying a 410 `Status` (as the API server does), or, when configured, HTTP
 *   410; an expired continue token is HTTP 410;
 * - bearer token authentication (401 `Status` otherwise), `/version`, `/api`, `/apis`.
 *
 * Failure controls for tests: `dropWatches()` cuts every watch stream, `compact()` forgets
 * the history, `failWith(code)` answers every request with that status, `down()`/`up()` stop
 * and restart the listener on the same port. Pagination serves later pages from the current
 * state rather than a snapshot (the watch from the list's version catches up either way).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SelectorError, fieldMatcher, labelMatcher, type Matcher } from './testing-selectors.js';

type JSONObject = Record<string, unknown>;

interface Kind {
  kind: string;
  apiVersion: string;
  groupPath: string;
  namespaced: boolean;
}

export type FakeResource = 'pods' | 'services' | 'endpoints' | 'nodes' | 'namespaces' | 'endpointslices' | 'ingresses' | 'replicasets' | 'jobs';

export const FAKE_RESOURCES: Readonly<Record<string, Kind>> = {
  pods: { kind: 'Pod', apiVersion: 'v1', groupPath: '/api/v1', namespaced: true },
  services: { kind: 'Service', apiVersion: 'v1', groupPath: '/api/v1', namespaced: true },
  endpoints: { kind: 'Endpoints', apiVersion: 'v1', groupPath: '/api/v1', namespaced: true },
  nodes: { kind: 'Node', apiVersion: 'v1', groupPath: '/api/v1', namespaced: false },
  namespaces: { kind: 'Namespace', apiVersion: 'v1', groupPath: '/api/v1', namespaced: false },
  endpointslices: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', groupPath: '/apis/discovery.k8s.io/v1', namespaced: true },
  ingresses: { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', groupPath: '/apis/networking.k8s.io/v1', namespaced: true },
  replicasets: { kind: 'ReplicaSet', apiVersion: 'apps/v1', groupPath: '/apis/apps/v1', namespaced: true },
  jobs: { kind: 'Job', apiVersion: 'batch/v1', groupPath: '/apis/batch/v1', namespaced: true },
};

interface Change {
  rv: number;
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: JSONObject;
  prev: JSONObject | null;
}

interface Watch {
  resource: string;
  ns: string;
  match: Matcher;
  res: ServerResponse;
  timers: NodeJS.Timeout[];
}

export interface FakeAPIServerOptions {
  /** Required bearer token; none: no authentication. */
  token?: string;
  /** How often watches that allow bookmarks get one (default 1 s). */
  bookmarkIntervalMs?: number;
  /** How an expired watch version is answered (default: an ERROR event, as the API server does). */
  expiredAs?: 'event' | 'status';
  /** Changes kept for resuming watches (default 10000). */
  historyLimit?: number;
}

export interface RequestRecord {
  path: string;
  query: URLSearchParams;
  watch: boolean;
  userAgent: string;
  authorization: string;
}

export class FakeKubeAPIServer {
  readonly #o: Required<Omit<FakeAPIServerOptions, 'token'>> & { token: string };
  readonly #objects = new Map<string, Map<string, JSONObject>>();
  readonly #history: Change[] = [];
  readonly #watches = new Set<Watch>();
  #rv = 100;
  /** Versions at or below this are gone from the history. */
  #compactedRV = 100;
  #server: Server | null = null;
  #port = 0;
  #failWith: number | null = null;
  /** BOOKMARK events written so far, over all watches. */
  bookmarksSent = 0;
  readonly requests: RequestRecord[] = [];
  /** Called with each request before it is answered (tests change state between pages). */
  onRequest: ((r: RequestRecord) => void) | null = null;

  constructor(o: FakeAPIServerOptions = {}) {
    this.#o = { token: o.token ?? '', bookmarkIntervalMs: o.bookmarkIntervalMs ?? 1000, expiredAs: o.expiredAs ?? 'event', historyLimit: o.historyLimit ?? 10_000 };
    for (const r of Object.keys(FAKE_RESOURCES)) this.#objects.set(r, new Map());
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get resourceVersion(): string {
    return String(this.#rv);
  }

  get activeWatches(): number {
    return this.#watches.size;
  }

  /** Starts listening (again on the same port after `down`). */
  async up(): Promise<void> {
    if (this.#server !== null) return;
    const s = createServer((req, res) => { this.#handle(req, res); });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.#port, '127.0.0.1', () => { resolve(); });
    });
    this.#port = (s.address() as AddressInfo).port;
    this.#server = s;
  }

  /** Stops listening and cuts every connection. */
  async down(): Promise<void> {
    const s = this.#server;
    if (s === null) return;
    this.#server = null;
    this.dropWatches();
    s.closeAllConnections();
    await new Promise<void>((resolve) => { s.close(() => { resolve(); }); });
  }

  /** Answers every request with this status (null: serve again). */
  failWith(code: number | null): void {
    this.#failWith = code;
  }

  /** Cuts every watch stream without a clean end, as a dropped connection does. */
  dropWatches(): void {
    for (const w of [...this.#watches]) {
      this.#endWatch(w);
      w.res.destroy();
    }
  }

  /** Forgets the history: watches from any version before now are expired. */
  compact(): void {
    this.#compactedRV = this.#rv;
    this.#history.length = 0;
  }

  /** Creates or replaces an object (namespace "default" when a namespaced object has none). */
  apply(resource: FakeResource, obj: JSONObject): void {
    const k = FAKE_RESOURCES[resource]!;
    const o = structuredClone(obj);
    const meta = (o['metadata'] ??= {}) as JSONObject;
    if (k.namespaced && typeof meta['namespace'] !== 'string') meta['namespace'] = 'default';
    if (!k.namespaced) delete meta['namespace'];
    const key = keyOf(meta);
    const store = this.#objects.get(resource)!;
    const prev = store.get(key) ?? null;
    meta['uid'] ??= prev !== null ? (prev['metadata'] as JSONObject)['uid'] : `uid-${resource}-${key.replace('/', '-')}`;
    meta['resourceVersion'] = String(++this.#rv);
    store.set(key, o);
    this.#record({ rv: this.#rv, resource, type: prev === null ? 'ADDED' : 'MODIFIED', obj: o, prev });
  }

  /** Deletes an object; false when there was none. */
  remove(resource: FakeResource, ns: string, name: string): boolean {
    const store = this.#objects.get(resource)!;
    const key = FAKE_RESOURCES[resource]!.namespaced ? `${ns}/${name}` : name;
    const prev = store.get(key);
    if (prev === undefined) return false;
    store.delete(key);
    const final = structuredClone(prev);
    (final['metadata'] as JSONObject)['resourceVersion'] = String(++this.#rv);
    this.#record({ rv: this.#rv, resource, type: 'DELETED', obj: final, prev });
    return true;
  }

  /** The stored object, if any (a copy). */
  get(resource: FakeResource, ns: string, name: string): JSONObject | undefined {
    const o = this.#objects.get(resource)!.get(FAKE_RESOURCES[resource]!.namespaced ? `${ns}/${name}` : name);
    return o !== undefined ? structuredClone(o) : undefined;
  }

  #record(c: Change): void {
    this.#history.push(c);
    if (this.#history.length > this.#o.historyLimit) {
      const dropped = this.#history.splice(0, this.#history.length - this.#o.historyLimit);
      this.#compactedRV = dropped[dropped.length - 1]!.rv;
    }
    for (const w of this.#watches) if (w.resource === c.resource) this.#deliver(w, c);
  }

  #deliver(w: Watch, c: Change): void {
    const meta = c.obj['metadata'] as JSONObject;
    if (w.ns !== '' && meta['namespace'] !== w.ns) return;
    const was = c.prev !== null && w.match(c.prev);
    const is = c.type !== 'DELETED' && w.match(c.obj);
    let type: Change['type'] | null;
    if (c.type === 'DELETED') type = was ? 'DELETED' : null;
    else if (is) type = was ? 'MODIFIED' : 'ADDED';
    else type = was ? 'DELETED' : null;
    if (type !== null) this.#send(w, type, c.obj);
  }

  #send(w: Watch, type: string, obj: JSONObject): void {
    const k = FAKE_RESOURCES[w.resource]!;
    w.res.write(JSON.stringify({ type, object: { kind: k.kind, apiVersion: k.apiVersion, ...obj } }) + '\n');
  }

  #endWatch(w: Watch): void {
    for (const t of w.timers) clearTimeout(t);
    this.#watches.delete(w);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://fake');
    let path = u.pathname;
    let watch = u.searchParams.get('watch') === '1' || u.searchParams.get('watch') === 'true';
    const legacy = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/watch(\/.*)$/.exec(path);
    if (legacy !== null) {
      path = legacy[1]! + legacy[2]!;
      watch = true;
    }
    const rec: RequestRecord = { path, query: u.searchParams, watch, userAgent: req.headers['user-agent'] ?? '', authorization: req.headers.authorization ?? '' };
    this.requests.push(rec);
    this.onRequest?.(rec);
    if (this.#failWith !== null) { status(res, this.#failWith, 'InternalError', 'the fake API server is failing on purpose'); return; }
    if (this.#o.token !== '' && req.headers.authorization !== `Bearer ${this.#o.token}`) { status(res, 401, 'Unauthorized', 'Unauthorized'); return; }
    if (path === '/version') {
      json(res, 200, { major: '1', minor: '30', gitVersion: 'v1.30.0', platform: 'linux/amd64' });
      return;
    }
    if (path === '/api') { json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }); return; }
    if (path === '/apis') {
      const groups = ['discovery.k8s.io', 'networking.k8s.io', 'apps', 'batch'].map((g) => ({
        name: g, versions: [{ groupVersion: `${g}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' },
      }));
      json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
      return;
    }
    const target = parseCollection(path);
    if (target === null) { status(res, 404, 'NotFound', 'the server could not find the requested resource'); return; }
    let match: Matcher;
    try {
      const lm = labelMatcher(u.searchParams.get('labelSelector') ?? '');
      const fm = fieldMatcher(u.searchParams.get('fieldSelector') ?? '', target.resource);
      match = (o) => lm(o) && fm(o);
    } catch (e) {
      if (e instanceof SelectorError) { status(res, 400, 'BadRequest', e.message); return; }
      throw e;
    }
    if (watch) this.#watch(res, target.resource, target.ns, match, u.searchParams);
    else this.#list(res, target.resource, target.ns, match, u.searchParams);
  }

  #current(resource: string, ns: string, match: Matcher): [string, JSONObject][] {
    const out: [string, JSONObject][] = [];
    for (const [k, o] of this.#objects.get(resource)!) {
      if (ns !== '' && (o['metadata'] as JSONObject)['namespace'] !== ns) continue;
      if (match(o)) out.push([k, o]);
    }
    return out.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  }

  #list(res: ServerResponse, resource: string, ns: string, match: Matcher, q: URLSearchParams): void {
    const k = FAKE_RESOURCES[resource]!;
    let items = this.#current(resource, ns, match);
    let listRV = this.#rv;
    const cont = q.get('continue') ?? '';
    if (cont !== '') {
      let token: { rv: number; start: string };
      try {
        token = JSON.parse(Buffer.from(cont, 'base64').toString('utf8')) as { rv: number; start: string };
      } catch {
        status(res, 400, 'BadRequest', 'continue key is not valid: illegal base64 data');
        return;
      }
      if (token.rv <= this.#compactedRV) {
        status(res, 410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
        return;
      }
      listRV = token.rv;
      items = items.filter(([key]) => key > token.start);
    }
    const limit = Number.parseInt(q.get('limit') ?? '0', 10);
    let next = '';
    if (limit > 0 && items.length > limit) {
      items = items.slice(0, limit);
      next = Buffer.from(JSON.stringify({ rv: listRV, start: items[items.length - 1]![0] })).toString('base64');
    }
    json(res, 200, {
      kind: `${k.kind}List`, apiVersion: k.apiVersion,
      metadata: { resourceVersion: String(listRV), ...(next !== '' ? { continue: next } : {}) },
      items: items.map(([, o]) => o),
    });
  }

  #watch(res: ServerResponse, resource: string, ns: string, match: Matcher, q: URLSearchParams): void {
    const rvParam = q.get('resourceVersion') ?? '';
    const from = rvParam === '' || rvParam === '0' ? null : Number(rvParam);
    if (from !== null && (!Number.isSafeInteger(from) || from < this.#compactedRV)) {
      const msg = `too old resource version: ${rvParam} (${this.#compactedRV + 1})`;
      if (this.#o.expiredAs === 'status') { status(res, 410, 'Expired', msg); return; }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.end(JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', msg) }) + '\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const w: Watch = { resource, ns, match, res, timers: [] };
    if (from === null) {
      for (const [, o] of this.#current(resource, ns, match)) this.#send(w, 'ADDED', o);
    } else {
      for (const c of this.#history) if (c.rv > from && c.resource === resource) this.#deliver(w, c);
    }
    this.#watches.add(w);
    res.on('close', () => { this.#endWatch(w); });
    const timeout = Number.parseInt(q.get('timeoutSeconds') ?? '0', 10);
    if (timeout > 0) w.timers.push(setTimeout(() => { this.#endWatch(w); res.end(); }, timeout * 1000));
    if (q.get('allowWatchBookmarks') === 'true') {
      const k = FAKE_RESOURCES[resource]!;
      const tick = (): void => {
        if (!this.#watches.has(w)) return;
        this.bookmarksSent++;
        w.res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: k.kind, apiVersion: k.apiVersion, metadata: { resourceVersion: String(this.#rv) } } }) + '\n');
        w.timers.push(setTimeout(tick, this.#o.bookmarkIntervalMs));
      };
      w.timers.push(setTimeout(tick, this.#o.bookmarkIntervalMs));
    }
  }
}

function keyOf(meta: JSONObject): string {
  const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
  const name = String(meta['name']);
  return ns !== '' ? `${ns}/${name}` : name;
}

/** The resource and namespace of a collection path, or null. */
function parseCollection(path: string): { resource: string; ns: string } | null {
  for (const [resource, k] of Object.entries(FAKE_RESOURCES)) {
    if (!path.startsWith(k.groupPath + '/')) continue;
    const rest = path.slice(k.groupPath.length + 1).split('/');
    if (rest.length === 1 && rest[0] === resource) return { resource, ns: '' };
    if (k.namespaced && rest.length === 3 && rest[0] === 'namespaces' && rest[2] === resource) return { resource, ns: decodeURIComponent(rest[1]!) };
  }
  return null;
}

function statusBody(code: number, reason: string, message: string): JSONObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, statusBody(code, reason, message));
}

function json(res: ServerResponse, code: number, body: unknown): void {
  const b = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) });
  res.end(b);
}
