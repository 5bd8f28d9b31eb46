import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, SummaryChild } from './index.js';

test('a summary is exposed with quantile series, _sum and _count per label set', () => {
  const reg = new Registry();
  const s = reg.summary({ name: 'op_seconds', help: 'Op time.', labelNames: ['op'], objectives: [0.5, 0.99] });
  for (let i = 1; i <= 10; i++) s.labels('read').observe(i);
  s.labels('write').observe(0.25);
  assert.equal(reg.expose(), [
    '# HELP op_seconds Op time.',
    '# TYPE op_seconds summary',
    'op_seconds{op="read",quantile="0.5"} 5',
    'op_seconds{op="read",quantile="0.99"} 10',
    'op_seconds_sum{op="read"} 55',
    'op_seconds_count{op="read"} 10',
    'op_seconds{op="write",quantile="0.5"} 0.25',
    'op_seconds{op="write",quantile="0.99"} 0.25',
    'op_seconds_sum{op="write"} 0.25',
    'op_seconds_count{op="write"} 1',
    '',
  ].join('\n'));
  s.remove('read');
  assert.doesNotMatch(reg.expose(), /op="read"/);
});

test('an unlabelled summary is exposed before its first observation, with NaN quantiles', () => {
  const reg = new Registry();
  reg.summary({ name: 'scan_seconds', help: 'Scan time.', objectives: [0.5] });
  assert.equal(reg.expose(), '# HELP scan_seconds Scan time.\n# TYPE scan_seconds summary\nscan_seconds{quantile="0.5"} NaN\nscan_seconds_sum 0\nscan_seconds_count 0\n');
});

test('quantiles cover the recent observations only: bounded in number and in age', () => {
  const bounded = new SummaryChild(4, Infinity);
  for (const v of [100, 100, 100, 1, 2, 3, 4]) bounded.observe(v, 0);
  assert.deepEqual(bounded.quantiles([0, 0.5, 1], 0), [1, 2, 4]);
  assert.equal(bounded.count, 7);
  assert.equal(bounded.sum, 310);

  const aged = new SummaryChild(1024, 60_000);
  aged.observe(50, 0);
  aged.observe(7, 30_000);
  assert.equal(aged.quantile(1, 60_000), 50);
  assert.equal(aged.quantile(1, 60_001), 7, 'the first observation is older than the max age');
  assert.ok(Number.isNaN(aged.quantile(0.5, 200_000)));
  assert.equal(aged.count, 2, 'count and sum stay cumulative');
});
