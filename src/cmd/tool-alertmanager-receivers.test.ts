import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTool } from './tool.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runTool(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

test('tool alertmanager template render: amtool flags, sample data, files and data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-tar-'));
  try {
    writeFileSync(join(dir, 'a.tmpl'), '{{ define "t" }}{{ .Receiver }}:{{ len .Alerts }}{{ end }}');
    writeFileSync(join(dir, 'data.json'), JSON.stringify({ receiver: 'team', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'X' } }] }));
    writeFileSync(join(dir, 'alerts.json'), JSON.stringify([{ labels: { alertname: 'Y', job: 'j' } }]));
    const glob = `--template.glob=${join(dir, '*.tmpl')}`;
    assert.deepEqual(await run(['alertmanager', 'template', 'render', glob, '--template.text={{ template "t" . }}']), { code: 0, out: 'receiver:2', err: '' });
    assert.deepEqual(await run(['alertmanager', 'template', 'render', glob, '--template.text={{ template "t" . }}', `--template.data=${join(dir, 'data.json')}`]), { code: 0, out: 'team:1', err: '' });
    assert.deepEqual(await run(['alertmanager', 'template', 'render', glob, '--template.text={{ template "__subject" . }}', `--alerts=${join(dir, 'alerts.json')}`]), { code: 0, out: '[FIRING:1] Y (j)', err: '' });
    assert.deepEqual(await run(['alertmanager', 'template', 'render', glob, '--template.type=html', '--template.text=<p>{{ "<x>" }}</p>']), { code: 0, out: '<p>&lt;x&gt;</p>', err: '' });
    const bad = await run(['alertmanager', 'template', 'render', glob, '--template.text={{ nope }}']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^watchfire tool: error: template: :1: function "nope" not defined\n$/);
    assert.match((await run(['alertmanager', 'template', 'render', '--template.text=x'])).err, /required flag --template.glob not provided/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tool alertmanager test-receiver: sends to each integration and reports', async () => {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => { b += c.toString(); });
    req.on('end', () => { bodies.push(b); res.writeHead(req.url === '/fail' ? 400 : 200); res.end(req.url === '/fail' ? 'bad' : ''); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'wf-ttr-'));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const file = join(dir, 'am.yml');
    writeFileSync(file, `route: { receiver: r }\nreceivers:\n- name: r\n  webhook_configs: [{ url: ${base}/ok }, { url: ${base}/fail }]\n`);
    const res = await run(['alertmanager', 'test-receiver', `--config.file=${file}`, '--receiver=r']);
    assert.equal(res.code, 1);
    assert.equal(res.out, 'webhook[0]: OK\nwebhook[1]: FAILED: unexpected status code 400: bad\n');
    assert.equal(bodies.length, 2);
    assert.match(bodies[0]!, /"alertname":"TestAlert"/);
    assert.match((await run(['alertmanager', 'test-receiver', `--config.file=${file}`, '--receiver=nope'])).err, /receiver "nope" not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    server.close();
  }
});
