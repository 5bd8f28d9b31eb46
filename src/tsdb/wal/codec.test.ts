import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { Codec, PAGE_SIZE, SnappyBuffer, Wlog, ZSTD_AVAILABLE, crc32c, segmentName, snappyCompress, snappyDecompress } from './index.js';
import { makeRecord, readAll, sameBytes, withTempDir } from './test-support.js';

describe('codec', () => {
  it('Codec passes none through and names unsupported types', () => {
    const c = new Codec();
    const x = Uint8Array.from([1, 2, 3]);
    assert.equal(c.compress('none', x), x);
    assert.throws(() => c.compress('lz4' as 'none', x), /unsupported compression type: lz4/);
  });

  it('snappy records go through the shared block codec (re-exported by the WAL)', () => {
    const c = new Codec();
    const x = new TextEncoder().encode('http_requests_total{job="a"} '.repeat(50));
    const z = c.compress('snappy', x);
    assert.ok(z.length < x.length / 4, `compressed to ${z.length}`);
    assert.deepEqual(c.decompress('snappy', z.slice()), x);
    assert.deepEqual(snappyDecompress(snappyCompress(x, new SnappyBuffer()).slice(), new SnappyBuffer()), x);
  });
});

describe('zstd', () => {
  it(ZSTD_AVAILABLE ? 'round-trips through the WAL' : 'is refused with a clear error on this Node', async () => {
    await withTempDir(async (dir) => {
      if (!ZSTD_AVAILABLE) {
        await assert.rejects(Wlog.open(dir, { compression: 'zstd' }), /zstd/);
        // A zstd-flagged record (as Prometheus 3 may write) is reported, not misread.
        const data = Uint8Array.from([1, 2, 3]);
        const frag = Buffer.alloc(PAGE_SIZE);
        frag[0] = 0x10 | 1;
        frag.writeUInt16BE(3, 1);
        frag.writeUInt32BE(crc32c(data), 3);
        frag.set(data, 7);
        await writeFile(segmentName(dir, 0), frag);
        const got = await readAll({ dir });
        assert.match(got.err?.message ?? '', /at 0: decompress zstd record: .*Node\.js 22\.15/);
        return;
      }
      const w = await Wlog.open(dir, { compression: 'zstd', sync: 'write' });
      await w.log([makeRecord(1, 5000, true)]);
      await w.close();
      const got = await readAll({ dir });
      assert.equal(got.records.length, 1);
      assert.ok(sameBytes(got.records[0]!, makeRecord(1, 5000, true)));
    });
  });
});
