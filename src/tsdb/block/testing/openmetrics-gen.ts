/**
 * Test data: a deterministic OpenMetrics file of a few hundred series over a few hours,
 * for `promtool tsdb create-blocks-from openmetrics`, and the samples it holds.
 */
import { Labels } from '../../../model/index.js';

export interface GeneratedSeries {
  labels: Labels;
  /** Sample times (ms) and values. */
  ts: number[];
  vs: number[];
}

export interface GenOptions {
  /** First sample time in seconds. */
  startSec: number;
  stepSec: number;
  samples: number;
  /** Series per metric family (4 families). */
  perFamily: number;
}

/** Label values that need escaping or are not ASCII. */
const PATHS = ['/', '/api/v1/query', '/a"quoted"', 'back\\slash', 'café', 'emoji 😀', 'tab\there'];

function escapeOM(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function generateOpenMetrics(o: GenOptions): { text: string; series: GeneratedSeries[] } {
  const families: { name: string; type: string; sample: string }[] = [
    { name: 'wf_requests', type: 'counter', sample: 'wf_requests_total' },
    { name: 'wf_temperature_celsius', type: 'gauge', sample: 'wf_temperature_celsius' },
    { name: 'wf_queue_length', type: 'gauge', sample: 'wf_queue_length' },
    { name: 'wf_bytes', type: 'gauge', sample: 'wf_bytes' },
  ];
  const lines: string[] = [];
  const series: GeneratedSeries[] = [];
  families.forEach((f, fi) => {
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (let i = 0; i < o.perFamily; i++) {
      const lab: Record<string, string> = {
        job: `job-${i % 3}`,
        instance: `10.0.${i % 7}.${i % 50}:9100`,
        path: PATHS[i % PATHS.length]!,
        shard: String(i),
      };
      if (i % 4 === 0) lab['code'] = String(200 + (i % 3) * 100);
      if (fi === 3 && i % 10 === 0) lab['zone'] = 'eu-west-1';
      const labelText = Object.entries(lab).map(([k, v]) => `${k}="${escapeOM(v)}"`).join(',');
      const s: GeneratedSeries = { labels: Labels.fromObject({ __name__: f.sample, ...lab }), ts: [], vs: [] };
      let acc = i;
      for (let k = 0; k < o.samples; k++) {
        const t = o.startSec + k * o.stepSec;
        let v: number;
        switch (fi) {
          case 0: acc += (k * 7 + i) % 5; v = acc; break;
          case 1: v = ((i * 13 + k * 7) % 400) / 8 - 10; break;
          case 2: v = (k + i) % 3 === 0 ? 0 : (k * i) % 97; break;
          default: v = 1.5e7 + ((k * 31 + i) % 1000) * 1024; break;
        }
        // Gaps: some series miss samples now and then.
        if (i % 9 === 0 && k % 17 === 5) continue;
        lines.push(`${f.sample}{${labelText}} ${v} ${t}`);
        s.ts.push(t * 1000);
        s.vs.push(v);
      }
      series.push(s);
    }
  });
  lines.push('# EOF');
  return { text: lines.join('\n') + '\n', series };
}
