/**
 * The test-send and template preview routes against `watchfire alertmanager` run in process
 * (through the command's launch function), with webhook receivers pointed at a local sink
 * that answers 200 on /good and 500 on /bad, and a template file next to the configuration.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchAlertmanager, type AlertmanagerHandle } from '../../cmd/alertmanager.js';
import { type HTTPSink, startHTTPSink } from '../receivers/test-sink.js';

const EXTERNAL_URL = 'http://am.example:9093';

let am: AlertmanagerHandle;
let sink: HTTPSink;
let dir: string;
let base: string;

before(async () => {
  sink = await startHTTPSink();
  sink.answer = (c) => (c.url === '/bad' ? { status: 500, body: 'sink is down' } : { status: 200 });
  dir = mkdtempSync(join(tmpdir(), 'wf-am-ext-'));
  mkdirSync(join(dir, 'tmpl'));
  writeFileSync(join(dir, 'tmpl', 'my.tmpl'), '{{ define "my.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}\n');
  writeFileSync(join(dir, 'alertmanager.yml'), `route: {receiver: team}
templates: ['tmpl/*.tmpl']
receivers:
- name: team
  webhook_configs: [{url: '${sink.base}/good'}]
- name: mixed
  webhook_configs: [{url: '${sink.base}/good'}, {url: '${sink.base}/bad'}]
- name: empty
`);
  const h = await launchAlertmanager([
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0',
    `--web.external-url=${EXTERNAL_URL}`, '--cluster.listen-address=', '--log.level=error',
  ]);
  assert.notEqual(typeof h, 'number', 'watchfire alertmanager did not start');
  am = h as AlertmanagerHandle;
  base = `http://${am.addresses[0]!}`;
});

after(async () => {
  await am.stop();
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body?: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) as unknown };
}

interface WebhookBody { receiver: string; externalURL: string; alerts: { status: string; labels: Record<string, string> }[] }

function webhookBodies(path: string): WebhookBody[] {
  return sink.requests.filter((c) => c.url === path).map((c) => JSON.parse(c.body.toString('utf8')) as WebhookBody);
}

test('test-send: every integration of the receiver, outcome each', async () => {
  sink.requests.length = 0;
  const ok = await post('/api/v2/receivers/team/test');
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json, [{ integration: 'webhook[0]', ok: true }]);
  const got = webhookBodies('/good');
  assert.equal(got.length, 1);
  assert.equal(got[0]!.receiver, 'team');
  assert.equal(got[0]!.externalURL, EXTERNAL_URL);
  assert.equal(got[0]!.alerts[0]!.labels['alertname'], 'TestAlert');

  sink.requests.length = 0;
  const alerts = [{ labels: { alertname: 'DiskFull', severity: 'page' }, annotations: { summary: 's' } }];
  const mixed = await post('/api/v2/receivers/mixed/test', JSON.stringify({ alerts }));
  assert.equal(mixed.status, 200);
  assert.deepEqual(mixed.json, [
    { integration: 'webhook[0]', ok: true },
    { integration: 'webhook[1]', ok: false, error: 'unexpected status code 500: sink is down', retryable: true },
  ]);
  for (const path of ['/good', '/bad']) {
    const b = webhookBodies(path);
    assert.equal(b.length, 1, path);
    assert.deepEqual(b[0]!.alerts.map((a) => [a.status, a.labels]), [['firing', { alertname: 'DiskFull', severity: 'page' }]], path);
  }

  const none = await post('/api/v2/receivers/empty/test', '{}');
  assert.equal(none.status, 200);
  assert.deepEqual(none.json, []);
});

test('test-send: refused requests', async () => {
  sink.requests.length = 0;
  const cases: [string, string | undefined, number, RegExp][] = [
    ['/api/v2/receivers/nope/test', undefined, 404, /receiver "nope" not found/],
    ['/api/v2/receivers/team/test', '{"alerts": [', 400, /parsing request body/],
    ['/api/v2/receivers/team/test', '[]', 400, /expected a JSON object/],
    ['/api/v2/receivers/team/test', '{"alerts": {}}', 400, /invalid alerts: alerts: expected a JSON array/],
    ['/api/v2/receivers/team/test', '{"alerts": []}', 400, /at least one alert required/],
    ['/api/v2/receivers/team/test', '{"alerts": [{"labels": {}}]}', 400, /at least one label pair required/],
    ['/api/v2/receivers/team/test', '{"alerts": [{"labels": {"a": "b"}, "startsAt": "yesterday"}]}', 400, /invalid time/],
  ];
  for (const [path, body, status, want] of cases) {
    const r = await post(path, body);
    assert.equal(r.status, status, `${path} ${body ?? ''}`);
    assert.equal(typeof r.json, 'string');
    assert.match(r.json as string, want, `${path} ${body ?? ''}`);
  }
  assert.equal(sink.requests.length, 0, 'a refused request sent nothing');
  // Other methods on the extension paths are 405s naming the allowed one, as on every v2 path.
  for (const path of ['/api/v2/receivers/team/test', '/api/v2/templates/render']) {
    const r = await fetch(base + path);
    assert.equal(r.status, 405, path);
    assert.match(await r.text(), /method GET is not allowed, but \[POST\] are/);
  }
});

test('template render: config templates, inline text, data, escaping, errors', async () => {
  const alerts = [{ labels: { alertname: '<Disk&Full>', job: 'node' } }];
  const cases: [Record<string, unknown>, number, string | RegExp][] = [
    [{ text: '{{ template "my.title" . }} via {{ .Receiver }}', alerts }, 200, '[FIRING] <Disk&Full> via receiver'],
    [{ text: '{{ .Receiver }}: {{ len .Alerts }} alerts, {{ .ExternalURL }}' }, 200, 'receiver: 2 alerts, https://example.com'],
    [{ text: '{{ .Receiver }} {{ .ExternalURL }}', receiver: 'team', alerts }, 200, `team ${EXTERNAL_URL}`],
    [{ text: '<b>{{ .CommonLabels.alertname }}</b>', type: 'html', alerts }, 200, '<b>&lt;Disk&amp;Full&gt;</b>'],
    [{ text: '<b>{{ .CommonLabels.alertname }}</b>', type: 'text', alerts }, 200, '<b><Disk&Full></b>'],
    [{ text: '{{ .Receiver' }, 400, /unclosed action|unexpected/],
    [{ text: '{{ template "no.such" . }}' }, 400, /executing .* template "no.such" not defined/],
    [{ text: '' }, 400, 'text in body is required'],
    [{ text: 'x', type: 'markdown' }, 400, 'invalid type "markdown": one of text, html'],
    [{ text: 'x', alerts: 'none' }, 400, /invalid alerts/],
  ];
  for (const [body, status, want] of cases) {
    const r = await post('/api/v2/templates/render', JSON.stringify(body));
    assert.equal(r.status, status, JSON.stringify(body));
    const got = status === 200 ? (r.json as { output: string }).output : r.json as string;
    if (typeof want === 'string') assert.equal(got, want, JSON.stringify(body));
    else assert.match(got, want, JSON.stringify(body));
  }
  const bad = await post('/api/v2/templates/render', 'not json');
  assert.equal(bad.status, 400);
  assert.match(bad.json as string, /parsing request body/);
});
