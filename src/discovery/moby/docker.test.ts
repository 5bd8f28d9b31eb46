import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { Secret } from '../../config/types.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { DockerDiscoverer } from './docker.js';
import { FakeDocker } from './testing-fake-docker.js';
import { byAddress, dockerConfig, expected, load } from './testing-fixtures.js';

function discoverer(host: string, o: Parameters<typeof dockerConfig>[1] = {}, reg = new Registry()): DockerDiscoverer {
  return new DockerDiscoverer(dockerConfig(host, o), { refreshMetrics: RefreshMetrics.for(reg), setName: 'docker-test', userAgent: 'Watchfire/test' });
}

async function withFake<T>(o: ConstructorParameters<typeof FakeDocker>[0], fn: (f: FakeDocker) => Promise<T>): Promise<T> {
  const f = new FakeDocker(o);
  await f.up();
  try {
    return await fn(f);
  } finally {
    await f.down();
  }
}

// Prometheus's TestDockerSDRefresh, TestDockerSDRefreshMatchAllNetworks and
// TestDockerSDRefreshIPv6Only: the same API answers give the same label sets.
const CASES = [
  { name: 'docker-refresh', scenario: 'dockerprom', config: {} },
  { name: 'docker-match-all-networks', scenario: 'dockerprom', config: { match_first_network: false } },
  { name: 'docker-ipv6-only', scenario: 'dockeripv6', config: {} },
];

for (const c of CASES) {
  test(`docker SD: Prometheus's ${c.name} case`, async () => {
    await withFake({ apiVersion: '1.40' }, async (f) => {
      load(f, c.scenario, ['containers', 'networks']);
      const d = discoverer(f.httpHost, c.config);
      const groups = await d.refresh(AbortSignal.timeout(5000));
      assert.equal(groups.length, 1);
      assert.equal(groups[0]!.source, 'Docker');
      assert.deepEqual(groups[0]!.labels, {});
      assert.deepEqual(byAddress(groups[0]!.targets), byAddress(expected(c.name)));
      // Negotiated down to the daemon's version: one ping, then versioned paths.
      assert.deepEqual(f.requests.map((r) => r.path), ['/containers/json', '/networks']);
    });
  });
}

test('docker SD: a unix socket host gives the same targets as tcp and http hosts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-docker-'));
  try {
    await withFake({ socketPath: join(dir, 'docker.sock') }, async (f) => {
      load(f, 'dockerprom', ['containers', 'networks']);
      const want = byAddress(expected('docker-refresh'));
      for (const host of [f.unixHost, f.tcpHost, f.httpHost]) {
        const groups = await discoverer(host).refresh(AbortSignal.timeout(5000));
        assert.deepEqual(byAddress(groups[0]!.targets), want, host);
      }
      assert.deepEqual(f.requests.map((r) => r.socket), ['unix', 'unix', 'tcp', 'tcp', 'tcp', 'tcp']);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docker SD: filters are sent as Docker encodes them and applied by the daemon', async () => {
  await withFake({}, async (f) => {
    load(f, 'dockerprom', ['containers', 'networks']);
    const d = discoverer(f.tcpHost, { filters: [{ name: 'label', values: ['com.docker.compose.service=mysql'] }, { name: 'label', values: ['com.docker.compose.project'] }] });
    const groups = await d.refresh(AbortSignal.timeout(5000));
    assert.equal(f.requests[0]!.query.get('filters'), '{"label":{"com.docker.compose.project":true,"com.docker.compose.service=mysql":true}}');
    assert.deepEqual([...new Set(groups[0]!.targets.map((t) => t['__meta_docker_container_name']))].sort(), ['/dockersd_multi_networks', '/dockersd_mysql']);
    const bad = discoverer(f.tcpHost, { filters: [{ name: 'colour', values: ['red'] }] });
    await assert.rejects(bad.refresh(AbortSignal.timeout(5000)), { message: "error while listing containers: Error response from daemon: invalid filter 'colour'" });
  });
});

test('docker SD: a container in container network mode whose peer is filtered out has no target', async () => {
  await withFake({}, async (f) => {
    load(f, 'dockerprom', ['containers', 'networks']);
    const groups = await discoverer(f.tcpHost, { filters: [{ name: 'name', values: ['dockersd_mysql_exporter'] }] }).refresh(AbortSignal.timeout(5000));
    assert.deepEqual(groups[0]!.targets, []);
  });
});

test('docker SD: port, host networking host and published ports', async () => {
  await withFake({}, async (f) => {
    f.networks = [{ Id: 'n1', Name: 'bridge', Scope: 'local', Internal: true, Ingress: false, Labels: { 'a.b': 'c' } }];
    f.containers = [
      { Id: 'c1', Names: ['/web', '/alias'], Image: '', Ports: [{ IP: '0.0.0.0', PrivatePort: 8080, PublicPort: 32768, Type: 'tcp' }, { PrivatePort: 53, Type: 'udp' }], HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Networks: { bridge: { NetworkID: 'n1', IPAddress: '172.17.0.2' } } } },
      { Id: 'c2', Names: ['/udp-only'], Ports: [{ PrivatePort: 53, Type: 'udp' }], HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Networks: { bridge: { NetworkID: 'n1', IPAddress: '172.17.0.3' } } } },
      { Id: 'c3', Names: ['/host'], HostConfig: { NetworkMode: 'host' }, NetworkSettings: { Networks: { host: { NetworkID: 'unknown' } } } },
      { Id: 'c4', Names: [], HostConfig: { NetworkMode: 'bridge' } },
      { Id: 'c5', Names: ['/stopped'], State: 'exited', HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Networks: { bridge: { NetworkID: 'n1', IPAddress: '172.17.0.9' } } } },
    ];
    const groups = await discoverer(f.tcpHost, { port: 9999, host_networking_host: 'docker-host' }).refresh(AbortSignal.timeout(5000));
    const net = { __meta_docker_network_id: 'n1', __meta_docker_network_name: 'bridge', __meta_docker_network_scope: 'local', __meta_docker_network_internal: 'true', __meta_docker_network_ingress: 'false', __meta_docker_network_label_a_b: 'c' };
    assert.deepEqual(groups[0]!.targets, [
      { __address__: '172.17.0.2:8080', __meta_docker_container_id: 'c1', __meta_docker_container_name: '/web', __meta_docker_container_network_mode: 'bridge', __meta_docker_network_ip: '172.17.0.2', __meta_docker_port_private: '8080', __meta_docker_port_public: '32768', __meta_docker_port_public_ip: '0.0.0.0', ...net },
      { __address__: '172.17.0.3:9999', __meta_docker_container_id: 'c2', __meta_docker_container_name: '/udp-only', __meta_docker_container_network_mode: 'bridge', __meta_docker_network_ip: '172.17.0.3', ...net },
      { __address__: 'docker-host', __meta_docker_container_id: 'c3', __meta_docker_container_name: '/host', __meta_docker_container_network_mode: 'host', __meta_docker_network_ip: '' },
    ]);
  });
});

test('docker SD: http hosts use the config\'s credentials; tcp and unix hosts do not', async () => {
  await withFake({ authorization: 'Basic ' + Buffer.from('u:p').toString('base64') }, async (f) => {
    load(f, 'dockerprom', ['containers', 'networks']);
    const http = defaultHTTPClientConfig({ basic_auth: { username: 'u', username_file: '', username_ref: '', password: 'p' as Secret, password_file: '', password_ref: '' } });
    const groups = await discoverer(f.httpHost, { http_client: http }).refresh(AbortSignal.timeout(5000));
    assert.equal(groups[0]!.targets.length, 8);
    assert.equal(f.requests[0]!.headers['user-agent'], 'Watchfire/test');
    await assert.rejects(discoverer(f.tcpHost, { http_client: http }).refresh(AbortSignal.timeout(5000)), { message: 'error while listing containers: Error response from daemon: unauthorized' });
  });
});

test('docker SD: hosts that cannot be used fail when the discoverer is made', () => {
  assert.throws(() => discoverer('ssh://me@docker-host'), { message: 'error setting up docker client: protocol not available: ssh' });
  assert.throws(() => discoverer('tcp://'), /error setting up docker client: unable to parse docker host/);
});

test('docker SD: an unreachable daemon is reported as Docker\'s client reports it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-docker-'));
  try {
    const sock = join(dir, 'missing.sock');
    await assert.rejects(discoverer(`unix://${sock}`).refresh(AbortSignal.timeout(5000)),
      { message: `error while listing containers: Cannot connect to the Docker daemon at unix://${sock}. Is the docker daemon running?` });
    const f = new FakeDocker();
    await f.up();
    await f.down();
    await assert.rejects(discoverer(f.httpHost).refresh(AbortSignal.timeout(5000)),
      { message: `error while listing containers: Cannot connect to the Docker daemon at ${f.httpHost}. Is the docker daemon running?` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A daemon that accepts connections and never answers (Prometheus's TestRefreshTimesOutOnUnresponsiveDaemon). */
async function unresponsive(path: string | null): Promise<{ host: string; close: () => Promise<void> }> {
  const socks = new Set<Socket>();
  const s: Server = createServer((c) => { socks.add(c); });
  await new Promise<void>((resolve) => { if (path !== null) s.listen(path, resolve); else s.listen(0, '127.0.0.1', resolve); });
  const a = s.address();
  const host = path !== null ? `unix://${path}` : `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
  return { host, close: () => { for (const c of socks) c.destroy(); return new Promise((r) => { s.close(() => { r(); }); }); } };
}

test('docker SD: a daemon that never answers times the refresh out after the refresh interval', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-docker-'));
  try {
    for (const path of [join(dir, 'd.sock'), null]) {
      const u = await unresponsive(path);
      try {
        await assert.rejects(discoverer(u.host, { refresh_interval: 100 as Millis }).refresh(new AbortController().signal), /context deadline exceeded/);
      } finally {
        await u.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docker SD: refreshes pick up changes; a failing daemon keeps the last targets and counts the failure', async () => {
  await withFake({}, async (f) => {
    load(f, 'dockerprom', ['containers', 'networks']);
    const reg = new Registry();
    const d = discoverer(f.tcpHost, { refresh_interval: 30 as Millis }, reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (g) => { sent.push(g); });
    try {
      await waitFor(() => sent.length >= 1, 5000, 'the first refresh');
      assert.equal(sent[0]![0]!.targets.length, 8);
      f.containers = f.containers.filter((c) => c['Id'] !== 'f84b2a0cfaa58d9e70b0657e2b3c6f44f0e973de4163a871299b4acf127b224f');
      await waitFor(() => sent.at(-1)![0]!.targets.length === 6, 5000, 'a container removed');
      f.fail(500, 'boom');
      const n = sent.length;
      await waitFor(() => /prometheus_sd_refresh_failures_total\{config="docker-test",mechanism="docker"\} [2-9]/.test(reg.expose()), 5000, 'failures counted');
      assert.equal(sent.length, n, 'nothing sent while failing: the manager keeps the last targets');
      f.fail(null);
      await waitFor(() => sent.length > n, 5000, 'recovery');
      assert.equal(sent.at(-1)![0]!.targets.length, 6);
    } finally {
      ac.abort();
      await done;
    }
  });
});
