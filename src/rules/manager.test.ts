import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../instrument/index.js';
import { parseExpr } from '../promql/parser/index.js';
import { Labels } from '../model/index.js';
import { analyseDependencies, BoundedConcurrency } from './concurrency.js';
import { RuleManager } from './manager.js';
import { RecordingRule } from './recording-rule.js';
import { alertingRule, fakeQuery, newStorage } from './test-support.js';

function manager(registry = new Registry()): RuleManager {
  const storage = newStorage();
  return new RuleManager({
    appendable: storage, queryable: storage, registry, externalURL: 'http://x',
    query: fakeQuery({ 'up': () => [{ labels: { job: 'a' }, value: 1 }], 'vector(1)': () => [{ labels: {}, value: 1 }] }), notify: () => undefined,
  });
}

test('manager: reload keeps unchanged groups, replaces changed ones with their state, drops removed ones', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-rules-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const f1 = join(dir, 'a.yml');
  const f2 = join(dir, 'b.yml');
  writeFileSync(f1, 'groups:\n- name: keep\n  rules:\n  - record: r\n    expr: up\n- name: change\n  rules:\n  - alert: A\n    expr: vector(1)\n    for: 1h\n');
  writeFileSync(f2, 'groups:\n- name: gone\n  rules:\n  - record: r2\n    expr: up\n');
  const registry = new Registry();
  const m = manager(registry);
  await m.update(60_000, [f1, f2], {}, 'http://x');
  const keep = m.ruleGroups().find((g) => g.name === 'keep')!;
  const change = m.ruleGroups().find((g) => g.name === 'change')!;
  assert.deepEqual(m.ruleGroups().map((g) => `${g.file};${g.name}`), [`${f1};change`, `${f1};keep`, `${f2};gone`]);
  await change.eval(1_700_000_000_000 as never);
  assert.match(registry.expose(), /prometheus_rule_group_rules\{rule_group=".*b\.yml;gone"\} 1/);

  writeFileSync(f1, 'groups:\n- name: keep\n  rules:\n  - record: r\n    expr: up\n- name: change\n  interval: 5s\n  rules:\n  - alert: A\n    expr: vector(1)\n    for: 1h\n');
  await m.update(60_000, [f1], {}, 'http://x');
  const after = m.ruleGroups();
  assert.equal(after.length, 2);
  assert.ok(after.includes(keep), 'the unchanged group is the same running group');
  const changed = after.find((g) => g.name === 'change')!;
  assert.notEqual(changed, change);
  assert.equal(changed.intervalMs, 5000);
  const ar = changed.rules[0]!;
  assert.equal(ar.kind === 'alerting' ? ar.activeAlerts().length : -1, 1, 'pending alert carried over');
  assert.doesNotMatch(registry.expose(), /b\.yml;gone/);

  // A bad file keeps the running rules.
  writeFileSync(f1, 'groups:\n- name: keep\n  rules:\n  - record: r\n    expr: up(\n');
  await assert.rejects(m.update(60_000, [f1], {}, 'http://x'), /error loading rules, previous rule set restored/);
  assert.equal(m.ruleGroups().length, 2);
  await m.stop();
});

test('concurrent evaluation: batches from the rules\' dependencies', () => {
  const rec = (name: string, expr: string): RecordingRule => new RecordingRule(name, parseExpr(expr), Labels.EMPTY);
  const rules = [
    rec('a', 'up'), rec('b', 'sum(a)'), rec('c', 'b * 2'), rec('d', 'rate(x[5m])'),
    alertingRule({ name: 'AlertC', expr: 'c > 1' }), rec('e', 'count(ALERTS{alertname="AlertC"})'),
  ];
  analyseDependencies(rules);
  assert.deepEqual(rules.map((r) => [r.name, r.dependencies?.map((d) => d.name), r.dependents?.map((d) => d.name)]), [
    ['a', [], ['b']], ['b', ['a'], ['c']], ['c', ['b'], ['AlertC']], ['d', [], []], ['AlertC', ['c'], ['e']], ['e', ['AlertC'], []],
  ]);
  assert.deepEqual(new BoundedConcurrency(4).splitIntoBatches(rules), [[0, 3], [1], [2], [4], [5]]);
  // A selector without a metric name makes the group sequential.
  const wild = [rec('a', 'up'), rec('b', '{job="x"}')];
  analyseDependencies(wild);
  assert.equal(wild[0]!.dependents, null);
  const c = new BoundedConcurrency(1);
  assert.equal(c.allow(), true);
  assert.equal(c.allow(), false);
  c.done();
  assert.equal(c.allow(), true);
});
