/**
 * `/api/v1/status/tsdb`'s head statistics, computed from the postings index as Prometheus
 * computes them: series and label pair counts, and the top lists of series per metric name,
 * values per label name, bytes per label name (name and value with their length prefixes,
 * once per series, as Prometheus's string labels take) and series per label pair.
 */
import { METRIC_NAME } from '../../model/index.js';
import type { HeadCore } from './head-core.js';
import type { HeadStats, NameCount } from './options.js';

function uvarintSize(n: number): number {
  let s = 1;
  while (n >= 0x80) { n = Math.floor(n / 128); s++; }
  return s;
}

function labelSize(name: string, value: string): number {
  const n = Buffer.byteLength(name, 'utf8'), v = Buffer.byteLength(value, 'utf8');
  return uvarintSize(n) + n + uvarintSize(v) + v;
}

/** The `limit` largest entries, largest first (ties by name). */
function top(entries: NameCount[], limit: number): NameCount[] {
  entries.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (entries.length > limit) entries.length = limit;
  return entries;
}

export function headStats(core: HeadCore, limit: number): HeadStats {
  const byMetric: NameCount[] = [];
  const valueCount: NameCount[] = [];
  const memory: NameCount[] = [];
  const pairs: NameCount[] = [];
  let numLabelPairs = 0;
  for (const [name, values] of core.postings.entries()) {
    let bytes = 0;
    let n = 0;
    for (const [value, l] of values) {
      if (l.n === 0) continue;
      n++;
      bytes += labelSize(name, value) * l.n;
      pairs.push({ name: `${name}=${value}`, value: l.n });
      if (name === METRIC_NAME) byMetric.push({ name: value, value: l.n });
    }
    numLabelPairs += n;
    valueCount.push({ name, value: n });
    memory.push({ name, value: bytes });
  }
  const numSeries = core.postings.numSeries;
  const any = numSeries > 0 && core.initialized();
  return {
    numSeries,
    numLabelPairs,
    chunkCount: core.counters.chunks,
    minTime: any ? core.minTime : null,
    maxTime: any ? core.maxTime : null,
    seriesCountByMetricName: top(byMetric, limit),
    labelValueCountByLabelName: top(valueCount, limit),
    memoryInBytesByLabelName: top(memory, limit),
    seriesCountByLabelValuePair: top(pairs, limit),
  };
}
