import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, Matcher } from '../../model/index.js';
import { ReadyStorage, resolveTSDBSettings, type TSDBFlags } from './index.js';
import { ms } from './test-support.js';

const H = 3_600_000, D = 24 * H, MiB = 1024 * 1024;
const flags = (o: Partial<TSDBFlags> = {}): TSDBFlags => ({
  retentionMs: 0, retentionBytes: 0, minBlockDurationMs: 2 * H, maxBlockDurationMs: 0, walSegmentSize: 0, maxBlockChunkSegmentSize: 0, ...o,
});

void describe('tsdb settings from flags and config', () => {
  const cases: [string, TSDBFlags, { time: number; size: number; percentage?: number } | null, [number, number, number]][] = [
    ['nothing set: 15d, blocks up to 10% of it', flags(), null, [15 * D, 0, 36 * H]],
    ['flag time', flags({ retentionMs: 30 * D }), null, [30 * D, 0, 72 * H]],
    ['size only: no time retention, 31d blocks', flags({ retentionBytes: 1e9 }), null, [0, 1e9, 31 * D]],
    ['config wins over flags', flags({ retentionMs: 30 * D, retentionBytes: 5e9 }), { time: 2 * D, size: 1e9 }, [2 * D, 1e9, 4.8 * H]],
    ['config section without values: flags are the defaults', flags({ retentionMs: 30 * D }), { time: 0, size: 0 }, [30 * D, 0, 72 * H]],
    ['config section with a size only: the flag time is not used', flags({ retentionMs: 30 * D }), { time: 0, size: 1e9 }, [0, 1e9, 31 * D]],
    ['config percentage only: no time retention', flags(), { time: 0, size: 0, percentage: 50 }, [0, 0, 31 * D]],
    ['a year: blocks capped at 31d', flags({ retentionMs: 365 * D }), null, [365 * D, 0, 31 * D]],
    ['short retention: blocks never below the minimum', flags({ retentionMs: 4 * H }), null, [4 * H, 0, 2 * H]],
    ['explicit max block duration', flags({ maxBlockDurationMs: 6 * H }), null, [15 * D, 0, 6 * H]],
  ];
  for (const [name, f, cfg, [time, size, maxBlock]] of cases) {
    void test(name, () => {
      const s = resolveTSDBSettings(f, cfg);
      assert.deepEqual([s.retentionMs, s.maxBytes, s.maxBlockDurationMs], [time, size, maxBlock]);
    });
  }

  void test('the percentage comes from the config file only', () => {
    assert.equal(resolveTSDBSettings(flags(), { time: 2 * D, size: 0, percentage: 80 }).maxPercentage, 80);
    assert.equal(resolveTSDBSettings(flags({ retentionBytes: 1e9 }), null).maxPercentage, 0);
  });

  void test('segment sizes out of range are refused with Prometheus\'s texts', () => {
    assert.throws(() => resolveTSDBSettings(flags({ walSegmentSize: 5 * MiB }), null), /^Error: flag 'storage.tsdb.wal-segment-size' must be set between 10MB and 256MB$/);
    assert.throws(() => resolveTSDBSettings(flags({ walSegmentSize: 300 * MiB }), null), /between 10MB and 256MB/);
    assert.throws(() => resolveTSDBSettings(flags({ maxBlockChunkSegmentSize: 1000 }), null), /^Error: flag 'storage.tsdb.max-block-chunk-segment-size' must be set over 1MB$/);
    assert.doesNotThrow(() => resolveTSDBSettings(flags({ walSegmentSize: 10 * MiB, maxBlockChunkSegmentSize: 2 * MiB }), null));
  });
});

void describe('ready storage', () => {
  void test('before the TSDB is open, appends and reads fail with "TSDB not ready"', async () => {
    const st = new ReadyStorage();
    const app = st.appender();
    assert.throws(() => app.append(0, Labels.fromStrings('__name__', 'x'), ms(1), 1), /TSDB not ready/);
    await app.commit();
    await assert.rejects(st.querier(ms(0), ms(1)), /TSDB not ready/);
    await assert.rejects(st.delete(ms(0), ms(1), [new Matcher('=', '__name__', 'x')]), /TSDB not ready/);
    assert.throws(() => st.stats(10), /TSDB not ready/);
    assert.deepEqual(st.walReplayStatus(), { min: -1, max: -1, current: -1 });
    await st.close();
  });
});
