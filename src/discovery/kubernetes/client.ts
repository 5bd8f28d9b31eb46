/**
 * A Kubernetes API client for list and watch over plain HTTP and JSON, as the API documents
 * them:
 *
 * - list: `GET <collection>?labelSelector=&fieldSelector=&limit=&continue=&resourceVersion=`,
 *   answered with `{metadata: {resourceVersion, continue}, items: [...]}`;
 * - watch: `GET <collection>?watch=1&resourceVersion=<rv>&allowWatchBookmarks=true&timeoutSeconds=`,
 *   answered with a stream of JSON lines `{"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object": ...}`,
 *   where an ERROR carries a `Status` (410 when the resource version has expired).
 *
 * A failed request is an `APIStatusError` when the server answered with a status (its `Status`
 * message, as client-go reports it), otherwise the HTTP client's error.
 */
import { StringDecoder } from 'node:string_decoder';
import type { HTTPClient } from '../../httpclient/index.js';
import type { KubeObject } from './api-types.js';
import { collectionPath, type Resource } from './resources.js';

export interface Selectors {
  label: string;
  field: string;
}

export interface ListPage {
  items: unknown[];
  resourceVersion: string;
  /** The token for the next page; "" on the last one. */
  continue: string;
}

export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: unknown; resourceVersion: string }
  | { type: 'BOOKMARK'; resourceVersion: string }
  | { type: 'ERROR'; error: APIStatusError };

/** An API answer with a failure `Status` (or a non-2xx status without one). */
export class APIStatusError extends Error {
  override readonly name = 'APIStatusError';
  constructor(message: string, readonly code: number, readonly reason: string) {
    super(message);
  }

  /** Whether the resource version (or continue token) asked for is no longer available: relist. */
  get expired(): boolean {
    return this.code === 410 || this.reason === 'Expired' || this.reason === 'Gone';
  }
}

/** Reads a `Status` object (or anything else) into an error, worded as client-go words it. */
export function statusError(body: unknown, httpStatus: number): APIStatusError {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const s = body as Record<string, unknown>;
    const code = typeof s['code'] === 'number' ? s['code'] : httpStatus;
    const reason = typeof s['reason'] === 'string' ? s['reason'] : '';
    const message = typeof s['message'] === 'string' && s['message'] !== '' ? s['message'] : `the server responded with the status code ${code}`;
    return new APIStatusError(message, code, reason);
  }
  return new APIStatusError(`the server responded with the status code ${httpStatus}`, httpStatus, '');
}

export interface KubeClientOptions {
  /** The API server's base URL (scheme, host, optional path prefix). */
  server: string;
  http: HTTPClient;
  userAgent: string;
  /** Deadline of one list request (default 2 min). */
  listTimeoutMs?: number;
  /**
   * Told of every request: its status code ("<error>" without a response), its endpoint (the
   * URL path with the namespace as `{namespace}`, escaped, as client-go reports it) and the
   * seconds until the response (a list's whole body; a watch's headers).
   */
  observe?: (statusCode: string, endpoint: string, seconds: number) => void;
}

export class KubeClient {
  readonly #base: string;
  readonly #http: HTTPClient;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #listTimeoutMs: number;
  readonly #observe: (statusCode: string, endpoint: string, seconds: number) => void;

  constructor(o: KubeClientOptions) {
    this.#base = o.server.replace(/\/+$/, '');
    this.#http = o.http;
    this.#headers = { accept: 'application/json', 'user-agent': o.userAgent };
    this.#listTimeoutMs = o.listTimeoutMs ?? 120_000;
    this.#observe = o.observe ?? (() => undefined);
  }

  get server(): string {
    return this.#base;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  /** One page of a list. */
  async list(r: Resource<KubeObject>, ns: string, sel: Selectors, page: { limit: number; continue: string }, signal: AbortSignal): Promise<ListPage> {
    const q = new URLSearchParams();
    if (sel.label !== '') q.set('labelSelector', sel.label);
    if (sel.field !== '') q.set('fieldSelector', sel.field);
    if (page.limit > 0) q.set('limit', String(page.limit));
    if (page.continue !== '') q.set('continue', page.continue);
    const start = performance.now();
    const endpoint = endpointOf(r, ns);
    let res;
    try {
      res = await this.#http.request({ url: this.#url(r, ns, q), headers: this.#headers, signal, timeoutMs: this.#listTimeoutMs });
    } catch (e) {
      if (!signal.aborted) this.#observe('<error>', endpoint, (performance.now() - start) / 1000);
      throw e;
    }
    this.#observe(String(res.status), endpoint, (performance.now() - start) / 1000);
    const body = parseJSON(res.body.toString('utf8'));
    if (res.status < 200 || res.status > 299) throw statusError(body, res.status);
    const o = typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Record<string, unknown> : {};
    const meta = typeof o['metadata'] === 'object' && o['metadata'] !== null ? o['metadata'] as Record<string, unknown> : {};
    return {
      items: Array.isArray(o['items']) ? o['items'] : [],
      resourceVersion: typeof meta['resourceVersion'] === 'string' ? meta['resourceVersion'] : '',
      continue: typeof meta['continue'] === 'string' ? meta['continue'] : '',
    };
  }

  /**
   * Watches from `resourceVersion`, handing each event to `onEvent` as it arrives. Resolves
   * when the server ends the stream; rejects when the request fails (an `APIStatusError` for
   * a status other than 200) or `signal` aborts. `onOpen` is called once the server accepted
   * the watch (status 200). `onEvent` may throw to stop the watch.
   */
  async watch(
    r: Resource<KubeObject>, ns: string, sel: Selectors, resourceVersion: string, timeoutSeconds: number,
    signal: AbortSignal, onEvent: (e: WatchEvent) => void, onOpen: () => void = () => undefined,
  ): Promise<void> {
    const q = new URLSearchParams();
    if (sel.label !== '') q.set('labelSelector', sel.label);
    if (sel.field !== '') q.set('fieldSelector', sel.field);
    q.set('watch', '1');
    q.set('resourceVersion', resourceVersion);
    q.set('allowWatchBookmarks', 'true');
    q.set('timeoutSeconds', String(timeoutSeconds));
    const lines = new LineSplitter((line) => { onEvent(decodeWatchEvent(line)); });
    const start = performance.now();
    const endpoint = endpointOf(r, ns);
    let responded = false;
    let res;
    try {
      res = await this.#http.request({
        url: this.#url(r, ns, q), headers: this.#headers, signal,
        // The server ends the watch after timeoutSeconds; the deadline only guards against one that does not.
        timeoutMs: (timeoutSeconds + 60) * 1000,
        streamBody: (status) => {
          responded = true;
          this.#observe(String(status), endpoint, (performance.now() - start) / 1000);
          if (status !== 200) return undefined;
          onOpen();
          return (chunk) => { lines.push(chunk); };
        },
      });
    } catch (e) {
      // Observed already when a response came; only a request that got none is an "<error>".
      if (!signal.aborted && !responded) this.#observe('<error>', endpoint, (performance.now() - start) / 1000);
      throw e;
    }
    if (res.status !== 200) throw statusError(parseJSON(res.body.toString('utf8')), res.status);
    lines.end();
  }

  #url(r: Resource<KubeObject>, ns: string, q: URLSearchParams): string {
    const qs = q.toString();
    return `${this.#base}${collectionPath(r, ns)}${qs !== '' ? '?' + qs : ''}`;
  }
}

/** The endpoint label of a collection: its path with the namespace as a placeholder, escaped. */
function endpointOf(r: Resource<KubeObject>, ns: string): string {
  return collectionPath(r, ns !== '' ? '{namespace}' : '');
}

function parseJSON(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** Decodes one line of a watch stream. Throws on a line that is not a watch event. */
export function decodeWatchEvent(line: string): WatchEvent {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new Error(`decoding watch event: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const o = typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
  const type = o['type'];
  const object = o['object'];
  const meta = typeof object === 'object' && object !== null ? (object as Record<string, unknown>)['metadata'] : undefined;
  const rv = typeof meta === 'object' && meta !== null && typeof (meta as Record<string, unknown>)['resourceVersion'] === 'string'
    ? (meta as Record<string, string>)['resourceVersion']! : '';
  switch (type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return { type, object, resourceVersion: rv };
    case 'BOOKMARK':
      return { type, resourceVersion: rv };
    case 'ERROR':
      return { type, error: statusError(object, 500) };
    default:
      throw new Error(`decoding watch event: unknown event type ${JSON.stringify(type)}`);
  }
}

/** Cuts a byte stream into lines (UTF-8 safe across chunk boundaries); blank lines are skipped. */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #carry = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.#carry + this.#decoder.write(chunk);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const line = text.slice(start, nl).trim();
      start = nl + 1;
      if (line !== '') this.onLine(line);
    }
    this.#carry = text.slice(start);
  }

  /** Flushes a last line without a newline. */
  end(): void {
    const rest = (this.#carry + this.#decoder.end()).trim();
    this.#carry = '';
    if (rest !== '') this.onLine(rest);
  }
}
