import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinodeSDConfig } from '../../config/sd-types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { repoRoot } from '../../testing/peers.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { LinodeDiscoverer } from './linode.js';
import { LinodeSDMetrics } from './metrics.js';
import { FakeLinode, type APIObject } from './testing-fake-linode.js';

function testdata<T>(name: string): T[] {
  return JSON.parse(readFileSync(join(repoRoot(), 'src', 'discovery', 'linode', 'testdata', name), 'utf8')) as T[];
}

/** Prometheus's mock token. */
const TOKEN = '7b2c56dd51edd90952c1b94c472b94b176f20c5c777e376849edd8ad1c6c03bb';

function discoverer(f: FakeLinode, o: Partial<LinodeSDConfig> = {}, reg = new Registry(), now?: () => Date): LinodeDiscoverer {
  const cfg: LinodeSDConfig = {
    http_client: defaultHTTPClientConfig({ authorization: { type: 'Bearer', credentials: TOKEN as never, credentials_file: '', credentials_ref: '' } }),
    refresh_interval: 60_000 as Millis, port: 80, tag_separator: ',', region: '', ...o,
  };
  return new LinodeDiscoverer(cfg, {
    metrics: LinodeSDMetrics.for(reg), refreshMetrics: RefreshMetrics.for(reg), setName: 'linode', baseURL: f.baseURL, userAgent: 'Watchfire/test',
    ...(now !== undefined ? { now } : {}),
  });
}

async function withFake<T>(fn: (f: FakeLinode) => Promise<T>): Promise<T> {
  const f = new FakeLinode({ token: TOKEN });
  await f.up();
  f.instances = testdata<APIObject>('instances.json');
  f.ips = testdata<APIObject>('ips.json');
  f.ranges = testdata<APIObject>('ipv6-ranges.json');
  try {
    return await fn(f);
  } finally {
    await f.down();
  }
}

// Prometheus's TestLinodeSDRefresh: no region filter, us-east, ca-central.
for (const [region, name] of [['', 'no-region'], ['us-east', 'us-east'], ['ca-central', 'ca-central']] as const) {
  test(`linode SD: Prometheus's TestLinodeSDRefresh ${name} case`, async () => {
    await withFake(async (f) => {
      const groups = await discoverer(f, { region }).refresh(AbortSignal.timeout(5000));
      assert.deepEqual(groups.map((g) => g.source), ['Linode']);
      assert.deepEqual(groups[0]!.targets, testdata(`expected-${name}.json`));
      assert.deepEqual(f.requests.map((r) => `${r.path}?${r.query.toString()} ${String(r.headers['x-filter'] ?? '')}`), [
        '/v4/linode/instances', '/v4/networking/ips', '/v4/networking/ipv6/ranges',
      ].map((p) => `${p}?page=1&page_size=500 ${region !== '' ? `{"region": "${region}"}` : ''}`));
    });
  });
}

test('linode SD: later refreshes poll events and reuse the last targets until something happened, or every 10th time', async () => {
  await withFake(async (f) => {
    let clock = new Date('2026-03-01T10:00:00Z');
    const d = discoverer(f, {}, new Registry(), () => clock);
    const first = await d.refresh(AbortSignal.timeout(5000));
    assert.equal(f.count('/v4/linode/instances'), 1);
    clock = new Date('2026-03-01T10:01:00Z');
    const second = await d.refresh(AbortSignal.timeout(5000));
    assert.equal(second, first, 'no events: the last targets again');
    assert.equal(f.count('/v4/linode/instances'), 1);
    const ev = f.requests.at(-1)!;
    assert.equal(`${ev.path}?${ev.query.toString()}`, '/v4/account/events?page=1&page_size=25');
    assert.equal(ev.headers['x-filter'], '{"created": {"+gte": "2026-03-01T10:00:00"}}');
    // An event since the last refresh: a full refresh picks up the change.
    f.instances = f.instances.slice(1);
    f.addEvent('linode_delete', new Date('2026-03-01T10:01:30Z'));
    clock = new Date('2026-03-01T10:02:00Z');
    const third = await d.refresh(AbortSignal.timeout(5000));
    assert.equal(f.count('/v4/linode/instances'), 2);
    assert.equal(third[0]!.targets.length, 3);
    assert.equal(f.requests.filter((r) => r.path === '/v4/account/events').at(-1)!.headers['x-filter'], '{"created": {"+gte": "2026-03-01T10:01:00"}}');
    // Nine quiet polls reuse; the tenth forces a full refresh.
    for (let i = 1; i <= 10; i++) {
      clock = new Date(clock.getTime() + 60_000);
      await d.refresh(AbortSignal.timeout(5000));
      assert.equal(f.count('/v4/linode/instances'), i < 10 ? 2 : 3, `poll ${i}`);
    }
  });
});

test('linode SD: a token that may not read events turns event polling off; other event errors fail the refresh', async () => {
  await withFake(async (f) => {
    const d = discoverer(f);
    await d.refresh(AbortSignal.timeout(5000));
    f.eventsForbidden = true;
    await d.refresh(AbortSignal.timeout(5000));
    assert.equal(d.eventPolling, false);
    assert.equal(f.count('/v4/linode/instances'), 2, 'a full refresh instead');
    await d.refresh(AbortSignal.timeout(5000));
    assert.equal(f.count('/v4/account/events'), 1, 'never polled again');
    assert.equal(f.count('/v4/linode/instances'), 3);

    const reg = new Registry();
    const e = discoverer(f, {}, reg);
    f.eventsForbidden = false;
    await e.refresh(AbortSignal.timeout(5000));
    f.fail(500, 'Server error');
    await assert.rejects(e.refresh(AbortSignal.timeout(5000)), { message: '[500] Server error' });
    assert.match(reg.expose(), /prometheus_sd_linode_failures_total 0/, 'an events failure is not a linode failure');
  });
});

test('linode SD: API errors read as linodego words them and count as linode failures', async () => {
  await withFake(async (f) => {
    const reg = new Registry();
    f.fail(429, 'Too many requests');
    await assert.rejects(discoverer(f, {}, reg).refresh(AbortSignal.timeout(5000)), { message: '[429] Too many requests' });
    assert.match(reg.expose(), /prometheus_sd_linode_failures_total 1/);
    await f.down();
    await assert.rejects(discoverer(f, {}, reg).refresh(AbortSignal.timeout(5000)), { message: /^\[002\] Get "http:\/\/127\.0\.0\.1:\d+\/v4\/linode\/instances\?page=1&page_size=500": dial tcp .*connection refused$/ });
  });
});

test('linode SD: pages past the first are read; tags, extra IPs and IPv6 ranges use the separator', async () => {
  await withFake(async (f) => {
    const base = f.instances[0]!;
    f.instances = [];
    f.ips = [];
    for (let i = 0; i < 600; i++) {
      f.instances.push({ ...base, id: i, label: `l${i}`, ipv4: [`10.0.${i >> 8}.${i & 255}`], ipv6: '' });
      f.ips.push({ address: `10.0.${i >> 8}.${i & 255}`, public: true, rdns: 'null', region: base['region'] });
    }
    const groups = await discoverer(f, { tag_separator: '|' }).refresh(AbortSignal.timeout(5000));
    assert.equal(groups[0]!.targets.length, 600);
    assert.deepEqual(f.requests.filter((r) => r.path === '/v4/linode/instances').map((r) => r.query.get('page')), ['1', '2']);
    assert.equal(groups[0]!.targets[599]!['__meta_linode_public_ipv4_rdns'], '', '"null" rDNS reads as empty');
    assert.match(groups[0]!.targets[0]!['__meta_linode_tags'] ?? '', /^\|.*\|$/);
  });
});

test('linode SD: refreshes run on the interval; a failing API keeps the last targets and counts failures', async () => {
  await withFake(async (f) => {
    const reg = new Registry();
    const d = discoverer(f, { refresh_interval: 30 as Millis }, reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (g) => { sent.push(g); });
    try {
      await waitFor(() => sent.length >= 3, 5000, 'refreshes');
      f.fail(503, 'Service unavailable');
      const n = sent.length;
      await waitFor(() => /prometheus_sd_refresh_failures_total\{config="linode",mechanism="linode"\} [2-9]/.test(reg.expose()), 5000, 'failures counted');
      assert.equal(sent.length, n);
    } finally {
      ac.abort();
      await done;
    }
  });
});
