import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOT_ACCEPTED, type Filter } from '../../../storage/index.js';
import { goToLower } from '../../../util/go-case.js';
import { buildSearchFilter, FuzzyFilter, MEMO_MAX_ENTRIES, MemoizingFilter, SubsequenceFilter, SubstringFilter } from './search-filters.js';

const close = (got: number, want: number, what: string, eps = 1e-9): void => {
  assert.ok(Math.abs(got - want) < eps, `${what}: ${got}, want ${want}`);
};

test('substring filter: accepted values and position scores (Prometheus\'s cases)', () => {
  // [query, value, score or NOT_ACCEPTED]
  const cases: [string, string, number][] = [
    ['prometheus', 'prometheus', 1],
    ['prom', 'prometheus', 1],
    ['meth', 'prometheus', 0.55],
    ['heus', 'prometheus', 0.1],
    ['prometheus', 'Prometheus', NOT_ACCEPTED],
    ['grafana', 'prometheus', NOT_ACCEPTED],
    ['', 'anything', 1],
    // Positions count characters, not bytes or UTF-16 units.
    ['本', '東京日本京都', 0.46],
    ['fo', 'infor', 0.4],
    ['b', 'abc日本', 0.775],
    ['c', '日本cabc', 0.64],
    ['c', '\u{1f600}\u{1f600}cabc', 0.64],
  ];
  for (const [q, v, want] of cases) {
    const got = new SubstringFilter(q).accept(v);
    if (want === NOT_ACCEPTED) assert.equal(got, NOT_ACCEPTED, `${q} in ${v}`);
    else close(got, want, `${q} in ${v}`);
  }
});

test('fuzzy (Jaro-Winkler) filter: threshold', () => {
  const f = new FuzzyFilter('prometheus', 0.8);
  assert.equal(f.accept('prometheus'), 1);
  assert.ok(f.accept('promethus') >= 0.8);
  assert.equal(f.accept('grafana'), NOT_ACCEPTED);
  assert.equal(f.accept('PROMETHEUS'), NOT_ACCEPTED);
});

test('subsequence filter: prefixes score 1, threshold, no match', () => {
  assert.equal(new SubsequenceFilter('prometheus', 1).accept('prometheus'), 1);
  assert.equal(new SubsequenceFilter('prom', 1).accept('prometheus'), 1);
  const s = new SubsequenceFilter('pms', 0).accept('prometheus');
  assert.ok(s > 0 && s < 1, String(s));
  assert.equal(new SubsequenceFilter('xyz', 0).accept('prometheus'), NOT_ACCEPTED);
  assert.equal(new SubsequenceFilter('prom', 0).accept('PROMETHEUS'), NOT_ACCEPTED);
  assert.equal(new SubsequenceFilter('pms', 0.99).accept('prometheus'), NOT_ACCEPTED);
});

test('buildSearchFilter with jarowinkler (Prometheus\'s matchName cases)', () => {
  // [search, fuzz_threshold, case_sensitive, score or NOT_ACCEPTED, or null for "any accepted score"]
  const cases: [string, number, boolean, number | null][] = [
    ['go_gor', 100, true, 1],
    ['GO_GOR', 100, true, NOT_ACCEPTED],
    ['GO_GOR', 100, false, 1],
    ['xyz_not_found', 100, true, NOT_ACCEPTED],
    ['go_goroutins', 80, true, null],
    ['go_goroutins', 100, true, NOT_ACCEPTED],
    ['goroutine', 100, true, 0.325],
  ];
  for (const [search, ft, cs, want] of cases) {
    const f = buildSearchFilter([search], ft, 'jarowinkler', cs, false)!;
    const got = f.accept('go_goroutines');
    if (want === null) assert.notEqual(got, NOT_ACCEPTED, search);
    else if (want === NOT_ACCEPTED) assert.equal(got, NOT_ACCEPTED, search);
    else close(got, want, search);
  }
  assert.equal(buildSearchFilter([], 100, 'jarowinkler', true, false), null);
  assert.equal(buildSearchFilter(['', ''], 0, 'subsequence', true, true), null, 'empty terms are dropped');
});

test('buildSearchFilter: several terms take the best score; case folding; memo only where it pays', () => {
  const f = buildSearchFilter(['node', 'prom'], 0, 'jarowinkler', true, false)!;
  assert.equal(f.accept('prometheus'), 1);
  assert.equal(f.accept('node'), 1);
  close(f.accept('my_node_x'), 1 - 0.9 * 3 / 5, 'my_node_x');
  assert.equal(f.accept('grafana'), NOT_ACCEPTED);
  const both = buildSearchFilter(['heus', 'meth'], 0, 'jarowinkler', true, false)!;
  close(both.accept('prometheus'), 0.55, 'best of two substring scores');

  const ci = buildSearchFilter(['PROM'], 0, 'subsequence', false, false)!;
  assert.equal(ci.accept('Prometheus'), 1);
  assert.equal(buildSearchFilter(['PROM'], 0, 'subsequence', true, false)!.accept('Prometheus'), NOT_ACCEPTED);

  assert.ok(buildSearchFilter(['prm'], 0, 'subsequence', true, true) instanceof MemoizingFilter);
  assert.ok(buildSearchFilter(['prom'], 80, 'jarowinkler', true, true) instanceof MemoizingFilter);
  assert.ok(!(buildSearchFilter(['prom'], 0, 'jarowinkler', true, true) instanceof MemoizingFilter), 'substring-only scoring is cheap');
  assert.ok(!(buildSearchFilter(['prm'], 0, 'subsequence', true, false) instanceof MemoizingFilter));
});

test('memoizing filter: one inner call per value, bounded', () => {
  const calls = new Map<string, number>();
  const inner: Filter = { accept: (v) => { calls.set(v, (calls.get(v) ?? 0) + 1); return v === 'prometheus' ? 1 : NOT_ACCEPTED; } };
  const m = new MemoizingFilter(inner);
  for (let i = 0; i < 5; i++) assert.equal(m.accept('prometheus'), 1);
  assert.equal(m.accept('grafana'), NOT_ACCEPTED);
  assert.equal(m.accept('grafana'), NOT_ACCEPTED);
  assert.deepEqual([...calls], [['prometheus', 1], ['grafana', 1]]);

  const big = new MemoizingFilter(inner);
  for (let i = 0; i < MEMO_MAX_ENTRIES; i++) big.accept(String(i));
  assert.equal(big.size, MEMO_MAX_ENTRIES);
  big.accept('overflow');
  big.accept('overflow');
  assert.equal(calls.get('overflow'), 2, 'past the bound every call reaches the inner filter');
  big.accept('0');
  assert.equal(calls.get('0'), 1, 'cached values still come from the cache');
});

test('goToLower: Go\'s simple case mapping', () => {
  assert.equal(goToLower('Go_GC'), 'go_gc');
  assert.equal(goToLower('ÉCOLE'), 'école');
  assert.equal(goToLower('\u0130'), 'i', 'U+0130 lowers to i alone, as in Go');
  assert.equal(goToLower('ΟΔΟΣ'), 'οδοσ', 'no final-sigma context rule');
  assert.equal(goToLower('\u{10400}'), '\u{10428}', 'characters above U+FFFF');
});
