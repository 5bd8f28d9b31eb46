/**
 * Hot paths of the histogram library over seeded random histograms (schema 3, ~40 buckets
 * per side, as a typical high-resolution latency histogram):
 *  - add of two histograms with the same layout and with different schemas and layouts;
 *  - Kahan-compensated running sums (what `sum by` does per input series);
 *  - native histogram_quantile forward (q < 0.5) and reverse (q ≥ 0.5), histogram_fraction;
 *  - classic bucketQuantile over 12 `le` buckets;
 *  - detectReset between consecutive counter samples.
 */
import { bench, seededRandom } from '../../util/bench.js';
import type { FloatHistogram } from '../../model/index.js';
import {
  addInPlace, bucketQuantile, copyFloatHistogram, copyFloatHistogramTo, detectReset, histogramFraction,
  histogramQuantile, kahanAddInPlace, newFloatHistogram, type ClassicBucket,
} from './index.js';
import { randomHistogram } from './random-histograms.js';

const rand = seededRandom(42);
const opts = { schema: 3, integer: false, maxSpans: 4, maxSpanLength: 10, zeroThreshold: 0.001 };
const inputs: FloatHistogram[] = [];
for (let i = 0; i < 64; i++) inputs.push(randomHistogram(rand, opts));
const sameLayout = inputs.map((h) => {
  const c = copyFloatHistogram(inputs[0]!);
  for (let i = 0; i < c.positiveBuckets.length; i++) c.positiveBuckets[i] = h.count * rand();
  return c;
});
const mixed = inputs.map((h, i) => (i % 2 === 0 ? h : randomHistogram(rand, { ...opts, schema: 1 + (i % 3) })));
let sink = 0;
const scratch = newFloatHistogram();

let k = 0;
bench('add (same layout)', () => {
  copyFloatHistogramTo(sameLayout[k & 63]!, scratch);
  addInPlace(scratch, sameLayout[(k + 1) & 63]!);
  sink += scratch.count;
  k++;
}, { unitsPerOp: 1, unit: 'adds' });

bench('add (different schemas and layouts)', () => {
  copyFloatHistogramTo(mixed[k & 63]!, scratch);
  addInPlace(scratch, mixed[(k + 1) & 63]!);
  sink += scratch.count;
  k++;
}, { unitsPerOp: 1, unit: 'adds' });

bench('kahanAdd running sum of 64 histograms', () => {
  const sum = copyFloatHistogram(inputs[0]!);
  let c: FloatHistogram | null = null;
  for (let i = 1; i < 64; i++) {
    const r = kahanAddInPlace(sum, inputs[i]!, c);
    if (r.ok) c = r.c;
  }
  sink += sum.count;
}, { unitsPerOp: 63, unit: 'adds' });

bench('histogramQuantile q=0.25 (forward)', () => {
  sink += histogramQuantile(0.25, inputs[k++ & 63]!).value;
}, { unitsPerOp: 1, unit: 'quantiles' });

bench('histogramQuantile q=0.99 (reverse)', () => {
  sink += histogramQuantile(0.99, inputs[k++ & 63]!).value;
}, { unitsPerOp: 1, unit: 'quantiles' });

bench('histogramFraction(0, 1)', () => {
  sink += histogramFraction(0, 1, inputs[k++ & 63]!).value;
}, { unitsPerOp: 1, unit: 'fractions' });

const LE = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity];
const classic: ClassicBucket[][] = [];
for (let i = 0; i < 64; i++) {
  let c = 0;
  classic.push(LE.map((upperBound) => ({ upperBound, count: (c += Math.floor(rand() * 100)) })));
}
const buf: ClassicBucket[] = LE.map(() => ({ upperBound: 0, count: 0 }));
bench('bucketQuantile (12 le buckets)', () => {
  const src = classic[k++ & 63]!;
  buf.length = src.length;
  for (let i = 0; i < src.length; i++) buf[i] = { upperBound: src[i]!.upperBound, count: src[i]!.count };
  sink += bucketQuantile(0.9, buf).quantile;
}, { unitsPerOp: 1, unit: 'quantiles' });

const grown = inputs.map((h) => {
  const c = copyFloatHistogram(h);
  addInPlace(c, h);
  return c;
});
bench('detectReset (no reset: full comparison)', () => {
  const i = k++ & 63;
  if (detectReset(grown[i]!, inputs[i]!)) sink++;
}, { unitsPerOp: 1, unit: 'checks' });

if (sink === 42) console.log('');
