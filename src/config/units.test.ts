import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatBase2Bytes, globSync, parseBase2Bytes } from './index.js';
import { matchElement } from './glob.js';

describe('sizes', () => {
  const CASES: [string, number | string][] = [
    ['0', 0], ['1B', 1], ['1KB', 1024], ['1KiB', 1024], ['10MB', 10 * 1024 ** 2], ['1GB512MB', 1024 ** 3 + 512 * 1024 ** 2],
    ['1.5KB', 1536], ['2TB', 2 * 1024 ** 4], ['1EB', 1024 ** 6],
    ['100', 'units: unknown unit  in 100'], ['10kB', 'units: unknown unit kB in 10kB'], ['', 'units: invalid '], ['MB', 'units: invalid MB'],
  ];
  for (const [s, want] of CASES) it(`parses ${JSON.stringify(s)}`, () => { assert.equal(parseBase2Bytes(s), want); });
  const FORMATS: [number, string][] = [[0, '0B'], [1, '1B'], [1024, '1KiB'], [1536, '1KiB512B'], [10 * 1024 ** 2, '10MiB'], [1024 ** 3 + 512 * 1024 ** 2, '1GiB512MiB']];
  for (const [n, want] of FORMATS) it(`formats ${n}`, () => { assert.equal(formatBase2Bytes(n), want); });
});

describe('globs', () => {
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
});
