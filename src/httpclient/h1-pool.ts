/**
 * The built-in HTTP/1.1 transport: idle keep-alive connections by `host:port`, and one
 * exchange (request head out, response head and body in) on them. Used instead of undici for
 * plain-HTTP GET and HEAD requests without a proxy when a client is made with `fastHTTP1`
 * (the scrape loops). As Go's transport does, a request that finds its reused connection
 * closed by the server before any byte of an answer is sent again on another connection, and
 * idle connections are closed after 5 minutes.
 */
import type { Cancel } from './cancel.js';
import { HTTPClientError } from './errors.js';
import { H1Connection, type ChunkSink, type H1ConnectionOwner, type H1Response } from './h1-connection.js';

/** Prometheus's HTTP client closes connections idle for this long. */
export const IDLE_TIMEOUT_MS = 5 * 60 * 1000;
/** Idle connections kept per host:port (more are closed). */
const MAX_IDLE_PER_HOST = 64;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * The request head for `method url` with `headers` (lower-case names). Throws on a header
 * that would break the message, with Go's wording.
 */
export function requestHead(method: string, url: URL, headers: ReadonlyMap<string, string | readonly string[]>): string {
  let s = `${method} ${url.pathname === '' ? '/' : url.pathname}${url.search} HTTP/1.1\r\n`;
  if (!headers.has('host')) s += `host: ${url.host}\r\n`;
  for (const [name, v] of headers) {
    if (!TOKEN.test(name)) throw new HTTPClientError('other', `net/http: invalid header field name ${JSON.stringify(name)}`);
    if (typeof v === 'string') {
      if (BAD_VALUE.test(v)) throw new HTTPClientError('other', `net/http: invalid header field value for ${JSON.stringify(name)}`);
      s += `${name}: ${v}\r\n`;
    } else {
      for (const x of v) {
        if (BAD_VALUE.test(x)) throw new HTTPClientError('other', `net/http: invalid header field value for ${JSON.stringify(name)}`);
        s += `${name}: ${x}\r\n`;
      }
    }
  }
  return s + '\r\n';
}

export class H1Pool implements H1ConnectionOwner {
  readonly #idle = new Map<string, H1Connection[]>();
  readonly #open = new Set<H1Connection>();
  #closed = false;
  #sweeper: NodeJS.Timeout | null = null;

  /**
   * Sends the request head on an idle connection to the URL's host (or a new one) and
   * resolves with the response head. Rejections are socket errors (ECONNREFUSED, ...),
   * `HTTPClientError`s, or a plain Error once `cancel` aborted.
   */
  async exchange(url: URL, head: string | Buffer, isHead: boolean, cancel: Cancel): Promise<H1Response> {
    if (this.#closed) throw new Error('http client closed');
    let host = url.hostname;
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    const port = url.port === '' ? 80 : Number(url.port);
    const key = `${host}:${port}`;
    for (let c = this.#take(key); c !== null; c = this.#take(key)) {
      try {
        return await c.exchange(head, isHead, cancel);
      } catch (e) {
        // The server closed the idle connection as the request went out: try another.
        if (cancel.aborted || c.answered) throw e;
      }
    }
    const c = new H1Connection(host, port, key, this);
    this.#open.add(c);
    return c.exchange(head, isHead, cancel);
  }

  #take(key: string): H1Connection | null {
    const list = this.#idle.get(key);
    if (list === undefined) return null;
    const now = Date.now();
    for (let c = list.pop(); c !== undefined; c = list.pop()) {
      if (c.closed) continue;
      if (now - c.idleSince >= IDLE_TIMEOUT_MS) {
        c.destroy();
        continue;
      }
      return c;
    }
    this.#idle.delete(key);
    return null;
  }

  release(c: H1Connection): void {
    if (this.#closed) {
      c.destroy();
      return;
    }
    let list = this.#idle.get(c.key);
    if (list === undefined) this.#idle.set(c.key, (list = []));
    if (list.length >= MAX_IDLE_PER_HOST) {
      c.destroy();
      return;
    }
    list.push(c);
    this.#sweeper ??= setInterval(() => { this.#sweep(); }, 60_000).unref();
  }

  closed(c: H1Connection): void {
    this.#open.delete(c);
    const list = this.#idle.get(c.key);
    if (list === undefined) return;
    const i = list.indexOf(c);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#idle.delete(c.key);
  }

  #sweep(): void {
    const now = Date.now();
    for (const list of [...this.#idle.values()]) {
      for (const c of list.slice()) if (now - c.idleSince >= IDLE_TIMEOUT_MS) c.destroy();
    }
    if (this.#idle.size === 0 && this.#sweeper !== null) {
      clearInterval(this.#sweeper);
      this.#sweeper = null;
    }
  }

  /** Closes every connection; exchanges in progress fail. */
  close(): void {
    this.#closed = true;
    if (this.#sweeper !== null) clearInterval(this.#sweeper);
    this.#sweeper = null;
    for (const c of [...this.#open]) c.destroy();
    this.#open.clear();
    this.#idle.clear();
  }
}

export type { ChunkSink, H1Response };
