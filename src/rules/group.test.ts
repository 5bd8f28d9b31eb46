import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, type Millis } from '../model/index.js';
import { parseExpr } from '../promql/parser/index.js';
import { Group } from './group.js';
import { evalTimestamp, groupOffsetMs } from './group-hash.js';
import { RecordingRule } from './recording-rule.js';
import type { Rule } from './rule.js';
import { alertingRule, fakeQuery, groupContext, newStorage, readSeries } from './test-support.js';

const T0 = 1_700_000_000_000;

test('evaluation slots: interval boundaries shifted by the group hash, never in the future', () => {
  for (const [file, name, interval] of [['rules.yml', 'a', 15_000], ['/etc/r.yml', 'b', 60_000], ['x', 'y', 1000]] as const) {
    const off = groupOffsetMs(file, name, interval);
    assert.ok(off >= 0 && off < interval);
    for (const now of [T0, T0 + 1, T0 + 7_777, T0 + off, T0 + off - 1]) {
      const slot = evalTimestamp(file, name, interval, now);
      // Slots are computed in nanoseconds and truncated to ms: one ms of slack below.
      assert.ok(slot <= now && slot >= now - interval, `${slot} vs ${now}`);
      assert.equal(((slot - off) % interval + interval) % interval, 0);
    }
  }
});

test('group: a failing rule marks itself and the others keep running', async () => {
  const storage = newStorage();
  const q = fakeQuery({
    'bad': () => new Error('query failed: boom'),
    'good': () => [{ labels: { job: 'a' }, value: 1 }],
  });
  const ctx = groupContext({ query: q, storage });
  const g = new Group({
    name: 'g', file: 'f', intervalMs: 1000, limit: 0, queryOffsetMs: null, shouldRestore: false, ctx,
    rules: [new RecordingRule('r_bad', parseExpr('bad'), Labels.EMPTY), new RecordingRule('r_good', parseExpr('good'), Labels.EMPTY)],
  });
  await g.eval(T0 as Millis);
  assert.equal(g.rules[0]!.health, 'err');
  assert.equal(g.rules[0]!.lastError?.message, 'query failed: boom');
  assert.equal(g.rules[1]!.health, 'ok');
  assert.deepEqual([...(await readSeries(storage, 'r_good')).values()], [[[T0, 1]]]);
  assert.equal(ctx.metrics.evalFailures.labels('f;g').value, 1);
  assert.equal(ctx.metrics.evalTotal.labels('f;g').value, 2);
});

test('group: stale markers for series a rule stops producing, at ts - query offset', async () => {
  const storage = newStorage();
  const q = fakeQuery({ 'x': (t) => (t === T0 ? [{ labels: { i: '1' }, value: 1 }, { labels: { i: '2' }, value: 2 }] : [{ labels: { i: '1' }, value: 3 }]) });
  const g = new Group({
    name: 'g', file: 'f', intervalMs: 1000, limit: 0, queryOffsetMs: 500, shouldRestore: false, ctx: groupContext({ query: q, storage }),
    rules: [new RecordingRule('r', parseExpr('x'), Labels.EMPTY)],
  });
  // Queried at ts - offset: the fake answers by query time.
  await g.eval((T0 + 500) as Millis);
  await g.eval((T0 + 1500) as Millis);
  const s = await readSeries(storage, 'r');
  assert.deepEqual(s.get('{__name__="r", i="1"}'), [[T0, 1], [T0 + 1000, 3]]);
  assert.deepEqual(s.get('{__name__="r", i="2"}'), [[T0, 2], [T0 + 1000, 'stale']]);
});

test('group: alerts are sent after each evaluation and written as ALERTS', async () => {
  const storage = newStorage();
  const ctx = groupContext({ query: fakeQuery({ 'x > 0': () => [{ labels: { i: '1' }, value: 5 }] }), storage });
  const g = new Group({
    name: 'g', file: 'f', intervalMs: 1000, limit: 0, queryOffsetMs: null, shouldRestore: false, ctx,
    rules: [alertingRule({ expr: 'x > 0', holdDurationMs: 1000 })],
  });
  await g.eval(T0 as Millis);
  await g.eval((T0 + 1000) as Millis);
  assert.deepEqual([...(await readSeries(storage, 'ALERTS')).entries()], [
    ['{__name__="ALERTS", alertname="A", alertstate="firing", i="1"}', [[T0 + 1000, 1]]],
    ['{__name__="ALERTS", alertname="A", alertstate="pending", i="1"}', [[T0, 1], [T0 + 1000, 'stale']]],
  ]);
  assert.equal(ctx.sent.length, 1);
  assert.equal(ctx.sent[0]!.alerts[0]!.state, 'firing');
});

test('group: the loop runs on its slots and counts missed iterations of slow evaluations', async () => {
  let calls = 0;
  const slow = (): Promise<never[]> => {
    calls++;
    return new Promise((r) => setTimeout(() => { r([]); }, calls === 2 ? 260 : 0));
  };
  const ctx = groupContext({ query: slow });
  const g = new Group({
    name: 'slow', file: 'f', intervalMs: 100, limit: 0, queryOffsetMs: null, shouldRestore: false, ctx,
    rules: [new RecordingRule('r', parseExpr('x'), Labels.EMPTY)],
  });
  g.start();
  await new Promise((r) => setTimeout(r, 750));
  await g.stop();
  assert.ok(calls >= 3, `calls ${calls}`);
  assert.ok(ctx.metrics.iterationsMissed.labels('f;slow').value >= 1);
  assert.equal((g.lastEvalTimestamp - groupOffsetMs('f', 'slow', 100)) % 100, 0);
  assert.ok(g.lastEvaluation !== null);
});

test('group: for state restored from ALERTS_FOR_STATE after a restart', async () => {
  const storage = newStorage();
  const now = T0 + 10 * 60_000;
  // Before the restart: pending since T0 (stored in seconds), last written 2 minutes before now.
  const app = storage.appender();
  const l = Labels.fromObject({ __name__: 'ALERTS_FOR_STATE', alertname: 'A', i: '1' });
  app.append(0, l, (now - 120_000) as Millis, T0 / 1000);
  await app.commit();
  const ctx = groupContext({ query: fakeQuery({ 'x': () => [{ labels: { i: '1' }, value: 1 }] }), storage, forGracePeriodMs: 60_000 });
  const rule = alertingRule({ expr: 'x', holdDurationMs: 15 * 60_000, restored: false });
  const g = new Group({ name: 'g', file: 'f', intervalMs: 1000, limit: 0, queryOffsetMs: null, shouldRestore: true, ctx, rules: [rule] });
  await g.eval(now as Millis);
  await g.restoreForState(now);
  const a = [...rule.active.values()][0]!;
  // 8 minutes were spent pending before the outage; the 2 minutes of downtime are added.
  assert.equal(a.activeAt, T0 + 120_000);
  assert.equal(rule.restored, true);
  assert.equal(a.state, 'pending');
});

test('group: copyState carries alerts and series over to the replacing group', async () => {
  const storage = newStorage();
  const ctx = groupContext({ query: fakeQuery({ 'x': () => [{ labels: { i: '1' }, value: 1 }], 'y': () => [{ labels: { i: '9' }, value: 1 }] }), storage });
  const mk = (rules: Rule[]): Group =>
    new Group({ name: 'g', file: 'f', intervalMs: 1000, limit: 0, queryOffsetMs: null, shouldRestore: false, ctx, rules });
  const old = mk([alertingRule({ expr: 'x', holdDurationMs: 60_000 }), new RecordingRule('gone', parseExpr('y'), Labels.EMPTY)]);
  await old.eval(T0 as Millis);
  const next = mk([alertingRule({ expr: 'x', holdDurationMs: 60_000 })]);
  assert.equal(old.equals(next), false);
  next.copyState(old);
  const ar = next.rules[0]!;
  assert.equal(ar.kind === 'alerting' ? ar.active.size : -1, 1);
  await next.eval((T0 + 1000) as Millis);
  // The removed rule's series got a stale marker.
  assert.deepEqual([...(await readSeries(storage, 'gone')).values()], [[[T0, 1], [T0 + 1000, 'stale']]]);
});
