import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { Encoding, XorChunk, type Chunk } from '../chunkenc/index.js';
import {
  HeadChunkDiskMapper, HeadChunksCorruptionError, chunkRefOffset, chunkRefSeq, type ChunkRef, type HeadChunkInfo,
} from './index.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wf-head-chunks-'));
  try {
    await fn(join(dir, 'chunks_head'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function chunkOf(series: number, k: number, n = 30): Chunk {
  const c = XorChunk.empty();
  const a = c.appender();
  for (let i = 0; i < n; i++) a.append((k * 1e6 + i * 1000) as Millis, series * 100 + Math.sin(i + k));
  return c;
}

interface Written { series: number; ref: ChunkRef; mint: number; maxt: number; chunk: Chunk; ooo: boolean }

function writeSome(m: HeadChunkDiskMapper, count: number, from = 0): Written[] {
  const out: Written[] = [];
  for (let k = from; k < from + count; k++) {
    const series = 1 + (k % 7);
    const chunk = chunkOf(series, k);
    const mint = k * 1e6;
    const maxt = mint + 29000;
    const ooo = k % 5 === 4;
    out.push({ series, ref: m.writeChunk(series, mint as Millis, maxt as Millis, chunk, ooo), mint, maxt, chunk, ooo });
  }
  return out;
}

async function replay(dir: string): Promise<{ m: HeadChunkDiskMapper; got: HeadChunkInfo[] }> {
  const m = await HeadChunkDiskMapper.open(dir);
  const got: HeadChunkInfo[] = [];
  await m.iterateAllChunks((c) => got.push(c));
  return { m, got };
}

function values(c: Chunk): number[] {
  const it = c.iterator(null);
  const out: number[] = [];
  while (it.next() === ValueType.Float) out.push(it.atT(), it.atF());
  return out;
}

function sameAsWritten(got: readonly HeadChunkInfo[], want: readonly Written[]): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    assert.deepEqual(
      [g.seriesRef, g.chunkRef, g.mint, g.maxt, g.numSamples, g.encoding, g.isOOO],
      [w.series, w.ref, w.mint, w.maxt, 30, Encoding.XOR, w.ooo],
    );
  }
}

describe('head chunk files', () => {
  it('write, reopen and replay every record; read chunks by ref', async () => {
    await withDir(async (dir) => {
      const m = await HeadChunkDiskMapper.open(dir);
      const w = writeSome(m, 40);
      assert.equal(chunkRefSeq(w[0]!.ref), 1);
      assert.equal(chunkRefOffset(w[0]!.ref), 8);
      // Still buffered: served from memory.
      assert.equal(await m.chunk(w[3]!.ref), w[3]!.chunk);
      await m.close();
      const raw = await readFile(join(dir, '000001'));
      assert.equal(raw.subarray(0, 8).toString('hex'), '0130bc9101000000');
      const { m: m2, got } = await replay(dir);
      sameAsWritten(got, w);
      for (const x of w) assert.deepEqual(values(await m2.chunk(x.ref)), values(x.chunk));
      // After a restart, writing starts a new file.
      const more = writeSome(m2, 1, 40);
      assert.equal(chunkRefSeq(more[0]!.ref), 2);
      await m2.flush();
      assert.deepEqual(values(await m2.chunk(more[0]!.ref)), values(more[0]!.chunk));
      await m2.close();
      assert.deepEqual(await readdir(dir), ['000001', '000002']);
    });
  });

  it('concurrent first reads of a file share one handle, and closing leaves no descriptor open', async () => {
    const fds = async (): Promise<number> => (await readdir('/proc/self/fd').catch(() => [])).length;
    await withDir(async (dir) => {
      const m = await HeadChunkDiskMapper.open(dir);
      const w = writeSome(m, 60);
      // On disk, and file 1 not yet opened for reading.
      await m.flush();
      const before = await fds();
      const got = await Promise.all(w.map(async (x) => values(await m.chunk(x.ref))));
      for (let i = 0; i < w.length; i++) assert.deepEqual(got[i], values(w[i]!.chunk));
      if (process.platform === 'linux') assert.equal(await fds(), before + 1, 'one handle for the 60 reads');
      await m.close();
      if (process.platform === 'linux') assert.ok(await fds() < before, 'the reader and the writer are closed');
    });
  });

  it('reads warm chunks in place (chunkIfCached) as chunk reads them; cold and corrupt ones are left to chunk', async () => {
    await withDir(async (dir) => {
      const m = await HeadChunkDiskMapper.open(dir);
      const w = writeSome(m, 40);
      // Pending records are served from memory either way.
      assert.equal(m.chunkIfCached(w[5]!.ref), w[5]!.chunk);
      await m.close();
      const raw = await readFile(join(dir, '000001'));
      // Corrupt the data of record 7 (its CRC no longer matches).
      raw[chunkRefOffset(w[7]!.ref) + 30] = raw[chunkRefOffset(w[7]!.ref) + 30]! ^ 0xff;
      await writeFile(join(dir, '000001'), raw);
      const m2 = await HeadChunkDiskMapper.open(dir);
      assert.equal(m2.chunkIfCached(w[0]!.ref), null, 'cold page: needs a read');
      assert.deepEqual(values(await m2.chunk(w[0]!.ref)), values(w[0]!.chunk));
      // Twice: the second pass finds the records' checks remembered with their page, and
      // record 7 (in the same page) still fails its own.
      for (let pass = 0; pass < 2; pass++) {
        for (const [i, x] of w.entries()) {
          const c = m2.chunkIfCached(x.ref);
          if (i === 7) {
            assert.equal(c, null);
            continue;
          }
          assert.ok(c !== null, `record ${i} is in the cached page`);
          assert.equal(c.encoding, Encoding.XOR);
          assert.deepEqual(values(c), values(x.chunk));
        }
      }
      await assert.rejects(m2.chunk(w[7]!.ref), /checksum mismatch/);
      await m2.close();
      assert.equal(m2.chunkIfCached(w[0]!.ref), null, 'closed');
    });
  });

  it('cuts files at the size limit and on request', async () => {
    await withDir(async (dir) => {
      const m = await HeadChunkDiskMapper.open(dir, { maxFileSize: 4096, writeBufferSize: 64 * 1024 });
      const w = writeSome(m, 60);
      m.cutNewFile();
      w.push(...writeSome(m, 1, 60));
      await m.close();
      const files = await readdir(dir);
      assert.ok(files.length > 3);
      for (const f of files) assert.ok((await stat(join(dir, f))).size <= 4096);
      assert.equal(chunkRefOffset(w[w.length - 1]!.ref), 8);
      const { m: m2, got } = await replay(dir);
      sameAsWritten(got, w);
      const list = m2.listFiles();
      assert.equal(list.length, files.length);
      assert.equal(list[list.length - 1]!.maxt, w[w.length - 1]!.maxt);
      await m2.close();
    });
  });

  it('repairs a torn tail by truncating to the last complete record', async () => {
    await withDir(async (dir) => {
      const m = await HeadChunkDiskMapper.open(dir);
      const w = writeSome(m, 10);
      await m.close();
      const path = join(dir, '000001');
      const size = (await stat(path)).size;
      await truncate(path, size - 7);
      const m2 = await HeadChunkDiskMapper.open(dir);
      const got: HeadChunkInfo[] = [];
      const err = await m2.iterateAllChunks((c) => got.push(c)).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof HeadChunksCorruptionError);
      assert.equal(err.fileIndex, 1);
      assert.equal(err.offset, chunkRefOffset(w[9]!.ref));
      assert.match(err.message, /^corruption in head chunk file .*000001: head chunk file doesn't include enough bytes to read the chunk header/);
      await m2.repairCorrupted(err);
      assert.equal((await stat(path)).size, chunkRefOffset(w[9]!.ref));
      const again: HeadChunkInfo[] = [];
      await m2.iterateAllChunks((c) => again.push(c));
      sameAsWritten(again, w.slice(0, 9));
      const next = writeSome(m2, 1, 10);
      assert.equal(chunkRefSeq(next[0]!.ref), 2);
      await m2.close();
    });
  });

  it('reads zero fill after the records as the end, other leftovers as corruption', async () => {
    await withDir(async (dir) => {
      const m = await HeadChunkDiskMapper.open(dir);
      const w = writeSome(m, 5);
      await m.close();
      const path = join(dir, '000001');
      await appendFile(path, new Uint8Array(128 * 1024));
      const { m: m2, got } = await replay(dir);
      sameAsWritten(got, w);
      await m2.close();
      // Three stray non-zero bytes after the last record: less than a record header.
      const end = (await stat(path)).size - 128 * 1024;
      await writeFile(path, Buffer.concat([(await readFile(path)).subarray(0, end), Buffer.from([1, 2, 3])]));
      const m3 = await HeadChunkDiskMapper.open(dir);
      await assert.rejects(m3.iterateAllChunks(() => undefined), /has some unread data, but doesn't include enough bytes to read the chunk header/);
      await m3.close();
    });
  });

  it('finds checksum errors; deleteCorrupted drops that file and later ones', async () => {
    await withDir(async (dir) => {
      const m = await HeadChunkDiskMapper.open(dir, { maxFileSize: 2048, writeBufferSize: 64 * 1024 });
      const w = writeSome(m, 30);
      await m.close();
      const files = await readdir(dir);
      assert.ok(files.length >= 3);
      const second = join(dir, files[1]!);
      const raw = await readFile(second);
      raw[40] = raw[40]! ^ 0xff;
      await writeFile(second, raw);
      const m2 = await HeadChunkDiskMapper.open(dir);
      const err = await m2.iterateAllChunks(() => undefined).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof HeadChunksCorruptionError);
      assert.match(err.message, /checksum mismatch/);
      assert.equal(err.fileIndex, 2);
      await assert.rejects(m2.chunk(w.find((x) => chunkRefSeq(x.ref) === 2)!.ref), /checksum mismatch/);
      await m2.deleteCorrupted(err);
      assert.deepEqual(await readdir(dir), ['000001']);
      const next = writeSome(m2, 1, 99);
      assert.equal(chunkRefSeq(next[0]!.ref), 2);
      await m2.close();
    });
  });

  it('removes an empty last file left by a crash and refuses gaps', async () => {
    await withDir(async (dir) => {
      const m = await HeadChunkDiskMapper.open(dir);
      writeSome(m, 3);
      await m.close();
      await writeFile(join(dir, '000002'), new Uint8Array(0));
      const { m: m2, got } = await replay(dir);
      assert.equal(got.length, 3);
      await m2.close();
      assert.deepEqual(await readdir(dir), ['000001']);
      await writeFile(join(dir, '000003'), (await readFile(join(dir, '000001'))).subarray(0, 8));
      await assert.rejects(HeadChunkDiskMapper.open(dir), /found unsequential head chunk files .*000001 \(index: 1\) and .*000003 \(index: 3\)/);
    });
  });

  it('truncates old files but never the current one', async () => {
    await withDir(async (dir) => {
      const m = await HeadChunkDiskMapper.open(dir, { maxFileSize: 2048, writeBufferSize: 64 * 1024 });
      const w = writeSome(m, 30);
      await m.flush();
      const before = m.listFiles().map((f) => f.seq);
      await m.truncate(3);
      assert.deepEqual(m.listFiles().map((f) => f.seq), before.filter((s) => s >= 3));
      await assert.rejects(m.chunk(w[0]!.ref), /does not exist on disk/);
      // The current file had chunks: the next chunk goes to a new file.
      const last = before[before.length - 1]!;
      const next = writeSome(m, 1, 50);
      assert.equal(chunkRefSeq(next[0]!.ref), last + 1);
      await m.close();
    });
  });

  it('validates the write buffer size', async () => {
    await withDir(async (dir) => {
      await assert.rejects(HeadChunkDiskMapper.open(dir, { writeBufferSize: 1000 }), /ChunkDiskMapper write buffer size should be between 65536 and 8388608 \(actual: 1000\)/);
      await assert.rejects(HeadChunkDiskMapper.open(dir, { writeBufferSize: 65537 }), /should be a multiple of 1024/);
    });
  });
});
