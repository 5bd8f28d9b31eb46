/**
 * The `watchfire alertmanager` process: reload on SIGHUP and POST /-/reload (a bad config is
 * refused, the old one keeps running, the metric says so), SIGTERM then a restart on the same
 * --storage.path loses no silence and sends no duplicate notification (a local webhook sink
 * counts them), and the exit codes of bad flags, bad configs and clustering with peers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startPeer, waitReady, watchfireCommand } from '../testing/peers.js';

const wf = watchfireCommand();

function config(sink: string, groupWait = '1s'): string {
  return `route:
  receiver: hook
  group_by: [alertname]
  group_wait: ${groupWait}
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${sink}
`;
}

/** Runs `check` until it stops throwing or the deadline passes (then its last error is thrown). */
async function retry(check: () => void | Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => { setTimeout(r, 100); });
  }
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = new RegExp(`^${name.replace(/[{}"]/g, (c) => '\\' + c)} (\\S+)$`, 'm').exec(text);
  return m === null ? NaN : Number(m[1]);
}

async function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

test('watchfire alertmanager: reload by SIGHUP and /-/reload, restart without losing silences or repeating notifications', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-proc-'));
  let received = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => { received++; res.writeHead(200); res.end(); });
  });
  await new Promise<void>((r) => { sink.listen(0, '127.0.0.1', r); });
  const sinkAddr = sink.address();
  const sinkURL = `http://127.0.0.1:${typeof sinkAddr === 'object' && sinkAddr !== null ? sinkAddr.port : 0}/`;
  const cfg = join(dir, 'alertmanager.yml');
  writeFileSync(cfg, config(sinkURL));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = [...wf.args, 'alertmanager', `--config.file=${cfg}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='];
  let p = startPeer(wf.cmd, args);
  try {
    await waitReady(`${base}/-/ready`);
    assert.equal(await (await fetch(`${base}/-/healthy`)).text(), 'OK');
    const firing = [{ labels: { alertname: 'Disk' }, startsAt: new Date(Date.now() - 60_000).toISOString() }];
    assert.equal((await post(base, '/api/v2/alerts', firing)).status, 200);
    const now = Date.now();
    const sil = await (await post(base, '/api/v2/silences', {
      matchers: [{ name: 'alertname', value: 'Quiet', isRegex: false }], startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(), createdBy: 'ops', comment: 'kept',
    })).json() as { silenceID: string };
    await retry(() => { assert.equal(received, 1); }, 20_000);

    // Reload: a bad file is refused (500, metric 0), the running config stays; SIGHUP applies a good one.
    writeFileSync(cfg, 'route: {receiver: nope}\nreceivers: [{name: hook}]\n');
    const r = await fetch(`${base}/-/reload`, { method: 'POST' });
    assert.equal(r.status, 500);
    assert.match(await r.text(), /^failed to reload config: .*undefined receiver "nope" used in route/);
    assert.equal(await metric(base, 'alertmanager_config_last_reload_successful'), 0);
    assert.equal((await fetch(`${base}/-/reload`)).status, 405);
    writeFileSync(cfg, config(sinkURL) + '  - name: spare\n');
    p.proc.kill('SIGHUP');
    await retry(async () => {
      assert.equal(await metric(base, 'alertmanager_config_last_reload_successful'), 1);
      const rs = await (await fetch(`${base}/api/v2/receivers`)).json() as { name: string }[];
      assert.deepEqual(rs.map((x) => x.name), ['hook', 'spare']);
    }, 20_000);

    // SIGTERM writes the snapshots; a new process on the same storage path keeps the silence and the log.
    p.proc.kill('SIGTERM');
    const code = await new Promise<number | null>((res) => { p.proc.once('exit', (c) => { res(c); }); });
    assert.equal(code, 0);
    p = startPeer(wf.cmd, args);
    await waitReady(`${base}/-/ready`);
    const sils = await (await fetch(`${base}/api/v2/silences`)).json() as { id: string; comment: string }[];
    assert.deepEqual(sils.map((s) => [s.id, s.comment]), [[sil.silenceID, 'kept']]);
    assert.equal((await post(base, '/api/v2/alerts', firing)).status, 200);
    await retry(async () => {
      const groups = await (await fetch(`${base}/api/v2/alerts/groups`)).json() as unknown[];
      assert.equal(groups.length, 1);
    }, 10_000);
    // Two flushes ran the dedup stage (flushes never overlap, so the first one is over): the
    // resent alert was not notified again.
    await retry(async () => { assert.ok(await metric(base, 'alertmanager_nflog_queries_total') >= 2); }, 20_000);
    assert.equal(received, 1, 'no duplicate notification after the restart');
    const hist = await (await fetch(`${base}/api/v2/history?filter=alertname%3DDisk&kind=notified`)).json() as { receiver: string }[];
    assert.equal(hist.length, 1, 'the history kept the notification made before the restart');
  } finally {
    await p.stop();
    await new Promise<void>((r) => { sink.close(() => { r(); }); });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('watchfire alertmanager: exit codes and messages for bad flags, configs and peers; --help lists the flags', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-flags-'));
  try {
    const run = (...a: string[]) => spawnSync(wf.cmd, [...wf.args, 'alertmanager', ...a], { encoding: 'utf8', timeout: 20_000 });
    let r = run('--no-such-flag');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown long flag '--no-such-flag'/);
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'route: {}\n');
    r = run(`--config.file=${bad}`, `--storage.path=${join(dir, 'd')}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address=');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /root route must specify a default receiver/);
    r = run(`--config.file=${join(dir, 'missing.yml')}`, `--storage.path=${join(dir, 'd')}`, '--web.listen-address=127.0.0.1:0');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no such file or directory/);
    r = run('--cluster.peer=10.0.0.1:9094', `--storage.path=${join(dir, 'd')}`);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /clustering \(HA\) is not supported/);
    r = run('--help');
    assert.equal(r.status, 0);
    for (const f of ['--config.file="alertmanager.yml"', '--storage.path="data/"', '--data.retention="120h"', '--data.maintenance-interval="15m"', '--alerts.gc-interval="30m"',
      '--web.listen-address=', '--web.external-url=', '--web.route-prefix=', '--web.get-concurrency="0"', '--web.timeout="0s"', '--cluster.listen-address="0.0.0.0:9094"',
      '--cluster.peer=', '--log.level="info"', '--log.format="logfmt"', '--history.retention="0s"']) {
      assert.ok(r.stdout.includes(f), `--help lists ${f}`);
    }
    r = run('--version');
    assert.match(r.stdout, /^watchfire alertmanager, version /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
