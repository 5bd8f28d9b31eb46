/**
 * Test support for the promtool-compatible TSDB commands: running promtool, capturing
 * `watchfire tool` output in-process, and data directories made by real Prometheus
 * programs (promtool's backfill, a Prometheus 2.42 server that scraped itself).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

async function until(what: string, deadlineMs: number, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`prometheus fixture: timed out waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * A data directory written by Prometheus 2.42 scraping itself and a small exporter every
 * second. The exporter adds a series after three scrapes (so that series refs are not in
 * label order) and fails from the sixth on, which makes Prometheus write staleness markers.
 * No block is cut (that takes two hours): everything is in the WAL.
 */
export async function prometheusDataDir(prometheus: string, dir: string): Promise<string> {
  let scrapes = 0;
  const exporter = createServer((_req, res) => {
    scrapes++;
    if (scrapes > 5) {
      res.writeHead(503).end('down');
      return;
    }
    let body = '# TYPE wf_fixture_requests counter\n'
      + `wf_fixture_requests{path="/a\\"b",code="200"} ${scrapes * 3}\n`
      + `wf_fixture_requests{path="/",code="500"} ${scrapes}\n`
      + `wf_fixture_temperature{room="café 😀"} ${20 + scrapes / 8}\n`;
    if (scrapes > 3) body += 'wf_fixture_late{x="1"} 1\n';
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((resolve) => { exporter.listen(0, '127.0.0.1', resolve); });
  const eport = (exporter.address() as AddressInfo).port;
  const port = await freePort();
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 1s\nscrape_configs:\n'
    + `  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`
    + `  - job_name: exporter\n    static_configs:\n      - targets: ['127.0.0.1:${eport}']\n`);
  const data = join(dir, 'data');
  const p = startPeer(prometheus, [`--config.file=${cfg}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`]);
  try {
    await waitReady(`http://127.0.0.1:${port}/-/ready`);
    await until('two failed scrapes of the exporter', 25_000, () => Promise.resolve(scrapes >= 7));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${p.output().slice(-2000)}`, { cause: e });
  } finally {
    await p.stop();
    await new Promise<void>((resolve) => { exporter.close(() => { resolve(); }); });
  }
  return data;
}
