import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../../util/log.js';
import { parseMatchers } from '../labels/index.js';
import { ManualClock, fixtureAlert } from '../store/index.js';
import { HistoryRecorder, HistoryStore, type HistoryEvent } from './index.js';

const DAY = 86_400_000;
const H = 3_600_000;

function ev(at: number, kind: HistoryEvent['kind'], name: string): HistoryEvent {
  return { at, kind, fingerprint: name, labels: { alertname: name } };
}

test('history store: day files, flush, filters, limit, retention and torn lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-hist-'));
  try {
    const clock = new ManualClock(Date.UTC(2024, 0, 10, 12));
    const h = new HistoryStore({ dir, retentionMs: 2 * DAY, logger: nopLogger, clock, flushIntervalMs: 1000 });
    const t = clock.now();
    h.record(ev(t - 3 * DAY, 'firing', 'Old'));
    h.record(ev(t - DAY, 'firing', 'A'));
    h.record(ev(t - DAY + H, 'notified', 'A'));
    h.record(ev(t - 2 * H, 'firing', 'B'));
    h.record(ev(t - H, 'resolved', 'A'));
    // Buffered events are visible before the flush.
    assert.equal((await h.query({})).length, 4, 'the event beyond the retention is not returned');
    await clock.advance(1000);
    await h.flush();
    assert.deepEqual(readdirSync(dir).sort(), ['history-20240107.jsonl', 'history-20240109.jsonl', 'history-20240110.jsonl']);
    const names = (q: Parameters<HistoryStore['query']>[0]): Promise<string[]> => h.query(q).then((r) => r.map((e) => `${e.kind}:${e.labels['alertname']!}`));
    assert.deepEqual(await names({ matchers: parseMatchers('alertname=A') }), ['firing:A', 'notified:A', 'resolved:A']);
    assert.deepEqual(await names({ kinds: new Set(['firing']) }), ['firing:A', 'firing:B']);
    assert.deepEqual(await names({ start: t - 3 * H, end: t }), ['firing:B', 'resolved:A']);
    assert.deepEqual(await names({ limit: 2 }), ['firing:B', 'resolved:A']);
    assert.deepEqual(await names({ fingerprint: 'B' }), ['firing:B']);
    // A torn last line (crash mid-write) is skipped.
    appendFileSync(join(dir, 'history-20240110.jsonl'), '{"at":17048');
    assert.equal((await h.query({})).length, 4);
    assert.equal(await h.gc(), 1, 'the day file entirely older than the retention is deleted');
    assert.deepEqual(readdirSync(dir).sort(), ['history-20240109.jsonl', 'history-20240110.jsonl']);
    await h.close();
    h.record(ev(t, 'firing', 'AfterClose'));
    const again = new HistoryStore({ dir, retentionMs: 2 * DAY, logger: nopLogger, clock });
    assert.deepEqual((await again.query({})).map((e) => e.fingerprint), ['A', 'A', 'B', 'A']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('history recorder: firing, resolution (explicit and by timeout), marks and notifications', () => {
  const clock = new ManualClock();
  const events: HistoryEvent[] = [];
  const r = new HistoryRecorder((e) => { events.push(e); }, clock);
  const t = clock.now();
  const a = fixtureAlert({ labels: { alertname: 'A' }, startsAt: t - 60_000, endsAt: t + 300_000 }, t);
  r.alertStored(a);
  r.alertStored(a);
  r.marked(a.fingerprint, ['s1'], []);
  r.marked(a.fingerprint, ['s1'], ['src']);
  r.marked(a.fingerprint, [], []);
  r.notified({ receiver: 'team', integration: 'webhook[0]', groupKey: 'g', alerts: [{ fingerprint: a.fingerprint, labels: a.labels, status: 'firing' }], ok: false, error: 'boom', attempts: 3, at: t });
  r.sweep();
  const b = fixtureAlert({ labels: { alertname: 'B' }, startsAt: t, endsAt: t - 1 }, t);
  r.alertStored({ ...b, endsAt: t + 1000 });
  r.alertStored({ ...b, endsAt: t });
  r.sweep();
  const c = fixtureAlert({ labels: { alertname: 'C' }, startsAt: t, endsAt: t + 1000 }, t);
  r.alertStored(c);
  r.forget([a]);
  r.marked(a.fingerprint, ['s2'], []);
  assert.deepEqual(events.map((e) => [e.kind, e.labels['alertname'], e.at - t, e.by?.join(',') ?? e.error ?? '']), [
    ['firing', 'A', -60_000, ''],
    ['silenced', 'A', 0, 's1'],
    ['inhibited', 'A', 0, 'src'],
    ['unsilenced', 'A', 0, 's1'],
    ['uninhibited', 'A', 0, 'src'],
    ['notify_failed', 'A', 0, 'boom'],
    ['firing', 'B', 0, ''],
    ['resolved', 'B', 0, ''],
    ['firing', 'C', 0, ''],
  ]);
});

test('history recorder: an alert whose end passes without an update is resolved by the sweep', async () => {
  const clock = new ManualClock();
  const events: HistoryEvent[] = [];
  const r = new HistoryRecorder((e) => { events.push(e); }, clock);
  const t = clock.now();
  r.alertStored(fixtureAlert({ labels: { alertname: 'T' }, startsAt: t, endsAt: t + 5000, timeout: true }, t));
  r.sweep();
  await clock.advance(6000);
  r.sweep();
  r.sweep();
  assert.deepEqual(events.map((e) => [e.kind, e.at - t]), [['firing', 0], ['resolved', 5000]]);
});
