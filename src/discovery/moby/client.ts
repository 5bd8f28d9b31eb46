/**
 * A minimal Docker Engine API client for discovery: list endpoints only, JSON answers.
 *
 * The host is given as Docker spells it: `unix:///var/run/docker.sock`, `tcp://host:port`, or
 * `http(s)://host:port[/base]`. As in Prometheus, only http and https hosts use the config's
 * HTTP client settings (credentials, TLS, proxy, headers); a unix socket or a tcp host is
 * reached directly over plain HTTP, since those settings do not apply to Docker's own
 * transports. Every request is bounded by the refresh interval.
 *
 * The API version is negotiated as Docker's client does: the first request pings `/_ping`
 * and uses the daemon's `Api-Version` (at most the newest version this client knows, 1.24 if
 * the daemon names none); later requests are prefixed with `/v<version>`. A failed ping is
 * retried on the next request. Errors read like Docker's client ("Error response from daemon:
 * ...", "Cannot connect to the Docker daemon at ... Is the docker daemon running?").
 */
import { Agent, type Dispatcher } from 'undici';
import type { HTTPClientConfig } from '../../config/types.js';
import { HTTPClientError, newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { parseList } from './json.js';

/** The newest API version this client speaks; an older daemon's version is used as it is. */
export const MAX_API_VERSION = '1.47';
/** What Docker's client assumes of a daemon that does not say. */
export const FALLBACK_API_VERSION = '1.24';
const MAX_BODY_BYTES = 100 * 1024 * 1024;

/** Docker's list filters: name → values (`label` → [`a=b`, `c`]). */
export type DockerFilters = ReadonlyMap<string, readonly string[]>;

export interface DockerClientOptions {
  host: string;
  /** Used for http and https hosts only. */
  httpClient: HTTPClientConfig;
  /** Deadline of each request (Prometheus: the refresh interval). */
  timeoutMs: number;
  /** The HTTP client's name (`docker_sd`, `dockerswarm_sd`). */
  name: string;
  userAgent?: string;
}

/** The transport of one host kind; resolves the status, the body text and the headers. */
interface Transport {
  get(path: string, signal: AbortSignal, timeoutMs: number): Promise<{ status: number; statusText: string; headers: Readonly<Record<string, string>>; body: string }>;
  close(): Promise<void>;
}

/** `filters` as Docker's client encodes it: a JSON object of name → {value: true}, keys sorted. */
export function encodeFilters(f: DockerFilters): string {
  const names = [...f.keys()].filter((n) => (f.get(n)?.length ?? 0) > 0).sort();
  if (names.length === 0) return '';
  const out: Record<string, Record<string, boolean>> = {};
  for (const n of names) {
    const vals: Record<string, boolean> = {};
    for (const v of [...f.get(n)!].sort()) vals[v] = true;
    out[n] = vals;
  }
  return JSON.stringify(out);
}

/** Compares dotted API versions numerically (`1.9` < `1.40`). */
export function compareAPIVersions(a: string, b: string): number {
  const pa = a.split('.'), pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.parseInt(pa[i] ?? '0', 10) || 0, y = Number.parseInt(pb[i] ?? '0', 10) || 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export class DockerClient {
  readonly host: string;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  #version: string | null = null;

  /** Throws when the host cannot be used (unknown protocol, unusable TLS files, ...). */
  constructor(o: DockerClientOptions) {
    this.host = o.host;
    this.#timeoutMs = o.timeoutMs;
    let u: URL;
    try {
      u = new URL(o.host);
    } catch (e) {
      throw new Error(`unable to parse docker host \`${o.host}\``, { cause: e });
    }
    const base = u.pathname.replace(/\/+$/, '');
    switch (u.protocol) {
      case 'unix:':
        this.#transport = new DirectTransport(o.host, 'http://localhost', u.pathname, '', o.userAgent);
        break;
      case 'tcp:':
        if (u.host === '') throw new Error(`unable to parse docker host \`${o.host}\``);
        this.#transport = new DirectTransport(o.host, `http://${u.host}`, null, base, o.userAgent);
        break;
      case 'http:': case 'https:':
        this.#transport = new ConfiguredTransport(o.host, `${u.protocol}//${u.host}${base}`, newHTTPClient(o.httpClient, o.name, o.userAgent !== undefined ? { userAgent: o.userAgent } : {}));
        break;
      default:
        throw new Error(`protocol not available: ${u.protocol.slice(0, -1)}`);
    }
  }

  /** The negotiated API version, null before the first successful ping. */
  get apiVersion(): string | null {
    return this.#version;
  }

  /** GETs a list endpoint (`/containers/json`, `/networks`, ...) with optional filters. */
  async list(path: string, filters: DockerFilters | null, signal: AbortSignal, what: string): Promise<readonly unknown[]> {
    const version = this.#version ?? await this.#negotiate(signal);
    const f = filters === null ? '' : encodeFilters(filters);
    const full = `/v${version}${path}${f !== '' ? `?filters=${encodeURIComponent(f)}` : ''}`;
    const r = await this.#transport.get(full, signal, this.#timeoutMs);
    if (r.status < 200 || r.status >= 400) throw new Error(daemonError(r.status, r.statusText, r.headers, r.body, full));
    return parseList(r.body, what);
  }

  async #negotiate(signal: AbortSignal): Promise<string> {
    const r = await this.#transport.get('/_ping', signal, this.#timeoutMs);
    // Docker's client takes the version from the headers whatever the status.
    let v = (r.headers['api-version'] ?? '').trim();
    if (v === '') v = FALLBACK_API_VERSION;
    if (compareAPIVersions(v, MAX_API_VERSION) > 0) v = MAX_API_VERSION;
    this.#version = v;
    return v;
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}

/** The error of a failed request, worded as Docker's client words it. */
function daemonError(status: number, statusText: string, headers: Readonly<Record<string, string>>, body: string, path: string): string {
  const text = body.trim();
  if (text === '') return `request returned ${statusText !== '' ? statusText : `status ${status}`} for API route and version ${path}, check if the server supports the requested API version`;
  if ((headers['content-type'] ?? '').includes('json')) {
    try {
      const j = JSON.parse(text) as unknown;
      if (typeof j === 'object' && j !== null && 'message' in j && typeof j.message === 'string') return `Error response from daemon: ${j.message}`;
    } catch {
      // Not JSON after all: the text is the message.
    }
  }
  return `Error response from daemon: ${text}`;
}

function connectionFailed(host: string): string {
  return `Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?`;
}

/** http and https hosts: the configured HTTP client. */
class ConfiguredTransport implements Transport {
  readonly #host: string;
  readonly #base: string;
  readonly #client: HTTPClient;

  constructor(host: string, base: string, client: HTTPClient) {
    this.#host = host;
    this.#base = base;
    this.#client = client;
  }

  async get(path: string, signal: AbortSignal, timeoutMs: number): ReturnType<Transport['get']> {
    try {
      const r = await this.#client.request({ url: this.#base + path, signal, timeoutMs, maxBodyBytes: MAX_BODY_BYTES });
      return { status: r.status, statusText: r.statusText, headers: r.headers, body: r.body.toString('utf8') };
    } catch (e) {
      if (e instanceof HTTPClientError && e.kind === 'connect') throw new Error(connectionFailed(this.#host), { cause: e });
      throw e;
    }
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

/** unix sockets and tcp hosts: plain HTTP without the config's client settings, as Docker's own transport. */
class DirectTransport implements Transport {
  readonly #host: string;
  readonly #origin: string;
  readonly #base: string;
  readonly #agent: Agent;
  readonly #userAgent: string | undefined;

  constructor(host: string, origin: string, socketPath: string | null, base: string, userAgent: string | undefined) {
    this.#host = host;
    this.#origin = origin;
    this.#base = base;
    this.#userAgent = userAgent;
    this.#agent = new Agent(socketPath !== null ? { connect: { socketPath } } : {});
  }

  async get(path: string, signal: AbortSignal, timeoutMs: number): ReturnType<Transport['get']> {
    const ac = new AbortController();
    let timedOut = false;
    const onAbort = (): void => { ac.abort(); };
    if (signal.aborted) ac.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; ac.abort(); }, timeoutMs) : undefined;
    try {
      const headers: Record<string, string> = {};
      if (this.#userAgent !== undefined) headers['user-agent'] = this.#userAgent;
      let res: Dispatcher.ResponseData;
      try {
        res = await this.#agent.request({ origin: this.#origin, path: this.#base + path, method: 'GET', headers, signal: ac.signal, headersTimeout: 0, bodyTimeout: 0 });
      } catch (e) {
        throw this.#error(e, ac.signal.aborted, timedOut);
      }
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
      const chunks: Buffer[] = [];
      let n = 0;
      try {
        for await (const c of res.body) {
          const b = c as Buffer;
          n += b.length;
          if (n > MAX_BODY_BYTES) { res.body.destroy(); throw new Error(`response body larger than ${MAX_BODY_BYTES} bytes`); }
          chunks.push(b);
        }
      } catch (e) {
        throw this.#error(e, ac.signal.aborted, timedOut);
      }
      return { status: res.statusCode, statusText: res.statusText, headers: out, body: Buffer.concat(chunks).toString('utf8') };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  #error(e: unknown, aborted: boolean, timedOut: boolean): Error {
    if (aborted) return new Error(timedOut ? 'context deadline exceeded' : 'context canceled', { cause: e });
    const code = errCode(e);
    switch (code) {
      case 'ECONNREFUSED': case 'ENOENT': case 'ECONNRESET': case 'EHOSTUNREACH': case 'ENETUNREACH': case 'ENOTFOUND': case 'UND_ERR_SOCKET': case 'UND_ERR_CLOSED':
        return new Error(connectionFailed(this.#host), { cause: e });
      case 'EACCES':
        return new Error(`permission denied while trying to connect to the Docker daemon socket at ${this.#host}`, { cause: e });
      default:
        return e instanceof Error ? e : new Error(String(e));
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

/** The system error code of `e` or of its cause (undici wraps socket errors). */
function errCode(e: unknown): string {
  for (let x: unknown = e, i = 0; i < 3 && typeof x === 'object' && x !== null; i++) {
    if ('code' in x && typeof x.code === 'string' && x.code !== 'UND_ERR_CONNECT') {
      if (!x.code.startsWith('UND_ERR') || !('cause' in x) || x.cause === undefined) return x.code;
    }
    x = 'cause' in x ? x.cause : undefined;
  }
  return '';
}
