/**
 * CORS on the API, as Prometheus 3 sets it: every API answer varies by `Origin`; when the
 * request has an `Origin`, the allowed headers and methods are listed, and the origin is
 * echoed as allowed when it matches `--web.cors.origin` (fully anchored, `.` matching
 * newlines; so the default `.*` echoes every origin; Prometheus 2 answered `*` there).
 * OPTIONS on any API path answers 204 with these headers. The receivers (`/write`, `/read`,
 * `/otlp/...`) answer without them, as in Prometheus.
 */
import type { ServerResponse, IncomingMessage } from 'node:http';
import { FastRegexMatcher } from '../../../model/index.js';
import type { Router } from '../../router.js';

const API_PREFIX = '/api/v1/';
const NO_CORS = new Set(['/api/v1/write', '/api/v1/read', '/api/v1/otlp/v1/metrics']);

/** Compiles `--web.cors.origin`; throws on a bad regex (the flag is then refused). */
export function compileCORSOrigin(origin: string): FastRegexMatcher {
  return new FastRegexMatcher(origin);
}

export function setCORS(res: ServerResponse, req: IncomingMessage, originRe: FastRegexMatcher): void {
  res.appendHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (origin === undefined || origin === '') return;
  res.setHeader('Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type, Origin');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Expose-Headers', 'Date');
  if (originRe.matches(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
}

const METHODS = ['DELETE', 'GET', 'POST', 'PUT'] as const;

/**
 * Adds the CORS hook for API routes and the OPTIONS answer for every API path. The hook also
 * refuses HEAD on API routes with 405, as Prometheus's API router (which has no HEAD
 * routes) does; the router here serves HEAD for every GET route.
 */
export function registerCORS(r: Router, origin: string): void {
  const re = compileCORSOrigin(origin);
  r.use((c, route) => {
    if (!route.startsWith(API_PREFIX)) return true;
    if (c.method === 'HEAD') {
      const allow = METHODS.filter((m) => typeof r.match(m, c.url.pathname) === 'object');
      c.res.writeHead(405, { 'Allow': [...allow, 'OPTIONS'].sort().join(', '), 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      c.res.end('Method Not Allowed\n');
      return false;
    }
    if (!NO_CORS.has(route)) setCORS(c.res, c.req, re);
    return true;
  });
  r.optionsUnder(API_PREFIX, (c) => {
    c.res.writeHead(204);
    c.res.end();
  });
}
