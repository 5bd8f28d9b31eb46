import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRelabelConfig } from '../config/index.js';
import { listen } from '../httpclient/test-server.js';
import { Matcher, type Millis } from '../model/index.js';
import { MemoryStorage } from '../storage/memory/index.js';
import { Registry } from '../instrument/index.js';
import { ScrapeManager } from './manager.js';
import { group, job, newEnv, sleep, waitFor } from './test-env.js';

const TEXT = 'text/plain; version=0.0.4';

async function metricsServer(bodies: Record<string, () => string>) {
  return listen((req, res) => {
    const f = bodies[req.url ?? ''];
    if (f === undefined) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TEXT }).end(f());
  });
}

test('targets that disappear, and jobs that are removed, get stale markers; shutdown writes none', async () => {
  let n = 0;
  const srv = await metricsServer({ '/metrics': () => `requests_total ${++n}\n` });
  const env = newEnv();
  const addr = `127.0.0.1:${srv.port}`;
  try {
    env.manager.applyConfig([job('a'), job('b')]);
    const tA = { __address__: addr, instance: 'one' };
    const tB = { __address__: addr, instance: 'two' };
    env.manager.sync(new Map([['a', [group('g', [tA, tB])]], ['b', [group('g', [{ __address__: addr, instance: 'three' }])]]]));
    const series = (inst: string, j = 'a'): string => `{__name__="requests_total", instance="${inst}", job="${j}"}`;
    await waitFor('scrapes', () => env.storage.samplesOf(series('two')).length >= 2 && env.storage.samplesOf(series('three', 'b')).length >= 2);
    assert.deepEqual(env.manager.scrapePools().sort(), ['a', 'b']);
    assert.equal(env.manager.targetsActive().get('a')!.length, 2);

    // Target "two" goes away: its series become stale about two intervals later.
    env.manager.sync(new Map([['a', [group('g', [tA])]], ['b', [group('g', [{ __address__: addr, instance: 'three' }])]]]));
    assert.equal(env.manager.targetsActive().get('a')!.length, 1);
    await waitFor('stale marker for the removed target', () => env.storage.samplesOf(series('two')).at(-1)?.stale, 3000);
    assert.ok(env.storage.samplesOf('{__name__="up", instance="two", job="a"}').at(-1)!.stale);
    assert.ok(!env.storage.samplesOf(series('one')).some((r) => r.stale), 'the remaining target is untouched');

    // Job "b" is removed from the config: its pool stops and its series go stale.
    env.manager.applyConfig([job('a')]);
    assert.deepEqual(env.manager.scrapePools(), ['a']);
    await waitFor('stale marker for the removed job', () => env.storage.samplesOf(series('three', 'b')).at(-1)?.stale, 3000);

    // Shutdown: no stale markers.
    const before = env.storage.samplesOf(series('one')).length;
    await env.manager.stop();
    await sleep(600);
    const after = env.storage.samplesOf(series('one'));
    assert.ok(after.length <= before + 1);
    assert.ok(!after.some((r) => r.stale));
  } finally {
    await env.manager.stop();
    await srv.close();
  }
});

/** A value from the registry's text exposition, by its exact series text (`name` or `name{l="v"}`). */
function metricValue(r: Registry, series: string): number | undefined {
  for (const line of r.expose().split('\n')) {
    const sp = line.lastIndexOf(' ');
    if (sp > 0 && line.slice(0, sp) === series) return Number(line.slice(sp + 1));
  }
  return undefined;
}

test('reload: an unchanged job keeps its loops; a changed job restarts them; caches carry over when they can', async () => {
  const srv = await metricsServer({ '/metrics': () => 'm{k="v"} 1\n' });
  const env = newEnv();
  const addr = `127.0.0.1:${srv.port}`;
  const M = '{__name__="m", instance="' + addr + '", job="j", k="v"}';
  try {
    env.manager.applyConfig([job('j')]);
    env.manager.sync(new Map([['j', [group('g', [addr])]]]));
    const t1 = env.manager.targetsActive().get('j')![0]!;
    await waitFor('first scrape', () => t1.health === 'up');
    assert.equal(metricValue(env.registry, 'prometheus_target_scrape_pools_total'), 1);

    // An equal config (a new object): nothing is reloaded.
    env.manager.applyConfig([job('j')]);
    assert.equal(metricValue(env.registry, 'prometheus_target_scrape_pool_reloads_total'), 0);
    assert.equal(env.manager.targetsActive().get('j')![0], t1);

    // A new interval: loops restart on the kept cache, the series never goes stale.
    env.manager.applyConfig([job('j', { scrape_interval: 250 as Millis })]);
    assert.equal(metricValue(env.registry, 'prometheus_target_scrape_pool_reloads_total'), 1);
    const t2 = env.manager.targetsActive().get('j')![0]!;
    assert.equal(t2.intervalMs, 250);
    const n = env.storage.samplesOf(M).length;
    await waitFor('scrapes under the new interval', () => env.storage.samplesOf(M).length >= n + 3, 4000);
    await sleep(700);
    assert.ok(!env.storage.samplesOf(M).some((r) => r.stale), 'no stale marker across the reload');

    // New metric relabeling: the old series goes stale, the new one takes over.
    env.manager.applyConfig([job('j', { scrape_interval: 250 as Millis, metric_relabel_configs: [newRelabelConfig({ target_label: 'extra', replacement: 'yes' })] })]);
    const M2 = '{__name__="m", extra="yes", instance="' + addr + '", job="j", k="v"}';
    await waitFor('the relabeled series', () => env.storage.samplesOf(M2).length >= 2, 4000);
    await waitFor('the old series goes stale', () => env.storage.samplesOf(M).at(-1)?.stale, 4000);
  } finally {
    await env.manager.stop();
    await srv.close();
  }
});

test('target_limit fails every target of the pool; keep_dropped_targets keeps some and counts all', async () => {
  const srv = await metricsServer({ '/metrics': () => 'm 1\n' });
  const env = newEnv();
  const addr = `127.0.0.1:${srv.port}`;
  try {
    env.manager.applyConfig([
      job('limited', { target_limit: 2 }),
      job('drops', { keep_dropped_targets: 2, relabel_configs: [newRelabelConfig({ source_labels: ['drop'], regex: 'yes', action: 'drop' })] }),
    ]);
    const three = [1, 2, 3].map((i) => ({ __address__: addr, instance: `i${i}` }));
    const drops = [1, 2, 3, 4, 5].map((i) => ({ __address__: addr, instance: `d${i}`, drop: 'yes' }));
    env.manager.sync(new Map([['limited', [group('g', three)]], ['drops', [group('g', [...drops, { __address__: addr }])]]]));
    const targets = env.manager.targetsActive().get('limited')!;
    assert.equal(targets.length, 3);
    await waitFor('all limited targets down', () => targets.every((t) => t.health === 'down'));
    for (const t of targets) assert.equal(t.lastError, 'target_limit exceeded (number of targets: 3, limit: 2)');
    assert.ok(metricValue(env.registry, 'prometheus_target_scrape_pool_exceeded_target_limit_total')! >= 1);
    assert.equal(metricValue(env.registry, 'prometheus_target_scrape_pool_target_limit{scrape_job="limited"}'), 2);
    assert.equal(metricValue(env.registry, 'prometheus_target_scrape_pool_targets{scrape_job="limited"}'), 3);

    assert.equal(env.manager.targetsActive().get('drops')!.length, 1);
    assert.equal(env.manager.targetsDropped().get('drops')!.length, 2);
    assert.equal(env.manager.targetsDroppedCounts()['drops'], 5);
    assert.equal(env.manager.targetsDropped().get('drops')![0]!.discoveredLabels.get('drop'), 'yes');

    // Back under the limit: scrapes succeed again.
    env.manager.sync(new Map([['limited', [group('g', three.slice(0, 2))]], ['drops', [group('g', [{ __address__: addr }])]]]));
    const two = env.manager.targetsActive().get('limited')!;
    await waitFor('targets up again', () => two.every((t) => t.health === 'up'));
  } finally {
    await env.manager.stop();
    await srv.close();
  }
});

test('self-metrics are registered under Prometheus names', () => {
  const env = newEnv();
  env.manager.applyConfig([job('j')]);
  env.manager.sync(new Map([['j', [group('g', ['127.0.0.1:1'])]]]));
  const text = env.registry.expose();
  for (const name of [
    'prometheus_target_interval_length_seconds', 'prometheus_target_scrape_pool_sync_total', 'prometheus_target_scrape_pools_total',
    'prometheus_target_scrape_pools_failed_total', 'prometheus_target_scrape_pool_reloads_total', 'prometheus_target_scrape_pool_reloads_failed_total',
    'prometheus_target_scrapes_exceeded_sample_limit_total', 'prometheus_target_scrapes_exceeded_body_size_limit_total',
    'prometheus_target_scrapes_sample_duplicate_timestamp_total', 'prometheus_target_scrapes_sample_out_of_order_total',
    'prometheus_target_scrapes_sample_out_of_bounds_total', 'prometheus_target_scrapes_cache_flush_forced_total',
    'prometheus_target_scrape_pool_targets', 'prometheus_target_scrape_pool_exceeded_target_limit_total',
    'prometheus_target_scrape_pool_exceeded_label_limits_total', 'prometheus_target_sync_length_seconds',
    'prometheus_target_metadata_cache_entries', 'prometheus_target_metadata_cache_bytes', 'prometheus_target_reload_length_seconds',
    'prometheus_target_scrape_pool_target_limit', 'prometheus_target_sync_failed_total', 'prometheus_target_scrapes_exemplar_out_of_order_total',
    'prometheus_target_scrapes_exceeded_native_histogram_bucket_limit_total', 'prometheus_target_sync_length_histogram_seconds',
  ]) {
    assert.ok(text.includes(`# TYPE ${name} `) || env.registry.collect().some((f) => f.name === name), name);
  }
  assert.match(text, /# TYPE prometheus_target_sync_length_seconds summary\nprometheus_target_sync_length_seconds\{scrape_job="j",quantile="0.01"\} /);
  return env.manager.stop();
});

test('with the real parser, relabeling and memory storage', async () => {
  let n = 0;
  const srv = await listen((_req, res) => {
    n++;
    res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0' });
    res.end(`# TYPE http_requests counter\n# HELP http_requests Requests.\nhttp_requests_total{code="200"} ${n}\nhttp_requests_total{code="500"} 1\n# EOF\n`);
  });
  const storage = new MemoryStorage();
  const manager = new ScrapeManager({ appendable: storage, registry: new Registry(), skipOffset: true });
  const addr = `127.0.0.1:${srv.port}`;
  try {
    manager.applyConfig([job('real', {
      metric_relabel_configs: [newRelabelConfig({ source_labels: ['code'], regex: '5..', action: 'drop' })],
      relabel_configs: [newRelabelConfig({ target_label: 'env', replacement: 'test' })],
    })]);
    manager.sync(new Map([['real', [group('g', [addr])]]]));
    const t = manager.targetsActive().get('real')![0]!;
    await waitFor('two scrapes', () => n >= 2 && t.health === 'up');
    await sleep(50);
    const q = await storage.querier(0 as Millis, (Date.now() + 60_000) as Millis);
    const ss = await q.select(true, null, [new Matcher('=', 'job', 'real')]);
    const names: string[] = [];
    while (ss.next()) names.push(ss.at().labels.toString());
    await q.close();
    assert.ok(names.includes(`{__name__="http_requests_total", code="200", env="test", instance="${addr}", job="real"}`), names.join('\n'));
    assert.ok(!names.some((s) => s.includes('code="500"')), 'dropped by metric relabeling');
    assert.ok(names.includes(`{__name__="up", env="test", instance="${addr}", job="real"}`));
    assert.deepEqual(t.metadata(), [{ metric: 'http_requests', type: 'counter', help: 'Requests.', unit: '' }]);
  } finally {
    await manager.stop();
    await srv.close();
  }
});

test('an aborted signal stops the manager', async () => {
  const ac = new AbortController();
  const env = newEnv({ signal: ac.signal });
  env.manager.applyConfig([job('j')]);
  env.manager.sync(new Map([['j', [group('g', ['127.0.0.1:1'])]]]));
  assert.deepEqual(env.manager.scrapePools(), ['j']);
  ac.abort();
  await sleep(10);
  assert.deepEqual(env.manager.scrapePools(), []);
  env.manager.sync(new Map([['j', [group('g', ['127.0.0.1:1'])]]]));
  assert.deepEqual(env.manager.scrapePools(), [], 'a stopped manager ignores updates');
});
