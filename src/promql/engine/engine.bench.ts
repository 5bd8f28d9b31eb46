/**
 * Query benchmarks on a seeded in-memory dataset shaped like the shared storage-query
 * workload (50 hosts; node_cpu_seconds_total by cpu and mode, network counters, an HTTP
 * latency histogram with 12 `le` buckets), for the query shapes it times: rate over 1,600
 * series, sum by mode of it, histogram_quantile over summed bucket rates, topk, and 24h
 * range queries at 60 s steps. Reports queries per second and samples read per second.
 */
import { Labels, type Millis } from '../../model/index.js';
import { MemoryStorage } from '../../storage/index.js';
import { benchAsync, seededRandom } from '../../util/bench.js';
import { PromQLEngine } from './index.js';

const HOSTS = 50;
const STEP_MS = 15_000;
const HOUR = 3_600_000;
const END = 100 * 24 * HOUR;
const rnd = seededRandom(42);
const st = new MemoryStorage({ gcIntervalMs: 0 });

/** Appends a counter series from `from` to END every 15 s, increasing at about `rate` per second. */
function counter(app: ReturnType<MemoryStorage['appender']>, l: Labels, from: number, rate: number): number {
  let v = rnd() * 1000, ref = 0, n = 0;
  for (let t = from; t <= END; t += STEP_MS) {
    v += rate * 15 * (0.5 + rnd());
    ref = app.append(ref, l, t as Millis, Math.round(v * 1000) / 1000);
    n++;
  }
  return n;
}

let samples = 0;
{
  const app = st.appender();
  const modes = ['user', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'nice'];
  const buckets = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
  for (let h = 0; h < HOSTS; h++) {
    const instance = `host-${h}:9100`;
    for (let cpu = 0; cpu < 4; cpu++) {
      for (const mode of modes) {
        const l = Labels.fromStrings('__name__', 'node_cpu_seconds_total', 'job', 'node', 'instance', instance, 'cpu', String(cpu), 'mode', mode);
        samples += counter(app, l, END - 2 * HOUR, mode === 'idle' ? 0.9 : 0.02);
      }
    }
    for (const device of ['eth0', 'lo']) {
      const l = Labels.fromStrings('__name__', 'node_network_receive_bytes_total', 'job', 'node', 'instance', instance, 'device', device);
      samples += counter(app, l, END - 25 * HOUR, 1e5);
    }
    for (const handler of ['/api/v1/query', '/metrics']) {
      let ref = new Array<number>(buckets.length).fill(0);
      const counts = new Array<number>(buckets.length).fill(0);
      const ls = buckets.map((le) => Labels.fromStrings('__name__', 'http_request_duration_seconds_bucket', 'job', 'app', 'instance', instance, 'handler', handler, 'le', le));
      for (let t = END - 25 * HOUR; t <= END; t += STEP_MS) {
        const obs = Math.floor(rnd() * 20);
        for (let k = 0; k < obs; k++) {
          const x = rnd() * rnd() * 4;
          for (let b = 0; b < buckets.length; b++) if (b === buckets.length - 1 || x <= Number(buckets[b])) counts[b]!++;
        }
        ref = ref.map((r, b) => app.append(r, ls[b]!, t as Millis, counts[b]!));
        samples += buckets.length;
      }
      samples += counter(app, Labels.fromStrings('__name__', 'http_requests_total', 'job', 'app', 'instance', instance, 'handler', handler, 'code', '200'), END - 2 * HOUR, 5);
    }
  }
  await app.commit();
}
console.log(`dataset: ${samples} samples`);

const engine = new PromQLEngine({ maxConcurrency: 0 });
const end = END as Millis;

/** benchAsync, also printing CPU milliseconds per query (wall time suffers when the machine is shared). */
async function measure(name: string, fn: () => Promise<void>, opts: Parameters<typeof benchAsync>[2] = {}): Promise<void> {
  const c0 = process.cpuUsage();
  const r = await benchAsync(name, fn, opts);
  const cu = process.cpuUsage(c0);
  // The warm-up is a quarter of the measured time (at most 0.5 s), so count it in the ops roughly.
  const ops = r.ops * (1 + Math.min(0.5, r.seconds / 4) / r.seconds);
  console.log(`${''.padEnd(48)} ${((cu.user + cu.system) / 1000 / ops).toFixed(2)} ms CPU/query, ${(1000 / r.opsPerSec).toFixed(2)} ms wall/query`);
}

async function instant(q: string): Promise<void> {
  await engine.newInstantQuery(st, q, end).exec();
}

async function range(q: string, hours: number, stepMs: number): Promise<void> {
  await engine.newRangeQuery(st, q, (END - hours * HOUR + 10 * 60_000) as Millis, end, stepMs).exec();
}

await measure('rate(node_cpu_seconds_total[5m]) (1600 series)', () => instant('rate(node_cpu_seconds_total[5m])'));
await measure('sum by (mode) (rate(...[5m]))', () => instant('sum by (mode) (rate(node_cpu_seconds_total[5m]))'));
await measure('histogram_quantile(0.99, sum by (le) (rate(..._bucket[5m])))',
  () => instant('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'));
await measure('topk(10, sum by (instance, handler) (rate(...)))', () => instant('topk(10, sum by (instance, handler) (rate(http_requests_total[5m])))'));
await measure('range 24h@60s sum by (instance) (rate(net[5m]))',
  () => range('sum by (instance) (rate(node_network_receive_bytes_total[5m]))', 24, 60_000), { unitsPerOp: 100 * 5760, unit: 'samples' });
await measure('range 24h@60s histogram_quantile(0.9, sum by (le, instance) ...)',
  () => range('histogram_quantile(0.9, sum by (le, instance) (rate(http_request_duration_seconds_bucket[5m])))', 24, 60_000),
  { unitsPerOp: 1200 * 5760, unit: 'samples' });
await measure('range 2h@15s rate(node_cpu_seconds_total[5m])', () => range('rate(node_cpu_seconds_total[5m])', 2, 15_000));
await measure('max_over_time(sum by (instance) (rate(...[5m]))[1h:1m])',
  () => instant('max_over_time(sum by (instance) (rate(http_requests_total[5m]))[1h:1m])'));
