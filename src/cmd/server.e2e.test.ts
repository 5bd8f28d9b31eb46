/**
 * The server process: start on flags, reload on SIGHUP and /-/reload (a bad new config is
 * rejected and the old one keeps running), stop cleanly on SIGTERM, the embedded default
 * config, and the exit codes for bad flags and bad configs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, startPeer, waitReady, watchfireCommand } from '../testing/peers.js';

const wf = watchfireCommand();

function jobConfig(job: string): string {
  return `global:\n  scrape_interval: 1h\nscrape_configs:\n  - job_name: ${job}\n    static_configs:\n      - targets: ['127.0.0.1:1']\n`;
}

async function pools(base: string): Promise<string[]> {
  const j = await (await fetch(`${base}/api/v1/scrape_pools`)).json() as { data: { scrapePools: string[] } };
  return j.data.scrapePools;
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m === null ? NaN : Number(m[1]);
}

test('reload on SIGHUP and /-/reload; bad configs keep the old one; SIGTERM exits 0', { timeout: 60000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-server-'));
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, jobConfig('first'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const p = startPeer(wf.cmd, [...wf.args, `--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-lifecycle', '--scrape.discovery-reload-interval=100ms']);
  try {
    await waitReady(`${base}/-/ready`);
    assert.deepEqual(await pools(base), ['first']);
    assert.equal(await metric(base, 'prometheus_config_last_reload_successful'), 1);

    writeFileSync(cfg, jobConfig('second'));
    p.proc.kill('SIGHUP');
    await eventually(async () => ((await pools(base)).join() === 'second' ? true : undefined), 10000, 'SIGHUP reload');
    const targets = await (await fetch(`${base}/api/v1/targets`)).json() as { data: { activeTargets: { scrapePool: string }[] } };
    await eventually(async () => {
      const t = await (await fetch(`${base}/api/v1/targets`)).json() as { data: { activeTargets: { scrapePool: string }[] } };
      return t.data.activeTargets.length === 1 && t.data.activeTargets[0]!.scrapePool === 'second' ? true : undefined;
    }, 10000, 'targets of the new config');
    assert.ok(targets.data.activeTargets.length <= 1);

    writeFileSync(cfg, 'scrape_configs:\n  - job_name: third\n    scrape_intervall: 1m\n');
    p.proc.kill('SIGHUP');
    await eventually(async () => ((await metric(base, 'prometheus_config_last_reload_successful')) === 0 ? true : undefined), 10000, 'failed reload reported');
    assert.deepEqual(await pools(base), ['second'], 'old config still running');
    assert.match(p.output(), /Error reloading config.*line 3.*scrape_intervall/);

    const bad = await fetch(`${base}/-/reload`, { method: 'POST' });
    assert.equal(bad.status, 500);
    assert.match(await bad.text(), /scrape_intervall/);
    const ri = await (await fetch(`${base}/api/v1/status/runtimeinfo`)).json() as { data: { reloadConfigSuccess: boolean } };
    assert.equal(ri.data.reloadConfigSuccess, false);

    writeFileSync(cfg, jobConfig('fourth'));
    assert.equal((await fetch(`${base}/-/reload`, { method: 'POST' })).status, 200);
    await eventually(async () => ((await pools(base)).join() === 'fourth' ? true : undefined), 10000, '/-/reload');
    assert.equal(await metric(base, 'prometheus_config_last_reload_successful'), 1);
    const status = await (await fetch(`${base}/api/v1/status/config`)).json() as { data: { yaml: string } };
    assert.match(status.data.yaml, /job_name: fourth/);

    const exited = new Promise<number | null>((r) => { p.proc.once('exit', (code) => { r(code); }); });
    p.proc.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(p.output(), /See you next time!/);
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a discovery mechanism first used by a reload is loaded then and finds its targets', { timeout: 40000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-lazy-sd-'));
  const sd = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify([{ targets: ['127.0.0.1:2', '127.0.0.1:3'], labels: { source: 'http' } }]));
  });
  await new Promise<void>((r) => { sd.listen(0, '127.0.0.1', r); });
  const sdURL = `http://127.0.0.1:${(sd.address() as AddressInfo).port}/sd`;
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, jobConfig('static'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const p = startPeer(wf.cmd, [...wf.args, `--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-lifecycle', '--scrape.discovery-reload-interval=100ms']);
  try {
    await waitReady(`${base}/-/ready`);
    writeFileSync(cfg, `${jobConfig('static')}  - job_name: discovered\n    scrape_interval: 1h\n    http_sd_configs:\n      - url: ${sdURL}\n`);
    assert.equal((await fetch(`${base}/-/reload`, { method: 'POST' })).status, 200);
    const found = await eventually(async () => {
      const t = await (await fetch(`${base}/api/v1/targets`)).json() as { data: { activeTargets: { scrapePool: string; labels: Record<string, string> }[] } };
      const d = t.data.activeTargets.filter((x) => x.scrapePool === 'discovered');
      return d.length === 2 ? d : undefined;
    }, 15000, 'the http_sd targets');
    assert.deepEqual(found.map((x) => x.labels['instance']).sort(), ['127.0.0.1:2', '127.0.0.1:3']);
    assert.ok(found.every((x) => x.labels['source'] === 'http'));
    assert.equal(await metric(base, 'prometheus_sd_failed_configs{name="scrape"}'), 0);
  } finally {
    await p.stop();
    sd.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with no config file the embedded default config scrapes the server itself', { timeout: 40000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-embedded-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const p = startPeer(wf.cmd, [...wf.args, `--web.listen-address=127.0.0.1:${port}`, '--scrape.discovery-reload-interval=100ms'], { cwd: dir });
  try {
    await waitReady(`${base}/-/ready`);
    assert.match(p.output(), /embedded default configuration/);
    const up = await eventually(async () => {
      const t = await (await fetch(`${base}/api/v1/targets`)).json() as { data: { activeTargets: { scrapePool: string; scrapeUrl: string; health: string }[] } };
      const self = t.data.activeTargets[0];
      return self !== undefined && self.health === 'up' ? self : undefined;
    }, 30000, 'the self-scrape to succeed');
    assert.equal(up.scrapePool, 'prometheus');
    assert.equal(up.scrapeUrl, `http://localhost:${port}/metrics`);
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad flags and bad config files are rejected at start with their exit codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-badstart-'));
  try {
    let r = spawnSync(wf.cmd, [...wf.args, '--no-such-flag'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown long flag '--no-such-flag'/);
    r = spawnSync(wf.cmd, [...wf.args, '--query.timeout=soon'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /invalid value "soon" for flag '--query.timeout'/);
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'global:\n  scrape_interval: 1m\n  scrape_timeout: 2m\n');
    r = spawnSync(wf.cmd, [...wf.args, `--config.file=${bad}`, '--web.listen-address=127.0.0.1:0'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Error loading config.*bad\.yml/);
    r = spawnSync(wf.cmd, [...wf.args, `--config.file=${join(dir, 'missing.yml')}`], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2);
    r = spawnSync(wf.cmd, [...wf.args, '--help'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /web\.enable-lifecycle/);
    assert.match(r.stdout, /tool/);
    r = spawnSync(wf.cmd, [...wf.args, '--version'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^watchfire, version /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});


test('--config.auto-reload reloads when a rule file changes, retries a bad one, and keeps the old rules meanwhile', { timeout: 60000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-auto-reload-'));
  const cfg = join(dir, 'prometheus.yml');
  const rules = join(dir, 'rules.yml');
  const group = (name: string): string => `groups:\n  - name: ${name}\n    rules:\n      - record: x\n        expr: vector(1)\n`;
  writeFileSync(cfg, 'global:\n  evaluation_interval: 1h\nrule_files: [rules.yml]\n');
  writeFileSync(rules, group('first'));
  const port = await freePort();
  const p = startPeer(wf.cmd, [...wf.args, `--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--config.auto-reload', '--config.auto-reload-interval=1s']);
  const base = `http://127.0.0.1:${port}`;
  const groups = async (): Promise<string> => {
    const j = await (await fetch(`${base}/api/v1/rules`)).json() as { data: { groups: { name: string }[] } };
    return j.data.groups.map((g) => g.name).join();
  };
  try {
    await waitReady(`${base}/-/ready`);
    assert.equal(await groups(), 'first');
    writeFileSync(rules, group('second'));
    await eventually(async () => ((await groups()) === 'second' ? true : undefined), 15000, 'rule file change picked up');
    assert.match(p.output(), /Configuration file change detected, reloading the configuration/);
    // A broken rule file: the reload fails and is tried again at each check; the old rules stay.
    writeFileSync(rules, 'groups:\n  - name: [\n');
    await eventually(async () => ((await metric(base, 'prometheus_config_last_reload_successful')) === 0 ? true : undefined), 15000, 'failed reload reported');
    const failures = (): number => p.output().split('Error reloading config').length - 1;
    const n = failures();
    await eventually(() => (failures() > n ? true : undefined), 15000, 'retried at the next check');
    assert.equal(await groups(), 'second');
    writeFileSync(rules, group('third'));
    await eventually(async () => ((await groups()) === 'third' ? true : undefined), 15000, 'fixed rule file picked up');
    assert.equal(await metric(base, 'prometheus_config_last_reload_successful'), 1);
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
