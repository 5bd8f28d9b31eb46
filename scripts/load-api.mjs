#!/usr/bin/env node
// HTTP API load, side by side: Watchfire and Prometheus 2.42 in turn, each scraping the same
// synthetic targets (../shared/bench/lib/targets.mjs, its own process), each hit by N
// concurrent clients sending a mix of Grafana-like queries (instant, range, labels, label
// values, series; GET and form POST) for a fixed time. Reported per server: queries/s,
// latency percentiles, errors, and scrapes missed while under load (gaps in the stored `up`
// samples and failed scrapes over the load window), and the server's CPU in the window.
//
//   npm run build && flock /tmp/bench.lock node scripts/load-api.mjs
//   options: --clients 50 --duration 30 --targets 10 --series 500 --interval 1 --warmup 20
//            --watchfire "node bin/watchfire" --prometheus prometheus --only watchfire|prometheus
//            --rounds 1 (servers alternate their order from round to round) --json out.json
// Bounded: each server runs for start-up + warm-up + duration (+ a few seconds to stop).
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import readline from 'node:readline';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (!a.startsWith('--')) continue;
  const eq = a.indexOf('=');
  if (eq > 0) args[a.slice(2, eq)] = a.slice(eq + 1);
  else args[a.slice(2)] = process.argv[++i];
}
const CLIENTS = Number(args.clients ?? 50);
const DURATION_S = Number(args.duration ?? 30);
const TARGETS = Number(args.targets ?? 10);
const SERIES = Number(args.series ?? 500);
const INTERVAL_S = Number(args.interval ?? 1);
const WARMUP_S = Number(args.warmup ?? 20);
const ROUNDS = Number(args.rounds ?? 1);

/** The repository root: the nearest ancestor of this script with a package.json. */
function repoRoot() {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('repository root not found');
    d = up;
  }
  return d;
}
const ROOT = repoRoot();
const SERVERS = [
  { name: 'watchfire', cmd: (args.watchfire ?? `${process.execPath} ${join(ROOT, 'bin', 'watchfire')}`).split(' ') },
  { name: 'prometheus', cmd: (args.prometheus ?? 'prometheus').split(' ') },
].filter((s) => args.only === undefined || s.name === args.only);

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 4 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function request(url, { method = 'GET', body, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) };
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function query(base, expr, time) {
  const r = await request(`${base}/api/v1/query?query=${encodeURIComponent(expr)}${time === undefined ? '' : `&time=${time}`}`);
  if (r.status !== 200) throw new Error(`query ${expr}: ${r.status} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body).data;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** CPU seconds (user + system) of a process, from /proc (100 ticks a second). */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return NaN;
  }
}

function startTargets() {
  const script = join(ROOT, '..', 'shared', 'bench', 'lib', 'targets.mjs');
  const proc = spawn(process.execPath, [script, '--targets', String(TARGETS), '--series', String(SERIES), '--seed', '1'], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    readline.createInterface({ input: proc.stdout }).once('line', (l) => resolve({ proc, ...JSON.parse(l) }));
  });
}

/**
 * The query mix, as a dashboard of a few panels and the query editor's lookups produce it:
 * [weight, kind, request builder]. Times are the server's recent past.
 */
function mix(base) {
  const nowS = () => Date.now() / 1000;
  const form = (o) => Object.entries(o).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const range = (expr, windowS, step) => { const e = Math.floor(nowS() / step) * step; return form({ query: expr, start: String(e - windowS), end: String(e), step: String(step) }); };
  return [
    [20, 'instant sum-rate', () => ({ url: `${base}/api/v1/query?query=${encodeURIComponent('sum by (mode) (rate(node_cpu_seconds_total[1m]))')}` })],
    [15, 'instant histogram_quantile', () => ({ url: `${base}/api/v1/query`, method: 'POST', body: form({ query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))', time: String(nowS()) }) })],
    [10, 'instant topk-regex', () => ({ url: `${base}/api/v1/query?query=${encodeURIComponent('topk(5, sum by (instance, handler) (rate(http_requests_total{code=~"5.."}[1m])))')}` })],
    [15, 'range sum-rate 15s', () => ({ url: `${base}/api/v1/query_range`, method: 'POST', body: range('sum by (instance) (rate(http_requests_total[1m]))', 300, 15) })],
    [10, 'range node_load1 5s', () => ({ url: `${base}/api/v1/query_range?${range('node_load1', 300, 5)}` })],
    [10, 'labels', () => ({ url: `${base}/api/v1/labels`, method: 'POST', body: form({ start: String(Math.floor(nowS() - 3600)), end: String(Math.ceil(nowS())) }) })],
    [10, 'label values', () => ({ url: `${base}/api/v1/label/__name__/values?start=${Math.floor(nowS() - 3600)}&end=${Math.ceil(nowS())}` })],
    [10, 'series', () => ({ url: `${base}/api/v1/series?match[]=${encodeURIComponent('node_load1')}&start=${Math.floor(nowS() - 600)}&end=${Math.ceil(nowS())}` })],
  ];
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** N clients, each sending one request after the other until the deadline. */
async function load(base) {
  const m = mix(base);
  const total = m.reduce((s, x) => s + x[0], 0);
  // A fixed pseudo-random sequence (same mix for both servers).
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const lat = [];
  const byKind = {};
  const errors = {};
  const deadline = performance.now() + DURATION_S * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      let r = rnd() * total, pick = m[0];
      for (const x of m) { if (r < x[0]) { pick = x; break; } r -= x[0]; }
      const req = pick[2]();
      const t0 = performance.now();
      let err = null;
      try {
        const res = await request(req.url, req);
        if (res.status !== 200) err = `HTTP ${res.status}: ${res.body.slice(0, 120)}`;
        else if (!res.body.startsWith('{"status":"success"')) err = `body: ${res.body.slice(0, 120)}`;
      } catch (e) {
        err = e.message;
      }
      const ms = performance.now() - t0;
      if (err !== null) { errors[err] = (errors[err] ?? 0) + 1; continue; }
      lat.push(ms);
      (byKind[pick[1]] ??= []).push(ms);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const elapsed = (performance.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const kinds = {};
  for (const [k, v] of Object.entries(byKind)) { v.sort((a, b) => a - b); kinds[k] = { n: v.length, p50: percentile(v, 0.5), p99: percentile(v, 0.99) }; }
  const nErrors = Object.values(errors).reduce((a, b) => a + b, 0);
  return { requests: lat.length + nErrors, elapsed, qps: (lat.length + nErrors) / elapsed, p50: percentile(lat, 0.5), p90: percentile(lat, 0.9), p99: percentile(lat, 0.99), max: lat[lat.length - 1], errors: nErrors, errorKinds: errors, kinds };
}

/**
 * Scrapes missed in (from, to]: per target, the stored `up` samples' gaps longer than 1.5
 * intervals (each counts the scrapes that would fit), the edges of the window likewise, and
 * samples with up = 0 (failed scrapes).
 */
async function missedScrapes(base, fromS, toS) {
  const w = Math.round(toS - fromS);
  const data = await query(base, `up{job="bench"}[${w}s]`, toS.toFixed(3));
  let missed = 0, failed = 0, stored = 0;
  const perTarget = [];
  for (const s of data.result) {
    const ts = s.values.map((v) => v[0]);
    stored += ts.length;
    failed += s.values.filter((v) => v[1] !== '1').length;
    let m = 0;
    const edges = [fromS, ...ts, toS];
    for (let i = 1; i < edges.length; i++) {
      const gap = edges[i] - edges[i - 1];
      if (gap > 1.5 * INTERVAL_S) m += Math.round(gap / INTERVAL_S) - 1;
    }
    missed += m;
    perTarget.push(m);
  }
  missed += (TARGETS - data.result.length) * Math.round(w / INTERVAL_S);
  const dur = await query(base, `max(max_over_time(scrape_duration_seconds{job="bench"}[${w}s]))`, toS.toFixed(3));
  const maxDurationS = dur.result.length > 0 ? Number(dur.result[0].value[1]) : NaN;
  return { due: TARGETS * Math.round(w / INTERVAL_S), stored, missed, failed, maxDurationS };
}

async function runServer(s, targets) {
  const dir = mkdtempSync(join(tmpdir(), `load-api-${s.name}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'config.yml'), `global:
  scrape_interval: ${INTERVAL_S}s
  scrape_timeout: ${INTERVAL_S}s
scrape_configs:
  - job_name: bench
    static_configs:
      - targets: [${targets.ports.map((p) => `'127.0.0.1:${p}'`).join(', ')}]
`);
  const [cmd, ...pre] = s.cmd;
  const proc = spawn(cmd, [...pre, `--config.file=${join(dir, 'config.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (b) => { log = (log + b.toString()).slice(-20_000); });
  const exited = new Promise((r) => proc.once('exit', r));
  try {
    const readyBy = Date.now() + 60_000;
    for (;;) {
      try { if ((await request(`${base}/-/ready`, { timeoutMs: 2000 })).status === 200) break; } catch { /* not yet */ }
      if (Date.now() > readyBy || proc.exitCode !== null) throw new Error(`${s.name} not ready:\n${log}`);
      await sleep(200);
    }
    // Every target scraped at least twice, then the warm-up (history for the range queries).
    const scrapedBy = Date.now() + 30_000;
    for (;;) {
      const d = await query(base, `count(count_over_time(up{job="bench"}[1h]) >= 2)`);
      if (d.result.length > 0 && Number(d.result[0].value[1]) === TARGETS) break;
      if (Date.now() > scrapedBy) throw new Error(`${s.name}: targets not scraped:\n${log}`);
      await sleep(250);
    }
    process.stderr.write(`${s.name}: ready, warming up ${WARMUP_S}s\n`);
    await sleep(WARMUP_S * 1000);
    const version = JSON.parse((await request(`${base}/api/v1/status/buildinfo`)).body).data?.version ?? '?';
    const fromS = Date.now() / 1000;
    const cpu0 = cpuSeconds(proc.pid);
    process.stderr.write(`${s.name} ${version}: ${CLIENTS} clients for ${DURATION_S}s\n`);
    const l = await load(base);
    const toS = Date.now() / 1000;
    const cpu = cpuSeconds(proc.pid) - cpu0;
    // Scrapes due before the end are in storage once their appends commit.
    await sleep(2 * INTERVAL_S * 1000 + 500);
    const sc = await missedScrapes(base, fromS, toS);
    return { server: s.name, version, ...l, cpuCores: cpu / (toS - fromS), scrapes: sc };
  } finally {
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

const targets = await startTargets();
const results = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? SERVERS : [...SERVERS].reverse();
    for (const s of order) results.push({ round: round + 1, ...(await runServer(s, targets)) });
  }
} finally {
  targets.proc.kill('SIGTERM');
  agent.destroy();
}
const median = (xs) => { const v = [...xs].sort((a, b) => a - b); return v.length === 0 ? NaN : v.length % 2 === 1 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2; };
const seriesTotal = targets.series.reduce((a, b) => a + b, 0);
console.log(`\n${CLIENTS} clients, ${DURATION_S}s per server, ${TARGETS} targets x ${SERIES} series (${seriesTotal} series) scraped every ${INTERVAL_S}s\n`);
console.log('| server | queries/s | p50 ms | p90 ms | p99 ms | max ms | errors | scrapes due | missed | failed | longest scrape ms | server CPU cores |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(`| ${r.server} ${r.version}${ROUNDS > 1 ? ` (round ${r.round})` : ''} | ${fmt(r.qps)} | ${fmt(r.p50)} | ${fmt(r.p90)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.errors} | ${r.scrapes.due} | ${r.scrapes.missed} | ${r.scrapes.failed} | ${fmt(r.scrapes.maxDurationS * 1000, 0)} | ${fmt(r.cpuCores, 2)} |`);
}
if (ROUNDS > 1) {
  for (const name of SERVERS.map((x) => x.name)) {
    const rs = results.filter((r) => r.server === name);
    const sum = (f) => rs.reduce((a, r) => a + f(r), 0);
    console.log(`| ${name} (median of ${rs.length}; errors, scrapes: totals) | ${fmt(median(rs.map((r) => r.qps)))} | ${fmt(median(rs.map((r) => r.p50)))} | ${fmt(median(rs.map((r) => r.p90)))} | ${fmt(median(rs.map((r) => r.p99)))} | ${fmt(Math.max(...rs.map((r) => r.max)))} | ${sum((r) => r.errors)} | ${sum((r) => r.scrapes.due)} | ${sum((r) => r.scrapes.missed)} | ${sum((r) => r.scrapes.failed)} | ${fmt(Math.max(...rs.map((r) => r.scrapes.maxDurationS)) * 1000, 0)} | ${fmt(median(rs.map((r) => r.cpuCores)), 2)} |`);
  }
}
// Per kind of request, side by side: the median over rounds of each round's count, p50 and p99.
const kindNames = [...new Set(results.flatMap((r) => Object.keys(r.kinds)))];
const names = SERVERS.map((x) => x.name);
console.log(`\nby kind (median over ${ROUNDS} round(s)):\n`);
console.log(`| kind | ${names.map((n) => `${n} n | ${n} p50 ms | ${n} p99 ms`).join(' | ')} |${names.length === 2 ? ' p50 ratio |' : ''}`);
console.log(`| --- |${names.map(() => ' --- | --- | --- |').join('')}${names.length === 2 ? ' --- |' : ''}`);
for (const k of kindNames) {
  const cells = [];
  const p50s = [];
  for (const n of names) {
    const ks = results.filter((r) => r.server === n && r.kinds[k] !== undefined).map((r) => r.kinds[k]);
    const p50 = median(ks.map((x) => x.p50));
    p50s.push(p50);
    cells.push(`${fmt(median(ks.map((x) => x.n)), 0)} | ${fmt(p50)} | ${fmt(median(ks.map((x) => x.p99)))}`);
  }
  console.log(`| ${k} | ${cells.join(' | ')} |${names.length === 2 ? ` ${fmt(p50s[0] / p50s[1], 2)} |` : ''}`);
}
for (const r of results) if (r.errors > 0) console.log(`  ${r.server} errors: ${JSON.stringify(r.errorKinds).slice(0, 500)}`);
if (args.json !== undefined) writeFileSync(args.json, JSON.stringify({ rounds: ROUNDS, clients: CLIENTS, durationS: DURATION_S, targets: TARGETS, series: seriesTotal, intervalS: INTERVAL_S, results }, null, 2));
// Watchfire must answer without errors and keep every scrape; the reference's figures are information.
const bad = results.some((r) => r.server === 'watchfire' && (r.errors > 0 || r.scrapes.missed > 0 || r.scrapes.failed > 0));
process.exit(bad ? 1 : 0);
