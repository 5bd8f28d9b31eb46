import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncBuf, uvarintSize } from './encbuf.js';
import { DecBuf, ERR_INVALID_SIZE } from './decbuf.js';

test('uvarint and varint round-trip across the safe integer range, with Go byte layouts', () => {
  const cases: [number, string][] = [
    [0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'],
    [2 ** 31, '8080808008'], [2 ** 32 + 5, '8580808010'], [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
  ];
  for (const [v, hex] of cases) {
    const e = new EncBuf(1);
    e.putUvarint(v);
    assert.equal(e.get().toString('hex'), hex, `uvarint ${v}`);
    assert.equal(uvarintSize(v), hex.length / 2);
    const d = new DecBuf(e.get());
    assert.equal(d.uvarint(), v);
    assert.equal(d.err(), null);
  }
  for (const v of [0, -1, 1, -64, 64, 1_700_000_000_000, -1_700_000_000_000, 2 ** 52 - 1, -(2 ** 52)]) {
    const e = new EncBuf(1);
    e.putVarint(v);
    assert.equal(new DecBuf(e.get()).varint(), v, `varint ${v}`);
  }
  // Go's zigzag: -1 -> 1, 1 -> 2.
  const e = new EncBuf();
  e.putVarint(-1); e.putVarint(1);
  assert.equal(e.get().toString('hex'), '0102');
});

test('int64 extremes go through the bigint forms', () => {
  const e = new EncBuf();
  e.putVarintBig(-(2n ** 63n));
  e.putVarintBig(2n ** 63n - 1n);
  e.putVarint(-(2 ** 63));
  const d = new DecBuf(e.get());
  assert.equal(d.varintBig(), -(2n ** 63n));
  assert.equal(d.varintBig(), 2n ** 63n - 1n);
  assert.equal(d.varintBig(), -(2n ** 63n));
  assert.equal(d.err(), null);
});

test('fixed-width, strings and sticky errors', () => {
  const e = new EncBuf(2);
  e.putBE32(0xbaaad700);
  e.putBE64(2 ** 40 + 3);
  e.putUvarintStr('');
  e.putUvarintStr('job');
  e.putUvarintStr('ünï😀');
  const d = new DecBuf(e.get());
  assert.equal(d.be32(), 0xbaaad700);
  assert.equal(d.be64(), 2 ** 40 + 3);
  assert.equal(d.uvarintStr(), '');
  assert.equal(d.uvarintStr(), 'job');
  assert.equal(d.uvarintStr(), 'ünï😀');
  assert.equal(d.remaining(), 0);
  assert.equal(d.be32(), 0);
  assert.equal(d.err(), ERR_INVALID_SIZE);
  assert.equal(d.uvarint(), 0);
  // A truncated string and an 11-byte varint.
  assert.equal(new DecBuf(Buffer.from([5, 0x61])).uvarintStr(), '');
  const over = new DecBuf(Buffer.from('ffffffffffffffffff7f', 'hex'));
  over.uvarint();
  assert.equal(over.err(), ERR_INVALID_SIZE);
});

test('compareUtf8 orders by UTF-8 bytes, unlike UTF-16 code units', async () => {
  const { compareUtf8 } = await import('./utf8-order.js');
  const words = ['', 'a', 'ab', 'b', 'é', '\uffee', '😀', '\ud7ff', 'z\u0000'];
  const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual([...words].sort(compareUtf8), byBytes);
  assert.ok('\uffee' > '😀'); // JS order...
  assert.ok(compareUtf8('\uffee', '😀') < 0); // ...and byte order disagree.
});
