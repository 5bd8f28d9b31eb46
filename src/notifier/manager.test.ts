import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Labels } from '../model/index.js';
import { Registry } from '../instrument/index.js';
import { loadConfigString, type AlertingConfig } from '../config/index.js';
import type { TargetGroup } from '../discovery/index.js';
import { NotifierManager, alertmanagerSetName } from './manager.js';
import type { NotifierAlert } from './alert.js';
import { alertmanagersFromGroup } from './alertmanager.js';

interface Received { url: string; ua: string; ct: string; body: unknown[] }

async function sink(status = 200, hang = false): Promise<{ server: Server; port: number; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const pending = new Set<IncomingMessage>();
  const server = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => { b += c.toString(); });
    req.on('end', () => {
      got.push({ url: req.url ?? '', ua: req.headers['user-agent'] ?? '', ct: req.headers['content-type'] ?? '', body: JSON.parse(b) as unknown[] });
      if (hang) { pending.add(req); return; }
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { server, port, got, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => { r(); }); }) };
}

function alerting(yaml: string): AlertingConfig {
  return loadConfigString(yaml, 'test.yml').alerting;
}

function alert(name: string, extra: Record<string, string> = {}): NotifierAlert {
  return { labels: Labels.fromObject({ alertname: name, ...extra }), annotations: Labels.fromObject({ s: 'x' }), startsAt: 1000, endsAt: 2000, generatorURL: 'http://p/graph' };
}

function groups(port: number): Map<string, TargetGroup[]> {
  return new Map([[alertmanagerSetName(0), [{ source: '0', labels: {}, targets: [{ __address__: `127.0.0.1:${port}` }] }]]]);
}

async function until(fn: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('notifier: external labels, alert relabeling, path prefix, batching', async (t) => {
  const am = await sink();
  t.after(() => am.close());
  const registry = new Registry();
  const n = new NotifierManager({ registry, maxBatchSize: 2, userAgent: 'Watchfire/test' });
  await n.applyConfig({
    alerting: alerting(`alerting:
  alert_relabel_configs: [{ target_label: env, replacement: test }]
  alertmanagers:
  - path_prefix: /am
    alert_relabel_configs: [{ source_labels: [alertname], regex: Drop, action: drop }]
    static_configs: [{ targets: ['127.0.0.1:1'] }]
`),
    externalLabels: { replica: 'r1', alertname: 'not-used' },
    nameValidation: 'utf8',
  });
  await n.sync(groups(am.port));
  assert.deepEqual(n.alertmanagers(), [`http://127.0.0.1:${am.port}/am/api/v2/alerts`]);
  n.send([alert('A'), alert('Drop'), alert('B'), alert('C')]);
  await until(() => am.got.reduce((s, r) => s + r.body.length, 0) === 3, 'three alerts');
  assert.ok(am.got.every((r) => r.url === '/am/api/v2/alerts' && r.ua === 'Watchfire/test' && r.ct === 'application/json'));
  assert.ok(am.got.every((r) => r.body.length <= 2), 'batches of at most 2');
  const first = am.got[0]!.body[0] as { labels: Record<string, string> };
  assert.deepEqual(first.labels, { alertname: 'A', env: 'test', replica: 'r1' });
  // The counter moves once the response is in, a little after the sink saw the body.
  const sent = new RegExp(`prometheus_notifications_sent_total\\{alertmanager="http://127.0.0.1:${am.port}/am/api/v2/alerts"\\} 3`);
  await until(() => sent.test(registry.expose()), 'three sends counted');
  assert.match(registry.expose(), /prometheus_notifications_alertmanagers_discovered 1/);
  await n.stop();
});

test('notifier: a hung Alertmanager fills the queue to its capacity, then drops are counted; no drain drops the rest', async (t) => {
  const am = await sink(200, true);
  t.after(() => am.close());
  const registry = new Registry();
  const n = new NotifierManager({ registry, queueCapacity: 10, maxBatchSize: 5, drainOnShutdown: false });
  await n.applyConfig({ alerting: alerting('alerting:\n  alertmanagers:\n  - timeout: 30s\n    static_configs: [{ targets: [\'127.0.0.1:1\'] }]\n'), externalLabels: {}, nameValidation: 'utf8' });
  await n.sync(groups(am.port));
  const url = `http://127.0.0.1:${am.port}/api/v2/alerts`;
  n.send([alert('first')]);
  await until(() => am.got.length === 1, 'the first request to hang');
  for (let i = 0; i < 100; i++) n.send([alert('A', { i: String(i) })]);
  assert.equal(n.queueLengths().get(url), 10);
  assert.match(registry.expose(), new RegExp(`prometheus_notifications_dropped_total\\{alertmanager="${url}"\\} 90`));
  assert.match(registry.expose(), new RegExp(`prometheus_notifications_queue_length\\{alertmanager="${url}"\\} 10`));
  assert.match(registry.expose(), /prometheus_notifications_queue_capacity 10/);
  // Shutdown aborts the hung request and drops the queue without draining.
  await n.stop(200);
});

test('notifier: failed sends are dropped and counted; draining on shutdown sends the queue', async (t) => {
  const bad = await sink(500);
  t.after(() => bad.close());
  const registry = new Registry();
  const n = new NotifierManager({ registry });
  await n.applyConfig({ alerting: alerting('alerting:\n  alertmanagers:\n  - static_configs: [{ targets: [\'127.0.0.1:1\'] }]\n'), externalLabels: {}, nameValidation: 'utf8' });
  await n.sync(groups(bad.port));
  const url = `http://127.0.0.1:${bad.port}/api/v2/alerts`;
  n.send([alert('A'), alert('B')]);
  await until(() => /prometheus_notifications_errors_total\{[^}]*\} 2/.test(registry.expose()), 'errors counted');
  assert.match(registry.expose(), new RegExp(`prometheus_notifications_dropped_total\\{alertmanager="${url}"\\} 2`));
  await n.stop();

  const good = await sink();
  t.after(() => good.close());
  const n2 = new NotifierManager({ registry: new Registry() });
  await n2.applyConfig({ alerting: alerting('alerting:\n  alertmanagers:\n  - static_configs: [{ targets: [\'127.0.0.1:1\'] }]\n'), externalLabels: {}, nameValidation: 'utf8' });
  await n2.sync(groups(good.port));
  n2.send([alert('A')]);
  await n2.stop();
  assert.equal(good.got.length, 1);
});

test('alertmanagers from target groups: scheme, path, relabeling and dropped targets', () => {
  const cfg = alerting(`alerting:
  alertmanagers:
  - scheme: https
    path_prefix: /prefix/
    relabel_configs:
    - { source_labels: [dc], regex: eu, action: keep }
    static_configs: [{ targets: ['127.0.0.1:1'] }]
`).alertmanagers[0]!;
  const r = alertmanagersFromGroup({ source: 's', labels: { dc: 'eu' }, targets: [{ __address__: 'a:9093' }, { __address__: 'b:9093', dc: 'us' }] }, cfg);
  assert.deepEqual(r.active.map((a) => a.url), ['https://a:9093/prefix/api/v2/alerts']);
  assert.deepEqual(r.dropped.map((a) => a.url), ['https://b:9093/prefix/api/v2/alerts']);
  assert.throws(() => alertmanagersFromGroup({ source: 's', labels: {}, targets: [{ __address__: 'a/b' }] }, { ...cfg, relabel_configs: [] }), /is not a valid hostname/);
});
