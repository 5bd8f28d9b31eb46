/**
 * Interop with a real Prometheus 2.42, both ways:
 * - Prometheus scrapes itself while our watcher tails its WAL live; after SIGTERM we read
 *   its wal/ and decode every record: the series and samples equal what `promtool tsdb
 *   dump` reads from the same directory, and the watcher saw all of them as they landed.
 * - We write a WAL (series and snappy-compressed samples records, a checkpoint and the
 *   segments after it) into an empty data directory; Prometheus replays it and its query
 *   API serves exactly our values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, parseGoFloat } from '../../model/index.js';
import { seededRandom } from '../../util/bench.js';
import { RecordDecoder, RecordEncoder, RecordType, SampleBatch, type RefSeries, type Tombstone } from '../record/index.js';
import { eventually, freePort, peer, sleep, startPeer, waitReady, type RunningPeer } from '../../testing/peers.js';
import { WalWatcher, Wlog, checkpoint, deleteCheckpoints, deleteSegmentsBefore, openReplay, PAGE_SIZE } from './index.js';

interface Decoded {
  series: Map<number, string>;
  /** "labels ts" → value, without samples deleted by tombstones. */
  samples: Map<string, number>;
  /** Label sets that keep at least one sample. */
  liveSeries: Set<string>;
  tombstones: Tombstone[];
  stale: number;
}

/** Reads a WAL directory (checkpoint + segments), applying its tombstones as a head would. */
async function decodeWal(walDir: string): Promise<Decoded> {
  const { reader } = await openReplay(walDir);
  const dec = new RecordDecoder();
  const series = new Map<number, string>();
  const raw: { ref: number; t: number; v: number }[] = [];
  const tombstones: Tombstone[] = [];
  const batch = new SampleBatch();
  const sbuf: RefSeries[] = [];
  let stale = 0;
  try {
    while (reader.nextBuffered() || await reader.next()) {
      const rec = reader.record();
      switch (dec.type(rec)) {
        case RecordType.Series:
          sbuf.length = 0;
          dec.series(rec, sbuf);
          for (const s of sbuf) series.set(s.ref, s.labels.toString());
          break;
        case RecordType.Samples:
          batch.reset();
          dec.samples(rec, batch);
          for (let i = 0; i < batch.length; i++) {
            assert.ok(series.has(batch.ref[i]!), `sample of unknown series ${batch.ref[i]}`);
            if (batch.stale[i] === 1) stale++;
            raw.push({ ref: batch.ref[i]!, t: batch.t[i]!, v: batch.v[i]! });
          }
          break;
        case RecordType.Tombstones:
          dec.tombstones(rec, tombstones);
          break;
        default:
          break;
      }
    }
    assert.equal(reader.err(), null);
  } finally {
    await reader.close();
  }
  const samples = new Map<string, number>();
  const liveSeries = new Set<string>();
  for (const x of raw) {
    if (tombstones.some((d) => d.ref === x.ref && x.t >= d.mint && x.t <= d.maxt)) continue;
    const l = series.get(x.ref)!;
    liveSeries.add(l);
    samples.set(`${l} ${x.t}`, x.v);
  }
  return { series, samples, liveSeries, tombstones, stale };
}

function sameFloat(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

async function startPrometheus(path: string, dataDir: string, config: string, extra: string[] = []): Promise<{ p: RunningPeer; base: string }> {
  // Another process on this shared machine may take the free port before Prometheus binds
  // it; then ours exits and someone else answers. Check it is ours, else retry elsewhere.
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

async function query(base: string, q: string, time: number): Promise<{ metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[]> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${(time / 1000).toFixed(3)}`);
  const j = await r.json() as { status: string; error?: string; data: { result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] } };
  assert.equal(j.status, 'success', j.error);
  return j.data.result;
}

test('reads the WAL a real Prometheus wrote: same series and samples as promtool tsdb dump', { timeout: 30000 }, async (t) => {
  const prom = peer('prometheus');
  const promtool = peer('promtool');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  if (promtool.skip !== false) { t.skip(promtool.skip); return; }
  const root = await mkdtemp(join(tmpdir(), 'watchfire-wal-prom-'));
  try {
    const data = join(root, 'data');
    await mkdir(data);
    const { p, base } = await startPrometheus(prom.path, data, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs: [{ targets: ['127.0.0.1:PORT'] }]\n`, ['--web.enable-admin-api']);
    // Meanwhile a watcher tails the WAL Prometheus is writing, as a remote-write sender would.
    const tailed = { samples: 0, series: 0, notTail: 0 };
    const tdec = new RecordDecoder();
    const tbatch = new SampleBatch();
    const tseries: RefSeries[] = [];
    const watcher = new WalWatcher(join(data, 'wal'), {
      record: (rec, at) => {
        if (!at.tail) tailed.notTail++;
        if (rec[0] === RecordType.Series) { tseries.length = 0; tdec.series(rec, tseries); tailed.series += tseries.length; }
        if (rec[0] === RecordType.Samples) { tbatch.reset(); tdec.samples(rec, tbatch); tailed.samples += tbatch.length; }
      },
    }, { pollIntervalMs: 50 });
    const ac = new AbortController();
    const watching = watcher.run(ac.signal);
    try {
      // Prometheus applies new targets after about 5 s; then wait for three scrapes.
      await eventually(async () => {
        const r = await query(base, 'count_over_time(up{job="self"}[1m])', Date.now());
        return r.length === 1 && Number(r[0]!.value![1]) >= 3 ? true : undefined;
      }, 20000, 'three scrapes of Prometheus by itself');
      // A deletion: Prometheus logs a tombstone record; applied to the decoded samples it
      // must leave exactly what promtool reads.
      const del = await fetch(`${base}/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent('{__name__="up"}')}`, { method: 'POST' });
      assert.equal(del.status, 204);
    } finally {
      await p.stop();
    }

    const ours = await decodeWal(join(data, 'wal'));
    try {
      await eventually(() => (tailed.series >= ours.series.size && tailed.samples >= ours.samples.size ? true : undefined), 5000, 'the watcher to catch up');
    } finally {
      ac.abort();
      await watching;
    }
    const rawSamples = tailed.samples;
    assert.deepEqual(tailed, { samples: rawSamples, series: ours.series.size, notTail: 0 }, 'the watcher saw every record live');
    assert.equal(ours.tombstones.length, 1);
    // Prometheus clamps the deletion to the series' time range before logging it.
    assert.ok(ours.tombstones[0]!.maxt >= ours.tombstones[0]!.mint);
    const dump = spawnSync(promtool.path, ['tsdb', 'dump', data], { encoding: 'utf8', maxBuffer: 256 << 20 });
    assert.equal(dump.status, 0, dump.stderr);
    const theirs = new Map<string, number>();
    const theirSeries = new Set<string>();
    for (const line of dump.stdout.split('\n')) {
      if (line === '') continue;
      const i = line.lastIndexOf(' ');
      const j = line.lastIndexOf(' ', i - 1);
      const labels = line.slice(0, j);
      theirSeries.add(labels);
      theirs.set(`${labels} ${line.slice(i + 1)}`, parseGoFloat(line.slice(j + 1, i)) ?? NaN);
    }
    assert.ok(theirs.size > 300, `promtool dumped ${theirs.size} samples`);
    assert.equal(ours.liveSeries.size, theirSeries.size, 'series count');
    assert.ok(ours.series.size > ours.liveSeries.size, 'the deleted series is in the WAL but has no samples left');
    assert.equal(ours.samples.size, theirs.size, 'sample count');
    let mismatches = 0;
    for (const [k, v] of theirs) {
      const mine = ours.samples.get(k);
      if (mine === undefined || !sameFloat(mine, v)) mismatches++;
    }
    assert.equal(mismatches, 0, 'every sample equal');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

const SERIES = 300;
const STEP = 15_000;
const POINTS = 8;

/** The value our WAL stores for series `i` at point `k` (covering awkward floats too). */
function valueOf(i: number, k: number): number {
  switch (i % 6) {
    case 0: return i * 1.5 + k;
    case 1: return -(i + k) / 7;
    case 2: return 1e-300 * (k + 1);
    case 3: return (i + 1) * 1e15 + k * 0.25;
    case 4: return k % 2 === 0 ? -0 : 0.1 + 0.2;
    default: return Math.PI * (i - k);
  }
}

test('Prometheus replays a WAL we wrote (checkpoint + snappy segments) and serves the exact values', { timeout: 30000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const root = await mkdtemp(join(tmpdir(), 'watchfire-wal-prom-'));
  try {
    const data = join(root, 'data');
    const walDir = join(data, 'wal');
    const t0 = Math.floor(Date.now() / 1000) * 1000 - POINTS * STEP;
    const enc = new RecordEncoder();
    // Small segments so that the checkpoint and several segments are exercised.
    const w = await Wlog.open(walDir, { compression: 'snappy', sync: 'write', segmentSize: 4 * PAGE_SIZE });
    const series: RefSeries[] = [];
    // A random-looking label makes the series record big and poorly compressible, so that
    // it spans pages (first/middle/last fragments).
    const rnd = seededRandom(3);
    const hex = (): string => Array.from({ length: 160 }, () => Math.floor(rnd() * 16).toString(16)).join('');
    for (let i = 0; i < SERIES; i++) series.push({ ref: i + 1, labels: Labels.fromStrings('__name__', 'wf_wal_interop', 'idx', String(i), 'job', 'wf', 'uid', hex()) });
    await w.log([enc.series(series)]);
    let logged = 1;
    const batch = new SampleBatch(SERIES);
    for (let k = 0; k < POINTS; k++) {
      batch.reset();
      for (let i = 0; i < SERIES; i++) batch.push(i + 1, t0 + k * STEP, valueOf(i, k), i === 7 && k === POINTS - 1);
      await w.log([enc.samples(batch)]);
      logged++;
      if (k === 2 || k === 5) await w.nextSegment();
    }
    const wst = w.stats();
    await w.close();
    assert.ok(wst.recordBytesSaved > 0, 'snappy compressed some records');
    assert.ok(wst.recordPartWrites > logged, 'some record was split across pages');
    // Checkpoint segments 0..1, dropping samples before point 1; keep all series.
    const mint = t0 + STEP;
    const stats = await checkpoint(walDir, 0, 1, () => true, mint, { compression: 'snappy' });
    assert.equal(stats.droppedSamples, SERIES);
    assert.equal(await deleteSegmentsBefore(walDir, 2), 2);
    await deleteCheckpoints(walDir, 1);

    const expected = await decodeWal(walDir);
    assert.equal(expected.series.size, SERIES);
    assert.equal(expected.samples.size, SERIES * (POINTS - 1));

    const { p, base } = await startPrometheus(prom.path, data, 'global:\n  scrape_interval: 1h\n');
    try {
      const tEnd = t0 + (POINTS - 1) * STEP;
      const result = await query(base, `wf_wal_interop[${POINTS * STEP / 1000 + 60}s]`, tEnd);
      assert.equal(result.length, SERIES, 'every series replayed');
      let checked = 0;
      for (const s of result) {
        const i = Number(s.metric['idx']);
        const vals = s.values!;
        // Point 0 went away with the checkpoint's mint; a stale marker is not returned by range selectors.
        const wantPoints = i === 7 ? POINTS - 2 : POINTS - 1;
        assert.equal(vals.length, wantPoints, `series ${i}`);
        for (let n = 0; n < vals.length; n++) {
          const k = n + 1;
          const [ts, v] = vals[n]!;
          assert.equal(Math.round(ts * 1000), t0 + k * STEP);
          assert.ok(sameFloat(parseGoFloat(v) ?? NaN, valueOf(i, k)), `series ${i} point ${k}: ${v} vs ${valueOf(i, k)}`);
          checked++;
        }
      }
      assert.equal(checked, SERIES * (POINTS - 1) - 1);
      // The stale marker ends series 7 at the last point.
      const inst = await query(base, 'wf_wal_interop{idx="7"}', tEnd);
      assert.equal(inst.length, 0);
      assert.doesNotMatch(p.output(), /corrupt/i);
    } finally {
      await p.stop();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
