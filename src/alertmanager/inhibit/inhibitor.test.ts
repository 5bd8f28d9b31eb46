import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAlertmanagerConfigString } from '../config/index.js';
import { AlertStore, Marker, fixtureAlert } from '../store/index.js';
import { Inhibitor } from './index.js';

function inhibitor(rules: string): { ih: Inhibitor; store: AlertStore; marker: Marker } {
  const cfg = loadAlertmanagerConfigString(`route: {receiver: r}\nreceivers: [{name: r}]\ninhibit_rules:\n${rules}`, '').config;
  const marker = new Marker();
  const ih = new Inhibitor(cfg.inhibit_rules, marker);
  const store = new AlertStore();
  ih.run(store);
  return { ih, store, marker };
}

const T0 = Date.UTC(2024, 0, 1);

test('inhibition: source and target matchers with equal labels', () => {
  const { ih, store, marker } = inhibitor(`
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
`);
  const src = fixtureAlert({ labels: { alertname: 'Down', severity: 'critical', cluster: 'a' } }, T0);
  store.put([src], T0);
  const cases: [Record<string, string>, boolean][] = [
    [{ alertname: 'Slow', severity: 'warning', cluster: 'a' }, true],
    [{ alertname: 'Slow', severity: 'warning', cluster: 'b' }, false],
    [{ alertname: 'Slow', severity: 'warning' }, false],
    [{ alertname: 'Slow', severity: 'info', cluster: 'a' }, false],
    [{ alertname: 'Other', severity: 'critical', cluster: 'a' }, false],
  ];
  for (const [ls, want] of cases) assert.equal(ih.mutes(ls, 'fp', T0), want, JSON.stringify(ls));
  ih.mutes(cases[0]![0], 'target', T0);
  assert.deepEqual(marker.status('target'), { state: 'suppressed', silencedBy: [], inhibitedBy: [src.fingerprint], mutedBy: [] });
  ih.mutes(cases[1]![0], 'target', T0);
  assert.equal(marker.status('target').state, 'active');
  ih.stop();
});

test('inhibition: a resolved source no longer inhibits; a missing equal label on both sides is equal', () => {
  const { ih, store } = inhibitor(`
  - source_match: {alertname: NodeDown}
    target_match_re: {alertname: '.+'}
    equal: [node, dc]
`);
  store.put([fixtureAlert({ labels: { alertname: 'NodeDown', node: 'n1' }, endsAt: T0 + 60_000 }, T0)], T0);
  const target = { alertname: 'DiskFull', node: 'n1' };
  assert.equal(ih.mutes(target, 'fp', T0), true, 'dc absent on both sides counts as equal');
  assert.equal(ih.mutes({ ...target, dc: 'x' }, 'fp', T0), false);
  assert.equal(ih.mutes(target, 'fp', T0 + 60_001), false, 'resolved source');
  ih.stop();
});

test('inhibition: alerts matching both sides do not inhibit each other (or themselves)', () => {
  const { ih, store } = inhibitor(`
  - source_matchers: [alertname="Flap"]
    target_matchers: [alertname=~"Flap|Other"]
`);
  const a = fixtureAlert({ labels: { alertname: 'Flap', instance: '1' } }, T0);
  const b = fixtureAlert({ labels: { alertname: 'Flap', instance: '2' } }, T0);
  store.put([a, b], T0);
  assert.equal(ih.mutes(a.labels, a.fingerprint, T0), false);
  assert.equal(ih.mutes(b.labels, b.fingerprint, T0), false);
  assert.equal(ih.mutes({ alertname: 'Other' }, 'x', T0), true, 'a target-only alert is inhibited');
  ih.stop();
});

test('inhibition: source alerts arriving before the inhibitor starts are known', () => {
  const cfg = loadAlertmanagerConfigString('route: {receiver: r}\nreceivers: [{name: r}]\ninhibit_rules:\n  - source_matchers: [s="1"]\n    target_matchers: [t="1"]\n', '').config;
  const store = new AlertStore();
  store.put([fixtureAlert({ labels: { s: '1' } }, T0)], T0);
  const ih = new Inhibitor(cfg.inhibit_rules, new Marker());
  ih.run(store);
  assert.equal(ih.mutes({ t: '1' }, 'fp', T0), true);
  ih.stop();
  // After stop, new sources are not followed.
  const ih2 = new Inhibitor(cfg.inhibit_rules, new Marker());
  assert.equal(ih2.mutes({ t: '1' }, 'fp', T0), false);
});
