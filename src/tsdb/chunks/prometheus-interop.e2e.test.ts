/**
 * Bit-exact checks against a real Prometheus 2.42: chunks it writes decode to exactly the
 * samples given to it, and chunks we encode from the same samples are byte-identical.
 *  - promtool backfills OpenMetrics into a block: its chunk segment file.
 *  - Prometheus receives floats (with stale markers) and native histograms over remote write
 *    and writes full head chunks to chunks_head/ (flushed on SIGTERM).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CounterResetHint, type FloatHistogram, type Histogram, type Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { freePort, peer, startPeer, waitReady } from '../../testing/peers.js';
import { seededRandom } from '../../util/bench.js';
import {
  CounterResetHeader, Encoding, HistogramChunk, XorChunk, XorIterator, chunkFromBytes, type Appender, type Chunk,
} from '../chunkenc/index.js';
import { ChunkReader, ChunkWriter, HeadChunkDiskMapper, packChunkRef, type ChunkMeta, type HeadChunkInfo } from './index.js';
import { remoteWrite, type RWSample } from './interop-helpers.js';
import { readUvarint } from './segment.js';

const run = promisify(execFile);
const promtool = peer('promtool');
const prometheus = peer('prometheus');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const STALE: readonly [number, number] = [0x7ff00000, 2];

/** Float samples as exact bits: what a chunk decodes to, or what was sent. */
type Bits = [t: number, hi: number, lo: number];

function floatBits(v: number): [number, number] {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v);
  // Prometheus parses "NaN" as Go's math.NaN().
  if (Number.isNaN(v)) return [0x7ff80000, 1];
  return [d.getUint32(0), d.getUint32(4)];
}

function decodeFloats(c: Chunk): Bits[] {
  const it = c.iterator(null);
  assert.ok(it instanceof XorIterator);
  const out: Bits[] = [];
  while (it.next() === ValueType.Float) out.push([it.atT(), it.atBitsHi() >>> 0, it.atBitsLo() >>> 0]);
  assert.equal(it.err(), null);
  return out;
}

function encodeFloats(samples: readonly Bits[]): XorChunk {
  const c = XorChunk.empty();
  const a = c.appender();
  for (const [t, hi, lo] of samples) a.appendBits(t, hi, lo);
  return c;
}

/** Chunk refs of a segment file, found by walking its records. */
async function scanSegment(path: string, seq: number): Promise<number[]> {
  const b = await readFile(path);
  const refs: number[] = [];
  const lo = { v: 0, n: 0 };
  for (let off = 8; off < b.length;) {
    refs.push(packChunkRef(seq, off));
    assert.ok(readUvarint(b, off, b.length, lo));
    off += lo.n + 1 + lo.v + 4;
  }
  return refs;
}

describe('chunks written by Prometheus 2.42', { timeout: 60_000 }, () => {
  it('promtool block: chunk segment decodes to the input and re-encodes byte for byte', { skip: promtool.skip, timeout: 20_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wf-promtool-'));
    try {
      const rnd = seededRandom(1);
      const t0 = 1_700_006_400_000; // a 2h block boundary
      const specials = ['NaN', '+Inf', '-Inf', '-0', '0', '1e-300', '1.7976931348623157e+308', '3.14159', '-2.5'];
      const want: Bits[][] = [];
      let om = '# TYPE m gauge\n';
      for (let s = 0; s < 6; s++) {
        const series: Bits[] = [];
        let tMs = t0 + s * 7;
        let v = s * 1000;
        for (let i = 0; i < 400; i++) {
          let val: string;
          if (i % 37 === 5) val = specials[(i + s) % specials.length]!;
          else {
            v = s % 2 === 0 ? v + Math.floor(rnd() * 100) : rnd() * 1e4;
            val = String(v);
          }
          const ts = (tMs / 1000).toFixed(3);
          om += `m{s="s${s}"} ${val} ${ts}\n`;
          const pv = val === '+Inf' ? Infinity : val === '-Inf' ? -Infinity : Number(val);
          const [hi, lo] = floatBits(pv);
          series.push([Math.trunc(Number(ts) * 1000), hi, lo]);
          // Regular steps with jitter, a few long gaps (large delta-of-deltas).
          tMs += i % 97 === 50 ? 600_000 + Math.floor(rnd() * 1000) : 10_000 + Math.floor((rnd() - 0.5) * 2000);
        }
        want.push(series);
      }
      om += '# EOF\n';
      await writeFile(join(dir, 'in.om'), om);
      await run(promtool.path, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'in.om'), join(dir, 'out')], { timeout: 15_000 });
      const blocks = await readdir(join(dir, 'out'));
      assert.equal(blocks.length, 1);
      const chunksDir = join(dir, 'out', blocks[0]!, 'chunks');
      assert.deepEqual(await readdir(chunksDir), ['000001']);
      const refs = await scanSegment(join(chunksDir, '000001'), 0);
      const r = await ChunkReader.open(chunksDir);
      // Series come in label order, each series' chunks in time order.
      const got: Bits[][] = [];
      const ours: ChunkMeta[] = [];
      let prevT = Infinity;
      for (const ref of refs) {
        const c = await r.chunk(ref);
        assert.equal(c.encoding, Encoding.XOR);
        const samples = decodeFloats(c);
        if (samples[0]![0] < prevT || got.length === 0) got.push([]);
        got[got.length - 1]!.push(...samples);
        prevT = samples[samples.length - 1]![0];
        const mine = encodeFloats(samples);
        assert.equal(hex(mine.bytes()), hex(c.bytes()), `chunk at ${ref}`);
        ours.push({ ref: 0, chunk: mine, mint: samples[0]![0], maxt: prevT });
      }
      await r.close();
      assert.deepEqual(got, want);
      // Our segment writer lays the same chunks out into the same file.
      const w = await ChunkWriter.create(join(dir, 'ours'));
      await w.writeChunks(ours);
      await w.close();
      assert.deepEqual(ours.map((m) => m.ref), refs);
      assert.ok((await readFile(join(dir, 'ours', '000001'))).equals(await readFile(join(chunksDir, '000001'))));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('head chunks from remote write: floats with stale markers and native histograms', { skip: prometheus.skip, timeout: 20_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wf-head-interop-'));
    try {
      await writeFile(join(dir, 'prometheus.yml'), 'global: {}\n');
      const port = await freePort();
      const p = startPeer(prometheus.path, [
        `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver', '--enable-feature=native-histograms',
      ]);
      // A minute into the 2h chunk-range window that began 1-3 hours ago: the workload's five
      // minutes never cross a range boundary, where Prometheus would cut an extra chunk.
      const t0 = Math.floor((Date.now() - 3_600_000) / 7_200_000) * 7_200_000 + 60_000;
      const { floats, ints } = workload(t0);
      try {
        await waitReady(`http://127.0.0.1:${port}/-/ready`);
        await remoteWrite(`http://127.0.0.1:${port}/api/v1/write`, [
          { labels: { __name__: 'f' }, samples: floats },
          { labels: { __name__: 'h' }, histograms: ints },
        ]);
      } finally {
        await p.stop();
      }
      const m = await HeadChunkDiskMapper.open(join(dir, 'data', 'chunks_head'));
      const infos: HeadChunkInfo[] = [];
      await m.iterateAllChunks((c) => infos.push(c));
      const byEnc = (e: number): HeadChunkInfo[] => infos.filter((c) => c.encoding === e);
      assert.ok(byEnc(Encoding.XOR).length >= 2, 'full float chunks were written');
      assert.ok(byEnc(Encoding.Histogram).length >= 2, 'full histogram chunks were written');

      // Floats: exact samples (stale markers included) and identical bytes.
      const sent: Bits[] = floats.map((s) => [s.t, ...(s.bits ?? floatBits(s.v))] as Bits);
      for (const info of byEnc(Encoding.XOR)) {
        const c = await m.chunk(info.chunkRef);
        const got = decodeFloats(c);
        assert.equal(got.length, info.numSamples);
        assert.deepEqual(got, sent.filter(([t]) => t >= info.mint && t <= info.maxt));
        assert.equal(hex(encodeFloats(got).bytes()), hex(c.bytes()));
      }
      // Histograms: re-append what was sent for each chunk, after the previous chunk's
      // appender; Prometheus cut exactly where our appender cuts (reset, schema change, a
      // sample after a stale marker) or at its size target.
      let prev: Appender | null = null;
      const headers: number[] = [];
      for (const info of byEnc(Encoding.Histogram)) {
        const c = await m.chunk(info.chunkRef);
        const part = ints.filter((x) => x.t >= info.mint && x.t <= info.maxt);
        assert.equal(part.length, info.numSamples);
        let cur: Chunk = HistogramChunk.empty();
        let app = cur.appender();
        for (const x of part) {
          const res = x.stale === true ? app.appendStaleHistogram(prev, x.t as Millis, false) : app.appendHistogram(prev, x.t as Millis, x.h, false);
          assert.ok(res.chunk === null || res.recoded, `no cut inside chunk ${info.chunkRef} at ${x.t}`);
          if (res.chunk !== null) cur = res.chunk;
          app = res.appender;
        }
        assert.equal(hex(cur.bytes().subarray(3)), hex(c.bytes().subarray(3)), `samples of histogram chunk ${info.chunkRef}`);
        assert.equal(cur.bytes()[2], c.bytes()[2], `counter reset header of chunk ${info.chunkRef}`);
        checkDecoded(chunkFromBytes(Encoding.Histogram, c.bytes()), part);
        headers.push(c.bytes()[2]!);
        prev = app;
      }
      // First chunk, count went down, schema changed, sample after stale markers, reset hint.
      assert.deepEqual(headers, [CounterResetHeader.Unknown, CounterResetHeader.CounterReset, CounterResetHeader.Unknown, CounterResetHeader.Unknown, CounterResetHeader.CounterReset]);
      await m.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Every decoded histogram matches what was sent, bucket by absolute bucket. */
function checkDecoded(c: Chunk, sent: readonly { t: number; h: Histogram | FloatHistogram; stale?: boolean }[]): void {
  const it = c.iterator(null);
  let i = 0;
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next(), i++) {
    const want = sent[i]!;
    assert.equal(it.atT(), want.t);
    assert.equal(it.atStale(), want.stale === true, `staleness at ${want.t}`);
    if (want.stale === true) continue;
    const got = it.atFloatHistogram();
    assert.equal(got.count, want.h.count);
    assert.equal(got.sum, want.h.sum);
    assert.equal(got.zeroCount, want.h.zeroCount);
    const wantFloat = vt === ValueType.FloatHistogram ? (want.h) : toFloat(want.h);
    assert.deepEqual(buckets(got.positiveSpans, got.positiveBuckets), buckets(wantFloat.positiveSpans, wantFloat.positiveBuckets));
    assert.deepEqual(buckets(got.negativeSpans, got.negativeBuckets), buckets(wantFloat.negativeSpans, wantFloat.negativeBuckets));
  }
  assert.equal(i, sent.length);
  assert.equal(it.err(), null);
}

function toFloat(h: Histogram): FloatHistogram {
  const abs = (d: number[]): number[] => {
    let a = 0;
    return d.map((x) => (a += x));
  };
  return { ...h, positiveBuckets: abs(h.positiveBuckets), negativeBuckets: abs(h.negativeBuckets) };
}

/** Non-empty buckets by index. */
function buckets(spans: readonly { offset: number; length: number }[], counts: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let idx = 0;
  let k = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++, idx++, k++) if (counts[k] !== 0) out.push([idx, counts[k]!]);
  }
  return out;
}

/**
 * 300 floats (NaN, infinities, stale markers, jitter) and 260 integer and float histograms
 * whose layout grows (recoding), with a counter reset, a schema change and stale markers.
 */
function workload(t0: number): { floats: RWSample[]; ints: { t: number; h: Histogram; stale?: boolean }[]; fls: { t: number; h: FloatHistogram; stale?: boolean }[] } {
  const rnd = seededRandom(5);
  const floats: RWSample[] = [];
  let t = t0;
  for (let i = 0; i < 300; i++) {
    if (i % 41 === 7) floats.push({ t, v: NaN, bits: STALE });
    else if (i % 53 === 11) {
      // A NaN goes out with Go's math.NaN() bits: Prometheus keeps whatever bits it receives.
      const v = [NaN, Infinity, -Infinity, -0][i % 4]!;
      floats.push(Number.isNaN(v) ? { t, v, bits: floatBits(v) } : { t, v });
    }
    else floats.push({ t, v: i % 3 === 0 ? i : rnd() * 100 });
    t += 1000 + Math.floor((rnd() - 0.5) * 100);
  }
  const ints: { t: number; h: Histogram; stale?: boolean }[] = [];
  const fls: { t: number; h: FloatHistogram; stale?: boolean }[] = [];
  t = t0;
  let base = 0;
  for (let i = 0; i < 260; i++, t += 1000) {
    if (i === 70 || i === 180) base = -i; // counter resets: counts restart from 0
    const n = i + base;
    const schema = i >= 100 && i < 180 ? 1 : 0;
    if (i === 130 || i === 131 || i === 215) {
      const s = { counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: NaN, positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [] };
      ints.push({ t, h: s, stale: true });
      fls.push({ t, h: s, stale: true });
      continue;
    }
    // Buckets 1, 2 at first; bucket 3 appears at i = 20 and bucket -1 at i = 40 (recoding).
    const spans = i < 20 ? [{ offset: 1, length: 2 }] : i < 40 ? [{ offset: 1, length: 3 }] : [{ offset: -1, length: 1 }, { offset: 1, length: 3 }];
    const counts = i < 20 ? [n + 1, 2 * n + 1] : i < 40 ? [n + 1, 2 * n + 1, n] : [n, n + 1, 2 * n + 1, n];
    const count = counts.reduce((a, b) => a + b, 0) + n;
    const hint = i === 180 ? CounterResetHint.CounterReset : CounterResetHint.Unknown;
    const deltas = counts.map((c, k) => (k === 0 ? c : c - counts[k - 1]!));
    const common = { counterResetHint: hint, schema, zeroThreshold: 2 ** -128, zeroCount: n, count, sum: count * 0.75, positiveSpans: spans, negativeSpans: [], negativeBuckets: [], customValues: [] };
    ints.push({ t, h: { ...common, positiveBuckets: deltas } });
    fls.push({ t, h: { ...common, count: count + 1, zeroCount: n + 0.5, positiveBuckets: counts.map((c) => c + 0.125) } });
  }
  return { floats, ints, fls };
}
