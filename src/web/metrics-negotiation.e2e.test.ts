/**
 * `/metrics` in both exposition formats with real scrapers: Watchfire scrapes its own
 * `/metrics` once as text and once as protobuf (`scrape_protocols`), and a real Prometheus
 * with native histograms on (which asks for protobuf first) scrapes it too. Every scrape is
 * up, and all three count the same samples per scrape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matcher, type Millis } from '../model/index.js';
import { ValueType, type Queryable } from '../storage/index.js';
import { eventually, freePort, peer, sleep, startPeer, waitReady, type RunningPeer } from '../testing/peers.js';
import type { ServerHandle } from '../cmd/server.js';
import { launchTestServer } from '../testing/server.js';
import { acceptHeader } from '../textparse/index.js';

function config(wf: number): string {
  return `global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: text
    scrape_protocols: [PrometheusText0.0.4]
    static_configs: [{ targets: ['127.0.0.1:${wf}'] }]
  - job_name: proto
    scrape_protocols: [PrometheusProto]
    static_configs: [{ targets: ['127.0.0.1:${wf}'] }]
`;
}

async function lastValue(q: Queryable, name: string, job: string): Promise<number | undefined> {
  const now = Date.now();
  const querier = await q.querier((now - 60_000) as Millis, (now + 1000) as Millis);
  try {
    const ss = await querier.select(false, null, [new Matcher('=', '__name__', name), new Matcher('=', 'job', job)]);
    if (!ss.next()) return undefined;
    const it = ss.at().iterator(null);
    let v: number | undefined;
    while (it.next() !== ValueType.None) v = it.atF();
    return v;
  } finally {
    await querier.close();
  }
}

async function prometheusValue(base: string, query: string): Promise<number | undefined> {
  const j = await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`)).json() as { data: { result: { value: [number, string] }[] } };
  const r = j.data.result[0];
  return r === undefined ? undefined : Number(r.value[1]);
}

test('/metrics as text and as protobuf: Watchfire and a real Prometheus scrape the same samples', { timeout: 60000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-metrics-fmt-'));
  const ports = { wf: await freePort(), prom: await freePort() };
  const procs: RunningPeer[] = [];
  let wf: ServerHandle | undefined;
  try {
    const cfgFile = join(dir, 'scrape.yml');
    writeFileSync(cfgFile, config(ports.wf));
    const promCfg = join(dir, 'prom.yml');
    writeFileSync(promCfg, `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n  - job_name: watchfire\n    static_configs: [{ targets: ['127.0.0.1:${ports.wf}'] }]\n`);
    const started = await launchTestServer([`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${ports.wf}`, '--scrape.discovery-reload-interval=100ms', '--log.level=warn']);
    assert.notEqual(typeof started, 'number', 'watchfire started');
    wf = started as ServerHandle;
    procs.push(startPeer(prom.path, [`--config.file=${promCfg}`, `--web.listen-address=127.0.0.1:${ports.prom}`, `--storage.tsdb.path=${join(dir, 'prom')}`, '--enable-feature=native-histograms']));
    const pBase = `http://127.0.0.1:${ports.prom}`;
    await waitReady(`${pBase}/-/ready`, 20000);
    let last = '';
    // The server's own series grow now and then (a new handler or code): compare until one
    // scrape of each agrees.
    await eventually(async () => {
      const textUp = await lastValue(wf!.storage, 'up', 'text');
      const protoUp = await lastValue(wf!.storage, 'up', 'proto');
      const textN = await lastValue(wf!.storage, 'scrape_samples_scraped', 'text');
      const protoN = await lastValue(wf!.storage, 'scrape_samples_scraped', 'proto');
      const promUp = await prometheusValue(pBase, 'up');
      const promN = await prometheusValue(pBase, 'scrape_samples_scraped');
      last = `text up=${textUp} n=${textN}; proto up=${protoUp} n=${protoN}; prometheus up=${promUp} n=${promN}`;
      const agree = textUp === 1 && protoUp === 1 && promUp === 1 && textN !== undefined && textN > 100 && textN === protoN && textN === promN;
      if (!agree) await sleep(300);
      return agree ? true : undefined;
    }, 40000, 'the same samples per scrape').catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`);
    });
    process.stderr.write(`/metrics scrapes: ${last}\n`);
    // What each job asked for is what it got.
    const base = `http://127.0.0.1:${ports.wf}/metrics`;
    const asProto = await fetch(base, { headers: { Accept: acceptHeader(['PrometheusProto'], 'underscores') } });
    assert.match(asProto.headers.get('content-type') ?? '', /^application\/vnd\.google\.protobuf; proto=io\.prometheus\.client\.MetricFamily; encoding=delimited/);
    const asText = await fetch(base, { headers: { Accept: acceptHeader(['PrometheusText0.0.4'], 'underscores') } });
    assert.match(asText.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  } finally {
    if (wf !== undefined) await wf.stop();
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
});
