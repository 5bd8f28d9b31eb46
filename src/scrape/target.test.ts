import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, type Millis } from '../model/index.js';
import { Target } from './target.js';

function target(l: Record<string, string>, params: Record<string, string[]> = {}): Target {
  const all = Labels.fromObject({ __address__: 'h:1', __scheme__: 'http', __metrics_path__: '/metrics', instance: 'h:1', job: 'j', ...l });
  return new Target(all, all, params, 15000 as Millis, 10000 as Millis);
}

test('scrape URL from labels and params, __param_* overriding the first value', () => {
  const cases: [Record<string, string>, Record<string, string[]>, string][] = [
    [{}, {}, 'http://h:1/metrics'],
    [{ __scheme__: 'https', __metrics_path__: '/probe' }, { module: ['http_2xx'], target: ['a b', 'c&d'] }, 'https://h:1/probe?module=http_2xx&target=a+b&target=c%26d'],
    [{ __param_target: 'x.example' }, { target: ['a', 'b'] }, 'http://h:1/metrics?target=x.example&target=b'],
    [{ __param_new: '1' }, {}, 'http://h:1/metrics?new=1'],
    [{ __metrics_path__: 'no-slash' }, {}, 'http://h:1/no-slash'],
  ];
  for (const [l, p, want] of cases) assert.equal(target(l, p).scrapeURL, want);
});

test('public labels leave out the __ ones; identity covers labels and URL', () => {
  const t = target({ __param_x: '1', env: 'prod' });
  assert.deepEqual(t.labels.toObject(), { env: 'prod', instance: 'h:1', job: 'j' });
  assert.equal(t.allLabels.get('__param_x'), '1');
  assert.notEqual(target({}).key, target({ __scheme__: 'https' }).key);
  assert.equal(target({}).key, target({}).key);
});

test('offsets spread targets over the interval, stable for a target and pinned to absolute time', () => {
  const interval = 10_000;
  const now = 1_700_000_003_000;
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 1000; i++) {
    const t = target({ __address__: `10.0.${i >> 8}.${i & 255}:9100` });
    const off = t.offset(interval, 42, now);
    assert.ok(off >= 0 && off <= interval);
    // The phase (absolute time of the first scrape modulo the interval) does not depend on now.
    assert.equal((now + off) % interval, (now + 1234 + t.offset(interval, 42, now + 1234)) % interval);
    buckets[Math.min(9, Math.floor(((now + off) % interval) / 1000))]!++;
  }
  for (const b of buckets) assert.ok(b > 50 && b < 150, `roughly uniform: ${buckets.join(',')}`);
  const t = target({});
  assert.notEqual(t.offset(interval, 1, now), t.offset(interval, 2, now), 'the server seed shifts the phase');
});

test('report updates health, error, time and duration', () => {
  const t = target({});
  assert.equal(t.health, 'unknown');
  t.report(1000, 250, new Error('boom'));
  assert.equal(t.health, 'down');
  assert.equal(t.lastError, 'boom');
  assert.equal(t.lastScrape?.getTime(), 1000);
  assert.equal(t.lastScrapeDurationSeconds, 0.25);
  t.report(2000, 10, null);
  assert.equal(t.health, 'up');
  assert.equal(t.lastError, '');
});
