import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, type MatchType } from '../../model/index.js';
import { IndexReader, expandPostings, literalSetMatches, postingsForMatchers } from './index.js';
import { writeIndexFile } from './build.js';
import { compareLabelsUtf8 } from './utf8-order.js';

test('postingsForMatchers agrees with matching every series', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-pfm-'));
  try {
    const sets: Labels[] = [];
    for (let i = 0; i < 300; i++) {
      const a = ['__name__', i % 3 === 0 ? 'up' : 'http_requests_total', 'job', `j${i % 4}`, 'i', String(i)];
      if (i % 2 === 0) a.push('code', String(200 + (i % 5) * 100));
      if (i % 7 === 0) a.push('env', i % 14 === 0 ? 'prod' : 'dev');
      sets.push(Labels.fromStrings(...a));
    }
    sets.sort(compareLabelsUtf8);
    const refs = await writeIndexFile(join(dir, 'index'), sets.map((labels) => ({ labels, chunks: [] })));
    const r = await IndexReader.open(join(dir, 'index'));
    const M = (t: MatchType, n: string, v: string): Matcher => new Matcher(t, n, v);
    const cases: Matcher[][] = [
      [M('=', '__name__', 'up')],
      [M('=', '__name__', 'up'), M('=', 'job', 'j1')],
      [M('=', '__name__', 'nope')],
      [M('!=', 'job', 'j1')],
      [M('=', '__name__', 'up'), M('!=', 'job', 'j1')],
      [M('=~', 'job', 'j1|j3')],
      [M('=~', 'job', 'j[12]')],
      [M('!~', 'job', 'j1|j3')],
      [M('=', '__name__', 'up'), M('!~', 'job', 'j[12]')],
      [M('=', 'env', '')],
      [M('=', '__name__', 'up'), M('=', 'env', '')],
      [M('!=', 'env', '')],
      [M('=~', 'env', '.+')],
      [M('!~', 'env', '.+')],
      [M('=~', 'env', '.*')],
      [M('=', '__name__', 'up'), M('!~', 'env', '.*')],
      [M('=~', 'env', 'prod|')],
      [M('=~', 'code', '(200|400)'), M('=~', 'i', '1.*')],
      [M('!~', 'code', '2..'), M('=', '__name__', 'http_requests_total')],
      [M('=~', 'env', 'dev'), M('!=', 'env', 'dev')],
      [M('=~', 'env', '.+'), M('!=', 'env', 'prod')],
      [M('!=', 'code', '300'), M('!~', 'env', 'prod')],
      [M('=~', 'code', '.*0'), M('!=', 'job', '')],
    ];
    for (const ms of cases) {
      const want: number[] = [];
      sets.forEach((l, i) => { if (ms.every((m) => m.matches(l.get(m.name)))) want.push(refs[i]!); });
      const got = expandPostings(await postingsForMatchers(r, ms));
      assert.deepEqual(got, want, ms.map(String).join(','));
    }
    // {""=""} selects everything, as Prometheus's special case.
    assert.deepEqual(expandPostings(await postingsForMatchers(r, [M('=', '', '')])), refs);
    await r.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('literalSetMatches recognises plain alternations only', () => {
  const cases: [string, string[] | null][] = [
    ['a|b|c', ['a', 'b', 'c']],
    ['(a|b)', ['a', 'b']],
    ['(?:x|y\\.z)', ['x', 'y.z']],
    ['abc', ['abc']],
    ['a|', ['a', '']],
    ['a.b', null],
    ['a|b+', null],
    ['(a)|(b)', null],
    ['(?i)a', null],
    ['\\d', null],
  ];
  for (const [re, want] of cases) assert.deepEqual(literalSetMatches(re), want, re);
});
