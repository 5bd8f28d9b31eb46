/**
 * Acceptance: Watchfire and a real Prometheus scrape the same real targets (node_exporter,
 * blackbox_exporter's own metrics and a probe, and Watchfire itself). Every target is up on
 * both, and the number of samples stored per scrape equals Prometheus's for each target.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matcher, type Millis } from '../model/index.js';
import { ValueType, type Queryable } from '../storage/index.js';
import { eventually, freePort, peer, repoRoot, sleep, startPeer, waitReady, type RunningPeer } from '../testing/peers.js';
import type { ServerHandle } from './server.js';
import { launchTestServer } from '../testing/server.js';

const JOBS = ['node', 'blackbox', 'probe', 'watchfire'] as const;

function config(ports: { node: number; blackbox: number; wf: number }): string {
  return `global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: node
    static_configs: [{ targets: ['127.0.0.1:${ports.node}'] }]
  - job_name: blackbox
    static_configs: [{ targets: ['127.0.0.1:${ports.blackbox}'] }]
  - job_name: probe
    metrics_path: /probe
    params: { module: [http_2xx] }
    static_configs: [{ targets: ['http://127.0.0.1:${ports.wf}/-/healthy'] }]
    relabel_configs:
      - { source_labels: [__address__], target_label: __param_target }
      - { source_labels: [__param_target], target_label: instance }
      - { target_label: __address__, replacement: '127.0.0.1:${ports.blackbox}' }
  - job_name: watchfire
    static_configs: [{ targets: ['127.0.0.1:${ports.wf}'] }]
`;
}

interface JobFigures { up: number; postRelabel: number; scraped: number; storedAtLastScrape: number }

/** Reads, for one job, the last scrape's synthetic series and counts the samples stored at that scrape's timestamp. */
async function watchfireFigures(q: Queryable, job: string): Promise<JobFigures | undefined> {
  const now = Date.now();
  const querier = await q.querier((now - 60_000) as Millis, (now + 1000) as Millis);
  try {
    const last = async (name: string): Promise<{ t: number; v: number } | undefined> => {
      const ss = await querier.select(false, null, [new Matcher('=', '__name__', name), new Matcher('=', 'job', job)]);
      if (!ss.next()) return undefined;
      const it = ss.at().iterator(null);
      let t = -1, v = NaN;
      while (it.next() !== ValueType.None) { t = it.atT(); v = it.atF(); }
      return t < 0 ? undefined : { t, v };
    };
    const up = await last('up');
    const post = await last('scrape_samples_post_metric_relabeling');
    const scraped = await last('scrape_samples_scraped');
    if (up === undefined || post === undefined || scraped === undefined || post.t !== up.t) return undefined;
    let stored = 0;
    const all = await querier.select(false, null, [new Matcher('=', 'job', job)]);
    while (all.next()) {
      const it = all.at().iterator(null);
      if (it.seek(up.t as Millis) !== ValueType.None && it.atT() === up.t && !it.atStale()) stored++;
    }
    return { up: up.v, postRelabel: post.v, scraped: scraped.v, storedAtLastScrape: stored };
  } finally {
    await querier.close();
  }
}

async function prometheusValue(base: string, query: string): Promise<Map<string, number>> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
  const j = await r.json() as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return new Map(j.data.result.map((s) => [s.metric['job'] ?? '', Number(s.value[1])]));
}

test('scraping real exporters and itself: all up, same samples per scrape as Prometheus', { timeout: 90000 }, async (t) => {
  const prom = peer('prometheus');
  const node = peer('prometheus-node-exporter');
  const bb = peer('prometheus-blackbox-exporter');
  for (const p of [prom, node, bb]) if (p.skip !== false) { t.skip(p.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-scrape-'));
  const ports = { node: await freePort(), blackbox: await freePort(), wf: await freePort(), prom: await freePort() };
  const procs: RunningPeer[] = [];
  let wf: ServerHandle | undefined;
  try {
    procs.push(startPeer(node.path, [`--web.listen-address=127.0.0.1:${ports.node}`]));
    procs.push(startPeer(bb.path, [`--web.listen-address=127.0.0.1:${ports.blackbox}`, `--config.file=${join(repoRoot(), 'src', 'cmd', 'testdata', 'blackbox.yml')}`]));
    const cfgFile = join(dir, 'scrape.yml');
    writeFileSync(cfgFile, config(ports));
    await Promise.all([waitReady(`http://127.0.0.1:${ports.node}/metrics`), waitReady(`http://127.0.0.1:${ports.blackbox}/metrics`)]);
    const started = await launchTestServer([`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${ports.wf}`, '--scrape.discovery-reload-interval=100ms', '--log.level=warn']);
    assert.notEqual(typeof started, 'number', 'watchfire started');
    wf = started as ServerHandle;
    procs.push(startPeer(prom.path, [`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${ports.prom}`, `--storage.tsdb.path=${join(dir, 'prom')}`]));
    const pBase = `http://127.0.0.1:${ports.prom}`;
    await waitReady(`${pBase}/-/ready`, 20000);
    // Both sides must see the same per-scrape sample counts at the same moment; counts of a
    // live exporter can move by a series now and then, so compare until a scrape agrees.
    let last = '';
    await eventually(async () => {
      const up = await prometheusValue(pBase, 'up');
      const post = await prometheusValue(pBase, 'scrape_samples_post_metric_relabeling');
      const scraped = await prometheusValue(pBase, 'scrape_samples_scraped');
      const rows: string[] = [];
      let agree = true;
      for (const job of JOBS) {
        const w = await watchfireFigures(wf!.storage, job);
        if (w === undefined || up.get(job) === undefined) { agree = false; rows.push(`${job}: not scraped yet`); continue; }
        rows.push(`${job}: watchfire up=${w.up} scraped=${w.scraped} post=${w.postRelabel} stored=${w.storedAtLastScrape}; prometheus up=${up.get(job)} scraped=${scraped.get(job)} post=${post.get(job)}`);
        // Stored per scrape = the samples appended plus the 5 synthetic series.
        if (w.up !== 1 || up.get(job) !== 1 || w.postRelabel !== post.get(job) || w.scraped !== scraped.get(job) || w.storedAtLastScrape !== w.postRelabel + 5) agree = false;
      }
      last = rows.join('\n');
      if (!agree) await sleep(500);
      return agree ? true : undefined;
    }, 45000, 'matching per-scrape sample counts').catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`);
    });
    process.stderr.write(`per-scrape figures:\n${last}\n`);
  } finally {
    if (wf !== undefined) await wf.stop();
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
});
