/**
 * Throughput of the query-result JSON writer in points/s: a range-query-shaped matrix of
 * 1,000 series × 240 points with 4 labels each, and a 10,000-sample instant vector; beside
 * them, for scale, JSON.stringify of the same matrix built as objects (what the writer
 * avoids). Fixed, seeded input.
 */
import { Labels, type Millis } from '../../../model/index.js';
import type { FPoint, Matrix, Vector } from '../../../promql/value.js';
import { bench } from '../../../util/bench.js';
import { formatFloatAPI } from '../../../model/index.js';
import { jsonResult } from './json-values.js';

let seed = 4242;
function rnd(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}

const SERIES = 1000, POINTS = 240;
const T0 = 1_700_000_000_000;

function labels(i: number): Labels {
  return Labels.fromStrings('__name__', 'node_cpu_seconds_total', 'cpu', String(i % 64), 'instance', `host-${i % 17}.example.org:9100`, 'mode', ['idle', 'user', 'system', 'iowait'][i % 4]!);
}

const matrix: Matrix = [];
for (let i = 0; i < SERIES; i++) {
  const floats: FPoint[] = [];
  for (let k = 0; k < POINTS; k++) floats.push({ t: (T0 + k * 15_000) as Millis, f: Math.round(rnd() * 1e6) / 100 });
  matrix.push({ metric: labels(i), floats, histograms: [] });
}
const vector: Vector = [];
for (let i = 0; i < 10_000; i++) vector.push({ metric: labels(i), t: T0 as Millis, f: rnd() * 1e3, h: null });

let sink = 0;
bench('api json: matrix via objects + JSON.stringify', () => {
  const out = matrix.map((s) => ({ metric: s.metric.toObject(), values: s.floats.map((p) => [p.t / 1000, formatFloatAPI(p.f)]) }));
  sink += JSON.stringify(out).length;
}, { unitsPerOp: SERIES * POINTS, unit: 'points' });
bench('api json: matrix 1000x240', () => { sink += jsonResult({ kind: 'matrix', m: matrix }).length; }, { unitsPerOp: SERIES * POINTS, unit: 'points' });
bench('api json: vector 10000', () => { sink += jsonResult({ kind: 'vector', v: vector }).length; }, { unitsPerOp: 10_000, unit: 'samples' });
if (sink === 0) console.log('unreachable');
