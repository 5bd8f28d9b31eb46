/**
 * Test support for the promtool-compatible TSDB commands: running promtool, capturing
 * `watchfire tool` output in-process, and data directories made by real Prometheus
 * programs (promtool's backfill, a Prometheus 2.42 server that scraped itself).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, sleep, startPeer, waitReady } from '../../../testing/peers.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (bounded). */
export function runProgram(path: string, args: readonly string[], timeoutMs = 60_000): Run {
  const r = spawnSync(path, args, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutMs });
  if (r.error !== undefined) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** A ToolIO that keeps what a command writes. */
export function captureIO(): { out: (s: string) => void; err: (s: string) => void; stdout: string; stderr: string } {
  const io = {
    stdout: '', stderr: '',
    out: (s: string) => { io.stdout += s; },
    err: (s: string) => { io.stderr += s; },
  };
  return io;
}

/** Copies a data directory and adds the `wal` directory promtool 2.42's dump insists on. */
export function copyWithWal(src: string, dst: string): string {
  cpSync(src, dst, { recursive: true });
  mkdirSync(join(dst, 'wal'), { recursive: true });
  return dst;
}

/** The first differing line of two texts, for assertion messages. */
export function firstDiff(a: string, b: string): string {
  const x = a.split('\n'), y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: ours ${JSON.stringify(x[i])}, promtool ${JSON.stringify(y[i])}`;
  }
  return 'equal';
}

async function query(port: number, q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
  const j = (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return j.data.result;
}

async function until(what: string, deadlineMs: number, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`prometheus fixture: timed out waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * A data directory written by Prometheus 2.42 scraping itself every second under two job
 * names; the second job is then removed by a config reload, so that the WAL also holds
 * staleness markers. No block is cut (that takes two hours): everything is in the WAL.
 */
export async function prometheusDataDir(prometheus: string, dir: string): Promise<string> {
  const port = await freePort();
  const cfg = join(dir, 'prometheus.yml');
  const job = (name: string): string => `  - job_name: ${name}\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`;
  const head = 'global:\n  scrape_interval: 1s\nscrape_configs:\n';
  writeFileSync(cfg, head + job('self') + job('second'));
  const data = join(dir, 'data');
  const p = startPeer(prometheus, [
    `--config.file=${cfg}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-lifecycle',
  ]);
  try {
    await waitReady(`http://127.0.0.1:${port}/-/ready`);
    await until('three scrapes of the second job', 25_000, async () => {
      const r = await query(port, 'count_over_time(up{job="second"}[1m])');
      return r.length > 0 && Number(r[0]!.value[1]) >= 3;
    });
    writeFileSync(cfg, head + job('self'));
    const reload = await fetch(`http://127.0.0.1:${port}/-/reload`, { method: 'POST' });
    if (reload.status !== 200) throw new Error(`prometheus fixture: reload answered ${reload.status}`);
    await until('staleness of the removed job', 15_000, async () => (await query(port, 'up{job="second"}')).length === 0);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${p.output().slice(-2000)}`, { cause: e });
  } finally {
    await p.stop();
  }
  return data;
}
