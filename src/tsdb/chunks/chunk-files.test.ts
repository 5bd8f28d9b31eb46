import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Millis } from '../../model/index.js';
import type { OpenChunkReader, OpenChunkWriter } from '../block/index.js';
import { ValueType } from '../../storage/interface.js';
import { XorChunk, type Chunk } from '../chunkenc/index.js';
import {
  ChunkCorruptionError, ChunkReader, ChunkWriter, PageCache, chunkRefOffset, chunkRefSeq, crc32c, packChunkRef, type ChunkMeta,
} from './index.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'wf-chunks-'));
}

function floatChunk(start: number, n: number, noisy = false): Chunk {
  const c = XorChunk.empty();
  const a = c.appender();
  for (let i = 0; i < n; i++) a.append((start + i * 15000) as Millis, noisy ? Math.sin(start + i) * 1e3 : start + i * 0.5);
  return c;
}

function meta(c: Chunk): ChunkMeta {
  return { ref: 0, chunk: c, mint: 0, maxt: 0 };
}

function samples(c: Chunk): [number, number][] {
  const it = c.iterator(null);
  const out: [number, number][] = [];
  while (it.next() === ValueType.Float) out.push([it.atT(), it.atF()]);
  assert.equal(it.err(), null);
  return out;
}

// The block component opens chunk files through these seams.
const openReader: OpenChunkReader = (d) => ChunkReader.open(d);
const openWriter: OpenChunkWriter = (d) => ChunkWriter.create(d);

describe('chunk refs', () => {
  it('pack segment and offset without loss up to 2^21 segments', () => {
    const r = packChunkRef(2 ** 21 - 1, 2 ** 32 - 1);
    assert.ok(Number.isSafeInteger(r));
    assert.equal(chunkRefSeq(r), 2 ** 21 - 1);
    assert.equal(chunkRefOffset(r), 2 ** 32 - 1);
    assert.ok(packChunkRef(1, 8) > packChunkRef(0, 2 ** 31));
    assert.throws(() => packChunkRef(2 ** 21, 0), RangeError);
  });
});

describe('block chunk segments', () => {
  it('write and read back with header, lengths and checksums', async () => {
    const dir = await tempDir();
    try {
      // Through the block seam: ChunkToWrite entries, refs set by the writer.
      const metas = [floatChunk(0, 120), floatChunk(5, 1), floatChunk(1e12, 30)].map((chunk) => ({ ref: 0, chunk, mint: 0, maxt: 0 }));
      const w = await openWriter(join(dir, 'chunks'));
      await w.writeChunks(metas);
      await w.close();
      assert.deepEqual(await readdir(join(dir, 'chunks')), ['000001']);
      const raw = await readFile(join(dir, 'chunks', '000001'));
      assert.equal(raw.subarray(0, 8).toString('hex'), '85bd40dd01000000');
      assert.equal(metas[0]!.ref, 8);
      const first = metas[0]!.chunk.bytes();
      // len uvarint, encoding 1, data, CRC over encoding + data.
      assert.equal(raw[8], (first.length & 0x7f) | 0x80);
      assert.equal(raw[10], 1);
      const crcAt = 8 + 2 + 1 + first.length;
      assert.equal(raw.readUInt32BE(crcAt), crc32c(raw, 10, crcAt));
      const r = await openReader(join(dir, 'chunks'));
      for (const m of metas) assert.deepEqual(samples(await r.chunk(m.ref)), samples(m.chunk));
      assert.equal(r.size(), raw.length);
      await r.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cuts segments as Prometheus batches them', async () => {
    const dir = await tempDir();
    try {
      const w = await ChunkWriter.create(dir, { segmentSize: 1000 });
      const a = Array.from({ length: 5 }, (_, i) => meta(floatChunk(i * 1e6, 40, true)));
      await w.writeChunks(a);
      await w.writeChunks([meta(floatChunk(9e6, 40, true))]);
      await w.close();
      const files = await readdir(dir);
      assert.ok(files.length > 1);
      const r = await ChunkReader.open(dir);
      const seqs = a.map((m) => chunkRefSeq(m.ref));
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
      for (const m of a) {
        assert.ok(chunkRefOffset(m.ref) + m.chunk!.bytes().length <= 1000);
        assert.deepEqual(samples(await r.chunk(m.ref)), samples(m.chunk!));
      }
      await r.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('detects corruption and bad headers', async () => {
    const dir = await tempDir();
    try {
      const m = meta(floatChunk(0, 50));
      const w = await ChunkWriter.create(dir);
      await w.writeChunks([m]);
      await w.close();
      const path = join(dir, '000001');
      const raw = await readFile(path);
      raw[20] = raw[20]! ^ 0x10;
      await writeFile(path, raw);
      const r = await ChunkReader.open(dir);
      await assert.rejects(r.chunk(m.ref), (e: unknown) => e instanceof ChunkCorruptionError && /checksum mismatch expected:[0-9a-f]+, actual:[0-9a-f]+/.test(e.message));
      await assert.rejects(r.chunk(packChunkRef(3, 8)), /segment index 3 out of range/);
      await assert.rejects(r.chunk(packChunkRef(0, raw.length - 2)), /segment doesn't include enough bytes/);
      await r.close();
      raw[0] = 0;
      await writeFile(path, raw);
      await assert.rejects(ChunkReader.open(dir), /invalid magic number bd40dd/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads through a bounded page cache', async () => {
    const dir = await tempDir();
    try {
      const metas = Array.from({ length: 400 }, (_, i) => meta(floatChunk(i * 1e7, 100)));
      const w = await ChunkWriter.create(dir);
      await w.writeChunks(metas);
      await w.close();
      const cache = new PageCache({ maxBytes: 16 * 1024, pageSize: 4096 });
      const r = await ChunkReader.open(dir, { cache });
      for (const m of metas) assert.deepEqual(samples(await r.chunk(m.ref)), samples(m.chunk!));
      assert.ok(cache.cachedBytes() <= 16 * 1024);
      assert.ok(cache.hits > 0 && cache.misses > 0);
      const again = await Promise.all(metas.slice(0, 50).map((m) => r.chunk(m.ref)));
      assert.equal(again.length, 50);
      await r.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps pages hit since they were read over older ones when it evicts (second chance)', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir, 'f');
      await writeFile(path, new Uint8Array(10 * 4096).map((_, i) => i & 0xff));
      const fh = await open(path, 'r');
      try {
        const cache = new PageCache({ maxBytes: 3 * 4096, pageSize: 4096 });
        const f = cache.register(fh, 10 * 4096);
        for (const p of [0, 1, 2]) await cache.read(f, p * 4096, 16);
        assert.notEqual(cache.peekPage(f, 0, 16), null);
        await cache.read(f, 3 * 4096, 16);
        assert.notEqual(cache.peekPage(f, 0, 16), null, 'the page hit survives');
        assert.equal(cache.peekPage(f, 4096, 16), null, 'the oldest page not hit is evicted');
        assert.equal(cache.cachedBytes(), 3 * 4096);
        const b = await cache.read(f, 2 * 4096 + 5, 3);
        assert.deepEqual([...b], [(2 * 4096 + 5) & 0xff, (2 * 4096 + 6) & 0xff, (2 * 4096 + 7) & 0xff]);
      } finally {
        await fh.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads many chunks at once as one by one: runs, gaps, big chunks, any order, several segments', async () => {
    const dir = await tempDir();
    try {
      // Mostly ~120-sample chunks, some noisy ones far beyond a run's tail guess (2 KiB), in
      // segments of 512 KiB, so that runs break at segment ends.
      const metas = Array.from({ length: 3000 }, (_, i) => meta(i % 97 === 5 ? floatChunk(i * 1e7, 2000, true) : floatChunk(i * 1e7, 20 + (i % 150), i % 3 === 0)));
      const w = await ChunkWriter.create(dir, { segmentSize: 512 * 1024 });
      await w.writeChunks(metas);
      await w.close();
      assert.ok((await readdir(dir)).length > 1);
      const r = await ChunkReader.open(dir, { cache: new PageCache({ maxBytes: 256 * 1024, pageSize: 4096 }) });
      let seed = 3;
      const rnd = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
      const picks: [string, number[]][] = [
        ['all in order', metas.map((_, i) => i)],
        ['every 10th (sparse: through the cache, chunk by chunk)', metas.map((_, i) => i).filter((i) => i % 10 === 0)],
        ['every 100th (apart: one by one)', metas.map((_, i) => i).filter((i) => i % 100 === 0)],
        ['shuffled with duplicates', Array.from({ length: 500 }, () => Math.floor(rnd() * metas.length))],
        ['one', [7]],
        ['none', []],
      ];
      for (const [what, idx] of picks) {
        const refs = idx.map((i) => metas[i]!.ref);
        const out: Chunk[] = [];
        await r.chunksAt(refs, out);
        assert.equal(out.length, refs.length, what);
        for (let k = 0; k < idx.length; k++) {
          assert.equal(out[k]!.encoding, metas[idx[k]!]!.chunk!.encoding, `${what}: chunk ${k}`);
          assert.deepEqual(out[k]!.bytes(), metas[idx[k]!]!.chunk!.bytes(), `${what}: chunk ${k}`);
        }
      }
      await r.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves a sparse run (one chunk per series of a long block) from cached pages the second time', async () => {
    const dir = await tempDir();
    try {
      const metas = Array.from({ length: 1000 }, (_, i) => meta(floatChunk(i * 1e7, 120, i % 2 === 0)));
      const w = await ChunkWriter.create(dir);
      await w.writeChunks(metas);
      await w.close();
      const cache = new PageCache({ maxBytes: 4 * 1024 * 1024, pageSize: 16 * 1024 });
      const r = await ChunkReader.open(dir, { cache });
      // Every 10th chunk: a few KB apart (one run), hundreds of KB from first to last (more
      // than a cached read), so that reading the run whole would read it again every time.
      const idx = metas.map((_, i) => i).filter((i) => i % 10 === 9);
      const refs = idx.map((i) => metas[i]!.ref);
      const span = chunkRefOffset(refs[refs.length - 1]!) - chunkRefOffset(refs[0]!);
      assert.ok(span > 256 * 1024 && span < 1024 * 1024 && span / (refs.length - 1) < 16 * 1024, `span ${span}`);
      for (let pass = 0; pass < 2; pass++) {
        const misses = cache.misses;
        const out: Chunk[] = [];
        await r.chunksAt(refs, out);
        for (let k = 0; k < idx.length; k++) assert.deepEqual(out[k]!.bytes(), metas[idx[k]!]!.chunk!.bytes(), `pass ${pass}: chunk ${k}`);
        if (pass === 0) assert.ok(cache.misses > misses, 'the first pass reads pages');
        else assert.equal(cache.misses, misses, 'the second pass reads nothing');
      }
      await r.close();
      // More than half a cache's worth apart, the same chunks are read in whole runs, past the cache.
      const small = new PageCache({ maxBytes: span, pageSize: 16 * 1024 });
      const rs = await ChunkReader.open(dir, { cache: small });
      const out: Chunk[] = [];
      await rs.chunksAt(refs, out);
      for (let k = 0; k < idx.length; k++) assert.deepEqual(out[k]!.bytes(), metas[idx[k]!]!.chunk!.bytes(), `small cache: chunk ${k}`);
      assert.equal(small.misses, 0);
      await rs.close();
      // A bad checksum in such a run is reported as in any other read.
      const path = join(dir, '000001');
      const raw = await readFile(path);
      const at = chunkRefOffset(metas[idx[5]!]!.ref) + 20;
      raw[at] = raw[at]! ^ 0x10;
      await writeFile(path, raw);
      const r2 = await ChunkReader.open(dir);
      await assert.rejects(r2.chunksAt(refs, []), (e: unknown) => e instanceof ChunkCorruptionError && /checksum mismatch/.test(e.message));
      await r2.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports corruption from bulk reads as single reads do', async () => {
    const dir = await tempDir();
    try {
      const metas = Array.from({ length: 20 }, (_, i) => meta(floatChunk(i * 1e7, 60)));
      const w = await ChunkWriter.create(dir);
      await w.writeChunks(metas);
      await w.close();
      const path = join(dir, '000001');
      const raw = await readFile(path);
      const at = chunkRefOffset(metas[12]!.ref) + 20;
      raw[at] = raw[at]! ^ 0x10;
      await writeFile(path, raw);
      const r = await ChunkReader.open(dir);
      const refs = metas.map((m) => m.ref);
      await assert.rejects(r.chunksAt(refs, []), (e: unknown) => e instanceof ChunkCorruptionError && /checksum mismatch/.test(e.message));
      await assert.rejects(r.chunksAt([refs[0]!, packChunkRef(2, 8)], []), /segment index 2 out of range/);
      await assert.rejects(r.chunksAt([refs[0]!, packChunkRef(0, raw.length - 2)], []), /segment doesn't include enough bytes/);
      const out: Chunk[] = [];
      await r.chunksAt(refs.slice(0, 12), out);
      assert.equal(out.length, 12);
      await r.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
