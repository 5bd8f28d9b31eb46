import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatBase2Bytes, parseBase2Bytes } from './index.js';

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
