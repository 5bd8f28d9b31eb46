import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Millis } from '../../../model/index.js';
import { Form } from '../../form.js';
import { ApiError } from './envelope.js';
import { parseSearchParams, searchHintsLimit, searchOrdering } from './search-params.js';

const NOW = 1_700_000_000_000 as Millis;
const form = (query: string, body = ''): Form => new Form(new URLSearchParams(body), new URLSearchParams(query));

test('search parameters: defaults', () => {
  const p = parseSearchParams(form(''), NOW, 10_000);
  assert.deepEqual(p, {
    matcherSets: [], searches: [], fuzzThreshold: 0, fuzzAlg: 'subsequence', caseSensitive: true, sortBy: '', sortDir: 'asc',
    includeScore: false, start: NOW - 3_600_000, end: NOW, limit: 100, batchSize: 100,
  });
});

test('search parameters: values given, body values before query values', () => {
  const p = parseSearchParams(form('search[]=b&limit=7&start=10&end=10', 'search[]=a&fuzz_alg=jarowinkler&fuzz_threshold=%2B80&case_sensitive=F&include_score=1&sort_by=alpha&sort_dir=dsc&batch_size=3&match[]=up'), NOW, 10_000);
  assert.deepEqual(p.searches, ['a', 'b']);
  assert.equal(p.fuzzAlg, 'jarowinkler');
  assert.equal(p.fuzzThreshold, 80);
  assert.equal(p.caseSensitive, false);
  assert.equal(p.includeScore, true);
  assert.equal(p.sortDir, 'dsc');
  assert.equal(p.limit, 7);
  assert.equal(p.batchSize, 3);
  assert.equal(p.start, 10_000);
  assert.equal(p.end, 10_000, 'a range of one instant is allowed');
  assert.equal(p.matcherSets.length, 1);
  assert.equal(p.matcherSets[0]![0]!.value, 'up');
});

test('search parameters: the default limit and the cap', () => {
  // [max-limit, limit parameter, limit or error]
  const cases: [number, string, number | string][] = [
    [10_000, '', 100],
    [50, '', 50],
    [200, '', 100],
    [0, '', 100],
    [0, '1000000', 1_000_000],
    [50, '50', 50],
    [50, '51', 'limit 51 exceeds the configured maximum (50, see --web.search.max-limit)'],
    [0, '99999999999999999999', 'invalid limit "99999999999999999999": must be a positive integer'],
    [0, '9223372036854775807', 2 ** 63],
  ];
  for (const [max, l, want] of cases) {
    const f = form(l === '' ? '' : `limit=${l}`);
    if (typeof want === 'number') assert.equal(parseSearchParams(f, NOW, max).limit, want, `${max} ${l}`);
    else assert.throws(() => parseSearchParams(f, NOW, max), (e: unknown) => e instanceof ApiError && e.errorType === 'bad_data' && e.message === want, `${max} ${l}`);
  }
});

test('search parameters: orders and the storage limit', () => {
  assert.equal(searchOrdering({ sortBy: '', sortDir: 'asc' }), 'valueAsc');
  assert.equal(searchOrdering({ sortBy: 'alpha', sortDir: 'asc' }), 'valueAsc');
  assert.equal(searchOrdering({ sortBy: 'alpha', sortDir: 'dsc' }), 'valueDesc');
  assert.equal(searchOrdering({ sortBy: 'score', sortDir: 'asc' }), 'scoreDesc');
  assert.equal(searchHintsLimit(100), 101);
  assert.equal(searchHintsLimit(2 ** 63), 2 ** 63, 'no overflow past the largest int');
});
