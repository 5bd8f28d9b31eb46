import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfigString, newRelabelConfig } from './index.js';
import type { Config } from './index.js';

/** One relabel rule (flow mapping) in a scrape config under the given validation scheme. */
const rule = (r: string, scheme = 'utf8'): string =>
  `scrape_configs:\n  - job_name: j\n    metric_name_validation_scheme: ${scheme}\n    relabel_configs:\n      - ${r}\n`;

const load = (yaml: string): Config => loadConfigString(yaml, 'p.yml');

interface Case { rule: string; scheme?: string; error: string | null }

const CASES: Case[] = [
  // replace
  { rule: '{source_labels: [a], target_label: b}', error: null },
  { rule: '{source_labels: [a]}', error: "relabel configuration for replace action requires 'target_label' value" },
  { rule: '{target_label: "a-b"}', scheme: 'legacy', error: `"a-b" is invalid 'target_label' for replace action` },
  { rule: '{target_label: "a-b"}', error: null },
  { rule: '{target_label: "${1}_x", regex: "(.+)"}', scheme: 'legacy', error: null },
  { rule: '{target_label: "$1-x"}', scheme: 'legacy', error: `"$1-x" is invalid 'target_label' for replace action` },
  { rule: '{action: Replace, target_label: x}', error: null },
  { rule: '{action: explode, target_label: x}', error: 'unknown relabel action "explode"' },
  { rule: '{action: ""}', error: 'unknown relabel action ""' },
  { rule: '{regex: "a(b"}', error: 'error parsing regexp:' },
  { rule: '{source_labels: [""], target_label: x}', error: '"" is not a valid label name' },
  // keep / drop: no extra requirement
  { rule: '{action: keep, source_labels: [a], regex: x}', error: null },
  { rule: '{action: drop, source_labels: [a]}', error: null },
  // hashmod
  { rule: '{action: hashmod, source_labels: [a], target_label: b, modulus: 4}', error: null },
  { rule: '{action: hashmod, source_labels: [a], target_label: b}', error: 'relabel configuration for hashmod requires non-zero modulus' },
  { rule: '{action: hashmod, source_labels: [a], modulus: 4}', error: "relabel configuration for hashmod action requires 'target_label' value" },
  { rule: '{action: hashmod, target_label: "a-b", modulus: 2}', scheme: 'legacy', error: `"a-b" is invalid 'target_label' for hashmod action` },
  // labelmap
  { rule: '{action: labelmap, regex: "__meta_(.+)"}', error: null },
  { rule: '{action: labelmap, regex: "x", replacement: "1abc"}', scheme: 'legacy', error: `"1abc" is invalid 'replacement' for labelmap action` },
  { rule: '{action: labelmap, regex: "x", replacement: "k8s_${1}"}', scheme: 'legacy', error: null },
  // labeldrop / labelkeep
  { rule: '{action: labeldrop, regex: "tmp_.*"}', error: null },
  { rule: '{action: labeldrop, regex: x, source_labels: [a]}', error: "labeldrop action requires only 'regex', and no other fields" },
  { rule: '{action: labelkeep, regex: x, target_label: a}', error: "labelkeep action requires only 'regex', and no other fields" },
  { rule: '{action: labelkeep, regex: x, separator: ","}', error: "labelkeep action requires only 'regex', and no other fields" },
  { rule: '{action: labeldrop, regex: x, replacement: y}', error: "labeldrop action requires only 'regex', and no other fields" },
  { rule: '{action: labelkeep, regex: x, modulus: 3}', error: "labelkeep action requires only 'regex', and no other fields" },
  // lowercase / uppercase
  { rule: '{action: lowercase, source_labels: [a], target_label: b}', error: null },
  { rule: '{action: lowercase, source_labels: [a]}', error: "relabel configuration for lowercase action requires 'target_label' value" },
  { rule: '{action: uppercase, source_labels: [a], target_label: b, replacement: x}', error: "'replacement' can not be set for uppercase action" },
  { rule: '{action: uppercase, source_labels: [a], target_label: "${1}"}', scheme: 'legacy', error: `"\${1}" is invalid 'target_label' for uppercase action` },
  // keepequal / dropequal
  { rule: '{action: keepequal, source_labels: [a], target_label: b}', error: null },
  { rule: '{action: keepequal, source_labels: [a]}', error: "relabel configuration for keepequal action requires 'target_label' value" },
  { rule: '{action: dropequal, source_labels: [a], target_label: b, regex: "(.*)"}', error: "dropequal action requires only 'source_labels' and `target_label`, and no other fields" },
  { rule: '{action: dropequal, source_labels: [a], target_label: b, separator: ","}', error: "dropequal action requires only 'source_labels' and `target_label`, and no other fields" },
  { rule: '{action: keepequal, source_labels: [a], target_label: b, replacement: x}', error: "'replacement' can not be set for keepequal action" },
];

describe('relabel validation', () => {
  for (const c of CASES) {
    it(`${c.scheme ?? 'utf8'} ${c.rule}`, () => {
      const yaml = rule(c.rule, c.scheme);
      if (c.error === null) {
        assert.doesNotThrow(() => load(yaml));
        return;
      }
      assert.throws(() => load(yaml), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        if (c.error!.endsWith(':')) assert.ok(e.reason.startsWith(c.error!), e.reason);
        else assert.equal(e.reason, c.error);
        assert.equal(e.line, 5, e.message);
        assert.match(e.field, /^scrape_configs\[0\]\.relabel_configs\[0\]/);
        return true;
      });
    });
  }

  it('fills defaults and compiles an anchored regex', () => {
    const rc = load(rule('{source_labels: [a, b], target_label: c, regex: "x|y"}')).scrape_configs[0]!.relabel_configs[0]!;
    assert.equal(rc.separator, ';');
    assert.equal(rc.replacement, '$1');
    assert.equal(rc.action, 'replace');
    assert.equal(rc.modulus, 0);
    assert.ok(rc.compiled.matches('x'));
    assert.ok(!rc.compiled.matches('xy'), 'anchored');
    const d = load(rule('{target_label: c}')).scrape_configs[0]!.relabel_configs[0]!;
    assert.equal(d.regex, '(.*)');
    assert.ok(d.compiled.matches('anything\nat all'));
    const empty = load(rule('{target_label: c, regex: ""}')).scrape_configs[0]!.relabel_configs[0]!;
    assert.ok(empty.compiled.matches('') && !empty.compiled.matches('a'));
  });

  it('builds rules in code', () => {
    const rc = newRelabelConfig({ action: 'keep', source_labels: ['a'], regex: 'v.*' });
    assert.equal(rc.separator, ';');
    assert.ok(rc.compiled.matches('value'));
  });
});
