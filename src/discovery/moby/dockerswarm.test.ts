import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { DockerSwarmDiscoverer } from './dockerswarm.js';
import { FakeDocker } from './testing-fake-docker.js';
import { expected, load, swarmConfig } from './testing-fixtures.js';

function discoverer(host: string, role: 'services' | 'tasks' | 'nodes', o: Parameters<typeof swarmConfig>[2] = {}, reg = new Registry()): DockerSwarmDiscoverer {
  return new DockerSwarmDiscoverer(swarmConfig(host, role, o), { refreshMetrics: RefreshMetrics.for(reg), setName: 'swarm-test' });
}

async function withSwarm<T>(scenario: string, fn: (f: FakeDocker) => Promise<T>, o: { swarm?: boolean } = {}): Promise<T> {
  const f = new FakeDocker({ swarm: o.swarm ?? true, apiVersion: '1.40' });
  await f.up();
  try {
    load(f, scenario, scenario === 'swarmprom' ? ['networks', 'services', 'tasks', 'nodes'] : ['networks', 'services']);
    return await fn(f);
  } finally {
    await f.down();
  }
}

// Prometheus's TestDockerSwarmNodesSDRefresh, TestDockerSwarmSDServicesRefresh(WithFilters,
// NoContainerSpec) and TestDockerSwarmTasksSDRefresh: the same API answers give the same
// label sets, in the same order.
const CASES = [
  { name: 'swarm-nodes', scenario: 'swarmprom', role: 'nodes', filters: [], calls: ['/nodes'] },
  { name: 'swarm-services', scenario: 'swarmprom', role: 'services', filters: [], calls: ['/services', '/networks'] },
  { name: 'swarm-services-filtered', scenario: 'swarmprom', role: 'services', filters: [{ name: 'name', values: ['mon_node-exporter', 'mon_grafana'] }], calls: ['/services', '/networks'] },
  { name: 'swarm-services-plugin', scenario: 'swarmprom-plugin', role: 'services', filters: [], calls: ['/services', '/networks'] },
  { name: 'swarm-tasks', scenario: 'swarmprom', role: 'tasks', filters: [], calls: ['/tasks', '/services', '/nodes', '/networks'] },
] as const;

for (const c of CASES) {
  test(`dockerswarm SD: Prometheus's ${c.name} case`, async () => {
    await withSwarm(c.scenario, async (f) => {
      const groups = await discoverer(f.httpHost, c.role, { filters: c.filters.map((x) => ({ name: x.name, values: [...x.values] })) }).refresh(AbortSignal.timeout(5000));
      assert.equal(groups.length, 1);
      assert.equal(groups[0]!.source, 'DockerSwarm');
      assert.deepEqual(groups[0]!.targets, expected(c.name));
      assert.deepEqual(f.requests.map((r) => r.path), c.calls);
    });
  });
}

test('dockerswarm SD: filters apply to the role\'s own list only', async () => {
  await withSwarm('swarmprom', async (f) => {
    const node = 'ldawcom10uqi6owysgi28n4ve';
    const groups = await discoverer(f.tcpHost, 'tasks', { filters: [{ name: 'node', values: [node] }] }).refresh(AbortSignal.timeout(5000));
    const want = expected('swarm-tasks').filter((t) => t['__meta_dockerswarm_node_id'] === node);
    assert.ok(want.length > 0);
    assert.deepEqual(groups[0]!.targets, want);
    assert.equal(f.requests[0]!.query.get('filters'), `{"node":{"${node}":true}}`);
    assert.deepEqual(f.requests.slice(1).map((r) => r.query.get('filters')), [null, null, null]);
  });
});

test('dockerswarm SD: a daemon that is not a swarm manager fails each role with Docker\'s message', async () => {
  await withSwarm('swarmprom', async (f) => {
    const msg = 'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
    await assert.rejects(discoverer(f.tcpHost, 'services').refresh(AbortSignal.timeout(5000)), { message: `error while listing swarm services: ${msg}` });
    await assert.rejects(discoverer(f.tcpHost, 'tasks').refresh(AbortSignal.timeout(5000)), { message: `error while listing swarm services: ${msg}` });
    await assert.rejects(discoverer(f.tcpHost, 'nodes').refresh(AbortSignal.timeout(5000)), { message: `error while listing swarm nodes: ${msg}` });
  }, { swarm: false });
});

test('dockerswarm SD: a malformed virtual IP fails the refresh as in Prometheus', async () => {
  await withSwarm('swarmprom', async (f) => {
    f.services = [{ ID: 's1', Spec: { Name: 'x' }, Endpoint: { VirtualIPs: [{ NetworkID: 'n', Addr: '10.0.0.300/24' }] } }];
    await assert.rejects(discoverer(f.tcpHost, 'services').refresh(AbortSignal.timeout(5000)),
      { message: 'error while parsing address 10.0.0.300/24: invalid CIDR address: 10.0.0.300/24' });
  });
});

test('dockerswarm SD: a task publishing a host port is addressed on its node; an unknown node leaves the host empty', async () => {
  await withSwarm('swarmprom', async (f) => {
    f.tasks = [
      { ID: 't1', ServiceID: 'none', NodeID: 'ldawcom10uqi6owysgi28n4ve', Slot: 3, DesiredState: 'running', Status: { State: 'running', PortStatus: { Ports: [{ Protocol: 'tcp', PublishedPort: 9100, PublishMode: 'host' }, { Protocol: 'udp', PublishedPort: 53 }] } } },
      { ID: 't2', NodeID: 'gone', Status: { State: 'pending', PortStatus: { Ports: [{ Protocol: 'tcp', PublishedPort: 9101, PublishMode: 'host' }] } } },
    ];
    const groups = await discoverer(f.tcpHost, 'tasks').refresh(AbortSignal.timeout(5000));
    const ts = groups[0]!.targets;
    assert.equal(ts.length, 2);
    assert.equal(ts[0]!['__address__'], `${ts[0]!['__meta_dockerswarm_node_address']}:9100`);
    assert.equal(ts[0]!['__meta_dockerswarm_task_port_publish_mode'], 'host');
    assert.equal(ts[0]!['__meta_dockerswarm_task_slot'], '3');
    assert.equal(ts[1]!['__address__'], ':9101');
    assert.equal(ts[1]!['__meta_dockerswarm_task_slot'], '0');
  });
});

test('dockerswarm SD: refreshes pick up changes; a failing manager keeps the last targets and counts the failure', async () => {
  await withSwarm('swarmprom', async (f) => {
    const reg = new Registry();
    const d = discoverer(f.tcpHost, 'nodes', { refresh_interval: 30 as Millis }, reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (g) => { sent.push(g); });
    try {
      await waitFor(() => sent.length >= 1, 5000, 'the first refresh');
      assert.equal(sent[0]![0]!.targets.length, 5);
      f.nodes = f.nodes.slice(1);
      await waitFor(() => sent.at(-1)![0]!.targets.length === 4, 5000, 'a node removed');
      f.fail(500, 'rpc error: code = Unknown desc = The swarm does not have a leader.');
      const n = sent.length;
      await waitFor(() => /prometheus_sd_refresh_failures_total\{config="swarm-test",mechanism="dockerswarm"\} [2-9]/.test(reg.expose()), 5000, 'failures counted');
      assert.equal(sent.length, n);
    } finally {
      ac.abort();
      await done;
    }
  });
});
