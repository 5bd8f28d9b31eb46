/** `/metrics`: the server's own metrics in the Prometheus text format. */
import type { Registry } from '../instrument/index.js';
import type { Router } from './router.js';

export function registerMetrics(r: Router, reg: Registry): void {
  r.get('/metrics', (c) => {
    const body = reg.expose();
    c.res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    c.res.end(c.method === 'HEAD' ? undefined : body);
  });
}
