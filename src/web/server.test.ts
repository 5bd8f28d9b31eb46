import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../model/index.js';
import { Registry } from '../instrument/index.js';
import { nopLogger } from '../util/log.js';
import { WebServer } from './server.js';
import { registerLifecycle } from './lifecycle.js';
import { registerMetrics } from './metrics-handler.js';
import { globalURL, registerTargets, type ActiveTargetView, type TargetSource } from './api/v1/targets.js';

function fakeTargets(): TargetSource {
  const t: ActiveTargetView = {
    discoveredLabels: Labels.fromStrings('__address__', 'localhost:9100', 'job', 'node', '__scrape_interval__', '15s', '__scrape_timeout__', '10s'),
    labels: Labels.fromStrings('instance', 'localhost:9100', 'job', 'node'),
    scrapeURL: 'http://localhost:9100/metrics',
    lastError: '',
    lastScrape: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120)),
    lastScrapeDurationSeconds: 0.25,
    health: 'up',
    scrapeInterval: '15s',
    scrapeTimeout: '10s',
    metadata: () => [{ metric: 'node_load1', type: 'gauge', help: '1m load average.', unit: '' }, { metric: 'up2', type: 'counter', help: 'x', unit: 'seconds' }],
  };
  return {
    active: () => new Map([['node', [t]]]),
    dropped: () => new Map([['node', [{ discoveredLabels: Labels.fromStrings('__address__', 'gone:1', 'job', 'node') }]]]),
    droppedCounts: () => ({ node: 3 }),
    scrapePools: () => ['node'],
  };
}

async function withServer(opts: { prefix?: string; lifecycle?: boolean; ready?: boolean }, fn: (base: string, state: { reloads: number; quits: number; failReload: boolean }) => Promise<void>): Promise<void> {
  const state = { reloads: 0, quits: 0, failReload: false };
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: opts.prefix ?? '', readTimeoutMs: 5000, maxConnections: 10, logger: nopLogger, registry: new Registry() });
  registerLifecycle(web.router, {
    enableLifecycle: opts.lifecycle ?? false,
    isReady: () => web.ready,
    reload: () => { state.reloads++; return state.failReload ? Promise.reject(new Error('bad config')) : Promise.resolve(); },
    quit: () => { state.quits++; },
  });
  const reg = new Registry();
  reg.counter({ name: 'test_total', help: 'A test counter.' }).inc(2);
  registerMetrics(web.router, reg);
  registerTargets(web.router, { targets: fakeTargets(), externalURL: new URL('http://example.org:9090/'), listenAddress: '0.0.0.0:9090' });
  const [addr] = await web.listen();
  web.setReady(opts.ready ?? true);
  try {
    await fn(`http://${addr!}${opts.prefix ?? ''}`, state);
  } finally {
    await web.close();
  }
}

test('health, readiness and 503 before ready', async () => {
  await withServer({ ready: false }, async (base) => {
    assert.equal((await fetch(base + '/-/healthy')).status, 200);
    assert.equal((await fetch(base + '/-/ready')).status, 503);
    assert.equal((await fetch(base + '/api/v1/targets')).status, 503);
  });
});

test('lifecycle routes need the flag and POST/PUT', async () => {
  await withServer({ lifecycle: false }, async (base, st) => {
    const r = await fetch(base + '/-/reload', { method: 'POST' });
    assert.equal(r.status, 403);
    assert.equal(await r.text(), 'Lifecycle API is not enabled.');
    assert.equal((await fetch(base + '/-/reload')).status, 405);
    assert.equal(st.reloads, 0);
  });
  await withServer({ lifecycle: true }, async (base, st) => {
    assert.equal((await fetch(base + '/-/reload', { method: 'POST' })).status, 200);
    assert.equal((await fetch(base + '/-/reload', { method: 'PUT' })).status, 200);
    assert.equal(st.reloads, 2);
    st.failReload = true;
    const r = await fetch(base + '/-/reload', { method: 'POST' });
    assert.equal(r.status, 500);
    assert.match(await r.text(), /bad config/);
    assert.equal((await fetch(base + '/-/quit', { method: 'POST' })).status, 200);
    assert.equal(st.quits, 1);
  });
});

test('unknown routes 404, wrong methods 405', async () => {
  await withServer({}, async (base) => {
    const r = await fetch(base + '/api/v1/nope');
    assert.equal(r.status, 404);
    assert.equal(await r.text(), '404 page not found\n');
    assert.equal((await fetch(base + '/api/v1/targets', { method: 'DELETE' })).status, 405);
  });
});

test('route prefix', async () => {
  await withServer({ prefix: '/wf' }, async (base) => {
    assert.equal((await fetch(base + '/-/healthy')).status, 200);
    const root = base.slice(0, -3);
    assert.equal((await fetch(root + '/-/healthy')).status, 404);
    const m = await (await fetch(base + '/metrics')).text();
    assert.match(m, /^# HELP test_total A test counter\.\n# TYPE test_total counter\ntest_total 2\n/m);
  });
});

test('targets API: shape, filters and metadata', async () => {
  await withServer({}, async (base) => {
    const j = await (await fetch(base + '/api/v1/targets')).json() as { status: string; data: { activeTargets: Record<string, unknown>[]; droppedTargets: unknown[]; droppedTargetCounts: unknown } };
    assert.equal(j.status, 'success');
    assert.deepEqual(j.data.activeTargets[0], {
      discoveredLabels: { __address__: 'localhost:9100', __scrape_interval__: '15s', __scrape_timeout__: '10s', job: 'node' },
      labels: { instance: 'localhost:9100', job: 'node' },
      scrapePool: 'node', scrapeUrl: 'http://localhost:9100/metrics', globalUrl: 'http://example.org:9100/metrics',
      lastError: '', lastScrape: '2024-01-02T03:04:05.12Z', lastScrapeDuration: 0.25, health: 'up', scrapeInterval: '15s', scrapeTimeout: '10s',
    });
    assert.deepEqual(j.data.droppedTargets, [{ discoveredLabels: { __address__: 'gone:1', job: 'node' }, scrapePool: 'node' }]);
    assert.deepEqual(j.data.droppedTargetCounts, { node: 3 });
    const active = await (await fetch(base + '/api/v1/targets?state=active')).json() as { data: Record<string, unknown> };
    assert.deepEqual(active.data['droppedTargets'], []);
    assert.equal(active.data['droppedTargetCounts'], undefined);
    const other = await (await fetch(base + '/api/v1/targets?scrapePool=other')).json() as { data: { activeTargets: unknown[] } };
    assert.deepEqual(other.data.activeTargets, []);
    const md = await (await fetch(base + '/api/v1/targets/metadata?metric=node_load1')).json() as { data: unknown[] };
    assert.deepEqual(md.data, [{ target: { instance: 'localhost:9100', job: 'node' }, type: 'gauge', help: '1m load average.', unit: '' }]);
    const bad = await fetch(base + '/api/v1/targets/metadata?match_target=%7B');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /^invalid parameter "match_target": /);
    const pools = await (await fetch(base + '/api/v1/scrape_pools')).json();
    assert.deepEqual(pools, { status: 'success', data: { scrapePools: ['node'] } });
  });
});

test('globalUrl rewrites loopback hosts as Prometheus does', () => {
  const ext = new URL('https://mon.example.org:443/prom/');
  assert.equal(globalURL('http://localhost:9090/metrics', ext, '0.0.0.0:9090'), 'https://mon.example.org/metrics');
  assert.equal(globalURL('http://127.0.0.1:9100/metrics', ext, '0.0.0.0:9090'), 'http://mon.example.org:9100/metrics');
  assert.equal(globalURL('http://db:9100/metrics', ext, '0.0.0.0:9090'), 'http://db:9100/metrics');
});

test('an idle keep-alive connection is closed after --web.read-timeout, as Go closes it, not before', async () => {
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 600, maxConnections: 10, logger: nopLogger });
  web.router.get('/ok', (c) => { c.res.end('ok'); });
  const [addr] = await web.listen();
  web.setReady(true);
  const { connect } = await import('node:net');
  const [host, port] = addr!.split(':');
  const sock = connect(Number(port), host);
  let closedAt = -1;
  const t0 = performance.now();
  sock.on('close', () => { closedAt = performance.now() - t0; });
  sock.on('data', () => undefined);
  try {
    await new Promise<void>((r) => sock.once('connect', () => { r(); }));
    sock.write('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(closedAt, -1, 'still open after 300 ms idle');
    const deadline = performance.now() + 5000;
    while (closedAt < 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(closedAt >= 500 && closedAt < 4000, `closed after ${closedAt.toFixed(0)} ms`);
  } finally {
    sock.destroy();
    await web.close();
  }
});
