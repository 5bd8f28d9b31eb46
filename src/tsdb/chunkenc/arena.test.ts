import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Millis } from '../../model/index.js';
import { ValueType, type FloatColumns } from '../../storage/interface.js';
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
  assert.equal(a.blockSizeFor(10), ARENA_CLASSES[0]);
  assert.equal(a.blockSizeFor(65), ARENA_CLASSES[1]);
  assert.equal(a.blockSizeFor(5000), 0);
  const h1 = a.allocBlock(10);
  const slab = a.slabOf(h1), o1 = a.offsetOf(h1);
  slab.fill(0xff, o1, o1 + 64);
  const h2 = a.allocBlock(64);
  assert.notEqual(h2, h1);
  a.freeBlock(h1, 64);
  const h3 = a.allocBlock(64);
  assert.equal(h3, h1, 'a freed block is reused');
  assert.ok(slab.subarray(o1, o1 + 64).every((x) => x === 0), 'reused block is zeroed');
  assert.throws(() => a.allocBlock(5000), /no block of 5000 bytes/);
  assert.throws(() => { a.freeBlock(h2, 65); }, /no block class/);
  assert.equal(a.stats().inUseBytes, 128);
  // Blocks fill a slab, then the next slab starts.
  const hs = new Set<number>();
  for (let i = 0; i < 300; i++) hs.add(a.allocBlock(1048));
  assert.equal(hs.size, 300);
  assert.ok(a.stats().slabBytes >= 2 * 256 * 1024);
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
  // An iterator made now reads the 3 samples there are, from the first block; another reads
  // them in bulk, one now and the rest after the growth.
  const it = c.iterator(null);
  assert.equal(it.next(), ValueType.Float);
  const got = [it.atT(), it.atF()];
  const bulk = c.iterator(null);
  const cols: FloatColumns = { fT: new Float64Array(8), fV: new Float64Array(8), fN: 0, staleT: 0, growF(): void { throw new Error('sized for the test'); } };
  assert.equal(bulk.next(), ValueType.Float);
  assert.equal(bulk.readFloats!(0, cols), ValueType.Float);
  for (let i = 3; i < 90; i++) {
    app.append((1000 * i) as Millis, sample(i));
    papp.append((1000 * i) as Millis, sample(i));
    // Another chunk takes the freed blocks and scribbles over them.
    const other = a.allocBlock(64);
    a.slabOf(other).fill(0xa5, a.offsetOf(other), a.offsetOf(other) + 64);
  }
  assert.deepEqual(c.bytes(), plain.bytes());
  readAll(it, got);
  assert.deepEqual(got, want, 'an iterator from before the growth still reads its samples');
  assert.equal(bulk.readFloats!(Infinity, cols), ValueType.None);
  assert.equal(bulk.err(), null);
  assert.deepEqual([...cols.fT.subarray(0, cols.fN)].flatMap((t, i) => [t, cols.fV[i]!]), want, 'a bulk read from before the growth too');

  const all: number[] = [];
  for (let i = 0; i < 90; i++) all.push(1000 * i, sample(i));
  const it2 = c.iterator(null);
  assert.equal(it2.next(), ValueType.Float);
  const got2 = [it2.atT(), it2.atF()];
  const before = a.stats().inUseBytes;
  c.seal();
  assert.ok(a.stats().inUseBytes < before, 'sealing gives the buffer back');
  for (let k = 0; k < 20; k++) {
    const h = a.allocBlock(1048);
    a.slabOf(h).fill(0x5a, a.offsetOf(h), a.offsetOf(h) + 1048);
  }
  readAll(it2, got2);
  assert.deepEqual(got2, all, 'an iterator from before sealing still reads its samples');
  assert.deepEqual(c.bytes(), plain.bytes());
  assert.deepEqual(readAll(c.iterator(null)), all);

  // A sealed chunk can be appended to again, from a private copy.
  const app2 = c.appender();
  app2.append(90_000 as Millis, 1);
  assert.equal(c.numSamples(), 91);
});
