/**
 * Failing discovery through the manager and the registered factories: a Consul agent that
 * goes down and an HTTP SD endpoint that starts failing keep their last targets, a config
 * that cannot be used is counted, and the other sets (static, the recovering one) carry on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsulSDConfig, HTTPSDConfig } from '../../config/sd-types.js';
import type { ServiceDiscoveryConfigs } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { DiscoveryManager, loadDiscoveryMechanisms, type TargetSets } from '../manager.js';
import '../registry.js';
import { waitFor } from '../testing.js';
import { FakeConsul } from './testing-fake-consul.js';

function consul(server: string): ConsulSDConfig {
  return {
    server, path_prefix: '', token: '', datacenter: '', namespace: '', partition: '', tag_separator: ',', scheme: 'http',
    username: '', password: '', allow_stale: true, refresh_interval: 20 as Millis, services: [], tags: [], node_meta: {},
    filter: '', health_filter: '', http_client: defaultHTTPClientConfig(),
  };
}

function sets(parts: Record<string, Partial<ServiceDiscoveryConfigs>>): Map<string, ServiceDiscoveryConfigs> {
  return new Map(Object.entries(parts).map(([k, v]) => [k, { static_configs: [], file_sd_configs: [], other: {}, ...v }]));
}

function addrs(s: TargetSets | undefined, set: string): string {
  return (s?.get(set) ?? []).flatMap((g) => g.targets.map((t) => t['__address__'] ?? '')).sort().join(' ');
}

test('a failing discovery keeps its last targets and reports the error; the others carry on', async () => {
  const f = new FakeConsul();
  await f.up();
  f.setNode({ node: 'n1', address: '10.0.0.1' });
  f.register({ node: 'n1', service: 'web', port: 80 });
  let reply = { status: 200, body: '[{"targets":["h:1"]}]' };
  const http = createServer((_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(reply.status, { 'Content-Type': 'application/json' });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => { http.listen(0, '127.0.0.1', resolve); });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/sd`;
  const reg = new Registry();
  const m = new DiscoveryManager({ name: 'scrape', registry: reg, updateIntervalMs: 50, initialDelayMs: 50 });
  let last: TargetSets | undefined;
  m.onUpdate((s) => { last = s; });
  try {
    const cfgs = sets({
      consul: { other: { consul_sd_configs: [consul(f.address)] } },
      http: { other: { http_sd_configs: [{ url, refresh_interval: 30 as Millis, http_client: defaultHTTPClientConfig() } satisfies HTTPSDConfig] } },
      static: { static_configs: [{ targets: ['s:1'], labels: {} }] },
      broken: { other: { consul_sd_configs: [consul('ftp://nowhere')] }, static_configs: [{ targets: ['b:1'], labels: {} }] },
    });
    await loadDiscoveryMechanisms(cfgs);
    m.applyConfig(cfgs);
    await waitFor(() => addrs(last, 'consul') === '10.0.0.1:80' && addrs(last, 'http') === 'h:1' && addrs(last, 'static') === 's:1', 5000, 'all sets');
    assert.equal(addrs(last, 'broken'), 'b:1', 'the unusable consul config does not take the static targets of its set down');
    assert.match(reg.expose(), /prometheus_sd_failed_configs\{name="scrape"\} 1\n/);

    await f.down();
    reply = { status: 500, body: 'oops' };
    await waitFor(() => /prometheus_sd_consul_rpc_failures_total [1-9]/.test(reg.expose()) && /prometheus_sd_http_failures_total [3-9]/.test(reg.expose()), 5000, 'errors reported');
    assert.equal(addrs(last, 'consul'), '10.0.0.1:80');
    assert.equal(addrs(last, 'http'), 'h:1');

    reply = { status: 200, body: '[{"targets":["h:2"]}]' };
    await waitFor(() => addrs(last, 'http') === 'h:2', 5000, 'the http set recovers while consul is still down');
    assert.equal(addrs(last, 'consul'), '10.0.0.1:80');
    assert.equal(addrs(last, 'static'), 's:1');
  } finally {
    await m.stop();
    await f.down();
    http.closeAllConnections();
    await new Promise<void>((resolve) => { http.close(() => { resolve(); }); });
  }
});
