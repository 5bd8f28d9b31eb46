/**
 * Acceptance: federation both ways with a real Prometheus 2.42.
 * (a) Prometheus federates `{job="x"}` from Watchfire (which scrapes a small local target):
 *     it ends up with the same series, and every sample it took is one Watchfire holds.
 * (b) Watchfire federates `{job="prometheus"}` from Prometheus (which scrapes itself): the
 *     series Watchfire stores are Prometheus's series, with Prometheus's values at the same
 *     timestamps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, type Millis } from '../model/index.js';
import { ValueType, type Queryable } from '../storage/index.js';
import { eventually, freePort, peer, sleep, startPeer, waitReady, type RunningPeer } from '../testing/peers.js';
import type { ServerHandle } from '../cmd/server.js';
import { launchTestServer } from '../testing/server.js';

/** Series key → samples (t → value) as one side holds them. */
type Samples = Map<string, Map<number, number>>;

function key(o: Record<string, string>): string {
  return Labels.fromObject(o).toString();
}

/** Every sample of the series matching `job` in Watchfire's storage over the last `rangeMs`. */
async function watchfireSamples(q: Queryable, job: string, rangeMs: number): Promise<Samples> {
  const now = Date.now();
  const querier = await q.querier((now - rangeMs) as Millis, (now + 1000) as Millis);
  const out: Samples = new Map();
  try {
    const ss = await querier.select(true, null, [new Matcher('=', 'job', job)]);
    while (ss.next()) {
      const s = ss.at();
      const m = new Map<number, number>();
      const it = s.iterator(null);
      for (let v = it.next(); v !== ValueType.None; v = it.next()) if (v === ValueType.Float && !it.atStale()) m.set(it.atT(), it.atF());
      if (m.size > 0) out.set(s.labels.toString(), m);
    }
  } finally {
    await querier.close();
  }
  return out;
}

interface MatrixResult { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } }

/** Raw samples of Prometheus over the last `range` (a range-vector query), in ms. */
async function prometheusSamples(base: string, selector: string, range: string): Promise<Samples> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(`${selector}[${range}]`)}`);
  const j = await r.json() as MatrixResult;
  const out: Samples = new Map();
  for (const s of j.data.result) out.set(key(s.metric), new Map(s.values.map(([t, v]) => [Math.round(t * 1000), Number(v)])));
  return out;
}

function same(a: number, b: number | undefined): boolean {
  return b !== undefined && (a === b || (Number.isNaN(a) && Number.isNaN(b)));
}

const TARGET = `# HELP demo_requests_total Requests.
# TYPE demo_requests_total counter
demo_requests_total{code="200",path="/a"} 1027
demo_requests_total{code="500",path="/b"} 3
# TYPE demo_temperature gauge
demo_temperature{room="kitchen \\"north\\"",note="back\\\\slash"} 21.5
demo_temperature{room="Björn's 佖佥",note="line\\nbreak"} -3.25e-7
# TYPE demo_latency_seconds histogram
demo_latency_seconds_bucket{le="0.1"} 5
demo_latency_seconds_bucket{le="1"} 9
demo_latency_seconds_bucket{le="+Inf"} 10
demo_latency_seconds_sum 4.5
demo_latency_seconds_count 10
demo_untyped 1e+21
`;

async function serveTarget(): Promise<Server> {
  const srv = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(TARGET);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return srv;
}

test('a real Prometheus federates from Watchfire: same series, samples Watchfire holds', { timeout: 30000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-fed-a-'));
  const target = await serveTarget();
  const ports = { wf: await freePort(), prom: await freePort(), target: (target.address() as AddressInfo).port };
  let wf: ServerHandle | undefined;
  let p: RunningPeer | undefined;
  try {
    const wfCfg = join(dir, 'watchfire.yml');
    writeFileSync(wfCfg, `global: { scrape_interval: 1s, scrape_timeout: 900ms }
scrape_configs:
  - job_name: x
    static_configs: [{ targets: ['127.0.0.1:${ports.target}'] }]
`);
    const started = await launchTestServer([`--config.file=${wfCfg}`, `--web.listen-address=127.0.0.1:${ports.wf}`, '--scrape.discovery-reload-interval=100ms', '--log.level=warn']);
    assert.notEqual(typeof started, 'number', 'watchfire started');
    wf = started as ServerHandle;
    const promCfg = join(dir, 'prometheus.yml');
    writeFileSync(promCfg, `global: { scrape_interval: 1s, scrape_timeout: 900ms }
scrape_configs:
  - job_name: federate
    honor_labels: true
    metrics_path: /federate
    params: { 'match[]': ['{job="x"}'] }
    static_configs: [{ targets: ['127.0.0.1:${ports.wf}'] }]
`);
    p = startPeer(prom.path, [`--config.file=${promCfg}`, `--web.listen-address=127.0.0.1:${ports.prom}`, `--storage.tsdb.path=${join(dir, 'prom')}`]);
    const pBase = `http://127.0.0.1:${ports.prom}`;
    await waitReady(`${pBase}/-/ready`, 15000).catch((e: unknown) => { throw new Error(`${String(e)}\n${p?.output().slice(-3000) ?? ''}`); });
    let last = '';
    await eventually(async () => {
      const theirs = await prometheusSamples(pBase, '{job="x"}', '1m');
      const ours = await watchfireSamples(wf!.storage, 'x', 5 * 60_000);
      const series = await fetch(`${pBase}/api/v1/series?match[]=${encodeURIComponent('{job="x"}')}`);
      const names = new Set(((await series.json()) as { data: Record<string, string>[] }).data.map(key));
      const problems: string[] = [];
      // The target's 10 series and the 5 of Watchfire's scrape of it.
      if (ours.size !== 15) problems.push(`watchfire holds ${ours.size} series of job x, expected 15`);
      const ourKeys = [...ours.keys()].sort(), theirKeys = [...names].sort();
      if (JSON.stringify(ourKeys) !== JSON.stringify(theirKeys)) problems.push(`series differ: watchfire ${ourKeys.length}, prometheus ${theirKeys.length}: ${ourKeys.filter((k) => !names.has(k)).concat(theirKeys.filter((k) => !ours.has(k))).join(' ')}`);
      let samples = 0, latestOK = 0;
      for (const [k, m] of theirs) {
        const w = ours.get(k);
        if (w === undefined) continue;
        let newest = -1;
        for (const [ts, v] of m) {
          samples++;
          if (!same(v, w.get(ts))) problems.push(`${k} @${ts}: prometheus ${v}, watchfire ${String(w.get(ts))}`);
          newest = Math.max(newest, ts);
        }
        // Prometheus's newest sample is at most a couple of scrapes behind Watchfire's.
        if (Math.max(...w.keys()) - newest <= 3000) latestOK++;
      }
      if (latestOK !== ours.size) problems.push(`latest samples caught up for ${latestOK} of ${ours.size} series`);
      if (samples < 3 * ours.size) problems.push(`only ${samples} samples federated so far`);
      last = problems.slice(0, 10).join('\n');
      if (problems.length > 0) { await sleep(500); return undefined; }
      return `${ours.size} series, ${samples} federated samples equal to Watchfire's`;
    }, 22000, 'Prometheus to federate Watchfire\'s series').then((msg) => { process.stderr.write(msg + '\n'); }, (e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}\n${p?.output().slice(-2000) ?? ''}`);
    });
  } finally {
    if (wf !== undefined) await wf.stop();
    if (p !== undefined) await p.stop();
    await new Promise<void>((resolve) => target.close(() => { resolve(); }));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Watchfire federates from a real Prometheus: Prometheus\'s series and values', { timeout: 30000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-fed-b-'));
  const ports = { wf: await freePort(), prom: await freePort() };
  let wf: ServerHandle | undefined;
  let p: RunningPeer | undefined;
  try {
    const promCfg = join(dir, 'prometheus.yml');
    writeFileSync(promCfg, `global: { scrape_interval: 1s, scrape_timeout: 900ms }
scrape_configs:
  - job_name: prometheus
    static_configs: [{ targets: ['127.0.0.1:${ports.prom}'] }]
`);
    p = startPeer(prom.path, [`--config.file=${promCfg}`, `--web.listen-address=127.0.0.1:${ports.prom}`, `--storage.tsdb.path=${join(dir, 'prom')}`]);
    const pBase = `http://127.0.0.1:${ports.prom}`;
    await waitReady(`${pBase}/-/ready`, 15000);
    const wfCfg = join(dir, 'watchfire.yml');
    writeFileSync(wfCfg, `global: { scrape_interval: 1s, scrape_timeout: 900ms }
scrape_configs:
  - job_name: federate
    honor_labels: true
    metrics_path: /federate
    params: { 'match[]': ['{job="prometheus"}'] }
    static_configs: [{ targets: ['127.0.0.1:${ports.prom}'] }]
`);
    const started = await launchTestServer([`--config.file=${wfCfg}`, `--web.listen-address=127.0.0.1:${ports.wf}`, '--scrape.discovery-reload-interval=100ms', '--log.level=warn']);
    assert.notEqual(typeof started, 'number', 'watchfire started');
    wf = started as ServerHandle;
    let last = '';
    await eventually(async () => {
      const ours = await watchfireSamples(wf!.storage, 'prometheus', 5 * 60_000);
      // What Prometheus's /federate selects: series with a non-stale sample in the lookback window.
      const r = await fetch(`${pBase}/api/v1/query?query=${encodeURIComponent('{job="prometheus"}')}`);
      const live = new Set(((await r.json()) as { data: { result: { metric: Record<string, string> }[] } }).data.result.map((s) => key(s.metric)));
      const theirs = await prometheusSamples(pBase, '{job="prometheus"}', '2m');
      const problems: string[] = [];
      if (live.size < 100) problems.push(`prometheus has only ${live.size} series of its own yet`);
      const missing = [...live].filter((k) => !ours.has(k));
      const extra = [...ours.keys()].filter((k) => !live.has(k));
      if (missing.length > 0 || extra.length > 0) problems.push(`series differ (${ours.size} in watchfire, ${live.size} in prometheus): missing ${missing.slice(0, 5).join(' ')} extra ${extra.slice(0, 5).join(' ')}`);
      let samples = 0;
      for (const [k, m] of ours) {
        const pm = theirs.get(k);
        for (const [ts, v] of m) {
          samples++;
          if (!same(v, pm?.get(ts))) problems.push(`${k} @${ts}: watchfire ${v}, prometheus ${String(pm?.get(ts))}`);
        }
      }
      if (samples < 2 * ours.size) problems.push(`only ${samples} samples federated so far`);
      last = problems.slice(0, 10).join('\n');
      if (problems.length > 0) { await sleep(500); return undefined; }
      return `${ours.size} series, ${samples} samples equal to Prometheus's at the same timestamps`;
    }, 22000, 'Watchfire to federate Prometheus\'s series').then((msg) => { process.stderr.write(msg + '\n'); }, (e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`);
    });
  } finally {
    if (wf !== undefined) await wf.stop();
    if (p !== undefined) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
