/**
 * Azure Resource Manager requests: `GET` with a bearer token and an `api-version`, JSON
 * answers, lists paged through `nextLink`. Error answers (`{"error": {"code", "message"}}`)
 * become an `ARMError` that keeps the status, so that callers can tell a missing resource
 * (404) from a failure.
 */
import { STATUS_CODES } from 'node:http';
import type { HTTPClient } from '../../httpclient/index.js';
import type { TokenCredential } from './credentials.js';

export class ARMError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ARMError';
  }
}

export interface ARMCall {
  http: HTTPClient;
  /** The Resource Manager endpoint, with a trailing slash. */
  base: string;
  credential: TokenCredential;
  signal: AbortSignal;
  timeoutMs: number;
}

/** GETs an absolute URL and returns the decoded JSON. */
export async function armGetURL(c: ARMCall, url: string): Promise<unknown> {
  const token = await c.credential.token(c.signal);
  const res = await c.http.request({ url, signal: c.signal, timeoutMs: c.timeoutMs, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  const text = res.body.toString('utf8');
  if (res.status !== 200) {
    let code = '', message = '';
    try {
      const e = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
      code = typeof e?.code === 'string' ? e.code : '';
      message = typeof e?.message === 'string' ? e.message : '';
    } catch {
      message = text;
    }
    const status = `${res.status} ${res.statusText !== '' ? res.statusText : (STATUS_CODES[res.status] ?? '')}`.trimEnd();
    throw new ARMError(res.status, code, `GET ${url}: RESPONSE ${res.status}: ${status}, ERROR CODE: ${code === '' ? 'UNAVAILABLE' : code}${message !== '' ? `, ${message}` : ''}`);
  }
  return JSON.parse(text) as unknown;
}

/** The URL of a Resource Manager path (starting with "/") with its api-version and extra query. */
export function armURL(c: Pick<ARMCall, 'base'>, path: string, apiVersion: string, query: Readonly<Record<string, string>> = {}): string {
  const u = new URL(path.replace(/^\/+/, ''), c.base);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  u.searchParams.set('api-version', apiVersion);
  return u.href;
}

/** Every item of a paged list (`value`, `nextLink`). A link seen before ends the listing. */
export async function armList(c: ARMCall, path: string, apiVersion: string): Promise<unknown[]> {
  const out: unknown[] = [];
  const seen = new Set<string>();
  let next = armURL(c, path, apiVersion);
  while (next !== '' && !seen.has(next)) {
    seen.add(next);
    const page = await armGetURL(c, next) as { value?: unknown; nextLink?: unknown };
    if (Array.isArray(page.value)) out.push(...(page.value as unknown[]));
    next = typeof page.nextLink === 'string' ? page.nextLink : '';
  }
  return out;
}
