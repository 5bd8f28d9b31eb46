/**
 * Test support for the abusive-query tests: a Watchfire server process and a real
 * Prometheus 2.42 started side by side with the same flags, loaded with the same samples by
 * remote write, and a way to send both the same raw form body and compare the answers.
 *
 * Watchfire runs as its own process (not in the test's process), so that a crash, a hang
 * or a blocked event loop shows as such instead of stalling the test itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startPeer, waitReady, watchfireCommand, type RunningPeer } from '../../../testing/peers.js';
import { remoteWrite, type RWSeries } from './test-remote-write.js';

export interface Pair {
  wf: string;
  prom: string;
  /** Watchfire's process is still running (it has not crashed). */
  wfAlive(): boolean;
  wfOutput(): string;
  promOutput(): string;
  stop(): Promise<void>;
}

/** Starts both servers with `flags` (besides config, storage and listen address) and waits until both are ready. */
export async function startPair(promPath: string, flags: readonly string[], config = 'global:\n  scrape_interval: 1h\n'): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-abuse-'));
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, config);
  const ports = { wf: await freePort(), prom: await freePort() };
  const wfCmd = watchfireCommand();
  const started: RunningPeer[] = [];
  const stop = async (): Promise<void> => {
    for (const p of started) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const wf = startPeer(wfCmd.cmd, [
      ...wfCmd.args, `--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'wf')}`,
      `--web.listen-address=127.0.0.1:${ports.wf}`, '--log.level=warn', ...flags,
    ]);
    started.push(wf);
    const prom = startPeer(promPath, [
      `--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'prom')}`, `--web.listen-address=127.0.0.1:${ports.prom}`, ...flags,
    ]);
    started.push(prom);
    const base = { wf: `http://127.0.0.1:${ports.wf}`, prom: `http://127.0.0.1:${ports.prom}` };
    await waitReady(`${base.wf}/-/ready`, 30000).catch((e: unknown) => { throw new Error(`${String(e)}\n${wf.output().slice(-3000)}`); });
    await waitReady(`${base.prom}/-/ready`, 30000).catch((e: unknown) => { throw new Error(`${String(e)}\n${prom.output().slice(-3000)}`); });
    return {
      ...base,
      wfAlive: () => wf.proc.exitCode === null && wf.proc.signalCode === null,
      wfOutput: () => wf.output(),
      promOutput: () => prom.output(),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Writes the series to both servers, time-major in windows of `windowMs` (all series of one
 * window before the next), the order in which Prometheus 2.42's head accepts old samples.
 */
export async function loadBoth(pair: Pair, series: readonly RWSeries[], windowMs: number): Promise<void> {
  await loadInto([pair.wf, pair.prom], series, windowMs);
}

/** Writes the series to each server in `bases`, time-major as `loadBoth` does. */
export async function loadInto(bases: readonly string[], series: readonly RWSeries[], windowMs: number): Promise<void> {
  let min = Infinity, max = -Infinity;
  for (const s of series) {
    for (const [t] of s.samples) {
      if (t < min) min = t;
      if (t > max) max = t;
    }
  }
  for (let from = min; from <= max; from += windowMs) {
    const batch: RWSeries[] = [];
    for (const s of series) {
      const samples = s.samples.filter(([t]) => t >= from && t < from + windowMs);
      if (samples.length > 0) batch.push({ labels: s.labels, samples });
    }
    for (const base of bases) {
      const r = await remoteWrite(`${base}/api/v1/write`, batch);
      if (r.status !== 204) throw new Error(`remote write to ${base}: HTTP ${r.status} ${r.body}`);
    }
  }
}

/** `n` counters `name{i="0".."n-1"}`, a sample every 15 s over the `hours` up to `end` (ms), growing by i+1 per sample. */
export function counterSeries(name: string, n: number, hours: number, end: number): RWSeries[] {
  const out: RWSeries[] = [];
  const points = hours * 240 + 1, start = end - hours * 3_600_000;
  for (let k = 0; k < n; k++) {
    const samples: [number, number][] = [];
    for (let j = 0; j < points; j++) samples.push([start + j * 15_000, j * (k + 1)]);
    out.push({ labels: { __name__: name, i: String(k) }, samples });
  }
  return out;
}

export interface Answer {
  status: number;
  /** The parsed JSON body, or null when the body is not JSON. */
  json: Record<string, unknown> | null;
  text: string;
  /** Wall time from sending the request to the end of the response (ms). */
  ms: number;
  /** Set when the request itself failed (connection refused or reset, client timeout). */
  failure?: string;
}

/** POSTs a raw, already encoded form body; never throws (a failed request is an Answer with `failure`). */
export async function post(base: string, path: string, body: string, timeoutMs: number): Promise<Answer> {
  const t0 = performance.now();
  try {
    const r = await fetch(base + path, {
      method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await r.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = null;
    }
    return { status: r.status, json, text, ms: performance.now() - t0 };
  } catch (e) {
    return { status: 0, json: null, text: '', ms: performance.now() - t0, failure: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** A form body with every byte of `value` percent-encoded (so arbitrary, even invalid UTF-8, bytes arrive as they are). */
export function formBytes(name: string, value: Uint8Array, rest = ''): string {
  let s = `${name}=`;
  for (const b of value) s += '%' + (b < 16 ? '0' : '') + b.toString(16);
  return s + rest;
}

/** A form body with the query and further parameters. */
export function form(query: string, params: Record<string, string | number> = {}): string {
  let s = 'query=' + encodeURIComponent(query);
  for (const [k, v] of Object.entries(params)) s += `&${k}=${encodeURIComponent(String(v))}`;
  return s;
}

/** A deterministic pseudo-random generator (an LCG), for reproducible random inputs. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A short description of an answer for failure messages. */
export function answerText(a: Answer): string {
  if (a.failure !== undefined) return `request failed after ${a.ms.toFixed(0)} ms: ${a.failure}`;
  return `HTTP ${a.status} in ${a.ms.toFixed(0)} ms: ${a.text.slice(0, 400)}`;
}
