import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NomadSDConfig } from '../../config/sd-types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { NomadSDMetrics } from './metrics.js';
import { NomadDiscoverer } from './nomad.js';
import { FakeNomad, type FakeRegistration } from './testing-fake-nomad.js';

function config(server: string, o: Partial<NomadSDConfig> = {}): NomadSDConfig {
  return {
    allow_stale: true, http_client: defaultHTTPClientConfig(), namespace: 'default', refresh_interval: 60_000 as Millis,
    region: 'global', server, tag_separator: ',', ...o,
  };
}

function discoverer(server: string, o: Partial<NomadSDConfig> = {}, reg = new Registry()): NomadDiscoverer {
  return new NomadDiscoverer(config(server, o), { metrics: NomadSDMetrics.for(reg), refreshMetrics: RefreshMetrics.for(reg), setName: 'nomad' });
}

async function withNomad<T>(o: ConstructorParameters<typeof FakeNomad>[0], fn: (f: FakeNomad) => Promise<T>): Promise<T> {
  const f = new FakeNomad(o);
  await f.up();
  try {
    return await fn(f);
  } finally {
    await f.down();
  }
}

/** Prometheus's TestNomadSDRefresh registration. */
const HASHICUPS: FakeRegistration = {
  ID: '_nomad-task-6a1d5f0a-7362-3f5d-9baf-5ed438918e50-group-hashicups-hashicups-hashicups_ui', ServiceName: 'hashicups',
  Namespace: 'default', NodeID: 'd92fdc3c-9c2b-298a-e8f4-c33f3a449f09', Datacenter: 'dc1', JobID: 'dashboard',
  AllocID: '6a1d5f0a-7362-3f5d-9baf-5ed438918e50', Tags: ['metrics'], Address: '127.0.0.1', Port: 30456,
};

test("nomad SD: Prometheus's TestNomadSDRefresh case", async () => {
  await withNomad({}, async (f) => {
    f.register(HASHICUPS);
    const groups = await discoverer(`${f.url}/`).refresh(AbortSignal.timeout(5000));
    assert.deepEqual(groups, [{
      source: 'Nomad', labels: {}, targets: [{
        __address__: '127.0.0.1:30456',
        __meta_nomad_address: '127.0.0.1',
        __meta_nomad_dc: 'dc1',
        __meta_nomad_namespace: 'default',
        __meta_nomad_node_id: 'd92fdc3c-9c2b-298a-e8f4-c33f3a449f09',
        __meta_nomad_service: 'hashicups',
        __meta_nomad_service_address: '127.0.0.1',
        __meta_nomad_service_id: '_nomad-task-6a1d5f0a-7362-3f5d-9baf-5ed438918e50-group-hashicups-hashicups-hashicups_ui',
        __meta_nomad_service_port: '30456',
        __meta_nomad_tags: ',metrics,',
      }],
    }]);
    // Nomad's client query options: namespace, region and stale, keys sorted.
    assert.deepEqual(f.requests.map((r) => `${r.path}?${r.query.toString()}`), [
      '/v1/services?namespace=default&region=global&stale=', '/v1/service/hashicups?namespace=default&region=global&stale=',
    ]);
  });
});

// Prometheus's TestConfiguredService: which server addresses make a discoverer.
for (const [server, ok] of [['http://foo.bar:4646', true], ['foo.bar:4646', true], ['http://172.30.29.23:4646', true], ['172.30.29.23:4646', false]] as const) {
  test(`nomad SD: server ${server} is ${ok ? 'accepted' : 'refused'} as by Prometheus`, () => {
    if (ok) assert.doesNotThrow(() => discoverer(server));
    else assert.throws(() => discoverer(server), { message: `parse "${server}": first path segment in URL cannot contain colon` });
  });
}

test('nomad SD: a server without // fails at the request as Go\'s client does', async () => {
  await assert.rejects(discoverer('foo.bar:4646').refresh(AbortSignal.timeout(5000)),
    { message: 'Get "foo.bar:///v1/services?namespace=default&region=global&stale=": unsupported protocol scheme "foo.bar"' });
});

test('nomad SD: namespace, region, allow_stale, tag separator, IPv6 and several instances', async () => {
  await withNomad({ region: 'eu', token: 's3cret' }, async (f) => {
    f.register({ ID: 'a1', ServiceName: 'api', Namespace: 'prod', Tags: ['v1', 'http'], Address: '2001:db8::1', Port: 8080 });
    f.register({ ID: 'a2', ServiceName: 'api', Namespace: 'prod', Address: '10.0.0.2', Port: 8080 });
    f.register({ ID: 'd1', ServiceName: 'db', Namespace: 'default', Address: '10.0.0.3', Port: 5432 });
    const http = defaultHTTPClientConfig({ http_headers: { 'X-Nomad-Token': { values: ['s3cret'], secrets: [], files: [] } } });
    const d = discoverer(f.url, { namespace: 'prod', region: 'eu', allow_stale: false, tag_separator: ';', http_client: http });
    const groups = await d.refresh(AbortSignal.timeout(5000));
    assert.deepEqual(groups[0]!.targets.map((t) => [t['__address__'], t['__meta_nomad_tags'], t['__meta_nomad_namespace']]), [
      ['[2001:db8::1]:8080', ';v1;http;', 'prod'], ['10.0.0.2:8080', undefined, 'prod'],
    ]);
    assert.equal(f.requests[0]!.query.toString(), 'namespace=prod&region=eu');
    // A wrong region and a missing token fail as Nomad answers.
    await assert.rejects(discoverer(f.url, { region: 'us', http_client: http }).refresh(AbortSignal.timeout(5000)), { message: 'Unexpected response code: 500 (No path to region)' });
    await assert.rejects(discoverer(f.url, { region: 'eu' }).refresh(AbortSignal.timeout(5000)), { message: 'Unexpected response code: 403 (Permission denied)' });
  });
});

test('nomad SD: refreshes pick up changes; failures keep the last targets and are counted', async () => {
  await withNomad({}, async (f) => {
    f.register(HASHICUPS);
    const reg = new Registry();
    const d = discoverer(f.url, { refresh_interval: 30 as Millis }, reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (g) => { sent.push(g); });
    try {
      await waitFor(() => sent.length >= 1, 5000, 'the first refresh');
      f.register({ ID: 'x', ServiceName: 'extra', Address: '10.1.1.1', Port: 1 });
      await waitFor(() => sent.at(-1)![0]!.targets.length === 2, 5000, 'a service added');
      f.deregister(HASHICUPS.ID);
      await waitFor(() => sent.at(-1)![0]!.targets.length === 1, 5000, 'a service removed');
      f.fail(500, 'rpc error: no leader');
      const n = sent.length;
      await waitFor(() => /prometheus_sd_nomad_failures_total [2-9]/.test(reg.expose()), 5000, 'failures counted');
      assert.match(reg.expose(), /prometheus_sd_refresh_failures_total\{config="nomad",mechanism="nomad"\} [2-9]/);
      assert.equal(sent.length, n);
    } finally {
      ac.abort();
      await done;
    }
  });
});

test('nomad SD: failing requests fail the refresh with Prometheus\'s wording', async () => {
  await withNomad({}, async (f) => {
    f.register(HASHICUPS);
    const reg = new Registry();
    f.fail(500, 'rpc error: Permission denied', '/v1/service/');
    await assert.rejects(discoverer(f.url, {}, reg).refresh(AbortSignal.timeout(5000)), { message: 'failed to fetch services: Unexpected response code: 500 (rpc error: Permission denied)' });
    assert.match(reg.expose(), /prometheus_sd_nomad_failures_total 1/);
    await f.down();
    await assert.rejects(discoverer(f.url).refresh(AbortSignal.timeout(5000)), { message: /^Get "http:\/\/127\.0\.0\.1:\d+\/v1\/services\?namespace=default&region=global&stale=": dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/ });
  });
});
