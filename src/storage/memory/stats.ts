/**
 * Head-like statistics for `/api/v1/status/tsdb`: series and sample counts, the time range,
 * and the top label cardinalities, named as Prometheus names them.
 */
import { METRIC_NAME, type Millis } from '../../model/index.js';
import type { MemHead } from './head.js';

export interface NameCount {
  name: string;
  value: number;
}

export interface HeadStats {
  numSeries: number;
  numLabelPairs: number;
  numSamples: number;
  /** Oldest and newest sample timestamps; null when the storage holds no sample. */
  minTime: Millis | null;
  maxTime: Millis | null;
  seriesCountByMetricName: NameCount[];
  labelValueCountByLabelName: NameCount[];
  /** Bytes of the distinct values of each label name (UTF-8). */
  memoryInBytesByLabelName: NameCount[];
  seriesCountByLabelValuePair: NameCount[];
}

/** Keeps the `limit` largest entries, largest first (ties by name). */
function top(entries: NameCount[], limit: number): NameCount[] {
  entries.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (entries.length > limit) entries.length = limit;
  return entries;
}

export function headStats(head: MemHead, limit: number): HeadStats {
  const byMetric: NameCount[] = [];
  const valueCount: NameCount[] = [];
  const memory: NameCount[] = [];
  const pairs: NameCount[] = [];
  let numLabelPairs = 0;
  for (const [name, values] of head.index.entries()) {
    let bytes = 0;
    for (const [value, p] of values) {
      numLabelPairs++;
      bytes += Buffer.byteLength(value, 'utf8');
      pairs.push({ name: `${name}=${value}`, value: p.size });
      if (name === METRIC_NAME) byMetric.push({ name: value, value: p.size });
    }
    valueCount.push({ name, value: values.size });
    memory.push({ name, value: bytes });
  }
  const any = head.numSamples > 0;
  return {
    numSeries: head.index.numSeries,
    numLabelPairs,
    numSamples: head.numSamples,
    minTime: any ? head.minTime as Millis : null,
    maxTime: any ? head.maxTime as Millis : null,
    seriesCountByMetricName: top(byMetric, limit),
    labelValueCountByLabelName: top(valueCount, limit),
    memoryInBytesByLabelName: top(memory, limit),
    seriesCountByLabelValuePair: top(pairs, limit),
  };
}
