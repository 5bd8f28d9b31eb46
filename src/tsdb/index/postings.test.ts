import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_POSTINGS, ErrPostings, ListPostings, expandPostings, intersectPostings, mergePostings,
  postingsToUint32Array, withoutPostings,
} from './postings.js';
import { decodeBigEndianRefs, differenceSorted, intersectSorted, unionSorted } from './postings-arrays.js';

const L = (...a: number[]): ListPostings => new ListPostings(Uint32Array.from(a));

/** A seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSorted(r: () => number, n: number, max: number): Uint32Array {
  const s = new Set<number>();
  while (s.size < n) s.add(Math.floor(r() * max));
  return Uint32Array.from([...s].sort((a, b) => a - b));
}

test('set operations on cursors', () => {
  const cases: { name: string; got: () => number[]; want: number[] }[] = [
    { name: 'intersect', got: () => expandPostings(intersectPostings(L(1, 2, 3, 5, 9), L(2, 3, 4, 9), L(0, 2, 9, 10))), want: [2, 9] },
    { name: 'intersect none', got: () => expandPostings(intersectPostings()), want: [] },
    { name: 'intersect with empty', got: () => expandPostings(intersectPostings(L(1), EMPTY_POSTINGS)), want: [] },
    { name: 'merge', got: () => expandPostings(mergePostings(L(1, 5), L(2, 5, 7), L(), L(0, 9))), want: [0, 1, 2, 5, 7, 9] },
    { name: 'without', got: () => expandPostings(withoutPostings(L(1, 2, 3, 4, 5), L(0, 2, 4, 6))), want: [1, 3, 5] },
    { name: 'without empty', got: () => expandPostings(withoutPostings(L(1, 2), EMPTY_POSTINGS)), want: [1, 2] },
    { name: 'nested', got: () => expandPostings(withoutPostings(intersectPostings(mergePostings(L(1, 3), L(2, 4)), L(1, 2, 3)), L(2))), want: [1, 3] },
  ];
  for (const c of cases) assert.deepEqual(c.got(), c.want, c.name);
});

test('seek never moves backwards and finds the first ref >= target', () => {
  for (const mk of [
    () => L(2, 4, 6, 8, 10, 12, 14),
    () => mergePostings(L(2, 8, 14), L(4, 10), L(6, 12)),
    () => intersectPostings(L(1, 2, 4, 6, 8, 10, 12, 14), L(2, 4, 6, 8, 10, 12, 14, 15)),
    () => withoutPostings(L(2, 3, 4, 6, 8, 10, 12, 14), L(3)),
  ]) {
    const p = mk();
    assert.ok(p.seek(5)); assert.equal(p.at(), 6);
    assert.ok(p.seek(3)); assert.equal(p.at(), 6);
    assert.ok(p.next()); assert.equal(p.at(), 8);
    assert.ok(p.seek(14)); assert.equal(p.at(), 14);
    assert.equal(p.seek(15), false);
  }
});

test('errors propagate through combinations', () => {
  const e = new Error('boom');
  const p = intersectPostings(L(1, 2), new ErrPostings(e));
  assert.equal(p.next(), false);
  assert.equal(p.err(), e);
  assert.throws(() => expandPostings(mergePostings(L(1), new ErrPostings(e))), /boom/);
});

test('cursor and array forms agree on random lists', () => {
  const r = rng(42);
  for (let round = 0; round < 30; round++) {
    const a = randomSorted(r, Math.floor(r() * 300), 2000);
    const b = randomSorted(r, Math.floor(r() * 300), 2000);
    const c = randomSorted(r, Math.floor(r() * 30), 2000);
    const setB = new Set(b);
    assert.deepEqual([...intersectSorted(a, b)], [...a].filter((x) => setB.has(x)));
    assert.deepEqual([...postingsToUint32Array(intersectPostings(new ListPostings(a), new ListPostings(b)))], [...intersectSorted(a, b)]);
    const u = [...new Set([...a, ...b, ...c])].sort((x, y) => x - y);
    assert.deepEqual([...unionSorted([a, b, c])], u);
    assert.deepEqual(expandPostings(mergePostings(new ListPostings(a), new ListPostings(b), new ListPostings(c))), u);
    assert.deepEqual([...differenceSorted(a, b)], [...a].filter((x) => !setB.has(x)));
    assert.deepEqual(expandPostings(withoutPostings(new ListPostings(a), new ListPostings(b))), [...differenceSorted(a, b)]);
  }
});

test('decodeBigEndianRefs reads big-endian refs at any offset', () => {
  const b = Buffer.from([9, 0, 0, 0, 1, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual([...decodeBigEndianRefs(b, 1, 3)], [1, 256, 0xffffffff]);
});
