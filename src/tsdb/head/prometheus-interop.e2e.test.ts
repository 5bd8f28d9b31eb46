/**
 * Interop with a real Prometheus 2.42, both ways:
 * - Prometheus scrapes itself for a few seconds and is stopped (SIGTERM, or SIGKILL for the
 *   WAL-only case); the head opens its data directory and holds exactly the series and samples
 *   `promtool tsdb dump` reads from it (promtool replays the head too).
 * - The head writes a data directory (WAL and chunks_head); Prometheus starts on it, replays it
 *   and its query API serves exactly our samples.
 * - Chunk snapshots (memory-snapshot-on-shutdown) both ways: with the WAL blanked after the
 *   snapshot was written, the other side's data can only come from the snapshot.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseGoFloat } from '../../model/index.js';
import { eventually, freePort, peer, sleep, startPeer, waitReady, type RunningPeer } from '../../testing/peers.js';
import { Head } from './index.js';
import { dump, L, ms, removeDir, tempDir } from './test-support.js';

async function startPrometheus(path: string, dataDir: string, config: string, extra: string[] = []): Promise<{ p: RunningPeer; base: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const cfg = join(dataDir, '..', 'prometheus.yml');
    await writeFile(cfg, config.replaceAll('PORT', String(port)));
    const p = startPeer(path, [`--config.file=${cfg}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`, ...extra]);
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitReady(`${base}/-/ready`, 15000);
      await sleep(50);
      if (p.proc.exitCode === null && p.proc.signalCode === null) return { p, base };
    } catch (e) {
      await p.stop();
      if (attempt >= 3) throw new Error(`prometheus did not start: ${p.output().slice(-2000)}`, { cause: e });
      continue;
    }
    await p.stop();
    if (attempt >= 3) throw new Error(`prometheus exited: ${p.output().slice(-2000)}`);
  }
}

interface Result { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }

async function query(base: string, q: string, time: number): Promise<Result[]> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${(time / 1000).toFixed(3)}`);
  const j = await r.json() as { status: string; error?: string; data: { result: Result[] } };
  assert.equal(j.status, 'success', j.error);
  return j.data.result;
}

function sameFloat(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Overwrites every WAL segment with zeros (same size): a replay of it finds no record. */
async function blankWal(data: string): Promise<void> {
  const wal = join(data, 'wal');
  for (const name of await readdir(wal)) {
    if (!/^[0-9]+$/.test(name)) continue;
    const f = join(wal, name);
    await writeFile(f, Buffer.alloc((await stat(f)).size));
  }
}

/**
 * Prometheus writes, the head reads. `snapshot`: both run with memory-snapshot-on-shutdown and
 * the WAL is blanked after promtool has read it, so the head's data can only come from
 * Prometheus's chunk snapshot and chunks_head.
 */
async function prometheusWritesHeadReads(signal: 'SIGTERM' | 'SIGKILL', snapshot = false): Promise<{ samples: number; series: number } | string> {
  const prom = peer('prometheus');
  const promtool = peer('promtool');
  if (prom.skip !== false) return prom.skip;
  if (promtool.skip !== false) return promtool.skip;
  const root = await tempDir('watchfire-head-prom-');
  try {
    const data = join(root, 'data');
    await mkdir(data);
    const extra = snapshot ? ['--enable-feature=memory-snapshot-on-shutdown'] : [];
    const { p, base } = await startPrometheus(prom.path, data, 'global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs: [{ targets: [\'127.0.0.1:PORT\'] }]\n', extra);
    try {
      await eventually(async () => {
        const r = await query(base, 'count_over_time(up{job="self"}[1m])', Date.now());
        return r.length === 1 && Number(r[0]!.value![1]) >= 3 ? true : undefined;
      }, 20000, 'three scrapes of Prometheus by itself');
    } finally {
      if (signal === 'SIGKILL') p.proc.kill('SIGKILL');
      await p.stop();
    }
    const out = spawnSync(promtool.path, ['tsdb', 'dump', data], { encoding: 'utf8', maxBuffer: 256 << 20 });
    assert.equal(out.status, 0, out.stderr);
    const theirs = new Map<string, number>();
    for (const line of out.stdout.split('\n')) {
      if (line === '') continue;
      const i = line.lastIndexOf(' ');
      const j = line.lastIndexOf(' ', i - 1);
      theirs.set(`${line.slice(0, j)} ${line.slice(i + 1)}`, parseGoFloat(line.slice(j + 1, i)) ?? NaN);
    }
    if (snapshot) {
      assert.ok((await readdir(data)).some((n) => n.startsWith('chunk_snapshot.')), 'Prometheus wrote a chunk snapshot');
      await blankWal(data);
    }
    const h = await Head.open(data, { walSync: 'write', enableMemorySnapshotOnShutdown: snapshot });
    if (snapshot) assert.ok(h.replayResult().snapshotSeries > 0, 'series came from the snapshot');
    let series = 0;
    const ours = new Map<string, number>();
    try {
      for (const [labels, samples] of await dump(h)) {
        series++;
        for (const [t, v] of samples) ours.set(`${labels} ${t}`, v === 'stale' ? NaN : Number(v));
      }
    } finally {
      await h.close();
    }
    assert.ok(theirs.size > 300, `promtool dumped ${theirs.size} samples`);
    assert.equal(ours.size, theirs.size, 'sample count');
    let mismatches = 0;
    for (const [k, v] of theirs) {
      const mine = ours.get(k);
      if (mine === undefined || !sameFloat(mine, v)) mismatches++;
    }
    assert.equal(mismatches, 0, 'every sample equal');
    return { samples: ours.size, series };
  } finally {
    await removeDir(root);
  }
}

void test('the head opens a data directory Prometheus 2.42 left at SIGTERM: equal to promtool tsdb dump', { timeout: 30000 }, async (t) => {
  const r = await prometheusWritesHeadReads('SIGTERM');
  if (typeof r === 'string') { t.skip(r); return; }
  t.diagnostic(`${r.series} series, ${r.samples} samples equal`);
});

void test('the head opens a WAL-only data directory Prometheus 2.42 left at SIGKILL: equal to promtool tsdb dump', { timeout: 30000 }, async (t) => {
  const r = await prometheusWritesHeadReads('SIGKILL');
  if (typeof r === 'string') { t.skip(r); return; }
  t.diagnostic(`${r.series} series, ${r.samples} samples equal`);
});

void test('the head starts from the chunk snapshot Prometheus 2.42 wrote at SIGTERM: equal to promtool tsdb dump', { timeout: 30000 }, async (t) => {
  const r = await prometheusWritesHeadReads('SIGTERM', true);
  if (typeof r === 'string') { t.skip(r); return; }
  t.diagnostic(`${r.series} series, ${r.samples} samples equal, with the WAL blanked`);
});

const SERIES = 30;
const STEP = 15_000;

function valueOf(i: number, k: number): number {
  switch (i % 5) {
    case 0: return i * 1.5 + k;
    case 1: return -k / 3;
    case 2: return 1e300 * (k % 2 === 0 ? 1 : -1);
    case 3: return Math.round(Math.sin(k) * 1e6) / 1e3;
    default: return k === 7 ? NaN : 2 ** 52 + k;
  }
}

function isStale(i: number, k: number): boolean {
  return i % 3 === 0 && (k === 9 || k === 200);
}

/**
 * The head writes, Prometheus reads and serves. `snapshot`: the head closes with a chunk
 * snapshot, the WAL is blanked, and Prometheus runs with memory-snapshot-on-shutdown, so that
 * what it serves comes from the snapshot and chunks_head.
 */
async function headWritesPrometheusServes(t: TestContext, snapshot: boolean): Promise<void> {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const root = await tempDir('watchfire-head-prom2-');
  try {
    const data = join(root, 'data');
    // 80 minutes of samples ending now: two chunks per series, the first in chunks_head.
    const points = (80 * 60_000) / STEP;
    const tEnd = Math.floor(Date.now() / STEP) * STEP;
    const t0 = tEnd - (points - 1) * STEP;
    const h = await Head.open(data, { walSync: 'write', enableMemorySnapshotOnShutdown: snapshot });
    for (let k = 0; k < points; k++) {
      const a = h.appender();
      for (let i = 0; i < SERIES; i++) {
        const l = L('__name__', 'wf_head_interop', 'idx', String(i), 'job', 'wf');
        // A stale marker (exact bits in WAL and chunks): Prometheus leaves it out of range vectors.
        if (isStale(i, k)) a.appendStale(0, l, ms(t0 + k * STEP));
        else a.append(0, l, ms(t0 + k * STEP), valueOf(i, k));
      }
      await a.commit();
    }
    await h.close();
    assert.ok((await readdir(join(data, 'chunks_head'))).length > 0, 'chunks_head written');
    if (snapshot) await blankWal(data);
    const extra = snapshot ? ['--enable-feature=memory-snapshot-on-shutdown'] : [];
    const { p, base } = await startPrometheus(prom.path, data, 'global:\n  scrape_interval: 1h\n', extra);
    try {
      if (snapshot) assert.match(p.output(), new RegExp(`chunk snapshot loaded.*num_series=${SERIES}`));
      const res = await query(base, `wf_head_interop[${(points * STEP) / 1000 + 60}s]`, tEnd);
      assert.equal(res.length, SERIES);
      let compared = 0;
      for (const r of res) {
        const i = Number(r.metric['idx']);
        const ks: number[] = [];
        for (let k = 0; k < points; k++) if (!isStale(i, k)) ks.push(k);
        assert.equal(r.values!.length, ks.length, `series ${i}`);
        for (let j = 0; j < ks.length; j++) {
          const k = ks[j]!;
          const [ts, v] = r.values![j]!;
          assert.equal(Math.round(ts * 1000), t0 + k * STEP);
          const want = valueOf(i, k);
          assert.ok(sameFloat(parseGoFloat(v) ?? NaN, want), `series ${i} point ${k}: ${v} vs ${want}`);
          compared++;
        }
      }
      t.diagnostic(`${compared} samples equal through Prometheus's query API${snapshot ? ', from the chunk snapshot' : ''}`);
    } finally {
      await p.stop();
    }
  } finally {
    await removeDir(root);
  }
}

void test('Prometheus 2.42 replays a data directory the head wrote and serves the same samples', { timeout: 30000 }, async (t) => {
  await headWritesPrometheusServes(t, false);
});

void test('Prometheus 2.42 with memory-snapshot-on-shutdown starts from the head\'s chunk snapshot and serves the same samples', { timeout: 30000 }, async (t) => {
  await headWritesPrometheusServes(t, true);
});

void test('Prometheus 2.42 with an out-of-order window replays the head\'s WAL and WBL: out-of-order samples included', { timeout: 30000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const root = await tempDir('watchfire-head-prom3-');
  try {
    const data = join(root, 'data');
    const tEnd = Math.floor(Date.now() / STEP) * STEP;
    const t0 = tEnd - 40 * STEP;
    const window = 30 * 60_000;
    const h = await Head.open(data, { walSync: 'write', outOfOrderTimeWindow: window, outOfOrderCapMax: 4 });
    const l = L('__name__', 'wf_head_ooo', 'job', 'wf');
    // Even steps in order, then the odd ones out of order (some OOO chunks get written to chunks_head).
    for (let k = 0; k <= 40; k += 2) { const a = h.appender(); a.append(0, l, ms(t0 + k * STEP), k); await a.commit(); }
    for (let k = 39; k > 0; k -= 2) { const a = h.appender(); a.append(0, l, ms(t0 + k * STEP), k); await a.commit(); }
    const want = (await dump(h)).get('{__name__="wf_head_ooo", job="wf"}')!;
    assert.equal(want.length, 41);
    await h.close();
    const { p, base } = await startPrometheus(prom.path, data, `global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    out_of_order_time_window: 30m\n`);
    try {
      const res = await query(base, `wf_head_ooo[${(41 * STEP) / 1000}s]`, tEnd);
      assert.equal(res.length, 1);
      assert.deepEqual(res[0]!.values!.map(([ts, v]) => [Math.round(ts * 1000), Number(v)]), want);
    } finally {
      await p.stop();
    }
  } finally {
    await removeDir(root);
  }
});
