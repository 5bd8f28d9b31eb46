/**
 * First runs against later runs of the storage-query harness's queries, in one process: each
 * server is started on a fresh copy of a data directory the harness left (`--keep`), and the
 * twelve queries are asked the harness's way (one untimed run, then the median of seven) for
 * several rounds. Round 1 is what the harness measures; later rounds show the same process
 * once V8 has compiled the query path. Watchfire against Prometheus when `prometheus` is
 * installed and a Prometheus data directory is given.
 *
 * $BENCH_WF_DATA: a Watchfire data directory loaded with the harness's dataset (required);
 * $BENCH_PROM_DATA: the same for Prometheus (optional); $BENCH_END: the dataset's last
 * timestamp in Unix seconds (default 1795762800, the harness's `--end` of docs/benchmarks.md);
 * $BENCH_ROUNDS (default 4).
 *
 * $BENCH_STARTS > 1 measures round 1 only (the harness's figure), from that many fresh starts
 * of each server, alternating which goes first; per query it prints the median over starts
 * of each server's latency and of the ratio of the two in the same start. One harness run is
 * one start: its small queries' ratios move by ±0.5 from run to run. $BENCH_WF_IDLE_S: how long
 * Watchfire waits between the verification queries and the timed ones (in the harness it
 * idles there while promtool fills Prometheus's directory, about two minutes; default 0).
 */
import http from 'node:http';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram, freePort, startPeer, waitReady, watchfireCommand } from '../../../testing/peers.js';
import { storageQueries } from '../../../testing/storage-queries.js';
import { median } from '../../../util/bench.js';

const WF_DATA = process.env['BENCH_WF_DATA'] ?? '';
const PROM_DATA = process.env['BENCH_PROM_DATA'] ?? '';
const END = Number(process.env['BENCH_END'] ?? 1795762800);
const STARTS = Number(process.env['BENCH_STARTS'] ?? 1);
const WF_IDLE_S = Number(process.env['BENCH_WF_IDLE_S'] ?? 0);
const ROUNDS = STARTS > 1 ? 1 : Number(process.env['BENCH_ROUNDS'] ?? 4);
const RUNS = 7;

const QUERIES: [string, string, Record<string, string>][] = [
  ['floor (vector(1))', 'vector(1)', { time: String(END) }],
  ...storageQueries(END),
];

const FLOOR = 'floor (vector(1))';
/** The harness's checks after a load, before its queries. */
const VERIFY = ['count({__name__=~".+"})', 'sum(count_over_time(node_load1[1d]))'];

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http.get(url, { agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        else resolve(performance.now() - t0);
      });
    }).on('error', reject);
  });
}

/** Medians in ms per round and query. */
async function measure(name: 'watchfire' | 'prometheus', data: string): Promise<number[][]> {
  const work = mkdtempSync(join(tmpdir(), 'watchfire-warmth-'));
  cpSync(data, join(work, 'data'), { recursive: true });
  writeFileSync(join(work, 'p.yml'), 'global: {}\n');
  const port = await freePort();
  const flags = [`--config.file=${join(work, 'p.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, `--web.listen-address=127.0.0.1:${port}`];
  const w = watchfireCommand();
  const peer = name === 'prometheus' ? startPeer(findProgram('prometheus')!, flags) : startPeer(w.cmd, [...w.args, '--log.level=warn', ...flags]);
  try {
    await waitReady(`http://127.0.0.1:${port}/-/ready`, 120_000);
    await new Promise((r) => setTimeout(r, 3000));
    // As the harness: its two verification queries come first (untimed), and no floor query.
    if (STARTS > 1) {
      for (const q of VERIFY) await get(`http://127.0.0.1:${port}/api/v1/query?${new URLSearchParams({ query: q, time: String(END) }).toString()}`);
      if (name === 'watchfire' && WF_IDLE_S > 0) await new Promise((r) => setTimeout(r, WF_IDLE_S * 1000));
    }
    const out: number[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const row: number[] = [];
      for (const [id, q, params] of QUERIES) {
        if (STARTS > 1 && id === FLOOR) {
          row.push(NaN);
          continue;
        }
        const path = params['start'] !== undefined ? 'query_range' : 'query';
        const url = `http://127.0.0.1:${port}/api/v1/${path}?${new URLSearchParams({ query: q, ...params }).toString()}`;
        await get(url);
        const ms: number[] = [];
        for (let i = 0; i < RUNS; i++) ms.push(await get(url));
        row.push(median(ms));
      }
      out.push(row);
    }
    return out;
  } finally {
    await peer.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Round 1 from fresh starts, servers alternating: medians over starts, and of the paired ratios. */
async function startsTable(servers: ['watchfire' | 'prometheus', string][]): Promise<void> {
  const first = new Map<string, number[][]>(servers.map(([n]) => [n, []]));
  for (let k = 0; k < STARTS; k++) {
    const order = k % 2 === 0 ? servers : [...servers].reverse();
    for (const [name, data] of order) first.get(name)!.push((await measure(name, data))[0]!);
  }
  const names = servers.map(([n]) => n);
  console.log(['query', ...names.map((n) => `${n} ms`), ...(names.length === 2 ? ['ratio'] : [])].join(' | '));
  QUERIES.forEach(([id], i) => {
    if (id === FLOOR) return;
    const cells = names.map((n) => median(first.get(n)!.map((row) => row[i]!)).toFixed(2));
    if (names.length === 2) {
      const a = first.get(names[0]!)!, b = first.get(names[1]!)!;
      cells.push(median(a.map((row, k) => row[i]! / b[k]![i]!)).toFixed(2));
    }
    console.log([id, ...cells].join(' | '));
  });
  console.log(`(${STARTS} starts each; the harness's verification queries, ${WF_IDLE_S} s of idleness for Watchfire, then per query one untimed run and the median of ${RUNS})`);
}

const servers: ['watchfire' | 'prometheus', string][] = [['watchfire', WF_DATA]];
if (PROM_DATA !== '' && findProgram('prometheus') !== null) servers.push(['prometheus', PROM_DATA]);
if (WF_DATA === '') {
  console.log('query-warmth: set BENCH_WF_DATA (and BENCH_PROM_DATA) to data directories the storage-query harness left (--keep)');
} else if (STARTS > 1) {
  await startsTable(servers);
} else {
  const results = new Map<string, number[][]>();
  for (const [name, data] of servers) results.set(name, await measure(name, data));
  const head = ['query', ...servers.flatMap(([n]) => [`${n} round 1`, `${n} round ${ROUNDS}`])];
  console.log(head.join(' | '));
  QUERIES.forEach(([id], i) => {
    const cells = servers.flatMap(([n]) => {
      const r = results.get(n)!;
      return [r[0]![i]!.toFixed(2), r[ROUNDS - 1]![i]!.toFixed(2)];
    });
    console.log([id, ...cells].join(' | '));
  });
}
agent.destroy();
