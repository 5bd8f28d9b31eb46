import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, Matcher, type Millis } from '../model/index.js';
import { compareUtf8 } from '../util/utf8-order.js';
import type { Querier } from './interface.js';
import { MemoryStorage } from './memory/index.js';
import {
  applySearchHints, compareSearchResults, mergeSearchResults, NOT_ACCEPTED, searchLabelNames, searchLabelValues,
  type Filter, type Ordering, type SearchResult,
} from './search.js';

const ORDERS: readonly Ordering[] = ['valueAsc', 'valueDesc', 'scoreDesc'];

/** A filter from a table: values absent from it are not accepted. */
function tableFilter(scores: Record<string, number>): Filter {
  return { accept: (v) => scores[v] ?? NOT_ACCEPTED };
}

const pairs = (rs: readonly SearchResult[]): [string, number][] => rs.map((r) => [r.value, r.score]);

test('applySearchHints without a filter: every value scores 1; the limit cuts in the asked order', () => {
  const vals = ['a', 'b', 'c', 'd'];
  assert.deepEqual(pairs(applySearchHints(vals, { filter: null, limit: 0, orderBy: 'valueAsc' })), [['a', 1], ['b', 1], ['c', 1], ['d', 1]]);
  assert.deepEqual(pairs(applySearchHints(vals, { filter: null, limit: 2, orderBy: 'valueAsc' })), [['a', 1], ['b', 1]]);
  assert.deepEqual(pairs(applySearchHints(vals, { filter: null, limit: 2, orderBy: 'valueDesc' })), [['d', 1], ['c', 1]]);
  assert.deepEqual(pairs(applySearchHints(vals, { filter: null, limit: 3, orderBy: 'scoreDesc' })), [['a', 1], ['b', 1], ['c', 1]]);
  assert.deepEqual(pairs(applySearchHints(vals, { filter: null, limit: 9, orderBy: 'valueDesc' })), [['d', 1], ['c', 1], ['b', 1], ['a', 1]]);
});

test('applySearchHints with a filter: each order, with and without a limit; score ties by value', () => {
  const vals = ['a', 'b', 'c', 'd', 'e'];
  const f = tableFilter({ a: 0.5, b: 0.9, d: 0.9, e: 0.1 });
  const cases: [Ordering, number, [string, number][]][] = [
    ['valueAsc', 0, [['a', 0.5], ['b', 0.9], ['d', 0.9], ['e', 0.1]]],
    ['valueAsc', 2, [['a', 0.5], ['b', 0.9]]],
    ['valueDesc', 0, [['e', 0.1], ['d', 0.9], ['b', 0.9], ['a', 0.5]]],
    ['valueDesc', 3, [['e', 0.1], ['d', 0.9], ['b', 0.9]]],
    ['scoreDesc', 0, [['b', 0.9], ['d', 0.9], ['a', 0.5], ['e', 0.1]]],
    ['scoreDesc', 1, [['b', 0.9]]],
    ['scoreDesc', 3, [['b', 0.9], ['d', 0.9], ['a', 0.5]]],
  ];
  for (const [orderBy, limit, want] of cases) {
    assert.deepEqual(pairs(applySearchHints(vals, { filter: f, limit, orderBy })), want, `${orderBy} limit ${limit}`);
  }
});

/** A small seeded generator (mulberry32), so that the random cases are the same every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('applySearchHints and mergeSearchResults agree with filtering, sorting and cutting everything', () => {
  const rand = rng(42);
  const alphabet = ['a', 'b', 'z', '\uffff', '\u{10000}', '\u00e9'];
  for (let round = 0; round < 300; round++) {
    const set = new Set<string>();
    const n = Math.floor(rand() * 40);
    for (let i = 0; i < n; i++) {
      let s = '';
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) s += alphabet[Math.floor(rand() * alphabet.length)]!;
      set.add(s);
    }
    const values = [...set].sort(compareUtf8);
    const scores: Record<string, number> = {};
    // Few distinct scores, so that ties are common.
    for (const v of values) if (rand() < 0.7) scores[v] = Math.floor(rand() * 4) / 4;
    const filter = rand() < 0.2 ? null : tableFilter(scores);
    const orderBy = ORDERS[Math.floor(rand() * 3)]!;
    const limit = Math.floor(rand() * 10);
    const all = values.flatMap((v) => {
      const s = filter === null ? 1 : filter.accept(v);
      return s === NOT_ACCEPTED ? [] : [{ value: v, score: s }];
    }).sort(compareSearchResults(orderBy));
    const want = limit > 0 ? all.slice(0, limit) : all;
    const got = applySearchHints(values, { filter, limit, orderBy });
    assert.deepEqual(pairs(got), pairs(want), `round ${round}: ${orderBy} limit ${limit}`);

    // The same values split over two overlapping lookups merge back into the same answer.
    const left = values.filter(() => rand() < 0.6);
    const right = values.filter((v) => !left.includes(v) || rand() < 0.3);
    const h = { filter, limit, orderBy };
    const merged = mergeSearchResults([applySearchHints(left, h), applySearchHints(right, h)], orderBy, limit);
    assert.deepEqual(pairs(merged), pairs(want), `round ${round}: merged`);
  }
});

test('mergeSearchResults: each value once, the higher score kept, the limit applied', () => {
  const a = [{ value: 'a', score: 1 }, { value: 'c', score: 0.5 }];
  const b = [{ value: 'b', score: 1 }, { value: 'c', score: 0.7 }, { value: 'd', score: 1 }];
  assert.deepEqual(pairs(mergeSearchResults([a, b], 'valueAsc', 0)), [['a', 1], ['b', 1], ['c', 0.7], ['d', 1]]);
  assert.deepEqual(pairs(mergeSearchResults([a, b, a], 'valueAsc', 3)), [['a', 1], ['b', 1], ['c', 0.7]]);
  assert.deepEqual(pairs(mergeSearchResults([], 'scoreDesc', 3)), []);
  assert.deepEqual(pairs(mergeSearchResults([[...b].reverse(), [...a].reverse()], 'valueDesc', 0)), [['d', 1], ['c', 0.7], ['b', 1], ['a', 1]]);
});

test('searchLabelNames and searchLabelValues over a querier', async () => {
  const s = new MemoryStorage({ gcIntervalMs: 0 });
  const app = s.appender();
  const add = (...kv: string[]): void => { app.append(0, Labels.fromStrings(...kv), 1000 as Millis, 1); };
  add('__name__', 'go_goroutines', 'job', 'prometheus', 'instance', 'a');
  add('__name__', 'go_gc_duration_seconds', 'job', 'prometheus', 'instance', 'a');
  add('__name__', 'up', 'job', 'node', 'instance', 'b', 'zone', 'eu');
  await app.commit();
  const q = await s.querier(0 as Millis, 2000 as Millis);
  try {
    const go = tableFilter({ go_goroutines: 0.5, go_gc_duration_seconds: 0.5, up: 0.2 });
    const r = await searchLabelValues(q, '__name__', { filter: go, limit: 2, orderBy: 'scoreDesc' }, []);
    assert.deepEqual(pairs(r.results), [['go_gc_duration_seconds', 0.5], ['go_goroutines', 0.5]]);
    const names = await searchLabelNames(q, { filter: null, limit: 0, orderBy: 'valueDesc' }, [new Matcher('=', 'job', 'node')]);
    assert.deepEqual(names.results.map((x) => x.value), ['zone', 'job', 'instance', '__name__']);
    const jobs = await searchLabelValues(q, 'job', { filter: null, limit: 1, orderBy: 'valueAsc' }, []);
    assert.deepEqual(pairs(jobs.results), [['node', 1]]);
  } finally {
    await q.close();
  }
});

test('searchLabelValues sorts what a querier gives out of order', async () => {
  const q: Querier = {
    select: () => { throw new Error('not used'); },
    labelValues: () => Promise.resolve({ value: ['b', '\u{10000}', 'a', '\uffff'], warnings: ['w'] }),
    labelNames: () => Promise.resolve({ value: [], warnings: [] }),
    close: () => Promise.resolve(),
  };
  const r = await searchLabelValues(q, 'x', { filter: null, limit: 0, orderBy: 'valueAsc' }, []);
  assert.deepEqual(r.results.map((x) => x.value), ['a', 'b', '\uffff', '\u{10000}']);
  assert.deepEqual(r.warnings, ['w']);
});
