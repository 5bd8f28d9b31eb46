/**
 * Test support: a complete Watchfire server (the real composition root, every route) with
 * data in every part of the API, for the tests that replay real clients against it (the
 * OpenAPI description's tests, the Grafana replay).
 *
 * The server scrapes a local target every second (targets, metadata), evaluates one
 * recording and one always-firing alerting rule every second (rules, alerts, `ALERTS`),
 * and holds ten minutes of remote-written floats, counters with exemplars and a native
 * histogram (queries, series, exemplars). Remote write, admin API and lifecycle API are on.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchServer } from '../cmd/server-launch.js';
import type { ServerHandle } from '../cmd/server.js';
import { eventually } from '../testing/peers.js';
import { remoteWrite, type RWSeries } from './api/v1/test-remote-write.js';

export const FIXTURE_TARGET = `# HELP fx_requests_total Requests served.
# TYPE fx_requests_total counter
fx_requests_total{path="/a"} 7
fx_requests_total{path="/b"} 3
# HELP fx_temperature_celsius A temperature.
# TYPE fx_temperature_celsius gauge
fx_temperature_celsius 21.5
`;

const RULES = `groups:
  - name: fixture
    interval: 1s
    rules:
      - record: path:fx_requests:sum
        expr: sum by (path) (fx_requests_total)
      - alert: FixtureHot
        expr: fx_temperature_celsius > 20
        labels: { severity: warning }
        annotations: { summary: 'It is {{ $value }} degrees' }
`;

/** Remote-written series: 41 points every 15 s from `start`. */
export function fixtureSeries(start: number): RWSeries[] {
  const pts = (f: (i: number) => number): [number, number][] => Array.from({ length: 41 }, (_v, i) => [start + i * 15_000, f(i)]);
  return [
    { labels: { __name__: 'rw_gauge', job: 'rw', instance: 'a' }, samples: pts((i) => Math.round(100 * Math.sin(i / 5)) / 4) },
    { labels: { __name__: 'rw_gauge', job: 'rw', instance: 'b' }, samples: pts((i) => (i % 7) * 1.5 - 2) },
    {
      labels: { __name__: 'rw_requests_total', job: 'rw', code: '200' }, samples: pts((i) => i * 12 + (i % 3)),
      exemplars: [0, 10, 20, 30].map((i) => ({ labels: { trace_id: `tr${i}` }, value: i * 12, t: start + i * 15_000 })),
    },
    { labels: { __name__: 'rw_requests_total', job: 'rw', code: '500' }, samples: pts((i) => i * 2) },
    { labels: { __name__: 'rw_delete_me', job: 'rw' }, samples: pts((i) => i) },
    { labels: { __name__: 'rw_utf8', job: 'rw', 'http.status': '404' }, samples: pts(() => 1) },
    {
      labels: { __name__: 'rw_native', job: 'rw' }, samples: [],
      histograms: Array.from({ length: 41 }, (_v, i) => ({
        t: start + i * 15_000, count: 7 * i, sum: 2.5 * i, schema: 0, zeroThreshold: 0.001, zeroCount: i,
        positiveSpans: [{ offset: 0, length: 3 }], positiveDeltas: [2 * i, -i, 2 * i],
      })),
    },
  ];
}

export interface Fixture {
  /** http://127.0.0.1:<port> */
  base: string;
  server: ServerHandle;
  /** The remote-written data's first and last timestamps (ms, multiples of 15 s). */
  start: number;
  end: number;
  /** The scraped target's address (host:port). */
  targetAddr: string;
  dir: string;
  /** Stops the server (if still running) and the target, and removes the data. */
  close(): Promise<void>;
}

async function serveTarget(): Promise<Server> {
  const srv = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(FIXTURE_TARGET);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return srv;
}

async function getJSON(url: string): Promise<{ data?: unknown }> {
  const r = await fetch(url);
  return await r.json() as { data?: unknown };
}

/** Starts the fixture and waits until every part of the data is there. `extraFlags` are appended. */
export async function startFixture(extraFlags: readonly string[] = []): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-fixture-'));
  const target = await serveTarget();
  const targetAddr = `127.0.0.1:${(target.address() as AddressInfo).port}`;
  let server: ServerHandle | undefined;
  const close = async (): Promise<void> => {
    await server?.stop();
    await new Promise<void>((r) => target.close(() => { r(); }));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    writeFileSync(join(dir, 'rules.yml'), RULES);
    writeFileSync(join(dir, 'config.yml'), `global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }
rule_files: ['${join(dir, 'rules.yml')}']
scrape_configs:
  - job_name: fixture
    static_configs: [{ targets: ['${targetAddr}'] }]
`);
    const started = await launchServer([
      `--config.file=${join(dir, 'config.yml')}`, '--web.listen-address=127.0.0.1:0', `--storage.tsdb.path=${join(dir, 'data')}`,
      '--web.enable-remote-write-receiver', '--web.enable-admin-api', '--web.enable-lifecycle', '--enable-feature=exemplar-storage',
      '--scrape.discovery-reload-interval=100ms', '--log.level=error', ...extraFlags,
    ]);
    if (typeof started === 'number') throw new Error(`starting watchfire: exit code ${started}`);
    server = started;
    const base = `http://${server.addresses[0]!}`;
    await eventually(async () => ((await fetch(`${base}/-/ready`)).status === 200 ? true : undefined), 20000, 'watchfire ready');
    const end = Math.floor(Date.now() / 15_000) * 15_000 - 15_000;
    const start = end - 600_000;
    const w = await remoteWrite(`${base}/api/v1/write`, fixtureSeries(start));
    if (w.status !== 204) throw new Error(`remote write into the fixture: ${w.status} ${w.body}`);
    await eventually(async () => {
      const md = await getJSON(`${base}/api/v1/metadata?metric=fx_temperature_celsius`);
      const alerts = await getJSON(`${base}/api/v1/alerts`);
      const rec = await getJSON(`${base}/api/v1/query?query=${encodeURIComponent('path:fx_requests:sum')}`);
      // The ALERTS series is written after the alert's state changes: wait for both.
      const series = await getJSON(`${base}/api/v1/query?query=${encodeURIComponent('ALERTS{alertstate="firing"}')}`);
      const ok = Object.keys(md.data as object).length > 0 &&
        ((alerts.data as { alerts: { state: string }[] }).alerts.some((a) => a.state === 'firing')) &&
        (rec.data as { result: unknown[] }).result.length === 2 && (series.data as { result: unknown[] }).result.length > 0;
      return ok ? true : undefined;
    }, 20000, 'the fixture scraped its target and evaluated its rules');
    return { base, server, start, end, targetAddr, dir, close };
  } catch (e) {
    await close();
    throw e;
  }
}
