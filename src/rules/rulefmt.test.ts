import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRules } from './rulefmt.js';

const rule = (body: string): string => `groups:\n- name: g\n  rules:\n${body}`;

test('rule files: Prometheus 3.14 error texts with line and column', () => {
  const cases: { name: string; text: string; errors: string[]; opts?: Parameters<typeof parseRules>[1] }[] = [
    {
      name: 'bad expression',
      text: rule('  - record: r\n    expr: rate(x)\n'),
      errors: ['5:11: group "g", rule 1, "r": could not parse expression: 1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
    },
    {
      name: 'unknown field',
      text: rule('  - record: r\n    expr: up\n    annotation:\n      a: b\n'),
      errors: ['yaml: unmarshal errors:\n  line 6: field annotation not found in type rulefmt.Rule'],
    },
    {
      name: 'type errors are collected',
      text: 'groups:\n- name: a\n  limit: abc\n  rules:\n  - record: x\n    expr: up\n    foo: 1\n',
      errors: ['yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abc` into int\n  line 7: field foo not found in type rulefmt.Rule'],
    },
    { name: 'bad duration aborts', text: 'groups:\n- name: a\n  limit: abc\n  interval: 5x\n', errors: ['not a valid duration string: "5x"'] },
    {
      name: 'duplicate key',
      text: rule('  - record: x\n    expr: up\n    expr: up\n'),
      errors: ['yaml: unmarshal errors:\n  line 6: mapping key "expr" already defined at line 5'],
    },
    { name: 'duplicate group', text: 'groups:\n- name: g\n  rules: []\n- name: g\n  rules: []\n', errors: ['4:3: groupname: "g" is repeated in the same file'] },
    { name: 'empty group name', text: 'groups:\n- rules: []\n', errors: ['2:3: Groupname must not be empty'] },
    {
      name: 'record and alert',
      text: rule('  - record: a\n    alert: b\n    expr: up\n'),
      errors: ['4:13: 5:12: group "g", rule 1, "b": only one of \'record\' and \'alert\' must be set'],
    },
    { name: 'neither record nor alert', text: rule('  - expr: up\n'), errors: ['0:0: 0:0: group "g", rule 1, "": one of \'record\' or \'alert\' must be set'] },
    { name: 'no expr', text: rule('  - record: r\n'), errors: ['0:0: group "g", rule 1, "r": field \'expr\' must be set in rule'] },
    {
      name: 'recording rule with for, keep_firing_for, annotations',
      text: rule('  - record: r\n    expr: up\n    for: 1m\n    keep_firing_for: 1m\n    annotations:\n      a: b\n'),
      errors: [
        '4:13: group "g", rule 1, "r": invalid field \'annotations\' in recording rule',
        '4:13: group "g", rule 1, "r": invalid field \'for\' in recording rule',
        '4:13: group "g", rule 1, "r": invalid field \'keep_firing_for\' in recording rule',
      ],
    },
    {
      name: 'braces in a record name',
      text: rule('  - record: \'a{b="c"}\'\n    expr: up\n'),
      errors: ['4:13: group "g", rule 1, "a{b=\\"c\\"}": braces present in the recording rule name; should it be in expr?: a{b="c"}'],
    },
    { name: 'label __name__', text: rule('  - alert: A\n    expr: up\n    labels:\n      __name__: x\n'), errors: ['group "g", rule 1, "A": invalid label name: __name__'] },
    {
      name: 'legacy validation',
      text: rule('  - alert: A\n    expr: up\n    annotations:\n      ins-tance: x\n'),
      opts: { nameValidation: 'legacy' },
      errors: ['group "g", rule 1, "A": invalid annotation name: ins-tance'],
    },
    {
      name: 'template syntax',
      text: rule('  - alert: A\n    expr: up\n    annotations:\n      s: "{{ $label.instance }}"\n'),
      errors: ['group "g", rule 1, "A": annotation "s": template: __alert_A:1: undefined variable "$label"'],
    },
    { name: 'group label name', text: 'groups:\n- name: g\n  labels:\n    __name__: x\n  rules: []\n', errors: ['invalid label name: __name__'] },
  ];
  for (const c of cases) {
    const r = parseRules(c.text, c.opts);
    assert.equal(r.ok, false, c.name);
    if (!r.ok) assert.deepEqual(r.errors.map((e) => e.message), c.errors, c.name);
  }
});

test('rule files: syntax errors are reported twice, as Prometheus decodes the file twice', () => {
  const r = parseRules(rule('  - record: x\n    expr: [up\n'));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.errors.length, 2);
    assert.match(r.errors[0]!.message, /^yaml: line \d+: /);
  }
});

test('rule files: valid files, defaults, aliases and UTF-8 names', () => {
  const text = `groups:
- name: a
  interval: 30s
  query_offset: 1m
  limit: 10
  labels: { team: x }
  rules:
  - alert: &n HighAlert
    expr: up == 0
    for: 5m
    keep_firing_for: 1m
    labels: &l { severity: critical, ins-tance: "1" }
    annotations: { summary: "{{ $labels.instance }} is {{ $value }}" }
  - record: new_metric
    expr: sum(up)
  - alert: *n
    expr: up == 0
    labels: *l
- name: b
  rules: []
`;
  const r = parseRules(text);
  assert.ok(r.ok, r.ok ? '' : r.errors.map((e) => e.message).join('\n'));
  if (!r.ok) return;
  const [a, b] = r.groups.groups;
  assert.equal(a!.interval, 30_000);
  assert.equal(a!.query_offset, 60_000);
  assert.equal(a!.limit, 10);
  assert.deepEqual(a!.labels, { team: 'x' });
  assert.equal(a!.rules[0]!.for, 300_000);
  assert.equal(a!.rules[0]!.keep_firing_for, 60_000);
  assert.equal(a!.rules[2]!.alert, 'HighAlert');
  assert.deepEqual(a!.rules[2]!.labels, { severity: 'critical', 'ins-tance': '1' });
  assert.equal(b!.interval, 0);
  assert.equal(b!.query_offset, null);
  assert.deepEqual(parseRules(''), { ok: true, groups: { groups: [] } });
});

test('rule files: --ignore-unknown-fields', () => {
  const text = 'groups:\n- name: g\n  owner: x\n  rules:\n  - record: r\n    expr: up\n    meta: 1\n';
  assert.equal(parseRules(text).ok, false);
  assert.equal(parseRules(text, { ignoreUnknownFields: true }).ok, true);
});
