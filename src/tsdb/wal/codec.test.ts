import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { Codec, PAGE_SIZE, SnappyBuffer, Wlog, ZSTD_AVAILABLE, crc32c, segmentName, snappyCompress, snappyDecompress } from './index.js';
import { crc32cWords } from './crc32c.js';
import { makeRecord, readAll, sameBytes, withTempDir } from './test-support.js';

describe('crc32c', () => {
  // Check values from the iSCSI specification (RFC 3720, B.4) and the usual "123456789".
  const cases: [string, Uint8Array, number][] = [
    ['empty', new Uint8Array(0), 0],
    ['123456789', new TextEncoder().encode('123456789'), 0xe3069283],
    ['32 zeros', new Uint8Array(32), 0x8a9136aa],
    ['32 x 0xff', new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ['0..31', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
    ['31..0', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), 0x113fdb5c],
  ];
  for (const [name, data, want] of cases) {
    it(name, () => {
      assert.equal(crc32c(data), want);
      assert.equal(crc32cWords(new DataView(data.buffer, data.byteOffset, data.byteLength), data, 0, data.length), want);
    });
  }
  it('sixteen bytes a step gives the same as eight, at every length and alignment', () => {
    // A view into a larger buffer, so that byteOffset is not zero.
    const backing = new Uint8Array(300);
    let x = 12345;
    for (let i = 0; i < backing.length; i++) { x = (x * 1103515245 + 12345) >>> 0; backing[i] = x >>> 24; }
    const b = backing.subarray(3, 290);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let start = 0; start < 20; start++) {
      for (let end = start; end <= b.length; end += 7) assert.equal(crc32cWords(dv, b, start, end), crc32c(b, start, end), `${start}..${end}`);
    }
  });
  it('honours a sub-range at any alignment', () => {
    const data = new TextEncoder().encode('xx123456789yy');
    assert.equal(crc32c(data, 2, 11), 0xe3069283);
  });
});

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
