import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Labels, LabelsBuilder, RegexError } from '../model/index.js';
import type { RelabelConfig } from '../config/types.js';
import {
  expand, goToLower, goToUpper, hashMod, isLegacyTemplateName, newRelabelConfig, parseTemplate, processBuilder, relabel, relabelConfigProblem, validateRelabelConfig,
} from './index.js';

type Rule = Parameters<typeof newRelabelConfig>[0];

interface Case {
  name: string;
  input: Record<string, string>;
  rules: Rule[];
  /** Expected labels; null: dropped. */
  want: Record<string, string> | null;
}

const cases: Case[] = [
  { name: 'replace with a group used twice', input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }],
    want: { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' } },
  { name: 'sources joined by the separator; later rules see earlier results', input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [
      { source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' },
      { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' },
    ],
    want: { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' } },
  { name: 'custom separator and absent source label reads as empty', input: { a: 'x' },
    rules: [{ source_labels: ['a', 'missing', 'a'], separator: '|', regex: '(.*)', target_label: 'j' }],
    want: { a: 'x', j: 'x||x' } },
  { name: 'drop on match stops processing', input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }, { source_labels: ['a'], target_label: 'd' }],
    want: null },
  { name: 'drop: regex is anchored', input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: 'f|o', action: 'drop' }], want: { a: 'foo' } },
  { name: 'keep: no match drops', input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: 'no-match', action: 'keep' }], want: null },
  { name: 'keep: match keeps', input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }], want: { a: 'foo' } },
  { name: 'keep: empty value against a regex matching empty', input: { a: 'foo' },
    rules: [{ source_labels: ['nope'], regex: '', action: 'keep' }], want: { a: 'foo' } },
  { name: 'replace: groups inside .* take the shortest greedy split', input: { a: 'abc' },
    rules: [{ source_labels: ['a'], regex: '.*(b).*', target_label: 'd' }], want: { a: 'abc', d: 'b' } },
  { name: 'replace: no match, no change', input: { a: 'boo' },
    rules: [{ source_labels: ['a'], regex: 'f', target_label: 'b', replacement: 'bar' }], want: { a: 'boo' } },
  { name: 'replace: empty result deletes the (expanded) target', input: { a: 'foo', f: 'baz' },
    rules: [{ source_labels: ['a'], regex: '(f).*', target_label: '$1', replacement: '$2' }], want: { a: 'foo' } },
  { name: 'replace: empty source with default regex sets the replacement', input: { a: 'foo' },
    rules: [{ source_labels: ['nope'], target_label: 'x', replacement: 'static' }], want: { a: 'foo', x: 'static' } },
  { name: 'replace: no source labels at all', input: { a: 'foo' },
    rules: [{ target_label: 'env', replacement: 'prod' }], want: { a: 'foo', env: 'prod' } },
  { name: 'replace: empty source with default regex and $1 deletes', input: { a: 'foo', x: 'old' },
    rules: [{ source_labels: ['nope'], target_label: 'x' }], want: { a: 'foo' } },
  { name: 'replace: target from groups', input: { a: 'some-name-value' },
    rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}', replacement: '${2}' }],
    want: { a: 'some-name-value', name: 'value' } },
  { name: 'replace: missing group in replacement gives empty → delete (nothing to delete)', input: { a: 'some-name-value' },
    rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}', replacement: '${3}' }],
    want: { a: 'some-name-value' } },
  { name: 'replace: empty expanded target is invalid, labels unchanged', input: { a: 'some-name-0' },
    rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${3}', replacement: '${1}' }],
    want: { a: 'some-name-0' } },
  { name: 'replace: $1x names group "1x" (empty)', input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: '(f)oo', target_label: 't', replacement: '$1x|${1}x|$$1|$' }],
    want: { a: 'foo', t: '|fx|$1|$' } },
  { name: 'replace: named groups both spellings', input: { a: 'line1\nline2' },
    rules: [
      { source_labels: ['a'], regex: '(line1).*(?<second>line2)', target_label: 'label1_${1}', replacement: 'val_${second}' },
      { source_labels: ['a'], regex: '(line1).*(?P<second>line2)', target_label: 'label2_$1', replacement: 'val_$second' },
    ],
    want: { a: 'line1\nline2', label1_line1: 'val_line2', label2_line1: 'val_line2' } },
  { name: 'replace: dot matches newline; a group that does not exist is empty', input: { a: 'line1\nline2' },
    rules: [{ source_labels: ['a'], regex: 'line1.*line2', target_label: 'utf-8.label', replacement: 'match${1}' }],
    want: { a: 'line1\nline2', 'utf-8.label': 'match' } },
  { name: 'replace: real-life tag parsing', input: { __meta_sd_tags: 'path:/secret,job:some-job,label:foo=bar' },
    rules: [
      { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)path:(/[^,]+).*', target_label: '__metrics_path__', replacement: '${1}' },
      { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)job:([^,]+).*', target_label: 'job', replacement: '${1}' },
      { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)label:([^=]+)=([^,]+).*', target_label: '${1}', replacement: '${2}' },
    ],
    want: { __meta_sd_tags: 'path:/secret,job:some-job,label:foo=bar', __metrics_path__: '/secret', job: 'some-job', foo: 'bar' } },
  { name: 'labeldrop then re-set then keep (prometheus#12283)',
    input: { __meta_kubernetes_pod_container_port_name: 'foo', __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091' },
    rules: [
      { regex: '^__meta_kubernetes_pod_container_port_name$', action: 'labeldrop' },
      { source_labels: ['__meta_kubernetes_pod_annotation_XXX_metrics_port'], regex: '(.+)', target_label: '__meta_kubernetes_pod_container_port_name', replacement: 'metrics' },
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: '^metrics$', action: 'keep' },
    ],
    want: { __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091', __meta_kubernetes_pod_container_port_name: 'metrics' } },
  { name: 'hashmod', input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [{ source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 }],
    want: { a: 'foo', b: 'bar', c: 'baz', d: '976' } },
  { name: 'hashmod of a value with a newline', input: { a: 'foo\nbar' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'hashmod', modulus: 1000 }],
    want: { a: 'foo\nbar', b: '734' } },
  { name: 'labelmap copies matching names', input: { a: 'foo', b1: 'bar', b2: 'baz' },
    rules: [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }],
    want: { a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' } },
  { name: 'labelmap of meta labels', input: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' },
    rules: [{ regex: '__meta_(my.*)', replacement: '${1}', action: 'labelmap' }],
    want: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc', my_bar: 'aaa', my_baz: 'bbb' } },
  { name: 'labelmap sees the labels as they were before the rule', input: { x: '1' },
    rules: [{ regex: '(x+)', replacement: '${1}x', action: 'labelmap' }], want: { x: '1', xx: '1' } },
  { name: 'labelmap: later source name wins a collision', input: { a_x: '1', b_x: '2' },
    rules: [{ regex: '.*_(x)', replacement: '$1', action: 'labelmap' }], want: { a_x: '1', b_x: '2', x: '2' } },
  { name: 'labelmap: labels set by earlier rules come after the base labels', input: { z_x: '1' },
    rules: [{ target_label: 'a_x', replacement: '2' }, { regex: '.*_(x)', replacement: '$1', action: 'labelmap' }],
    want: { z_x: '1', a_x: '2', x: '2' } },
  { name: 'labelkeep', input: { a: 'foo', b1: 'bar', b2: 'baz' },
    rules: [{ regex: '(b.*)', action: 'labelkeep' }], want: { b1: 'bar', b2: 'baz' } },
  { name: 'labeldrop', input: { a: 'foo', b1: 'bar', b2: 'baz' },
    rules: [{ regex: '(b.*)', action: 'labeldrop' }], want: { a: 'foo' } },
  { name: 'labeldrop of labels set by earlier rules', input: { a: 'foo' },
    rules: [{ target_label: 'tmp_x', replacement: '1' }, { regex: 'tmp_.*', action: 'labeldrop' }], want: { a: 'foo' } },
  { name: 'uppercase and lowercase', input: { foo: 'bAr123Foo' },
    rules: [{ source_labels: ['foo'], action: 'uppercase', target_label: 'foo_uppercase' },
      { source_labels: ['foo'], action: 'lowercase', target_label: 'foo_lowercase' }],
    want: { foo: 'bAr123Foo', foo_lowercase: 'bar123foo', foo_uppercase: 'BAR123FOO' } },
  { name: 'lowercase of an empty value deletes the target', input: { t: 'x' },
    rules: [{ source_labels: ['nope'], action: 'lowercase', target_label: 't' }], want: {} },
  { name: 'keepequal: equal keeps', input: { __tmp_port: '1234', __port1: '1234', __port2: '5678' },
    rules: [{ source_labels: ['__tmp_port'], action: 'keepequal', target_label: '__port1' }],
    want: { __tmp_port: '1234', __port1: '1234', __port2: '5678' } },
  { name: 'dropequal: equal drops', input: { __tmp_port: '1234', __port1: '1234' },
    rules: [{ source_labels: ['__tmp_port'], action: 'dropequal', target_label: '__port1' }], want: null },
  { name: 'dropequal: different keeps', input: { __tmp_port: '1234', __port2: '5678' },
    rules: [{ source_labels: ['__tmp_port'], action: 'dropequal', target_label: '__port2' }], want: { __tmp_port: '1234', __port2: '5678' } },
  { name: 'keepequal: different drops', input: { __tmp_port: '1234', __port2: '5678' },
    rules: [{ source_labels: ['__tmp_port'], action: 'keepequal', target_label: '__port2' }], want: null },
  { name: 'keepequal: absent target equals empty joined value', input: { a: 'x' },
    rules: [{ source_labels: ['nope'], action: 'keepequal', target_label: 'also_nope' }], want: { a: 'x' } },
  { name: 'metric name typing via replace', input: { __name__: 'http_requests_total' },
    rules: [{ source_labels: ['__name__'], regex: '.*_total$', target_label: '__type__', replacement: 'counter' }],
    want: { __name__: 'http_requests_total', __type__: 'counter' } },
  { name: 'case-insensitive keep', input: { env: 'PROD' },
    rules: [{ source_labels: ['env'], regex: '(?i)prod|staging', action: 'keep' }], want: { env: 'PROD' } },
];

test('relabel: table of actions and edges', () => {
  for (const c of cases) {
    const cfgs = c.rules.map((r) => newRelabelConfig(r));
    for (const cfg of cfgs) assert.equal(validateRelabelConfig(cfg), null, `${c.name}: rule should be valid`);
    const got = relabel(Labels.fromObject(c.input), cfgs);
    if (c.want === null) assert.equal(got, null, c.name);
    else assert.deepEqual(got?.toObject(), c.want, c.name);
    // Same result in place on a builder, twice (plans are cached per rule).
    for (let k = 0; k < 2; k++) {
      const lb = new LabelsBuilder(Labels.fromObject(c.input));
      assert.equal(processBuilder(lb, cfgs), c.want !== null, `${c.name}: processBuilder keep`);
      if (c.want !== null) assert.deepEqual(lb.labels().toObject(), c.want, `${c.name}: processBuilder labels`);
    }
  }
});

test('relabel: no rules returns the same labels', () => {
  const l = Labels.fromObject({ a: '1' });
  assert.equal(relabel(l, []), l);
});

test('replace: invalid target names under the legacy scheme leave labels unchanged', () => {
  const cfg = newRelabelConfig({ source_labels: ['a'], regex: '(.*)', target_label: 'x_${1}' });
  const l = Labels.fromObject({ a: 'b-c' });
  assert.deepEqual(relabel(l, [cfg], 'legacy')?.toObject(), { a: 'b-c' });
  assert.deepEqual(relabel(l, [cfg], 'utf8')?.toObject(), { a: 'b-c', 'x_b-c': 'b-c' });
});

test('templates expand like Go regexp.Expand', () => {
  const named = { host: 1, 'naïve': 2 };
  const groups = ['all', 'h', 'n', null];
  const cases: [string, string][] = [
    ['$1', 'h'], ['${1}', 'h'], ['$host', 'h'], ['${host}', 'h'], ['$$', '$'], ['$$1', '$1'],
    ['$1x', ''], ['${1}x', 'hx'], ['$0', 'all'], ['$01', ''], ['$3', ''], ['$9', ''], ['$100000000', ''],
    ['$', '$'], ['a$', 'a$'], ['${', '${'], ['${1', '${1'], ['${}', '${}'], ['$-', '$-'], ['${host', '${host'],
    ['$naïve', 'n'], ['${naïve}!', 'n!'], ['$host.$1', 'h.h'], ['x$nope-y', 'x-y'], ['plain', 'plain'],
  ];
  for (const [t, want] of cases) assert.equal(expand(parseTemplate(t, named), groups), want, t);
});

test('case changes use simple per-character mappings like Go', () => {
  const cases: [string, string, string][] = [
    ['bAr123Foo', 'bar123foo', 'BAR123FOO'],
    ['İstanbul', 'istanbul', 'İSTANBUL'],
    ['straße', 'straße', 'STRAßE'],
    ['ΟΔΟΣ', 'οδοσ', 'ΟΔΟΣ'],
    ['ǅ', 'ǆ', 'Ǆ'],
    ['ᾳ ᾀ ᾈ ﬀ', 'ᾳ ᾀ ᾀ ﬀ', 'ᾼ ᾈ ᾈ ﬀ'],
    ['😀x', '😀x', '😀X'],
  ];
  for (const [s, lower, upper] of cases) {
    assert.equal(goToLower(s), lower, `lower ${s}`);
    assert.equal(goToUpper(s), upper, `upper ${s}`);
  }
});

test('hashmod uses the low 8 bytes of the MD5, exactly for large moduli', () => {
  const rnd = (() => { let x = 7; return () => (x = (x * 48271) % 2147483647); })();
  const moduli = [1, 2, 3, 10, 1000, 0x1fffff, 0x200000, 0x200001, 1e9 + 7, 2 ** 40 + 15, Number.MAX_SAFE_INTEGER];
  for (let i = 0; i < 200; i++) {
    const v = `target-${rnd()}:${i}`;
    const low = createHash('md5').update(v).digest().readBigUInt64BE(8);
    for (const m of moduli) assert.equal(hashMod(v, m), String(low % BigInt(m)), `${v} mod ${m}`);
  }
  // Values confirmed with Prometheus 2.42 (/api/v1/targets).
  assert.equal(hashMod('127.0.0.1:1', 1000000007), '657951973');
  assert.equal(hashMod('127.0.0.1:2', 1000000007), '281313389');
  assert.throws(() => hashMod('x', 0), RangeError);
});

test('newRelabelConfig fills Prometheus defaults and compiles the regex', () => {
  const c = newRelabelConfig({});
  assert.deepEqual({ ...c, compiled: undefined }, {
    source_labels: [], separator: ';', regex: '(.*)', compiled: undefined, modulus: 0, target_label: '', replacement: '$1', action: 'replace',
  });
  assert.ok(c.compiled.matches('anything\n'));
  assert.ok(newRelabelConfig({ regex: 'a|b' }).compiled.matches('b'));
  // Relabel regexes are compiled by Prometheus as ^(?s:<regex>)$, and its messages quote that.
  const errs: [string, string][] = [
    ['(x', 'error parsing regexp: missing closing ): `^(?s:(x)$`'],
    ['a)', 'error parsing regexp: unexpected ): `^(?s:a))$`'],
    ['[a', 'error parsing regexp: missing closing ]: `[a)$`'],
    ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['x\\', 'error parsing regexp: missing closing ): `^(?s:x\\)$`'],
  ];
  for (const [re, msg] of errs) {
    assert.throws(() => newRelabelConfig({ regex: re }), (e: unknown) => e instanceof RegexError && e.message === msg, re);
  }
});

test('validateRelabelConfig returns Prometheus error texts', () => {
  const cases: [Rule | RelabelConfig, string | null, ('utf8' | 'legacy')?][] = [
    [{ ...newRelabelConfig({}), action: '' as RelabelConfig['action'] }, 'relabel action cannot be empty'],
    [{ action: 'replace' }, "relabel configuration for replace action requires 'target_label' value"],
    [{ action: 'lowercase' }, "relabel configuration for lowercase action requires 'target_label' value"],
    [{ action: 'hashmod', target_label: 'x' }, 'relabel configuration for hashmod requires non-zero modulus'],
    [{ action: 'hashmod', modulus: 0 }, 'relabel configuration for hashmod requires non-zero modulus'],
    [{ action: 'lowercase', target_label: '${3}' }, null],
    [{ action: 'lowercase', target_label: '${3}' }, '"${3}" is invalid \'target_label\' for lowercase action', 'legacy'],
    [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${3}', replacement: '${1}' }, null],
    [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '0${3}', replacement: '${1}' }, null],
    [{ source_labels: ['a'], target_label: '0${3}' }, '"0${3}" is invalid \'target_label\' for replace action', 'legacy'],
    [{ source_labels: ['a'], target_label: 'a-b' }, '"a-b" is invalid \'target_label\' for replace action', 'legacy'],
    [{ source_labels: ['a'], target_label: 'x_${1}y$foo' }, null, 'legacy'],
    [{ regex: '__meta_kubernetes_pod_label_(strimzi_io_.+)', action: 'labelmap', replacement: '$1' }, null, 'legacy'],
    [{ regex: '__meta_(.+)', action: 'labelmap', replacement: '${1}' }, null, 'legacy'],
    [{ regex: '__meta_(.+)', action: 'labelmap', replacement: '${1}-x' }, '"${1}-x" is invalid \'replacement\' for labelmap action', 'legacy'],
    [{ action: 'uppercase', target_label: 'u', replacement: 'x' }, "'replacement' can not be set for uppercase action"],
    [{ action: 'keepequal', target_label: 'u', separator: ',' }, "keepequal action requires only 'source_labels' and `target_label`, and no other fields"],
    [{ action: 'dropequal', target_label: 'u', regex: 'x' }, "dropequal action requires only 'source_labels' and `target_label`, and no other fields"],
    [{ action: 'labeldrop', regex: 'x', target_label: 'y' }, "labeldrop action requires only 'regex', and no other fields"],
    [{ action: 'labelkeep', regex: 'x', source_labels: ['a'] }, "labelkeep action requires only 'regex', and no other fields"],
    [{ action: 'hashmod', target_label: 'a-b', modulus: 2 }, '"a-b" is invalid \'target_label\' for hashmod action', 'legacy'],
    [{ action: 'keep', source_labels: ['a'], regex: 'x' }, null],
  ];
  for (const [r, want, scheme] of cases) {
    const cfg = 'compiled' in r ? r : newRelabelConfig(r);
    assert.equal(validateRelabelConfig(cfg, scheme), want, JSON.stringify({ ...cfg, compiled: undefined }));
  }
});

test('recognises legacy template names in linear time', () => {
  for (const [s, ok] of [['a', true], ['_', true], ['$1', true], ['${name}x', true], ['a$1b', true], ['1a', false], ['a-b', false], ['$', false], ['${}', false], ['', false]] as const) {
    assert.equal(isLegacyTemplateName(s), ok, s);
  }
  // A pattern that makes a backtracking engine explode is answered at once.
  assert.equal(isLegacyTemplateName('a'.repeat(100_000) + '-'), false);
});

test('validation takes which fields were written from the loader', () => {
  const eq = newRelabelConfig({ action: 'keepequal', source_labels: ['a'], target_label: 'b' });
  assert.equal(validateRelabelConfig(eq), null);
  // A written "(.*)" is still a regex the action does not allow.
  assert.equal(validateRelabelConfig(eq, 'utf8', { regex: true, source_labels: true }), "keepequal action requires only 'source_labels' and `target_label`, and no other fields");
  const drop = newRelabelConfig({ action: 'labeldrop', regex: 'x' });
  assert.equal(validateRelabelConfig(drop), null);
  // An empty but written source_labels list counts, as a non-nil list does in Prometheus.
  assert.equal(validateRelabelConfig(drop, 'utf8', { regex: true, source_labels: true }), "labeldrop action requires only 'regex', and no other fields");
  assert.deepEqual(relabelConfigProblem(newRelabelConfig({ action: 'hashmod', target_label: 'x' }), 'utf8'), { reason: 'relabel configuration for hashmod requires non-zero modulus', field: 'modulus' });
});
