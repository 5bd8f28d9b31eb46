/**
 * Event-loop fairness: a Watchfire server process keeps scraping on schedule while a query
 * that would take minutes runs in it for 10 s (until its `timeout=`). The evaluation yields
 * to the event loop every few milliseconds, so scrape timers keep firing.
 *
 * The target records when each scrape arrives. The assertions are generous and not about
 * timing: the query ran its 10 s and ended as a timeout, scrapes went on during it (at
 * least 3/4 of those due, to tolerate a busy shared machine), and every scrape the target
 * served was stored (`up` has one sample per scrape). The delays themselves are reported
 * as diagnostics: the largest gap between scrapes beyond the interval, while idle and while
 * the query runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, sleep, startPeer, waitReady, watchfireCommand, type RunningPeer } from '../../../testing/peers.js';
import { answerText, counterSeries, form, loadInto, post } from './abuse-support.js';

const INTERVAL = 200;
const QUERY_TIMEOUT_S = 10;

/** A target that counts and timestamps the scrapes it serves (Date.now(), ms). */
function target(): Promise<{ server: Server; arrivals: number[] }> {
  const arrivals: number[] = [];
  const server = createServer((_req, res) => {
    arrivals.push(Date.now());
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end('# TYPE fair_target_value gauge\nfair_target_value 1\n');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => { resolve({ server, arrivals }); }));
}

/**
 * Scrapes served in [from, to), the largest delay beyond the interval between two of them,
 * and when (ms after `from`) that late scrape came.
 */
function scrapesIn(arrivals: readonly number[], from: number, to: number): { count: number; maxDelayMs: number; at: number } {
  let count = 0, maxGap = 0, at = 0, prev = NaN;
  for (const t of arrivals) {
    if (t < from || t >= to) continue;
    count++;
    if (!Number.isNaN(prev) && t - prev > maxGap) {
      maxGap = t - prev;
      at = t - from;
    }
    prev = t;
  }
  return { count, maxDelayMs: Math.max(0, maxGap - INTERVAL), at };
}

test('scrapes keep their schedule while a 10 s query runs', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-fair-'));
  const tg = await target();
  const addr = `127.0.0.1:${(tg.server.address() as AddressInfo).port}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const cfg = join(dir, 'prometheus.yml');
  const global = `global: { scrape_interval: ${INTERVAL}ms, scrape_timeout: ${INTERVAL - 50}ms }\n`;
  // No scrapes until the old samples are in: the head takes no samples an hour older than its newest.
  writeFileSync(cfg, global);
  const wf = watchfireCommand();
  let p: RunningPeer | undefined;
  try {
    p = startPeer(wf.cmd, [
      ...wf.args, `--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver', '--web.enable-lifecycle', '--log.level=warn',
    ]);
    await waitReady(`${base}/-/ready`, 30_000);
    const end = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    await loadInto([base], counterSeries('fair_load', 200, 6, end), 600_000);
    writeFileSync(cfg, `${global}scrape_configs:\n  - job_name: fair\n    static_configs: [{ targets: ['${addr}'] }]\n`);
    const reload = await fetch(`${base}/-/reload`, { method: 'POST' });
    assert.equal(reload.status, 200, await reload.text());
    await eventually(() => (tg.arrivals.length >= 10 ? true : undefined), 20_000, 'the first scrapes');

    const idleFrom = Date.now();
    await sleep(3000);
    const idle = scrapesIn(tg.arrivals, idleFrom, Date.now());

    // Quantiles of 200 × 10,801 windows of up to 1,440 samples (the step is the finest
    // Prometheus's 11,000-point limit allows): about a minute of work, cut by the timeout.
    const body = form('quantile_over_time(0.5, fair_load[6h])', {
      start: (end - 6 * 3_600_000) / 1000, end: end / 1000, step: 2, timeout: `${QUERY_TIMEOUT_S}s`,
    });
    const qFrom = Date.now();
    const a = await post(base, '/api/v1/query_range', body, 60_000);
    const qTo = Date.now();
    const busy = scrapesIn(tg.arrivals, qFrom, qTo);
    const due = Math.floor((qTo - qFrom) / INTERVAL);
    t.diagnostic(`idle: ${idle.count} scrapes in 3 s, max delay ${idle.maxDelayMs} ms; ` +
      `during the query (${qTo - qFrom} ms): ${busy.count} of ${due} scrapes due, max delay ${busy.maxDelayMs} ms (${busy.at} ms into the query)`);

    assert.equal(a.status, 503, answerText(a));
    assert.equal(a.json?.['errorType'], 'timeout', answerText(a));
    assert.ok(qTo - qFrom >= QUERY_TIMEOUT_S * 1000 - 100, `the query ran ${qTo - qFrom} ms`);
    assert.ok(busy.count >= Math.floor(due * 0.75), `${busy.count} scrapes of ${due} due during the query`);

    // Every scrape served during the query was stored: one `up` sample each.
    const inWindow = tg.arrivals.filter((x) => x >= qFrom && x < qTo).length;
    const r = await post(base, '/api/v1/query', form(`count_over_time(up{job="fair"}[${qTo - qFrom}ms])`, { time: qTo / 1000 }), 10_000);
    const stored = Number((r.json?.['data'] as { result: { value: [number, string] }[] }).result[0]?.value[1]);
    // A scrape's sample carries its start time, a little before the target saw it: one may fall on either side of the window.
    assert.ok(Math.abs(stored - inWindow) <= 1, `${stored} up samples stored for ${inWindow} scrapes served`);
  } finally {
    await p?.stop();
    await new Promise<void>((r) => tg.server.close(() => { r(); }));
    rmSync(dir, { recursive: true, force: true });
  }
});
