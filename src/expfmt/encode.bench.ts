/**
 * Encoder throughput in samples/s for a federation-shaped answer: 10,000 untyped series in
 * 200 families with 4 labels each and timestamps, in the text format (escaped and
 * allow-utf-8), OpenMetrics and delimited protobuf. Fixed, seeded input.
 */
import { bench } from '../util/bench.js';
import { FMT_OPENMETRICS_1_0_0, FMT_PROTO_DELIM, FMT_TEXT, newEncoder, type Metric, type MetricFamily } from './index.js';

function families(): MetricFamily[] {
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const out: MetricFamily[] = [];
  for (let f = 0; f < 200; f++) {
    const metrics: Metric[] = [];
    for (let i = 0; i < 50; i++) {
      metrics.push({
        labels: [
          { name: 'instance', value: `host-${i % 17}.example.org:9100` },
          { name: 'job', value: 'node' },
          { name: 'mode', value: ['idle', 'user', 'system', 'iowait'][i % 4]! },
          { name: 'cpu', value: String(i) },
        ],
        timestampMs: 1_700_000_000_000 + f * 15,
        value: { kind: 'untyped', value: rnd() * 1e6 },
      });
    }
    out.push({ name: `node_metric_${f}_seconds_total`, type: 'untyped', metrics });
  }
  return out;
}

const FAMS = families();
const SAMPLES = 200 * 50;
let sink = 0;

function run(format: string): void {
  const enc = newEncoder(format);
  for (const f of FAMS) {
    enc.encode(f);
    if (enc.pending() > 65536) sink += enc.take().length;
  }
  enc.close();
  sink += enc.take().length;
}

for (const [name, format] of [
  ['text 0.0.4 (underscores)', FMT_TEXT],
  ['text 0.0.4 (allow-utf-8)', FMT_TEXT + '; escaping=allow-utf-8'],
  ['OpenMetrics 1.0', FMT_OPENMETRICS_1_0_0],
  ['protobuf delimited', FMT_PROTO_DELIM],
] as const) {
  bench(`encode ${name}, 10k series`, () => { run(format); }, { unitsPerOp: SAMPLES, unit: 'samples' });
}
if (sink < 0) console.log(sink);
