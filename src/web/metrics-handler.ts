/**
 * `/metrics`: the process's own metrics, served as Prometheus serves its own (client_golang's
 * `promhttp.Handler()`): the format negotiated from the Accept header (the text format
 * unless the client asks for protobuf: delimited, text or compact text), gzip when the
 * client accepts it, and the handler's own `promhttp_metric_handler_requests_in_flight` and
 * `promhttp_metric_handler_requests_total{code}`.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { formatType, negotiate, newEncoder } from '../expfmt/index.js';
import { toMetricFamilies } from '../instrument/families.js';
import type { Registry } from '../instrument/index.js';
import type { Router } from './router.js';

const gzipAsync = promisify(gzip);

/**
 * Whether an Accept-Encoding header accepts gzip (a `q=0` clause refuses it), as promhttp
 * negotiates with weights. `/federate` picks its coding as Prometheus's CompressionHandler
 * does (exact `gzip`/`deflate` items, weights not read), hence its own reader (federate.ts).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== 'x-gzip') continue;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

export function registerMetrics(r: Router, reg: Registry): void {
  const inFlight = reg.gauge({ name: 'promhttp_metric_handler_requests_in_flight', help: 'Current number of scrapes being served.' }).labels();
  const total = reg.counter({ name: 'promhttp_metric_handler_requests_total', help: 'Total number of scrapes by HTTP status code.', labelNames: ['code'] });
  const ok = total.labels('200');
  const failed = total.labels('500');
  total.labels('503');
  r.get('/metrics', async (c) => {
    inFlight.inc();
    try {
      const format = negotiate(c.req.headers.accept);
      let body: Uint8Array;
      try {
        if (formatType(format) === 'text-plain') {
          body = Buffer.from(reg.expose(), 'utf8');
        } else {
          const enc = newEncoder(format);
          for (const mf of toMetricFamilies(reg.collect())) enc.encode(mf);
          enc.close();
          body = enc.take();
        }
      } catch (e) {
        failed.inc();
        const msg = `An error has occurred while serving metrics:\n\n${e instanceof Error ? e.message : String(e)}`;
        c.res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        c.res.end(msg);
        return;
      }
      const headers: Record<string, string> = { 'Content-Type': format, 'Vary': 'Accept-Encoding' };
      if (acceptsGzip(c.req.headers['accept-encoding'])) {
        body = await gzipAsync(body);
        headers['Content-Encoding'] = 'gzip';
      }
      headers['Content-Length'] = String(body.length);
      ok.inc();
      c.res.writeHead(200, headers);
      c.res.end(c.method === 'HEAD' ? undefined : body);
    } finally {
      inFlight.dec();
    }
  });
}
