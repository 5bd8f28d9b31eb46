import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xxhash64, xxhash64Hex } from './xxhash64.js';

test('xxhash64 gives the reference vectors (every path: short tail, 4- and 8-byte words, 32-byte stripes)', () => {
  const e = new TextEncoder();
  const cases: [string, string][] = [
    ['', 'ef46db3751d8e999'],
    ['a', 'd24ec4f1a98c6e5b'],
    ['abc', '44bc2cf5ad770999'],
    ['Nobody inspects the spammish repetition', 'fbcea83c8a378bf1'],
    ['The quick brown fox jumps over the lazy dog', '0b242d361fda71bc'],
  ];
  for (const [s, want] of cases) {
    assert.equal(xxhash64Hex(e.encode(s)), want, JSON.stringify(s));
    assert.equal(xxhash64(e.encode(s)), BigInt(`0x${want}`));
  }
});

test('xxhash64 reads a view at its own offset', () => {
  const e = new TextEncoder();
  const whole = e.encode('xxThe quick brown fox jumps over the lazy dog');
  assert.equal(xxhash64Hex(whole.subarray(2)), '0b242d361fda71bc');
});
