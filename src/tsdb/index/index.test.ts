import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../model/index.js';
import {
  IndexFormatError, IndexReader, IndexWriter, expandPostings, type ChunkMeta,
} from './index.js';
import { writeIndexFile, type IndexSeries } from './build.js';
import { compareLabelsUtf8, compareUtf8 } from './utf8-order.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'wf-index-'));
}

/** A varied series set: several names, >32 values per name (sampling), Unicode, negative times. */
function makeSeries(n: number): IndexSeries[] {
  const sets: Labels[] = [];
  for (let i = 0; i < n; i++) {
    const a = ['__name__', `metric_${i % 7}`, 'job', `job-${i % 3}`, 'instance', `host-${i % 211}:9100`, 'i', String(i)];
    if (i % 5 === 0) a.push('zone', i % 10 === 0 ? 'ü😀' : '\uffee-east');
    if (i % 13 === 0) a.push('rare', 'x');
    sets.push(Labels.fromStrings(...a));
  }
  // Chunk refs must grow in label order, as chunks are written in that order.
  sets.sort(compareLabelsUtf8);
  let ref = 8;
  return sets.map((labels, i) => {
    const chunks: ChunkMeta[] = [];
    let t = -50_000 + i * 1000;
    for (let c = 0; c < i % 5; c++) {
      chunks.push({ ref, mint: t, maxt: t + 7_199_000 });
      t += 7_200_000;
      ref += 100 + (i % 17);
    }
    if (i % 97 === 0) ref += 2 ** 32; // Next segment file.
    return { labels, chunks };
  });
}

test('index round trip: series, label names and values, postings', async () => {
  const dir = tmp();
  try {
    const series = makeSeries(2000);
    const refs = await writeIndexFile(join(dir, 'index'), series);
    const sorted = [...series].sort((a, b) => compareLabelsUtf8(a.labels, b.labels));
    // A tiny cache forces evictions and the async slow paths.
    const r = await IndexReader.open(join(dir, 'index'), { pageSize: 4096, cacheBytes: 1 << 16, symbolSlots: 64, symbolCacheBytes: 1 << 15 });
    try {
      assert.deepEqual(expandPostings(await r.allPostings()), refs);
      const chks: ChunkMeta[] = [];
      for (let i = 0; i < sorted.length; i++) {
        const l = await r.series(refs[i]!, chks);
        assert.ok(l.equals(sorted[i]!.labels), `series ${i}: ${l.toString()} != ${sorted[i]!.labels.toString()}`);
        assert.deepEqual(chks, sorted[i]!.chunks);
      }
      // Labels only.
      assert.ok((await r.series(refs[5]!, null)).equals(sorted[5]!.labels));

      const byPair = new Map<string, Map<string, number[]>>();
      sorted.forEach((s, i) => {
        s.labels.forEach((n, v) => {
          let m = byPair.get(n);
          if (m === undefined) byPair.set(n, (m = new Map<string, number[]>()));
          m.set(v, [...(m.get(v) ?? []), refs[i]!]);
        });
      });
      assert.deepEqual(r.labelNames(), [...byPair.keys()].sort(compareUtf8));
      for (const [name, values] of byPair) {
        assert.deepEqual(await r.labelValues(name), [...values.keys()].sort(compareUtf8), name);
        assert.equal(r.labelValueCount(name), values.size);
        for (const [v, want] of values) assert.deepEqual(expandPostings(await r.postings(name, v)), want, `${name}=${v}`);
      }
      assert.deepEqual(await r.labelValues('instance', 3), [...byPair.get('instance')!.keys()].sort(compareUtf8).slice(0, 3));
      const inst = byPair.get('instance')!;
      const union = [...new Set([...inst.get('host-3:9100')!, ...inst.get('host-150:9100')!, ...inst.get('host-99:9100')!])].sort((a, b) => a - b);
      assert.deepEqual(expandPostings(await r.postings('instance', 'host-99:9100', 'nope', 'host-3:9100', 'host-150:9100', 'a', 'zzz')), union);
      assert.deepEqual(expandPostings(await r.postings('instance')), []);
      assert.deepEqual(expandPostings(await r.postings('absent', 'x')), []);
      assert.deepEqual(expandPostings(await r.postingsForLabelMatching('job', (v) => v !== 'job-1')),
        [...new Set([...byPair.get('job')!.get('job-0')!, ...byPair.get('job')!.get('job-2')!])].sort((a, b) => a - b));
      assert.deepEqual(expandPostings(await r.postingsForAllLabelValues('rare')), byPair.get('rare')!.get('x'));
      // Batched prefetch, then every prefetched series decodes without I/O.
      const r2 = await IndexReader.open(join(dir, 'index'));
      assert.equal(r2.seriesSync(refs[100]!, chks), null);
      const upTo = await r2.prefetchSeries(refs, 100, 300);
      assert.equal(upTo, 300);
      for (let i = 100; i < upTo; i++) assert.ok(r2.seriesSync(refs[i]!, chks)?.equals(sorted[i]!.labels), `sync ${i}`);
      // With the tiny cache, prefetching stops at its budget.
      const upToSmall = await r.prefetchSeries(refs, 0, 2000);
      assert.ok(upToSmall > 0 && upToSmall < 2000, `prefetched ${upToSmall}`);
      await r2.close();
      const syms: string[] = [];
      await r.symbols((s) => syms.push(s));
      assert.equal(syms.length, r.symbolCount);
      assert.deepEqual(syms, [...syms].sort(compareUtf8));
    } finally {
      await r.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('index without legacy label indices reads the same', async () => {
  const dir = tmp();
  try {
    const series = makeSeries(100);
    const a = await writeIndexFile(join(dir, 'a'), series);
    const b = await writeIndexFile(join(dir, 'b'), series, { labelIndices: false });
    assert.deepEqual(a, b);
    assert.ok(readFileSync(join(dir, 'b')).length < readFileSync(join(dir, 'a')).length);
    const ra = await IndexReader.open(join(dir, 'a'));
    const rb = await IndexReader.open(join(dir, 'b'));
    assert.equal(rb.toc.labelIndicesTable, rb.toc.postingsTable);
    for (const n of ra.labelNames()) assert.deepEqual(await rb.labelValues(n), await ra.labelValues(n));
    assert.deepEqual(expandPostings(await rb.postings('job', 'job-1')), expandPostings(await ra.postings('job', 'job-1')));
    await ra.close();
    await rb.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty index opens and answers nothing', async () => {
  const dir = tmp();
  try {
    const w = await IndexWriter.create(join(dir, 'index'));
    await w.close();
    const r = await IndexReader.open(join(dir, 'index'));
    assert.deepEqual(r.labelNames(), []);
    assert.deepEqual(expandPostings(await r.allPostings()), []);
    assert.deepEqual(await r.labelValues('x'), []);
    await r.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writer rejects out-of-order input with Prometheus-like errors', async () => {
  const dir = tmp();
  const L = (...a: string[]): Labels => Labels.fromStrings(...a);
  const cases: { name: string; run: (w: IndexWriter) => Promise<unknown>; err: RegExp }[] = [
    { name: 'symbol order', run: async (w) => { await w.addSymbol('b'); await w.addSymbol('a'); }, err: /symbol "a" out-of-order/ },
    { name: 'symbol duplicate', run: async (w) => { await w.addSymbol('a'); await w.addSymbol('a'); }, err: /out-of-order/ },
    { name: 'symbol after series', run: async (w) => { await w.addSymbol('a'); await w.addSeries(L('a', 'a'), []); await w.addSymbol('b'); }, err: /invalid stage "symbols", currently at "series"/ },
    { name: 'series order', run: async (w) => { await w.addSymbol('a'); await w.addSymbol('b'); await w.addSeries(L('a', 'b'), []); await w.addSeries(L('a', 'a'), []); }, err: /out-of-order series added with label set/ },
    { name: 'unknown symbol', run: async (w) => { await w.addSymbol('a'); await w.addSeries(L('a', 'z'), []); }, err: /symbol entry for "z" does not exist/ },
    { name: 'chunk refs', run: async (w) => { await w.addSymbol('a'); await w.addSeries(L('a', 'a'), [{ ref: 20, mint: 0, maxt: 1 }, { ref: 10, mint: 2, maxt: 3 }]); }, err: /unsorted chunk reference: 10, previous: 20/ },
    { name: 'chunk overlap', run: async (w) => { await w.addSymbol('a'); await w.addSeries(L('a', 'a'), [{ ref: 1, mint: 0, maxt: 5 }, { ref: 2, mint: 5, maxt: 6 }]); }, err: /chunk minT 5 is not higher than previous chunk maxT 5/ },
    { name: 'chunk range', run: async (w) => { await w.addSymbol('a'); await w.addSeries(L('a', 'a'), [{ ref: 1, mint: 5, maxt: 4 }]); }, err: /chunk maxT 4 is less than minT 5/ },
  ];
  try {
    for (const c of cases) {
      const w = await IndexWriter.create(join(dir, 'index'));
      await assert.rejects(c.run(w), c.err, c.name);
      await w.abort();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corruption in any read section is detected', async () => {
  const dir = tmp();
  try {
    const path = join(dir, 'index');
    const refs = await writeIndexFile(path, makeSeries(50));
    const good = readFileSync(path);
    const r0 = await IndexReader.open(path);
    const toc = r0.toc;
    await r0.close();
    assert.ok(good.indexOf('metric_3') < toc.series && good.lastIndexOf('host-7:9100') > toc.postingsTable);
    const flip = (off: number): void => {
      const b = Buffer.from(good);
      b[off] = b[off]! ^ 0x01;
      writeFileSync(path, b);
    };
    const cases: { name: string; off: number; err: RegExp; after?: (r: IndexReader) => Promise<unknown> }[] = [
      { name: 'magic', off: 0, err: /invalid magic number/ },
      { name: 'toc', off: good.length - 10, err: /read TOC: invalid checksum/ },
      { name: 'symbols', off: good.indexOf('metric_3') + 2, err: /read symbols: invalid checksum/ },
      { name: 'postings table', off: good.lastIndexOf('host-7:9100') + 3, err: /read postings table: invalid checksum/ },
      { name: 'series', off: refs[3]! * 16 + 3, err: /read series \d+: invalid checksum/, after: (r) => r.series(refs[3]!, []) },
      { name: 'postings', off: toc.postings + 16, err: /decode postings at \d+: invalid checksum/, after: (r) => r.allPostings() },
    ];
    for (const c of cases) {
      flip(c.off);
      if (c.after === undefined) {
        await assert.rejects(IndexReader.open(path), c.err, c.name);
      } else {
        const r = await IndexReader.open(path);
        await assert.rejects(c.after(r), c.err, c.name);
        await r.close();
      }
    }
    writeFileSync(path, good.subarray(0, 30));
    await assert.rejects(IndexReader.open(path), /open index/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('random damage yields IndexFormatError or correct answers, never another failure', async () => {
  const dir = tmp();
  try {
    const path = join(dir, 'index');
    await writeIndexFile(path, makeSeries(60));
    const good = readFileSync(path);
    let seed = 7;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    let failures = 0;
    for (let round = 0; round < 300; round++) {
      const b = Buffer.from(good);
      for (let f = 0; f < 2; f++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      writeFileSync(path, rnd() < 0.1 ? b.subarray(0, Math.floor(rnd() * b.length)) : b);
      try {
        const r = await IndexReader.open(path, { pageSize: 4096 });
        try {
          for (const n of r.labelNames()) for (const v of await r.labelValues(n)) expandPostings(await r.postings(n, v));
          for (const ref of expandPostings(await r.allPostings())) await r.series(ref, []);
        } finally {
          await r.close();
        }
      } catch (e) {
        assert.ok(e instanceof IndexFormatError, `round ${round}: ${String(e)}`);
        failures++;
      }
    }
    assert.ok(failures > 200, `${failures} of 300 damaged files detected`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
