import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareUtf8 } from './utf8-order.js';

test('compareUtf8 sorts as the UTF-8 bytes sort (Go\'s string order), unlike JS code units above U+FFFF', () => {
  const words = ['b', 'a', '', 'ab', '\u00e9', '\uffff', '\ue000', '\u{1f600}', '\u{10000}', 'a\u{1f600}', 'a\uffff', 'z'];
  const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
  assert.deepEqual([...words].sort(compareUtf8), byBytes);
  // Where JS's own order differs: U+FFFF before an astral character in UTF-8, after it in UTF-16.
  assert.ok(compareUtf8('\uffff', '\u{10000}') < 0);
  assert.ok('\uffff' > '\u{10000}');
  assert.equal(compareUtf8('same', 'same'), 0);
});
