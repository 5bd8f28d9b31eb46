import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFloatF, formatGoFloatPrec, formatOpenMetricsFloat, formatRFC3339Seconds } from './format.js';
import { Gate, GateError } from './gate.js';
import { Annotations, annos } from './annotations.js';

describe('Go number formatting', () => {
  const cases: [number, string, string, string][] = [
    // value, FormatFloat 'f' -1, %.2g, OpenMetrics
    [0, '0', '0', '0.0'],
    [1, '1', '1', '1.0'],
    [0.5, '0.5', '0.5', '0.5'],
    [150, '150', '1.5e+02', '150.0'],
    [1e21, '1000000000000000000000', '1e+21', '1e+21'],
    [1e-7, '0.0000001', '1e-07', '1e-07'],
    [123456, '123456', '1.2e+05', '123456.0'],
    [1234567, '1234567', '1.2e+06', '1.234567e+06'],
    [-2.5, '-2.5', '-2.5', '-2.5'],
    [0.0001234, '0.0001234', '0.00012', '0.0001234'],
    [NaN, 'NaN', 'NaN', 'NaN'],
    [Infinity, '+Inf', '+Inf', '+Inf'],
    [-Infinity, '-Inf', '-Inf', '-Inf'],
  ];
  for (const [v, f, g2, om] of cases) {
    it(String(v), () => {
      assert.equal(formatFloatF(v), f);
      assert.equal(formatGoFloatPrec(v, 2), g2);
      assert.equal(formatOpenMetricsFloat(v), om);
    });
  }
  it('formats times as RFC 3339', () => {
    assert.equal(formatRFC3339Seconds(0), '1970-01-01T00:00:00Z');
    assert.equal(formatRFC3339Seconds(1136239445), '2006-01-02T22:04:05Z');
  });
});

describe('Gate', () => {
  it('admits up to max and queues the rest in order', async () => {
    const g = new Gate(1);
    const r1 = await g.acquire(null, Infinity);
    const order: number[] = [];
    const p2 = g.acquire(null, Infinity).then((r) => { order.push(2); return r; });
    const p3 = g.acquire(null, Infinity).then((r) => { order.push(3); return r; });
    assert.deepEqual([g.running, g.waiting], [1, 2]);
    r1();
    (await p2)();
    (await p3)();
    assert.deepEqual(order, [2, 3]);
    assert.deepEqual([g.running, g.waiting], [0, 0]);
  });

  it('rejects waiters that are cancelled or time out', async () => {
    const g = new Gate(1);
    const r1 = await g.acquire(null, Infinity);
    const ac = new AbortController();
    const p = g.acquire(ac.signal, Infinity);
    ac.abort();
    await assert.rejects(p, (e: unknown) => e instanceof GateError && e.reason === 'canceled');
    await assert.rejects(g.acquire(null, Date.now() + 10), (e: unknown) => e instanceof GateError && e.reason === 'timeout');
    r1();
    assert.deepEqual([g.running, g.waiting], [0, 0]);
  });
});

describe('Annotations', () => {
  it('deduplicates by text, keeping the newest position', () => {
    const a = new Annotations();
    a.add(annos.invalidQuantile(2, { start: 0, end: 1 }));
    a.add(annos.invalidQuantile(2, { start: 4, end: 5 }));
    assert.deepEqual(a.asStrings('quantile(2, x)'), { warnings: ['PromQL warning: quantile value should be between 0 and 1, got 2 (1:5)'], infos: [] });
  });

  it('merges the monotonicity info over samples', () => {
    const a = new Annotations();
    a.add(annos.histogramQuantileForcedMonotonicity('', { start: 0, end: 1 }, 60_000, 1, 10, 0.5));
    a.add(annos.histogramQuantileForcedMonotonicity('', { start: 0, end: 1 }, 120_000, 0.1, 5, 2));
    assert.deepEqual(a.asStrings('x').infos, ['PromQL info: input to histogram_quantile needed to be fixed for monotonicity ' +
      '(see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile), from buckets 0.1 to 10, ' +
      'with a max diff of 2, over 2 samples from 1970-01-01T00:01:00Z to 1970-01-01T00:02:00Z (1:1)']);
  });
});
