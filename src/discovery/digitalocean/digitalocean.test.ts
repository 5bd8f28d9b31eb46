import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DigitalOceanSDConfig } from '../../config/sd-types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { repoRoot } from '../../testing/peers.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { DigitalOceanDiscoverer } from './digitalocean.js';
import { FakeDigitalOcean, type APIObject } from './testing-fake-digitalocean.js';

function testdata<T>(name: string): T[] {
  return JSON.parse(readFileSync(join(repoRoot(), 'src', 'discovery', 'digitalocean', 'testdata', name), 'utf8')) as T[];
}

/** Prometheus's mock token. */
const TOKEN = '3c9a75a2-24fd-4508-b4f2-11f18aa97411';

function discoverer(f: FakeDigitalOcean, o: Partial<DigitalOceanSDConfig> = {}, reg = new Registry(), token = TOKEN): DigitalOceanDiscoverer {
  const cfg: DigitalOceanSDConfig = {
    http_client: defaultHTTPClientConfig({ authorization: { type: 'Bearer', credentials: token as never, credentials_file: '', credentials_ref: '' } }),
    refresh_interval: 60_000 as Millis, port: 80, role: 'droplets', ...o,
  };
  return new DigitalOceanDiscoverer(cfg, { refreshMetrics: RefreshMetrics.for(reg), setName: 'do', baseURL: f.baseURL, userAgent: 'Watchfire/test' });
}

async function withFake<T>(o: ConstructorParameters<typeof FakeDigitalOcean>[0], fn: (f: FakeDigitalOcean) => Promise<T>): Promise<T> {
  const f = new FakeDigitalOcean({ token: TOKEN, ...o });
  await f.up();
  try {
    return await fn(f);
  } finally {
    await f.down();
  }
}

test("digitalocean SD: Prometheus's TestDigitalOceanSDRefresh case (two pages of two droplets, bearer token)", async () => {
  await withFake({ perPage: 2 }, async (f) => {
    f.droplets = testdata<APIObject>('droplets.json');
    const groups = await discoverer(f).refresh(AbortSignal.timeout(5000));
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.source, 'DigitalOcean');
    assert.deepEqual(groups[0]!.targets, testdata('expected-droplets.json'));
    assert.deepEqual(f.requests.map((r) => r.query.toString()), ['', 'page=2']);
    assert.equal(f.requests[0]!.headers['user-agent'], 'Watchfire/test');
    assert.equal(f.requests[0]!.headers['accept'], 'application/json');
  });
});

test("digitalocean SD: Prometheus's TestDigitalOceanDBRefresh and pagination cases", async () => {
  await withFake({ perPage: 1 }, async (f) => {
    f.databases = testdata<APIObject>('databases.json');
    const groups = await discoverer(f, { role: 'databases', port: 9273 }).refresh(AbortSignal.timeout(5000));
    assert.equal(groups[0]!.source, 'DigitalOcean Databases');
    assert.deepEqual(groups[0]!.targets, testdata('expected-databases.json'));
    // 100 a page, asked for explicitly; the loop ends on an empty page.
    assert.deepEqual(f.requests.map((r) => r.query.toString()), ['page=1&per_page=100', 'page=2&per_page=100']);
  });
});

test('digitalocean SD: droplets without IPv4 networks are skipped; the port applies to the public IPv4', async () => {
  await withFake({}, async (f) => {
    f.droplets = [
      { id: 1, name: 'no-net', networks: { v4: [], v6: [] } },
      { id: 2, name: 'null-net', networks: null },
      { id: 3, name: 'private-only', networks: { v4: [{ ip_address: '10.0.0.3', type: 'private' }] }, tags: ['a', 'b'] },
    ];
    const groups = await discoverer(f, { port: 9100 }).refresh(AbortSignal.timeout(5000));
    assert.deepEqual(groups[0]!.targets.map((t) => [t['__address__'], t['__meta_digitalocean_private_ipv4'], t['__meta_digitalocean_tags']]), [[':9100', '10.0.0.3', ',a,b,']]);
  });
});

test('digitalocean SD: a refused token and API errors read as godo words them', async () => {
  await withFake({}, async (f) => {
    await assert.rejects(discoverer(f, {}, new Registry(), 'wrong').refresh(AbortSignal.timeout(5000)),
      { message: `error while listing droplets page 0: GET ${f.baseURL}v2/droplets: 401 (request "req-1") Unable to authenticate you` });
    f.fail(429, 'too_many_requests', 'API Rate limit exceeded.');
    await assert.rejects(discoverer(f, { role: 'databases' }).refresh(AbortSignal.timeout(5000)),
      { message: `error while listing database clusters page 1: GET ${f.baseURL}v2/databases?page=1&per_page=100: 429 (request "req-2") API Rate limit exceeded.` });
  });
});

test('digitalocean SD: refreshes pick up changes; a failing API keeps the last targets and counts the failure', async () => {
  await withFake({ perPage: 3 }, async (f) => {
    f.droplets = testdata<APIObject>('droplets.json');
    const reg = new Registry();
    const d = discoverer(f, { refresh_interval: 30 as Millis }, reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (g) => { sent.push(g); });
    try {
      await waitFor(() => sent.length >= 1 && sent[0]![0]!.targets.length === 4, 5000, 'the first refresh');
      f.droplets = f.droplets.slice(1);
      await waitFor(() => sent.at(-1)![0]!.targets.length === 3, 5000, 'a droplet removed');
      f.fail(500);
      const n = sent.length;
      await waitFor(() => /prometheus_sd_refresh_failures_total\{config="do",mechanism="digitalocean"\} [2-9]/.test(reg.expose()), 5000, 'failures counted');
      assert.equal(sent.length, n);
    } finally {
      ac.abort();
      await done;
    }
  });
});
