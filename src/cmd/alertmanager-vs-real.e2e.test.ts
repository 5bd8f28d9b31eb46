/**
 * Watchfire's Alertmanager next to the real one (Debian's prometheus-alertmanager 0.25):
 * the same API v2 requests give the same status codes and bodies (times and silence IDs
 * aside); a data directory written by either is read by the other (silences, and a
 * notification log that keeps the other from notifying again); and Prometheus 2.42 sends
 * its alerts to `watchfire alertmanager`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, peer, startPeer, waitReady, type RunningPeer } from '../testing/peers.js';
import { launchAlertmanager, type AlertmanagerHandle } from './alertmanager.js';

const realAM = peer('prometheus-alertmanager');
const prometheus = peer('prometheus');

interface Sink { url: string; bodies: unknown[]; close(): Promise<void> }

async function webhookSink(): Promise<Sink> {
  const bodies: unknown[] = [];
  const srv: Server = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => { b += c.toString('utf8'); });
    req.on('end', () => {
      bodies.push(JSON.parse(b) as unknown);
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((r) => { srv.listen(0, '127.0.0.1', r); });
  const a = srv.address();
  const port = typeof a === 'object' && a !== null ? a.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise((r) => { srv.close(() => { r(); }); }) };
}

function config(sink: string): string {
  return `route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: [team=db]
      receiver: db
receivers:
  - name: default
  - name: db
    webhook_configs:
      - url: ${sink}
inhibit_rules:
  - source_matchers: [severity=critical]
    target_matchers: [severity=warning]
    equal: [alertname]
`;
}

async function startReal(cfg: string, data: string): Promise<{ url: string; peer: RunningPeer }> {
  const port = await freePort();
  const p = startPeer(realAM.path, [`--config.file=${cfg}`, `--storage.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=']);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/-/ready`);
  return { url, peer: p };
}

async function startOurs(cfg: string, data: string): Promise<{ url: string; am: AlertmanagerHandle }> {
  const am = await launchAlertmanager([`--config.file=${cfg}`, `--storage.path=${data}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address=', '--log.level=error']);
  assert.notEqual(typeof am, 'number');
  const h = am as AlertmanagerHandle;
  return { url: `http://${h.addresses[0]!}`, am: h };
}

interface Answer { status: number; type: string; body: string }

async function call(base: string, method: string, path: string, body?: string, type = 'application/json'): Promise<Answer> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = body;
    init.headers = { 'Content-Type': type };
  }
  const r = await fetch(base + path, init);
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Times and silence IDs vary; `mutedBy` is a newer field Alertmanager 0.25 lacks. */
function normalize(s: string): string {
  return s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME').replace(UUID, 'ID').replace(/"mutedBy":\[[^\]]*\],/g, '');
}

test('API v2: the same requests get the same answers from Alertmanager 0.25 and Watchfire', { skip: realAM.skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-real-'));
  const sink = await webhookSink();
  const cfg = join(dir, 'am.yml');
  writeFileSync(cfg, config(sink.url));
  const real = await startReal(cfg, join(dir, 'real'));
  const ours = await startOurs(cfg, join(dir, 'ours'));
  try {
    const both = async (method: string, path: string, body?: string, type?: string): Promise<[Answer, Answer]> =>
      Promise.all([call(real.url, method, path, body, type), call(ours.url, method, path, body, type)]);
    const same = async (what: string, method: string, path: string, body?: string, type?: string): Promise<[Answer, Answer]> => {
      const [r, o] = await both(method, path, body, type);
      assert.equal(o.status, r.status, `${what}: status (real body ${r.body})`);
      assert.equal(o.type, r.type, `${what}: content type`);
      assert.equal(normalize(o.body), normalize(r.body), what);
      return [r, o];
    };
    const now = Date.now();
    const iso = (ms: number): string => new Date(ms).toISOString();
    await same('post alerts', 'POST', '/api/v2/alerts', JSON.stringify([
      { labels: { alertname: 'A', severity: 'critical' } },
      { labels: { alertname: 'A', severity: 'warning', empty: '' }, annotations: { html: '<b>&</b>' }, generatorURL: 'http://g/x?a=1&b=2' },
      { labels: { alertname: 'B', team: 'db' }, startsAt: '2020-01-01T00:00:00Z' },
      { labels: { alertname: 'C' }, startsAt: iso(now - 3_600_000), endsAt: iso(now - 60_000) },
    ]));
    const bad: [string, string, string?][] = [
      ['no labels', '[{"annotations":{}}]'],
      ['bad json', '[{'],
      ['not an array', '{"labels":{}}'],
      ['invalid label name', '[{"labels":{"a-b":"x"}},{"labels":{"ok":"1"}}]'],
      ['empty label set', '[{"labels":{}}]'],
      ['end before start', '[{"labels":{"a":"b"},"startsAt":"2020-01-02T00:00:00Z","endsAt":"2020-01-01T00:00:00Z"}]'],
      ['number label', '[{"labels":{"a":1}}]'],
      ['empty body', ''],
      ['empty array', '[]'],
      ['form content type', '[{"labels":{"a":"b"}}]', 'application/x-www-form-urlencoded'],
    ];
    for (const [what, body, type] of bad) await same(`post alerts: ${what}`, 'POST', '/api/v2/alerts', body, type);

    const [silR, silO] = await both('POST', '/api/v2/silences', JSON.stringify({
      matchers: [{ name: 'alertname', value: 'B', isRegex: false }], startsAt: iso(now), endsAt: iso(now + 3_600_000), createdBy: 'me', comment: 'c',
    }));
    assert.equal(silO.status, 200);
    assert.equal(normalize(silO.body), normalize(silR.body));
    const idR = (JSON.parse(silR.body) as { silenceID: string }).silenceID;
    const idO = (JSON.parse(silO.body) as { silenceID: string }).silenceID;
    const badSilences: [string, unknown][] = [
      ['no matchers', { matchers: [], startsAt: iso(now), endsAt: iso(now + 1000), createdBy: 'a', comment: 'b' }],
      ['missing fields', { matchers: [{ name: 'a', value: 'b' }], startsAt: iso(now), endsAt: iso(now + 1000) }],
      ['end before start', { matchers: [{ name: 'a', value: 'b', isRegex: false }], startsAt: iso(now + 7_200_000), endsAt: iso(now + 3_600_000), createdBy: 'a', comment: 'b' }],
      ['empty matcher', { matchers: [{ name: 'a', value: '', isRegex: false }], startsAt: iso(now), endsAt: iso(now + 3_600_000), createdBy: 'a', comment: 'b' }],
      ['bad regex', { matchers: [{ name: 'a', value: '(', isRegex: true }], startsAt: iso(now), endsAt: iso(now + 3_600_000), createdBy: 'a', comment: 'b' }],
      ['unknown id', { id: 'nope', matchers: [{ name: 'a', value: 'b', isRegex: false }], startsAt: iso(now), endsAt: iso(now + 3_600_000), createdBy: 'a', comment: 'b' }],
    ];
    for (const [what, body] of badSilences) await same(`post silence: ${what}`, 'POST', '/api/v2/silences', JSON.stringify(body));
    await both('POST', '/api/v2/silences', JSON.stringify({
      matchers: [{ name: 'b', value: 'x.*', isRegex: true, isEqual: false }], startsAt: iso(now + 3_600_000), endsAt: iso(now + 7_200_000), createdBy: 'me', comment: '',
    }));

    const reads = [
      '/api/v2/alerts', '/api/v2/alerts?filter=alertname%3DA', '/api/v2/alerts?active=false', '/api/v2/alerts?silenced=false',
      '/api/v2/alerts?inhibited=false&silenced=false', '/api/v2/alerts?receiver=db', '/api/v2/alerts?receiver=(', '/api/v2/alerts?filter=alertname',
      '/api/v2/alerts?filter=empty%3D', '/api/v2/alerts/groups', '/api/v2/alerts/groups?receiver=default', '/api/v2/alerts/groups?filter=severity%3Dwarning',
      '/api/v2/alerts/groups?active=false', '/api/v2/silences', '/api/v2/silences?filter=alertname%3DB', '/api/v2/silences?filter=x',
      '/api/v2/receivers', '/api/v2/silence/xyz', '/api/v2/silence/f3f0b3c4-1e8b-4d7b-9b4a-6f7f0e5f4c1a', '/api/v2/nothing',
    ];
    for (const path of reads) await same(`GET ${path}`, 'GET', path);
    const [gr, go] = await Promise.all([call(real.url, 'GET', `/api/v2/silence/${idR}`), call(ours.url, 'GET', `/api/v2/silence/${idO}`)]);
    assert.equal(normalize(go.body), normalize(gr.body), 'get silence by id');
    const [statusR, statusO] = await both('GET', '/api/v2/status');
    const keys = (s: string): string[] => Object.keys(JSON.parse(s) as object).sort();
    assert.deepEqual(keys(statusO.body), keys(statusR.body));
    const [delR, delO] = await Promise.all([call(real.url, 'DELETE', `/api/v2/silence/${idR}`), call(ours.url, 'DELETE', `/api/v2/silence/${idO}`)]);
    assert.deepEqual(delO, delR, 'expire silence');
    await same('silences after expiry', 'GET', '/api/v2/silences');
    // Alertmanager 0.27+ answers 410 on /api/v1 and 404 for an unknown silence (0.25: 200 and 500).
    assert.equal((await call(ours.url, 'GET', '/api/v1/alerts')).status, 410);
    assert.equal((await call(ours.url, 'DELETE', '/api/v2/silence/f3f0b3c4-1e8b-4d7b-9b4a-6f7f0e5f4c1a')).status, 404);
  } finally {
    await ours.am.stop();
    await real.peer.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Waits until the Alertmanager at `base` has run the dedup stage `n` more times than
 * `since`: flushes of a group never overlap, so when the second has queried the log the
 * first (and any notification it sent) is over.
 */
async function dedupRuns(base: string, since: number, n: number): Promise<number> {
  let v = since;
  await until(`${n} more notification log queries at ${base} (last ${String(v)})`, async () => {
    const m = /^alertmanager_nflog_queries_total (\S+)$/m.exec(await (await fetch(`${base}/metrics`)).text());
    v = m === null ? 0 : Number(m[1]);
    return v >= since + n;
  });
  return v;
}

async function until(what: string, f: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await f()) return;
    await new Promise((r) => { setTimeout(r, 100); });
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('data directory: silences and the notification log move between Alertmanager 0.25 and Watchfire', { skip: realAM.skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-port-'));
  const sink = await webhookSink();
  const cfg = join(dir, 'am.yml');
  writeFileSync(cfg, config(sink.url));
  const data = join(dir, 'data');
  const alerts = JSON.stringify([{ labels: { alertname: 'Disk', team: 'db' }, startsAt: new Date(Date.now() - 60_000).toISOString() }]);
  try {
    // 1. The real Alertmanager notifies and keeps a silence; it writes both at shutdown.
    const real = await startReal(cfg, data);
    assert.equal((await call(real.url, 'POST', '/api/v2/alerts', alerts)).status, 200);
    const now = Date.now();
    const sil = await call(real.url, 'POST', '/api/v2/silences', JSON.stringify({
      matchers: [{ name: 'alertname', value: 'Quiet', isRegex: false }], startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(), createdBy: 'ops', comment: 'from 0.25',
    }));
    const realID = (JSON.parse(sil.body) as { silenceID: string }).silenceID;
    await until('the real Alertmanager to notify', () => Promise.resolve(sink.bodies.length === 1));
    const realSilences = (await call(real.url, 'GET', '/api/v2/silences')).body;
    await real.peer.stop();

    // 2. Watchfire on the same directory: the silence is there, and the resent alert is not notified again.
    const ours = await startOurs(cfg, data);
    assert.equal((await call(ours.url, 'GET', '/api/v2/silences')).body, realSilences);
    assert.equal((await call(ours.url, 'POST', '/api/v2/alerts', alerts)).status, 200);
    await dedupRuns(ours.url, 0, 2);
    assert.equal(sink.bodies.length, 1, 'Watchfire reads the notification log of Alertmanager: no duplicate');
    // A new alert in the group is notified (the log is used, not ignored).
    assert.equal((await call(ours.url, 'POST', '/api/v2/alerts', JSON.stringify([{ labels: { alertname: 'Disk', team: 'db', instance: '2' } }]))).status, 200);
    await until('Watchfire to notify the new alert', () => Promise.resolve(sink.bodies.length === 2));
    const ourSil = await call(ours.url, 'POST', '/api/v2/silences', JSON.stringify({
      // Not matching the test's alerts: they must reach the dedup stage in step 3.
      matchers: [{ name: 'team', value: 'web|api', isRegex: true }], startsAt: new Date(now).toISOString(), endsAt: new Date(now + 7_200_000).toISOString(), createdBy: 'wf', comment: 'from watchfire',
    }));
    assert.equal(ourSil.status, 200);
    const oursSilences = (await call(ours.url, 'GET', '/api/v2/silences')).body;
    await ours.am.stop();

    // 3. Back to the real Alertmanager: both silences, and Watchfire's notification is in its log.
    const real2 = await startReal(cfg, data);
    const back = (await call(real2.url, 'GET', '/api/v2/silences')).body;
    assert.equal(normalize(back), normalize(oursSilences));
    assert.ok(back.includes(realID));
    assert.equal((await call(real2.url, 'POST', '/api/v2/alerts', JSON.stringify([
      { labels: { alertname: 'Disk', team: 'db' }, startsAt: new Date(Date.now() - 60_000).toISOString() },
      { labels: { alertname: 'Disk', team: 'db', instance: '2' }, startsAt: new Date(Date.now() - 60_000).toISOString() },
    ]))).status, 200);
    await dedupRuns(real2.url, 0, 2);
    assert.equal(sink.bodies.length, 2, 'Alertmanager reads the notification log Watchfire wrote: no duplicate');
    await real2.peer.stop();
  } finally {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Prometheus 2.42 sends its alerts to watchfire alertmanager', { skip: prometheus.skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-prom-'));
  const sink = await webhookSink();
  const cfg = join(dir, 'am.yml');
  writeFileSync(cfg, config(sink.url));
  const ours = await startOurs(cfg, join(dir, 'am'));
  const amHost = new URL(ours.url).host;
  writeFileSync(join(dir, 'rules.yml'), `groups:
  - name: g
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: {team: db, severity: page}
        annotations: {summary: 'always {{ $value }}'}
`);
  writeFileSync(join(dir, 'prometheus.yml'), `global: {evaluation_interval: 1s, external_labels: {cluster: test}}
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{targets: ['${amHost}']}]
      api_version: v2
`);
  const port = await freePort();
  const prom = startPeer(prometheus.path, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom')}`, `--web.listen-address=127.0.0.1:${port}`, '--rules.alert.resend-delay=1s'], { cwd: dir });
  try {
    // A failure says what Prometheus said (it once timed out in CI with nothing to go on).
    await waitReady(`http://127.0.0.1:${port}/-/ready`, 30_000).catch((e: unknown) => {
      throw new Error(`prometheus not ready: ${String(e)}\n${prom.output().slice(-3000)}`);
    });
    await until('the alert to reach watchfire alertmanager', async () => {
      const r = await call(ours.url, 'GET', '/api/v2/alerts?filter=alertname%3DAlwaysFiring');
      const list = JSON.parse(r.body) as { labels: Record<string, string>; annotations: Record<string, string>; receivers: { name: string }[]; generatorURL?: string }[];
      const a = list[0];
      if (a === undefined) return false;
      assert.deepEqual(a.labels, { alertname: 'AlwaysFiring', team: 'db', severity: 'page', cluster: 'test' });
      assert.equal(a.annotations['summary'], 'always 1');
      assert.deepEqual(a.receivers, [{ name: 'db' }]);
      assert.match(a.generatorURL ?? '', /graph\?g0\.expr=vector/);
      return true;
    }, 60_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\nprometheus said:\n${prom.output().slice(-3000)}`);
    });
    await until('the webhook notification', () => Promise.resolve(sink.bodies.length > 0), 30_000);
    const n = sink.bodies[0] as { receiver: string; status: string; alerts: { labels: Record<string, string> }[] };
    assert.equal(n.receiver, 'db');
    assert.equal(n.status, 'firing');
    assert.equal(n.alerts[0]!.labels['alertname'], 'AlwaysFiring');
  } finally {
    await prom.stop();
    await ours.am.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
