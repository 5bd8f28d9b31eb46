/**
 * Head hot paths on a temporary data directory: the scrape pattern (10k series, one appender
 * and commit per 10k-sample batch, refs cached from the previous scrape) through the WAL
 * without fsync ('write', as Prometheus) and with fsync per commit; start-up replay speed;
 * and memory per series (heap delta after a forced GC). Fixed seed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Labels, type Millis } from '../../model/index.js';
import { benchAsync, seededRandom } from '../../util/bench.js';
import type { SyncPolicy } from '../wal/index.js';
import { Head } from './index.js';
import { removeDir, tempDir } from './test-support.js';

const SERIES = 10_000;
const SCRAPE_MS = 15_000;
const rnd = seededRandom(1);

const labels: Labels[] = [];
for (let i = 0; i < SERIES; i++) {
  labels.push(Labels.fromStrings('__name__', `metric_${i % 100}`, 'instance', `host-${Math.floor(i / 100)}:9100`, 'job', `job_${i % 10}`, 'idx', String(i)));
}
const values = new Float64Array(SERIES);
for (let i = 0; i < SERIES; i++) values[i] = Math.floor(rnd() * 1e6);

async function scrapeBench(sync: SyncPolicy): Promise<void> {
  const dir = await tempDir('watchfire-head-bench-');
  const head = await Head.open(dir, { walSync: sync });
  const refs = new Float64Array(SERIES);
  let t = 0;
  try {
    await benchAsync(`append+commit 10k-sample batch, cached refs, wal ${sync}`, async () => {
      t += SCRAPE_MS;
      const app = head.appender();
      const ts = t as Millis;
      for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i]!, labels[i]!, ts, values[i]! + t);
      await app.commit();
    }, { unitsPerOp: SERIES, unit: 'samples' });
  } finally {
    await head.close();
  }
  if (sync === 'write') {
    // Replay what the benchmark wrote.
    const t0 = performance.now();
    const h2 = await Head.open(dir, { walSync: sync });
    const secs = (performance.now() - t0) / 1000;
    const r = h2.replayResult();
    const n = r.samples + r.skippedSamples;
    console.log(`${'replay (chunks_head + WAL)'.padEnd(48)} ${(n / secs / 1e6).toFixed(2)}M samples/s  (${n} samples, ${r.mmappedChunks} m-mapped chunks, ${secs.toFixed(2)} s)`);
    await h2.close();
  }
  await removeDir(dir);
}

setFlagsFromString('--expose-gc');
const forceGC = runInNewContext('gc') as () => void;

async function bytesPerSeries(): Promise<void> {
  const n = 100_000;
  const ls: Labels[] = [];
  for (let i = 0; i < n; i++) ls.push(Labels.fromStrings('__name__', `m_${i % 100}`, 'instance', `h-${Math.floor(i / 100)}`, 'job', 'node', 'idx', String(i)));
  const dir = await tempDir('watchfire-head-mem-');
  const head = await Head.open(dir, { walSync: 'write', maxExemplars: 0 });
  const refs = new Float64Array(n);
  try {
    forceGC();
    const base = process.memoryUsage().heapUsed;
    for (let k = 1; k <= 120; k++) {
      const app = head.appender();
      for (let i = 0; i < n; i++) refs[i] = app.append(refs[i]!, ls[i]!, (k * SCRAPE_MS) as Millis, k);
      await app.commit();
      if (k === 1 || k === 120) {
        forceGC();
        const per = (process.memoryUsage().heapUsed - base) / n;
        console.log(`${`heap per series after ${k} sample(s) (labels excluded)`.padEnd(48)} ${per.toFixed(0)} bytes`);
      }
    }
  } finally {
    await head.close();
    await removeDir(dir);
  }
}

await scrapeBench('write');
await scrapeBench('fsync');
await bytesPerSeries();
