import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, crc32cCombine } from './crc32c.js';

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
    assert.equal(crc32c(b, crc32c(b, 0, 0, cut), cut, b.length), whole, `cut ${cut}`);
    assert.equal(crc32c(b.subarray(3, cut + 3 > 1000 ? 1000 : cut + 3)), crc32c(b, 0, 3, Math.min(1000, cut + 3)));
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
