/**
 * What the HTTP integrations share, as Alertmanager's notify package provides it: posting a
 * body with the User-Agent and Content-Type set, classifying a response (2xx success; 5xx
 * and the integration's extra codes retried; anything else permanent, with the body in the
 * error), truncation to rune and byte limits with `…`, the group key's SHA-256, secrets read
 * from files, and the template data of a notification.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { HTTPClientConfig } from '../../config/types.js';
import { PACKAGE_VERSION } from '../../util/package-info.js';
import { type HTTPClient, type HTTPResponse, HTTPClientError, defaultHTTPClientConfig, newHTTPClient } from '../../httpclient/index.js';
import type { NotifyContext, NotifyResult } from '../notify/index.js';
import type { Alert } from '../store/index.js';
import { type NotificationTemplate, type TemplateData, templateData } from '../template/index.js';

let userAgent = `Watchfire/${PACKAGE_VERSION}`;

/** The User-Agent of notification requests (Alertmanager sends `Alertmanager/<version>`). */
export function receiversUserAgent(): string {
  return userAgent;
}

/** Sets the User-Agent of notification requests made from now on. */
export function setReceiversUserAgent(ua: string): void {
  userAgent = ua;
}

/** An HTTP client for an integration's `http_config` (the global one when unset). */
export function integrationClient(cfg: HTTPClientConfig | null, kind: string): HTTPClient {
  return newHTTPClient(cfg ?? defaultHTTPClientConfig(), kind, { userAgent });
}

export interface PostOptions {
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** 0 or absent: only the flush's deadline (ctx.signal) bounds the request. */
  readonly timeoutMs?: number;
  readonly method?: string;
}

/** Posts `body`; rejects with `HTTPClientError` on a transport failure. */
export function post(client: HTTPClient, url: string, body: string | Uint8Array, signal: AbortSignal, o: PostOptions = {}): Promise<HTTPResponse> {
  const headers: Record<string, string> = { 'User-Agent': userAgent, 'Content-Type': o.contentType ?? 'application/json', ...o.headers };
  return client.request({
    method: o.method ?? 'POST', url, body, signal, headers, maxBodyBytes: 1 << 20,
    ...(o.timeoutMs !== undefined && o.timeoutMs > 0 ? { timeoutMs: o.timeoutMs } : {}),
  });
}

/** A failure carrying its retry decision (what `notify` resolves to). */
export class NotifyFailure extends Error {
  override readonly name = 'NotifyFailure';
  readonly retry: boolean;
  constructor(message: string, retry: boolean, options?: ErrorOptions) {
    super(message, options);
    this.retry = retry;
  }
}

export interface RetrierOptions {
  /** Status codes retried besides 5xx. */
  readonly retryCodes?: readonly number[];
  /** Replaces the response body in the error text ('' for none). */
  readonly details?: (status: number, body: Buffer) => string;
}

/**
 * Alertmanager's Retrier.Check: null on 2xx; otherwise `unexpected status code N[: details]`,
 * retried on 5xx and the extra codes.
 */
export function checkResponse(status: number, body: Buffer, o: RetrierOptions = {}): NotifyFailure | null {
  if (Math.floor(status / 100) === 2) return null;
  const retry = Math.floor(status / 100) === 5 || (o.retryCodes ?? []).includes(status);
  const details = o.details !== undefined ? o.details(status, body) : body.toString('utf8');
  return new NotifyFailure(`unexpected status code ${status}${details !== '' ? `: ${details}` : ''}`, retry);
}

/** Transport failures are retried (the pipeline stops retrying when the flush's deadline passes). */
export function transportFailure(e: unknown, prefix = ''): NotifyFailure {
  const msg = e instanceof Error ? e.message : String(e);
  return new NotifyFailure(prefix === '' ? msg : `${prefix}: ${msg}`, true, { cause: e });
}

/** Converts a thrown failure into the result `notify` resolves to. */
export function toResult(e: unknown): NotifyResult {
  if (e instanceof NotifyFailure) return { retry: e.retry, error: e };
  if (e instanceof HTTPClientError) return { retry: true, error: e };
  return { retry: false, error: e instanceof Error ? e : new Error(String(e)) };
}

const MARKER = '…';

/** Truncates to `n` code points, the last one replaced by `…` when cut. */
export function truncateInRunes(s: string, n: number): { s: string; truncated: boolean } {
  const r = Array.from(s);
  if (r.length <= n) return { s, truncated: false };
  if (n <= 3) return { s: r.slice(0, n).join(''), truncated: true };
  return { s: r.slice(0, n - 1).join('') + MARKER, truncated: true };
}

/** Truncates to `n` UTF-8 bytes, ending in `…` (3 bytes) when cut, never splitting a character. */
export function truncateInBytes(s: string, n: number): { s: string; truncated: boolean } {
  if (Buffer.byteLength(s, 'utf8') <= n) return { s, truncated: false };
  if (n <= 3) return { s: n === 3 ? MARKER : '.'.repeat(n), truncated: true };
  const r = Array.from(s);
  let out = '';
  let bytes = 0;
  for (const ch of r) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (bytes + b > n - 3) break;
    out += ch;
    bytes += b;
  }
  return { s: out + MARKER, truncated: true };
}

/** The hex SHA-256 of a group key (PagerDuty dedup keys, Opsgenie aliases). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A secret given inline or in a file (trimmed); '' when neither. */
export async function secretValue(inline: string, file: string, what: string): Promise<string> {
  if (inline !== '') return inline;
  if (file === '') return '';
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (e) {
    throw new NotifyFailure(`failed to read ${what} from file: ${e instanceof Error ? e.message : String(e)}`, false, { cause: e });
  }
}

/** Alertmanager's external URL as templates print it (no trailing slash). */
export function externalURLText(u: string): string {
  return u.replace(/\/+$/, '');
}

/** The template data of a notification, as the integrations build it from the flush. */
export function notificationData(ctx: NotifyContext, alerts: readonly Alert[]): TemplateData {
  return templateData(ctx.receiverName, ctx.groupLabels, alerts, externalURLText(ctx.externalURL), ctx.now);
}

/** The shared dependencies of an integration's notifier. */
export interface NotifierDeps {
  readonly template: NotificationTemplate;
}
