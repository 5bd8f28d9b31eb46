import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from './bench.js';
import { SnappyBuffer, SnappyError, snappyCompress, snappyDecompress } from './snappy.js';

function sample(rand: () => number, n: number, kind: 'random' | 'text' | 'runs'): Uint8Array {
  const b = new Uint8Array(n);
  if (kind === 'random') for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  else if (kind === 'runs') {
    let i = 0;
    while (i < n) {
      const v = Math.floor(rand() * 4);
      const len = 1 + Math.floor(rand() * 100);
      for (let k = 0; k < len && i < n; k++) b[i++] = v;
    }
  }
  else {
    const words = ['http_requests_total', 'job', 'instance', 'localhost:9090', '__name__', 'le', '0.5', 'method', 'GET'];
    let p = 0;
    while (p < n) {
      const w = words[Math.floor(rand() * words.length)]!;
      for (let i = 0; i < w.length && p < n; i++) b[p++] = w.charCodeAt(i);
      if (p < n) b[p++] = 0x20;
    }
  }
  return b;
}

describe('snappy', () => {
  it('decodes hand-made blocks (literal, copy with 1-byte offset, overlapping copy)', () => {
    const buf = new SnappyBuffer();
    const hello = Uint8Array.from([0x0b, 0x28, ...new TextEncoder().encode('hello world')]);
    assert.equal(new TextDecoder().decode(snappyDecompress(hello, buf)), 'hello world');
    // "abcd" literal, then copy offset 4 length 8 (tag 0b000_100_01).
    const rep = Uint8Array.from([0x0c, 0x0c, 0x61, 0x62, 0x63, 0x64, 0x11, 0x04]);
    assert.equal(new TextDecoder().decode(snappyDecompress(rep, buf)), 'abcdabcdabcd');
    // "a" then a copy of offset 1, length 9 via a 2-byte-offset copy (tag (9-1)<<2|2).
    const run = Uint8Array.from([0x0a, 0x00, 0x61, 0x22, 0x01, 0x00]);
    assert.equal(new TextDecoder().decode(snappyDecompress(run, buf)), 'a'.repeat(10));
  });

  const rand = seededRandom(42);
  const sizes = [0, 1, 4, 16, 17, 100, 4095, 65535, 65536, 65537, 200_000];
  for (const kind of ['random', 'text', 'runs'] as const) {
    it(`round-trips ${kind} data of sizes ${sizes.join(', ')}`, () => {
      const enc = new SnappyBuffer();
      const dec = new SnappyBuffer();
      for (const n of sizes) {
        const src = sample(rand, n, kind);
        const c = snappyCompress(src, enc);
        const d = snappyDecompress(c, dec);
        assert.equal(Buffer.compare(Buffer.from(d), Buffer.from(src)), 0, `${kind} ${n}`);
        if (kind !== 'random' && n >= 4095) assert.ok(c.length < n / 2, `${kind} ${n} compressed to ${c.length}`);
      }
    });
  }

  const corrupt: [string, number[]][] = [
    ['empty input', []],
    ['length without data', [0x05]],
    ['literal past the end', [0x05, 0x10, 0x61]],
    ['copy before the start', [0x08, 0x00, 0x61, 0x11, 0x05]],
    ['zero offset', [0x08, 0x00, 0x61, 0x11, 0x00]],
    ['output longer than announced', [0x02, 0x08, 0x61, 0x62, 0x63]],
    ['output shorter than announced', [0x05, 0x00, 0x61]],
  ];
  for (const [name, bytes] of corrupt) {
    it(`rejects ${name}`, () => {
      assert.throws(() => snappyDecompress(Uint8Array.from(bytes), new SnappyBuffer()), (e: unknown) => e instanceof SnappyError && /snappy: corrupt input/.test(e.message));
    });
  }
});
