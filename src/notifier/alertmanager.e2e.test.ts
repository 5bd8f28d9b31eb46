/**
 * Watchfire sending to a real Alertmanager (Debian's 0.25, clustering off): the alerts show in
 * its `/api/v2/alerts` with the external labels and alert relabeling applied, and go away
 * when they resolve. A capture sink beside it receives the same posts, whose bodies must have
 * the shape of the bodies Prometheus 2.42 posted (`../shared/conformance/notifications/`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerHandle } from '../cmd/server.js';
import { launchTestServer } from '../testing/server.js';
import { eventually, freePort, peer, sharedPath, startPeer, waitReady } from '../testing/peers.js';

interface Posted {
  annotations?: Record<string, string>;
  endsAt: string;
  startsAt: string;
  generatorURL: string;
  labels: Record<string, string>;
}

test('alerts reach a real Alertmanager; posted bodies have Prometheus\'s shape', { timeout: 60_000 }, async (t) => {
  const amBin = peer('prometheus-alertmanager');
  if (amBin.skip !== false) { t.skip(amBin.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-'));
  const posted: { url: string; ua: string; body: string }[] = [];
  const sink = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => { b += c.toString(); });
    req.on('end', () => { posted.push({ url: req.url ?? '', ua: req.headers['user-agent'] ?? '', body: b }); res.end(); });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkAddr = `127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const amPort = await freePort();
  writeFileSync(join(dir, 'alertmanager.yml'), "route:\n  receiver: 'null'\n  group_wait: 1s\nreceivers:\n  - name: 'null'\n");
  const am = startPeer(amBin.path, [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=',
  ]);
  let wf: ServerHandle | number | null = null;
  t.after(async () => {
    if (wf !== null && typeof wf !== 'number') await wf.stop();
    await am.stop();
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const resolveAt = Math.floor(Date.now() / 1000) + 12;
  writeFileSync(join(dir, 'rules.yml'), `groups:
  - name: reference
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels:
          severity: warning
        annotations:
          summary: 'value is {{ $value }}'
      - alert: ResolvesSoon
        expr: vector(time()) < ${resolveAt}
        labels:
          severity: info
`);
  writeFileSync(join(dir, 'prometheus.yml'), `global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels:
    replica: r1
rule_files: ['rules.yml']
alerting:
  alert_relabel_configs:
    - target_label: env
      replacement: test
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${amPort}']
    - path_prefix: /prom-to-am
      static_configs:
        - targets: ['${sinkAddr}']
`);
  const wfPort = await freePort();
  wf = await launchTestServer([
    `--config.file=${join(dir, 'prometheus.yml')}`, `--web.listen-address=127.0.0.1:${wfPort}`, '--log.level=error',
    '--web.external-url=http://watchfire.example.test:9090/', '--rules.alert.resend-delay=2s', '--scrape.discovery-reload-interval=200ms',
  ]);
  assert.notEqual(typeof wf, 'number');
  const base = `http://127.0.0.1:${wfPort}`;
  await waitReady(`${base}/-/ready`);
  await waitReady(`http://127.0.0.1:${amPort}/-/ready`);

  const amAlerts = async (): Promise<Posted[]> => (await (await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`)).json()) as Posted[];
  const both = await eventually(async () => {
    const a = await amAlerts();
    return a.length === 2 ? a : undefined;
  }, 20_000, 'two alerts in Alertmanager');
  const byName = new Map(both.map((a) => [a.labels['alertname'], a]));
  assert.deepEqual(byName.get('AlwaysFiring')!.labels, { alertname: 'AlwaysFiring', env: 'test', replica: 'r1', severity: 'warning' });
  assert.deepEqual(byName.get('AlwaysFiring')!.annotations, { summary: 'value is 1' });
  assert.equal(byName.get('AlwaysFiring')!.generatorURL, 'http://watchfire.example.test:9090/graph?g0.expr=vector%281%29&g0.tab=1');

  const am2 = await (await fetch(`${base}/api/v1/alertmanagers`)).json() as { data: { activeAlertmanagers: { url: string }[] } };
  assert.deepEqual(am2.data.activeAlertmanagers.map((a) => a.url).sort(), [`http://127.0.0.1:${amPort}/api/v2/alerts`, `http://${sinkAddr}/prom-to-am/api/v2/alerts`].sort());

  // Resolution: ResolvesSoon leaves Alertmanager's list of active alerts.
  await eventually(async () => {
    const a = await amAlerts();
    return a.length === 1 && a[0]!.labels['alertname'] === 'AlwaysFiring' ? true : undefined;
  }, 25_000, 'ResolvesSoon resolved in Alertmanager');

  // The captured bodies: same keys in the same order as Prometheus's, same encodings.
  assert.ok(posted.length > 0);
  assert.ok(posted.every((p) => p.url === '/prom-to-am/api/v2/alerts' && /^Watchfire\//.test(p.ua)));
  const ref = sharedPath('conformance', 'notifications', 'prometheus-2.42-to-alertmanager', 'firing.single-rule-AlwaysFiring.json');
  const keysOf = (body: string): string[] => (JSON.parse(body) as Record<string, unknown>[]).map((a) => Object.keys(a).join(','));
  const refKeys = existsSync(ref) ? keysOf(readFileSync(ref, 'utf8'))[0]! : 'annotations,endsAt,startsAt,generatorURL,labels';
  let sawResolved = false;
  for (const p of posted) {
    assert.ok(keysOf(p.body).every((k) => k === refKeys || k === 'endsAt,startsAt,generatorURL,labels'), p.body);
    assert.doesNotMatch(p.body, /&/, 'ampersands are escaped as \\u0026, as Go does');
    for (const a of JSON.parse(p.body) as Posted[]) {
      assert.match(a.startsAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const span = Date.parse(a.endsAt) - Date.parse(a.startsAt);
      if (a.labels['alertname'] === 'ResolvesSoon' && Date.parse(a.endsAt) <= (resolveAt + 2) * 1000) sawResolved = true;
      // A firing alert is valid for 4 × max(resend delay, interval) past its send time.
      else assert.ok(span >= 8000, `endsAt - startsAt = ${span}`);
    }
  }
  assert.ok(sawResolved, 'the resolved alert was sent with its resolve time');
});
