/**
 * Ingestion as the server does it, minus the network: the bodies of the side-by-side
 * harness's synthetic hosts (`../shared/bench/lib/model.mjs`, 10 targets x ~1000 series,
 * fixed seed; a generated body when the harness is not there) go through the text parser,
 * the scrape cache and `appendScrape`, into a no-op appender and into the TSDB head with its
 * WAL ('write' sync, as Prometheus), one appender and commit per target and scrape.
 *
 * Reported per case: CPU microseconds per sample (user + system of this process, which is
 * steadier than wall time on a shared machine) and wall time; for the head, the heap and
 * array-buffer bytes per series after 40 scrapes (as many as the harness's scrape-small
 * profile stores), after a forced GC.
 *
 * `npm run bench -- ingest` (BENCH_ROUNDS, default 150 scrapes per target).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from '../instrument/index.js';
import { Labels, type Millis } from '../model/index.js';
import type { Appender } from '../storage/index.js';
import { sharedPath } from '../testing/peers.js';
import { EntryType, newParser } from '../textparse/index.js';
import { Head } from '../tsdb/head/index.js';
import { appendScrape, type AppendContext } from './append.js';
import { ScrapeMetrics } from './metrics.js';
import { mutateSampleLabels } from './sample-labels.js';
import { testAppendContext } from './test-support.js';

const TARGETS = 10;
const SERIES = 1000;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 150);
const VARIANTS = 16;
const CT = 'text/plain; version=0.0.4; charset=utf-8';

interface HostState { v: Float64Array | number[]; step(dt: number, now: number): void }
interface Host { n: number; families: { name: string; help: string; type: string; groups: { off: number; series: { name: string; labels: Record<string, string> }[] }[] }[] }
interface Model {
  buildHost(o: { seed: number; index: number; series: number }): Host;
  hostState(h: Host, t0: number): HostState;
  labelString(l: Record<string, string>): string;
  formatValue(x: number): string;
}

/** VARIANTS successive bodies per target, from the harness's model (one second apart). */
async function harnessBodies(): Promise<Buffer[][] | null> {
  let m: Model;
  try {
    m = (await import(pathToFileURL(sharedPath('bench', 'lib', 'model.mjs')).href)) as Model;
  } catch {
    return null;
  }
  const out: Buffer[][] = [];
  for (let i = 0; i < TARGETS; i++) {
    const host = m.buildHost({ seed: 1, index: i, series: SERIES });
    const st = m.hostState(host, 1_700_000_000);
    const parts: { text: string; slot: number }[] = [];
    for (const f of host.families) {
      parts.push({ text: `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`, slot: -1 });
      for (const g of f.groups) g.series.forEach((s, k) => parts.push({ text: s.name + m.labelString(s.labels) + ' ', slot: g.off + k }));
    }
    const bodies: Buffer[] = [];
    for (let r = 0; r < VARIANTS; r++) {
      st.step(1, 1_700_000_001 + r);
      let s = '';
      for (const p of parts) s += p.slot < 0 ? p.text : p.text + m.formatValue(st.v[p.slot]!) + '\n';
      bodies.push(Buffer.from(s));
    }
    out.push(bodies);
  }
  return out;
}

function generatedBodies(): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i < TARGETS; i++) {
    const bodies: Buffer[] = [];
    for (let r = 0; r < VARIANTS; r++) {
      let s = '';
      for (let f = 0; f < SERIES / 50; f++) {
        s += `# HELP app_metric_${f}_total Synthetic.\n# TYPE app_metric_${f}_total counter\n`;
        for (let k = 0; k < 50; k++) s += `app_metric_${f}_total{handler="/api/v1/h${k}",code="${200 + (k % 5)}"} ${(f * 50 + k) * 1000 + r * (k % 7)}\n`;
      }
      bodies.push(Buffer.from(s));
    }
    out.push(bodies);
  }
  return out;
}

function context(i: number, metrics: ScrapeMetrics): AppendContext {
  const tl = Labels.fromStrings('instance', `127.0.0.1:${40000 + i}`, 'job', 'bench');
  return testAppendContext((l) => mutateSampleLabels(l, tl, false, [], 'utf8'), metrics);
}

const noop: Appender = {
  append: () => 1,
  appendStale: () => 1,
  appendHistogram: () => 1,
  appendExemplar: () => 1,
  updateMetadata: () => 1,
  commit: () => Promise.resolve(),
  rollback: () => Promise.resolve(),
};

function report(name: string, samples: number, cpuMicros: number, wallMs: number): void {
  console.log(`${name.padEnd(48)} ${(cpuMicros / samples).toFixed(3)} us/sample cpu  ${((wallMs * 1000) / samples).toFixed(3)} us/sample wall`);
}

/** Runs `round(r)` for warm-up rounds and then ROUNDS measured ones; each returns its samples. */
async function measure(name: string, round: (r: number) => Promise<number> | number): Promise<void> {
  const warm = Math.min(20, ROUNDS);
  let r = 0;
  for (; r < warm; r++) await round(r);
  let samples = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const end = r + ROUNDS; r < end; r++) samples += await round(r);
  const c = process.cpuUsage(c0);
  report(name, samples, c.user + c.system, performance.now() - t0);
}

setFlagsFromString('--expose-gc');
const forceGC = runInNewContext('gc') as () => void;

const bodies = (await harnessBodies()) ?? generatedBodies();
console.log(`${TARGETS} targets, ${bodies[0]![0]!.length} bytes per body`);
const metrics = new ScrapeMetrics(new Registry(), { metadataSizes: () => new Map() });

let sink = 0;
await measure('parse (series key, value)', (r) => {
  let n = 0;
  for (let i = 0; i < TARGETS; i++) {
    const p = newParser(bodies[i]![r % VARIANTS]!, CT, '', { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false });
    for (let e = p.next(); e !== EntryType.EOF; e = p.next()) {
      if (e !== EntryType.Series) continue;
      sink += p.seriesKey().length + p.value();
      n++;
    }
  }
  return n;
});

{
  const ctxs = Array.from({ length: TARGETS }, (_, i) => context(i, metrics));
  let t = 1_700_000_000_000;
  await measure('appendScrape, no-op appender', (r) => {
    t += 1000;
    let n = 0;
    for (let i = 0; i < TARGETS; i++) {
      const res = appendScrape(ctxs[i]!, noop, bodies[i]![r % VARIANTS]!, CT, t as Millis);
      if (res.err !== null) throw res.err;
      n += res.total;
    }
    return n;
  });
}

{
  forceGC();
  const m0 = process.memoryUsage();
  const dir = mkdtempSync(join(tmpdir(), 'watchfire-ingest-bench-'));
  const head = await Head.open(dir, { walSync: 'write' });
  const ctxs = Array.from({ length: TARGETS }, (_, i) => context(i, metrics));
  let t = 1_700_000_000_000;
  const scrape = async (r: number): Promise<number> => {
    t += 1000;
    let n = 0;
    for (let i = 0; i < TARGETS; i++) {
      const app = head.appender();
      const res = appendScrape(ctxs[i]!, app, bodies[i]![r % VARIANTS]!, CT, t as Millis);
      if (res.err !== null) throw res.err;
      await app.commit();
      n += res.total;
    }
    return n;
  };
  try {
    for (let r = 0; r < 40; r++) await scrape(r);
    forceGC();
    const m1 = process.memoryUsage();
    const ns = head.stats().numSeries;
    console.log(`${'memory per series after 40 scrapes'.padEnd(48)} heap ${((m1.heapUsed - m0.heapUsed) / ns).toFixed(0)} B, array buffers ${((m1.arrayBuffers - m0.arrayBuffers) / ns).toFixed(0)} B (${ns} series)`);
    await measure('appendScrape + head commit (WAL write)', scrape);
  } finally {
    await head.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
if (sink === 0.5) console.log(sink);
