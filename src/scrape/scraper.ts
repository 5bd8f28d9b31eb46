/**
 * Fetching one target: the HTTP request with Prometheus's scrape headers, the status check,
 * and the body read under `body_size_limit`, with errors worded as Prometheus words them.
 */
import { HTTPClientError, type HTTPClient } from '../httpclient/index.js';
import type { Target } from './target.js';

export interface ScrapeResult {
  /** The (decoded) body; owned by the caller. */
  body: Buffer;
  contentType: string;
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
  /** Fetches the target once. Rejects with `ScrapeError` (or any error, taken as a transport failure). */
  scrape(signal: AbortSignal): Promise<ScrapeResult>;
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

export class TargetScraper implements Scraper {
  readonly #target: Target;
  readonly #o: TargetScraperOptions;
  readonly #headers: Record<string, string>;

  constructor(target: Target, o: TargetScraperOptions) {
    this.#target = target;
    this.#o = o;
    this.#headers = {
      'Accept': o.acceptHeader,
      'Accept-Encoding': o.enableCompression ? 'gzip' : 'identity',
      'User-Agent': o.userAgent,
      'X-Prometheus-Scrape-Timeout-Seconds': String(o.timeoutMs / 1000),
    };
  }

  async scrape(signal: AbortSignal): Promise<ScrapeResult> {
    const o = this.#o;
    const limit = o.bodySizeLimit > 0 ? o.bodySizeLimit - 1 : undefined;
    let res;
    try {
      res = await o.client.request({
        url: this.#target.scrapeURL,
        headers: this.#headers,
        signal,
        timeoutMs: o.timeoutMs,
        // Like Prometheus, a failed status is reported without reading the body.
        readBodyFor: (status) => status === 200,
        ...(limit === undefined ? {} : { maxBodyBytes: limit }),
      });
    } catch (e) {
      if (e instanceof HTTPClientError && e.kind === 'body_limit') {
        o.onBodySizeLimit();
        throw new ScrapeError('body_limit', 'body size limit exceeded', { cause: e });
      }
      throw new ScrapeError('transport', e instanceof Error ? e.message : String(e), { cause: e });
    }
    if (res.status !== 200) {
      throw new ScrapeError('http_status', `server returned HTTP status ${res.status} ${res.statusText}`.trimEnd());
    }
    return { body: res.body, contentType: res.headers['content-type'] ?? '' };
  }
}
