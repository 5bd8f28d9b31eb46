/**
 * `/api/v1/metadata`: the metadata (type, help, unit) scraped from the active targets, by
 * metric family, each distinct entry once; `limit` caps the families, `limit_per_metric`
 * the entries per family, `metric` picks one family. As in Prometheus, only what targets
 * exposed is listed (not metadata that came by remote write). Families are listed in name
 * order (Prometheus's order is that of a Go map, i.e. none), entries in the order first seen.
 */
import type { Router } from '../../router.js';
import type { MetricMetadataEntry, TargetSource } from './targets.js';
import { ApiError } from './envelope.js';
import { apiHandler, data } from './handler.js';

function numberParam(s: string, name: string): number {
  if (s === '') return -1;
  if (!/^[+-]?\d+$/.test(s)) throw new ApiError('bad_data', `${name} must be a number`);
  return Number(s);
}

export function registerMetricMetadata(r: Router, targets: TargetSource): void {
  r.get('/api/v1/metadata', apiHandler((_c, f) => {
    const limit = numberParam(f.get('limit'), 'limit');
    const perMetric = numberParam(f.get('limit_per_metric'), 'limit_per_metric');
    const metric = f.get('metric');
    const families = new Map<string, Map<string, MetricMetadataEntry>>();
    const add = (md: MetricMetadataEntry): void => {
      let set = families.get(md.metric);
      if (perMetric > 0 && set !== undefined && set.size >= perMetric) return;
      if (set === undefined) {
        set = new Map();
        families.set(md.metric, set);
      }
      const key = `${md.type}\xff${md.help}\xff${md.unit}`;
      if (!set.has(key)) set.set(key, md);
    };
    const active = targets.active();
    for (const pool of [...active.keys()].sort()) {
      for (const t of active.get(pool)!) {
        for (const md of t.metadata()) {
          if (metric === '' || md.metric === metric) add(md);
        }
      }
    }
    const out: Record<string, { type: string; help: string; unit: string }[]> = {};
    let n = 0;
    for (const name of [...families.keys()].sort()) {
      if (limit >= 0 && n >= limit) break;
      n++;
      out[name] = [...families.get(name)!.values()].map((m) => ({ type: m.type, help: m.help, unit: m.unit }));
    }
    return data(out);
  }));
}
