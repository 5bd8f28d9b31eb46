import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from './index.js';
import type { RuleFileChecker, SDFileReader, TargetGroupChecker } from './index.js';
import { testdata } from './testdata.js';

const f = (name: string): string => testdata('check', name);

describe('checkConfig', () => {
  it('names the line and field of a load error', async () => {
    const r = await checkConfig([f('unknown-field.yml')], { syntaxOnly: false, lint: 'none' });
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^ {2}FAILED: loading config file ".*unknown-field\.yml": line 5: field scrape_intervall not found in type config\.ScrapeConfig\n$/);
  });

  it('reports missing files with the stat error', async () => {
    const r = await checkConfig([f('missing-credentials.yml')], { syntaxOnly: false, lint: 'none' });
    assert.match(r.stderr, /error checking authorization credentials or bearer token file ".*no-such-token": stat .*no-such-token: no such file or directory/);
    const s = await checkConfig([f('missing-credentials.yml')], { syntaxOnly: true, lint: 'none' });
    assert.equal(s.exitCode, 0);
  });

  const lintCases: { lint: string; fatal: boolean; exit: number; failed: boolean }[] = [
    { lint: 'none', fatal: false, exit: 0, failed: false },
    { lint: 'duplicate-rules', fatal: true, exit: 0, failed: false },
    { lint: 'all', fatal: false, exit: 0, failed: true },
    { lint: 'too-long-scrape-interval', fatal: true, exit: 3, failed: true },
    { lint: 'all,none', fatal: true, exit: 0, failed: false },
  ];
  for (const c of lintCases) {
    it(`lint=${c.lint} fatal=${c.fatal}`, async () => {
      const r = await checkConfig([f('long-interval.yml')], { syntaxOnly: false, lint: c.lint, lintFatal: c.fatal });
      assert.equal(r.exitCode, c.exit);
      assert.equal(r.stderr.includes('  FAILED: too long scrape interval found, data point will be marked as stale - job: slow, interval: 10m\n'), c.failed);
    });
  }

  it('uses the rule file hook and counts failures', async () => {
    const seen: string[] = [];
    const hook: RuleFileChecker = (path) => {
      seen.push(path);
      return Promise.resolve(path.endsWith('b.yml') ? { ok: false, errors: ['bad rule'], lintOnly: false } : { ok: true, rules: 7 });
    };
    const r = await checkConfig([f('good.yml')], { syntaxOnly: false, lint: 'none', checkRuleFile: hook });
    assert.equal(seen.length, 3);
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /SUCCESS: 7 rules found/);
    assert.equal(r.stderr, '  FAILED:\nbad rule\n');
  });

  it('warns about unknown lint options on stdout', async () => {
    const r = await checkConfig([f('empty.yml')], { syntaxOnly: false, lint: 'bogus' });
    assert.match(r.stdout, /^WARNING: unknown lint option: "bogus"\n/);
  });

  it('reads file SD files through the reader hook and checks their groups', async () => {
    const seen: string[] = [];
    const read: SDFileReader = (path) => {
      seen.push(path);
      return Promise.resolve([{ targets: ['a:1'], labels: {} }]);
    };
    const checked: number[] = [];
    const check: TargetGroupChecker = (groups) => { checked.push(groups.length); return null; };
    const r = await checkConfig([f('good.yml')], { syntaxOnly: false, lint: 'none', readSDFile: read, checkTargetGroups: check });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(seen, [f('sd/targets.json')]);
    assert.deepEqual(checked, [1, 1, 0], 'the file SD groups, the static ones, the alertmanager static ones');
    assert.match(r.stdout, /WARNING: file ".*\/sd\/missing.yml" for file_sd in scrape job "node" does not exist/);
    assert.match(r.stdout, /WARNING: file ".*\/sd\/am-missing.json" for file_sd in alertmanager config does not exist/);

    const failing: SDFileReader = () => Promise.reject(new Error('bad content'));
    const bad = await checkConfig([f('bad-sd-file.yml')], { syntaxOnly: false, lint: 'none', readSDFile: failing });
    assert.equal(bad.exitCode, 1);
    assert.equal(bad.stderr, `  FAILED: checking SD file ${JSON.stringify(f('sd-broken/*.json'))}: bad content\n`);
    const unread = await checkConfig([f('bad-sd-file.yml')], { syntaxOnly: false, lint: 'none' });
    assert.equal(unread.exitCode, 0, 'without a reader the contents are not checked');
  });
});
