/**
 * `--storage.tsdb.delay-compact-file.path`: level-1 blocks missing from the uploader's list are
 * held back; higher levels never; an unreadable or malformed file holds nothing back, with a
 * warning; the file is read at most once a minute.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlockMeta } from '../block/index.js';
import type { Logger } from '../../util/log.js';
import { excludeBlocksPendingUpload } from './upload-filter.js';
import { tempDir } from './test-support.js';

const meta = (ulid: string, level: number): BlockMeta => (({
  ulid, minTime: 0, maxTime: 1, version: 1,
  stats: { numSamples: 0, numSeries: 0, numChunks: 0, numTombstones: 0, numFloatSamples: 0, numHistogramSamples: 0 },
  compaction: { level, sources: [ulid], deletable: false, parents: [], failed: false, hints: [] },
}));

test('blocks the uploader has not listed are held back, at level 1 only; the file is re-read after a minute', async () => {
  const { dir, cleanup } = tempDir('wf-upload-');
  try {
    const file = join(dir, 'thanos.shipper.json');
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => { warnings.push(m); }, with() { return logger; }, child() { return logger; } } as unknown as Logger;
    let now = 0;
    const exclude = excludeBlocksPendingUpload(file, logger, () => now);
    assert.equal(await exclude(meta('A', 1)), false, 'no file: nothing held back');
    assert.deepEqual(warnings, ['cannot open TSDB upload meta file']);
    writeFileSync(file, '{"version":1,"uploaded":["A"]}');
    assert.equal(await exclude(meta('A', 1)), false);
    assert.equal(await exclude(meta('B', 1)), true, 'not uploaded yet');
    assert.equal(await exclude(meta('B', 2)), false, 'compacted blocks are never held back');
    writeFileSync(file, '{"version":1,"uploaded":["A","B"]}');
    now = 59_000;
    assert.equal(await exclude(meta('B', 1)), true, 'read at most once a minute');
    now = 61_000;
    assert.equal(await exclude(meta('B', 1)), false, 'read again after a minute');
    writeFileSync(file, '{"uploaded":[1,2]}');
    now = 200_000;
    assert.equal(await exclude(meta('C', 1)), false, 'malformed: nothing held back');
    assert.equal(warnings.at(-1), 'cannot parse TSDB upload meta file');
  } finally {
    cleanup();
  }
});
