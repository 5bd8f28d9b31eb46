/**
 * A block written entirely by Watchfire (XOR chunks from chunkenc, our index, meta.json and
 * tombstones) served by a real Prometheus 2.42: its query and metadata APIs must answer
 * from our files exactly as the data says, deletions included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, asMillis } from '../../model/index.js';
import { XorChunk } from '../chunkenc/index.js';
import { collectSymbols, compareLabelsUtf8 } from '../index/index.js';
import { freePort, peer, startPeer, waitReady } from '../../testing/peers.js';
import {
  Block, writeBlock, type ChunkToWrite, type SeriesToWrite,
} from './index.js';

const prometheus = peer('prometheus');

const STEP = 15_000;
const PER_CHUNK = 120;

interface Truth { labels: Labels; ts: number[]; vs: number[] }

function makeSeries(minTime: number, n: number): Truth[] {
  const out: Truth[] = [];
  for (let i = 0; i < n; i++) {
    const labels = Labels.fromStrings('__name__', i % 2 === 0 ? 'wf_gauge' : 'wf_other', 'job', `job-${i % 4}`, 'i', String(i), 'note', i % 10 === 0 ? 'naïve "quoted"' : 'plain');
    const ts: number[] = [], vs: number[] = [];
    for (let t = minTime + (i % 7) * 1000; t < minTime + 7_200_000; t += STEP) {
      ts.push(t);
      vs.push(((t / STEP) % 100) * 0.5 + i);
    }
    out.push({ labels, ts, vs });
  }
  return out.sort((a, b) => compareLabelsUtf8(a.labels, b.labels));
}

function encode(s: Truth): SeriesToWrite {
  const chunks: ChunkToWrite[] = [];
  for (let k = 0; k < s.ts.length; k += PER_CHUNK) {
    const c = XorChunk.empty();
    const app = c.appender();
    const end = Math.min(s.ts.length, k + PER_CHUNK);
    for (let j = k; j < end; j++) app.append(asMillis(s.ts[j]!), s.vs[j]!);
    chunks.push({ mint: s.ts[k]!, maxt: s.ts[end - 1]!, chunk: c, ref: 0 });
  }
  return { labels: s.labels, chunks };
}

interface ApiResponse { status: string; data: unknown }

async function api(base: string, path: string): Promise<unknown> {
  const r = await fetch(base + path);
  const body = (await r.json()) as ApiResponse;
  assert.equal(body.status, 'success', `${path}: ${JSON.stringify(body)}`);
  return body.data;
}

interface VectorData { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }

test('Prometheus 2.42 serves queries from a block we wrote', { skip: prometheus.skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-prom-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const minTime = Math.floor(Date.now() / 7_200_000) * 7_200_000 - 3 * 7_200_000;
  const maxTime = minTime + 7_200_000;
  const truth = makeSeries(minTime, 200);
  let prom: ReturnType<typeof startPeer> | null = null;
  try {
    const written = await writeBlock({ symbols: collectSymbols(truth.map((s) => s.labels)), series: truth.map(encode) }, {
      parentDir: data, minTime, maxTime
    });
    assert.ok(written !== null);
    // Delete the first hour of i="3" as Prometheus's delete API does on a block.
    const b = await Block.open(written.dir);
    await b.delete(minTime, minTime + 3_600_000 - 1, [new Matcher('=', 'i', '3')]);
    assert.equal(b.meta.stats.numTombstones, 1);
    await b.close();

    const port = await freePort();
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    prom = startPeer(prometheus.path, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.min-block-duration=2h', '--storage.tsdb.max-block-duration=2h', '--storage.tsdb.retention.time=100y',
    ]);
    const base = `http://127.0.0.1:${port}`;
    await waitReady(`${base}/-/ready`, 20_000);
    const at = (minTime + 7_200_000 - STEP) / 1000;

    const count = (await api(base, `/api/v1/query?query=${encodeURIComponent('count(wf_gauge)')}&time=${at}`)) as VectorData;
    assert.equal(count.result[0]?.value[1], String(truth.filter((s) => s.labels.metricName() === 'wf_gauge').length));

    // Exact values at sample times, for every series.
    const t0 = minTime + 5_400_000;
    const inst = (await api(base, `/api/v1/query?query=${encodeURIComponent('{__name__=~"wf_.*"}')}&time=${t0 / 1000}`)) as VectorData;
    assert.equal(inst.result.length, truth.length);
    for (const r of inst.result) {
      const s = truth.find((x) => x.labels.get('i') === r.metric['i'])!;
      let k = s.ts.length - 1;
      while (s.ts[k]! > t0) k--;
      assert.equal(Number(r.value[1]), s.vs[k], `value of ${JSON.stringify(r.metric)}`);
      assert.deepEqual(Labels.fromObject(r.metric).toString(), s.labels.toString());
    }

    // Sums over the whole block check every sample; the tombstone removes the first hour of i="3".
    const sums = (await api(base, `/api/v1/query?query=${encodeURIComponent('count_over_time({__name__=~"wf_.*"}[2h])')}&time=${at}`)) as VectorData;
    for (const r of sums.result) {
      const s = truth.find((x) => x.labels.get('i') === r.metric['i'])!;
      const inWindow = s.ts.filter((t) => t > at * 1000 - 7_200_000 && t <= at * 1000);
      const want = r.metric['i'] === '3' ? inWindow.filter((t) => t >= minTime + 3_600_000).length : inWindow.length;
      assert.equal(Number(r.value[1]), want, `count of i=${r.metric['i'] ?? ''}`);
    }

    const series = (await api(base, `/api/v1/series?match[]=${encodeURIComponent('wf_other{job="job-1"}')}&start=${minTime / 1000}&end=${maxTime / 1000}`)) as Record<string, string>[];
    const want = truth.filter((s) => s.labels.metricName() === 'wf_other' && s.labels.get('job') === 'job-1').map((s) => s.labels.toString()).sort();
    assert.deepEqual(series.map((m) => Labels.fromObject(m).toString()).sort(), want);
    const jobs = (await api(base, `/api/v1/label/job/values?start=${minTime / 1000}&end=${maxTime / 1000}`)) as string[];
    assert.deepEqual(jobs, ['job-0', 'job-1', 'job-2', 'job-3']);
    const names = (await api(base, `/api/v1/labels?start=${minTime / 1000}&end=${maxTime / 1000}`)) as string[];
    assert.deepEqual(names, ['__name__', 'i', 'job', 'note']);
  } finally {
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
