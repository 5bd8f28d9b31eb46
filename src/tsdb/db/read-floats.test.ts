/**
 * Bulk float reads (SampleIterator.readFloats) give exactly what the per-sample loop they
 * stand for gives, and leave the cursor on the same sample; seeks (which skip ahead without
 * the per-sample path) stop where stepping with next() stops: XOR chunk iterators (stale
 * markers, every bound), block series (several chunks, deleted intervals), head series
 * (pieces cut at the select, the querier's range) and the chain iterator over several
 * blocks (overlapping and not, duplicate timestamps).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import { ChainSampleIterator } from '../../storage/merge/chain-iterator.js';
import { GrowingFloatColumns } from '../../storage/testing-columns.js';
import type { ChunkSpans } from '../block/index.js';
import { Encoding, XorChunk } from '../chunkenc/index.js';
import { ChunksIterator, type Piece } from '../head/series-iterator.js';
import { BlockSeriesIterator, type LoadedChunks, type SpanChunks } from './block-series.js';

/** Columns starting at 2 samples, doubling: reads go through growF(). */
class Cols extends GrowingFloatColumns {
  constructor() { super(2); }
}

/** What readFloats stands for, through next()/at*(). */
function reference(it: SampleIterator, vt: ValueType, maxt: number, out: Cols): ValueType {
  while (vt === ValueType.Float && it.atT() <= maxt) {
    if (!it.atStale()) {
      if (out.fN === out.fT.length) out.growF();
      out.fT[out.fN] = it.atT();
      out.fV[out.fN++] = it.atF();
    } else {
      out.staleT = it.atT();
    }
    vt = it.next();
  }
  return vt;
}

/**
 * Reads everything in windows ending at each of `bounds`, once with readFloats and once with
 * the reference loop, and compares the samples and where the cursor stopped.
 */
function compare(make: () => SampleIterator, bounds: readonly number[], what: string): void {
  const a = make(), b = make();
  let va = a.next(), vb = b.next();
  const ca = new Cols(), cb = new Cols();
  for (const maxt of bounds) {
    if (va === ValueType.None) break;
    va = a.readFloats!(maxt, ca);
    vb = reference(b, vb, maxt, cb);
    assert.equal(va, vb, `${what}: type after maxt ${maxt}`);
    if (va !== ValueType.None) assert.equal(a.atT(), b.atT(), `${what}: position after maxt ${maxt}`);
    assert.deepEqual(ca.pairs(), cb.pairs(), `${what}: samples up to ${maxt}`);
    assert.equal(ca.staleT, cb.staleT, `${what}: last stale marker up to ${maxt}`);
  }
}

let seed = 7;
function rnd(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}

/** Chunks of `n` samples from `start`, every ~15 s with jitter, some values repeated, some stale. */
function chunks(start: number, count: number, n: number): { chunks: XorChunk[]; maxts: number[]; times: number[] } {
  const out: XorChunk[] = [], maxts: number[] = [], times: number[] = [];
  let t = start, v = 100.25;
  for (let c = 0; c < count; c++) {
    const ch = XorChunk.empty();
    const app = ch.appender();
    for (let i = 0; i < n; i++) {
      t += rnd() < 0.8 ? 15_000 : 15_000 + Math.floor(rnd() * 4000) - 2000;
      if (rnd() < 0.05) {
        app.appendStale(t as Millis);
      } else {
        if (rnd() < 0.6) v += rnd() < 0.5 ? Math.floor(rnd() * 10) : rnd() * 1e6;
        app.append(t as Millis, v);
      }
      times.push(t);
    }
    out.push(ch);
    maxts.push(t);
  }
  return { chunks: out, maxts, times };
}

function boundsOver(times: readonly number[]): number[] {
  // Before the first sample, on samples, between samples, in big and small strides, and past the end.
  const b = [times[0]! - 1];
  for (let i = 0; i < times.length; i += 1 + Math.floor(rnd() * 40)) b.push(rnd() < 0.5 ? times[i]! : times[i]! + 1);
  b.push(Infinity);
  return b;
}

test('XOR chunk iterators read floats in bulk as the per-sample loop does', () => {
  for (const n of [1, 2, 3, 120]) {
    const { chunks: cs, times } = chunks(1_000_000, 1, n);
    compare(() => cs[0]!.iterator(null), boundsOver(times), `${n} samples`);
  }
});

test('block series read floats in bulk across chunks and around deleted intervals', () => {
  const { chunks: cs, maxts, times } = chunks(1_000_000, 6, 50);
  const cases: [string, LoadedChunks['intervals']][] = [
    ['no deletions', []],
    ['deletions', [
      { mint: times[3]!, maxt: times[8]! }, { mint: times[49]!, maxt: times[51]! },
      { mint: times[120]! + 1, maxt: times[121]! - 1 }, { mint: times[200]!, maxt: times[260]! },
    ]],
    ['deleted head and tail', [{ mint: 0, maxt: times[10]! }, { mint: times[280]!, maxt: Infinity }]],
  ];
  for (const [what, intervals] of cases) {
    const data: LoadedChunks = { chunks: cs, maxts, intervals };
    compare(() => new BlockSeriesIterator().reset(data), boundsOver(times), what);
  }
});

/** The chunks as byte ranges [from, to) in one buffer, after other bytes and with gaps between them. */
function asSpans(cs: readonly XorChunk[], maxts: readonly number[], intervals: LoadedChunks['intervals']): SpanChunks {
  const from = 3;
  const n = from + cs.length;
  const spans: ChunkSpans = { bufs: [], buf: new Uint32Array(n), start: new Uint32Array(n), end: new Uint32Array(n), enc: new Uint8Array(n) };
  const parts: number[] = [0xde, 0xad, 0xbe, 0xef];
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = i < from ? cs[0]!.bytes() : cs[i - from]!.bytes();
    spans.enc[i] = Encoding.XOR;
    spans.start[i] = parts.length;
    for (const x of b) parts.push(x);
    spans.end[i] = parts.length;
    parts.push(0xff, 0xff, 0xff);
    times[i] = i < from ? -1 : maxts[i - from]!;
  }
  spans.bufs.push(Uint8Array.from(parts));
  return { spans, maxts: times, from, to: n, intervals };
}

function all(it: SampleIterator): [number, number][] {
  const out: [number, number][] = [];
  while (it.next() === ValueType.Float) out.push([it.atT(), it.atStale() ? -1 : it.atF()]);
  assert.equal(it.err(), null);
  return out;
}

test('block series over byte ranges read as block series over chunk objects', () => {
  const { chunks: cs, maxts, times } = chunks(2_000_000, 5, 70);
  const cases: [string, LoadedChunks['intervals']][] = [
    ['no deletions', []],
    ['deletions', [{ mint: times[3]!, maxt: times[8]! }, { mint: times[140]!, maxt: times[260]! }]],
  ];
  for (const [what, intervals] of cases) {
    const spans = asSpans(cs, maxts, intervals);
    assert.deepEqual(all(new BlockSeriesIterator().resetSpans(spans)), all(new BlockSeriesIterator().reset({ chunks: cs, maxts, intervals })), what);
    compare(() => new BlockSeriesIterator().resetSpans(spans), boundsOver(times), `byte ranges, ${what}`);
    compareSeeks(() => new BlockSeriesIterator().resetSpans(spans), boundsOver(times), `byte ranges, ${what}`);
  }
});

test('the chain iterator reads floats in bulk over several inputs', () => {
  const a = chunks(1_000_000, 3, 40), b = chunks(a.times.at(-1)! + 1, 3, 40), c = chunks(1_000_000 + 7_500, 2, 40);
  const series = (x: typeof a): () => SampleIterator => () => new BlockSeriesIterator().reset({ chunks: x.chunks, maxts: x.maxts, intervals: [] });
  const all = [...a.times, ...b.times, ...c.times].sort((x, y) => x - y);
  // Consecutive blocks (the usual case), overlapping ones (interleaved samples), and the
  // same block twice (every timestamp duplicated).
  compare(() => new ChainSampleIterator().reset([series(a)(), series(b)()]), boundsOver(all), 'consecutive');
  compare(() => new ChainSampleIterator().reset([series(a)(), series(b)(), series(c)()]), boundsOver(all), 'overlapping');
  compare(() => new ChainSampleIterator().reset([series(a)(), series(a)()]), boundsOver(a.times), 'duplicates');
});

test('head series read floats in bulk within the pieces captured at select time', () => {
  const { chunks: cs, maxts, times } = chunks(1_000_000, 4, 60);
  // The last chunk had 40 samples at select time; 20 more were appended since.
  const pieces: Piece[] = cs.map((c, i) => (i < 3 ? { chunk: c, n: 60, maxt: maxts[i]! } : { chunk: c, n: 40, maxt: times[3 * 60 + 39]! }));
  const seen = times.slice(0, 3 * 60 + 40);
  const cases: [string, number, number, { mint: number; maxt: number }[]][] = [
    ['whole range', 0, Infinity, []],
    ['querier range inside', times[30]!, times[200]!, []],
    ['deleted intervals', 0, Infinity, [{ mint: times[10]!, maxt: times[70]! }, { mint: times[150]!, maxt: times[151]! }]],
  ];
  for (const [what, mint, maxt, ivs] of cases) {
    compare(() => new ChunksIterator().reset(pieces, mint, maxt, ivs), boundsOver(seen), what);
  }
});

/** seek() to each target (with a next() now and then) against stepping with next(). */
function compareSeeks(make: () => SampleIterator, targets: readonly number[], what: string): void {
  const a = make(), b = make();
  let vb = b.next();
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    const va = a.seek(t as Millis);
    while (vb !== ValueType.None && b.atT() < t) vb = b.next();
    assert.equal(va, vb, `${what}: type after seek(${t})`);
    if (va === ValueType.None) return;
    assert.equal(a.atT(), b.atT(), `${what}: position after seek(${t})`);
    assert.equal(a.atF(), b.atF(), `${what}: value after seek(${t})`);
    if (i % 3 === 0) {
      assert.equal(a.next(), (vb = b.next()), `${what}: next after seek(${t})`);
      if (vb === ValueType.None) return;
      assert.equal(a.atT(), b.atT(), `${what}: next after seek(${t})`);
    }
  }
}

test('seeks skip ahead as stepping with next() does', () => {
  const one = chunks(1_000_000, 1, 120);
  compareSeeks(() => one.chunks[0]!.iterator(null), boundsOver(one.times), 'XOR chunk');
  const { chunks: cs, maxts, times } = chunks(1_000_000, 4, 60);
  const pieces: Piece[] = cs.map((c, i) => (i < 3 ? { chunk: c, n: 60, maxt: maxts[i]! } : { chunk: c, n: 40, maxt: times[3 * 60 + 39]! }));
  const seen = times.slice(0, 3 * 60 + 40);
  // Just past the last sample of the snapshot: the samples appended since must not show.
  const targets = boundsOver(seen);
  targets.splice(targets.length - 1, 0, seen.at(-1)! + 1);
  compareSeeks(() => new ChunksIterator().reset(pieces, 0, Infinity, []), targets, 'head series');
  // Past the querier's maxt but inside its piece: the end.
  const inner = boundsOver(seen).filter((x) => x <= times[200]!);
  inner.push(times[200]! + 1, Infinity);
  compareSeeks(() => new ChunksIterator().reset(pieces, times[30]!, times[200]!, []), inner, 'head series, querier range');
  compareSeeks(() => new ChunksIterator().reset(pieces, 0, Infinity, [{ mint: times[10]!, maxt: times[70]! }]), boundsOver(seen), 'head series, deletions');
});
