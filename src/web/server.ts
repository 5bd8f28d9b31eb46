/**
 * The HTTP server: listens on every `--web.listen-address`, strips the route prefix, and hands
 * each request to the router, which runs the request hooks and the route. Answers 503 on
 * everything but health until the server is ready, as Prometheus does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../util/log.js';
import type { Counter, Histogram, Registry } from '../instrument/index.js';
import { Router, type RequestContext } from './router.js';
import { ApiError, respondError } from './api/v1/envelope.js';

export interface WebServerOptions {
  listenAddresses: readonly string[];
  /** Path prefix of all routes, '' or starting with '/' and without a trailing slash. */
  routePrefix: string;
  readTimeoutMs: number;
  maxConnections: number;
  logger: Logger;
  registry?: Registry;
}

export class WebServer {
  readonly router = new Router();
  readonly #opts: WebServerOptions;
  readonly #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #shutdown = new Shutdown();
  #ready = false;
  /** Paths answered while the server is not ready (everything else answers 503 then). */
  readonly #servedBeforeReady = new Set(['/-/healthy', '/-/ready', '/metrics', '/-/quit']);
  readonly #requests: Counter | null;
  readonly #duration: Histogram | null;
  readonly #size: Histogram | null;

  constructor(opts: WebServerOptions) {
    this.#opts = opts;
    const reg = opts.registry;
    this.#requests = reg?.counter({ name: 'prometheus_http_requests_total', help: 'Counter of HTTP requests.', labelNames: ['code', 'handler'] }) ?? null;
    this.#duration = reg?.histogram({ name: 'prometheus_http_request_duration_seconds', help: 'Histogram of latencies for HTTP requests.', labelNames: ['handler'], buckets: [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120] }) ?? null;
    this.#size = reg?.histogram({ name: 'prometheus_http_response_size_bytes', help: 'Histogram of response size for HTTP requests.', labelNames: ['handler'], buckets: [100, 1000, 10000, 100000, 1e6, 1e7, 1e8, 1e9] }) ?? null;
  }

  /** Marks the server ready: from now on every route answers. */
  setReady(ready: boolean): void {
    this.#ready = ready;
  }

  /**
   * Serves these paths (after the route prefix) before the server is ready too, as Prometheus
   * serves the WAL replay status and notifications during startup.
   */
  serveBeforeReady(...paths: string[]): void {
    for (const p of paths) this.#servedBeforeReady.add(p);
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** Starts listening on all addresses; resolves with the bound addresses ("host:port"). */
  async listen(): Promise<string[]> {
    const bound: string[] = [];
    for (const addr of this.#opts.listenAddresses) {
      const { host, port } = splitHostPort(addr);
      // As Go's server with Prometheus's settings: an idle keep-alive connection is closed after
      // --web.read-timeout (Go's idle timeout defaults to the read timeout), not Node's 5 s, which
      // closed connections that clients such as Grafana keep in their pools for longer.
      const srv = createServer({ requestTimeout: this.#opts.readTimeoutMs, keepAliveTimeout: this.#opts.readTimeoutMs }, (req, res) => {
        this.#handle(req, res).catch((err: unknown) => {
          this.#opts.logger.error('http handler failed', { err, path: req.url });
          if (!res.headersSent) respondError(res, new ApiError('internal', err instanceof Error ? err.message : String(err)));
          else res.destroy();
        });
      });
      srv.maxConnections = this.#opts.maxConnections;
      srv.on('connection', (s: Socket) => {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
      });
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, host === '' ? undefined : host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      const a = srv.address() as AddressInfo;
      bound.push(a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);
      this.#servers.push(srv);
    }
    return bound;
  }

  async close(): Promise<void> {
    this.#shutdown.begin();
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => { resolve(); });
      s.closeIdleConnections();
    })));
    for (const s of this.#sockets) s.destroy();
    this.#servers.length = 0;
  }

  #observe(handler: string, res: ServerResponse, started: number): void {
    if (this.#requests === null) return;
    const done = (): void => {
      this.#requests!.labels(String(res.statusCode), handler).inc();
      this.#duration!.labels(handler).observe((performance.now() - started) / 1000);
      this.#size!.labels(handler).observe(contentLength(res));
    };
    if (res.writableFinished) done();
    else res.once('finish', done);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const prefix = this.#opts.routePrefix;
    if (prefix !== '') {
      if (url.pathname === prefix) {
        res.writeHead(302, { Location: prefix + '/' });
        res.end();
        return;
      }
      if (!url.pathname.startsWith(prefix + '/')) {
        notFound(res);
        return;
      }
      url.pathname = url.pathname.slice(prefix.length);
    }
    const path = url.pathname;
    if (!this.#ready && !this.#servedBeforeReady.has(path)) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Service Unavailable');
      return;
    }
    const ctx = new Context(req, res, url, this.#shutdown);
    const started = performance.now();
    const handler = await this.router.dispatch(ctx, (c) => { notFound(c.res); });
    this.#observe(handler === '' ? 'other' : handler, res, started);
  }
}

const NO_PARAMS: Record<string, string> = Object.freeze({});

/**
 * The server's stop, as the requests that asked for a signal see it: a set of their
 * controllers rather than a listener per request on one signal (an EventTarget listener costs
 * more to add and remove than a cheap route's own work).
 */
class Shutdown {
  stopping = false;
  readonly live = new Set<AbortController>();

  begin(): void {
    this.stopping = true;
    for (const ac of this.live) ac.abort(new Error('server shutting down'));
    this.live.clear();
  }
}

/**
 * A request's context. Its signal is made when first asked for: an AbortController costs
 * more than a cheap route's own work, and many answers never need one. Once made, it aborts
 * when the client goes away before the answer is complete, or when the server stops.
 */
class Context implements RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  params: Record<string, string> = NO_PARAMS;
  readonly #shutdown: Shutdown;
  #ac: AbortController | null = null;

  constructor(req: IncomingMessage, res: ServerResponse, url: URL, shutdown: Shutdown) {
    this.req = req;
    this.res = res;
    this.url = url;
    this.method = req.method ?? 'GET';
    this.#shutdown = shutdown;
  }

  get signal(): AbortSignal {
    if (this.#ac !== null) return this.#ac.signal;
    const ac = new AbortController();
    this.#ac = ac;
    const res = this.res;
    const sd = this.#shutdown;
    if (sd.stopping) {
      ac.abort(new Error('server shutting down'));
    } else if (res.closed) {
      if (!res.writableFinished) ac.abort(new Error('client disconnected'));
    } else {
      sd.live.add(ac);
      res.once('close', () => {
        sd.live.delete(ac);
        if (!res.writableFinished) ac.abort(new Error('client disconnected'));
      });
    }
    return ac.signal;
  }
}

function contentLength(res: ServerResponse): number {
  const h = res.getHeader('content-length');
  return typeof h === 'string' ? Number(h) : typeof h === 'number' ? h : 0;
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('404 page not found\n');
}

/** Splits "host:port", "[v6]:port" or ":port". */
export function splitHostPort(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(addr);
  if (m === null) throw new Error(`address ${addr}: missing port in address`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`address ${addr}: invalid port`);
  return { host: m[1] ?? m[2] ?? '', port };
}
