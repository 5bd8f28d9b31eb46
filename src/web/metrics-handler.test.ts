/**
 * `/metrics` as client_golang's promhttp handler serves it: the text format by default, the
 * protobuf formats when asked, gzip when accepted, and the handler's own metrics. The same
 * registry read through the text and the protobuf parsers gives the same samples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { Registry } from '../instrument/index.js';
import { EntryType, PromParser, ProtobufParser, type Parser } from '../textparse/index.js';
import { nopLogger } from '../util/log.js';
import { acceptsGzip, registerMetrics } from './metrics-handler.js';
import { WebServer } from './server.js';

const PROTO_ACCEPT = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3';

function registry(): Registry {
  const reg = new Registry();
  const c = reg.counter({ name: 'demo_requests_total', help: 'Requests.', labelNames: ['code', 'method'] });
  c.labels('200', 'get').inc(7);
  c.labels('500', 'post').inc(2);
  reg.gauge({ name: 'demo_temperature_celsius', help: 'Temperature "inside".' }).set(-3.5);
  const h = reg.histogram({ name: 'demo_duration_seconds', help: 'Durations.', labelNames: ['handler'], buckets: [0.1, 1, 10] });
  for (const v of [0.05, 0.5, 0.7, 5, 50]) h.labels('/a').observe(v);
  h.labels('/b').observe(0.2);
  const s = reg.summary({ name: 'demo_size_bytes', help: 'Sizes.', objectives: [0.5, 0.9] });
  for (const v of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) s.labels().observe(v);
  reg.collector('demo_info', 'Build.', 'gauge', () => [{ suffix: '', labels: [['version', '1.2.3']], value: 1 }]);
  return reg;
}

async function withMetrics(fn: (base: string) => Promise<void>): Promise<void> {
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 5000, maxConnections: 10, logger: nopLogger, registry: new Registry() });
  registerMetrics(web.router, registry());
  const [addr] = await web.listen();
  web.setReady(true);
  try {
    await fn(`http://${addr!}`);
  } finally {
    await web.close();
  }
}

/** Series lines `labels value`, sorted, the handler's own metrics left out (they move between requests). */
function series(p: Parser): string[] {
  const out: string[] = [];
  for (let e = p.next(); e !== EntryType.EOF; e = p.next()) {
    if (e !== EntryType.Series) continue;
    const l = p.labels().toString();
    if (!l.includes('promhttp_')) out.push(`${l} ${p.value()}`);
  }
  return out.sort();
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; encoding: string; body: Buffer }> {
  // fetch would undo the gzip itself; node:http shows the bytes as sent.
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => { chunks.push(d); });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', encoding: res.headers['content-encoding'] ?? '', body: Buffer.concat(chunks) });
      });
    }).on('error', reject).end();
  });
}

test('/metrics: text by default, protobuf when asked, the same samples either way', async () => {
  await withMetrics(async (base) => {
    const text = await get(`${base}/metrics`);
    assert.equal(text.status, 200);
    assert.equal(text.type, 'text/plain; version=0.0.4; charset=utf-8; escaping=underscores');
    assert.equal(text.encoding, '');
    const textSeries = series(new PromParser(text.body));
    assert.ok(textSeries.includes('{__name__="demo_duration_seconds_bucket", handler="/a", le="1.0"} 3'), textSeries.join('\n'));
    assert.ok(textSeries.includes('{__name__="demo_size_bytes", quantile="0.9"} 9'), textSeries.join('\n'));
    assert.match(text.body.toString(), /^promhttp_metric_handler_requests_in_flight 1$/m);
    assert.match(text.body.toString(), /^promhttp_metric_handler_requests_total\{code="503"\} 0$/m);

    const proto = await get(`${base}/metrics`, { Accept: PROTO_ACCEPT });
    assert.equal(proto.status, 200);
    assert.equal(proto.type, 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores');
    const protoSeries = series(new ProtobufParser(proto.body, { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false }));
    assert.deepEqual(protoSeries, textSeries);
    assert.equal(protoSeries.length, 20);

    const counted = await get(`${base}/metrics`);
    assert.match(counted.body.toString(), /^promhttp_metric_handler_requests_total\{code="200"\} 2$/m);
  });
});

test('/metrics: gzip when accepted, plain otherwise; HEAD has no body', async () => {
  await withMetrics(async (base) => {
    const plain = await get(`${base}/metrics`, { 'Accept-Encoding': 'gzip;q=0, identity' });
    assert.equal(plain.encoding, '');
    const zipped = await get(`${base}/metrics`, { 'Accept-Encoding': 'deflate, gzip' });
    assert.equal(zipped.encoding, 'gzip');
    assert.deepEqual(series(new PromParser(gunzipSync(zipped.body))), series(new PromParser(plain.body)));
    const zproto = await get(`${base}/metrics`, { 'Accept-Encoding': 'gzip', Accept: PROTO_ACCEPT });
    assert.equal(zproto.encoding, 'gzip');
    assert.ok(series(new ProtobufParser(gunzipSync(zproto.body), { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false })).length > 0);
    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });
});

test('acceptsGzip reads codings and weights', () => {
  assert.equal(acceptsGzip(undefined), false);
  assert.equal(acceptsGzip(''), false);
  assert.equal(acceptsGzip('gzip'), true);
  assert.equal(acceptsGzip('deflate, GZIP;q=0.5'), true);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('br, identity'), false);
  assert.equal(acceptsGzip('x-gzip'), true);
});
