/**
 * Acceptance: the fake EC2 endpoint is checked against real clients, and Watchfire against
 * them. Prometheus 2.42 (AWS SDK for Go v1), vmagent (its own SigV4 client) and Watchfire
 * sign their calls to the same fake, which verifies every signature; their /api/v1/targets
 * agree on every target's `__address__` and `__meta_ec2_*` labels, with filters and
 * pagination, after instances change, and while the API fails (last targets kept; the
 * failure counted in Watchfire's `prometheus_sd_refresh_failures_total`). Lightsail targets
 * (JSON protocol, same fake) are compared with Prometheus only: vmagent has no Lightsail
 * discovery; they fit in one page, as Prometheus reads only the first.
 *
 * Known differences, left out where they compare: Prometheus 2.42 predates
 * `__meta_ec2_primary_ipv6_addresses` and `__meta_ec2_default_ipv6_address` (and IPv6-only
 * targets, which are therefore not seeded); vmagent 1.79 lacks those two and
 * `__meta_ec2_region`, and reads each `ipv6AddressesSet` item as text where EC2 nests an
 * `ipv6Address` element in it, so its `__meta_ec2_ipv6_addresses` holds empty entries
 * (Prometheus 2.42 reads the fake's items as the documented shape and agrees).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../testing/peers.js';
import { withComparePeers } from '../refresh/testing-peer-compare.js';
import { FakeAWS, type FakeEC2Instance } from './testing-fake-ec2.js';

const NEWER = ['__meta_ec2_primary_ipv6_addresses', '__meta_ec2_default_ipv6_address'];

function instance(i: number): FakeEC2Instance {
  return {
    id: `i-${String(i).padStart(8, '0')}`, reservation: `r-${Math.floor(i / 3)}`, owner: '123456789012', image: `ami-${i % 2}`, state: 'running',
    type: i % 2 === 0 ? 't3.micro' : 'm5.large', az: i % 3 === 0 ? 'eu-west-1a' : 'eu-west-1b', privateIp: `127.0.${Math.floor(i / 200) + 10}.${(i % 200) + 1}`,
    privateDns: `ip-${i}.eu-west-1.compute.internal`, architecture: 'x86_64', tags: [{ key: 'Name', value: `web-${i}` }, { key: 'team.name', value: 'core' }, { key: 'env', value: i % 4 === 0 ? 'dev' : 'prod' }],
    ...(i % 5 === 0 ? { publicIp: `203.0.113.${i % 250}`, publicDns: `ec2-${i}.compute.amazonaws.com` } : {}),
    ...(i % 7 === 0 ? { platform: 'windows', lifecycle: 'spot' } : {}),
    ...(i % 2 === 0 ? {
      vpc: 'vpc-1', subnet: `subnet-${i % 3}`,
      enis: [{ subnet: `subnet-${i % 3}`, deviceIndex: 0, ipv6: [{ address: `2001:db8::${i}`, primary: true }] }, { subnet: 'subnet-9', deviceIndex: 1, ipv6: [] }],
    } : {}),
  };
}

test('ec2 SD: the fake EC2 API, Prometheus 2.42, vmagent and Watchfire agree on targets and labels', { timeout: 90_000 }, async (t) => {
  const f = new FakeAWS({ region: 'eu-west-1' });
  await f.up();
  f.addKey('AKIDE2E', 'e2e-secret/with+chars');
  f.zones = new Map([['eu-west-1a', 'euw1-az3'], ['eu-west-1b', 'euw1-az1']]);
  f.pageSize = 5;
  for (let i = 0; i < 12; i++) f.instances.push(instance(i));
  f.instances.push({ id: 'i-stopped', state: 'stopped', privateIp: '127.0.99.1', tags: [{ key: 'env', value: 'prod' }] });
  for (let i = 0; i < 4; i++) {
    f.lightsailInstances.push({
      name: `ls-${i}`, privateIpAddress: `127.0.60.${i + 1}`, blueprintId: 'ubuntu_22_04', bundleId: 'nano_2_0', supportCode: `sc-${i}`, location: { availabilityZone: 'eu-west-1a' },
      state: { name: 'running' }, tags: [{ key: 'team.name', value: 'core' }], ...(i % 2 === 0 ? { publicIpAddress: `52.0.0.${i}`, ipv6Addresses: [`2a05::${i}`] } : {}),
    });
  }
  const config = `scrape_configs:
  - job_name: ec2
    scrape_interval: 1h
    ec2_sd_configs:
      - region: eu-west-1
        endpoint: ${f.endpoint}
        access_key: AKIDE2E
        secret_key: e2e-secret/with+chars
        port: 9100
        refresh_interval: 1s
        filters:
          - name: instance-state-name
            values: [running, pending]
          - name: tag:env
            values: [prod, dev]
  - job_name: lightsail
    scrape_interval: 1h
    lightsail_sd_configs:
      - region: eu-west-1
        endpoint: ${f.endpoint}
        access_key: AKIDE2E
        secret_key: e2e-secret/with+chars
        port: 9100
        refresh_interval: 1s
`;
  try {
    await withComparePeers(t, {
      config, pool: ['ec2', 'lightsail'], prefix: '__meta_', peers: ['prometheus', 'vmagent'], peerPools: { vmagent: ['ec2'] },
      omit: { prometheus: NEWER, vmagent: [...NEWER, '__meta_ec2_region', '__meta_ec2_ipv6_addresses'] },
      vmagentFlags: ['-promscrape.ec2SDCheckInterval=500ms'],
    }, async (p) => {
      const first = await p.agree(16, 'the seeded instances on all sides', 30000);
      assert.ok(first.some((s) => s.includes('"__meta_ec2_tag_team_name":"core"') && s.includes('"__meta_ec2_availability_zone_id":"euw1-az3"')));
      assert.ok(first.some((s) => s.includes('"__meta_ec2_ipv6_addresses":",2001:db8::2,"') && s.includes('"__meta_ec2_subnet_id":",subnet-2,subnet-9,"')));
      assert.ok(first.some((s) => s.includes('"__meta_ec2_default_ipv6_address":"2001:db8::2"')));
      const signers = new Set(f.calls.filter((c) => c.action === 'DescribeInstances').map((c) => c.userAgent.split('/')[0]));
      assert.ok(f.calls.every((c) => c.ok), 'every signature verified');
      assert.ok(signers.size >= 2, `calls from several clients: ${[...signers].join(', ')}`);
      for (let i = 12; i < 30; i++) f.instances.push(instance(i));
      await p.agree(34, 'new instances on all sides', 30000);
      f.instances = f.instances.filter((x, k) => k % 3 !== 0);
      await p.agree(24, 'terminated instances gone on all sides', 30000);
      f.failWith({ status: 503, code: 'Unavailable', message: 'The service is unavailable. Please try again shortly.' });
      await eventually(async () => /prometheus_sd_refresh_failures_total\{config="ec2",mechanism="ec2"\} [1-9]/.test(await p.metrics()) ? true : undefined, 20000, 'ec2 refresh failures counted');
      await p.agree(24, 'the last targets kept while the API fails');
    });
  } finally {
    await f.down();
  }
});
