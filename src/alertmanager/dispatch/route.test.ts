import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAlertmanagerConfigString } from '../config/index.js';
import { Route, routeReceivers, groupLabels } from './index.js';

function tree(yaml: string): Route {
  return new Route(loadAlertmanagerConfigString(yaml, '').config.route, null);
}

const RECEIVERS = `
receivers:
  - name: default
  - name: db
  - name: db-crit
  - name: pager
  - name: web
  - name: all
`;

const TREE = `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 10s
  routes:
    - matchers: ['team="db"']
      receiver: db
      group_by: [alertname, instance]
      routes:
        - match: {severity: critical}
          receiver: db-crit
          group_wait: 1s
    - match_re: {service: 'web|api'}
      receiver: web
      continue: true
    - matchers: ['severity=~"critical|page"']
      receiver: pager
      group_by: ['...']
    - receiver: all
      matchers: ['env="prod"']
      group_by: []
` + RECEIVERS;

test('route matching: deepest match wins, siblings stop unless continue', () => {
  const root = tree(TREE);
  const cases: [Record<string, string>, string[]][] = [
    [{ alertname: 'A' }, ['default']],
    [{ team: 'db' }, ['db']],
    [{ team: 'db', severity: 'critical' }, ['db-crit']],
    [{ service: 'web' }, ['web']],
    [{ service: 'api', severity: 'page' }, ['web', 'pager']],
    [{ service: 'webx', severity: 'page' }, ['pager']],
    [{ service: 'web', env: 'prod' }, ['web', 'all']],
    [{ team: 'db', service: 'web' }, ['db']],
    [{ env: 'prod' }, ['all']],
    [{ severity: 'critical', env: 'prod' }, ['pager']],
  ];
  for (const [ls, want] of cases) assert.deepEqual(routeReceivers(root, ls), want, JSON.stringify(ls));
});

test('route options are inherited, timers and grouping overridden per route', () => {
  const root = tree(TREE);
  const byReceiver = new Map<string, Route>();
  root.walk((r) => { byReceiver.set(r.opts.receiver, r); });
  const db = byReceiver.get('db')!;
  const crit = byReceiver.get('db-crit')!;
  const pager = byReceiver.get('pager')!;
  const all = byReceiver.get('all')!;
  assert.equal(root.opts.groupWaitMs, 10_000);
  assert.equal(root.opts.groupIntervalMs, 300_000);
  assert.equal(root.opts.repeatIntervalMs, 4 * 3600_000);
  assert.equal(db.opts.groupWaitMs, 10_000);
  assert.equal(crit.opts.groupWaitMs, 1000);
  assert.deepEqual([...crit.opts.groupBy].sort(), ['alertname', 'instance']);
  assert.equal(pager.opts.groupByAll, true);
  // An empty group_by inherits the parent's, as in Alertmanager.
  assert.deepEqual([...all.opts.groupBy], ['alertname']);
  assert.equal(all.opts.groupByAll, false);
});

test('route keys and IDs have Alertmanager\'s form', () => {
  const root = tree(TREE);
  const keys: string[] = [];
  root.walk((r) => { keys.push(r.key()); });
  assert.deepEqual(keys, [
    '{}',
    '{}/{team="db"}',
    '{}/{team="db"}/{severity="critical"}',
    '{}/{service=~"^(?:web|api)$"}',
    '{}/{severity=~"critical|page"}',
    '{}/{env="prod"}',
  ]);
  const ids: string[] = [];
  root.walk((r) => { ids.push(r.id()); });
  assert.equal(ids[2], '{}/{team="db"}/0/{severity="critical"}/0');
});

test('group labels: listed names, all labels for ..., none when absent', () => {
  const root = tree(TREE);
  const ls = { alertname: 'A', instance: 'i1', team: 'db', severity: 'critical', env: 'prod' };
  const byReceiver = new Map<string, Route>();
  root.walk((r) => { byReceiver.set(r.opts.receiver, r); });
  assert.deepEqual(groupLabels(ls, byReceiver.get('default')!), { alertname: 'A' });
  assert.deepEqual(groupLabels(ls, byReceiver.get('db')!), { alertname: 'A', instance: 'i1' });
  assert.deepEqual(groupLabels(ls, byReceiver.get('pager')!), ls);
  assert.deepEqual(groupLabels({ team: 'db' }, byReceiver.get('db')!), {});
  const bare = tree('route: {receiver: default}\n' + RECEIVERS);
  assert.deepEqual(groupLabels(ls, bare), {});
});
