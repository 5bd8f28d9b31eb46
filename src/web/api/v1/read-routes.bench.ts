/**
 * Per-request cost of the read routes over recent (head) data, through the real HTTP server,
 * router, read gate, engine and TSDB: the query mix of `scripts/load-api.mjs` (a few
 * dashboard panels and the query editor's lookups), one request at a time on a keep-alive
 * connection, so each figure is the latency of one request on an idle server.
 *
 * Data: the shared harness's synthetic hosts (`../shared/bench/lib/model.mjs`, seed 1), 10
 * hosts × ~505 series with job/instance labels as a scrape adds them, one sample a second
 * for $BENCH_HISTORY_S seconds (default 600) ending now, appended straight into a TSDB in
 * a temporary directory (full chunks are written to chunks_head and read back through it).
 * $BENCH_FILTER limits the cases to those whose name contains it.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Labels, type Millis } from '../../../model/index.js';
import { PromQLEngine } from '../../../promql/engine/index.js';
import { MemoryStorage } from '../../../storage/index.js';
import { DB, openTSDBHead } from '../../../tsdb/db/index.js';
import { sharedPath } from '../../../testing/peers.js';
import { benchAsync } from '../../../util/bench.js';
import { nopLogger } from '../../../util/log.js';
import { WebServer } from '../../server.js';
import { registerAPI } from './api.js';
import { FeatureRegistry } from './features.js';
import { memoryAdminStorage } from './memory-admin.js';
import { Notifications } from './notifications.js';
import { fakeTargets } from './test-support.js';

/** The parts of the shared model this benchmark uses. */
interface HostModel {
  buildHost(o: { seed: number; index: number; series: number }): { n: number; families: { groups: { off: number; series: { name: string; labels: Record<string, string> }[] }[] }[] };
  hostState(host: ReturnType<HostModel['buildHost']>, t0Seconds: number): { v: Float64Array; step(dt: number, now: number): void };
}

const HOSTS = 10, SERIES = 500;
const HISTORY_S = Number(process.env['BENCH_HISTORY_S'] ?? 600);
const FILTER = process.env['BENCH_FILTER'] ?? '';

const model = (await import(pathToFileURL(sharedPath('bench', 'lib', 'model.mjs')).href)) as HostModel;

const dir = mkdtempSync(join(tmpdir(), 'read-routes-bench-'));
const db = await DB.open(join(dir, 'data'), { openHead: openTSDBHead({ logger: nopLogger }), autoCompact: false, logger: nopLogger });
const endMs = Math.floor(Date.now() / 1000) * 1000;
const startMs = endMs - HISTORY_S * 1000;

// Load: every host advances one second per step, as the scrapes would see it.
{
  const hosts = [];
  for (let i = 0; i < HOSTS; i++) {
    const host = model.buildHost({ seed: 1, index: i, series: SERIES });
    const instance = `127.0.0.1:${9100 + i}`;
    const labels: Labels[] = new Array<Labels>(host.n);
    for (const f of host.families) {
      for (const g of f.groups) {
        for (let k = 0; k < g.series.length; k++) {
          const s = g.series[k]!;
          labels[g.off + k] = Labels.fromObject({ ...s.labels, __name__: s.name, job: 'bench', instance });
        }
      }
    }
    const up = Labels.fromObject({ __name__: 'up', job: 'bench', instance });
    hosts.push({ st: model.hostState(host, startMs / 1000), labels, refs: new Array<number>(host.n).fill(0), up, upRef: 0 });
  }
  for (let t = startMs; t <= endMs; t += 1000) {
    const app = db.appender();
    for (const h of hosts) {
      h.st.step(1, t / 1000);
      for (let k = 0; k < h.labels.length; k++) h.refs[k] = app.append(h.refs[k]!, h.labels[k]!, t as Millis, h.st.v[k]!);
      h.upRef = app.append(h.upRef, h.up, t as Millis, 1);
    }
    await app.commit();
  }
}

const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 60_000, maxConnections: 16, logger: nopLogger });
const admin = new MemoryStorage({ gcIntervalMs: 0 });
registerAPI(web.router, {
  engine: new PromQLEngine({ timeoutMs: 60_000 }),
  queryable: db,
  exemplars: db,
  parseOpts: {},
  targets: fakeTargets(),
  relabelConfigs: () => undefined,
  admin: memoryAdminStorage(admin),
  enableAdmin: false,
  dataDir: dir,
  features: new FeatureRegistry(),
  notifications: new Notifications(1),
  corsOrigin: '.*',
  now: () => endMs,
});
const [addr] = await web.listen();
web.setReady(true);
const base = `http://${addr!}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(path: string, body?: string, gzip = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) };
    if (gzip) headers['Accept-Encoding'] = 'gzip, deflate, br';
    const req = http.request(base + path, { method: body === undefined ? 'GET' : 'POST', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
        else resolve(text);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const q = encodeURIComponent;
const endS = endMs / 1000;
const rangeForm = (expr: string, windowS: number, step: number): string => {
  const e = Math.floor(endS / step) * step;
  return `query=${q(expr)}&start=${e - windowS}&end=${e}&step=${step}`;
};
const cases: [string, string, string | undefined, boolean?][] = [
  ['instant sum-rate', `/api/v1/query?query=${q('sum by (mode) (rate(node_cpu_seconds_total[1m]))')}`, undefined],
  ['instant histogram_quantile', '/api/v1/query', `query=${q('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))')}&time=${endS}`],
  ['instant topk-regex', `/api/v1/query?query=${q('topk(5, sum by (instance, handler) (rate(http_requests_total{code=~"5.."}[1m])))')}`, undefined],
  ['range sum-rate 15s', '/api/v1/query_range', rangeForm('sum by (instance) (rate(http_requests_total[1m]))', 300, 15)],
  ['range node_load1 5s', `/api/v1/query_range?${rangeForm('node_load1', 300, 5)}`, undefined],
  ['labels', '/api/v1/labels', `start=${endS - 3600}&end=${endS}`],
  ['label values', `/api/v1/label/__name__/values?start=${endS - 3600}&end=${endS}`, undefined],
  ['series', `/api/v1/series?match[]=${q('node_load1')}&start=${endS - 600}&end=${endS}`, undefined],
  ['format_query (no storage)', `/api/v1/format_query?query=${q('up')}`, undefined],
  // A Grafana panel without aggregation: 1100 series x 121 points, about 4 MB of JSON, gzipped as Grafana asks.
  ['range rate 1100 series 5s gzip', '/api/v1/query_range', rangeForm('rate(http_requests_total[1m])', HISTORY_S - 60, 5), true],
];

let bytes = 0;
try {
  for (const [name, path, body, gzip] of cases) {
    if (FILTER !== '' && !name.includes(FILTER)) continue;
    // CPU time per request (server and client, one process) beside the wall time: on a
    // shared machine the wall time also counts the time other processes held the cores.
    const cpu0 = process.cpuUsage();
    const r = await benchAsync(`api ${name}`, async () => { bytes += (await request(path, body, gzip === true)).length; });
    const cpu = process.cpuUsage(cpu0);
    // The warm-up's requests are not counted in r.ops: scale by the measured share of the time.
    const warmS = Math.min(0.5, r.seconds / 4);
    const cpuMs = ((cpu.user + cpu.system) / 1000) * (r.seconds / (r.seconds + warmS)) / r.ops;
    console.log(`${''.padEnd(48)} ${(1000 / r.opsPerSec).toFixed(3)} ms/request wall, ${cpuMs.toFixed(3)} ms/request CPU`);
  }
} finally {
  agent.destroy();
  await web.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
if (bytes === 0) console.log('unreachable');
