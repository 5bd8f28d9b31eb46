/**
 * Backfill throughput in samples/s: `watchfire tool tsdb create-blocks-from openmetrics
 * --max-block-duration=24h` (in-process, and as a command with Node's start-up) against
 * promtool's on the same file, in the same run. The file is the shared bench harness's
 * dataset (node_exporter-like hosts, 15 s steps; seeded, fixed end) cut to ~2M samples,
 * or, without the harness, a generated file of the same size.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchAsync } from '../../util/bench.js';
import { findProgram, sharedPath, watchfireCommand } from '../../testing/peers.js';
import { generateOpenMetrics } from '../block/testing/openmetrics-gen.js';
import { backfillOpenMetrics } from './index.js';

interface Dataset { samples: number }
interface DatasetModule {
  datasetSpec(o: { series: number; hours: number; step: number; seed: number; end: number }): Dataset;
  writeOpenMetrics(d: Dataset, file: string): number;
}

const dir = mkdtempSync(join(tmpdir(), 'wf-backfill-bench-'));
const input = join(dir, 'in.om');
let samples: number;
const harness = sharedPath('bench', 'lib', 'dataset.mjs');
if (existsSync(harness)) {
  const m = (await import(pathToFileURL(harness).href)) as DatasetModule;
  const d = m.datasetSpec({ series: 1000, hours: 8, step: 15, seed: 42, end: 1_790_000_000 });
  m.writeOpenMetrics(d, input);
  samples = d.samples;
} else {
  const g = generateOpenMetrics({ startSec: 1_789_971_215, stepSec: 15, samples: 1920, perFamily: 250 });
  writeFileSync(input, g.text);
  samples = g.series.reduce((n, s) => n + s.ts.length, 0);
}
console.log(`input: ${samples} samples${existsSync(harness) ? ' (bench harness dataset)' : ''}`);

const opts = { seconds: Number(process.env['BENCH_SECONDS'] ?? 4), unitsPerOp: samples, unit: 'samples' };
let round = 0;
const out = (): string => {
  const o = join(dir, `out-${++round}`);
  return o;
};
const clean = (o: string): void => { rmSync(o, { recursive: true, force: true }); };

const inProcess = await benchAsync('backfill watchfire (in-process)', async () => {
  const o = out();
  await backfillOpenMetrics({ input, outputDir: o, humanReadable: false, quiet: true, maxBlockDuration: 24 * 3600_000, customLabels: new Map() }, () => undefined);
  clean(o);
}, opts);

const wf = watchfireCommand();
const command = await benchAsync('backfill watchfire (command)', () => {
  const o = out();
  const r = spawnSync(wf.cmd, [...wf.args, 'tool', 'tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', '--quiet', input, o]);
  if (r.status !== 0) throw new Error(`watchfire backfill failed: ${r.stderr.toString()}`);
  clean(o);
  return Promise.resolve();
}, opts);

const promtool = findProgram('promtool');
if (promtool !== null) {
  const p = await benchAsync('backfill promtool 2.42', () => {
    const o = out();
    const r = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', '--quiet', input, o]);
    if (r.status !== 0) throw new Error(`promtool backfill failed: ${r.stderr.toString()}`);
    clean(o);
    return Promise.resolve();
  }, opts);
  console.log(`ratio watchfire/promtool: in-process ${(inProcess.unitsPerSec / p.unitsPerSec).toFixed(2)}x, command ${(command.unitsPerSec / p.unitsPerSec).toFixed(2)}x`);
} else {
  console.log('promtool not installed: no comparison');
}
rmSync(dir, { recursive: true, force: true });
