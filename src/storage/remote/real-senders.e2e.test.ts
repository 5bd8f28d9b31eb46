/**
 * Real remote-write senders writing to Watchfire's receiver (in process, started as the CLI
 * does with `--web.enable-remote-write-receiver`):
 *
 * (a) Prometheus 2.42 scrapes itself every second and remote-writes to Watchfire; every series
 *     it has for `{job="prometheus"}` is in Watchfire with exactly the same samples, over the
 *     window both have seen, and Prometheus reports no failed samples or metadata.
 * (b) vmagent scrapes a small target served by this test (whose values encode the scrape
 *     number) and remote-writes to Watchfire; every series arrives with the exact values the
 *     target served, scrape by scrape. (No -0 in it: vmagent's own parser turns it into 0.)
 *
 * Skipped when the programs are absent (fails with WATCHFIRE_REQUIRE_PEERS=1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../model/index.js';
import type { ServerHandle } from '../../cmd/server.js';
import { launchTestServer } from '../../testing/server.js';
import { eventually, freePort, peer, sleep, startPeer, waitReady, type RunningPeer } from '../../testing/peers.js';
import { dumpStorage } from './test-support.js';

/** Starts Watchfire with the receiver on and nothing to scrape. */
async function startWatchfire(dir: string, port: number): Promise<ServerHandle> {
  const cfg = join(dir, 'watchfire.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 1m\n');
  const h = await launchTestServer([`--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--log.level=error']);
  assert.notEqual(typeof h, 'number', 'watchfire started');
  return h as ServerHandle;
}

/** Float samples (stale markers left out) of every series, by label text. */
async function watchfireSeries(h: ServerHandle): Promise<Map<string, [number, number][]>> {
  const out = new Map<string, [number, number][]>();
  for (const [k, rows] of await dumpStorage(h.storage)) {
    out.set(k, rows.filter((r): r is [number, number] => typeof r[1] === 'number'));
  }
  return out;
}

function promFloat(s: string): number {
  return s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);
}

async function promQuery(base: string, q: string, timeSec: number): Promise<{ metric: Record<string, string>; values?: [number, string][]; value?: [number, string] }[]> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${timeSec}`);
  const j = await r.json() as { status: string; data: { result: { metric: Record<string, string>; values?: [number, string][]; value?: [number, string] }[] } };
  assert.equal(j.status, 'success');
  return j.data.result;
}

function sameSamples(a: readonly [number, number][], b: readonly [number, number][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || !Object.is(a[i]![1], b[i]![1])) return false;
  return true;
}

test('Prometheus 2.42 remote-writes to Watchfire: same series, same samples', { timeout: 30000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-rw-prom-'));
  const ports = { wf: await freePort(), prom: await freePort() };
  let wf: ServerHandle | undefined;
  let p: RunningPeer | undefined;
  try {
    wf = await startWatchfire(dir, ports.wf);
    const cfg = join(dir, 'prometheus.yml');
    writeFileSync(cfg, `global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: prometheus
    static_configs: [{ targets: ['127.0.0.1:${ports.prom}'] }]
remote_write:
  - url: http://127.0.0.1:${ports.wf}/api/v1/write
    queue_config: { batch_send_deadline: 200ms, min_backoff: 10ms, max_backoff: 100ms }
    metadata_config: { send_interval: 1s }
`);
    p = startPeer(prom.path, [`--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${ports.prom}`, `--storage.tsdb.path=${join(dir, 'data')}`]);
    const base = `http://127.0.0.1:${ports.prom}`;
    await waitReady(`${base}/-/ready`, 15000);

    let last = '';
    await eventually(async () => {
      const got = await watchfireSeries(wf!);
      const up = got.get(Labels.fromObject({ __name__: 'up', instance: `127.0.0.1:${ports.prom}`, job: 'prometheus' }).toString()) ?? [];
      if (up.length < 5) { last = `watchfire has ${up.length} samples of up`; await sleep(300); return undefined; }
      // The window both have seen: from Watchfire's first `up` to two scrapes before its last
      // (later samples may still be on their way).
      const from = up[0]![0], to = up[up.length - 1]![0] - 2000;
      const res = await promQuery(base, `{job="prometheus"}[${to - from + 1}ms]`, to / 1000);
      const problems: string[] = [];
      const seen = new Set<string>();
      for (const s of res) {
        const key = Labels.fromObject(s.metric).toString();
        seen.add(key);
        const want = (s.values ?? []).map(([ts, v]) => [Math.round(ts * 1000), promFloat(v)] as [number, number]);
        const have = (got.get(key) ?? []).filter(([ts]) => ts >= from && ts <= to);
        if (!sameSamples(have, want)) problems.push(`${key}: watchfire ${JSON.stringify(have.slice(0, 4))}… (${have.length}), prometheus ${JSON.stringify(want.slice(0, 4))}… (${want.length})`);
      }
      for (const [key, rows] of got) {
        if (!seen.has(key) && rows.some(([ts]) => ts >= from && ts <= to)) problems.push(`${key}: only in watchfire`);
      }
      last = `${res.length} series compared over ${to - from} ms; ${problems.length} differ:\n${problems.slice(0, 5).join('\n')}`;
      if (problems.length > 0 || res.length < 100) { await sleep(500); return undefined; }
      return true;
    }, 20000, 'Watchfire to hold what Prometheus sent').catch((e: unknown) => { throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`); });
    process.stderr.write(`prometheus → watchfire: ${last.split(';')[0]!}\n`);

    const failed = await promQuery(base, 'sum(prometheus_remote_storage_samples_failed_total) + sum(prometheus_remote_storage_metadata_failed_total)', Date.now() / 1000);
    assert.equal(failed[0]?.value?.[1], '0', 'Prometheus counted no failed samples or metadata');
    const meta = await promQuery(base, 'sum(prometheus_remote_storage_metadata_total)', Date.now() / 1000);
    assert.ok(Number(meta[0]?.value?.[1]) > 0, 'metadata requests were sent (and accepted)');
  } finally {
    await p?.stop();
    await wf?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A target whose every value encodes the number of the scrape that produced it. */
function smallTarget(): { server: Server; scrapes: () => number } {
  let n = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') { res.writeHead(404).end(); return; }
    n++;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`# HELP rw_requests_total Requests.
# TYPE rw_requests_total counter
rw_requests_total{code="200",path="/a b"} ${n}
rw_requests_total{code="500",path="/ü \\"q\\""} ${2 * n}
# TYPE rw_temperature gauge
rw_temperature{room="x"} ${n * 0.25 - 3}
rw_special{v="inf"} +Inf
rw_special{v="-inf"} -Inf
rw_special{v="tiny"} 1e-300
rw_special{v="big"} 1.7976931348623157e+308
# TYPE rw_latency histogram
rw_latency_bucket{le="0.1"} ${n}
rw_latency_bucket{le="+Inf"} ${2 * n}
rw_latency_sum ${0.5 * n}
rw_latency_count ${2 * n}
`);
  });
  return { server, scrapes: () => n };
}

test('vmagent remote-writes to Watchfire: every served value arrives, scrape by scrape', { timeout: 30000 }, async (t) => {
  const vm = peer('vmagent');
  if (vm.skip !== false) { t.skip(vm.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-rw-vmagent-'));
  const ports = { wf: await freePort(), vm: await freePort(), target: await freePort() };
  const target = smallTarget();
  let wf: ServerHandle | undefined;
  let agent: RunningPeer | undefined;
  try {
    await new Promise<void>((r) => target.server.listen(ports.target, '127.0.0.1', r));
    wf = await startWatchfire(dir, ports.wf);
    const cfg = join(dir, 'scrape.yml');
    writeFileSync(cfg, `scrape_configs:
  - job_name: small
    scrape_interval: 1s
    static_configs: [{ targets: ['127.0.0.1:${ports.target}'] }]
`);
    agent = startPeer(vm.path, [
      `-promscrape.config=${cfg}`, `-remoteWrite.url=http://127.0.0.1:${ports.wf}/api/v1/write`, `-remoteWrite.tmpDataPath=${join(dir, 'vmagent')}`,
      `-httpListenAddr=127.0.0.1:${ports.vm}`, '-remoteWrite.flushInterval=200ms', '-loggerLevel=ERROR',
    ]);
    const inst = `127.0.0.1:${ports.target}`;
    const key = (name: string, extra: Record<string, string> = {}): string => Labels.fromObject({ __name__: name, instance: inst, job: 'small', ...extra }).toString();
    // Each expected series and its value at scrape k.
    const expected = new Map<string, (k: number) => number>([
      [key('rw_requests_total', { code: '200', path: '/a b' }), (k) => k],
      [key('rw_requests_total', { code: '500', path: '/ü "q"' }), (k) => 2 * k],
      [key('rw_temperature', { room: 'x' }), (k) => k * 0.25 - 3],
      [key('rw_special', { v: 'inf' }), () => Infinity],
      [key('rw_special', { v: '-inf' }), () => -Infinity],
      [key('rw_special', { v: 'tiny' }), () => 1e-300],
      [key('rw_special', { v: 'big' }), () => 1.7976931348623157e308],
      [key('rw_latency_bucket', { le: '0.1' }), (k) => k],
      [key('rw_latency_bucket', { le: '+Inf' }), (k) => 2 * k],
      [key('rw_latency_sum'), (k) => 0.5 * k],
      [key('rw_latency_count'), (k) => 2 * k],
      [key('up'), () => 1],
    ]);
    let last = '';
    await eventually(async () => {
      const got = await watchfireSeries(wf!);
      const scrapeNo = new Map<number, number>();
      for (const [ts, v] of got.get(key('rw_requests_total', { code: '200', path: '/a b' })) ?? []) scrapeNo.set(ts, v);
      if (scrapeNo.size < 4) { last = `${scrapeNo.size} scrapes arrived`; await sleep(300); return undefined; }
      const problems: string[] = [];
      const ks = [...scrapeNo.values()];
      for (let i = 1; i < ks.length; i++) if (ks[i]! <= ks[i - 1]!) problems.push(`scrape numbers not increasing: ${ks.join(',')}`);
      for (const [k, f] of expected) {
        const rows = got.get(k);
        if (rows === undefined) { problems.push(`${k}: missing`); continue; }
        for (const [ts, v] of rows) {
          const no = scrapeNo.get(ts);
          if (no === undefined) problems.push(`${k}: sample at ${ts} from no known scrape`);
          else if (!Object.is(v, f(no))) problems.push(`${k} at scrape ${no}: ${v}, served ${f(no)}`);
        }
      }
      const ours = [...got.keys()].filter((k) => k.includes('rw_'));
      if (ours.length !== expected.size - 1) problems.push(`series of the target: ${ours.join(' ')}`);
      last = `${ours.length} target series over ${scrapeNo.size} scrapes (target served ${target.scrapes()}); problems:\n${problems.slice(0, 5).join('\n')}`;
      return problems.length === 0 ? true : undefined;
    }, 20000, 'the scrapes vmagent sent').catch((e: unknown) => { throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`); });
    process.stderr.write(`vmagent → watchfire: ${last.split(';')[0]!}\n`);
  } finally {
    await agent?.stop();
    await wf?.stop();
    await new Promise<void>((r) => target.server.close(() => { r(); }));
    rmSync(dir, { recursive: true, force: true });
  }
});
