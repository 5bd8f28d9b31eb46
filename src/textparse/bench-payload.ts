/**
 * Benchmark payloads: a node_exporter-like set of metric families (CPU, memory, disks,
 * filesystems, network, interrupts, a Go GC summary, HTTP latency histograms) generated with
 * a seeded PRNG and rendered identically as Prometheus text, OpenMetrics and protobuf.
 * `scale` multiplies the per-CPU and per-device cardinalities: 1 gives about 1,000 series, 13 about 10,000.
 */
import { formatFloatG } from '../model/index.js';
import { seededRandom } from '../util/bench.js';
import {
  COUNTER, GAUGE, HISTOGRAM, SUMMARY, encodeFamilies, type MetricFamilyMsg, type MetricMsg,
} from './protobuf/test-encoder.js';

type Kind = 'counter' | 'gauge' | 'summary' | 'histogram';

interface BenchMetric {
  labels: [string, string][];
  value: number;
  /** Summary quantiles or histogram buckets (upper bound → cumulative count). */
  points: [number, number][];
  sum: number;
  count: number;
}

interface BenchFamily {
  name: string;
  help: string;
  kind: Kind;
  metrics: BenchMetric[];
}

export interface BenchPayload {
  text: Uint8Array;
  openMetrics: Uint8Array;
  protobuf: Uint8Array;
  /** Samples per parse of the text formats (histogram and summary series included). */
  samples: number;
}

const MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
const LATENCY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function families(scale: number, rnd: () => number): BenchFamily[] {
  const out: BenchFamily[] = [];
  const big = (): number => Math.floor(rnd() * 1e12) / 1e3;
  const add = (name: string, kind: Kind, help: string, labelSets: [string, string][][]): void => {
    out.push({ name, help, kind, metrics: labelSets.map((labels) => ({ labels, value: kind === 'counter' ? big() : rnd() * 1e6, points: [], sum: 0, count: 0 })) });
  };
  const cpus = 16 * scale;
  const cpuModes: [string, string][][] = [];
  for (let c = 0; c < cpus; c++) for (const m of MODES) cpuModes.push([['cpu', String(c)], ['mode', m]]);
  add('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.', cpuModes);
  const perCpu: [string, string][][] = [];
  for (let c = 0; c < cpus; c++) perCpu.push([['cpu', String(c)]]);
  for (const n of ['node_softnet_dropped_total', 'node_softnet_processed_total', 'node_softnet_times_squeezed_total']) add(n, 'counter', 'Softnet statistics.', perCpu);
  const irqs: [string, string][][] = [];
  for (let i = 0; i < 200 * scale; i++) irqs.push([['cpu', String(i % 16)], ['devices', `eth${i % 4}-TxRx-${i}`], ['type', String(24 + i)]]);
  add('node_interrupts_total', 'counter', 'Interrupt details.', irqs);
  for (let i = 0; i < 80; i++) add(`node_memory_field${i}_bytes`, 'gauge', `Memory information field field${i}.`, [[]]);
  const mounts: [string, string][][] = [];
  for (let i = 0; i < 12 * scale; i++) mounts.push([['device', `/dev/nvme0n1p${i}`], ['fstype', i % 3 === 0 ? 'ext4' : 'xfs'], ['mountpoint', `/srv/volume-${i}`]]);
  for (const n of ['avail_bytes', 'size_bytes', 'free_bytes', 'files', 'files_free', 'readonly', 'device_error']) add('node_filesystem_' + n, 'gauge', `Filesystem ${n}.`, mounts);
  const nics: [string, string][][] = [];
  for (let i = 0; i < 8 * scale; i++) nics.push([['device', i === 0 ? 'lo' : `enp${i}s0`]]);
  for (const dir of ['receive', 'transmit']) {
    for (const n of ['bytes', 'packets', 'errs', 'drop', 'fifo', 'frame', 'compressed', 'multicast']) add(`node_network_${dir}_${n}_total`, 'counter', `Network device statistic ${dir}_${n}.`, nics);
  }
  const disks: [string, string][][] = [];
  for (let i = 0; i < 6 * scale; i++) disks.push([['device', `sd${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26) || ''}`]]);
  for (const n of ['reads_completed', 'reads_merged', 'read_bytes', 'read_time_seconds', 'writes_completed', 'writes_merged', 'written_bytes',
    'write_time_seconds', 'io_now', 'io_time_seconds', 'io_time_weighted_seconds', 'discards_completed', 'discards_merged', 'discarded_sectors',
    'discard_time_seconds', 'flush_requests', 'flush_requests_time_seconds']) add(`node_disk_${n}_total`, 'counter', `Disk statistic ${n}.`, disks);
  for (let i = 0; i < 150; i++) add(`node_misc_gauge_${i}`, 'gauge', 'Miscellaneous.', [[['instance', 'localhost:9100'], ['job', 'node']]]);
  out.push({
    name: 'go_gc_duration_seconds', help: 'A summary of the pause duration of garbage collection cycles.', kind: 'summary',
    metrics: [{ labels: [], value: 0, points: [[0, 2.1e-5], [0.25, 3.4e-5], [0.5, 4.4e-5], [0.75, 6.1e-5], [1, 0.002]], sum: 1.734, count: 12345 }],
  });
  const handlers: BenchMetric[] = [];
  for (let h = 0; h < 5 * scale; h++) {
    let c = 0;
    const points: [number, number][] = LATENCY_BOUNDS.map((b) => [b, (c += Math.floor(rnd() * 1000))]);
    handlers.push({ labels: [['handler', `/api/v1/handler${h}`], ['method', 'GET']], value: 0, points, sum: c * 0.05, count: c + 7 });
  }
  out.push({ name: 'http_request_duration_seconds', help: 'Request latency.', kind: 'histogram', metrics: handlers });
  return out;
}

function labelText(labels: [string, string][], extra?: [string, string]): string {
  const all = extra === undefined ? labels : [...labels, extra];
  return all.length === 0 ? '' : '{' + all.map(([k, v]) => `${k}="${v}"`).join(',') + '}';
}

function renderText(fams: BenchFamily[], om: boolean): { body: string; samples: number } {
  let s = '';
  let samples = 0;
  for (const f of fams) {
    const family = om && f.kind === 'counter' ? f.name.replace(/_total$/, '') : f.name;
    s += `# HELP ${family} ${f.help}\n# TYPE ${family} ${f.kind}\n`;
    for (const m of f.metrics) {
      if (f.kind === 'counter' || f.kind === 'gauge') {
        s += `${f.name}${labelText(m.labels)} ${formatFloatG(m.value)}\n`;
        samples++;
        continue;
      }
      for (const [b, v] of m.points) {
        const lab: [string, string] = f.kind === 'summary' ? ['quantile', formatFloatG(b)] : ['le', formatFloatG(b)];
        s += `${f.name}${f.kind === 'histogram' ? '_bucket' : ''}${labelText(m.labels, lab)} ${formatFloatG(v)}\n`;
        samples++;
      }
      if (f.kind === 'histogram') {
        s += `${f.name}_bucket${labelText(m.labels, ['le', '+Inf'])} ${m.count}\n`;
        samples++;
      }
      s += `${f.name}_sum${labelText(m.labels)} ${formatFloatG(m.sum)}\n${f.name}_count${labelText(m.labels)} ${m.count}\n`;
      samples += 2;
    }
  }
  if (om) s += '# EOF\n';
  return { body: s, samples };
}

function toProto(fams: BenchFamily[]): MetricFamilyMsg[] {
  const type = { counter: COUNTER, gauge: GAUGE, summary: SUMMARY, histogram: HISTOGRAM } as const;
  return fams.map((f) => ({
    name: f.name, help: f.help, type: type[f.kind],
    metric: f.metrics.map((m): MetricMsg => {
      const label = m.labels.map(([name, value]) => ({ name, value }));
      switch (f.kind) {
        case 'counter': return { label, counter: { value: m.value } };
        case 'gauge': return { label, gauge: { value: m.value } };
        case 'summary': return { label, summary: { sampleCount: m.count, sampleSum: m.sum, quantile: m.points.map(([quantile, value]) => ({ quantile, value })) } };
        case 'histogram': return { label, histogram: { sampleCount: m.count, sampleSum: m.sum, bucket: m.points.map(([upperBound, cumulativeCount]) => ({ upperBound, cumulativeCount })) } };
      }
    }),
  }));
}

export function nodeLikePayload(scale: number, seed = 42): BenchPayload {
  const fams = families(scale, seededRandom(seed));
  const text = renderText(fams, false);
  const om = renderText(fams, true);
  const enc = new TextEncoder();
  return { text: enc.encode(text.body), openMetrics: enc.encode(om.body), protobuf: encodeFamilies(...toProto(fams)), samples: text.samples };
}
