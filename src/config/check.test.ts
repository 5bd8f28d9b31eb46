import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { checkConfig } from './index.js';
import type { RuleFileChecker } from './index.js';
import { testdata } from './testdata.js';

interface Run { stdout: string; stderr: string; exitCode: number }

function promtool(args: string[]): Promise<Run | null> {
  return new Promise((resolve) => {
    execFile('promtool', args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT') { resolve(null); return; }
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ stdout, stderr, exitCode: code });
    });
  });
}

const f = (name: string): string => testdata('check', name);

/** Files whose check output is the same under promtool 2.42 and Prometheus 3 rules. */
const SAME_AS_PROMTOOL: { files: string[]; syntaxOnly: boolean; stderrExact: boolean }[] = [
  { files: ['good.yml'], syntaxOnly: false, stderrExact: true },
  { files: ['missing-rule.yml'], syntaxOnly: false, stderrExact: false },
  { files: ['missing-credentials.yml'], syntaxOnly: false, stderrExact: false },
  { files: ['bad-sd-file.yml'], syntaxOnly: false, stderrExact: true },
  { files: ['unknown-field.yml'], syntaxOnly: false, stderrExact: false },
  { files: ['empty.yml'], syntaxOnly: false, stderrExact: true },
  { files: ['bad-glob.yml'], syntaxOnly: false, stderrExact: true },
  { files: ['good.yml', 'missing-rule.yml'], syntaxOnly: true, stderrExact: true },
  { files: ['good.yml', 'unknown-field.yml', 'empty.yml'], syntaxOnly: false, stderrExact: false },
];

describe('checkConfig against promtool', () => {
  for (const c of SAME_AS_PROMTOOL) {
    it(`${c.syntaxOnly ? '--syntax-only ' : ''}${c.files.join(' ')}`, async (t) => {
      const paths = c.files.map(f);
      const real = await promtool(['check', 'config', ...(c.syntaxOnly ? ['--syntax-only'] : []), ...paths]);
      if (real === null) {
        if (process.env['WATCHFIRE_REQUIRE_PEERS'] === '1') assert.fail('promtool is not installed and WATCHFIRE_REQUIRE_PEERS=1');
        t.skip('promtool is not installed');
        return;
      }
      const ours = await checkConfig(paths, { syntaxOnly: c.syntaxOnly, lint: 'duplicate-rules' });
      assert.equal(ours.stdout, real.stdout);
      assert.equal(ours.exitCode, real.exitCode);
      if (c.stderrExact) assert.equal(ours.stderr, real.stderr);
      else {
        const fails = (s: string): number => s.split('\n').filter((l) => l.startsWith('  FAILED:')).length;
        assert.equal(fails(ours.stderr), fails(real.stderr), `stderr:\n${ours.stderr}\nvs promtool:\n${real.stderr}`);
      }
    });
  }
});

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
});
