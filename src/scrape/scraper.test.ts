import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Cancel, defaultHTTPClientConfig, newHTTPClient } from '../httpclient/index.js';
import { listen } from '../httpclient/test-server.js';
import { Labels, type Millis } from '../model/index.js';
import { acceptHeader } from '../textparse/index.js';
import { ScrapeError, TargetScraper } from './scraper.js';
import { Target } from './target.js';

function target(addr: string, path: string): Target {
  const all = Labels.fromObject({ __address__: addr, __scheme__: 'http', __metrics_path__: path, instance: addr, job: 'j' });
  return new Target(all, all, {}, 1000 as Millis, 500 as Millis);
}

// Over undici and over the built-in HTTP/1.1 transport the scrape pools use.
for (const fastHTTP1 of [false, true]) test(`scraper: headers, status errors and the body size limit as Prometheus applies them${fastHTTP1 ? ' (built-in HTTP/1.1)' : ''}`, async () => {
  let seen: IncomingHttpHeaders = {};
  const srv = await listen((req, res) => {
    seen = req.headers;
    switch (req.url) {
      case '/ok': res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('a 1\n'); return;
      case '/404': res.writeHead(404).end('not here'); return;
      case '/ten': res.end('0123456789'); return;
      case '/gz': res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('b 2\n')); return;
      case '/bomb': res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(1 << 20, 0x20))); return;
      default: res.end();
    }
  });
  const client = newHTTPClient(defaultHTTPClientConfig(), 'j', { fastHTTP1 });
  const addr = `127.0.0.1:${srv.port}`;
  let limitHits = 0;
  const mk = (path: string, bodySizeLimit = 0, enableCompression = true): TargetScraper => new TargetScraper(target(addr, path), {
    client, timeoutMs: 1500, bodySizeLimit, enableCompression, userAgent: 'Watchfire/test',
    acceptHeader: acceptHeader(['OpenMetricsText1.0.0', 'PrometheusText0.0.4'], 'underscores'),
    onBodySizeLimit: () => { limitHits++; },
  });
  const cancel = new Cancel(); // never aborted: shared by the requests
  try {
    const r = await mk('/ok').scrape(cancel);
    assert.equal(r.body.toString(), 'a 1\n');
    assert.equal(r.contentType, 'text/plain; version=0.0.4');
    assert.equal(seen['accept'], 'application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,text/plain;version=0.0.4;q=0.5,*/*;q=0.4');
    assert.equal(seen['accept-encoding'], 'gzip');
    assert.equal(seen['user-agent'], 'Watchfire/test');
    assert.equal(seen['x-prometheus-scrape-timeout-seconds'], '1.5');
    await mk('/ok', 0, false).scrape(cancel);
    assert.equal(seen['accept-encoding'], 'identity');

    await assert.rejects(mk('/404').scrape(cancel), (e: unknown) => e instanceof ScrapeError && e.failure === 'http_status' && e.message === 'server returned HTTP status 404 Not Found');
    // A body of the limit's size or more fails; one byte less passes.
    assert.equal((await mk('/ten', 11).scrape(cancel)).body.length, 10);
    await assert.rejects(mk('/ten', 10).scrape(cancel), (e: unknown) => e instanceof ScrapeError && e.failure === 'body_limit' && e.message === 'body size limit exceeded');
    assert.equal(limitHits, 1);
    assert.equal((await mk('/gz').scrape(cancel)).body.toString(), 'b 2\n');
    // A released body's memory serves the next scrape.
    const r1 = await mk('/ok').scrape(cancel);
    r1.release?.();
    const r2 = await mk('/ten').scrape(cancel);
    assert.equal(r2.body.buffer, r1.body.buffer);
    assert.equal(r2.body.toString(), '0123456789');
    r2.release?.();
    await assert.rejects(mk('/bomb', 64 << 10).scrape(cancel), /body size limit exceeded/);
    assert.equal(limitHits, 2);
  } finally {
    await client.close();
    await srv.close();
  }
});
