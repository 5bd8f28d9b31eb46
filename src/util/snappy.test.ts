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

  it('decodes random element streams (every tag kind, short and overlapping copies, elements at the very end) as a byte-wise decoder does', () => {
    const r = seededRandom(7);
    const buf = new SnappyBuffer();
    for (let round = 0; round < 300; round++) {
      const want: number[] = [];
      const body: number[] = [];
      const elements = 1 + Math.floor(r() * 60);
      for (let e = 0; e < elements; e++) {
        if (want.length === 0 || r() < 0.4) {
          // Literal: mostly 1-16 bytes, sometimes long enough for the 1- and 2-byte length forms.
          const len = r() < 0.8 ? 1 + Math.floor(r() * 16) : 1 + Math.floor(r() * 300);
          if (len <= 60) body.push((len - 1) << 2);
          else if (len <= 256) body.push(60 << 2, len - 1);
          else body.push(61 << 2, (len - 1) & 0xff, (len - 1) >>> 8);
          for (let i = 0; i < len; i++) { const v = Math.floor(r() * 256); body.push(v); want.push(v); }
          continue;
        }
        const offset = r() < 0.3 ? 1 + Math.floor(r() * Math.min(8, want.length)) : 1 + Math.floor(r() * want.length);
        const kind = r();
        let len: number;
        if (kind < 0.4 && offset < 2048) {
          len = 4 + Math.floor(r() * 8);
          body.push(1 | ((len - 4) << 2) | ((offset >>> 8) << 5), offset & 0xff);
        } else if (kind < 0.8) {
          len = 1 + Math.floor(r() * 64);
          body.push(2 | ((len - 1) << 2), offset & 0xff, offset >>> 8);
        } else {
          len = 1 + Math.floor(r() * 64);
          body.push(3 | ((len - 1) << 2), offset & 0xff, (offset >>> 8) & 0xff, 0, 0);
        }
        for (let i = 0; i < len; i++) want.push(want[want.length - offset]!);
      }
      const head: number[] = [];
      for (let n = want.length; ; n >>>= 7) { if (n < 0x80) { head.push(n); break; } head.push((n & 0x7f) | 0x80); }
      // The block sits at an odd offset inside a larger buffer, as WAL records do.
      const block = new Uint8Array(head.length + body.length + 3);
      block.set([...head, ...body], 3);
      const got = snappyDecompress(block.subarray(3), buf);
      assert.deepEqual(Array.from(got), want, `round ${round}`);
    }
  });

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
