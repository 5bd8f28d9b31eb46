import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Labels } from '../../../model/index.js';
import { groupToken, formatFloatE, type AlertView, type RuleGroupView, type RulesSource } from './rules.js';
import { NOTIFICATION_CONFIG_FAILED, NOTIFICATION_SHUTTING_DOWN } from './notifications.js';
import { T0, withAPI } from './test-support.js';

test('admin routes: disabled without --web.enable-admin-api (500 unavailable, as Prometheus)', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    for (const path of ['delete_series?match[]=up', 'clean_tombstones', 'snapshot']) {
      for (const method of ['POST', 'PUT']) {
        const r = await api.call(`/api/v1/admin/tsdb/${path}`, { method });
        assert.equal(r.status, 500, path);
        assert.deepEqual(r.json, { status: 'error', errorType: 'unavailable', error: 'admin APIs disabled' });
      }
      assert.equal((await api.call(`/api/v1/admin/tsdb/${path}`)).status, 405);
    }
  });
});

test('admin routes: delete_series removes samples by matchers and range; clean_tombstones; no snapshots in memory', { timeout: 20000 }, async () => {
  await withAPI({ enableAdmin: true }, async (api) => {
    const errs: [string, string, number, string][] = [
      ['/api/v1/admin/tsdb/delete_series', 'POST', 400, 'no match[] parameter provided'],
      ['/api/v1/admin/tsdb/delete_series?match[]=up{', 'POST', 400, 'invalid parameter "match[]": 1:4: parse error: unexpected end of input inside braces'],
      ['/api/v1/admin/tsdb/delete_series?match[]=up&start=x', 'POST', 400, 'invalid parameter "start": invalid time value for \'start\': cannot parse "x" to a valid timestamp'],
      ['/api/v1/admin/tsdb/snapshot?skip_head=x', 'POST', 400, 'invalid parameter "skip_head": unable to parse boolean: strconv.ParseBool: parsing "x": invalid syntax'],
      ['/api/v1/admin/tsdb/snapshot', 'PUT', 500, 'create snapshot: not supported by this storage'],
    ];
    for (const [path, method, status, err] of errs) {
      const r = await api.call(path, { method });
      assert.equal(r.status, status, path);
      assert.equal(r.json?.['error'], err, path);
    }
    const t0 = T0 / 1000;
    const del = await api.call('/api/v1/admin/tsdb/delete_series', { form: `match[]=up{instance="a:1"}&start=${t0 + 60}&end=${t0 + 120}` });
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    // 40 samples in (t0, t0+600]; the five at 60 s to 120 s are gone from a:1 only.
    const raw = await api.call(`/api/v1/query?query=count_over_time(up[10m])&time=${t0 + 600}`);
    const counts = (raw.json?.['data'] as { result: { metric: Record<string, string>; value: [number, string] }[] }).result;
    assert.deepEqual(counts.map((c) => [c.metric['instance'], c.value[1]]), [['a:1', '35'], ['b:1', '40']]);
    assert.equal((await api.call('/api/v1/admin/tsdb/clean_tombstones', { method: 'PUT' })).status, 204);
  });
});

function alert(state: AlertView['state'], value: number): AlertView {
  return { labels: Labels.fromStrings('alertname', 'A', 'sev', 'page'), annotations: Labels.fromStrings('summary', 's'), state, activeAt: new Date(T0), keepFiringSince: null, value };
}

function fakeRules(): RulesSource {
  const common = { health: 'ok' as const, lastError: '', evaluationTimeSeconds: 0.001, lastEvaluation: new Date(T0) };
  const groups: RuleGroupView[] = [
    {
      name: 'g1', file: '/r/a.yml', intervalSeconds: 60, limit: 0, evaluationTimeSeconds: 0.002, lastEvaluation: new Date(T0),
      rules: [
        { kind: 'recording', name: 'job:up:sum', query: 'sum by (job) (up)', labels: Labels.fromStrings('team', 'x'), ...common },
        {
          kind: 'alerting', name: 'A', query: 'up == 0', labels: Labels.fromStrings('sev', 'page'), ...common, state: 'firing', durationSeconds: 300,
          keepFiringForSeconds: 0, annotations: Labels.fromStrings('summary', 's'), activeAlerts: () => [alert('firing', 1)],
        },
      ],
    },
    { name: 'g2', file: '/r/a.yml', intervalSeconds: 30, limit: 5, evaluationTimeSeconds: 0, lastEvaluation: null, rules: [{ kind: 'recording', name: 'r2', query: '1', labels: Labels.EMPTY, ...common }] },
    { name: 'g3', file: '/r/b.yml', intervalSeconds: 30, limit: 0, evaluationTimeSeconds: 0, lastEvaluation: null, rules: [{ kind: 'recording', name: 'r3', query: '2', labels: Labels.EMPTY, ...common }] },
  ];
  return { groups: () => groups };
}

test('rules: no rule groups by default; parameter validation as Prometheus', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    assert.deepEqual((await api.call('/api/v1/rules')).json, { status: 'success', data: { groups: [] } });
    assert.deepEqual((await api.call('/api/v1/alerts')).json, { status: 'success', data: { alerts: [] } });
    assert.deepEqual((await api.call('/api/v1/alertmanagers')).json, { status: 'success', data: { activeAlertmanagers: [], droppedAlertmanagers: [] } });
    const errs: [string, string][] = [
      ['/api/v1/rules?type=foo', 'invalid parameter "type": not supported value "foo"'],
      ['/api/v1/rules?exclude_alerts=x', 'invalid parameter "exclude_alerts": error converting exclude_alerts: strconv.ParseBool: parsing "x": invalid syntax'],
      ['/api/v1/rules?group_next_token=abc', 'invalid parameter "group_next_token": group_limit needs to be present in order to paginate over the groups'],
      ['/api/v1/rules?group_limit=x', 'invalid parameter "group_limit": group_limit needs to be a valid number: strconv.ParseInt: parsing "x": invalid syntax'],
      ['/api/v1/rules?group_limit=0', 'invalid parameter "group_limit": group_limit needs to be greater than 0'],
      ['/api/v1/rules?group_limit=1&group_next_token=abc', 'invalid parameter "group_next_token": invalid group_next_token \'abc\'. were rule groups changed?'],
      ['/api/v1/rules?match[]={a=""}', 'match[] must contain at least one non-empty matcher'],
      ['/api/v1/rules?x=%zz', 'error parsing form values: invalid URL escape "%zz"'],
    ];
    for (const [path, err] of errs) {
      const r = await api.call(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.json?.['error'], err, path);
    }
  });
});

test('rules and alerts from a rule source: filters, pagination, alert values', { timeout: 20000 }, async () => {
  await withAPI({ rules: fakeRules() }, async (api) => {
    type Groups = { groups: { name: string; rules: Record<string, unknown>[] }[]; groupNextToken?: string };
    const get = async (q: string): Promise<Groups> => (await api.call('/api/v1/rules' + q)).json?.['data'] as Groups;
    const names = (g: Groups): string[] => g.groups.map((x) => `${x.name}:${x.rules.map((r) => String(r['name'])).join(',')}`);
    assert.deepEqual(names(await get('')), ['g1:job:up:sum,A', 'g2:r2', 'g3:r3']);
    assert.deepEqual(names(await get('?type=alert')), ['g1:A']);
    assert.deepEqual(names(await get('?type=RECORD&rule_group[]=g1')), ['g1:job:up:sum']);
    assert.deepEqual(names(await get('?file[]=/r/b.yml')), ['g3:r3']);
    assert.deepEqual(names(await get('?rule_name[]=r2&rule_name[]=A')), ['g1:A', 'g2:r2']);
    assert.deepEqual(names(await get('?match[]={team="x"}')), ['g1:job:up:sum']);
    const full = await get('');
    const a = full.groups[0]!.rules[1]!;
    assert.deepEqual(Object.keys(a), ['state', 'name', 'query', 'duration', 'keepFiringFor', 'labels', 'annotations', 'alerts', 'health', 'evaluationTime', 'lastEvaluation', 'type']);
    assert.deepEqual(a['alerts'], [{ labels: { alertname: 'A', sev: 'page' }, annotations: { summary: 's' }, state: 'firing', activeAt: new Date(T0).toISOString().replace('.000', ''), value: '1e+00' }]);
    assert.equal((await get('?exclude_alerts=TRUE')).groups[0]!.rules[1]!['alerts'], null);

    const p1 = await get('?group_limit=2');
    assert.deepEqual(names(p1), ['g1:job:up:sum,A', 'g2:r2']);
    assert.equal(p1.groupNextToken, groupToken('/r/b.yml', 'g3'));
    const p2 = await get(`?group_limit=2&group_next_token=${p1.groupNextToken}`);
    assert.deepEqual(names(p2), ['g3:r3']);
    assert.equal(p2.groupNextToken, undefined);

    const alerts = (await api.call('/api/v1/alerts')).json?.['data'] as { alerts: unknown[] };
    assert.equal(alerts.alerts.length, 1);
  });
});

test('formatFloatE: Go\'s exponent notation for alert values', () => {
  const cases: [number, string][] = [[1, '1e+00'], [0, '0e+00'], [1.5, '1.5e+00'], [123, '1.23e+02'], [1e-7, '1e-07'], [1e100, '1e+100'], [NaN, 'NaN'], [-Infinity, '-Inf']];
  for (const [v, want] of cases) assert.equal(formatFloatE(v), want);
});

test('CORS on API answers, OPTIONS everywhere under /api/v1, 404 and 405 kept', { timeout: 20000 }, async () => {
  await withAPI({ corsOrigin: 'https?://good\\.example' }, async (api) => {
    const good = await api.call('/api/v1/labels', { headers: { Origin: 'https://good.example' } });
    assert.equal(good.headers.get('access-control-allow-origin'), 'https://good.example');
    assert.equal(good.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
    assert.equal(good.headers.get('access-control-allow-headers'), 'Accept, Authorization, Content-Type, Origin');
    assert.equal(good.headers.get('access-control-expose-headers'), 'Date');
    assert.equal(good.headers.get('vary'), 'Origin');
    const bad = await api.call('/api/v1/labels', { headers: { Origin: 'https://evil.example' } });
    assert.equal(bad.headers.get('access-control-allow-origin'), null);
    assert.equal(bad.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
    const plain = await api.call('/api/v1/labels');
    assert.equal(plain.headers.get('vary'), 'Origin');
    assert.equal(plain.headers.get('access-control-allow-methods'), null);
    const err = await api.call('/api/v1/query', { headers: { Origin: 'http://good.example' } });
    assert.equal(err.status, 400);
    assert.equal(err.headers.get('access-control-allow-origin'), 'http://good.example');
    for (const path of ['/api/v1/query', '/api/v1/nothing/here']) {
      const o = await api.call(path, { method: 'OPTIONS', headers: { Origin: 'https://good.example' } });
      assert.equal(o.status, 204, path);
      assert.equal(o.headers.get('access-control-allow-origin'), 'https://good.example');
    }
    assert.equal((await api.call('/api/v1/nothing/here')).status, 404);
    assert.equal((await api.call('/api/v1/query', { method: 'PUT' })).status, 405);
    // Prometheus's API has no HEAD routes.
    const head = await api.call('/api/v1/query?query=1', { method: 'HEAD' });
    assert.equal(head.status, 405);
    assert.equal(head.headers.get('allow'), 'GET, OPTIONS, POST');
    assert.equal((await api.call('/api/v1/label/job/values', { method: 'HEAD' })).headers.get('allow'), 'GET, OPTIONS');
  });
  await withAPI({}, async (api) => {
    const any = await api.call('/api/v1/labels', { headers: { Origin: 'http://x.example' } });
    assert.equal(any.headers.get('access-control-allow-origin'), 'http://x.example');
  });
});

/** Reads SSE `data:` lines from the live endpoint until `n` arrived. */
function readEvents(base: string, n: number, onOpen: () => void): Promise<{ status: number; events: unknown[] }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/v1/notifications/live`, (res) => {
      const events: unknown[] = [];
      let buf = '';
      if (res.statusCode !== 200) { res.resume(); resolve({ status: res.statusCode ?? 0, events }); return; }
      assert.equal(res.headers['content-type'], 'text/event-stream');
      onOpen();
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 2);
          events.push(JSON.parse(line.replace(/^data: /, '')));
          if (events.length === n) { req.destroy(); resolve({ status: 200, events }); }
        }
      });
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
    req.end();
  });
}

test('notifications: the list, and live updates as Server-Sent Events', { timeout: 20000 }, async () => {
  await withAPI({ maxSubscribers: 1 }, async (api) => {
    assert.deepEqual((await api.call('/api/v1/notifications')).json, { status: 'success', data: [] });
    api.notifications.add(NOTIFICATION_CONFIG_FAILED);
    const list = (await api.call('/api/v1/notifications')).json?.['data'] as { text: string; active: boolean; date: string }[];
    assert.deepEqual(list.map((n) => [n.text, n.active]), [[NOTIFICATION_CONFIG_FAILED, true]]);
    assert.match(list[0]!.date, /^\d{4}-\d\d-\d\dT/);

    let opened!: () => void;
    const open = new Promise<void>((r) => { opened = r; });
    const live = readEvents(api.base, 3, () => { opened(); });
    await open;
    // A second subscriber is over the limit: 204.
    const second = await readEvents(api.base, 1, () => undefined);
    assert.equal(second.status, 204);
    api.notifications.add(NOTIFICATION_SHUTTING_DOWN);
    api.notifications.delete(NOTIFICATION_CONFIG_FAILED);
    const got = await live;
    assert.deepEqual((got.events as { text: string; active: boolean }[]).map((e) => [e.text, e.active]), [
      [NOTIFICATION_CONFIG_FAILED, true], [NOTIFICATION_SHUTTING_DOWN, true], [NOTIFICATION_CONFIG_FAILED, false],
    ]);
    assert.deepEqual(((await api.call('/api/v1/notifications')).json?.['data'] as { text: string }[]).map((n) => n.text), [NOTIFICATION_SHUTTING_DOWN]);
  });
});

test('features: categories of what this server has', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const f = (await api.call('/api/v1/features')).json?.['data'] as Record<string, Record<string, boolean>>;
    assert.equal(f['promql_functions']?.['rate'], true);
    assert.equal(f['promql_functions']?.['sort_by_label'], false); // experimental, not enabled
    assert.equal(f['promql_operators']?.['limitk'], false);
    assert.equal(f['promql_operators']?.['atan2'], true);
    assert.equal(f['promql']?.['at_modifier'], true);
    assert.equal(f['promql']?.['anchored'], false);
    assert.equal(f['api']?.['admin'], false);
    assert.equal(f['api']?.['query_stats'], true);
    assert.deepEqual(Object.keys(f), [...Object.keys(f)].sort());
  });
});

test('before the server is ready only the paths served before readiness answer (WAL replay status, notifications)', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    api.web.setReady(false);
    api.web.serveBeforeReady('/api/v1/status/walreplay');
    assert.equal((await api.call('/api/v1/labels')).status, 503);
    assert.deepEqual((await api.call('/api/v1/status/walreplay')).json, { status: 'success', data: { min: 0, max: 0, current: 0 } });
  });
});
