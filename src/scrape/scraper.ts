/**
 * Fetching one target: the HTTP request with Prometheus's scrape headers, the status check,
 * and the body read under `body_size_limit`, with errors worded as Prometheus words them.
 */
import { HTTPClientError, type Cancel, type HTTPClient } from '../httpclient/index.js';
import type { Target } from './target.js';

export interface ScrapeResult {
  /** The (decoded) body. Valid until `release` is called (owned by the caller when there is none). */
  body: Buffer;
  contentType: string;
  /** Gives the body's memory back for reuse; call once the body is no longer read. */
  release?: () => void;
}

/** Why a scrape failed before parsing. */
export type ScrapeFailure = 'http_status' | 'body_limit' | 'transport';

export class ScrapeError extends Error {
  override readonly name = 'ScrapeError';
  readonly failure: ScrapeFailure;
  constructor(failure: ScrapeFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.failure = failure;
  }
}

/** What the scrape loop needs from a scraper; tests substitute their own. */
export interface Scraper {
  /**
   * Fetches the target once; `cancel.abort()` ends it. Rejects with `ScrapeError` (or any
   * error, taken as a transport failure).
   */
  scrape(cancel: Cancel): Promise<ScrapeResult>;
}

export interface TargetScraperOptions {
  client: HTTPClient;
  timeoutMs: number;
  /** Bytes; 0 for no limit. A body of this size or more fails, as in Prometheus. */
  bodySizeLimit: number;
  acceptHeader: string;
  enableCompression: boolean;
  userAgent: string;
  /** Called once per scrape that hit the body size limit. */
  onBodySizeLimit: () => void;
}

/**
 * Reusable body buffers. A body read into a fresh Buffer per scrape (the client's chunks
 * joined) is memory outside the JS heap, and V8 starts a full garbage collection for every
 * 64 MiB of it: at a few hundred scrapes a second that was most of the collections of a
 * large head. A scrape takes a buffer when its body starts arriving (not while it waits for
 * the response) and gives it back once the body is appended; released buffers are kept up
 * to a total size, so that the scrapes in flight at a peak find theirs here (with 300 targets
 * at 2 s, a pool of 64 buffers still let ~3 MB/s of new buffers through).
 */
const bodyPool: Buffer[] = [];
let bodyPoolBytes = 0;
const BODY_POOL_BYTES = 32 << 20;
/** Buffers that grew past this are not kept. */
const BODY_KEEP_MAX = 4 << 20;
const BODY_MIN = 64 * 1024;
const EMPTY_BODY = Buffer.alloc(0);

/** A pooled buffer of at least `min` bytes, or a new one. */
function takeBody(min: number): Buffer {
  for (let i = bodyPool.length - 1; i >= 0; i--) {
    const b = bodyPool[i]!;
    if (b.length < min) continue;
    bodyPool[i] = bodyPool[bodyPool.length - 1]!;
    bodyPool.pop();
    bodyPoolBytes -= b.length;
    return b;
  }
  let cap = BODY_MIN;
  while (cap < min) cap *= 2;
  return Buffer.allocUnsafe(cap);
}

function giveBody(b: Buffer): void {
  if (b.length > BODY_KEEP_MAX || bodyPoolBytes + b.length > BODY_POOL_BYTES) return;
  bodyPool.push(b);
  bodyPoolBytes += b.length;
}

/** A target's body buffer, reused from scrape to scrape (a target is scraped one scrape at a time). */
class BodyReader {
  buf: Buffer = EMPTY_BODY;
  len = 0;
  readonly #limit: number;
  /** The size the body will probably have (the target's last one). */
  #hint = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Starts a body; a buffer still held from the last one goes back to the pool. */
  begin(hint: number): void {
    if (this.buf !== EMPTY_BODY) giveBody(this.buf);
    this.buf = EMPTY_BODY;
    this.len = 0;
    this.#hint = hint;
  }

  /** Appends a decoded chunk; past the limit, fails the read as the client's own limit would. */
  readonly add = (chunk: Buffer): void => {
    const need = this.len + chunk.length;
    if (need > this.#limit) throw new HTTPClientError('body_limit', `response body exceeds the limit of ${this.#limit} bytes`);
    if (need > this.buf.length) {
      const b = takeBody(Math.max(need, this.#hint, this.buf.length * 2));
      if (this.len > 0) this.buf.copy(b, 0, 0, this.len);
      if (this.buf !== EMPTY_BODY) giveBody(this.buf);
      this.buf = b;
    }
    chunk.copy(this.buf, this.len);
    this.len = need;
  };

  readonly release = (): void => {
    if (this.buf !== EMPTY_BODY) giveBody(this.buf);
    this.buf = EMPTY_BODY;
    this.len = 0;
  };
}

export class TargetScraper implements Scraper {
  readonly #target: Target;
  readonly #o: TargetScraperOptions;
  readonly #headers: Record<string, string>;
  /** Size of the last body, to take a buffer that fits at once. */
  #lastBodyBytes = 0;
  readonly #reader: BodyReader;

  constructor(target: Target, o: TargetScraperOptions) {
    this.#target = target;
    this.#o = o;
    this.#reader = new BodyReader(o.bodySizeLimit > 0 ? o.bodySizeLimit - 1 : Infinity);
    this.#headers = {
      'Accept': o.acceptHeader,
      'Accept-Encoding': o.enableCompression ? 'gzip' : 'identity',
      'User-Agent': o.userAgent,
      'X-Prometheus-Scrape-Timeout-Seconds': String(o.timeoutMs / 1000),
    };
  }

  async scrape(cancel: Cancel): Promise<ScrapeResult> {
    const o = this.#o;
    const body = this.#reader;
    body.begin(this.#lastBodyBytes);
    let res;
    try {
      res = await o.client.request({
        url: this.#target.scrapeURL,
        headers: this.#headers,
        cancel,
        timeoutMs: o.timeoutMs,
        // Like Prometheus, a failed status is reported without reading the body.
        readBodyFor: (status) => status === 200,
        // The (decoded) body goes into a reused buffer, under the body size limit.
        streamBody: (status) => (status === 200 ? body.add : undefined),
      });
    } catch (e) {
      body.release();
      if (e instanceof HTTPClientError && e.kind === 'body_limit') {
        o.onBodySizeLimit();
        throw new ScrapeError('body_limit', 'body size limit exceeded', { cause: e });
      }
      throw new ScrapeError('transport', e instanceof Error ? e.message : String(e), { cause: e });
    }
    if (res.status !== 200) {
      body.release();
      throw new ScrapeError('http_status', `server returned HTTP status ${res.status} ${res.statusText}`.trimEnd());
    }
    this.#lastBodyBytes = body.len;
    return { body: body.buf.subarray(0, body.len), contentType: res.headers['content-type'] ?? '', release: body.release };
  }
}
