/**
 * Blocks holding the chunk encodings Prometheus 3.x writes with `xor2-encoding` and
 * `st-storage` (XOR2 floats, histograms with start timestamps): the TSDB serves their samples,
 * and compacting them with overlapping data re-encodes them into chunks it writes itself.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Labels, Matcher, type FloatHistogram, type Histogram } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import { repoRoot } from '../../textparse/conformance/repo-root.js';
import { Block, writeBlock, type SeriesToWrite } from '../block/index.js';
import { Encoding, chunkFromBytes, type Chunk } from '../chunkenc/index.js';
import { collectSymbols } from '../index/index.js';
import { DB, compactBlocks } from './index.js';
import { FakeHead, ms, tempDir } from './test-support.js';

const cleanups: (() => void)[] = [];
after(() => { for (const c of cleanups) c(); });

const fixtures = join(repoRoot(), 'src', 'tsdb', 'chunkenc', 'testdata');

interface RefChunk { encoding: number; chunk: string; samples: { t: number; sum: string; count: string }[] }

/** Prometheus-made chunks of one encoding whose samples are in time order across chunks (one reference case). */
function histogramChunks(encoding: number): RefChunk[] {
  const cases = (JSON.parse(gunzipSync(readFileSync(join(fixtures, 'histogram-st-prometheus.json.gz'))).toString('utf8')) as { cases: { name: string; chunks: RefChunk[] }[] }).cases;
  const c = cases.find((x) => x.name.endsWith(' ST') && x.chunks[0]!.encoding === encoding && x.chunks.length > 2 && x.chunks.some((k) => k.samples.length > 20))!;
  return c.chunks;
}

function xor2Chunk(): { chunk: string; samples: [number, number, string][] } {
  const cases = (JSON.parse(gunzipSync(readFileSync(join(fixtures, 'xor2-prometheus.json.gz'))).toString('utf8')) as { cases: { name: string; chunk: string; samples: [number, number, string][] }[] }).cases;
  return cases.find((x) => x.name === 'random-2')!;
}

function toWrite(labels: Labels, chunks: { encoding: number; hex: string }[]): SeriesToWrite {
  return {
    labels,
    chunks: chunks.map(({ encoding, hex }) => {
      const chunk: Chunk = chunkFromBytes(encoding, Buffer.from(hex, 'hex'));
      const it = chunk.iterator(null);
      let mint = Infinity, maxt = -Infinity;
      while (it.next() !== ValueType.None) {
        mint = Math.min(mint, it.atT());
        maxt = Math.max(maxt, it.atT());
      }
      return { chunk, mint, maxt, ref: 0 };
    }),
  };
}

/** Every sample of the series as [t, a value summary]: float bits, or a histogram's count and sum. */
function read(it: SampleIterator): [number, string][] {
  const out: [number, string][] = [];
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
    if (vt === ValueType.Float) out.push([it.atT(), it.atStale() ? 'stale' : bitsOf(it.atF())]);
    else if (it.atStale()) out.push([it.atT(), 'stale']);
    else if (vt === ValueType.Histogram) { const h: Histogram = it.atHistogram(); out.push([it.atT(), `${h.count}/${bitsOf(h.sum)}`]); }
    else { const h: FloatHistogram = it.atFloatHistogram(); out.push([it.atT(), `${bitsOf(h.count)}/${bitsOf(h.sum)}`]); }
  }
  assert.equal(it.err(), null);
  return out;
}

function bitsOf(v: number): string {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v);
  return d.getBigUint64(0).toString(16);
}

const hexBits = (h: string, float: boolean): string => (float ? h.padStart(16, '0').replace(/^0+(?=.)/, '') : String(Number(h)));

void describe('tsdb: blocks with XOR2 and start-timestamp histogram chunks', () => {
  void test('are served as written, and compaction with overlapping data re-encodes them', async () => {
    const { dir, cleanup } = tempDir('wf-st-');
    cleanups.push(cleanup);
    const hist = histogramChunks(Encoding.HistogramST);
    const fhist = histogramChunks(Encoding.FloatHistogramST);
    const xor2 = xor2Chunk();
    const series: SeriesToWrite[] = [
      toWrite(Labels.fromStrings('__name__', 'a_float'), [{ encoding: Encoding.XOR2, hex: xor2.chunk }]),
      toWrite(Labels.fromStrings('__name__', 'b_hist'), hist.map((k) => ({ encoding: k.encoding, hex: k.chunk }))),
      toWrite(Labels.fromStrings('__name__', 'c_fhist'), fhist.map((k) => ({ encoding: k.encoding, hex: k.chunk }))),
    ];
    const all = series.flatMap((s) => s.chunks);
    const mint = Math.min(...all.map((c) => c.mint));
    const maxt = Math.max(...all.map((c) => c.maxt)) + 1;
    const w = await writeBlock({ symbols: collectSymbols(series.map((s) => s.labels)), series }, { parentDir: dir, minTime: mint, maxTime: maxt });
    assert.ok(w !== null);

    const want = new Map<string, [number, string][]>([
      ['{__name__="a_float"}', xor2.samples.map(([, t, v]): [number, string] => [t, v === '7ff0000000000002' ? 'stale' : hexBits(v, true)])],
      ['{__name__="b_hist"}', hist.flatMap((k) => k.samples.map((s): [number, string] => [s.t, s.sum === '7ff0000000000002' ? 'stale' : `${s.count}/${hexBits(s.sum, true)}`]))],
      ['{__name__="c_fhist"}', fhist.flatMap((k) => k.samples.map((s): [number, string] => [s.t, s.sum === '7ff0000000000002' ? 'stale' : `${hexBits(s.count, true)}/${hexBits(s.sum, true)}`]))],
    ]);

    const serve = async (d: string): Promise<Map<string, [number, string][]>> => {
      const db = await DB.open(d, { openHead: () => Promise.resolve(new FakeHead()), autoCompact: false });
      try {
        const q = await db.querier(ms(mint), ms(maxt));
        const got = new Map<string, [number, string][]>();
        try {
          const set = await q.select(true, null, [new Matcher('=~', '__name__', '.+')]);
          while (set.next()) {
            const s = set.at();
            got.set(s.labels.toString(), read(s.iterator(null)));
          }
          assert.equal(set.err(), null);
        } finally {
          await q.close();
        }
        return got;
      } finally {
        await db.close();
      }
    };
    assert.deepEqual(await serve(dir), want);

    // Compacting with a block that overlaps it: the merged series are re-encoded.
    const extra: SeriesToWrite[] = [toWrite(Labels.fromStrings('__name__', 'a_float'), [{ encoding: Encoding.XOR2, hex: xor2.chunk }])];
    const w2 = await writeBlock({ symbols: collectSymbols(extra.map((s) => s.labels)), series: extra }, { parentDir: dir, minTime: mint, maxTime: maxt });
    assert.ok(w2 !== null);
    const out = tempDir('wf-st-out-');
    cleanups.push(out.cleanup);
    const blocks = await Promise.all([w.dir, w2.dir].map((p) => Block.open(p)));
    try {
      const res = await compactBlocks(out.dir, blocks);
      assert.ok(res.meta !== null);
    } finally {
      for (const b of blocks) await b.close();
    }
    assert.deepEqual(await serve(out.dir), want);
  });
});
