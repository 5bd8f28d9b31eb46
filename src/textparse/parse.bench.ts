/**
 * Parser throughput in samples/s for a node_exporter-sized payload (~1,000 series) and a
 * 10,000-series payload in text, OpenMetrics and protobuf, plus Prometheus's own 237-family
 * test exposition. Two modes per body: "cached" reads what the scrape loop reads for series it
 * has seen (seriesKey, value, timestamp); "new" also builds every label set, as on a first
 * scrape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bench } from '../util/bench.js';
import { EntryType, newParser, type ParserOptions } from './index.js';
import { nodeLikePayload } from './bench-payload.js';
import { expositionDataDir } from './conformance/repo-root.js';

const OPTS: ParserOptions = { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false };
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const PROTO = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

let sink = 0;

function run(body: Uint8Array, ct: string, withLabels: boolean): number {
  const p = newParser(body, ct, '', OPTS);
  let n = 0;
  for (let e = p.next(); e !== EntryType.EOF; e = p.next()) {
    if (e !== EntryType.Series) continue;
    sink += p.seriesKey().length + p.value();
    if (p.timestamp() !== undefined) sink++;
    if (withLabels) sink += p.labels().length;
    n++;
  }
  return n;
}

function cases(label: string, body: Uint8Array, ct: string): void {
  const samples = run(body, ct, false);
  bench(`${label} cached (${samples} samples)`, () => run(body, ct, false), { unitsPerOp: samples, unit: 'samples' });
  bench(`${label} new`, () => run(body, ct, true), { unitsPerOp: samples, unit: 'samples' });
}

for (const [name, scale] of [['node ~1k', 1], ['10k', 13]] as const) {
  const p = nodeLikePayload(scale);
  console.log(`-- ${name}: ${p.samples} samples; text ${p.text.length} B, OpenMetrics ${p.openMetrics.length} B, protobuf ${p.protobuf.length} B`);
  cases(`text ${name}`, p.text, TEXT);
  cases(`openmetrics ${name}`, p.openMetrics, OM);
  cases(`protobuf ${name}`, p.protobuf, PROTO);
}

const sample = readFileSync(join(expositionDataDir(), 'prometheus-samples', 'alltypes.237mfs.prom.txt'));
cases('text alltypes.237mfs', sample, TEXT);
if (sink === 42) console.log('');
