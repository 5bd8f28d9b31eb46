/**
 * A 200k-series index written and read with bounded memory: the writer streams, the reader
 * keeps sampled tables and a fixed-size cache instead of the file (checked on the heap,
 * and loosely on RSS), and answers stay exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Labels } from '../../model/index.js';
import { IndexReader, IndexWriter, compareUtf8, expandPostings, type ChunkMeta } from './index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const N = 200_000;

/** Heap and buffer bytes in use, after letting finished work be collected. */
async function heapAndBuffers(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
const METRICS = 50;

function labelsOf(i: number): Labels {
  const m = Math.floor(i / (N / METRICS)), k = i % (N / METRICS);
  return Labels.fromSortedArray([
    '__name__', `metric_${String(m).padStart(2, '0')}`, 'id', String(i).padStart(7, '0'),
    'instance', `10.1.${(k % 1000) >> 8}.${(k % 1000) & 255}:9100`, 'job', `job-${k % 5}`,
    'pod', `pod-${i.toString(36).padStart(4, '0')}`, 'zone', `zone-${k % 3}`,
  ]);
}

/** Writes the index; a function of its own so that nothing of the writer outlives it. */
async function writeLarge(path: string): Promise<void> {
  const syms = new Set<string>(['__name__', 'id', 'instance', 'job', 'pod', 'zone']);
  for (let i = 0; i < N; i++) labelsOf(i).forEach((_, v) => { syms.add(v); });
  const w = await IndexWriter.create(path);
  for (const s of [...syms].sort(compareUtf8)) await w.addSymbol(s);
  syms.clear();
  const chunks: ChunkMeta[] = [{ ref: 0, mint: 0, maxt: 0 }];
  for (let i = 0; i < N; i++) {
    chunks[0] = { ref: 8 + i * 150, mint: i, maxt: i + 7_199_000 };
    await w.addSeries(labelsOf(i), chunks);
  }
  await w.close();
}

test('200k-series index: streaming write, bounded-memory read', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-large-'));
  const path = join(dir, 'index');
  try {
    gc();
    const rss0 = process.memoryUsage().rss;
    await writeLarge(path);
    const size = statSync(path).size;
    assert.ok(size > 30e6, `index of ${size} bytes`);
    const rssWrite = process.memoryUsage().rss - rss0;

    gc();
    const heap0 = await heapAndBuffers();
    const cacheBytes = 4 << 20;
    const symbolCacheBytes = 1 << 20;
    const r = await IndexReader.open(path, { cacheBytes, symbolCacheBytes, symbolSlots: 1 << 14 });
    try {
      const all = await r.allPostings();
      const refs = new Uint32Array(expandPostings(all));
      assert.equal(refs.length, N);
      const chks: ChunkMeta[] = [];
      // Every series, in batches as a query does.
      for (let j = 0; j < N; j += 512) {
        const up = await r.prefetchSeries(refs, j, Math.min(N, j + 512));
        for (let k = j; k < up; k++) {
          const l = r.seriesSync(refs[k]!, chks) ?? (await r.series(refs[k]!, chks));
          if (k % 997 === 0) {
            assert.ok(l.equals(labelsOf(k)), `series ${k}`);
            assert.deepEqual(chks, [{ ref: 8 + k * 150, mint: k, maxt: k + 7_199_000 }]);
          }
        }
        j = up - 512;
      }
      assert.equal(expandPostings(await r.postings('job', 'job-3')).length, N / 5);
      assert.ok(r.cacheStats().cachedBytes <= cacheBytes);
      gc();
      const heapHeld = (await heapAndBuffers()) - heap0;
      // The reader holds sampled tables and its caches (buffers included): far less than the file.
      assert.ok(heapHeld < size / 4 && heapHeld < cacheBytes + symbolCacheBytes + (4 << 20), `reader holds ${heapHeld} heap bytes for a ${size}-byte index`);
      const pods = await r.labelValues('pod');
      assert.equal(pods.length, N);
      assert.deepEqual(expandPostings(await r.postings('pod', pods[12345]!, pods[54321]!)).length, 2);
      const rss = process.memoryUsage().rss - rss0;
      assert.ok(rss < 400e6 && rssWrite < 400e6, `rss grew by ${rss} (write ${rssWrite})`);
      t.diagnostic(`index ${(size / 1e6).toFixed(1)} MB; reader heap+buffers ${(heapHeld / 1e6).toFixed(1)} MB; rss +${(rss / 1e6).toFixed(0)} MB (write +${(rssWrite / 1e6).toFixed(0)} MB)`);
    } finally {
      await r.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
