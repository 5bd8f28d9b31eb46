/**
 * Scrape cost, side by side with Prometheus: a local server serves a fixed payload (a
 * ~1,900-sample realistic exposition and a 10,000-series one); Watchfire and Prometheus
 * (Debian's, when installed) each scrape it every second. Reported per server: median
 * scrape duration (request + parse + store), samples per second of scrape time, and CPU
 * seconds per million samples of the whole server process over the window.
 *
 * `npm run bench -- scrape-cost` (BENCH_WINDOW=seconds, default 20).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, findProgram, sharedPath, sleep, startPeer, waitReady, watchfireCommand, type RunningPeer } from '../testing/peers.js';
import { seededRandom } from '../util/bench.js';

const WINDOW_S = Number(process.env['BENCH_WINDOW'] ?? 20);

function tenK(): string {
  const rnd = seededRandom(42);
  let s = '';
  for (let f = 0; f < 100; f++) {
    s += `# HELP bench_metric_${f}_total Synthetic counter ${f}.\n# TYPE bench_metric_${f}_total counter\n`;
    for (let i = 0; i < 100; i++) {
      s += `bench_metric_${f}_total{instance_id="i-${(i * 7919) % 1000}",path="/api/v${i % 3}/items/${i}",method="${i % 2 === 0 ? 'GET' : 'POST'}",code="${200 + (i % 5)}"} ${Math.floor(rnd() * 1e9)}\n`;
    }
  }
  return s;
}

function cpuSeconds(pid: number): number {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

interface Target { activeTargets: { lastScrape: string; lastScrapeDuration: number; health: string; lastError: string }[] }

async function measure(name: string, base: string, pid: number, samples: number): Promise<string> {
  // Wait for two healthy scrapes, then sample the last scrape duration once per scrape.
  const durations: number[] = [];
  let seen = '';
  const poll = async (): Promise<void> => {
    const j = await (await fetch(`${base}/api/v1/targets`)).json() as { data: Target };
    const t = j.data.activeTargets[0];
    if (t === undefined || t.health !== 'up' || t.lastScrape === seen) return;
    seen = t.lastScrape;
    durations.push(t.lastScrapeDuration);
  };
  const warmEnd = Date.now() + 30000;
  while (durations.length < 2 && Date.now() < warmEnd) { await poll(); await sleep(200); }
  if (durations.length < 2) return `${name.padEnd(12)} target never came up`;
  durations.length = 0;
  const cpu0 = cpuSeconds(pid);
  const end = Date.now() + WINDOW_S * 1000;
  while (Date.now() < end) { await poll(); await sleep(200); }
  const cpu = cpuSeconds(pid) - cpu0;
  durations.sort((a, b) => a - b);
  const med = durations[Math.floor(durations.length / 2)] ?? NaN;
  const scrapes = durations.length;
  return `${name.padEnd(12)} scrapes=${String(scrapes).padStart(3)} median_scrape=${(med * 1000).toFixed(2).padStart(8)} ms  ` +
    `samples/s_of_scrape_time=${(samples / med / 1e6).toFixed(2).padStart(6)}M  cpu_s_per_1M_samples=${(cpu / ((scrapes * samples) / 1e6)).toFixed(2)}`;
}

async function run(label: string, payload: string, samples: number): Promise<void> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(payload);
  });
  const tp = await freePort();
  await new Promise<void>((r) => server.listen(tp, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'wf-bench-'));
  const cfg = join(dir, 'bench.yml');
  writeFileSync(cfg, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: bench\n    static_configs: [{ targets: ['127.0.0.1:${tp}'] }]\n`);
  console.log(`\n${label}: ${samples} samples per scrape, ${(Buffer.byteLength(payload) / 1024).toFixed(0)} KiB, ${WINDOW_S}s window`);
  const runOne = async (name: string, cmd: string, args: string[]): Promise<void> => {
    const port = await freePort();
    const p: RunningPeer = startPeer(cmd, [...args, `--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, name)}`]);
    try {
      await waitReady(`http://127.0.0.1:${port}/-/ready`, 20000);
      console.log(await measure(name, `http://127.0.0.1:${port}`, p.proc.pid!, samples));
    } finally {
      await p.stop();
    }
  };
  try {
    const wf = watchfireCommand();
    await runOne('watchfire', wf.cmd, [...wf.args, '--scrape.discovery-reload-interval=100ms', '--log.level=warn']);
    const prom = findProgram('prometheus');
    if (prom !== null) await runOne('prometheus', prom, ['--log.level=warn']);
    else console.log('prometheus   not installed: no side-by-side figure');
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const realistic = readFileSync(sharedPath('conformance', 'exposition', 'prometheus-samples', 'alltypes.237mfs.prom.txt'), 'utf8');
const realisticSamples = realistic.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
await run('realistic (237 families, all types)', realistic, realisticSamples);
await run('10k series', tenK(), 10000);
