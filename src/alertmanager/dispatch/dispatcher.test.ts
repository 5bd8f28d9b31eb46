import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nopLogger } from '../../util/log.js';
import { loadAlertmanagerConfigString } from '../config/index.js';
import { AlertStore, ManualClock, fixtureAlert, type Alert } from '../store/index.js';
import type { FlushContext } from '../notify/index.js';
import { AggrGroup, Dispatcher, Route } from './index.js';

function route(extra = ''): Route {
  const yaml = `route:\n  receiver: r\n  group_by: [alertname]\n  group_wait: 30s\n  group_interval: 5m\n  repeat_interval: 4h\n${extra}receivers:\n  - name: r\n  - name: other\n`;
  return new Route(loadAlertmanagerConfigString(yaml, '').config.route, null);
}

interface Flush { at: number; groupKey: string; receiver: string; alerts: { name: string; endsAt: number }[] }

function recorder(clock: ManualClock, result: () => boolean | Promise<boolean> = () => true) {
  const flushes: Flush[] = [];
  const fn = async (fc: FlushContext, alerts: readonly Alert[]): Promise<boolean> => {
    flushes.push({ at: clock.now(), groupKey: fc.groupKey, receiver: fc.receiverName, alerts: alerts.map((a) => ({ name: a.labels['n'] ?? a.labels['alertname'] ?? '', endsAt: a.endsAt })) });
    return result();
  };
  return { flushes, fn };
}

test('aggregation group: first flush after group_wait, then every group_interval', async () => {
  const clock = new ManualClock();
  const t0 = clock.now();
  const { flushes, fn } = recorder(clock);
  const ag = new AggrGroup({ alertname: 'A' }, route(), fn, nopLogger, clock);
  ag.insert(fixtureAlert({ labels: { alertname: 'A', n: '1' } }, t0));
  await clock.advance(10_000);
  ag.insert(fixtureAlert({ labels: { alertname: 'A', n: '2' }, startsAt: clock.now() }, clock.now()));
  await clock.advance(19_999);
  assert.equal(flushes.length, 0, 'nothing before group_wait');
  await clock.advance(1);
  assert.equal(flushes.length, 1);
  assert.equal(flushes[0]!.at - t0, 30_000);
  assert.deepEqual(flushes[0]!.alerts.map((a) => a.name), ['1', '2']);
  // Firing alerts go out without an end time.
  assert.deepEqual(flushes[0]!.alerts.map((a) => a.endsAt), [0, 0]);
  assert.equal(flushes[0]!.groupKey, '{}:{alertname="A"}');
  await clock.advance(5 * 60_000);
  assert.equal(flushes.length, 2);
  assert.equal(flushes[1]!.at - t0, 30_000 + 300_000);
  await clock.advance(10 * 60_000);
  assert.equal(flushes.length, 4);
  await ag.stop();
  assert.equal(clock.pending, 0, 'stop clears the timers');
});

test('aggregation group: an alert older than group_wait flushes at once', async () => {
  const clock = new ManualClock();
  const { flushes, fn } = recorder(clock);
  const ag = new AggrGroup({}, route(), fn, nopLogger, clock);
  ag.insert(fixtureAlert({ labels: { alertname: 'A' }, startsAt: clock.now() - 60_000 }, clock.now()));
  await clock.advance(0);
  assert.equal(flushes.length, 1);
  // After the first flush, a late old alert does not trigger another immediate flush.
  ag.insert(fixtureAlert({ labels: { alertname: 'B' }, startsAt: clock.now() - 60_000 }, clock.now()));
  await clock.advance(1000);
  assert.equal(flushes.length, 1);
  await ag.stop();
});

test('aggregation group: resolved alerts leave after a successful flush only', async () => {
  const clock = new ManualClock();
  let ok = false;
  const { flushes, fn } = recorder(clock, () => ok);
  const ag = new AggrGroup({}, route(), fn, nopLogger, clock);
  const now = clock.now();
  ag.insert(fixtureAlert({ labels: { alertname: 'A' } }, now));
  ag.insert(fixtureAlert({ labels: { alertname: 'B' }, endsAt: now + 1000 }, now));
  await clock.advance(30_000);
  assert.equal(flushes.length, 1);
  assert.equal(flushes[0]!.alerts[1]!.endsAt, now + 1000, 'a resolved alert keeps its end time');
  assert.equal(ag.alerts.size, 2, 'failed flush keeps the resolved alert');
  ok = true;
  await clock.advance(300_000);
  assert.equal(flushes.length, 2);
  assert.deepEqual([...ag.alerts.values()].map((a) => a.labels['alertname']), ['A']);
  await ag.stop();
});

test('aggregation group: a slow flush delays the next tick instead of overlapping', async () => {
  const clock = new ManualClock();
  let release: (() => void) | null = null;
  let running = 0;
  let maxRunning = 0;
  const starts: number[] = [];
  const fn = async (): Promise<boolean> => {
    starts.push(clock.now());
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((r) => { release = r; });
    running--;
    return true;
  };
  const ag = new AggrGroup({}, route(), fn, nopLogger, clock);
  ag.insert(fixtureAlert({ labels: { alertname: 'A' } }, clock.now()));
  await clock.advance(30_000);
  assert.equal(starts.length, 1);
  await clock.advance(400_000);
  assert.equal(starts.length, 1, 'no second flush while the first runs');
  (release as unknown as () => void)();
  await clock.advance(0);
  assert.equal(starts.length, 2, 'the missed tick runs when the flush ends');
  assert.equal(maxRunning, 1);
  (release as unknown as () => void)();
  await ag.stop();
});

test('aggregation group: the flush deadline is max(group_interval, 10s)', async () => {
  const clock = new ManualClock();
  let aborted = -1;
  const fn = (fc: FlushContext): Promise<boolean> => new Promise((resolve) => {
    fc.signal.addEventListener('abort', () => { aborted = clock.now(); resolve(false); });
  });
  const r = new Route(loadAlertmanagerConfigString('route:\n  receiver: r\n  group_wait: 1s\n  group_interval: 2s\nreceivers: [{name: r}]\n', '').config.route, null);
  const ag = new AggrGroup({}, r, fn, nopLogger, clock);
  const t0 = clock.now();
  ag.insert(fixtureAlert({ labels: { alertname: 'A' } }, t0));
  await clock.advance(1000 + 10_000);
  assert.equal(aborted - t0, 11_000);
  await ag.stop();
});

test('dispatcher: groups per route and group labels, continue routes, listing', async () => {
  const clock = new ManualClock();
  const { flushes, fn } = recorder(clock);
  const r = route(`  routes:\n    - matchers: [team=db]\n      receiver: other\n      continue: true\n      group_by: ['...']\n    - matchers: [team=~".+"]\n      receiver: r\n      group_by: [team]\n`);
  const store = new AlertStore();
  const d = new Dispatcher(r, fn, { logger: nopLogger, metrics: null, clock });
  const now = clock.now();
  store.put([fixtureAlert({ labels: { alertname: 'A', team: 'db' } }, now)], now);
  d.run(store);
  store.put([
    fixtureAlert({ labels: { alertname: 'B', team: 'db' } }, now),
    fixtureAlert({ labels: { alertname: 'C', team: 'web' } }, now),
    fixtureAlert({ labels: { alertname: 'D' } }, now),
  ], now);
  // 'other' (...): A, B separately; 'r' by team: db{A,B}, web{C}; root by alertname: D.
  assert.equal(d.groupCount, 5);
  const { groups, receivers } = d.groups(() => true, () => true);
  assert.deepEqual(groups.map((g) => `${g.receiver}:${JSON.stringify(g.labels)}:${g.alerts.map((a) => a.labels['alertname']).join('')}`), [
    // model.LabelSet.Before: a set lacking the first name in sorted order comes first.
    'r:{"team":"db"}:AB',
    'r:{"team":"web"}:C',
    'r:{"alertname":"D"}:D',
    'other:{"alertname":"A","team":"db"}:A',
    'other:{"alertname":"B","team":"db"}:B',
  ]);
  const fpA = groups[3]!.alerts[0]!.fingerprint;
  assert.deepEqual(receivers.get(fpA), ['other', 'r']);
  const onlyOther = d.groups((rt) => rt.opts.receiver === 'other', () => true);
  assert.equal(onlyOther.groups.length, 2);
  await clock.advance(30_000);
  assert.equal(flushes.length, 5);
  assert.deepEqual(flushes.map((f) => f.groupKey).sort(), [
    '{}/{team="db"}:{alertname="A", team="db"}',
    '{}/{team="db"}:{alertname="B", team="db"}',
    '{}/{team=~".+"}:{team="db"}',
    '{}/{team=~".+"}:{team="web"}',
    '{}:{alertname="D"}',
  ]);
  await d.stop();
  assert.equal(d.groupCount, 0);
});

test('dispatcher: empty groups are removed by the periodic cleanup', async () => {
  const clock = new ManualClock();
  const { fn } = recorder(clock);
  const store = new AlertStore();
  const d = new Dispatcher(route(), fn, { logger: nopLogger, metrics: null, clock, cleanupIntervalMs: 30_000 });
  d.run(store);
  const now = clock.now();
  store.put([fixtureAlert({ labels: { alertname: 'A' }, endsAt: now + 1000 }, now)], now);
  assert.equal(d.groupCount, 1);
  await clock.advance(29_000);
  // The flush at 30 s sent the resolved alert and emptied the group; the cleanup runs at 30 s too.
  await clock.advance(31_000);
  assert.equal(d.groupCount, 0);
  await d.stop();
});
