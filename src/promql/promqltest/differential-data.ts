/**
 * The dataset of the differential test against Prometheus 2.42: a few hundred series over two
 * hours at 15 s, generated from a fixed seed — counters (with resets, late starts, early
 * ends), gauges (fractional, negative, zero, NaN and infinities), classic histograms, an
 * info-style series for joins, a label value with a newline, and a series with a gap.
 *
 * Timing is chosen so that no evaluation of the test hits a sample timestamp: samples lie at
 * 3 s past a 15 s boundary, queries evaluate on whole minutes and use ranges, offsets and
 * subquery steps that are multiples of 15 s. Prometheus 2's closed and Prometheus 3's
 * left-open windows then select the same samples, and only the named exceptions (which
 * place `@` exactly on a sample) show the difference.
 */
import { Labels, formatFloatG, type Millis } from '../../model/index.js';
import type { Appendable } from '../../storage/index.js';
import { seededRandom } from '../../util/bench.js';

/** Whole minute at which the dataset's time grid is based (ms since the epoch). */
export const BASE = 1_700_000_040_000;
/** First sample time: 3 s after BASE. */
export const T0 = BASE + 3_000;
export const INTERVAL = 15_000;
/** Samples per series (two hours, both ends included). */
export const POINTS = 481;
export const END = T0 + (POINTS - 1) * INTERVAL;
/** Index of dt_gappy's last sample before its gap (the next comes at index 240). */
export const GAP_LAST_BEFORE = 120;

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface DataSeries {
  labels: Labels;
  /** Sample times (ms) and values, in time order. */
  ts: number[];
  vs: number[];
}

export interface Family {
  /** The OpenMetrics family name (a counter's name without `_total`). */
  name: string;
  type: MetricType;
  series: DataSeries[];
}

export interface Dataset {
  families: Family[];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function series(labels: Record<string, string>): DataSeries {
  return { labels: Labels.fromObject(labels), ts: [], vs: [] };
}

function counters(r: () => number): Family {
  const out: DataSeries[] = [];
  let n = 0;
  for (const job of ['api', 'web', 'batch']) {
    for (const instance of ['i0', 'i1', 'i2', 'i3']) {
      for (const method of ['GET', 'POST']) {
        for (const code of ['200', '404', '500']) {
          const s = series({ __name__: 'dt_http_requests_total', job, instance, method, code });
          const speed = code === '200' ? 20 : code === '404' ? 5 : 1;
          const resetAt = n % 7 === 3 ? Math.floor(r() * POINTS) : -1;
          const first = n % 23 === 5 ? 120 : 0;
          const last = n % 19 === 7 ? 300 + Math.floor(r() * 150) : POINTS - 1;
          // A counter that starts late starts high: the first sample is then far above what
          // `rate` would extrapolate below (Prometheus 2.51 changed how the zero point limits
          // that extrapolation; see differential-fuzz.ts).
          let v = (first > 0 ? 100 : 0) + Math.floor(r() * 100);
          for (let k = first; k <= last; k++) {
            v = k === resetAt ? Math.floor(r() * 3) : v + Math.floor(r() * speed);
            s.ts.push(T0 + k * INTERVAL);
            s.vs.push(v);
          }
          out.push(s);
          n++;
        }
      }
    }
  }
  return { name: 'dt_http_requests', type: 'counter', series: out };
}

function gauges(r: () => number): Family[] {
  const temp: DataSeries[] = [];
  for (let i = 0; i < 10; i++) {
    for (const sensor of ['a', 'b', 'c']) {
      const s = series({ __name__: 'dt_cpu_temperature_celsius', instance: `i${i}`, sensor });
      const base = i === 9 && sensor === 'c' ? -2 : 20 + i;
      const phase = r() * 6;
      for (let k = 0; k < POINTS; k++) {
        s.ts.push(T0 + k * INTERVAL);
        // Full-precision values: no two series tie, so topk/bottomk/sort have one right answer.
        s.vs.push(base + 8 * Math.sin(phase + k / 40) + (r() - 0.5) * 3);
      }
      temp.push(s);
    }
  }
  const queue: DataSeries[] = [];
  for (let i = 0; i < 10; i++) {
    const s = series({ __name__: 'dt_queue_length', instance: `i${i}` });
    let v = Math.floor(r() * 10);
    for (let k = 0; k < POINTS; k++) {
      v = Math.max(0, v + Math.floor(r() * 7) - 3);
      s.ts.push(T0 + k * INTERVAL);
      s.vs.push(v);
    }
    queue.push(s);
  }
  const special: DataSeries[] = [];
  for (const [kind, v] of [['nan', NaN], ['inf', Infinity], ['neginf', -Infinity], ['zero', 0]] as const) {
    const s = series({ __name__: 'dt_special', kind });
    for (let k = 0; k < POINTS; k++) {
      s.ts.push(T0 + k * INTERVAL);
      s.vs.push(v);
    }
    special.push(s);
  }
  const info: DataSeries[] = [];
  for (let i = 0; i < 4; i++) {
    const s = series({ __name__: 'dt_build_info', instance: `i${i}`, version: `1.${i % 2}.0` });
    for (let k = 0; k < POINTS; k++) {
      s.ts.push(T0 + k * INTERVAL);
      s.vs.push(1);
    }
    info.push(s);
  }
  const multiline = series({ __name__: 'dt_multiline', text: 'line1\nline2' });
  const gappy = series({ __name__: 'dt_gappy', case: 'gap' });
  for (let k = 0; k < POINTS; k++) {
    multiline.ts.push(T0 + k * INTERVAL);
    multiline.vs.push(1);
    // Samples for the first 30 minutes and the last hour, nothing in between.
    if (k <= GAP_LAST_BEFORE || k >= 240) {
      gappy.ts.push(T0 + k * INTERVAL);
      gappy.vs.push(k);
    }
  }
  return [
    { name: 'dt_cpu_temperature_celsius', type: 'gauge', series: temp },
    { name: 'dt_queue_length', type: 'gauge', series: queue },
    { name: 'dt_special', type: 'gauge', series: special },
    { name: 'dt_build_info', type: 'gauge', series: info },
    { name: 'dt_multiline', type: 'gauge', series: [multiline] },
    { name: 'dt_gappy', type: 'gauge', series: [gappy] },
  ];
}

export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity];

function histograms(r: () => number): Family {
  const out: DataSeries[] = [];
  let fam = 0;
  for (const job of ['api', 'web', 'batch']) {
    for (const instance of ['i0', 'i1', 'i2', 'i3']) {
      const base = { job, instance };
      const buckets = BUCKETS.map((le) => series({ ...base, __name__: 'dt_request_duration_seconds_bucket', le: formatFloatG(le) }));
      const sum = series({ ...base, __name__: 'dt_request_duration_seconds_sum' });
      const count = series({ ...base, __name__: 'dt_request_duration_seconds_count' });
      const counts = BUCKETS.map(() => 0);
      let total = 0, s = 0;
      const resetAt = fam === 5 ? 200 : -1;
      for (let k = 0; k < POINTS; k++) {
        if (k === resetAt) {
          counts.fill(0);
          total = 0;
          s = 0;
        }
        const n = Math.floor(r() * 20);
        for (let o = 0; o < n; o++) {
          // Roughly log-normal latencies around 100 ms; every job a bit different.
          const d = round3(Math.exp((r() + r() + r() - 1.5) * 2) * (0.05 + 0.05 * fam / 12));
          s = round3(s + d);
          total++;
          for (let b = 0; b < BUCKETS.length; b++) if (d <= BUCKETS[b]!) counts[b]!++;
        }
        const t = T0 + k * INTERVAL;
        for (let b = 0; b < BUCKETS.length; b++) {
          buckets[b]!.ts.push(t);
          buckets[b]!.vs.push(counts[b]!);
        }
        sum.ts.push(t);
        sum.vs.push(s);
        count.ts.push(t);
        count.vs.push(total);
      }
      out.push(...buckets, sum, count);
      fam++;
    }
  }
  return { name: 'dt_request_duration_seconds', type: 'histogram', series: out };
}

/** The dataset; the same on every call. */
export function generateDataset(seed = 20240901): Dataset {
  const r = seededRandom(seed);
  return { families: [counters(r), ...gauges(r), histograms(r)] };
}

export function seriesCount(d: Dataset): number {
  let n = 0;
  for (const f of d.families) n += f.series.length;
  return n;
}

/** A float as OpenMetrics writes it (Go's shortest round-trip form). */
function omFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return formatFloatG(v);
}

function omLabels(l: Labels): string {
  const parts: string[] = [];
  l.forEach((n, v) => {
    if (n !== '__name__') parts.push(`${n}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`);
  });
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** The dataset as an OpenMetrics text file (what `promtool tsdb create-blocks-from openmetrics` reads). */
export function toOpenMetrics(d: Dataset): string {
  const out: string[] = [];
  for (const f of d.families) {
    out.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.series) {
      const head = s.labels.metricName() + omLabels(s.labels) + ' ';
      for (let i = 0; i < s.ts.length; i++) out.push(`${head}${omFloat(s.vs[i]!)} ${s.ts[i]! / 1000}`);
    }
  }
  out.push('# EOF', '');
  return out.join('\n');
}

/** Appends the whole dataset to a storage (one batch per series). */
export async function loadDataset(d: Dataset, into: Appendable): Promise<void> {
  for (const f of d.families) {
    for (const s of f.series) {
      const app = into.appender();
      let ref = 0;
      for (let i = 0; i < s.ts.length; i++) ref = app.append(ref, s.labels, s.ts[i]! as Millis, s.vs[i]!);
      await app.commit();
    }
  }
}
