/**
 * An HTTP client built from Prometheus's common `HTTPClientConfig`, for scraping, discovery,
 * alerting and remote storage. Requests carry the configured headers and credentials, follow
 * redirects (at most 10, dropping credentials when the chain leaves the original host, as
 * Go's client does), time out, and read the body under a size limit. Errors read like
 * Prometheus's (`Get "http://host/metrics": context deadline exceeded`).
 */
import { readFile } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import type { HTTPClientConfig, HTTPHeader } from '../config/types.js';
import { Cancel } from './cancel.js';
import { contentCoding, readBody, readPushed, streamBody, streamPushed, type ContentCoding } from './body.js';
import { HTTPClientError, classifyTransportError, wrapURLError } from './errors.js';
import { H1Pool, requestHead } from './h1-pool.js';
import { OAuth2TokenSource } from './oauth2.js';
import { readSecret, secretSource, type SecretSource } from './secret.js';
import { Transport } from './transport.js';

export interface HTTPRequest {
  /** Default GET. */
  method?: string;
  url: string;
  /** Request headers; names are case-insensitive. */
  headers?: Readonly<Record<string, string>>;
  body?: Uint8Array | string;
  /** Aborts the request and the body read ("context canceled"). */
  signal?: AbortSignal;
  /**
   * The same as `signal` without an AbortSignal: a fresh `Cancel` per request, whose
   * `abort()` cancels it. For callers that make many requests under one long-lived signal
   * (a scrape loop): each AbortSignal listener costs more than the request's head.
   */
  cancel?: Cancel;
  /** Deadline for the whole exchange, body included ("context deadline exceeded"); 0 or absent: none. */
  timeoutMs?: number;
  /**
   * The largest body accepted, in bytes after gzip/deflate decoding; one byte more aborts the
   * read with a `body_limit` error. Absent: no limit.
   */
  maxBodyBytes?: number;
  /**
   * Whether to read the body of a response with this status (default: always). When it
   * returns false the body is discarded unread and the response has an empty body.
   */
  readBodyFor?: (status: number) => boolean;
  /** Decode gzip and deflate bodies by their Content-Encoding (default true). */
  decompress?: boolean;
  /**
   * Streams the body instead of buffering it (watches, long polls). Called once the final
   * response's status and headers are known: a returned function gets each (decoded) chunk
   * of the body as it arrives, in order, and `request` resolves when the body ends, with an
   * empty `body`; returning undefined reads the body as usual (an error status whose body
   * explains it). `maxBodyBytes` does not apply to a streamed body; `signal` and `timeoutMs`
   * still bound the whole exchange. A chunk function that throws aborts the request with that
   * error.
   */
  streamBody?: (status: number, headers: Readonly<Record<string, string>>) => ((chunk: Buffer) => void) | undefined;
}

export interface HTTPResponse {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The whole (decoded) body. Owned by the caller. */
  body: Buffer;
}

export interface HTTPClient {
  /** The name the client was made for (a job name, "alertmanager", ...), for logs. */
  readonly name: string;
  /** Performs a request. Rejects with `HTTPClientError`; never resolves after `signal` (or `cancel`) aborted. */
  request(req: HTTPRequest): Promise<HTTPResponse>;
  /** Closes idle connections and stops using the client. */
  close(): Promise<void>;
}

export interface HTTPClientOptions {
  /** Sent unless the request sets its own User-Agent. */
  userAgent?: string;
  /**
   * Plain-HTTP GET and HEAD requests that use no proxy go over Watchfire's own HTTP/1.1
   * connections (h1-pool.ts) instead of undici: far less CPU per request (the scrape loops).
   * Chunks handed to `streamBody` are then only valid during the call.
   */
  fastHTTP1?: boolean;
}

const MAX_REDIRECTS = 10;

const SENSITIVE_ON_REDIRECT = ['authorization', 'www-authenticate', 'cookie', 'cookie2', 'proxy-authorization', 'proxy-authenticate'];

/** Request headers by lower-case name. */
type Headers = Map<string, string | string[]>;

/** A response after its head, whichever transport carried it; exactly one body method is called. */
interface RoundTrip {
  statusCode: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  /** The headers are already one string each (lower-case names, repeats joined with ", "). */
  joined: boolean;
  discard(): void;
  read(coding: ContentCoding, limit: number): Promise<Buffer>;
  stream(coding: ContentCoding, onChunk: (chunk: Buffer) => void): Promise<void>;
}

/**
 * Builds a client. Throws when the config cannot work (unreadable CA, bad certificate/key,
 * TLS versions the wrong way round), as Prometheus fails to create the client.
 */
export function newHTTPClient(cfg: HTTPClientConfig, name: string, opts: HTTPClientOptions = {}): HTTPClient {
  return new ConfiguredClient(cfg, name, opts);
}

type Auth =
  | { kind: 'none' }
  | { kind: 'basic'; user: SecretSource | null; pass: SecretSource | null }
  | { kind: 'credentials'; type: string; creds: SecretSource | null }
  | { kind: 'oauth2'; source: OAuth2TokenSource };

class ConfiguredClient implements HTTPClient {
  readonly name: string;
  readonly #cfg: HTTPClientConfig;
  readonly #transport: Transport;
  readonly #auth: Auth;
  readonly #userAgent: string;
  readonly #extraHeaders: [string, HTTPHeader][];
  readonly #h1: H1Pool | null;
  /** Parsed request URLs (the same few are requested again and again); never modified. */
  readonly #urls = new Map<string, URL>();
  /** No credentials and no configured headers: nothing is added to a request per request. */
  readonly #plain: boolean;
  /** Request heads of plain GETs by URL, for the caller's headers object they were built from. */
  readonly #heads = new Map<string, { given: Readonly<Record<string, string>> | undefined; head: Buffer }>();

  constructor(cfg: HTTPClientConfig, name: string, opts: HTTPClientOptions) {
    this.name = name;
    this.#h1 = opts.fastHTTP1 === true ? new H1Pool() : null;
    this.#cfg = cfg;
    this.#userAgent = opts.userAgent ?? '';
    this.#transport = new Transport({ tls: cfg.tls_config, proxy: cfg, http2: cfg.enable_http2 });
    this.#extraHeaders = cfg.http_headers === null ? [] : Object.entries(cfg.http_headers).map(([k, v]) => [k.toLowerCase(), v]);
    if (cfg.oauth2 !== null) {
      this.#auth = { kind: 'oauth2', source: new OAuth2TokenSource(cfg.oauth2) };
    } else if (cfg.basic_auth !== null) {
      const b = cfg.basic_auth;
      this.#auth = { kind: 'basic', user: secretSource(b.username, b.username_file), pass: secretSource(b.password, b.password_file) };
    } else if (cfg.authorization !== null) {
      const a = cfg.authorization;
      this.#auth = { kind: 'credentials', type: a.type === '' ? 'Bearer' : a.type, creds: secretSource(a.credentials, a.credentials_file) };
    } else if (cfg.bearer_token !== '' || cfg.bearer_token_file !== '') {
      this.#auth = { kind: 'credentials', type: 'Bearer', creds: secretSource(cfg.bearer_token, cfg.bearer_token_file) };
    } else {
      this.#auth = { kind: 'none' };
    }
    this.#plain = this.#auth.kind === 'none' && this.#extraHeaders.length === 0;
  }

  async request(req: HTTPRequest): Promise<HTTPResponse> {
    const cancel = req.cancel ?? new Cancel();
    let timedOut = false;
    const outer = req.signal;
    const onAbort = (): void => { cancel.abort(); };
    if (outer !== undefined) {
      if (outer.aborted) cancel.abort();
      else outer.addEventListener('abort', onAbort, { once: true });
    }
    const timeoutMs = req.timeoutMs ?? 0;
    const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; cancel.abort(); }, timeoutMs) : undefined;
    const abortError = (): HTTPClientError => timedOut
      ? new HTTPClientError('timeout', 'context deadline exceeded')
      : new HTTPClientError('canceled', 'context canceled');

    let method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = this.#parseURL(req.url);
    } catch (e) {
      throw new HTTPClientError('other', `parse ${JSON.stringify(req.url)}: invalid URL`, { cause: e });
    }
    // Built when a request needs them (the plain path has its request head cached).
    let headers: Headers | null = null;
    let body = req.body;
    const originalHost = url.hostname.toLowerCase();
    let crossHost = false;

    try {
      let res: RoundTrip;
      for (let redirects = 0; ; redirects++) {
        try {
          if (cancel.aborted) throw abortError();
          res = redirects === 0 && this.#plainH1(method, url, body)
            ? await this.#roundTripPlain(url, req.url, req.headers, cancel)
            : await this.#roundTrip(method, url, (headers ??= this.#baseHeaders(req.headers)), body, crossHost, cancel);
        } catch (e) {
          const ce = cancel.aborted ? abortError() : classifyTransportError(e, hostPort(url));
          throw wrapURLError(method, url.href, ce);
        }
        const loc = res.headers['location'];
        if (!this.#cfg.follow_redirects || !isRedirect(res.statusCode) || typeof loc !== 'string' || loc === '') break;
        let next: URL;
        try {
          next = new URL(loc, url);
        } catch (e) {
          res.discard();
          throw wrapURLError(method, url.href, new HTTPClientError('redirect', `failed to parse Location header ${JSON.stringify(loc)}`, { cause: e }));
        }
        res.discard();
        if (redirects >= MAX_REDIRECTS) {
          throw wrapURLError(method, next.href, new HTTPClientError('redirect', `stopped after ${MAX_REDIRECTS} redirects`));
        }
        if ((res.statusCode === 301 || res.statusCode === 302 || res.statusCode === 303) && method !== 'GET' && method !== 'HEAD') {
          method = 'GET';
          body = undefined;
        }
        if (!crossHost && !isDomainOrSubdomain(next.hostname.toLowerCase(), originalHost)) {
          crossHost = true;
          headers ??= this.#baseHeaders(req.headers);
          for (const h of SENSITIVE_ON_REDIRECT) headers.delete(h);
        }
        url = next;
      }
      let out: Record<string, string>;
      if (res.joined) {
        out = res.headers as Record<string, string>;
      } else {
        out = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        }
      }
      if (req.readBodyFor !== undefined && !req.readBodyFor(res.statusCode)) {
        res.discard();
        return { status: res.statusCode, statusText: res.statusText, headers: out, body: Buffer.alloc(0) };
      }
      const coding = req.decompress === false ? 'identity' : contentCoding(headerString(res.headers['content-encoding']));
      const onChunk = req.streamBody?.(res.statusCode, out);
      if (onChunk !== undefined) {
        try {
          await res.stream(coding, onChunk);
        } catch (e) {
          if (e instanceof HTTPClientError) throw e;
          if (cancel.aborted) throw abortError();
          throw new HTTPClientError('body', e instanceof Error ? e.message : String(e), { cause: e });
        }
        return { status: res.statusCode, statusText: res.statusText, headers: out, body: Buffer.alloc(0) };
      }
      const limit = req.maxBodyBytes ?? Infinity;
      let buf: Buffer;
      try {
        buf = await res.read(coding, limit);
      } catch (e) {
        if (e instanceof HTTPClientError) throw e;
        if (cancel.aborted) throw abortError();
        throw new HTTPClientError('body', e instanceof Error ? e.message : String(e), { cause: e });
      }
      return { status: res.statusCode, statusText: res.statusText, headers: out, body: buf };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }

  #parseURL(s: string): URL {
    let u = this.#urls.get(s);
    if (u === undefined) {
      u = new URL(s);
      if (this.#urls.size >= 4096) this.#urls.clear();
      this.#urls.set(s, u);
    }
    return u;
  }

  /** Request headers by lower-case name, with the client's User-Agent unless the request sets one. */
  #baseHeaders(given: Readonly<Record<string, string>> | undefined): Headers {
    const headers: Headers = new Map();
    if (given !== undefined) for (const [k, v] of Object.entries(given)) headers.set(k.toLowerCase(), v);
    if (this.#userAgent !== '' && !headers.has('user-agent')) headers.set('user-agent', this.#userAgent);
    return headers;
  }

  /**
   * Whether a request goes over the built-in HTTP/1.1 transport with nothing to add per
   * request (no credentials, no configured headers): its request head depends only on the
   * URL and the caller's headers, so it is built once (`#roundTripPlain`).
   */
  #plainH1(method: string, url: URL, body: Uint8Array | string | undefined): boolean {
    return this.#h1 !== null && this.#plain && method === 'GET' && body === undefined && url.protocol === 'http:'
      && this.#transport.proxy.proxyFor(url) === null;
  }

  /**
   * A plain GET over the built-in transport with its request head from the cache: the same
   * scrape is sent again and again, so its head bytes are built the first time only (and
   * again when the caller passes another headers object).
   */
  async #roundTripPlain(url: URL, urlText: string, given: Readonly<Record<string, string>> | undefined, cancel: Cancel): Promise<RoundTrip> {
    let c = this.#heads.get(urlText);
    if (c === undefined || c.given !== given) {
      c = { given, head: Buffer.from(requestHead('GET', url, this.#baseHeaders(given)), 'utf8') };
      if (this.#heads.size >= 4096) this.#heads.clear();
      this.#heads.set(urlText, c);
    }
    const r = await this.#h1!.exchange(url, c.head, false, cancel);
    return {
      statusCode: r.status, statusText: r.statusText, headers: r.headers, joined: true, discard: r.discard,
      read: (coding, limit) => readPushed(r.body, coding, limit),
      stream: (coding, onChunk) => streamPushed(r.body, coding, onChunk),
    };
  }

  async #roundTrip(method: string, url: URL, base: Headers, body: Uint8Array | string | undefined, crossHost: boolean, cancel: Cancel): Promise<RoundTrip> {
    const h: Headers = new Map(base);
    for (const [name, hv] of this.#extraHeaders) {
      for (const v of hv.values) addHeader(h, name, v);
      for (const v of hv.secrets) addHeader(h, name, v);
      for (const f of hv.files) {
        let v: string;
        try {
          v = (await readFile(f, 'utf8')).trim();
        } catch (e) {
          throw new HTTPClientError('auth', `unable to read headers file ${f}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
        addHeader(h, name, v);
      }
    }
    // Credentials never follow a redirect to another host.
    if (!crossHost) await this.#authorize(h, cancel.signal);
    if (this.#h1 !== null && url.protocol === 'http:' && body === undefined && (method === 'GET' || method === 'HEAD') && this.#transport.proxy.proxyFor(url) === null) {
      const r = await this.#h1.exchange(url, requestHead(method, url, h), method === 'HEAD', cancel);
      return {
        statusCode: r.status, statusText: r.statusText, headers: r.headers, joined: true, discard: r.discard,
        read: (coding, limit) => readPushed(r.body, coding, limit),
        stream: (coding, onChunk) => streamPushed(r.body, coding, onChunk),
      };
    }
    const d = await this.#transport.dispatcherFor(url);
    const opts: Dispatcher.RequestOptions & { servername?: string } = {
      origin: url.origin,
      path: url.pathname + url.search,
      method,
      headers: Object.fromEntries(h),
      body: body === undefined ? null : typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      signal: cancel.signal,
      // Our own deadline covers the exchange; undici's idle timers would only add other wordings.
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    const sn = this.#transport.tls.options.servername;
    if (url.protocol === 'https:' && sn !== undefined) opts.servername = sn;
    const res = await d.request(opts);
    return {
      statusCode: res.statusCode, statusText: res.statusText, headers: res.headers, joined: false,
      discard: () => { discard(res.body); },
      read: (coding, limit) => readBody(res.body, coding, limit),
      stream: (coding, onChunk) => streamBody(res.body, coding, onChunk),
    };
  }

  async #authorize(h: Headers, signal: AbortSignal): Promise<void> {
    const a = this.#auth;
    switch (a.kind) {
      case 'none': return;
      case 'oauth2':
        // The token always replaces a caller's header, as Go's oauth2 transport does.
        h.set('authorization', await a.source.authorization(headerString(h.get('user-agent')) ?? '', signal));
        return;
      case 'basic': {
        if (h.has('authorization')) return;
        let user: string, pass: string;
        try {
          user = await readSecret(a.user);
        } catch (e) {
          throw new HTTPClientError('auth', `unable to read basic auth username: ${(e as Error).message}`, { cause: e });
        }
        try {
          pass = await readSecret(a.pass);
        } catch (e) {
          throw new HTTPClientError('auth', `unable to read basic auth password: ${(e as Error).message}`, { cause: e });
        }
        h.set('authorization', 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64'));
        return;
      }
      case 'credentials': {
        if (h.has('authorization')) return;
        let creds: string;
        try {
          creds = await readSecret(a.creds);
        } catch (e) {
          throw new HTTPClientError('auth', `unable to read authorization credentials: ${(e as Error).message}`, { cause: e });
        }
        h.set('authorization', `${a.type} ${creds}`);
        return;
      }
      default: {
        const never: never = a;
        return never;
      }
    }
  }

  async close(): Promise<void> {
    this.#h1?.close();
    const all = [this.#transport.close()];
    if (this.#auth.kind === 'oauth2') all.push(this.#auth.source.close());
    await Promise.allSettled(all);
  }
}

/** Drops a body we do not read; undici reports the abort as an error event, which nobody needs. */
function discard(b: Dispatcher.ResponseData['body']): void {
  b.on('error', () => undefined);
  b.destroy();
}

function addHeader(h: Headers, name: string, v: string): void {
  const cur = h.get(name);
  if (cur === undefined) h.set(name, v);
  else if (Array.isArray(cur)) h.set(name, [...cur, v]);
  else h.set(name, [cur, v]);
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function hostPort(u: URL): string {
  const host = u.hostname;
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
  return `${host}:${port}`;
}

/** Whether `sub` is `parent` or a subdomain of it (IP addresses only match exactly), as Go decides. */
function isDomainOrSubdomain(sub: string, parent: string): boolean {
  if (parent === '') return false;
  if (sub === parent) return true;
  if (sub.includes(':') || sub.includes('%') || sub.startsWith('[')) return false;
  if (!sub.endsWith(parent)) return false;
  return sub.charAt(sub.length - parent.length - 1) === '.';
}
