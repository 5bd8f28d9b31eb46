import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { ARENA_CLASSES, ChunkArena, XorChunk, type ChunkIterator } from './index.js';

function sample(i: number): number {
  // Values that change every time, with varying bits, so that chunks grow steadily.
  return Math.sin(i) * 1e6 + i / 7;
}

function readAll(it: ChunkIterator, out: number[] = []): number[] {
  while (it.next() === ValueType.Float) out.push(it.atT(), it.atF());
  assert.equal(it.err(), null);
  return out;
}

test('arena: blocks come in class sizes, zeroed, and freed blocks are reused', () => {
  const a = new ChunkArena();
  const b1 = a.alloc(10);
  assert.equal(b1.length, ARENA_CLASSES[0]);
  b1.fill(0xff);
  a.free(b1);
  const b2 = a.alloc(64);
  assert.equal(b2.buffer, b1.buffer);
  assert.equal(b2.byteOffset, b1.byteOffset);
  assert.ok(b2.every((x) => x === 0), 'reused block is zeroed');
  const big = a.alloc(5000);
  assert.equal(big.length, 5000);
  a.free(big); // ignored: not an arena block
  a.free(new Uint8Array(0)); // ignored
  assert.equal(a.stats().inUseBytes, 64);
  assert.equal(a.alloc(65).length, ARENA_CLASSES[1]);
});

test('arena chunk: same bytes as a plain chunk; iterators follow growth and sealing while blocks are reused', () => {
  const a = new ChunkArena();
  const c = XorChunk.emptyIn(a);
  const plain = XorChunk.empty();
  const app = c.appender();
  const papp = plain.appender();
  const want: number[] = [];
  for (let i = 0; i < 3; i++) {
    app.append((1000 * i) as Millis, sample(i));
    papp.append((1000 * i) as Millis, sample(i));
    want.push(1000 * i, sample(i));
  }
  // An iterator made now reads the 3 samples there are, from the first block.
  const it = c.iterator(null);
  assert.equal(it.next(), ValueType.Float);
  const got = [it.atT(), it.atF()];
  for (let i = 3; i < 90; i++) {
    app.append((1000 * i) as Millis, sample(i));
    papp.append((1000 * i) as Millis, sample(i));
    // Another chunk takes the freed blocks and scribbles over them.
    const other = a.alloc(64);
    other.fill(0xa5);
  }
  assert.deepEqual(c.bytes(), plain.bytes());
  readAll(it, got);
  assert.deepEqual(got, want, 'an iterator from before the growth still reads its samples');

  const all: number[] = [];
  for (let i = 0; i < 90; i++) all.push(1000 * i, sample(i));
  const it2 = c.iterator(null);
  assert.equal(it2.next(), ValueType.Float);
  const got2 = [it2.atT(), it2.atF()];
  const before = a.stats().inUseBytes;
  c.seal();
  assert.ok(a.stats().inUseBytes < before, 'sealing gives the buffer back');
  for (let k = 0; k < 20; k++) a.alloc(1048).fill(0x5a);
  readAll(it2, got2);
  assert.deepEqual(got2, all, 'an iterator from before sealing still reads its samples');
  assert.deepEqual(c.bytes(), plain.bytes());
  assert.deepEqual(readAll(c.iterator(null)), all);

  // A sealed chunk can be appended to again, from a private copy.
  const app2 = c.appender();
  app2.append(90_000 as Millis, 1);
  assert.equal(c.numSamples(), 91);
});
