import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileFormat, parseTargetGroups, type FileFormat, type FileTargetGroup } from './parse.js';

const ok: [string, FileFormat, string, FileTargetGroup[]][] = [
  ['json list', 'json', '[{"targets":["a:1","b:2"],"labels":{"env":"prod"}}]', [{ targets: ['a:1', 'b:2'], labels: { env: 'prod' } }]],
  ['json null document', 'json', 'null', []],
  ['json group without targets', 'json', '[{"labels":{"x":"y"}}]', [{ targets: [], labels: { x: 'y' } }]],
  ['json field names fold case', 'json', '[{"Targets":["a:1"],"LABELS":null}]', [{ targets: ['a:1'], labels: {} }]],
  ['json utf-8 label name', 'json', '[{"targets":["a:1"],"labels":{"0ok.name":"v"}}]', [{ targets: ['a:1'], labels: { '0ok.name': 'v' } }]],
  ['yaml list', 'yaml', '- targets: [a:1, "b:2"]\n  labels:\n    env: prod\n', [{ targets: ['a:1', 'b:2'], labels: { env: 'prod' } }]],
  ['yaml keeps scalar text', 'yaml', '- targets: [80]\n  labels: {f: 1.0, t: true, n: null}\n', [{ targets: ['80'], labels: { f: '1.0', t: 'true', n: '' } }]],
  ['yaml empty document', 'yaml', '', []],
  ['yaml anchors', 'yaml', '- targets: [a:1]\n  labels: &l {k: v}\n- targets: [b:1]\n  labels: *l\n', [
    { targets: ['a:1'], labels: { k: 'v' } }, { targets: ['b:1'], labels: { k: 'v' } },
  ]],
];

test('file SD content decodes', () => {
  for (const [name, format, text, want] of ok) assert.deepEqual(parseTargetGroups(text, format), want, name);
});

const bad: [string, FileFormat, string, RegExp][] = [
  ['json unknown field', 'json', '[{"targets":[],"foo":1}]', /^json: unknown field "foo"$/],
  ['json nil item', 'json', '[null]', /^nil target group item found$/],
  ['json object document', 'json', '{"targets":[]}', /cannot unmarshal object into Go value of type \[\]\*targetgroup.Group/],
  ['json number target', 'json', '[{"targets":[1]}]', /cannot unmarshal number into Go struct field \.targets of type string/],
  ['json number label value', 'json', '[{"labels":{"a":1}}]', /cannot unmarshal number/],
  ['json empty label name', 'json', '[{"labels":{"":"x"}}]', /^"" is not a valid label name$/],
  ['json syntax', 'json', '[{', /^invalid JSON: /],
  ['yaml unknown field', 'yaml', '- targets: [d:1]\n  bogus: 1\n', /line 2: field bogus not found in type struct/],
  ['yaml nil item', 'yaml', '- ~\n', /^nil target group item found$/],
  ['yaml map document', 'yaml', 'targets: []\n', /line 1: cannot unmarshal !!map into \[\]\*targetgroup.Group/],
  ['yaml targets not a list', 'yaml', '- targets: a:1\n', /cannot unmarshal !!str into \[\]string/],
  ['yaml duplicate key', 'yaml', '- targets: []\n  targets: []\n', /^yaml: line 2: /],
  ['yaml syntax', 'yaml', '- targets: [a\n', /^yaml: line /],
  ['yaml nested label value', 'yaml', '- labels: {a: [1]}\n', /cannot unmarshal !!seq into model.LabelValue/],
];

test('file SD content errors read like Prometheus', () => {
  for (const [name, format, text, re] of bad) {
    assert.throws(() => parseTargetGroups(text, format), (e: unknown) => e instanceof Error && re.test(e.message), name);
  }
});

test('file format follows the extension in any case', () => {
  assert.equal(fileFormat('/a/b.json'), 'json');
  assert.equal(fileFormat('/a/b.JSON'), 'json');
  assert.equal(fileFormat('b.yml'), 'yaml');
  assert.equal(fileFormat('b.YAML'), 'yaml');
  assert.equal(fileFormat('b.txt'), null);
  assert.equal(fileFormat('/a.json/b'), null);
});
