import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsulSDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { waitFor } from '../testing.js';
import { ConsulDiscoverer } from './consul.js';
import { ConsulSDMetrics } from './metrics.js';
import { FakeConsul } from './testing-fake-consul.js';

function config(server: string, o: Partial<ConsulSDConfig> = {}): ConsulSDConfig {
  return {
    server, path_prefix: '', token: '', datacenter: '', namespace: '', partition: '', tag_separator: ',', scheme: 'http',
    username: '', password: '', allow_stale: true, refresh_interval: 20 as Millis, services: [], tags: [], node_meta: {},
    filter: '', health_filter: '', http_client: defaultHTTPClientConfig(), ...o,
  };
}

/** Runs a discoverer against a fake, folding its sends into a source → group view. */
class Harness {
  readonly view = new Map<string, TargetGroup>();
  readonly reg = new Registry();
  readonly metrics = ConsulSDMetrics.for(this.reg);
  sends = 0;
  readonly #ac = new AbortController();
  #done: Promise<void> = Promise.resolve();

  start(cfg: ConsulSDConfig, o: { watchTimeoutMs?: number; env?: Record<string, string> } = {}): void {
    const d = new ConsulDiscoverer(cfg, { metrics: this.metrics, retryIntervalMs: 50, watchTimeoutMs: o.watchTimeoutMs ?? 2000, env: o.env ?? {} });
    this.#done = d.run(this.#ac.signal, (gs) => { this.sends++; for (const g of gs) this.view.set(g.source, g); });
  }

  /** Every target address with its service, sorted. */
  addrs(): string {
    const out: string[] = [];
    for (const g of this.view.values()) for (const t of g.targets) out.push(`${g.labels['__meta_consul_service'] ?? '?'}/${t['__address__'] ?? ''}`);
    return out.sort().join(' ');
  }

  async stop(): Promise<void> {
    this.#ac.abort();
    await this.#done;
  }
}

async function withFake(body: (f: FakeConsul, h: Harness) => Promise<void>, o: { token?: string; datacenter?: string } = {}): Promise<void> {
  const f = new FakeConsul(o);
  await f.up();
  const h = new Harness();
  try {
    f.setNode({ node: 'n1', address: '10.0.0.1', meta: { rack: 'r1' }, taggedAddresses: { lan: '10.0.0.1' } });
    f.setNode({ node: 'n2', address: '10.0.0.2', meta: { rack: 'r2' } });
    f.register({ node: 'n1', service: 'web', id: 'web-1', tags: ['prod', 'v1'], port: 80, meta: { version: '1' } });
    f.register({ node: 'n2', service: 'web', id: 'web-2', tags: ['canary'], address: '192.0.2.2', port: 81 });
    f.register({ node: 'n2', service: 'db', port: 5432, checks: [{ checkID: 'serfHealth', status: 'passing' }, { checkID: 'service:db', status: 'critical' }] });
    await body(f, h);
  } finally {
    await h.stop();
    await f.down();
  }
}

test('consul SD: all services from the catalog, labels as Prometheus names them, requests as its client makes them', async () => {
  await withFake(async (f, h) => {
    h.start(config(f.address, { node_meta: { rack: 'r1' } }));
    await waitFor(() => h.addrs() === 'web/10.0.0.1:80', 3000, 'node-meta filtered targets');
    assert.deepEqual(h.view.get('web'), {
      source: 'web', labels: { __meta_consul_service: 'web', __meta_consul_dc: 'dc1' },
      targets: [{
        __address__: '10.0.0.1:80', __meta_consul_address: '10.0.0.1', __meta_consul_node: 'n1', __meta_consul_namespace: '', __meta_consul_partition: '',
        __meta_consul_tags: ',prod,v1,', __meta_consul_service_address: '', __meta_consul_service_port: '80', __meta_consul_service_id: 'web-1',
        __meta_consul_health: 'passing', __meta_consul_metadata_rack: 'r1', __meta_consul_service_metadata_version: '1', __meta_consul_tagged_address_lan: '10.0.0.1',
      }],
    });
    const self = f.requests.find((r) => r.path === '/v1/agent/self');
    assert.ok(self !== undefined, 'the datacenter was asked of the agent');
    const cats = f.requests.filter((r) => r.path === '/v1/catalog/services');
    assert.equal(cats[0]?.query.toString(), 'node-meta=rack%3Ar1&stale=&wait=2000ms', 'first catalog query: no index');
    await waitFor(() => f.requests.some((r) => r.path === '/v1/health/service/web' && r.query.has('index')), 3000, 'a blocking health query');
    const hq = f.requests.find((r) => r.path === '/v1/health/service/web' && r.query.has('index'))!;
    assert.deepEqual([...hq.query.keys()], ['index', 'node-meta', 'stale', 'wait']);
  });
});

test('consul SD: fixed services are watched directly; tags must all match; dc, ns, partition, token, filters are sent', async () => {
  await withFake(async (f, h) => {
    h.start(config(f.address, {
      services: ['web', 'db'], datacenter: 'dc1', namespace: 'default', partition: 'default', token: 's3cret' as Secret, health_filter: 'Service.Port != "81"',
    }));
    await waitFor(() => h.addrs() === 'db/10.0.0.2:5432 web/10.0.0.1:80', 3000, 'fixed services');
    assert.equal(h.view.get('db')?.targets[0]?.['__meta_consul_health'], 'critical');
    assert.equal(f.requests.filter((r) => r.path !== '/v1/health/service/web' && r.path !== '/v1/health/service/db').length, 0, 'neither catalog nor agent asked');
    const q = f.requests[0]!;
    assert.equal(q.headers['x-consul-token'], 's3cret');
    assert.deepEqual([q.query.get('dc'), q.query.get('ns'), q.query.get('partition'), q.query.get('filter')], ['dc1', 'default', 'default', 'Service.Port != "81"']);
  }, { token: 's3cret' });
  await withFake(async (f, h) => {
    h.start(config(f.address, { services: ['web', 'db'], tags: ['prod', 'v1'] }));
    await waitFor(() => h.addrs() === 'web/10.0.0.1:80', 3000, 'tagged instances of the wanted services');
    assert.equal(h.view.has('db'), false, 'db lacks the tags: not watched');
    assert.deepEqual(f.requests.find((r) => r.path === '/v1/health/service/web')?.query.getAll('tag'), ['prod', 'v1']);
  });
});

test('consul SD: catalog changes start and stop watches; nothing watched sends an empty group', async () => {
  await withFake(async (f, h) => {
    h.start(config(f.address, { filter: 'ServiceName != "db"', tag_separator: '|' }));
    await waitFor(() => h.addrs() === 'web/10.0.0.1:80 web/192.0.2.2:81', 3000, 'filtered catalog');
    assert.equal(h.view.get('web')?.targets[1]?.['__meta_consul_tags'], '|canary|');
    f.register({ node: 'n1', service: 'api', port: 9000 });
    await waitFor(() => h.addrs().includes('api/10.0.0.1:9000'), 3000, 'new service');
    f.change(() => { f.deregister('n1', 'web-1'); f.deregister('n2', 'web-2'); f.deregister('n1', 'api'); });
    await waitFor(() => h.addrs() === '' && h.view.has(''), 3000, 'services gone, empty group sent');
    assert.deepEqual(h.view.get('web')?.targets, []);
    assert.deepEqual(h.view.get(''), { source: '', labels: {}, targets: [] });
  });
});

test('consul SD: churn of hundreds of services and nodes converges on the catalog', { timeout: 25_000 }, async () => {
  await withFake(async (f, h) => {
    h.start(config(f.address));
    await waitFor(() => h.addrs().split(' ').length === 3, 3000, 'initial');
    const want = (): string[] => {
      const out: string[] = [];
      for (const k of f.instanceKeys()) {
        const [node, id] = k.split('/') as [string, string];
        const n = Number(node.slice(4)), s = Number(id.slice(3));
        if (node.startsWith('node')) out.push(`svc${s % 50}/10.1.${n >> 8}.${n & 255}:${1000 + s}`);
      }
      return out;
    };
    // 200 nodes × one instance each of 50 services, added and removed in waves.
    for (let wave = 0; wave < 4; wave++) {
      f.change(() => {
        for (let n = 0; n < 200; n++) {
          f.setNode({ node: `node${n}`, address: `10.1.${n >> 8}.${n & 255}` });
          const s = (n + wave * 7) % 300;
          f.register({ node: `node${n}`, service: `svc${s % 50}`, id: `svc${s}`, port: 1000 + s });
          if (wave > 0) {
            const old = (n + (wave - 1) * 7) % 300;
            if (old !== s) f.deregister(`node${n}`, `svc${old}`);
          }
        }
      });
      const expected = [...want(), 'db/10.0.0.2:5432', 'web/10.0.0.1:80', 'web/192.0.2.2:81'].sort().join(' ');
      await waitFor(() => h.addrs() === expected, 8000, `wave ${wave}`);
    }
    f.change(() => { for (let n = 0; n < 200; n++) for (const k of f.instanceKeys()) if (k.startsWith(`node${n}/`)) f.deregister(`node${n}`, k.split('/')[1]!); });
    await waitFor(() => h.addrs() === 'db/10.0.0.2:5432 web/10.0.0.1:80 web/192.0.2.2:81', 8000, 'all churned services removed');
    assert.equal(h.metrics.rpcFailures.value, 0);
  });
});

test('consul SD: blocking queries that time out send nothing new', async () => {
  await withFake(async (f, h) => {
    h.start(config(f.address, { services: ['web'] }), { watchTimeoutMs: 100 });
    await waitFor(() => h.addrs() !== '', 3000, 'first answer');
    const sends = h.sends;
    await waitFor(() => f.requests.filter((r) => r.query.has('index')).length >= 3, 3000, 'expired blocking queries');
    assert.equal(h.sends, sends, 'the same index: no send');
    assert.ok(h.metrics.serviceRPCDuration.count >= 3);
    f.register({ node: 'n1', service: 'web', id: 'web-3', port: 82 });
    await waitFor(() => h.addrs().includes('web/10.0.0.1:82'), 3000, 'change after timeouts');
  });
});

test('consul SD: the agent going down keeps the last targets and counts errors; recovery resumes', async () => {
  await withFake(async (f, h) => {
    h.start(config(f.address));
    await waitFor(() => h.addrs().split(' ').length === 3, 3000, 'initial');
    await f.down();
    await waitFor(() => h.metrics.rpcFailures.value >= 3, 5000, 'failures counted');
    assert.equal(h.addrs(), 'db/10.0.0.2:5432 web/10.0.0.1:80 web/192.0.2.2:81', 'last targets kept');
    f.register({ node: 'n1', service: 'late', port: 7000 });
    await f.up();
    await waitFor(() => h.addrs().includes('late/10.0.0.1:7000'), 5000, 'recovered');
  });
});

test('consul SD: a datacenter the agent cannot tell is retried until it can', async () => {
  const f = new FakeConsul({ datacenter: 'eu-1' });
  await f.up();
  const port = f.port;
  await f.down();
  const h = new Harness();
  try {
    h.start(config(`http://127.0.0.1:${port}`));
    await waitFor(() => h.metrics.rpcFailures.value >= 2, 3000, 'agent self failures');
    f.setNode({ node: 'n1', address: '10.0.0.9' });
    f.register({ node: 'n1', service: 'x', port: 1 });
    await f.up();
    await waitFor(() => h.view.get('x')?.labels['__meta_consul_dc'] === 'eu-1', 3000, 'dc learnt');
  } finally {
    await h.stop();
    await f.down();
  }
});

test('consul SD: stops promptly while queries block', async () => {
  await withFake(async (f, h) => {
    h.start(config(f.address), { watchTimeoutMs: 60_000 });
    await waitFor(() => f.requests.filter((r) => r.query.has('index')).length >= 3, 3000, 'blocked queries');
    const t0 = Date.now();
    await h.stop();
    assert.ok(Date.now() - t0 < 2000, 'stopped without waiting for the blocking queries');
  });
});
