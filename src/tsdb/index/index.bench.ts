/**
 * Index hot paths over a 100k-series index (50 metrics, 1000 instances, 5 jobs, a unique
 * pod per series): writing, postings lookups and intersections, matcher resolution and
 * series decoding, warm and through the prefetching path a query uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher } from '../../model/index.js';
import { bench, benchAsync, seededRandom } from '../../util/bench.js';
import {
  IndexReader, IndexWriter, ListPostings, compareUtf8, expandPostings, intersectPostings, intersectSorted,
  postingsForMatchers, postingsToUint32Array, type ChunkMeta,
} from './index.js';

const N = 100_000;
const METRICS = 50;
const dir = mkdtempSync(join(tmpdir(), 'wf-index-bench-'));

function labelsOf(i: number): Labels {
  const per = N / METRICS;
  const m = Math.floor(i / per), k = i % per;
  return Labels.fromSortedArray([
    '__name__', `metric_${String(m).padStart(2, '0')}`, 'id', String(i).padStart(7, '0'),
    'instance', `10.1.${(k % 1000) >> 8}.${(k % 1000) & 255}:9100`, 'job', `job-${k % 5}`,
    'pod', `pod-${i.toString(36).padStart(4, '0')}`,
  ]);
}

const sets: Labels[] = [];
for (let i = 0; i < N; i++) sets.push(labelsOf(i));
const symbolSet = new Set<string>();
for (const l of sets) l.forEach((n, v) => { symbolSet.add(n); symbolSet.add(v); });
const symbols = [...symbolSet].sort(compareUtf8);

async function writeIndex(path: string, n: number): Promise<void> {
  const w = await IndexWriter.create(path);
  await w.addSymbols(symbols);
  const chunks: ChunkMeta[] = [{ ref: 0, mint: 0, maxt: 0 }, { ref: 0, mint: 0, maxt: 0 }];
  for (let i = 0; i < n; i++) {
    chunks[0] = { ref: 8 + i * 300, mint: i, maxt: i + 3_599_000 };
    chunks[1] = { ref: 158 + i * 300, mint: i + 3_600_000, maxt: i + 7_199_000 };
    await w.addSeries(sets[i]!, chunks);
  }
  await w.close();
}

const path = join(dir, 'index');
try {
  await benchAsync('index write (100k series, 2 chunks each)', () => writeIndex(join(dir, 'w'), N), { unitsPerOp: N, unit: 'series' });
  await writeIndex(path, N);
  const r = await IndexReader.open(path);

  await benchAsync('postings lookup job="job-3" (20k refs)', async () => {
    (await r.postings('job', 'job-3')).next();
  }, { unitsPerOp: 1, unit: 'lookups' });
  await benchAsync('postings lookup pod=<one of 100k values>', async () => {
    (await r.postings('pod', 'pod-1abc')).next();
  }, { unitsPerOp: 1, unit: 'lookups' });

  const a = postingsToUint32Array(await r.postings('job', 'job-3'));
  const b = postingsToUint32Array(await r.postings('instance', '10.1.0.7:9100', '10.1.1.7:9100', '10.1.2.7:9100'));
  let sink = 0;
  bench('intersect cursors 20k x 300 refs', () => {
    const p = intersectPostings(new ListPostings(a), new ListPostings(b));
    while (p.next()) sink += p.at();
  }, { unitsPerOp: a.length + b.length, unit: 'refs' });
  bench('intersectSorted arrays 20k x 300 refs', () => { sink += intersectSorted(a, b).length; }, { unitsPerOp: a.length + b.length, unit: 'refs' });

  const eq = [new Matcher('=', '__name__', 'metric_07'), new Matcher('=', 'job', 'job-3')];
  await benchAsync('postingsForMatchers name="…",job="…"', async () => {
    sink += expandPostings(await postingsForMatchers(r, eq)).length;
  }, { unitsPerOp: 1, unit: 'selects' });
  const re = [new Matcher('=', '__name__', 'metric_07'), new Matcher('=~', 'instance', '10\\.1\\.0\\..*'), new Matcher('!=', 'job', 'job-1')];
  await benchAsync('postingsForMatchers name, instance=~"10\\.1\\.0\\..*", job!=', async () => {
    sink += expandPostings(await postingsForMatchers(r, re)).length;
  }, { unitsPerOp: 1, unit: 'selects' });

  const all = postingsToUint32Array(await r.allPostings());
  const rnd = seededRandom(7);
  const sample = new Uint32Array(10_000);
  for (let i = 0; i < sample.length; i++) sample[i] = all[Math.floor(rnd() * all.length)]!;
  sample.sort();
  const chks: ChunkMeta[] = [];
  const warm = postingsToUint32Array(await r.postings('__name__', 'metric_03'));
  await r.prefetchSeries(warm, 0, warm.length);
  bench(`series decode, cached (${warm.length} series)`, () => {
    for (let i = 0; i < warm.length; i++) sink += r.seriesSync(warm[i]!, chks)?.length ?? 0;
  }, { unitsPerOp: warm.length, unit: 'series' });
  await benchAsync('series decode via prefetch, 10k random series', async () => {
    for (let i = 0; i < sample.length;) {
      const up = await r.prefetchSeries(sample, i, Math.min(sample.length, i + 512));
      for (; i < up; i++) sink += (r.seriesSync(sample[i]!, chks) ?? (await r.series(sample[i]!, chks))).length;
    }
  }, { unitsPerOp: sample.length, unit: 'series' });
  await benchAsync('series decode via prefetch, all 100k in order', async () => {
    for (let i = 0; i < all.length;) {
      const up = await r.prefetchSeries(all, i, Math.min(all.length, i + 512));
      for (; i < up; i++) sink += (r.seriesSync(all[i]!, chks) ?? (await r.series(all[i]!, chks))).length;
    }
  }, { unitsPerOp: all.length, unit: 'series' });
  await benchAsync('open index (100k series)', async () => { await (await IndexReader.open(path)).close(); }, { unitsPerOp: 1, unit: 'opens' });
  await r.close();
  if (sink === -1) console.log(sink);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
