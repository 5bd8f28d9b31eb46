import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightsailSDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { RefreshMetrics } from '../refresh/index.js';
import { LightsailDiscoverer, lightsailLabels } from './lightsail.js';
import { FakeAWS } from './testing-fake-ec2.js';

const never = new AbortController().signal;

// Prometheus's fullyPopulatedLightsailInstance.
function full(): Record<string, unknown> {
  return {
    privateIpAddress: '10.0.0.1', blueprintId: 'ubuntu_22_04', bundleId: 'nano_2_0', name: 'instance-1', supportCode: 'support-code-1',
    location: { availabilityZone: 'us-east-1a' }, state: { name: 'running' },
  };
}

test('lightsail SD: Prometheus TestLightsailRefreshFullyPopulated, TestLightsailRefreshNilOptionalFields and TestLightsailRefreshAllOptionalFieldsNil', () => {
  assert.deepEqual(lightsailLabels(full(), 'us-east-1', 8080), {
    __address__: '10.0.0.1:8080', __meta_lightsail_private_ip: '10.0.0.1', __meta_lightsail_region: 'us-east-1', __meta_lightsail_availability_zone: 'us-east-1a',
    __meta_lightsail_blueprint_id: 'ubuntu_22_04', __meta_lightsail_bundle_id: 'nano_2_0', __meta_lightsail_instance_name: 'instance-1',
    __meta_lightsail_instance_state: 'running', __meta_lightsail_instance_support_code: 'support-code-1',
  });
  const cases: [string, (i: Record<string, unknown>) => void, string][] = [
    ['NilLocation', (i) => { delete i['location']; }, '__meta_lightsail_availability_zone'],
    ['NilLocationAvailabilityZone', (i) => { i['location'] = {}; }, '__meta_lightsail_availability_zone'],
    ['NilState', (i) => { delete i['state']; }, '__meta_lightsail_instance_state'],
    ['NilStateName', (i) => { i['state'] = {}; }, '__meta_lightsail_instance_state'],
    ['NilBlueprintId', (i) => { delete i['blueprintId']; }, '__meta_lightsail_blueprint_id'],
    ['NilBundleId', (i) => { delete i['bundleId']; }, '__meta_lightsail_bundle_id'],
    ['NilName', (i) => { delete i['name']; }, '__meta_lightsail_instance_name'],
    ['NilSupportCode', (i) => { delete i['supportCode']; }, '__meta_lightsail_instance_support_code'],
  ];
  for (const [name, mutate, absent] of cases) {
    const i = full();
    mutate(i);
    const l = lightsailLabels(i, 'us-east-1', 8080)!;
    assert.equal(l[absent], undefined, name);
    assert.equal(l['__address__'], '10.0.0.1:8080', name);
  }
  const bare = lightsailLabels({ privateIpAddress: '10.0.0.9' }, 'us-east-1', 8080)!;
  assert.deepEqual(bare, { __address__: '10.0.0.9:8080', __meta_lightsail_private_ip: '10.0.0.9', __meta_lightsail_region: 'us-east-1' });
  assert.equal(lightsailLabels({ name: 'no-ip' }, 'us-east-1', 80), null);
});

test('lightsail SD: GetInstances over the JSON protocol of the fake, signed; pages, tags, IPv6, errors', async () => {
  const f = new FakeAWS({ region: 'eu-west-2' });
  await f.up();
  f.addKey('AKIDLS', 'ls-secret');
  f.pageSize = 2;
  f.lightsailInstances = [
    { ...full(), name: 'a', publicIpAddress: '3.3.3.3', ipv6Addresses: ['2a05:d01c::1', '2a05:d01c::2'], tags: [{ key: 'env.name', value: 'prod' }, { key: 'novalue' }] },
    { ...full(), name: 'b', privateIpAddress: '10.0.0.2' },
    { name: 'stopped' },
  ];
  const cfg: LightsailSDConfig = {
    endpoint: f.endpoint, region: 'eu-west-2', access_key: 'AKIDLS', secret_key: 'ls-secret' as Secret, profile: '', role_arn: '', external_id: '',
    refresh_interval: 60_000 as Millis, port: 9100, http_client: defaultHTTPClientConfig(),
  };
  const d = (c: LightsailSDConfig): LightsailDiscoverer => new LightsailDiscoverer(c, { refreshMetrics: RefreshMetrics.for(new Registry()), env: {}, retry: { maxAttempts: 1, backoffMs: () => 0 } });
  try {
    const [g] = await d(cfg).refresh(never);
    assert.equal(g!.source, 'eu-west-2');
    assert.deepEqual(g!.targets.map((t) => t['__meta_lightsail_instance_name']), ['a', 'b']);
    assert.equal(g!.targets[0]!['__meta_lightsail_ipv6_addresses'], ',2a05:d01c::1,2a05:d01c::2,');
    assert.equal(g!.targets[0]!['__meta_lightsail_tag_env_name'], 'prod');
    assert.equal(g!.targets[0]!['__meta_lightsail_public_ip'], '3.3.3.3');
    assert.equal(f.calls.filter((c) => c.action === 'GetInstances' && c.ok).length, 2, 'two pages');
    f.failWith({ status: 400, code: 'AccessDeniedException', message: 'not allowed' });
    await assert.rejects(d(cfg).refresh(never), /^Error: could not get instances: operation error Lightsail: GetInstances, https response error StatusCode: 400, RequestID: [0-9a-f-]+, api error AccessDeniedException: not allowed$/);
    f.failWith(null);
    await assert.rejects(d({ ...cfg, secret_key: 'nope' as Secret }).refresh(never), /api error InvalidSignatureException/);
  } finally {
    await f.down();
  }
});
