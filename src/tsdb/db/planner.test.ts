import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyStats, type BlockMeta } from '../block/index.js';
import { compactionRanges, exponentialBlockRanges, plan, splitByRange, type PlanBlock } from './planner.js';

function block(dir: string, mint: number, maxt: number, stats: { series?: number; tombstones?: number } = {}, failed = false): PlanBlock {
  const meta: BlockMeta = {
    ulid: '01H00000000000000000000000', minTime: mint, maxTime: maxt,
    stats: { ...emptyStats(), numSeries: stats.series ?? 0, numTombstones: stats.tombstones ?? 0 },
    compaction: { level: 1, sources: [], deletable: false, parents: [], failed, hints: [] },
    version: 1,
  };
  return { dir, meta };
}

// Prometheus's planner behaviour, restated with ranges 20, 60, 180, 540, 1620 (×3 from 20).
const RANGES = [20, 60, 180, 540, 1620];
const planCases: [string, PlanBlock[], string[]][] = [
  ['a single block is never compacted', [block('1', 0, 20)], []],
  ['two small blocks wait for the parent range to fill', [block('1', 0, 20), block('2', 20, 40)], []],
  ['three small blocks fill the range, but the newest is left out', [block('1', 0, 20), block('2', 20, 40), block('3', 40, 60)], []],
  ['a block of the next range makes the full range compactable', [block('1', 0, 20), block('2', 20, 40), block('3', 40, 60), block('4', 60, 80)], ['1', '2', '3']],
  ['a gap with only the newest block past it: nothing', [block('1', 0, 20), block('2', 20, 40), block('3', 60, 80)], []],
  ['a gap that the newest block has moved past: the partial range is compacted', [block('1', 0, 20), block('2', 20, 40), block('3', 60, 80), block('4', 80, 100)], ['1', '2']],
  ['20, 20, 20, 60, 60: the small ones first', [block('1', 0, 20), block('2', 20, 40), block('3', 40, 60), block('4', 60, 120), block('5', 120, 180)], ['1', '2', '3']],
  ['20, 60, 60 into one 180 range, whatever the input order', [block('2', 20, 40), block('4', 60, 120), block('5', 960, 980), block('6', 120, 180), block('7', 720, 960)], ['2', '4', '6']],
  ['a large block with tombstones waits for a newer block', [block('1', 0, 540, { series: 10, tombstones: 3 })], []],
  ['a large block with >5% tombstones is rewritten once a newer block exists', [block('1', 0, 540, { series: 10, tombstones: 3 }), block('2', 540, 560)], ['1']],
  ['small blocks are not rewritten for tombstones', [block('1', 0, 60, { series: 10, tombstones: 3 }), block('2', 60, 80)], []],
  ['no series and no tombstones is not a reason to rewrite', [block('1', 0, 540), block('2', 540, 560)], []],
  ['a small block whose tombstones cover every series is rewritten', [block('1', 0, 60, { series: 3, tombstones: 3 }), block('2', 60, 80)], ['1']],
  ['the newest block is the one with the latest minTime, not the latest name', [block('5', 0, 360), block('6', 540, 560), block('7', 360, 420), block('8', 420, 540)], ['7', '8']],
  ['overlap of two neighbours', [block('1', 0, 20), block('2', 19, 40), block('3', 40, 60)], ['1', '2']],
  ['overlap found later in time', [block('1', 0, 20), block('2', 20, 40), block('3', 30, 50)], ['2', '3']],
  ['a chain of overlaps is one group', [block('1', 0, 20), block('2', 10, 40), block('3', 30, 50)], ['1', '2', '3']],
  ['a long block overlapping several', [block('5', 0, 360), block('6', 340, 560), block('7', 360, 420), block('8', 420, 540)], ['5', '6', '7', '8']],
  ['only the first overlapping group', [block('1', 0, 10), block('2', 9, 20), block('3', 30, 40), block('4', 39, 50)], ['1', '2']],
];

void describe('compaction planner', () => {
  for (const [name, blocks, want] of planCases) {
    void test(name, () => {
      assert.deepEqual(plan(blocks, RANGES), want);
    });
  }

  void test('overlapping blocks are left alone when overlapping compaction is off', () => {
    assert.deepEqual(plan([block('1', 0, 20), block('2', 19, 40), block('3', 40, 60)], RANGES, false), []);
  });

  // A failed compaction marks its blocks; ranges holding such a block are not selected again.
  const failedCases: PlanBlock[][] = [
    [block('1', 0, 20), block('2', 20, 40, {}, true), block('3', 40, 60), block('4', 60, 80)],
    [block('1', 0, 20), block('2', 20, 40, {}, true), block('3', 60, 80), block('4', 80, 100)],
    [block('1', 0, 20), block('2', 20, 40, {}, true), block('3', 40, 60), block('4', 60, 120), block('5', 120, 180), block('6', 180, 200)],
  ];
  for (const [i, blocks] of failedCases.entries()) {
    void test(`a range with a failed block is not selected (${i + 1})`, () => {
      assert.deepEqual(plan(blocks, [20, 60, 240, 720, 2160]), []);
    });
  }
});

void describe('split by range', () => {
  const cases: [number, [number, number][], [number, number][][]][] = [
    [60, [[0, 10]], [[[0, 10]]]],
    [60, [[0, 60]], [[[0, 60]]]],
    [60, [[0, 10], [9, 15], [30, 60]], [[[0, 10], [9, 15], [30, 60]]]],
    [60, [[70, 90], [125, 130], [130, 180], [1000, 1001]], [[[70, 90]], [[125, 130], [130, 180]], [[1000, 1001]]]],
    [60, [[50, 70], [70, 80]], [[[70, 80]]]],
    [72, [[0, 144], [144, 216], [216, 288]], [[[144, 216]], [[216, 288]]]],
    [60, [[-10, -5]], [[[-10, -5]]]],
    [60, [[-60, -50], [-10, -5]], [[[-60, -50], [-10, -5]]]],
    [60, [[-60, -50], [-10, -5], [0, 15]], [[[-60, -50], [-10, -5]], [[0, 15]]]],
  ];
  for (const [tr, ranges, want] of cases) {
    void test(`${tr}: ${JSON.stringify(ranges)}`, () => {
      const got = splitByRange(ranges.map(([a, b], i) => block(String(i), a, b)), tr);
      assert.deepEqual(got.map((g) => g.map((d) => [d.meta.minTime, d.meta.maxTime])), want);
    });
  }
});

void describe('block ranges', () => {
  void test('exponential ranges of ×3 from 2h, cut at the maximum block duration', () => {
    const h = 3_600_000;
    assert.deepEqual(exponentialBlockRanges(2 * h, 4, 3), [2 * h, 6 * h, 18 * h, 54 * h]);
    // Default retention 15d: max block duration 10% = 36h → 2h, 6h, 18h.
    assert.deepEqual(compactionRanges(2 * h, 36 * h), [2 * h, 6 * h, 18 * h]);
    // 31d cap.
    assert.deepEqual(compactionRanges(2 * h, 31 * 24 * h), [2 * h, 6 * h, 18 * h, 54 * h, 162 * h, 486 * h]);
    assert.deepEqual(compactionRanges(2 * h, h), [2 * h], 'never below the minimum');
  });
});
