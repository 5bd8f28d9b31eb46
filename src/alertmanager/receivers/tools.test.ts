import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readShared } from '../../testing/peers.js';
import { nopLogger } from '../../util/log.js';
import { loadAlertmanagerConfigString } from '../config/index.js';
import { buildIntegrations } from '../notify/index.js';
import { registerReceivers } from './registry.js';
import { type HTTPSink, startHTTPSink } from './test-sink.js';
import { parseAlerts, parseTemplateData, renderTemplate, sampleTemplateData, sendTestNotification } from './tools.js';

let sink: HTTPSink;
let dir: string;
before(async () => {
  sink = await startHTTPSink();
  dir = mkdtempSync(join(tmpdir(), 'wf-tools-'));
});
after(async () => {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

test('render: amtool sample data, text and html', () => {
  assert.equal(renderTemplate({ text: '{{ template "__subject" . }}|{{ .Receiver }}' }), '[ALERTSTATUS] grouplabelvalue1 grouplabelvalue2 |receiver');
  assert.equal(renderTemplate({ text: '{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}', data: sampleTemplateData(0) }), '1/1');
  assert.equal(renderTemplate({ text: '<b>{{ "a<b" }}</b>', type: 'html' }), '<b>a&lt;b</b>');
  assert.throws(() => renderTemplate({ text: '{{ .Nope' }), /unclosed action/);
});

test('render: template files by glob and data in the webhook layout', () => {
  writeFileSync(join(dir, 'x.tmpl'), '{{ define "my.title" }}{{ .CommonLabels.alertname }} on {{ .CommonLabels.job }}{{ end }}');
  const data = parseTemplateData(JSON.parse(readShared('conformance/notifications/alertmanager-0.25/webhook/default.firing.json')));
  assert.equal(renderTemplate({ text: '{{ template "my.title" . }}', globs: [join(dir, '*.tmpl')], data }), 'HighErrorRate on api');
  assert.equal(renderTemplate({ text: '{{ template "slack.default.title" . }}', data }), '[FIRING:2] HighErrorRate api (critical)');
  assert.throws(() => parseTemplateData([]), /expected a JSON object/);
});

test('alerts in the API layout', () => {
  const now = Date.parse('2026-11-27T02:00:00Z');
  const alerts = parseAlerts([
    { labels: { alertname: 'B', instance: '2' }, endsAt: '2026-11-27T01:00:00Z' },
    { labels: { alertname: 'A', instance: '1' }, startsAt: '2026-11-27T00:00:00Z' },
  ], now);
  assert.deepEqual(alerts.map((a) => [a.labels['alertname'], a.endsAt === 0 ? 'firing' : 'resolved']), [['A', 'firing'], ['B', 'resolved']]);
  assert.throws(() => parseAlerts([{ labels: {} }]), /at least one label pair required/);
});

test('test-send: each integration reports its outcome', async () => {
  const cfg = loadAlertmanagerConfigString([
    'route: { receiver: team }',
    'receivers:',
    '- name: team',
    '  webhook_configs:',
    `  - url: ${sink.base}/ok`,
    '  - url: http://127.0.0.1:9/down',
    `  slack_configs: [{ api_url: ${sink.base}/slack, channel: "#x" }]`,
  ].join('\n'), '').config;
  const before = sink.requests.length;
  const results = await sendTestNotification(cfg, 'team', { externalURL: 'http://am:9093/', timeoutMs: 5000 });
  assert.deepEqual(results.map((r) => [r.integration, r.ok]), [['webhook[0]', true], ['webhook[1]', false], ['slack[0]', true]]);
  assert.equal(results[1]!.retryable, true);
  const hook = sink.requests.slice(before).find((r) => r.url === '/ok')!;
  const body = JSON.parse(hook.body.toString('utf8')) as { receiver: string; alerts: { labels: Record<string, string> }[]; externalURL: string };
  assert.equal(body.receiver, 'team');
  assert.equal(body.alerts[0]!.labels['alertname'], 'TestAlert');
  assert.equal(body.externalURL, 'http://am:9093');
  await assert.rejects(sendTestNotification(cfg, 'nope'), /receiver "nope" not found/);
});

test('registry: configured integrations get real notifiers; a bad template file fails them for good', async () => {
  registerReceivers();
  const r = loadAlertmanagerConfigString(`route: { receiver: r }\nreceivers:\n- name: r\n  webhook_configs: [{ url: ${sink.base}/reg }]\n  discord_configs: [{ webhook_url: ${sink.base}/d }]`, '').config.receivers[0]!;
  const ok = buildIntegrations(r, { logger: nopLogger, externalURL: 'http://am', templateFiles: [] });
  assert.deepEqual(ok.map((i) => i.name), ['webhook', 'discord']);
  const bad = join(dir, 'bad.tmpl');
  writeFileSync(bad, '{{ define "x" }}');
  const broken = buildIntegrations(r, { logger: nopLogger, externalURL: 'http://am', templateFiles: [bad] });
  const ctx = { signal: new AbortController().signal, groupKey: 'k', receiverName: 'r', groupLabels: {}, now: 0, repeatIntervalMs: 0, routeID: '', firingAlerts: [], resolvedAlerts: [], externalURL: '' };
  const res = await broken[1]!.notifier.notify(ctx, []);
  assert.equal(res.retry, false);
  assert.match(res.error?.message ?? '', /bad\.tmpl/);
});
