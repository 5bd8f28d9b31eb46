/**
 * Whether a series belongs to the metric family whose TYPE/HELP/UNIT came last, allowing the
 * suffixes each type adds (`_total`, `_bucket`, `_sum`, `_count`, `_gsum`, `_gcount`,
 * `_info`), as Prometheus checks before attaching metadata to a series.
 */
import type { MetricType } from '../model/index.js';

function cutSuffix(s: string, suffix: string): string | null {
  return s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : null;
}

function firstCut(s: string, suffixes: readonly string[]): string {
  for (const x of suffixes) {
    const c = cutSuffix(s, x);
    if (c !== null) return c;
  }
  return s;
}

export function isSeriesPartOfFamily(name: string, family: string, type: MetricType): boolean {
  if (!name.startsWith(family)) return false;
  let fam = family;
  let got: string;
  switch (type) {
    case 'counter':
      fam = cutSuffix(fam, '_total') ?? fam;
      got = firstCut(name, ['_total']);
      break;
    case 'histogram':
      got = firstCut(name, ['_bucket', '_sum', '_count']);
      break;
    case 'gaugehistogram':
      got = firstCut(name, ['_bucket', '_gsum', '_gcount']);
      break;
    case 'summary':
      got = firstCut(name, ['_sum', '_count']);
      break;
    case 'info':
      fam = cutSuffix(fam, '_info') ?? fam;
      got = firstCut(name, ['_info']);
      break;
    case 'gauge':
    case 'stateset':
    case 'unknown':
      got = name;
      break;
  }
  return fam === got;
}
