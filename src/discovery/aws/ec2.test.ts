import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EC2SDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { EC2Discoverer } from './ec2.js';
import type { AWSEnv } from './shared-config.js';
import { FakeAWS, type FakeEC2Instance } from './testing-fake-ec2.js';

const never = new AbortController().signal;
const NO_RETRY = { maxAttempts: 1, backoffMs: () => 0 };

function cfg(f: FakeAWS, o: Partial<EC2SDConfig> = {}): EC2SDConfig {
  return {
    endpoint: f.endpoint, region: f.region, access_key: 'AKIDTEST', secret_key: 'secret-test' as Secret, profile: '', role_arn: '', external_id: '',
    refresh_interval: 60_000 as Millis, port: 4242, filters: [], http_client: defaultHTTPClientConfig(), ...o,
  };
}

function discoverer(c: EC2SDConfig, env: AWSEnv = {}, reg = new Registry()): EC2Discoverer {
  return new EC2Discoverer(c, { refreshMetrics: RefreshMetrics.for(reg), setName: 'ec2', env, retry: NO_RETRY, userAgent: 'Watchfire/test' });
}

async function withFake(region: string, fn: (f: FakeAWS) => Promise<void>): Promise<void> {
  const f = new FakeAWS({ region });
  await f.up();
  f.addKey('AKIDTEST', 'secret-test');
  f.zones = new Map([['azname-a', 'azid-1'], ['azname-b', 'azid-2'], ['azname-c', 'azid-3']]);
  try {
    await fn(f);
  } finally {
    await f.down();
  }
}

// Prometheus's TestEC2DiscoveryRefresh cases, served by the fake over the Query API.
const CASES: { name: string; region: string; owner?: string; instances: FakeEC2Instance[]; filters?: { name: string; values: string[] }[]; expected: Record<string, string>[] }[] = [
  { name: 'NoPrivateIpOrIpv6', region: 'region-noprivateip', instances: [{ id: 'instance-id-noprivateip' }], expected: [] },
  {
    name: 'NoVpc', region: 'region-novpc', owner: 'owner-id-novpc',
    instances: [{
      id: 'instance-id-novpc', architecture: 'architecture-novpc', image: 'ami-novpc', lifecycle: 'instance-lifecycle-novpc', type: 'instance-type-novpc',
      az: 'azname-b', platform: 'platform-novpc', privateDns: 'private-dns-novpc', privateIp: '1.2.3.4', publicDns: 'public-dns-novpc', publicIp: '42.42.42.2',
      state: 'running', tags: [{ key: 'tag-1-key', value: 'tag-1-value' }, { key: 'tag-2-key', value: 'tag-2-value' }, {}, { value: 'tag-4-value' }, { key: 'tag-5-key' }],
    }],
    expected: [{
      __address__: '1.2.3.4:4242', __meta_ec2_ami: 'ami-novpc', __meta_ec2_architecture: 'architecture-novpc', __meta_ec2_availability_zone: 'azname-b',
      __meta_ec2_availability_zone_id: 'azid-2', __meta_ec2_instance_id: 'instance-id-novpc', __meta_ec2_instance_lifecycle: 'instance-lifecycle-novpc',
      __meta_ec2_instance_type: 'instance-type-novpc', __meta_ec2_instance_state: 'running', __meta_ec2_owner_id: 'owner-id-novpc', __meta_ec2_platform: 'platform-novpc',
      __meta_ec2_private_dns_name: 'private-dns-novpc', __meta_ec2_private_ip: '1.2.3.4', __meta_ec2_public_dns_name: 'public-dns-novpc', __meta_ec2_public_ip: '42.42.42.2',
      __meta_ec2_region: 'region-novpc', __meta_ec2_tag_tag_1_key: 'tag-1-value', __meta_ec2_tag_tag_2_key: 'tag-2-value',
    }],
  },
  {
    name: 'Ipv4', region: 'region-ipv4', owner: '',
    instances: [{
      id: 'instance-id-ipv4', image: 'ami-ipv4', type: 'instance-type-ipv4', az: 'azname-c', privateIp: '5.6.7.8', state: 'running', subnet: 'azid-3', vpc: 'vpc-ipv4',
      enis: [{ ipv6: [{ address: '2001:db8:1::1', primary: true }] }, { subnet: 'azid-3', ipv6: [] }, { subnet: 'azid-1', ipv6: [] }],
    }],
    expected: [{
      __address__: '5.6.7.8:4242', __meta_ec2_ami: 'ami-ipv4', __meta_ec2_availability_zone: 'azname-c', __meta_ec2_availability_zone_id: 'azid-3',
      __meta_ec2_instance_id: 'instance-id-ipv4', __meta_ec2_instance_state: 'running', __meta_ec2_instance_type: 'instance-type-ipv4', __meta_ec2_owner_id: '',
      __meta_ec2_primary_subnet_id: 'azid-3', __meta_ec2_private_ip: '5.6.7.8', __meta_ec2_region: 'region-ipv4', __meta_ec2_subnet_id: ',azid-3,azid-1,', __meta_ec2_vpc_id: 'vpc-ipv4',
    }],
  },
  {
    name: 'Ipv6', region: 'region-ipv6', owner: '',
    instances: [{
      id: 'instance-id-ipv6', image: 'ami-ipv6', type: 'instance-type-ipv6', az: 'azname-b', privateIp: '9.10.11.12', state: 'running', subnet: 'azid-2', vpc: 'vpc-ipv6',
      enis: [
        { deviceIndex: 3, subnet: 'azid-2', ipv6: [{ address: '2001:db8:2::1:1', primary: false }] },
        { deviceIndex: 1, subnet: 'azid-2', ipv6: [{ address: '2001:db8:2::2:1', primary: false }, { address: '2001:db8:2::2:2', primary: true }] },
        { deviceIndex: 3, subnet: 'azid-1', ipv6: [{ address: '2001:db8:2::3:1', primary: true }] },
        { deviceIndex: 0, subnet: 'azid-3', ipv6: [] },
      ],
    }],
    expected: [{
      __address__: '9.10.11.12:4242', __meta_ec2_ami: 'ami-ipv6', __meta_ec2_availability_zone: 'azname-b', __meta_ec2_availability_zone_id: 'azid-2',
      __meta_ec2_instance_id: 'instance-id-ipv6', __meta_ec2_instance_state: 'running', __meta_ec2_instance_type: 'instance-type-ipv6',
      __meta_ec2_ipv6_addresses: ',2001:db8:2::1:1,2001:db8:2::2:1,2001:db8:2::2:2,2001:db8:2::3:1,', __meta_ec2_owner_id: '',
      __meta_ec2_default_ipv6_address: '2001:db8:2::2:2', __meta_ec2_primary_ipv6_addresses: ',,2001:db8:2::2:2,,2001:db8:2::3:1,',
      __meta_ec2_primary_subnet_id: 'azid-2', __meta_ec2_private_ip: '9.10.11.12', __meta_ec2_region: 'region-ipv6', __meta_ec2_subnet_id: ',azid-2,azid-1,azid-3,', __meta_ec2_vpc_id: 'vpc-ipv6',
    }],
  },
  {
    name: 'Ipv6-Only', region: 'region-ipv6-only', owner: '',
    instances: [{
      id: 'instance-id-ipv6-only', image: 'ami-ipv6-only', type: 'instance-type-ipv6-only', az: 'azname-b', state: 'running', subnet: 'azid-2', vpc: 'vpc-ipv6-only',
      enis: [{ deviceIndex: 0, subnet: 'azid-2', ipv6: [{ address: '2001:db8:2::1:1', primary: false }] }],
    }],
    expected: [{
      __address__: '[2001:db8:2::1:1]:4242', __meta_ec2_ami: 'ami-ipv6-only', __meta_ec2_availability_zone: 'azname-b', __meta_ec2_availability_zone_id: 'azid-2',
      __meta_ec2_instance_id: 'instance-id-ipv6-only', __meta_ec2_instance_state: 'running', __meta_ec2_instance_type: 'instance-type-ipv6-only',
      __meta_ec2_ipv6_addresses: ',2001:db8:2::1:1,', __meta_ec2_owner_id: '', __meta_ec2_default_ipv6_address: '2001:db8:2::1:1',
      __meta_ec2_primary_subnet_id: 'azid-2', __meta_ec2_region: 'region-ipv6-only', __meta_ec2_subnet_id: ',azid-2,', __meta_ec2_vpc_id: 'vpc-ipv6-only',
    }],
  },
  {
    name: 'FiltersMatchSingleInstance', region: 'region-filter-match', owner: '', filters: [{ name: 'instance-state-name', values: ['running'] }],
    instances: [
      { id: 'instance-filter-1', image: 'ami-filter-1', type: 'instance-type-filter', az: 'azname-a', privateIp: '10.0.0.1', state: 'running' },
      { id: 'instance-filter-2', image: 'ami-filter-2', type: 'instance-type-filter', az: 'azname-a', privateIp: '10.0.0.2', state: 'stopped' },
    ],
    expected: [{
      __address__: '10.0.0.1:4242', __meta_ec2_ami: 'ami-filter-1', __meta_ec2_availability_zone: 'azname-a', __meta_ec2_availability_zone_id: 'azid-1',
      __meta_ec2_instance_id: 'instance-filter-1', __meta_ec2_instance_state: 'running', __meta_ec2_instance_type: 'instance-type-filter', __meta_ec2_owner_id: '',
      __meta_ec2_private_ip: '10.0.0.1', __meta_ec2_region: 'region-filter-match',
    }],
  },
  {
    name: 'FiltersMatchNoInstances', region: 'region-filter-none', owner: '', filters: [{ name: 'instance-state-name', values: ['terminated'] }],
    instances: [
      { id: 'instance-filter-1', image: 'ami-filter-1', type: 'instance-type-filter', az: 'azname-a', privateIp: '10.0.1.1', state: 'running' },
      { id: 'instance-filter-2', image: 'ami-filter-2', type: 'instance-type-filter', az: 'azname-a', privateIp: '10.0.1.2', state: 'stopped' },
    ],
    expected: [],
  },
];

test('ec2 SD: Prometheus TestEC2DiscoveryRefresh cases through the Query API of the fake', async () => {
  for (const c of CASES) {
    await withFake(c.region, async (f) => {
      f.instances = c.instances.map((i) => ({ ...i, reservation: 'r-1', ...(c.owner !== undefined ? { owner: c.owner } : {}) }));
      const groups = await discoverer(cfg(f, { filters: c.filters ?? [] })).refresh(never);
      assert.deepEqual(groups, [{ source: c.region, labels: {}, targets: c.expected }], c.name);
      assert.ok(f.calls.every((x) => x.ok && x.accessKeyId === 'AKIDTEST' && x.method === 'POST'), c.name);
    });
  }
});

test('ec2 SD: Prometheus TestEC2DiscoveryRefreshAZIDs — zone ids asked until once known, their failure no refresh failure', async () => {
  await withFake('eu-west-1', async (f) => {
    f.instances = [{ id: 'i-1', privateIp: '10.0.0.1', az: 'azname-c', image: 'ami-1', type: 't3.micro' }];
    const d = discoverer(cfg(f));
    f.failWith({ status: 500, code: 'InternalError', message: 'An internal error has occurred' });
    await assert.rejects(d.refresh(never), {
      message: /^could not describe instances: operation error EC2: DescribeInstances, https response error StatusCode: 500, RequestID: [0-9a-f-]+, api error InternalError: An internal error has occurred$/,
    });
    f.failWith(null);
    f.zones = new Map();
    const zoneCalls = (): number => f.calls.filter((x) => x.action === 'DescribeAvailabilityZones').length;
    let [g] = await d.refresh(never);
    assert.equal(g!.targets[0]!['__meta_ec2_availability_zone_id'], '', 'an empty zone list is a known (empty) map');
    f.zones = new Map([['azname-c', 'azid-3']]);
    [g] = await d.refresh(never);
    assert.equal(g!.targets[0]!['__meta_ec2_availability_zone_id'], '', 'not asked again once known');
    assert.equal(zoneCalls(), 2, 'asked while failing, then once successfully');
    const d2 = discoverer(cfg(f));
    [g] = await d2.refresh(never);
    assert.equal(g!.targets[0]!['__meta_ec2_availability_zone_id'], 'azid-3');
  });
});

test('ec2 SD: pagination, filters with several values and tags, wrong credentials', async () => {
  await withFake('us-east-1', async (f) => {
    for (let i = 0; i < 25; i++) f.instances.push({ id: `i-${i}`, privateIp: `10.0.0.${i}`, state: i % 5 === 0 ? 'stopped' : 'running', tags: [{ key: 'env', value: i % 2 === 0 ? 'prod' : 'dev' }], az: 'azname-a' });
    f.pageSize = 4;
    const [g] = await discoverer(cfg(f, { filters: [{ name: 'instance-state-name', values: ['running', 'pending'] }, { name: 'tag:env', values: ['prod'] }] })).refresh(never);
    assert.deepEqual(g!.targets.map((t) => t['__meta_ec2_instance_id']), ['i-2', 'i-4', 'i-6', 'i-8', 'i-12', 'i-14', 'i-16', 'i-18', 'i-22', 'i-24']);
    assert.equal(f.calls.filter((c) => c.action === 'DescribeInstances').length, 3);
    await assert.rejects(discoverer(cfg(f, { secret_key: 'wrong' as Secret })).refresh(never), {
      message: /could not describe instances: operation error EC2: DescribeInstances, https response error StatusCode: 403, RequestID: [0-9a-f-]+, api error SignatureDoesNotMatch: The request signature we calculated/,
    });
    await assert.rejects(discoverer(cfg(f, { filters: [{ name: 'no-such-filter', values: ['x'] }] })).refresh(never), /api error InvalidParameterValue: The filter 'no-such-filter' is invalid/);
  });
});

test('ec2 SD: refresh follows changes; a failing API keeps the last targets and counts the failure; AuthFailure resolves credentials again', async () => {
  await withFake('eu-west-1', async (f) => {
    f.instances = [{ id: 'i-a', privateIp: '10.1.0.1', az: 'azname-a' }];
    const reg = new Registry();
    const d = discoverer(cfg(f, { refresh_interval: 30 as Millis }), {}, reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (gs) => { sent.push(gs); });
    const addrs = (): string => (sent.at(-1)?.[0]?.targets ?? []).map((t) => t['__address__']).join(',');
    try {
      await waitFor(() => addrs() === '10.1.0.1:4242', 3000, 'the first listing');
      f.instances.push({ id: 'i-b', privateIp: '10.1.0.2', az: 'azname-b' });
      await waitFor(() => addrs() === '10.1.0.1:4242,10.1.0.2:4242', 3000, 'a new instance');
      f.removeKey('AKIDTEST');
      const failures = (): number => RefreshMetrics.for(reg).failures.labels('ec2', 'ec2').value;
      await waitFor(() => failures() >= 2, 3000, 'failures counted');
      const n = sent.length;
      f.instances.shift();
      await waitFor(() => failures() >= 4, 3000, 'more failures');
      assert.equal(sent.length, n, 'nothing sent while failing');
      f.addKey('AKIDTEST', 'secret-test');
      await waitFor(() => addrs() === '10.1.0.2:4242', 3000, 'recovery');
    } finally {
      ac.abort();
      await done;
    }
  });
});
