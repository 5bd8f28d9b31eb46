/**
 * Start-up WAL replay, side by side with Prometheus (Debian's 2.42, when installed): a head
 * written by Watchfire (chunks_head and WAL, as a scrape workload leaves them: 10,000 series,
 * one appender and commit per 1,000 series and round, values that move like the shared
 * harness's hosts, fixed seed) is copied afresh for every start, and each server is started
 * on the copy with an empty configuration. Both formats are Prometheus's, so Prometheus
 * replays Watchfire's WAL as its own.
 *
 * Reported per server (median of rounds, servers alternating): the replay time the server
 * logs ("WAL replay completed" total_replay_duration: chunks_head and WAL), the time until
 * /-/ready answers, both in ms per million samples, and their ratio. Wall-clock times on a
 * shared machine favour a server that spreads its work over more threads, so the CPU time
 * (user + system, from /proc) of the replay is reported too: the server's CPU time until
 * ready on the head, minus the same on an empty data directory (start-up without a head),
 * per million samples.
 *
 * `npm run bench -- replay-vs` (BENCH_REPLAY_SERIES, BENCH_REPLAY_SAMPLES per series,
 * BENCH_REPLAY_ROUNDS; default 10,000 x 300 = 3M samples, 3 rounds; BENCH_NODE_FLAGS: flags for
 * Watchfire's `node`). BENCH_REPLAY_SNAPSHOT=1:
 * the head is closed with a chunk snapshot and both servers run with
 * `--enable-feature=memory-snapshot-on-shutdown` (start-up after a clean shutdown).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, type Millis } from '../../model/index.js';
import { findProgram, freePort, startPeer, waitReady, watchfireCommand } from '../../testing/peers.js';
import { median, seededRandom } from '../../util/bench.js';
import { Head } from './index.js';

const SERIES = Number(process.env['BENCH_REPLAY_SERIES'] ?? 10_000);
const SAMPLES = Number(process.env['BENCH_REPLAY_SAMPLES'] ?? 300);
const ROUNDS = Number(process.env['BENCH_REPLAY_ROUNDS'] ?? 3);
const STEP_MS = 10_000;
const PER_APPENDER = 1000;
const SNAPSHOT = process.env['BENCH_REPLAY_SNAPSHOT'] === '1';

/** Go's time.Duration text (1.5s, 230.1ms, 12µs, 1m2.5s) in milliseconds. */
function goDurationMs(s: string): number {
  let ms = 0;
  const re = /([0-9.]+)(h|ms|m|s|µs|us|ns)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const v = Number(m[1]);
    switch (m[2]) {
      case 'h': ms += v * 3_600_000; break;
      case 'm': ms += v * 60_000; break;
      case 's': ms += v * 1000; break;
      case 'ms': ms += v; break;
      case 'µs': case 'us': ms += v / 1000; break;
      case 'ns': ms += v / 1e6; break;
      default: break;
    }
  }
  return ms;
}

async function writeHead(dir: string): Promise<number> {
  const rnd = seededRandom(7);
  const labels: Labels[] = [];
  const v = new Float64Array(SERIES);
  const rate = new Float64Array(SERIES);
  for (let i = 0; i < SERIES; i++) {
    labels.push(Labels.fromStrings('__name__', `node_metric_${i % 200}`, 'instance', `host-${Math.floor(i / 200)}:9100`, 'job', 'node', 'cpu', String(i % 16)));
    v[i] = rnd() * 1e6;
    rate[i] = i % 3 === 0 ? 0 : rnd() * 50;
  }
  const head = await Head.open(dir, { walSync: 'write', enableMemorySnapshotOnShutdown: SNAPSHOT });
  const refs = new Float64Array(SERIES);
  let t = Date.now() - SAMPLES * STEP_MS;
  let n = 0;
  try {
    for (let k = 0; k < SAMPLES; k++) {
      t += STEP_MS;
      for (let a = 0; a < SERIES; a += PER_APPENDER) {
        const app = head.appender();
        for (let i = a; i < Math.min(SERIES, a + PER_APPENDER); i++) {
          // Counters grow at their rate, gauges drift: full-precision floats, as scraped.
          v[i] = rate[i]! > 0 ? v[i]! + rate[i]! * (0.9 + rnd() * 0.2) : v[i]! * (0.99 + rnd() * 0.02);
          refs[i] = app.append(refs[i]!, labels[i]!, t as Millis, v[i]!);
          n++;
        }
        await app.commit();
      }
    }
  } finally {
    await head.close();
  }
  return n;
}

interface Run { replayMs: number; readyMs: number; cpuMs: number }

/** CPU time (user + system) of a process so far, in ms; Linux only (NaN elsewhere). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Starts a server on a copy of `template` (an empty directory when null) and times it until ready. */
async function startOn(name: 'watchfire' | 'prometheus', template: string | null, work: string): Promise<Run> {
  const dir = join(work, `${name}-data`);
  rmSync(dir, { recursive: true, force: true });
  if (template !== null) cpSync(template, dir, { recursive: true });
  else mkdirSync(dir);
  const cfg = join(work, 'empty.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 15s\n');
  const port = await freePort();
  const flags = [`--config.file=${cfg}`, `--storage.tsdb.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`];
  if (SNAPSHOT) flags.push('--enable-feature=memory-snapshot-on-shutdown');
  let peer;
  const t0 = performance.now();
  if (name === 'prometheus') {
    peer = startPeer(findProgram('prometheus')!, flags);
  } else {
    const w = watchfireCommand();
    const nodeFlags = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
    peer = startPeer(w.cmd, [...nodeFlags, ...w.args, '--log.level=info', ...flags]);
  }
  try {
    await waitReady(`http://127.0.0.1:${port}/-/ready`, 300_000);
    const readyMs = performance.now() - t0;
    const cpu = cpuMs(peer.proc.pid);
    const m = /WAL replay completed[^\n]*total_replay_duration=([0-9.µunmsh]+)/.exec(peer.output());
    if (m === null) throw new Error(`${name}: no "WAL replay completed" line:\n${peer.output().slice(-2000)}`);
    return { replayMs: goDurationMs(m[1]!), readyMs, cpuMs: cpu };
  } finally {
    await peer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const work = mkdtempSync(join(tmpdir(), 'watchfire-replay-vs-'));
try {
  const template = join(work, 'template');
  mkdirSync(template);
  const t0 = performance.now();
  const samples = await writeHead(template);
  console.log(`wrote ${SERIES} series x ${SAMPLES} samples (${(samples / 1e6).toFixed(1)}M) in ${((performance.now() - t0) / 1000).toFixed(1)} s${SNAPSHOT ? ', closed with a chunk snapshot' : ''}`);
  const servers: ('watchfire' | 'prometheus')[] = findProgram('prometheus') !== null ? ['watchfire', 'prometheus'] : ['watchfire'];
  if (servers.length === 1) console.log('prometheus is not installed: Watchfire only');
  const runs = new Map<string, Run[]>(servers.map((s) => [s, []]));
  const empty = new Map<string, Run[]>(servers.map((s) => [s, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      empty.get(s)!.push(await startOn(s, null, work));
      runs.get(s)!.push(await startOn(s, template, work));
    }
  }
  const perM = (ms: number): number => ms / (samples / 1e6);
  const res = new Map<string, { replay: number; ready: number; cpu: number }>();
  for (const s of servers) {
    const rs = runs.get(s)!, es = empty.get(s)!;
    const replay = perM(median(rs.map((x) => x.replayMs)));
    const ready = perM(median(rs.map((x) => x.readyMs)));
    // Per round: CPU until ready on the head minus CPU until ready without one.
    const cpu = perM(median(rs.map((x, i) => x.cpuMs - es[i]!.cpuMs)));
    res.set(s, { replay, ready, cpu });
    console.log(`${`${s}: WAL replay`.padEnd(48)} ${replay.toFixed(0)} ms per 1M samples (start to ready ${ready.toFixed(0)} ms per 1M; rounds ${rs.map((x) => x.replayMs.toFixed(0)).join('/')} ms)`);
    console.log(`${`${s}: replay CPU`.padEnd(48)} ${cpu.toFixed(0)} ms per 1M samples (CPU to ready ${rs.map((x) => x.cpuMs.toFixed(0)).join('/')} ms, empty ${es.map((x) => x.cpuMs.toFixed(0)).join('/')} ms)`);
  }
  const w = res.get('watchfire'), p = res.get('prometheus');
  if (w !== undefined && p !== undefined) {
    console.log(`${'ratio watchfire / prometheus'.padEnd(48)} replay ${(w.replay / p.replay).toFixed(2)}, replay CPU ${(w.cpu / p.cpu).toFixed(2)}, start to ready ${(w.ready / p.ready).toFixed(2)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
