/**
 * `tool check rules` and `tool test rules`: exact output for our test files, and the same exit
 * codes and error texts as promtool (Debian's 2.42) where 2.42 and 3.14 agree. 2.42 prints a
 * `Unit Testing:` line that 3.x dropped; rule-file errors name `rulefmt.RuleNode` in 2.42 and
 * `rulefmt.Rule` in 3.x.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { peer, repoRoot } from '../testing/peers.js';
import { runTool } from './tool.js';

const RULEFMT = join(repoRoot(), 'src', 'rules', 'testdata', 'rulefmt');
const UNITTEST = join(repoRoot(), 'src', 'rules', 'testdata', 'unittest');

async function tool(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await runTool(args, { out: (s) => { out += s; }, err: (s) => { err += s; } });
    return { code, out, err };
  } finally {
    process.chdir(before);
  }
}

function promtool(path: string, args: string[], cwd: string): { code: number; out: string; err: string } {
  const r = spawnSync(path, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('check rules: output and exit codes', async () => {
  const r = await tool(['check', 'rules', 'bad-expr.yml', 'duplicate-rules.yml'], RULEFMT);
  assert.equal(r.code, 1);
  assert.equal(r.out, 'Checking bad-expr.yml\nChecking duplicate-rules.yml\n\n');
  assert.equal(r.err, '  FAILED:\nbad-expr.yml: 5:15: group "yolo", rule 1, "yolo": could not parse expression: 1:6: parse error: expected type range vector in call to function "rate", got instant vector\n' +
    '  FAILED:\nlint error 1 duplicate rule(s) found.\nMetric: a\nLabel(s):\nMight cause inconsistency while recording expressions\n');
  assert.equal((await tool(['check', 'rules', '--lint-fatal', 'duplicate-rules.yml'], RULEFMT)).code, 3);
  assert.equal((await tool(['check', 'rules', '--lint=none', 'duplicate-rules.yml'], RULEFMT)).out, 'Checking duplicate-rules.yml\n  SUCCESS: 2 rules found\n\n');
  assert.equal((await tool(['check', 'rules', '--ignore-unknown-fields', 'unknown-field.yml'], RULEFMT)).code, 0);
});

test('check rules: same verdicts and texts as promtool', async (t) => {
  const p = peer('promtool');
  if (p.skip !== false) { t.skip(p.skip); return; }
  for (const f of readdirSync(RULEFMT).sort()) {
    const ours = await tool(['check', 'rules', f], RULEFMT);
    const theirs = promtool(p.path, ['check', 'rules', f], RULEFMT);
    assert.equal(ours.code, theirs.code, f);
    assert.equal(ours.err.replace('rulefmt.Rule\n', 'rulefmt.RuleGroup\n'), theirs.err.replace('rulefmt.RuleNode\n', 'rulefmt.RuleGroup\n'), f);
  }
});

test('test rules: passing and failing files, with promtool\'s texts', async () => {
  const ok = await tool(['test', 'rules', 'passing.test.yml'], UNITTEST);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(ok.out, '  SUCCESS\n\n');
  const bad = await tool(['test', 'rules', 'failing.test.yml'], UNITTEST);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^ {2}FAILED:\n {4}name: wrong expectations,\n {4}alertname: InstanceDown, time: 1m, \n {8}exp:\[\n/);
  assert.match(bad.err, / {4}expr: "instance:up:count", time: 2m,\n {8}exp: \{__name__="instance:up:count", job="api"\} 3E\+00\n {8}got: \{__name__="instance:up:count", job="api"\} 1E\+00\n/);
  const run = await tool(['test', 'rules', '--run', 'nothing-matches', 'failing.test.yml'], UNITTEST);
  assert.equal(run.code, 0);
});

test('test rules: same verdicts and error texts as promtool', async (t) => {
  const p = peer('promtool');
  if (p.skip !== false) { t.skip(p.skip); return; }
  // Evaluation errors list the conflicting series in storage order, which may differ.
  const normalize = (s: string): string => s.replace(/\[\{.*\}\];/g, '[…];');
  for (const f of readdirSync(UNITTEST).filter((x) => x.endsWith('.test.yml')).sort()) {
    const ours = await tool(['test', 'rules', f], UNITTEST);
    const theirs = promtool(p.path, ['test', 'rules', f], UNITTEST);
    assert.equal(ours.code, theirs.code, f);
    assert.equal(normalize(ours.err), normalize(theirs.err), f);
    assert.equal(ours.out, theirs.out.replace(/^Unit Testing: {2}\S+\n/, ''), f);
  }
});
