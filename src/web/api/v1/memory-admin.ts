/**
 * `AdminStorage` over the in-memory storage: statistics from its head, deletion by matchers
 * (samples are removed at once, so there are no tombstones to clean), no WAL (replay is
 * "done" from the start) and no blocks or snapshots.
 */
import type { Matcher, Millis } from '../../../model/index.js';
import type { HeadStats } from '../../../storage/index.js';
import type { AdminStorage, TSDBStats } from './admin.js';

/** What the adapter uses of the memory storage. */
export interface MemoryAdminTarget {
  stats(limit: number): HeadStats;
  /** Removes the samples in [mint, maxt] of the series matching all matchers. */
  deleteSeries(mint: Millis, maxt: Millis, matchers: readonly Matcher[]): unknown;
}

export const SNAPSHOT_NOT_SUPPORTED = 'not supported by this storage';

export function memoryAdminStorage(s: MemoryAdminTarget): AdminStorage {
  return {
    stats(limit: number): TSDBStats {
      const h = s.stats(limit);
      return {
        numSeries: h.numSeries,
        numLabelPairs: h.numLabelPairs,
        chunkCount: null,
        minTime: h.minTime,
        maxTime: h.maxTime,
        seriesCountByMetricName: h.seriesCountByMetricName,
        labelValueCountByLabelName: h.labelValueCountByLabelName,
        memoryInBytesByLabelName: h.memoryInBytesByLabelName,
        seriesCountByLabelValuePair: h.seriesCountByLabelValuePair,
      };
    },
    walReplayStatus: () => ({ min: 0, max: 0, current: 0 }),
    blockMetas: () => [],
    delete: (mint, maxt, matchers) => {
      s.deleteSeries(mint, maxt, matchers);
      return Promise.resolve();
    },
    cleanTombstones: () => Promise.resolve(),
    snapshot: () => Promise.reject(new Error(SNAPSHOT_NOT_SUPPORTED)),
  };
}
