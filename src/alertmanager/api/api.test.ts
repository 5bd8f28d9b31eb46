import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../../instrument/index.js';
import { nopLogger } from '../../util/log.js';
import { WebServer } from '../../web/index.js';
import { AlertmanagerService, apiDeps, registerAlertmanagerAPI } from '../index.js';
import { parseMatchers } from '../labels/index.js';
import { matchFilterLabels, decodePostableSilence, BodyError } from './index.js';

const CONFIG = `route:
  receiver: default
  routes:
    - matchers: [team=db]
      receiver: db
receivers:
  - name: default
  - name: db
`;

async function withAPI(prefix: string, f: (base: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-api-'));
  writeFileSync(join(dir, 'am.yml'), CONFIG);
  const registry = new Registry();
  const svc = await AlertmanagerService.start({
    configFile: join(dir, 'am.yml'), storagePath: join(dir, 'data'), retentionMs: 3_600_000, maintenanceIntervalMs: 60_000, alertGCIntervalMs: 60_000,
    externalURL: 'http://am', registry, logger: nopLogger,
  });
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: prefix, readTimeoutMs: 0, maxConnections: 100, logger: nopLogger });
  registerAlertmanagerAPI(web.router, apiDeps(svc, { branch: 'b', buildDate: 'd', buildUser: 'u', goVersion: 'g', revision: 'r', version: 'v' }), {
    registry, logger: nopLogger, reload: () => svc.reload(), getConcurrency: 0, timeoutMs: 0, routePrefix: prefix,
  });
  web.setReady(true);
  const [addr] = await web.listen();
  try {
    await f(`http://${addr!}${prefix}`);
  } finally {
    await web.close();
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function req(base: string, method: string, path: string, body?: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<{ status: number; body: string; headers: Headers }> {
  const r = await fetch(base + path, body === undefined ? { method, headers } : { method, body, headers });
  return { status: r.status, body: await r.text(), headers: r.headers };
}

test('API: endpoints, errors and headers', async () => {
  await withAPI('/am', async (base) => {
    const cases: [string, string, string | undefined, number, string | RegExp][] = [
      ['GET', '/-/healthy', undefined, 200, 'OK'],
      ['GET', '/-/ready', undefined, 200, 'OK'],
      ['GET', '/api/v2/receivers', undefined, 200, '[{"name":"default"},{"name":"db"}]\n'],
      ['POST', '/api/v2/alerts', '[{"labels":{"alertname":"X","team":"db"},"annotations":{"d":"<a&b>"}}]', 200, ''],
      ['POST', '/api/v2/alerts', '[{"annotations":{}}]', 422, '{"code":602,"message":"0.labels in body is required"}'],
      ['POST', '/api/v2/alerts', '[{"labels":{"a":"b"},"startsAt":"soon"}]', 400, /parsing time \\"soon\\"/],
      ['POST', '/api/v2/silences', '{"matchers":[{"name":"a","value":"b"}],"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-01-02T00:00:00Z","createdBy":"x","comment":"y"}', 422, '{"code":602,"message":"matchers.0.isRegex in body is required"}'],
      ['GET', '/api/v2/alerts?receiver=db&filter=alertname%3DX', undefined, 200, /"annotations":\{"d":"\\u003ca\\u0026b\\u003e"\}.*"receivers":\[\{"name":"db"\}\]/],
      ['GET', '/api/v2/alerts?receiver=default', undefined, 200, '[]\n'],
      ['GET', '/api/v2/history?kind=nope', undefined, 400, /unknown event kind ..nope/],
      ['GET', '/api/v2/history?start=yesterday', undefined, 400, /invalid start time/],
      ['GET', '/api/v2/history?kind=firing&limit=1', undefined, 200, /"kind":"firing".*"labels":\{"alertname":"X","team":"db"\}/],
      ['GET', '/api/v1/alerts', undefined, 410, /"status":"deprecated"/],
      ['GET', '/api/v2/nothing', undefined, 404, '{"code":404,"message":"path /api/v2/nothing was not found"}'],
      ['PUT', '/api/v2/alerts', '[]', 405, '{"code":405,"message":"method PUT is not allowed, but [GET,POST] are"}'],
      ['GET', '/api/v2/silence/not-a-uuid', undefined, 422, '{"code":601,"message":"silenceID in path must be of type uuid: \\"not-a-uuid\\""}'],
      ['GET', '/-/reload', undefined, 405, /Method Not Allowed/],
      ['POST', '/-/reload', undefined, 200, ''],
    ];
    for (const [method, path, body, status, want] of cases) {
      const r = await req(base, method, path, body);
      assert.equal(r.status, status, `${method} ${path}: ${r.body}`);
      if (typeof want === 'string') assert.equal(r.body, want, `${method} ${path}`);
      else assert.match(r.body, want, `${method} ${path}`);
    }
    const cors = await req(base, 'GET', '/api/v2/status', undefined, { Origin: 'http://ui.example' });
    assert.equal(cors.headers.get('access-control-allow-origin'), '*');
    assert.equal(cors.headers.get('cache-control'), 'no-store');
    const st = JSON.parse(cors.body) as { cluster: { status: string }; versionInfo: { version: string }; config: { original: string } };
    assert.equal(st.cluster.status, 'disabled');
    assert.equal(st.versionInfo.version, 'v');
    assert.match(st.config.original, /receiver: db/);
    const metrics = (await req(base, 'GET', '/metrics')).body;
    assert.match(metrics, /alertmanager_alerts_received_total\{status="firing",version="v2"\} 1/);
    assert.match(metrics, /alertmanager_alerts_invalid_total\{version="v2"\} 0/);
    assert.match(metrics, /alertmanager_http_request_duration_seconds_count\{handler="\/api\/v2\/receivers",method="get"\} 1/);
    const root = await fetch(base.replace(/\/am$/, '') + '/am/');
    assert.equal(root.status, 200);
  });
});

test('API filters: empty matcher values and silences by identical matchers', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['a=""', {}, true],
    ['a=""', { a: 'x' }, false],
    ['a!=""', { a: 'x' }, true],
    ['a!=""', {}, false],
    ['a=~""', {}, true],
    ['a!~""', { a: '' }, true],
    ['a=~"x.*"', { a: 'xyz' }, true],
  ];
  for (const [m, ls, want] of cases) assert.equal(matchFilterLabels(parseMatchers(m), ls), want, `${m} on ${JSON.stringify(ls)}`);
  assert.deepEqual(decodePostableSilence('{"matchers":[{"name":"a","value":"b","isRegex":true,"isEqual":false}],"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-01-02T00:00:00Z","createdBy":"x","comment":""}').matchers, [{ name: 'a', value: 'b', type: '!~' }]);
  assert.throws(() => decodePostableSilence('{"matchers":[],"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-01-02T00:00:00Z","createdBy":"x","comment":""}'), (e: unknown) => e instanceof BodyError && e.code === 612);
  assert.throws(() => decodePostableSilence(''), (e: unknown) => e instanceof BodyError && e.message === 'silence in body is required');
});
