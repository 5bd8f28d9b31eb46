import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, type Millis } from '../model/index.js';
import { parseExpr } from '../promql/parser/index.js';
import { needsSending } from './alert.js';
import { RecordingRule } from './recording-rule.js';
import type { EvalContext } from './rule.js';
import { alertingRule, fakeQuery } from './test-support.js';

const MIN = 60_000;

function ctx(query: EvalContext['query'], ts: number, extra: Partial<EvalContext> = {}): EvalContext {
  return { ts: ts as Millis, queryOffsetMs: 0, query, externalURL: 'http://prom.example:9090', limit: 0, ...extra };
}

test('alerting rule: inactive → pending → firing → resolved, with ALERTS and ALERTS_FOR_STATE samples', async () => {
  // The condition holds from t=1m to t=4m.
  const q = fakeQuery({ 'up == 0': (t) => (t >= MIN && t <= 4 * MIN ? [{ labels: { __name__: 'up', job: 'j', instance: 'i' }, value: 0 }] : []) });
  const r = alertingRule({ expr: 'up == 0', holdDurationMs: 2 * MIN, labels: Labels.fromObject({ severity: 'page' }) });
  assert.equal(r.state(), 'unknown');
  const states: string[] = [];
  for (let t = 0; t <= 6 * MIN; t += MIN) {
    const out = await r.eval(ctx(q, t));
    r.evaluationTimestamp = new Date(t);
    states.push(r.state());
    if (t === 3 * MIN) {
      assert.deepEqual(out.map((s) => [s.metric.toString(), s.f]), [
        ['{__name__="ALERTS", alertname="A", alertstate="firing", instance="i", job="j", severity="page"}', 1],
        ['{__name__="ALERTS_FOR_STATE", alertname="A", instance="i", job="j", severity="page"}', 60],
      ]);
    }
    if (t === 5 * MIN) assert.deepEqual(out, []);
  }
  assert.deepEqual(states, ['inactive', 'pending', 'pending', 'firing', 'firing', 'inactive', 'inactive']);
  // The resolved alert is kept (for resending) but is not active.
  assert.equal(r.activeAlerts().length, 0);
  const kept = [...r.active.values()];
  assert.equal(kept.length, 1);
  assert.equal(kept[0]!.resolvedAt, 5 * MIN);
  assert.equal(kept[0]!.firedAt, 3 * MIN);
  // After the retention of 15 minutes it is forgotten.
  await r.eval(ctx(q, 21 * MIN));
  assert.equal(r.active.size, 0);
});

test('alerting rule: keep_firing_for keeps a resolved condition firing', async () => {
  const q = fakeQuery({ 'x > 0': (t) => (t <= MIN ? [{ labels: { __name__: 'x' }, value: 1 }] : []) });
  const r = alertingRule({ expr: 'x > 0', keepFiringForMs: 2 * MIN });
  const seen: [string, number][] = [];
  for (let t = 0; t <= 5 * MIN; t += MIN) {
    await r.eval(ctx(q, t));
    const a = [...r.active.values()][0];
    seen.push([a?.state ?? 'none', a?.keepFiringSince ?? -1]);
  }
  assert.deepEqual(seen, [['firing', 0], ['firing', 0], ['firing', 2 * MIN], ['firing', 2 * MIN], ['inactive', 2 * MIN], ['inactive', 2 * MIN]]);
});

test('alerting rule: templates see $labels, $value, $externalLabels, $externalURL and query', async () => {
  const q = fakeQuery({
    'errors > 1': () => [{ labels: { __name__: 'errors', instance: 'h:9' }, value: 2.5 }],
    'vector(42)': () => [{ labels: {}, value: 42 }],
  });
  const r = alertingRule({
    expr: 'errors > 1',
    labels: Labels.fromObject({ where: '{{ $labels.instance }}' }),
    annotations: Labels.fromObject({
      summary: '{{ $labels.__name__ }} on {{ $labels.instance }} is {{ $value }} ({{ $externalLabels.dc }}, {{ $externalURL }})',
      q: '{{ with query "vector(42)" }}{{ . | first | value }}{{ end }}',
      bad: '{{ .Nope.Deeper }}',
    }),
    externalLabels: { dc: 'eu' },
    externalURL: 'http://prom.example:9090',
  });
  await r.eval(ctx(q, 0));
  const [a] = r.activeAlerts();
  assert.equal(a!.labels.toString(), '{alertname="A", instance="h:9", where="h:9"}');
  assert.equal(a!.annotations.get('summary'), 'errors on h:9 is 2.5 (eu, http://prom.example:9090)');
  assert.equal(a!.annotations.get('q'), '42');
  assert.match(a!.annotations.get('bad'), /^<error expanding template: /);
});

test('alerting rule: duplicate label sets, limits and restored flag', async () => {
  const dup = fakeQuery({ 'x': () => [{ labels: { __name__: 'x', a: '1' }, value: 1 }, { labels: { __name__: 'y', a: '1' }, value: 2 }] });
  await assert.rejects(alertingRule({ expr: 'x' }).eval(ctx(dup, 0)), /vector contains metrics with the same labelset after applying alert labels/);
  const two = fakeQuery({ 'x': () => [{ labels: { a: '1' }, value: 1 }, { labels: { a: '2' }, value: 2 }] });
  const r = alertingRule({ expr: 'x' });
  await assert.rejects(r.eval(ctx(two, 0, { limit: 1 })), /^Error: exceeded limit of 1 with 2 alerts$/);
  assert.equal(r.active.size, 0);
  const notRestored = alertingRule({ expr: 'x', restored: false });
  assert.deepEqual(await notRestored.eval(ctx(two, 0)), []);
  assert.equal(notRestored.activeAlerts().length, 2);
});

test('alerting rule: a longer for sends a firing alert back to pending; resends follow the resend delay', async () => {
  const q = fakeQuery({ 'x': () => [{ labels: {}, value: 1 }] });
  const r = alertingRule({ expr: 'x' });
  // Real evaluation times: "never sent" (0) is long before any of them.
  const T0 = 1_700_000_000_000;
  await r.eval(ctx(q, T0));
  const sent: number[] = [];
  for (let t = T0; t <= T0 + 4 * MIN; t += 30_000) {
    await r.eval(ctx(q, t));
    r.sendAlerts(t, MIN, 30_000, (_e, as) => { if (as.length > 0) sent.push(t - T0); assert.ok(as.every((a) => a.validUntil === t + 4 * MIN)); });
  }
  assert.deepEqual(sent, [0, 90_000, 180_000]);
  const a = { ...[...r.active.values()][0]!, state: 'pending' as const };
  assert.equal(needsSending(a, 10 * MIN, MIN), false);
  const longer = alertingRule({ expr: 'x', holdDurationMs: 10 * MIN });
  longer.active = r.active;
  await longer.eval(ctx(q, T0 + 5 * MIN));
  assert.equal([...longer.active.values()][0]!.state, 'pending');
});

test('recording rule: name replaced, rule labels added, duplicates and limit refused', async () => {
  const q = fakeQuery({ 'sum by (job) (up)': () => [{ labels: { job: 'a' }, value: 1 }, { labels: { job: 'b', __name__: 'up' }, value: 2 }] });
  const r = new RecordingRule('job:up:sum', parseExpr('sum by (job) (up)'), Labels.fromObject({ team: 't', job: 'x' }));
  await assert.rejects(r.eval(ctx(q, 0)), /same labelset after applying rule labels/);
  const r2 = new RecordingRule('job:up:sum', parseExpr('sum by (job) (up)'), Labels.fromObject({ team: 't' }));
  const out = await r2.eval(ctx(q, 5000));
  assert.deepEqual(out.map((s) => [s.metric.toString(), s.t, s.f]), [
    ['{__name__="job:up:sum", job="a", team="t"}', 5000, 1],
    ['{__name__="job:up:sum", job="b", team="t"}', 5000, 2],
  ]);
  assert.equal(r2.health, 'ok');
  await assert.rejects(r2.eval(ctx(q, 0, { limit: 1 })), /exceeded limit of 1 with 2 series/);
  // The query runs at ts - query offset.
  const at: number[] = [];
  await r2.eval(ctx((_q, t) => { at.push(t); return Promise.resolve([]); }, 60_000, { queryOffsetMs: 15_000 }));
  assert.deepEqual(at, [45_000]);
});
