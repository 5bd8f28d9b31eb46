/**
 * Acceptance against amtool (Debian's prometheus-alertmanager, 0.25): the same verdict from
 * `amtool check-config` and `watchfire tool alertmanager check-config` on every fixture; the
 * same receivers (and trees) from `config routes test` / `config routes show`; and amtool's
 * silence and alert commands working against `watchfire alertmanager`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { peer } from '../testing/peers.js';
import { amTestdata } from '../alertmanager/config/testdata.js';
import { runTool, type ToolIO } from './tool.js';
import { launchAlertmanager, type AlertmanagerHandle } from './alertmanager.js';

const amtool = peer('amtool');
const exec = promisify(execFile);

async function amtoolRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(amtool.path, args, { timeout: 20_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

async function ours(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: ToolIO = { out: (s) => { stdout += s; }, err: (s) => { stderr += s; } };
  const code = await runTool(args, io);
  return { code, stdout, stderr };
}

/** The reason after FAILED, without our line/field prefix. */
function failure(out: string): string {
  const m = /FAILED: (?:line \d+: )?(?:[\w.[\]]+: )?(.*)/.exec(out);
  return m === null ? '' : m[1]!.trim();
}

test('check-config: amtool and watchfire accept and reject the same files', { skip: amtool.skip }, async () => {
  const dir = amTestdata('check');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
  assert.ok(files.length >= 20);
  let agreed = 0;
  let sameText = 0;
  for (const f of files) {
    const path = join(dir, f);
    const [a, w] = await Promise.all([amtoolRun(['check-config', path]), ours(['alertmanager', 'check-config', path])]);
    assert.equal(w.code === 0, a.code === 0, `${f}: amtool ${a.code === 0 ? 'accepts' : 'rejects'} (${failure(a.stdout)}), watchfire ${w.code === 0 ? 'accepts' : 'rejects'} (${failure(w.stdout)})`);
    assert.equal(a.code === 0, f.startsWith('good-'), `${f}: fixture name says ${f.startsWith('good-') ? 'good' : 'bad'}`);
    agreed++;
    if (failure(a.stdout) === failure(w.stdout)) sameText++;
    if (a.code === 0) assert.equal(w.stdout.replace(/^Checking '[^']*'/, ''), a.stdout.replace(/^Checking '[^']*'/, ''), `${f}: the summary`);
  }
  process.stderr.write(`check-config: ${agreed}/${files.length} files agreed (${sameText} with the same message)\n`);
});

test('config routes test/show: amtool and watchfire choose the same receivers', { skip: amtool.skip }, async () => {
  const dir = amTestdata('routes');
  const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Record<string, string[][]>;
  const trees = Object.keys(cases).sort();
  assert.ok(trees.length >= 10);
  let n = 0;
  for (const f of trees) {
    const cfg = `--config.file=${join(dir, f)}`;
    const [as, ws] = await Promise.all([amtoolRun(['config', 'routes', 'show', cfg]), ours(['alertmanager', 'config', 'routes', 'show', cfg])]);
    assert.equal(ws.stdout, as.stdout, `${f}: routing tree`);
    for (const labels of cases[f]!) {
      const args = ['config', 'routes', 'test', cfg, ...labels];
      const [a, w] = await Promise.all([amtoolRun(args), ours(['alertmanager', ...args])]);
      assert.equal(w.stdout.trim(), a.stdout.trim(), `${f} ${labels.join(' ')}`);
      assert.equal(w.code, a.code);
      n++;
    }
    const first = cases[f]![cases[f]!.length - 1]!;
    const [at, wt] = await Promise.all([amtoolRun(['config', 'routes', 'test', '--tree', cfg, ...first]), ours(['alertmanager', 'config', 'routes', 'test', '--tree', cfg, ...first])]);
    assert.equal(wt.stdout, at.stdout, `${f}: matching tree`);
  }
  const verify = await ours(['alertmanager', 'config', 'routes', 'test', `--config.file=${join(dir, '02-continue.yml')}`, '--verify.receivers=b', 'team=x']);
  assert.equal(verify.code, 1);
  assert.match(verify.stdout, /WARNING: Expected receivers did not match resolved receivers/);
  process.stderr.write(`routes test: ${trees.length} trees, ${n} label sets agreed\n`);
});

async function withAlertmanager(f: (url: string, am: AlertmanagerHandle) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-amtool-'));
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, `route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: [team=db]
      receiver: db
receivers:
  - name: default
  - name: db
inhibit_rules:
  - source_matchers: [severity=critical]
    target_matchers: [severity=warning]
    equal: [alertname]
`);
  const am = await launchAlertmanager([`--config.file=${file}`, `--storage.path=${join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address=', '--log.level=error'], { loadReceivers: false });
  assert.notEqual(typeof am, 'number');
  const h = am as AlertmanagerHandle;
  try {
    await f(`http://${h.addresses[0]!}`, h);
  } finally {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('amtool silence add/query/expire and alert add/query against watchfire alertmanager', { skip: amtool.skip }, async () => {
  await withAlertmanager(async (url) => {
    const u = `--alertmanager.url=${url}`;
    const add = await amtoolRun([u, 'alert', 'add', 'alertname=DiskFull', 'severity=critical', 'team=db', '--annotation=summary=disk is full']);
    assert.equal(add.code, 0, add.stderr);
    assert.equal((await amtoolRun([u, 'alert', 'add', 'alertname=DiskFull', 'severity=warning'])).code, 0);
    const q = await amtoolRun([u, 'alert', 'query']);
    assert.equal(q.code, 0, q.stderr);
    const lines = q.stdout.trim().split('\n');
    assert.match(lines[0]!, /^Alertname\s+Starts At\s+Summary\s+State/);
    assert.equal(lines.length, 2, 'the warning is inhibited: only the critical alert is active');
    assert.match(lines[1]!, /^DiskFull\s+.*disk is full\s+active/);
    const inhibited = await amtoolRun([u, 'alert', 'query', '--inhibited', 'severity=warning', '-o', 'json']);
    const inh = JSON.parse(inhibited.stdout) as { status: { inhibitedBy: string[]; state: string } }[];
    assert.equal(inh.length, 1);
    assert.equal(inh[0]!.status.state, 'suppressed');
    assert.equal(inh[0]!.status.inhibitedBy.length, 1);

    const sil = await amtoolRun([u, 'silence', 'add', 'alertname=DiskFull', 'severity=critical', '-c', 'disk swap', '-a', 'ops', '-d', '2h']);
    assert.equal(sil.code, 0, sil.stderr);
    const id = sil.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    const sq = await amtoolRun([u, 'silence', 'query', '-o', 'extended']);
    assert.match(sq.stdout, new RegExp(`${id}\\s+\\{alertname="DiskFull",severity="critical"\\}\\s+.*ops\\s+disk swap`));
    const ids = await amtoolRun([u, 'silence', 'query', '-q', 'alertname=DiskFull']);
    assert.equal(ids.stdout.trim(), id);
    const silenced = await amtoolRun([u, 'alert', 'query', '--silenced', '-o', 'json']);
    const sa = JSON.parse(silenced.stdout) as { status: { silencedBy: string[] } }[];
    assert.deepEqual(sa.map((a) => a.status.silencedBy), [[id]]);
    assert.equal((await amtoolRun([u, 'silence', 'expire', id])).code, 0);
    assert.equal((await amtoolRun([u, 'silence', 'query', '-q'])).stdout.trim(), '');
    assert.equal((await amtoolRun([u, 'silence', 'query', '-q', '--expired'])).stdout.trim(), id);
    const bad = await amtoolRun([u, 'silence', 'expire', '00000000-0000-0000-0000-000000000000']);
    assert.notEqual(bad.code, 0);
    const st = await amtoolRun([u, 'cluster', 'show']);
    assert.match(st.stdout, /Cluster Status:\s+disabled/);
    // Our own tool against the same service.
    const mine = await ours(['alertmanager', 'silence', 'query', '--expired', u, '-q']);
    assert.equal(mine.stdout.trim(), id);
    const hist = await ours(['alertmanager', 'history', u, '--kind=silenced,inhibited', '-o', 'json', 'alertname=DiskFull']);
    const kinds = (JSON.parse(hist.stdout) as { kind: string }[]).map((e) => e.kind).sort();
    assert.deepEqual(kinds, ['inhibited', 'silenced']);
  });
});
