import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../../util/log.js';
import { Registry } from '../../instrument/index.js';
import { loadAlertmanagerConfigString } from '../config/index.js';
import { Inhibitor } from '../inhibit/index.js';
import { NotificationLog } from '../nflog/index.js';
import { Silencer, Silences } from '../silence/index.js';
import { AlertStore, ManualClock, Marker, fixtureAlert, type Alert } from '../store/index.js';
import { Intervener } from '../timeinterval/index.js';
import { NotifyMetrics, Pipeline, StubNotifier, hashAlertLabels, type FlushContext, type Integration, type NotifiedEvent } from './index.js';

const H = 3600_000;

interface Rig {
  clock: ManualClock;
  pipeline: Pipeline;
  stubs: StubNotifier[];
  silences: Silences;
  marker: Marker;
  store: AlertStore;
  nflog: NotificationLog;
  reg: Registry;
  events: NotifiedEvent[];
}

function rig(opts: { sendResolved?: boolean[]; config?: string; nflogFile?: string; clock?: ManualClock } = {}): Rig {
  const clock = opts.clock ?? new ManualClock();
  const cfg = loadAlertmanagerConfigString(opts.config ?? 'route: {receiver: r}\nreceivers: [{name: r}]\n', '').config;
  const sr = opts.sendResolved ?? [true];
  const stubs = sr.map(() => new StubNotifier(clock));
  const integrations: Integration[] = stubs.map((n, i) => ({ name: 'webhook', index: i, receiverName: 'r', sendResolved: sr[i]!, notifier: n }));
  const marker = new Marker();
  const store = new AlertStore();
  const inhibitor = new Inhibitor(cfg.inhibit_rules, marker);
  inhibitor.run(store);
  const silences = new Silences({ retentionMs: 120 * H, snapshotFile: '', logger: nopLogger, clock });
  const reg = new Registry();
  const nflog = new NotificationLog({ retentionMs: 120 * H, snapshotFile: opts.nflogFile ?? '', logger: nopLogger, clock });
  const intervals = new Map([...cfg.time_intervals, ...cfg.mute_time_intervals].map((t) => [t.name, t.time_intervals] as const));
  const events: NotifiedEvent[] = [];
  const pipeline = new Pipeline({
    receivers: new Map([['r', integrations]]), inhibitor, silencer: new Silencer(silences, marker), intervener: new Intervener(intervals),
    nflog, marker, metrics: new NotifyMetrics(reg), logger: nopLogger, externalURL: 'http://am', clock,
    observer: { notified: (e) => { events.push(e); } },
  });
  return { clock, pipeline, stubs, silences, marker, store, nflog, reg, events };
}

function fc(r: Rig, over: Partial<FlushContext> = {}): FlushContext {
  return {
    signal: new AbortController().signal, groupKey: '{}:{}', receiverName: 'r', groupLabels: {}, now: r.clock.now(),
    repeatIntervalMs: 4 * H, muteTimeIntervals: [], activeTimeIntervals: [], routeID: '{}', ...over,
  };
}

function firing(r: Rig, name: string): Alert {
  return { ...fixtureAlert({ labels: { alertname: name } }, r.clock.now()), endsAt: 0 };
}

function resolved(r: Rig, name: string): Alert {
  return fixtureAlert({ labels: { alertname: name }, startsAt: r.clock.now() - H, endsAt: r.clock.now() - 1 }, r.clock.now());
}

function metric(reg: Registry, name: string): number {
  const m = new RegExp(`^${name}\\{integration="webhook"\\} (\\S+)$`, 'm').exec(reg.expose());
  return m === null ? NaN : Number(m[1]);
}

test('dedup: notify new firing alerts, then only on change or after repeat_interval', async () => {
  const r = rig({ sendResolved: [true, false] });
  const [withResolved, noResolved] = r.stubs as [StubNotifier, StubNotifier];
  await r.pipeline.exec(fc(r), [firing(r, 'A')]);
  assert.equal(withResolved.calls.length, 1);
  assert.equal(noResolved.calls.length, 1);
  await r.clock.advance(5 * 60_000);
  await r.pipeline.exec(fc(r), [firing(r, 'A')]);
  assert.equal(withResolved.calls.length, 1, 'same firing set within repeat_interval: no notification');
  await r.pipeline.exec(fc(r), [firing(r, 'A'), firing(r, 'B')]);
  assert.equal(withResolved.calls.length, 2, 'a new firing alert notifies');
  await r.clock.advance(4 * H + 1);
  await r.pipeline.exec(fc(r), [firing(r, 'A'), firing(r, 'B')]);
  assert.equal(withResolved.calls.length, 3, 'repeat_interval passed');
  await r.pipeline.exec(fc(r), [firing(r, 'A'), resolved(r, 'B')]);
  assert.equal(withResolved.calls.length, 4, 'send_resolved: a newly resolved alert notifies');
  assert.equal(noResolved.calls.length, 3, 'without send_resolved: no notification for a resolution');
  assert.deepEqual(withResolved.calls[3]!.alerts.map((a) => a.status), ['firing', 'resolved']);
  await r.pipeline.exec(fc(r), [resolved(r, 'A'), resolved(r, 'B')]);
  assert.equal(withResolved.calls.length, 5, 'all resolved after firing');
  assert.equal(noResolved.calls.length, 3, 'all resolved: nothing to send without send_resolved');
  await r.pipeline.exec(fc(r), [resolved(r, 'A'), resolved(r, 'B')]);
  assert.equal(withResolved.calls.length, 5, 'already notified as resolved');
  const e = r.nflog.query({ groupName: 'r', integration: 'webhook', idx: 1 }, '{}:{}')!;
  assert.deepEqual(e.firingAlerts, [], 'the log records the resolution even when nothing was sent');
  assert.deepEqual(e.resolvedAlerts.sort(), [hashAlertLabels({ alertname: 'A' }), hashAlertLabels({ alertname: 'B' })].sort());
  assert.equal(metric(r.reg, 'alertmanager_notifications_total'), 9, 'five sends, three sends and one resolution logged without a send');
});

test('retries: a failing integration is retried with backoff and counted; the other is not delayed', async () => {
  const r = rig({ sendResolved: [true, true] });
  const [failing, healthy] = r.stubs as [StubNotifier, StubNotifier];
  for (let i = 0; i < 3; i++) failing.script.push({ retry: true, error: new Error('connection refused') });
  const t0 = r.clock.now();
  const done = r.pipeline.exec(fc(r), [firing(r, 'A')]);
  await r.clock.advance(0);
  assert.equal(healthy.calls.length, 1);
  assert.equal(healthy.calls[0]!.at >= 0, true);
  assert.equal(failing.calls.length, 1);
  await r.clock.advance(60_000);
  await done;
  assert.equal(failing.calls.length, 4, 'three failures then success');
  const gaps = failing.calls.slice(1).map((c, i) => c.at - failing.calls[i]!.at);
  assert.ok(gaps.every((g) => g > 0), `backoff between attempts: ${gaps.join(',')}`);
  assert.equal(metric(r.reg, 'alertmanager_notification_requests_total'), 5);
  assert.equal(metric(r.reg, 'alertmanager_notification_requests_failed_total'), 3);
  assert.equal(metric(r.reg, 'alertmanager_notifications_failed_total'), 0);
  assert.deepEqual(r.events.map((e) => [e.integration, e.ok, e.attempts]), [['webhook[1]', true, 1], ['webhook[0]', true, 4]]);
  assert.ok(r.events[0]!.at - t0 < 1000, 'the healthy integration finished at once');
});

test('retries: give up at the flush deadline or on an unrecoverable error; the flush fails', async () => {
  const r = rig({ sendResolved: [true, true] });
  const [flaky, broken] = r.stubs as [StubNotifier, StubNotifier];
  for (let i = 0; i < 1000; i++) flaky.script.push({ retry: true, error: new Error('503') });
  broken.script.push({ retry: false, error: new Error('400 bad request') });
  const ac = new AbortController();
  r.clock.setTimeout(() => { ac.abort(new Error('context deadline exceeded')); }, 10_000);
  const done = r.pipeline.exec(fc(r, { signal: ac.signal }), [firing(r, 'A')]);
  const outcome = done.then(() => 'ok', (e: unknown) => (e instanceof Error ? e.message : String(e)));
  await r.clock.advance(20_000);
  const msg = await outcome;
  assert.match(msg, /r\/webhook\[0\]: notify retry canceled after \d+ attempts: 503/);
  assert.match(msg, /r\/webhook\[1\]: notify retry canceled due to unrecoverable error after 1 attempts: 400 bad request/);
  assert.equal(broken.calls.length, 1);
  assert.ok(flaky.calls.length >= 5 && flaky.calls.length < 30, `attempts: ${flaky.calls.length}`);
  assert.equal(metric(r.reg, 'alertmanager_notifications_failed_total'), 2);
  // Nothing was logged: the next flush tries again.
  assert.equal(r.nflog.entries().length, 0);
});

test('muting: inhibited and silenced alerts are dropped, time intervals stop the flush', async () => {
  const cfg = `route: {receiver: r}
receivers: [{name: r}]
inhibit_rules:
  - source_matchers: [alertname="Src"]
    target_matchers: [alertname="Tgt"]
time_intervals:
  - name: always
    time_intervals: [{}]
  - name: never
    time_intervals: [{years: ['1999']}]
`;
  const r = rig({ config: cfg });
  const stub = r.stubs[0]!;
  const src = firing(r, 'Src');
  r.store.put([fixtureAlert({ labels: src.labels }, r.clock.now())], r.clock.now());
  r.silences.set({ id: '', matchers: [{ name: 'alertname', value: 'Quiet', type: '=' }], startsAt: r.clock.now(), endsAt: r.clock.now() + H, updatedAt: 0, createdBy: 'a', comment: 'b' });
  const tgt = firing(r, 'Tgt');
  const quiet = firing(r, 'Quiet');
  await r.pipeline.exec(fc(r), [src, tgt, quiet]);
  assert.deepEqual(stub.calls[0]!.alerts.map((a) => a.labels['alertname']), ['Src']);
  assert.equal(r.marker.status(tgt.fingerprint).inhibitedBy.length, 1);
  assert.equal(r.marker.status(quiet.fingerprint).silencedBy.length, 1);
  await r.pipeline.exec(fc(r, { groupKey: 'g2', muteTimeIntervals: ['always'] }), [firing(r, 'X')]);
  await r.pipeline.exec(fc(r, { groupKey: 'g3', activeTimeIntervals: ['never'] }), [firing(r, 'Y')]);
  assert.equal(stub.calls.length, 1, 'muted by time intervals');
  assert.deepEqual(r.marker.status(firing(r, 'X').fingerprint).mutedBy, ['always']);
  await r.pipeline.exec(fc(r, { groupKey: 'g4', muteTimeIntervals: ['never'], activeTimeIntervals: ['always'] }), [firing(r, 'Z')]);
  assert.equal(stub.calls.length, 2);
  await assert.rejects(r.pipeline.exec(fc(r, { groupKey: 'g5', muteTimeIntervals: ['missing'] }), [firing(r, 'W')]), /time interval missing doesn't exist in config/);
});

test('restart: the notification log snapshot prevents a duplicate notification', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-pipe-'));
  try {
    const file = join(dir, 'nflog');
    const clock = new ManualClock();
    const a = rig({ nflogFile: file, clock });
    await a.pipeline.exec(fc(a), [firing(a, 'A')]);
    assert.equal(a.stubs[0]!.calls.length, 1);
    await a.nflog.snapshot();
    await clock.advance(60_000);
    const b = rig({ nflogFile: file, clock });
    await b.nflog.load();
    await b.pipeline.exec(fc(b), [firing(b, 'A')]);
    assert.equal(b.stubs[0]!.calls.length, 0, 'no re-notification after restart');
    await clock.advance(4 * H + 1);
    await b.pipeline.exec(fc(b), [firing(b, 'A')]);
    assert.equal(b.stubs[0]!.calls.length, 1, 'repeat_interval still applies');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
