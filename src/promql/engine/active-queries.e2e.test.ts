/**
 * queries.active through the server, and across the two servers: Watchfire keeps the file as
 * Prometheus does (a query's slot while it runs), logs what a killed run left, and Prometheus
 * started on a directory Watchfire left after a crash logs Watchfire's unfinished queries.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../../util/log.js';
import { eventually, freePort, peer, startPeer, waitReady, watchfireCommand } from '../../testing/peers.js';
import { ACTIVE_QUERIES_FILENAME, ActiveQueryTracker, ENTRY_SIZE, unfinishedQueries } from './active-queries.js';

const prometheus = peer('prometheus');

async function startWatchfire(dir: string, extra: string[] = []): Promise<{ port: number; p: ReturnType<typeof startPeer> }> {
  const port = await freePort();
  const w = watchfireCommand();
  const p = startPeer(w.cmd, [...w.args, `--config.file=${join(dir, 'w.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...extra]);
  await waitReady(`http://127.0.0.1:${port}/-/ready`, 30_000);
  return { port, p };
}

void describe('queries.active (server)', () => {
  void it('is made at start for --query.max-concurrency slots, cleared after each query; the next start logs what a kill -9 left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-aq-e2e-'));
    writeFileSync(join(dir, 'w.yml'), 'global:\n  scrape_interval: 15s\n');
    try {
      const { port, p } = await startWatchfire(dir, ['--query.max-concurrency=4']);
      const file = join(dir, 'data', ACTIVE_QUERIES_FILENAME);
      try {
        assert.equal(statSync(file).size, 1 + 4 * ENTRY_SIZE);
        const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('vector(1) + 1')}`);
        assert.equal(r.status, 200);
        await r.text();
        assert.equal(unfinishedQueries(readFileSync(file)), null, 'no slot left after the query');
      } finally {
        await p.stop();
      }
      // A crash while a query runs: its slot stays written (as the running server's would).
      const t = ActiveQueryTracker.open(join(dir, 'data'), 4, nopLogger)!;
      t.insert('sum by (job) (rate(http_requests_total[5m]))');
      t.flush();
      const again = await startWatchfire(dir, ['--query.max-concurrency=4']);
      try {
        await eventually(() => /These queries didn't finish in the last run:/.test(again.p.output()) || undefined, 10_000, 'the unfinished-query log line');
        assert.match(again.p.output(), /sum by \(job\) \(rate\(http_requests_total\[5m\]\)\)/);
        assert.equal(unfinishedQueries(readFileSync(file)), null, 'started afresh');
      } finally {
        await again.p.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('a query running when the server is killed (SIGKILL) is logged by the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-aq-kill-'));
    writeFileSync(join(dir, 'w.yml'), 'global:\n  scrape_interval: 15s\n');
    const file = join(dir, 'data', ACTIVE_QUERIES_FILENAME);
    try {
      const { port, p } = await startWatchfire(dir);
      // Eight copies of a nested subquery over 9,600 steps (about half a second each alone),
      // taking turns in the engine: the server is killed as soon as one's slot is in the file.
      const q = 'max_over_time(count_over_time(timestamp(vector(1))[6h:1s])[6h:1s])';
      const reqs = Array.from({ length: 8 }, () => fetch(`http://127.0.0.1:${port}/api/v1/query_range?query=${encodeURIComponent(q)}&start=0&end=86400&step=9`).catch(() => undefined));
      try {
        await eventually(() => unfinishedQueries(readFileSync(file))?.includes('max_over_time') || undefined, 20_000, 'a running query in queries.active');
      } finally {
        p.proc.kill('SIGKILL');
        await p.stop();
        await Promise.all(reqs);
      }
      const again = await startWatchfire(dir);
      try {
        await eventually(() => /These queries didn't finish in the last run:/.test(again.p.output()) || undefined, 10_000, 'the unfinished-query log line');
        assert.match(again.p.output(), /max_over_time\(count_over_time\(timestamp\(vector\(1\)\)\[6h:1s\]\)\[6h:1s\]\)/);
      } finally {
        await again.p.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('Prometheus started on the directory a crashed Watchfire left logs its unfinished queries', { skip: prometheus.skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-aq-prom-'));
    writeFileSync(join(dir, 'w.yml'), 'global:\n  scrape_interval: 15s\n');
    try {
      const w = await startWatchfire(dir);
      await w.p.stop();
      // Prometheus's default --query.max-concurrency is 20, as is Watchfire's.
      const t = ActiveQueryTracker.open(join(dir, 'data'), 20, nopLogger)!;
      t.insert('up{job="node"} == 0');
      t.flush();
      const port = await freePort();
      const p = startPeer(prometheus.path, [`--config.file=${join(dir, 'w.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
      try {
        await waitReady(`http://127.0.0.1:${port}/-/ready`, 30_000);
        const line = p.output().split('\n').find((l) => l.includes("These queries didn't finish"));
        assert.ok(line !== undefined, p.output().slice(-2000));
        assert.match(line, /up\{job=\\+"node\\+"\} == 0/);
      } finally {
        await p.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
