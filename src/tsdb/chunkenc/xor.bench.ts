/**
 * XOR chunk hot paths: appending 120-sample chunks (Prometheus's usual chunk size) and
 * iterating them, for three value shapes: constant gauges (the one-bit fast path), counters
 * with small increments, and random floats (a new XOR window most of the time); plus seek,
 * XOR2 and an integer histogram chunk for comparison. Fixed seed.
 */
import { CounterResetHint, type Histogram, type Millis } from '../../model/index.js';
import { ValueType, type FloatColumns } from '../../storage/interface.js';
import { bench, seededRandom } from '../../util/bench.js';
import { HistogramChunk, Xor2Chunk, XorChunk, type Appender, type Chunk, type ChunkIterator } from './index.js';

const N = 120;
const CHUNKS = 100;
const rnd = seededRandom(1);

type Shape = 'constant' | 'counter' | 'random';

function series(shape: Shape): { ts: Float64Array; vs: Float64Array } {
  const ts = new Float64Array(N * CHUNKS);
  const vs = new Float64Array(N * CHUNKS);
  let t = 1_700_000_000_000;
  let v = 1000;
  for (let i = 0; i < ts.length; i++) {
    // Mostly regular 15s scrapes with the odd jitter of a few ms.
    t += 15000 + (rnd() < 0.1 ? Math.floor(rnd() * 20) - 10 : 0);
    if (shape === 'counter') v += Math.floor(rnd() * 50);
    else if (shape === 'random') v = rnd() * 1e6;
    ts[i] = t;
    vs[i] = v;
  }
  return { ts, vs };
}

function encodeAll(ts: Float64Array, vs: Float64Array, xor2 = false): Chunk[] {
  const out: Chunk[] = [];
  for (let c = 0; c < CHUNKS; c++) {
    const chunk = xor2 ? Xor2Chunk.empty() : XorChunk.empty();
    const a = chunk.appender();
    for (let i = c * N; i < (c + 1) * N; i++) a.append(ts[i]! as Millis, vs[i]!);
    out.push(chunk);
  }
  return out;
}

let sink = 0;

for (const shape of ['constant', 'counter', 'random'] as const) {
  const { ts, vs } = series(shape);
  bench(`xor append ${shape} (${CHUNKS}x${N})`, () => {
    const chunks = encodeAll(ts, vs);
    sink += chunks.length;
  }, { unitsPerOp: N * CHUNKS, unit: 'samples' });

  const chunks = encodeAll(ts, vs);
  const bytes = chunks.reduce((s, c) => s + c.bytes().length, 0);
  console.log(`  ${shape}: ${(bytes / (N * CHUNKS)).toFixed(2)} bytes/sample`);
  let it: ChunkIterator | null = null;
  bench(`xor iterate ${shape} (${CHUNKS}x${N})`, () => {
    let s = 0;
    for (const c of chunks) {
      it = c.iterator(it);
      while (it.next() === ValueType.Float) s += it.atF() + it.atT();
    }
    sink += s;
  }, { unitsPerOp: N * CHUNKS, unit: 'samples' });

  // The bulk path range queries use: the whole chunk into columns.
  const cols: FloatColumns = {
    fT: new Float64Array(N), fV: new Float64Array(N), fN: 0, staleT: 0,
    growF(): void { throw new Error('columns sized for one chunk'); },
  };
  bench(`xor readFloats ${shape} (${CHUNKS}x${N})`, () => {
    for (const c of chunks) {
      it = c.iterator(it);
      cols.fN = 0;
      if (it.next() === ValueType.Float) it.readFloats!(Infinity, cols);
      sink += cols.fN;
    }
  }, { unitsPerOp: N * CHUNKS, unit: 'samples' });

  bench(`xor seek to middle ${shape}`, () => {
    for (const c of chunks) {
      it = c.iterator(it);
      if (it.seek((ts[60]! + 1) as Millis) === ValueType.Float) sink += it.atT();
    }
  }, { unitsPerOp: CHUNKS, unit: 'chunks' });
}

{
  // XOR2 (Prometheus 3.x's optional float encoding) on the counter shape, for comparison.
  const { ts, vs } = series('counter');
  bench(`xor2 append counter (${CHUNKS}x${N})`, () => {
    sink += encodeAll(ts, vs, true).length;
  }, { unitsPerOp: N * CHUNKS, unit: 'samples' });
  const chunks = encodeAll(ts, vs, true);
  console.log(`  xor2 counter: ${(chunks.reduce((s, c) => s + c.bytes().length, 0) / (N * CHUNKS)).toFixed(2)} bytes/sample`);
  let it: ChunkIterator | null = null;
  bench(`xor2 iterate counter (${CHUNKS}x${N})`, () => {
    for (const c of chunks) {
      it = c.iterator(it);
      while (it.next() === ValueType.Float) sink += it.atF();
    }
  }, { unitsPerOp: N * CHUNKS, unit: 'samples' });
}

function hist(i: number): Histogram {
  const deltas = [i, 1, 2, -1, 3, 0, 1, -2, 1, 1];
  let count = 0;
  let acc = 0;
  for (const d of deltas) count += (acc += d);
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 3, zeroThreshold: 2 ** -128, zeroCount: i, count: count + i, sum: i * 1.25,
    positiveSpans: [{ offset: 2, length: 6 }, { offset: 3, length: 4 }], negativeSpans: [], positiveBuckets: deltas, negativeBuckets: [], customValues: [],
  };
}
const hs = Array.from({ length: N }, (_, i) => hist(i * 3));
bench(`histogram append (${N} samples, 10 buckets)`, () => {
  const c = HistogramChunk.empty();
  let a: Appender = c.appender();
  for (let i = 0; i < N; i++) a = a.appendHistogram(null, (i * 15000) as Millis, hs[i]!, false).appender;
  sink += c.numSamples();
}, { unitsPerOp: N, unit: 'samples' });
const hc = HistogramChunk.empty();
let ha: Appender = hc.appender();
for (let i = 0; i < N; i++) ha = ha.appendHistogram(null, (i * 15000) as Millis, hs[i]!, false).appender;
let hit: ChunkIterator | null = null;
bench(`histogram iterate (${N} samples, 10 buckets)`, () => {
  hit = hc.iterator(hit);
  while (hit.next() === ValueType.Histogram) sink += hit.atHistogram().count;
}, { unitsPerOp: N, unit: 'samples' });

if (sink === 42) console.log('');
