/**
 * The search API end to end: `watchfire` started with `--enable-feature=search-api` and
 * `--web.search.max-limit=5`, scraping a local target (metadata) and receiving remote-written
 * series, answers the three search routes with Prometheus's NDJSON stream, scores, limits and
 * errors; started without the feature it answers `search API disabled`; a negative cap does
 * not start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, startPeer, waitReady, watchfireCommand, type RunningPeer } from '../../../testing/peers.js';
import { remoteWrite, type RWSeries } from './test-remote-write.js';

const wf = watchfireCommand();

const TARGET = `# HELP e2e_jobs_total Jobs done.
# TYPE e2e_jobs_total counter
e2e_jobs_total{queue="a"} 7
# HELP e2e_temperature_celsius A temperature.
# TYPE e2e_temperature_celsius gauge
e2e_temperature_celsius 21.5
`;

async function serveTarget(): Promise<Server> {
  const srv = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(TARGET);
  });
  await new Promise<void>((r) => { srv.listen(0, '127.0.0.1', r); });
  return srv;
}

function rwSeries(now: number): RWSeries[] {
  const pts = (v: number): [number, number][] => [[now - 30_000, v], [now - 15_000, v], [now, v]];
  return [
    { labels: { __name__: 'e2e_rw_requests_total', job: 'rw', instance: 'web-1', code: '200' }, samples: pts(10) },
    { labels: { __name__: 'e2e_rw_requests_total', job: 'rw', instance: 'web-2', code: '500' }, samples: pts(1) },
    { labels: { __name__: 'e2e_rw_latency_seconds', job: 'rw', instance: 'db-1' }, samples: pts(0.25) },
  ];
}

async function start(dir: string, name: string, targetAddr: string, flags: readonly string[]): Promise<{ base: string; peer: RunningPeer }> {
  const cfg = join(dir, `${name}.yml`);
  writeFileSync(cfg, `global: { scrape_interval: 1s, scrape_timeout: 900ms }\nscrape_configs:\n  - job_name: e2e\n    static_configs: [{ targets: ['${targetAddr}'] }]\n`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const peer = startPeer(wf.cmd, [
    ...wf.args, `--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, name)}`,
    '--web.enable-remote-write-receiver', '--log.level=warn', ...flags,
  ]);
  try {
    await waitReady(`${base}/-/ready`, 30000);
  } catch (e) {
    await peer.stop();
    throw new Error(`${name}: ${(e as Error).message}\n${peer.output()}`);
  }
  return { base, peer };
}

interface Answer {
  status: number;
  ctype: string | null;
  text: string;
}

async function get(base: string, path: string, form?: string): Promise<Answer> {
  const init: RequestInit = form === undefined ? {} : { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
  const r = await fetch(base + path, init);
  return { status: r.status, ctype: r.headers.get('content-type'), text: await r.text() };
}

/** The NDJSON lines of a 200 answer, parsed. */
function ndjson(a: Answer): unknown[] {
  assert.equal(a.status, 200, a.text);
  assert.equal(a.ctype, 'application/x-ndjson; charset=utf-8');
  assert.ok(a.text.endsWith('\n'));
  return a.text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as unknown);
}

const OK = { status: 'success', has_more: false };
const MORE = { status: 'success', has_more: true };
const e = encodeURIComponent;

test('search API end to end: NDJSON answers, scores, metadata, limits, errors; off without the feature', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-search-e2e-'));
  const target = await serveTarget();
  const targetAddr = `127.0.0.1:${(target.address() as AddressInfo).port}`;
  const on = await start(dir, 'on', targetAddr, ['--enable-feature=search-api', '--web.search.max-limit=5']);
  try {
    const w = await remoteWrite(`${on.base}/api/v1/write`, rwSeries(Date.now()));
    assert.equal(w.status, 204, w.body);
    const m = '/api/v1/search/metric_names';
    // The scrape has run and its metadata is there once the target's metrics are found with it.
    const lines = await eventually(async () => {
      const l = ndjson(await get(on.base, `${m}?search[]=e2e_&include_metadata=true`));
      return JSON.stringify(l).includes('Jobs done.') && JSON.stringify(l).includes('e2e_rw_') ? l : undefined;
    }, 30000, 'scraped and remote-written metric names');
    assert.deepEqual(lines, [{
      results: [
        { name: 'e2e_jobs_total', type: 'counter', help: 'Jobs done.' },
        { name: 'e2e_rw_latency_seconds' },
        { name: 'e2e_rw_requests_total' },
        { name: 'e2e_temperature_celsius', type: 'gauge', help: 'A temperature.' },
      ],
    }, OK]);

    // The cap (5) is the default limit; there are more names (the scrape's own series too).
    const all = ndjson(await get(on.base, `${m}?batch_size=2`));
    assert.equal(all.length, 4, JSON.stringify(all));
    assert.deepEqual(all[3], MORE);
    const allNames = all.slice(0, 3).flatMap((l) => (l as { results: { name: string }[] }).results.map((r) => r.name));
    assert.deepEqual(allNames, [...allNames].sort());
    assert.equal(allNames.length, 5);
    assert.ok(allNames.includes('e2e_jobs_total'));
    const over = await get(on.base, `${m}?limit=6`);
    assert.equal(over.status, 400);
    assert.equal(over.ctype, 'application/json');
    assert.deepEqual(JSON.parse(over.text), { status: 'error', errorType: 'bad_data', error: 'limit 6 exceeds the configured maximum (5, see --web.search.max-limit)' });
    // "rw_req" is one run of 6 at position 4 of the 21 characters, 11 after it:
    // (6² - 4/21 - 11/21 / 2) / 6² * 0.999, in the scorer's order of operations.
    const inv = 1 / 21;
    const raw = 0 - 4 * inv + 36 - 11 * inv * 0.5;
    assert.deepEqual(ndjson(await get(on.base, `${m}?search[]=rw_req&sort_by=score&include_score=true`)), [{ results: [{ name: 'e2e_rw_requests_total', score: (raw / 36) * 0.999 }] }, OK]);
    assert.deepEqual(ndjson(await get(on.base, `${m}?search[]=up&limit=1&sort_by=alpha&sort_dir=dsc`)), [{ results: [{ name: 'up' }] }, OK]);

    // Label names of the selected series; POST.
    assert.deepEqual(ndjson(await get(on.base, `/api/v1/search/label_names?match[]=e2e_rw_requests_total`)), [{ results: [{ name: '__name__' }, { name: 'code' }, { name: 'instance' }, { name: 'job' }] }, OK]);
    assert.deepEqual(ndjson(await get(on.base, '/api/v1/search/label_names', `match[]=${e('{job="rw"}')}&search[]=CODE&case_sensitive=false`)), [{ results: [{ name: 'code' }] }, OK]);

    // Label values: substring scores of Jaro-Winkler, by score then by value.
    const lv = ndjson(await get(on.base, `/api/v1/search/label_values?label=instance&match[]=${e('{job="rw"}')}&search[]=b-&fuzz_alg=jarowinkler&sort_by=score&include_score=true`));
    assert.deepEqual(lv, [{ results: [{ value: 'db-1', score: 1 - 0.9 * 1 / 2 }, { value: 'web-1', score: 1 - 0.9 * 2 / 3 }, { value: 'web-2', score: 1 - 0.9 * 2 / 3 }] }, OK]);
    assert.deepEqual(ndjson(await get(on.base, `/api/v1/search/label_values?label=instance&match[]=${e('{job="rw"}')}&limit=2&sort_by=alpha&sort_dir=dsc`)), [{ results: [{ value: 'web-2' }, { value: 'web-1' }] }, MORE]);
    assert.deepEqual(ndjson(await get(on.base, '/api/v1/search/label_values', 'label=job&search[]=nothing')), [{ results: [] }, OK]);

    // Errors before the stream: the JSON envelope.
    for (const [path, status, type, msg] of [
      ['/api/v1/search/label_values?search[]=x', 400, 'bad_data', 'missing required parameter "label"'],
      [`${m}?match[]=${e('up{')}`, 400, 'bad_data', null],
      [`${m}?sort_by=score`, 400, 'bad_data', 'sort_by=score requires search[] to be set'],
    ] as const) {
      const a = await get(on.base, path);
      assert.equal(a.status, status, path);
      const j = JSON.parse(a.text) as { status: string; errorType: string; error: string };
      assert.equal(j.status, 'error');
      assert.equal(j.errorType, type);
      if (msg !== null) assert.equal(j.error, msg);
    }
    const features = JSON.parse((await get(on.base, '/api/v1/features')).text) as { data: { api: Record<string, boolean> } };
    assert.equal(features.data.api['search'], true);
    assert.equal(features.data.api['search_fuzz_alg_jarowinkler'], true);
  } finally {
    await on.peer.stop();
  }

  const off = await start(dir, 'off', targetAddr, []);
  try {
    for (const ep of ['metric_names', 'label_names', 'label_values?label=job']) {
      for (const a of [await get(off.base, `/api/v1/search/${ep}`), await get(off.base, `/api/v1/search/${ep.split('?')[0]!}`, 'search[]=x')]) {
        assert.equal(a.status, 500, ep);
        assert.equal(a.ctype, 'application/json');
        assert.deepEqual(JSON.parse(a.text), { status: 'error', errorType: 'unavailable', error: 'search API disabled' });
      }
    }
    const features = JSON.parse((await get(off.base, '/api/v1/features')).text) as { data: { api: Record<string, boolean> } };
    assert.equal(features.data.api['search'], false);
  } finally {
    await off.peer.stop();
    await new Promise<void>((r) => { target.close(() => { r(); }); });
  }

  const neg = spawnSync(wf.cmd, [...wf.args, '--web.search.max-limit=-1', `--storage.tsdb.path=${join(dir, 'neg')}`, '--web.listen-address=127.0.0.1:0'], { encoding: 'utf8', timeout: 30000 });
  assert.equal(neg.status, 1, neg.stderr);
  assert.match(neg.stderr, /--web\.search\.max-limit must be non-negative; got -1 \(use 0 to disable the cap\)/);
  rmSync(dir, { recursive: true, force: true });
});
