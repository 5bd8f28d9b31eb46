import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HetznerSDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { repoRoot } from '../../testing/peers.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { HetznerDiscoverer } from './hetzner.js';
import { goCIDRString, goIPString } from './ip.js';
import { FakeHetzner, type APIObject } from './testing-fake-hetzner.js';

function testdata<T>(name: string): T[] {
  return JSON.parse(readFileSync(join(repoRoot(), 'src', 'discovery', 'hetzner', 'testdata', name), 'utf8')) as T[];
}

/** Prometheus's mock credentials. */
const TOKEN = 'LRK9DAWQ1ZAEFSrCNEEzLCUwhYX1U3g7wMg4dTlkkDC96fyDuyJ39nVbVjCKSDfj';
const USER = 'my-hetzner', PASSWORD = 'my-password';

function hcloud(f: FakeHetzner, o: Partial<HetznerSDConfig> = {}, reg = new Registry(), token = TOKEN): HetznerDiscoverer {
  const cfg: HetznerSDConfig = { http_client: defaultHTTPClientConfig({ bearer_token: token as Secret }), refresh_interval: 60_000 as Millis, port: 80, role: 'hcloud', label_selector: '', ...o };
  return new HetznerDiscoverer(cfg, { refreshMetrics: RefreshMetrics.for(reg), setName: 'hetzner', hcloudEndpoint: f.hcloudEndpoint, robotEndpoint: f.robotEndpoint, userAgent: 'Watchfire/test' });
}

function robot(f: FakeHetzner, password = PASSWORD, o: Partial<HetznerSDConfig> = {}): HetznerDiscoverer {
  const cfg: HetznerSDConfig = {
    http_client: defaultHTTPClientConfig({ basic_auth: { username: USER, username_file: '', username_ref: '', password: password as Secret, password_file: '', password_ref: '' } }),
    refresh_interval: 60_000 as Millis, port: 80, role: 'robot', label_selector: '', ...o,
  };
  return new HetznerDiscoverer(cfg, { refreshMetrics: RefreshMetrics.for(new Registry()), setName: 'hetzner', hcloudEndpoint: f.hcloudEndpoint, robotEndpoint: f.robotEndpoint, userAgent: 'Watchfire/test' });
}

async function withFake<T>(fn: (f: FakeHetzner) => Promise<T>): Promise<T> {
  const f = new FakeHetzner({ token: TOKEN, robotUser: USER, robotPassword: PASSWORD });
  await f.up();
  f.servers = testdata<APIObject>('hcloud-servers.json');
  f.networks = testdata<APIObject>('hcloud-networks.json');
  f.robot = testdata<APIObject>('robot-servers.json');
  try {
    return await fn(f);
  } finally {
    await f.down();
  }
}

test("hetzner SD: Prometheus's TestHCloudSDRefresh case", async () => {
  await withFake(async (f) => {
    const groups = await hcloud(f).refresh(AbortSignal.timeout(5000));
    assert.deepEqual(groups.map((g) => g.source), ['hetzner']);
    assert.deepEqual(groups[0]!.targets, testdata('expected-hcloud.json'));
    assert.deepEqual(f.requests.map((r) => `${r.path}?${r.query.toString()}`), ['/v1/servers?page=1&per_page=50', '/v1/networks?page=1&per_page=50']);
    assert.equal(f.requests[0]!.headers['user-agent'], 'Watchfire/test hcloud-go');
  });
});

test("hetzner SD: Prometheus's TestRobotSDRefresh and TestRobotSDRefreshHandleError cases", async () => {
  await withFake(async (f) => {
    const groups = await robot(f).refresh(AbortSignal.timeout(5000));
    assert.deepEqual(groups[0]!.targets, testdata('expected-robot.json'));
    await assert.rejects(robot(f, 'wrong').refresh(AbortSignal.timeout(5000)), { message: "non 2xx status '401' response during hetzner service discovery with role robot" });
  });
});

test('hetzner SD: hcloud follows pages, passes the label selector, and labels a server without public IPs as Prometheus does', async () => {
  await withFake(async (f) => {
    const base = f.servers[0]!;
    f.servers = [];
    for (let i = 0; i < 120; i++) {
      f.servers.push({ ...base, id: 1000 + i, name: `s${i}`, labels: i % 3 === 0 ? { tier: 'web' } : {}, public_net: { ipv4: null, ipv6: null, floating_ips: [] }, image: null, private_net: [] });
    }
    const all = await hcloud(f).refresh(AbortSignal.timeout(5000));
    assert.equal(all[0]!.targets.length, 120);
    assert.deepEqual(f.requests.filter((r) => r.path === '/v1/servers').map((r) => r.query.get('page')), ['1', '2', '3']);
    const t0 = all[0]!.targets[0]!;
    assert.equal(t0['__address__'], '<nil>:80');
    assert.equal(t0['__meta_hetzner_public_ipv6_network'], '<nil>');
    assert.equal(t0['__meta_hetzner_hcloud_image_name'], undefined);
    const web = await hcloud(f, { label_selector: 'tier=web' }).refresh(AbortSignal.timeout(5000));
    assert.equal(web[0]!.targets.length, 40);
    assert.equal(f.requests.at(-2)!.query.toString(), 'label_selector=tier%3Dweb&page=1&per_page=50');
  });
});

test('hetzner SD: hcloud errors read as hcloud-go words them', async () => {
  await withFake(async (f) => {
    await assert.rejects(hcloud(f, {}, new Registry(), 'bad').refresh(AbortSignal.timeout(5000)), { message: 'unable to authenticate (unauthorized, c0ffee)' });
    await assert.rejects(hcloud(f, { label_selector: 'a in (b)' }).refresh(AbortSignal.timeout(5000)), { message: 'invalid label_selector (invalid_input, c0ffee)' });
  });
});

test('hetzner SD: refreshes pick up changes; a failing API keeps the last targets and counts the failure', async () => {
  await withFake(async (f) => {
    const reg = new Registry();
    const d = hcloud(f, { refresh_interval: 30 as Millis }, reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (g) => { sent.push(g); });
    try {
      await waitFor(() => sent.length >= 1 && sent[0]![0]!.targets.length === 3, 5000, 'the first refresh');
      f.servers = f.servers.slice(1);
      await waitFor(() => sent.at(-1)![0]!.targets.length === 2, 5000, 'a server removed');
      f.fail(503);
      const n = sent.length;
      await waitFor(() => /prometheus_sd_refresh_failures_total\{config="hetzner",mechanism="hetzner"\} [2-9]/.test(reg.expose()), 5000, 'failures counted');
      assert.equal(sent.length, n);
    } finally {
      ac.abort();
      await done;
    }
  });
});

test('hetzner SD: addresses print as Go prints parsed ones', () => {
  for (const [input, ip] of [['1.2.3.4', '1.2.3.4'], ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'], ['::ffff:1.2.3.4', '1.2.3.4'], ['', '<nil>'], ['x', '<nil>']] as const) {
    assert.equal(goIPString(input), ip, input);
  }
  for (const [input, net] of [['2001:db8::/64', '2001:db8::/64'], ['2001:db8::5/64', '2001:db8::/64'], ['10.1.2.3/8', '10.0.0.0/8'], ['10.1.2.3', '<nil>']] as const) {
    assert.equal(goCIDRString(input), net, input);
  }
});
