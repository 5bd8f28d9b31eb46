/**
 * The storage-query harness's queries over persisted blocks (a Prometheus data directory
 * opened by Watchfire), warm, as server CPU per query: the servers run side by side on copies
 * of the same blocks and batches of each query alternate between them, so that the shared
 * machine's drift falls on all alike. CPU is utime + stime from /proc (10 ms ticks), divided
 * by the batch's queries.
 *
 * Blocks: $BENCH_BLOCKS (a data directory of blocks), or made here: the harness's dataset
 * generator (../shared/bench/lib/dataset.mjs, $BENCH_SERIES series, default 2,010, 24 h every
 * 15 s) written as OpenMetrics and backfilled with `watchfire tool tsdb create-blocks-from
 * openmetrics --max-block-duration=24h` (the blocks promtool writes). $BENCH_END: the
 * dataset's last timestamp (default 1795816800). Servers: this build, Prometheus when
 * installed, and $BENCH_WF_OTHER (another checkout's root) to compare two builds.
 * $BENCH_BATCHES (default 7) batches per server and query after $BENCH_WARM (default 30)
 * untimed runs; a batch lasts about 300 ms.
 *
 * `npm run bench -- blocks-query`
 */
import http from 'node:http';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { findProgram, freePort, repoRoot, sharedPath, startPeer, waitReady, watchfireCommand, type RunningPeer } from '../../testing/peers.js';
import { storageQueries } from '../../testing/storage-queries.js';
import { median } from '../../util/bench.js';

const END = Number(process.env['BENCH_END'] ?? 1795816800);
const SERIES = Number(process.env['BENCH_SERIES'] ?? 2010);
const BATCHES = Number(process.env['BENCH_BATCHES'] ?? 7);
const WARM = Number(process.env['BENCH_WARM'] ?? 30);
const OTHER = process.env['BENCH_WF_OTHER'] ?? '';

const QUERIES = storageQueries(END);

interface Server { name: string; peer: RunningPeer; port: number; agent: http.Agent }

function get(s: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: s.port, path, agent: s.agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => {
        if (res.statusCode === 200) resolve();
        else reject(new Error(`${s.name} ${path}: HTTP ${res.statusCode}`));
      });
    }).on('error', reject);
  });
}

function cpuMs(pid: number): number {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function makeBlocks(work: string): Promise<string> {
  const given = process.env['BENCH_BLOCKS'];
  if (given !== undefined && given !== '') return given;
  const lib = sharedPath('bench', 'lib', 'dataset.mjs');
  if (!existsSync(lib)) throw new Error(`no blocks: set BENCH_BLOCKS, or put the harness beside the repo (${lib})`);
  const ds = await import(lib) as { datasetSpec(o: { series: number; end: number }): unknown; writeOpenMetrics(d: unknown, file: string): unknown };
  const om = join(work, 'data.om');
  const t0 = performance.now();
  ds.writeOpenMetrics(ds.datasetSpec({ series: SERIES, end: END }), om);
  const out = join(work, 'blocks');
  const w = watchfireCommand();
  const r = spawnSync(w.cmd, [...w.args, 'tool', 'tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', '--quiet', om, out], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('backfill failed');
  rmSync(om);
  console.log(`blocks of ${SERIES} series over 24 h made in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return out;
}

async function start(name: string, cmd: string, args: string[], blocks: string, work: string): Promise<Server> {
  const dir = join(work, `data-${name}`);
  cpSync(blocks, dir, { recursive: true });
  const cfg = join(work, 'empty.yml');
  writeFileSync(cfg, 'global: {}\n');
  const port = await freePort();
  const peer = startPeer(cmd, [...args, `--config.file=${cfg}`, `--storage.tsdb.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=100y']);
  await waitReady(`http://127.0.0.1:${port}/-/ready`, 120_000);
  return { name, peer, port, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
}

const work = mkdtempSync(join(tmpdir(), 'watchfire-blocks-query-'));
const servers: Server[] = [];
try {
  const blocks = await makeBlocks(work);
  const w = watchfireCommand();
  servers.push(await start('watchfire', w.cmd, [...w.args, '--log.level=warn'], blocks, work));
  const prom = findProgram('prometheus');
  if (prom !== null) servers.push(await start('prometheus', prom, ['--log.level=warn'], blocks, work));
  if (OTHER !== '') servers.push(await start('watchfire-other', process.execPath, [join(OTHER, 'bin', 'watchfire'), '--log.level=warn'], blocks, work));
  console.log(`this build: ${repoRoot()}${OTHER !== '' ? `; other: ${OTHER}` : ''}`);
  await new Promise((r) => setTimeout(r, 2000));
  console.log(['query', ...servers.map((s) => `${s.name} CPU ms`), ...servers.slice(1).map((s) => `watchfire / ${s.name}`)].join(' | '));
  for (const [id, q, params] of QUERIES) {
    const path = `/api/v1/${params['start'] !== undefined ? 'query_range' : 'query'}?${new URLSearchParams({ query: q, ...params }).toString()}`;
    let slowest = 0;
    for (const s of servers) {
      for (let i = 0; i < WARM; i++) await get(s, path);
      const t0 = performance.now();
      await get(s, path);
      slowest = Math.max(slowest, performance.now() - t0);
    }
    const per = Math.max(3, Math.min(200, Math.round(300 / slowest)));
    const cpu = servers.map((): number[] => []);
    for (let k = 0; k < BATCHES; k++) {
      for (let j = 0; j < servers.length; j++) {
        const si = (j + k) % servers.length;
        const s = servers[si]!;
        const c0 = cpuMs(s.peer.proc.pid!);
        for (let i = 0; i < per; i++) await get(s, path);
        cpu[si]!.push((cpuMs(s.peer.proc.pid!) - c0) / per);
      }
    }
    const m = cpu.map((c) => median(c));
    console.log([id, ...m.map((x) => x.toFixed(2)), ...m.slice(1).map((x) => (m[0]! / x).toFixed(2))].join(' | '));
  }
  console.log(`(${BATCHES} alternating batches per server after ${WARM} untimed runs; median CPU per query)`);
} finally {
  for (const s of servers) {
    s.agent.destroy();
    await s.peer.stop();
  }
  rmSync(work, { recursive: true, force: true });
}
