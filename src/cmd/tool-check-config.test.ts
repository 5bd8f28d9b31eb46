import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig } from '../config/index.js';
import { testdata } from '../config/testdata.js';
import { readSDFileAsPromtool } from './tool-check-config.js';

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
      const ours = await checkConfig(paths, { syntaxOnly: c.syntaxOnly, lint: 'duplicate-rules', readSDFile: readSDFileAsPromtool });
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

describe('promtool reading of file SD files', () => {
  const cases: [file: string, text: string, error: string | null][] = [
    ['ok.json', '[{"targets": ["a:1"], "labels": {"env": "x"}}]', null],
    ['nil.json', '[{"targets": ["a:1"]}, null]', 'nil target group item found (index 1)'],
    ['nil.yml', '- targets: [a:1]\n- ~\n', 'nil target group item found (index 1)'],
    ['truncated.json', '[{"targets": ', 'unexpected end of JSON input'],
    ['unknown.json', '[{"targets": [], "foo": 1}]', 'json: unknown field "foo"'],
    ['other.txt', '', 'invalid file extension: ".txt"'],
  ];
  for (const [file, text, error] of cases) {
    it(file, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wf-sdcheck-'));
      try {
        const p = join(dir, file);
        writeFileSync(p, text);
        if (error === null) assert.deepEqual(await readSDFileAsPromtool(p), [{ targets: ['a:1'], labels: { env: 'x' } }]);
        else await assert.rejects(readSDFileAsPromtool(p), (e: unknown) => e instanceof Error && e.message === error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  it('a missing file', async () => {
    await assert.rejects(readSDFileAsPromtool('/no/such/file.json'), { message: 'open /no/such/file.json: no such file or directory' });
  });
});
