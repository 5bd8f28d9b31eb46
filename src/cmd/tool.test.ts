import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool, type ToolIO } from './tool.js';

function capture(): ToolIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', out: (s: string) => { io.stdout += s; }, err: (s: string) => { io.stderr += s; } };
  return io;
}

test('tool check config: good and bad files, promtool exit codes and output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-tool-'));
  try {
    const good = join(dir, 'good.yml');
    writeFileSync(good, 'scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ["localhost:9090"]\n');
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'scrape_configs:\n  - job_name: a\n    scrape_intervall: 1m\n');
    let io = capture();
    assert.equal(await runTool(['check', 'config', good], io), 0);
    assert.match(io.stdout, new RegExp(`Checking ${good}\\n SUCCESS: ${good} is valid prometheus config file syntax`));
    io = capture();
    assert.equal(await runTool(['check', 'config', bad], io), 1);
    assert.match(io.stderr, /FAILED: .*line 3.*scrape_intervall/);
    io = capture();
    assert.equal(await runTool(['check', 'config'], io), 1);
    assert.match(io.stderr, /required argument/);
    io = capture();
    assert.equal(await runTool(['check', 'nonsense'], io), 1);
    assert.match(io.stderr, /expected command but got "check nonsense"/);
    io = capture();
    assert.equal(await runTool(['--help'], io), 0);
    assert.match(io.stdout, /check config/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
