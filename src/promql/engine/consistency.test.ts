/**
 * Range evaluation (with its series-by-series fast paths) against instant evaluation (the
 * step-by-step path) on seeded random data: every point of a range query must equal, bit for
 * bit, the instant query at that step.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, type Millis } from '../../model/index.js';
import { MemoryStorage } from '../../storage/index.js';
import { seededRandom } from '../../util/bench.js';
import { PromQLEngine } from './index.js';

const STEP = 15_000;
const N = 240;
let st: MemoryStorage;

before(async () => {
  const rnd = seededRandom(7);
  st = new MemoryStorage({ gcIntervalMs: 0 });
  const app = st.appender();
  for (let i = 0; i < 12; i++) {
    for (const name of ['req_total', 'err_total', 'temp']) {
      const l = Labels.fromStrings('__name__', name, 'job', `j${i % 3}`, 'instance', `i${i}`);
      let v = rnd() * 100, ref = 0;
      for (let k = 0; k < N; k++) {
        const r = rnd();
        if (r < 0.05) continue; // a missed scrape
        const t = (k * STEP + Math.floor(rnd() * 1000)) as Millis;
        if (r < 0.07) { ref = app.appendStale(ref, l, t); continue; }
        if (name === 'temp') v = 20 + rnd() * 10;
        else v = r < 0.09 ? rnd() * 10 : v + rnd() * 50; // counters with resets
        ref = app.append(ref, l, t, v);
      }
    }
  }
  for (let i = 0; i < 4; i++) {
    for (const le of ['0.1', '1', '10', '+Inf']) {
      const l = Labels.fromStrings('__name__', 'lat_bucket', 'job', `j${i % 2}`, 'instance', `i${i}`, 'le', le);
      let ref = 0;
      for (let k = 0; k < N; k++) ref = app.append(ref, l, (k * STEP) as Millis, k * (le === '+Inf' ? 20 : le === '10' ? 15 : le === '1' ? 8 : 2));
    }
  }
  await app.commit();
});

const QUERIES = [
  'req_total', 'rate(req_total[1m])', 'sum by (job) (rate(req_total[2m]))', 'avg(rate(err_total[5m]))',
  'max without (instance) (temp)', 'stddev(temp)', 'count by (job) (temp > 25)', 'req_total / err_total',
  'req_total / ignoring(instance) group_left sum by (job) (err_total)', 'rate(req_total[1m]) * 60', '2 * temp - 1',
  'temp > bool 25', 'round(temp, 0.5)', 'abs(temp - 25)', 'clamp(temp, 22, 28)', 'req_total and err_total > 100',
  'temp or err_total', 'req_total unless on(instance) temp > 28', 'histogram_quantile(0.9, sum by (le, job) (rate(lat_bucket[2m])))',
  'histogram_fraction(0, 1, rate(lat_bucket[1m]))', 'sum_over_time(temp[1m])', 'quantile_over_time(0.3, temp[2m])',
  'deriv(temp[3m])', 'increase(req_total[90s])', 'max_over_time(rate(req_total[1m])[5m:30s])', 'changes(temp[2m])',
  'resets(req_total[5m])', 'irate(req_total[2m])', 'avg_over_time(temp[2m] offset 1m)', 'timestamp(temp)',
  'sum(rate(req_total[1m])) by (instance) / on(instance) sum(rate(err_total[1m])) by (instance)', 'topk(3, temp)',
  'count_values("v", round(temp))', 'quantile(0.5, temp)', 'group(temp) by (job)', 'absent_over_time(nope[1m])',
  'label_replace(temp, "x", "$1", "instance", "i(.*)")', 'time() - timestamp(temp)', '-temp', 'sgn(temp - 25)',
];

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe('range evaluation equals instant evaluation at every step', () => {
  const engine = new PromQLEngine({ maxConcurrency: 0 });
  const start = 600_000, end = 3_000_000, step = 60_000;
  for (const q of QUERIES) {
    it(q, async () => {
      const r = await engine.newRangeQuery(st, q, start as Millis, end as Millis, step).exec();
      assert.equal(r.value.kind, 'matrix');
      const byKey = new Map<string, Map<number, number>>();
      if (r.value.kind === 'matrix') {
        for (const s of r.value.m) {
          const pts = new Map<number, number>();
          for (const p of s.floats) pts.set(p.t, p.f);
          byKey.set(s.metric.key(), pts);
        }
      }
      for (let t = start; t <= end; t += step) {
        const iv = (await engine.newInstantQuery(st, q, t as Millis).exec()).value;
        const got = new Map<string, number>();
        if (iv.kind === 'vector') for (const s of iv.v) got.set(s.metric.key(), s.f);
        else if (iv.kind === 'scalar') got.set(Labels.EMPTY.key(), iv.f);
        for (const [k, f] of got) {
          const rf = byKey.get(k)?.get(t);
          assert.ok(rf !== undefined && same(rf, f), `${q} at ${t}: ${k.replaceAll('\xff', ' ')} instant ${f}, range ${String(rf)}`);
        }
        let inRange = 0;
        for (const pts of byKey.values()) if (pts.has(t)) inRange++;
        assert.equal(inRange, got.size, `${q} at ${t}: series count`);
      }
    });
  }
});
