import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../instrument/index.js';
import type { TargetGroup } from '../interface.js';
import { waitFor } from '../testing.js';
import { RefreshDiscoverer } from './refresh.js';
import { RefreshMetrics } from './metrics.js';

test('refresh discoverer: sends at start and on every tick, keeps quiet on failures and counts them', async () => {
  const reg = new Registry();
  const metrics = RefreshMetrics.for(reg);
  let calls = 0;
  const script: (TargetGroup[] | Error)[] = [
    [{ source: 'a', labels: {}, targets: [{ __address__: 'a:1' }] }],
    new Error('boom'),
    [{ source: 'a', labels: {}, targets: [{ __address__: 'a:2' }] }],
  ];
  const d = new RefreshDiscoverer({
    mechanism: 'test', setName: 'job', intervalMs: 20, metrics,
    refresh: () => {
      const r = script[Math.min(calls++, script.length - 1)]!;
      return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
    },
  });
  const sent: string[] = [];
  const ac = new AbortController();
  const done = d.run(ac.signal, (gs) => { sent.push(gs.map((g) => g.targets.map((t) => t['__address__']).join()).join()); });
  await waitFor(() => sent.length >= 3);
  assert.deepEqual(sent.slice(0, 2), ['a:1', 'a:2'], 'the failed refresh sent nothing');
  assert.equal(metrics.failures.labels('job', 'test').value, 1);
  assert.ok(metrics.duration.labels('job', 'test').count >= 4);
  assert.ok(metrics.durationHistogram.labels('test').count >= 4);
  ac.abort();
  await done;
});

test('refresh discoverer: stops promptly on abort, mid-refresh too, and releases its series', async () => {
  const reg = new Registry();
  const metrics = RefreshMetrics.for(reg);
  const ac = new AbortController();
  let started = false;
  const d = new RefreshDiscoverer({
    mechanism: 'test', setName: 'job', intervalMs: 60_000, metrics,
    refresh: (signal) => new Promise((_resolve, reject) => {
      started = true;
      signal.addEventListener('abort', () => { reject(new Error('context canceled')); }, { once: true });
    }),
  });
  let sends = 0;
  const done = d.run(ac.signal, () => { sends++; });
  await waitFor(() => started);
  ac.abort();
  await done;
  assert.equal(sends, 0);
  assert.doesNotMatch(reg.expose(), /prometheus_sd_refresh_failures_total\{/);
  assert.match(reg.expose(), /prometheus_sd_refresh_duration_histogram_seconds_count\{mechanism="test"\} 1/);
});

test('refresh metrics: shared pairs are dropped when the last user releases them', () => {
  const m = RefreshMetrics.for(new Registry());
  assert.equal(RefreshMetrics.for(new Registry()) === m, false);
  const a = m.acquire('dns', 'job');
  m.acquire('dns', 'job');
  a.failures.inc();
  m.release('dns', 'job');
  assert.equal(m.failures.labels('job', 'dns').value, 1, 'still used by the second discoverer');
  m.release('dns', 'job');
  assert.equal(m.failures.labels('job', 'dns').value, 0, 'a fresh child after the last release');
});

test('ticker: a consumer that fell behind gets one pending tick at once, the missed others are dropped', async () => {
  const { Ticker } = await import('./ticker.js');
  const { performance } = await import('node:perf_hooks');
  const ac = new AbortController();
  const t = new Ticker(60_000, performance.now() - 10 * 60_000);
  assert.equal(await t.wait(ac.signal), true, 'the pending tick');
  const second = t.wait(ac.signal);
  const raced = await Promise.race([second.then(() => 'tick'), new Promise((r) => setImmediate(() => { r('waiting'); }))]);
  assert.equal(raced, 'waiting', 'the next tick is a full interval away');
  ac.abort();
  assert.equal(await second, false, 'abort ends the wait');
});
