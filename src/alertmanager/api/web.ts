/**
 * The Alertmanager's web endpoints besides API v2: `/-/healthy`, `/-/ready`, `/-/reload`
 * (POST, always enabled, as in Alertmanager), `/metrics`, the removed `/api/v1` (410, as
 * Alertmanager 0.27+), go-swagger's 404/405 answers under `/api/v2`, a small index page, and
 * the request hooks every route passes through: HTTP metrics, the concurrency limit of GET
 * requests, `--web.timeout`, and CORS and cache headers on the API.
 */
import type { ServerResponse } from 'node:http';
import type { Registry } from '../../instrument/index.js';
import type { Logger } from '../../util/log.js';
import { registerMetrics, type RequestContext, type Router } from '../../web/index.js';
import { sendEmpty, sendModel, sendSwaggerError, sendText } from './respond.js';

export interface WebDeps {
  registry: Registry;
  logger: Logger;
  /** Reloads the configuration; rejects with the reason when it is bad. */
  reload(): Promise<void>;
  /** --web.get-concurrency (≤ 0: 8 or the CPU count, whichever is larger). */
  getConcurrency: number;
  /** --web.timeout in ms (≤ 0: none). */
  timeoutMs: number;
  /** The route prefix ('' or '/path'), for links on the index page. */
  routePrefix: string;
}

/** The API v2 paths and their methods (go-swagger answers 405 with this list). */
const V2_METHODS: Readonly<Record<string, readonly string[]>> = {
  '/api/v2/status': ['GET'],
  '/api/v2/receivers': ['GET'],
  '/api/v2/alerts': ['GET', 'POST'],
  '/api/v2/alerts/groups': ['GET'],
  '/api/v2/silences': ['GET', 'POST'],
  '/api/v2/silence/{silenceID}': ['DELETE', 'GET'],
  '/api/v2/history': ['GET'],
  '/api/v2/receivers/{name}/test': ['POST'],
  '/api/v2/templates/render': ['POST'],
};

const V1_GONE = JSON.stringify({
  status: 'deprecated',
  error: 'The Alertmanager v1 API was deprecated in version 0.16.0 and is removed as of version 0.27.0 - please use the equivalent route in the v2 API',
});

function indexPage(prefix: string): string {
  const links = ['api/v2/status', 'api/v2/alerts', 'api/v2/alerts/groups', 'api/v2/silences', 'api/v2/receivers', 'api/v2/history', 'metrics', '-/healthy', '-/ready']
    .map((p) => `      <li><a href="${prefix}/${p}">/${p}</a></li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>Alertmanager</title></head>
  <body>
    <h1>Watchfire Alertmanager</h1>
    <p>An Alertmanager-compatible service. Use the HTTP API, <code>amtool</code> or
    <code>watchfire tool alertmanager</code>.</p>
    <ul>
${links}
    </ul>
  </body>
</html>
`;
}

export function registerAlertmanagerWeb(r: Router, d: WebDeps): void {
  const reg = d.registry;
  const duration = reg.histogram({ name: 'alertmanager_http_request_duration_seconds', help: 'Histogram of latencies for HTTP requests.', labelNames: ['handler', 'method'], buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 20, 60] });
  const size = reg.histogram({ name: 'alertmanager_http_response_size_bytes', help: 'Histogram of response size for HTTP requests.', labelNames: ['handler', 'method'], buckets: [100, 1000, 10000, 100000, 1e6, 1e7, 1e8] });
  const inFlight = reg.gauge({ name: 'alertmanager_http_requests_in_flight', help: 'Current number of HTTP requests being processed.', labelNames: ['method'] }).labels('get');
  inFlight.set(0);
  const limited = reg.counter({ name: 'alertmanager_http_concurrency_limit_exceeded_total', help: 'Total number of times an HTTP request failed because the concurrency limit was reached.', labelNames: ['method'] }).labels('get');
  limited.inc(0);
  const limit = d.getConcurrency > 0 ? d.getConcurrency : 8;
  let running = 0;

  r.use((c, route) => {
    const started = performance.now();
    const method = c.method.toLowerCase();
    c.res.once('finish', () => {
      duration.labels(route, method).observe((performance.now() - started) / 1000);
      const len = Number(c.res.getHeader('content-length') ?? 0);
      size.labels(route, method).observe(Number.isFinite(len) ? len : 0);
    });
    if (route.startsWith('/api/v2')) {
      // Alertmanager 0.26+ adds these to every API v2 answer.
      c.res.setHeader('Cache-Control', 'no-store');
      if (c.req.headers.origin !== undefined) {
        c.res.setHeader('Access-Control-Allow-Origin', '*');
        c.res.setHeader('Vary', 'Origin');
      }
    }
    if (c.method === 'GET') {
      if (running >= limit) {
        limited.inc();
        sendText(c.res, 503, `Limit of concurrent GET requests reached (${limit}), try again later.\n`);
        return false;
      }
      running++;
      inFlight.set(running);
      c.res.once('close', () => { running--; inFlight.set(running); });
    }
    if (d.timeoutMs > 0) armTimeout(c.res, d.timeoutMs);
    return true;
  });

  r.get('/', (c) => {
    const body = indexPage(d.routePrefix);
    c.res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    c.res.end(c.method === 'HEAD' ? undefined : body);
  });
  r.get('/-/healthy', (c) => { sendText(c.res, 200, 'OK'); });
  r.get('/-/ready', (c) => { sendText(c.res, 200, 'OK'); });
  r.post('/-/reload', async (c) => {
    try {
      await d.reload();
      sendEmpty(c.res, 200);
    } catch (e) {
      sendText(c.res, 500, `failed to reload config: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  });
  registerMetrics(r, reg);

  const gone = (c: RequestContext): void => {
    d.logger.warn('v1 API received a request on a removed endpoint', { path: c.url.pathname, method: c.method });
    sendModel(c.res, V1_GONE, 410);
  };
  for (const p of ['/api/v1/status', '/api/v1/receivers', '/api/v1/alerts', '/api/v1/silences', '/api/v1/silence/:sid']) r.get(p, gone);
  r.post('/api/v1/alerts', gone).post('/api/v1/silences', gone).del('/api/v1/silence/:sid', gone);

  // What go-swagger answers for unknown API v2 paths and methods.
  const v2Fallback = (c: RequestContext): void => {
    const path = c.url.pathname;
    const known = Object.entries(V2_METHODS).find(([p]) => pathMatches(p, path));
    if (known === undefined) {
      sendSwaggerError(c.res, 404, 404, `path ${path} was not found`);
      return;
    }
    sendSwaggerError(c.res, 405, 405, `method ${c.method} is not allowed, but [${known[1].join(',')}] are`);
  };
  for (const m of ['GET', 'POST', 'PUT', 'DELETE'] as const) r.on(m, '/api/v2/*', v2Fallback);
  r.optionsUnder('/api/v2/', (c) => {
    c.res.setHeader('Access-Control-Allow-Origin', '*');
    c.res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
    c.res.setHeader('Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type, Origin');
    sendEmpty(c.res, 200);
  });
}

function pathMatches(pattern: string, path: string): boolean {
  const a = pattern.split('/');
  const b = path.split('/');
  if (a.length !== b.length) return false;
  return a.every((seg, i) => seg.startsWith('{') || seg === b[i]);
}

/** Answers 503 when the handler has not answered within the timeout (Go's http.TimeoutHandler). */
function armTimeout(res: ServerResponse, ms: number): void {
  const t = setTimeout(() => {
    if (res.headersSent) return;
    sendText(res, 503, `Exceeded configured timeout of ${formatSeconds(ms)}.\n`);
  }, ms);
  t.unref();
  res.once('close', () => { clearTimeout(t); });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
