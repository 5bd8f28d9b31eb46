import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, crc32cCombine, crc32cView } from './crc32c.js';

test('crc32c: known check values', () => {
  const cases: [string, number][] = [
    ['', 0],
    ['123456789', 0xe3069283],
    ['a', 0xc1d04330],
    ['The quick brown fox jumps over the lazy dog', 0x22620404],
  ];
  for (const [s, want] of cases) assert.equal(crc32c(Buffer.from(s)), want, s);
});

test('crc32c: incremental and ranged forms agree with one pass', () => {
  const b = Buffer.alloc(1000);
  for (let i = 0; i < b.length; i++) b[i] = (i * 131 + 7) & 0xff;
  const whole = crc32c(b);
  for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
    assert.equal(crc32c(b, cut, b.length, crc32c(b, 0, cut)), whole, `cut ${cut}`);
    assert.equal(crc32c(b.subarray(3, cut + 3 > 1000 ? 1000 : cut + 3)), crc32c(b, 3, Math.min(1000, cut + 3)));
  }
});

test('crc32cCombine equals the checksum of the concatenation', () => {
  const a = Buffer.from('symbol-count');
  for (const n of [0, 1, 3, 8, 100, 4097]) {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = (i * 17) & 0xff;
    assert.equal(crc32cCombine(crc32c(a), crc32c(b), n), crc32c(Buffer.concat([a, b])), `len ${n}`);
  }
});

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
      assert.equal(crc32cView(new DataView(data.buffer, data.byteOffset, data.byteLength), data, 0, data.length), want);
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
      for (let end = start; end <= b.length; end += 7) assert.equal(crc32cView(dv, b, start, end), crc32c(b, start, end), `${start}..${end}`);
    }
  });
  it('honours a sub-range at any alignment', () => {
    const data = new TextEncoder().encode('xx123456789yy');
    assert.equal(crc32c(data, 2, 11), 0xe3069283);
  });
});
