/**
 * Test support: real peer programs (Prometheus, exporters) started on loopback ports.
 * A test that needs a peer skips when the program is not installed, unless
 * WATCHFIRE_REQUIRE_PEERS=1 (set by CI), where a missing peer is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findProgram(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p !== '' ? p : null;
}

/**
 * The path of a peer program, or a skip reason. With WATCHFIRE_REQUIRE_PEERS=1 a missing
 * peer throws, so CI cannot pass by skipping.
 */
export function peer(name: string): { path: string; skip: false } | { path: ''; skip: string } {
  const p = findProgram(name);
  if (p !== null) return { path: p, skip: false };
  if (process.env['WATCHFIRE_REQUIRE_PEERS'] === '1') throw new Error(`required peer program ${name} is not installed (run scripts/install-test-deps.sh)`);
  return { path: '', skip: `${name} is not installed (scripts/install-test-deps.sh installs it)` };
}

/**
 * A loopback port that was free a moment ago, for a peer to listen on. Ports come from below
 * the kernel's ephemeral range: a port from inside it (what listening on port 0 gives) can be
 * handed to another process's outgoing connection in the time between this check and the
 * peer's own bind, which then fails; with two test files running at once and peers that take
 * a second to start, that happens. A port is never handed out twice by one process.
 */
export async function freePort(): Promise<number> {
  const top = Math.min(ephemeralLow(), 65536) - 1;
  const bottom = 10_000;
  if (top > bottom + 1000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = bottom + Math.floor(Math.random() * (top - bottom + 1));
      if (handedOut.has(port)) continue;
      if (await canListen(port)) {
        handedOut.add(port);
        return port;
      }
    }
  }
  // A range too small to pick from (or all tries taken): the kernel's choice.
  const port = await new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const p = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => { resolve(p); });
    });
  });
  handedOut.add(port);
  return port;
}

const handedOut = new Set<number>();

/** The lowest port of the kernel's ephemeral range (Linux's default when it cannot be read). */
function ephemeralLow(): number {
  try {
    const lo = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(lo) && lo > 0) return lo;
  } catch { /* not Linux */ }
  return 32768;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => { resolve(false); });
    s.listen(port, '127.0.0.1', () => { s.close(() => { resolve(true); }); });
  });
}

export interface RunningPeer {
  proc: ChildProcess;
  /** Everything the process wrote to stderr and stdout so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts a program with its output kept (the last 200 KB); `env` adds to this process's environment. */
export function startPeer(path: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): RunningPeer {
  const env = opts.env === undefined ? undefined : { ...process.env, ...opts.env };
  const proc = spawn(path, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer): void => { out = (out + b.toString('utf8')).slice(-200_000); };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => { proc.once('exit', () => { resolve(); }); });
  return {
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** Polls `url` until it answers 200 or the deadline passes. */
export async function waitReady(url: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a non-undefined value or the deadline passes. */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** The repository root: the nearest ancestor of this file with a package.json. */
export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('repository root not found');
    d = up;
  }
  return d;
}

/** A file of the shared reference material (../shared beside the repository). */
export function sharedPath(...parts: string[]): string {
  return join(repoRoot(), '..', 'shared', ...parts);
}

export function readShared(...parts: string[]): string {
  return readFileSync(sharedPath(...parts), 'utf8');
}

/**
 * The command that runs `watchfire` from the code under test: the compiled entry when the
 * tests run from dist/, the TypeScript sources through tsx when they run from src/.
 */
export function watchfireCommand(): { cmd: string; args: string[] } {
  const fromSrc = import.meta.url.endsWith('.ts');
  const root = repoRoot();
  // tsx by its resolved path, so that the command also works from another working directory.
  if (fromSrc) return { cmd: process.execPath, args: ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cmd', 'cli.ts')] };
  return { cmd: process.execPath, args: [join(root, 'bin', 'watchfire')] };
}

/** Prometheus and Watchfire running on the same configuration, each with its own data directory. */
export interface SideBySide {
  prometheus: string;
  watchfire: string;
  /** Both processes' last output, for a failing test to print. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus (`promPath`) and Watchfire on the config file `cfg`, data under `dir`
 * (`prom/`, `wf/`), and waits until both are ready; `watchfireArgs` go to Watchfire only.
 * If either does not come up, both are stopped and the error carries their output.
 */
export async function startSideBySide(promPath: string, cfg: string, dir: string, watchfireArgs: readonly string[] = []): Promise<SideBySide> {
  const [pp, wp] = [await freePort(), await freePort()];
  const wf = watchfireCommand();
  const procs = [
    startPeer(promPath, [`--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${pp}`, `--storage.tsdb.path=${join(dir, 'prom')}`]),
    startPeer(wf.cmd, [...wf.args, `--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${wp}`, `--storage.tsdb.path=${join(dir, 'wf')}`, ...watchfireArgs]),
  ];
  const sides: SideBySide = {
    prometheus: `http://127.0.0.1:${pp}`,
    watchfire: `http://127.0.0.1:${wp}`,
    output: () => procs.map((p) => p.output().slice(-3000)).join('\n'),
    stop: async () => { await Promise.all(procs.map((p) => p.stop())); },
  };
  try {
    await Promise.all([waitReady(`${sides.prometheus}/-/ready`, 30_000), waitReady(`${sides.watchfire}/-/ready`, 30_000)]);
  } catch (e) {
    await sides.stop();
    throw new Error(`side by side: ${e instanceof Error ? e.message : String(e)}\n${sides.output()}`, { cause: e });
  }
  return sides;
}
