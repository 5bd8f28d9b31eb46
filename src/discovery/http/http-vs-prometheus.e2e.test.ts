/**
 * Acceptance: Watchfire (in process) and a real Prometheus 2.42 discover targets from the same
 * HTTP SD endpoint; their /api/v1/targets agree on every target's discovered and target
 * labels, after the endpoint's answer changes, and while it fails (both keep the last
 * targets).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerHandle } from '../../cmd/server.js';
import { launchTestServer } from '../../testing/server.js';
import { eventually, freePort, peer, sleep, startPeer, waitReady, type RunningPeer } from '../../testing/peers.js';
import { fetchTargets, poolTargets } from './testing-targets.js';

interface Reply { status: number; body: string }

const FIRST = [
  { targets: ['127.0.0.1:1', 'host-a.invalid:9100'], labels: { env: 'prod', team: 'db', __meta_custom: 'x', __scheme__: 'https' } },
  { targets: ['[::1]:9100'], labels: { instance: 'v6', job: 'overridden' } },
  { targets: ['127.0.0.2:9100'] },
];
const SECOND = [
  { targets: ['127.0.0.1:1'], labels: { env: 'staging' } },
];

test('http SD: Watchfire and Prometheus 2.42 discover the same targets and labels', { timeout: 30_000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  let reply: Reply = { status: 200, body: JSON.stringify(FIRST) };
  const requests: IncomingMessage['headers'][] = [];
  const sd = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.headers);
    res.writeHead(reply.status, { 'Content-Type': 'application/json' });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => { sd.listen(0, '127.0.0.1', resolve); });
  const sdURL = `http://127.0.0.1:${(sd.address() as AddressInfo).port}/targets`;
  const dir = mkdtempSync(join(tmpdir(), 'wf-httpsd-'));
  const procs: RunningPeer[] = [];
  let wf: ServerHandle | undefined;
  try {
    const cfgFile = join(dir, 'prometheus.yml');
    writeFileSync(cfgFile, `global:
  scrape_interval: 1h
scrape_configs:
  - job_name: http
    http_sd_configs:
      - url: ${sdURL}
        refresh_interval: 1s
`);
    const [pp, wp] = [await freePort(), await freePort()];
    procs.push(startPeer(prom.path, [`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${pp}`, `--storage.tsdb.path=${join(dir, 'prom')}`]));
    const started = await launchTestServer([`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${wp}`, '--scrape.discovery-reload-interval=100ms', '--log.level=error']);
    assert.notEqual(typeof started, 'number', 'watchfire started');
    wf = started as ServerHandle;
    const pBase = `http://127.0.0.1:${pp}`, wBase = `http://127.0.0.1:${wp}`;
    await waitReady(`${pBase}/-/ready`, 20000);

    const agreeOn = async (n: number, what: string): Promise<string[]> => {
      let last = '';
      return eventually(async () => {
        const [p, w] = [poolTargets(await fetchTargets(pBase), 'http'), poolTargets(await fetchTargets(wBase), 'http')];
        last = `prometheus:\n${p.join('\n')}\nwatchfire:\n${w.join('\n')}`;
        return p.length === n && JSON.stringify(p) === JSON.stringify(w) ? p : undefined;
      }, 15000, what).catch((e: unknown) => { throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`); });
    };

    const first = await agreeOn(4, 'the first answer on both');
    assert.ok(first.some((s) => s.includes('"__meta_url":"' + sdURL + '"') && s.includes('"__scheme__":"https"')), first.join('\n'));
    const wfReq = requests.find((h) => (h['user-agent'] ?? '').startsWith('Watchfire/'));
    const promReq = requests.find((h) => (h['user-agent'] ?? '').startsWith('Prometheus/'));
    assert.equal(wfReq?.['x-prometheus-refresh-interval-seconds'], promReq?.['x-prometheus-refresh-interval-seconds']);
    assert.equal(wfReq?.['accept'], promReq?.['accept']);

    reply = { status: 200, body: JSON.stringify(SECOND) };
    await agreeOn(1, 'the changed answer on both');

    // A failing endpoint: both keep the last targets.
    reply = { status: 500, body: 'down' };
    const seen = requests.length;
    await eventually(() => (requests.length >= seen + 4 ? true : undefined), 10000, 'refreshes while failing');
    await sleep(1500);
    const kept = await agreeOn(1, 'the last targets kept on both');
    assert.ok(kept[0]!.includes('"env":"staging"'));
    const metrics = await (await fetch(`${wBase}/metrics`)).text();
    assert.match(metrics, /prometheus_sd_http_failures_total [1-9]/);
    assert.match(metrics, /prometheus_sd_refresh_failures_total\{config="http",mechanism="http"\} [1-9]/);
  } finally {
    if (wf !== undefined) await wf.stop();
    await Promise.all(procs.map((p) => p.stop()));
    sd.closeAllConnections();
    await new Promise<void>((resolve) => { sd.close(() => { resolve(); }); });
    rmSync(dir, { recursive: true, force: true });
  }
});
