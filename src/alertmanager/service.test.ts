import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../instrument/index.js';
import { nopLogger } from '../util/log.js';
import { registerIntegration, StubNotifier } from './notify/index.js';
import { ManualClock, fixtureAlert, type Alert } from './store/index.js';
import { AlertmanagerService } from './index.js';

const M = 60_000;

/** Stub integrations by webhook URL, installed as the `webhook` integration. */
const stubs = new Map<string, StubNotifier>();
let stubClock = new ManualClock();
registerIntegration('webhook', (c) => {
  let s = stubs.get(c.url);
  if (s === undefined) {
    s = new StubNotifier(stubClock);
    stubs.set(c.url, s);
  }
  return s;
});

const CONFIG = `
route:
  receiver: team
  group_by: [alertname]
  group_wait: 1s
  group_interval: 10s
  repeat_interval: 1h
  routes:
    - matchers: [team=other]
      receiver: other
receivers:
  - name: team
    webhook_configs:
      - url: http://a.example/
      - url: http://b.example/
  - name: other
    webhook_configs:
      - url: http://c.example/
`;

interface Env { dir: string; file: string; clock: ManualClock }

function env(start?: number): Env {
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-svc-'));
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, CONFIG);
  stubs.clear();
  stubClock = new ManualClock(start);
  return { dir, file, clock: stubClock };
}

function start(e: Env, clock: ManualClock, registry = new Registry()): Promise<AlertmanagerService> {
  return AlertmanagerService.start({
    configFile: e.file, storagePath: join(e.dir, 'data'), retentionMs: 120 * 60 * M, maintenanceIntervalMs: 15 * M,
    alertGCIntervalMs: 30 * M, externalURL: 'http://am.example', registry, logger: nopLogger, clock,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
}

function alert(clock: ManualClock, labels: Record<string, string>, over: Partial<Alert> = {}): Alert {
  return { ...fixtureAlert({ labels, startsAt: clock.now(), endsAt: clock.now() + 5 * M }, clock.now()), ...over };
}

function metric(reg: Registry, series: string): number {
  const line = reg.expose().split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

test('service: a restart keeps silences and does not notify again within repeat_interval', async () => {
  const e = env();
  try {
    const a = await start(e, e.clock);
    a.putAlerts([alert(e.clock, { alertname: 'Disk' })]);
    const silID = a.silences.set({ id: '', matchers: [{ name: 'alertname', value: 'Quiet', type: '=' }], startsAt: e.clock.now(), endsAt: e.clock.now() + 60 * M, updatedAt: 0, createdBy: 'ops', comment: 'maintenance' });
    await e.clock.advance(1000);
    assert.equal(stubs.get('http://a.example/')!.calls.length, 1);
    assert.equal(stubs.get('http://b.example/')!.calls.length, 1);
    await a.stop();

    // A new process a minute later, on the same storage; Prometheus resends the alert.
    const clock2 = new ManualClock(e.clock.now() + M);
    stubClock = clock2;
    const b = await start(e, clock2);
    assert.equal(b.silences.get(silID)?.comment, 'maintenance', 'the silence survived');
    b.putAlerts([alert(clock2, { alertname: 'Disk' }, { startsAt: e.clock.now() - 1000 })]);
    await clock2.advance(30_000);
    assert.equal(stubs.get('http://a.example/')!.calls.length, 1, 'no duplicate notification after restart');
    b.putAlerts([alert(clock2, { alertname: 'Quiet' })]);
    await clock2.advance(2000);
    assert.equal(stubs.get('http://a.example/')!.calls.length, 1, 'silenced by the restored silence');
    // Keep the alert firing (as Prometheus resends it) until the repeat interval has passed.
    for (let i = 0; i < 12; i++) {
      b.putAlerts([alert(clock2, { alertname: 'Disk' }, { startsAt: e.clock.now() - 1000 })]);
      await clock2.advance(5 * M);
    }
    assert.equal(stubs.get('http://a.example/')!.calls.length, 2, 'repeat_interval still applies');
    await b.stop();
  } finally {
    rmSync(e.dir, { recursive: true, force: true });
  }
});

test('service: a failing integration is retried and counted without delaying the others', async () => {
  const e = env();
  try {
    const reg = new Registry();
    const svc = await start(e, e.clock, reg);
    // Created at the first notification: fail every attempt of b.
    const failing = new StubNotifier(e.clock);
    for (let i = 0; i < 10_000; i++) failing.script.push({ retry: true, error: new Error('connection refused') });
    stubs.set('http://b.example/', failing);
    await svc.reload();
    const t0 = e.clock.now();
    svc.putAlerts([alert(e.clock, { alertname: 'Disk' }), alert(e.clock, { alertname: 'Net', team: 'other' })]);
    await e.clock.advance(1000);
    assert.equal(stubs.get('http://a.example/')!.calls[0]!.at - t0, 1000, 'the healthy integration of the same receiver is notified at group_wait');
    assert.equal(stubs.get('http://c.example/')!.calls[0]!.at - t0, 1000, 'another receiver is notified at group_wait');
    assert.ok(failing.calls.length >= 1);
    await e.clock.advance(10_000);
    const attempts = failing.calls.length;
    assert.ok(attempts >= 5, `retried with backoff: ${attempts} attempts in 10s`);
    assert.equal(metric(reg, 'alertmanager_notifications_failed_total{integration="webhook"}'), 1);
    assert.equal(metric(reg, 'alertmanager_notification_requests_failed_total{integration="webhook"}'), attempts);
    // The flush gave up at its deadline (10 s); the next flush, due at the same instant,
    // tries b again (nothing was logged for it) but not a.
    assert.equal(metric(reg, 'alertmanager_notifications_total{integration="webhook"}'), 4);
    await e.clock.advance(1000);
    assert.ok(failing.calls.length > attempts);
    assert.equal(stubs.get('http://a.example/')!.calls.length, 1);
    const hist = await svc.history.query({ kinds: new Set(['notify_failed']) });
    assert.ok(hist.length >= 1 && hist[0]!.error!.includes('connection refused'), 'the failure is in the history');
    await svc.stop();
  } finally {
    rmSync(e.dir, { recursive: true, force: true });
  }
});

test('service: a bad configuration is refused on reload and the running one stays', async () => {
  const e = env();
  try {
    const reg = new Registry();
    const svc = await start(e, e.clock, reg);
    assert.equal(metric(reg, 'alertmanager_config_last_reload_successful'), 1);
    const hash = metric(reg, 'alertmanager_config_hash');
    writeFileSync(e.file, 'route: {receiver: nope}\nreceivers: [{name: x}]\n');
    await assert.rejects(svc.reload(), /undefined receiver "nope" used in route/);
    assert.equal(metric(reg, 'alertmanager_config_last_reload_successful'), 0);
    assert.deepEqual(svc.active.loaded.config.receivers.map((r) => r.name), ['team', 'other']);
    svc.putAlerts([alert(e.clock, { alertname: 'StillRouted' })]);
    await e.clock.advance(1000);
    assert.equal(stubs.get('http://a.example/')!.calls.length, 1, 'the old configuration keeps notifying');
    writeFileSync(e.file, CONFIG.replace('group_wait: 1s', 'group_wait: 2s'));
    await svc.reload();
    assert.equal(metric(reg, 'alertmanager_config_last_reload_successful'), 1);
    assert.notEqual(metric(reg, 'alertmanager_config_hash'), hash);
    assert.equal(svc.active.route.opts.groupWaitMs, 2000);
    assert.equal(metric(reg, 'alertmanager_receivers'), 2);
    assert.equal(metric(reg, 'alertmanager_integrations'), 3);
    await svc.stop();
  } finally {
    rmSync(e.dir, { recursive: true, force: true });
  }
});

test('service: resolved alerts are collected at the GC interval; history records the life of an alert', async () => {
  const e = env();
  try {
    const reg = new Registry();
    const svc = await start(e, e.clock, reg);
    svc.putAlerts([alert(e.clock, { alertname: 'Flap' })]);
    await e.clock.advance(1000);
    // Prometheus stops resending: the alert resolves at its end time (resolve_timeout).
    await e.clock.advance(5 * M);
    assert.equal(metric(reg, 'alertmanager_alerts{state="active"}'), 0);
    assert.equal(svc.alerts.size, 1, 'kept until the GC');
    await e.clock.advance(30 * M);
    assert.equal(svc.alerts.size, 0);
    const kinds = (await svc.history.query({})).map((h) => `${h.kind}${h.integration !== undefined ? ':' + h.integration : ''}${h.status !== undefined ? ':' + h.status : ''}`);
    assert.deepEqual(kinds, ['firing', 'notified:webhook[0]:firing', 'notified:webhook[1]:firing', 'resolved', 'notified:webhook[0]:resolved', 'notified:webhook[1]:resolved']);
    await svc.stop();
    // The history is on disk and survives a restart.
    const again = await start(e, e.clock);
    assert.equal((await again.history.query({ kinds: new Set(['resolved']) })).length, 1);
    await again.stop();
  } finally {
    rmSync(e.dir, { recursive: true, force: true });
  }
});
