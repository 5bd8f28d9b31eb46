import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { glob, globSync, GlobPattern, GlobPatternError } from './glob.js';

// [pattern, name, result]; 'bad' marks a malformed pattern. Cases follow Go's filepath.Match tests.
const cases: [string, string, boolean | 'bad'][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', 'bad'],
  ['[-]', '-', 'bad'],
  ['[x-]', 'x', 'bad'],
  ['[-x]', 'x', 'bad'],
  ['\\', 'a', 'bad'],
  ['[a-b-c]', 'a', 'bad'],
  ['[', 'a', 'bad'],
  ['[^', 'a', 'bad'],
  ['[^bc', 'a', 'bad'],
  ['a[', 'a', 'bad'],
  ['a/b[', 'x', 'bad'],
  ['*x', 'xxx', true],
  ['*.json', '.hidden.json', true],
  ['t?.yml', 't1.yml', true],
  ['t?.yml', 't12.yml', false],
  // Go accepts a reversed range; it matches nothing.
  ['[b-a]', 'a', false],
  ['[b-a]', 'b', false],
];

test('glob patterns match as Go filepath.Match does', () => {
  for (const [pattern, name, want] of cases) {
    if (want === 'bad') {
      assert.throws(() => new GlobPattern(pattern), GlobPatternError, pattern);
      continue;
    }
    assert.equal(new GlobPattern(pattern).matches(name), want, `${pattern} ~ ${name}`);
  }
});

test('glob lists matching files sorted, joined to the cleaned directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-glob-'));
  try {
    await mkdir(join(dir, 'sub'));
    for (const f of ['b.json', 'a.json', 'c.yml', 'sub/d.json']) await writeFile(join(dir, f), '[]');
    assert.deepEqual(await glob(`${dir}/*.json`), [join(dir, 'a.json'), join(dir, 'b.json')]);
    assert.deepEqual(await glob(`${dir}/./[ab].json`), [join(dir, 'a.json'), join(dir, 'b.json')]);
    assert.deepEqual(await glob(`${dir}/s?b/*.json`), [join(dir, 'sub/d.json')]);
    // Without metacharacters: the pattern itself when it exists.
    assert.deepEqual(await glob(`${dir}/c.yml`), [`${dir}/c.yml`]);
    assert.deepEqual(await glob(`${dir}/nope.yml`), []);
    assert.deepEqual(await glob(`${dir}/missing/*.json`), []);
    await assert.rejects(glob(`${dir}/[.json`), GlobPatternError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Go's filepath.Match for one path element; throws GlobPatternError on a malformed pattern. */
const matchElement = (pattern: string, name: string): boolean => new GlobPattern(pattern).matches(name);

describe('globs as rule_files and scrape_config_files use them', () => {
  const MATCH: [string, string, boolean][] = [
    ['*.yml', 'a.yml', true], ['*.yml', 'a.yaml', false], ['a?c', 'abc', true], ['[a-c]x', 'bx', true], ['[^a-c]x', 'bx', false],
    ['\\*', '*', true], ['*', '', true], ['a*b*c', 'axxbyyc', true], ['a*b*c', 'axxbyy', false],
  ];
  for (const [p, n, want] of MATCH) it(`${p} ~ ${n}`, () => { assert.equal(matchElement(p, n), want); });

  it('rejects malformed patterns', () => {
    assert.throws(() => matchElement('[a', 'a'));
    assert.throws(() => matchElement('x\\', 'x'));
  });

  it('expands against the file system, sorted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-glob-'));
    try {
      mkdirSync(join(dir, 'r'));
      for (const f of ['b.yml', 'a.yml', 'c.txt']) writeFileSync(join(dir, 'r', f), '');
      assert.deepEqual(globSync(join(dir, 'r', '*.yml')), [join(dir, 'r', 'a.yml'), join(dir, 'r', 'b.yml')]);
      assert.deepEqual(globSync(join(dir, '?', 'c.txt')), [join(dir, 'r', 'c.txt')]);
      assert.deepEqual(globSync(join(dir, 'r', 'a.yml')), [join(dir, 'r', 'a.yml')]);
      assert.deepEqual(globSync(join(dir, 'r', 'none.yml')), []);
      assert.deepEqual(globSync(join(dir, 'missing', '*.yml')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a malformed pattern with Go\'s error text, also where no directory exists', () => {
    assert.throws(() => globSync('/no/such/dir/[a.yml'), { name: 'GlobPatternError', message: 'syntax error in pattern' });
    assert.throws(() => globSync('/no/[such/dir/*.yml'), GlobPatternError);
  });
});
