/**
 * Parser throughput in samples/s for a node_exporter-sized payload (~1,000 series) and a
 * 10,000-series payload in text, OpenMetrics and protobuf, plus Prometheus's own 237-family
 * test exposition. Two modes per body: "cached" reads what the scrape loop reads for series it
 * has seen (seriesKey, value, timestamp); "new" also builds every label set, as on a first
 * scrape. Last, the three formats through one `newParser` call site.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bench } from '../util/bench.js';
import { EntryType, OpenMetricsParser, PromParser, ProtobufParser, newParser, type ParserOptions } from './index.js';
import { nodeLikePayload } from './bench-payload.js';
import { expositionDataDir } from './conformance/repo-root.js';

const OPTS: ParserOptions = { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false };
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const PROTO = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

let sink = 0;

// One loop per parser class, so that each loop's call sites stay monomorphic and the figures
// show the parser's own cost; a consumer that mixes formats at one call site pays extra.
function runText(body: Uint8Array, withLabels: boolean): number {
  const p = new PromParser(body);
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

function runOpenMetrics(body: Uint8Array, withLabels: boolean): number {
  const p = new OpenMetricsParser(body, false);
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

function runProtobuf(body: Uint8Array, withLabels: boolean): number {
  const p = new ProtobufParser(body, OPTS);
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

/** Through `newParser` and the `Parser` interface, as a scrape loop calls it. */
function runAny(body: Uint8Array, ct: string): number {
  const p = newParser(body, ct, '', OPTS);
  let n = 0;
  for (let e = p.next(); e !== EntryType.EOF; e = p.next()) {
    if (e !== EntryType.Series) continue;
    sink += p.seriesKey().length + p.value();
    n++;
  }
  return n;
}

function cases(label: string, body: Uint8Array, run: (body: Uint8Array, withLabels: boolean) => number): void {
  const samples = run(body, false);
  bench(`${label} cached (${samples} samples)`, () => run(body, false), { unitsPerOp: samples, unit: 'samples' });
  bench(`${label} new`, () => run(body, true), { unitsPerOp: samples, unit: 'samples' });
}

const payloads = [['node ~1k', nodeLikePayload(1)], ['10k', nodeLikePayload(13)]] as const;
for (const [name, p] of payloads) {
  console.log(`-- ${name}: ${p.samples} samples; text ${p.text.length} B, OpenMetrics ${p.openMetrics.length} B, protobuf ${p.protobuf.length} B`);
  cases(`text ${name}`, p.text, runText);
  cases(`openmetrics ${name}`, p.openMetrics, runOpenMetrics);
  cases(`protobuf ${name}`, p.protobuf, runProtobuf);
}

const sample = readFileSync(join(expositionDataDir(), 'prometheus-samples', 'alltypes.237mfs.prom.txt'));
cases('text alltypes.237mfs', sample, runText);

// The three formats in turn through one call site (the scrape loop's situation).
const big = payloads[1][1];
const mixed = (): number => runAny(big.text, TEXT) + runAny(big.openMetrics, OM) + runAny(big.protobuf, PROTO);
bench('mixed formats via newParser, 10k each', mixed, { unitsPerOp: 3 * big.samples, unit: 'samples' });
if (sink === 42) console.log('');
