/**
 * Acceptance: the fake OpenStack cloud is checked against real clients, and Watchfire
 * against them. Prometheus 2.42 (gophercloud), vmagent and Watchfire authenticate with the
 * fake Keystone and list the fake Nova/Neutron; their /api/v1/targets agree on every target's
 * `__address__` and `__meta_openstack_*` labels for the instance (all tenants) and hypervisor
 * roles, after servers change, and while the cloud fails (last targets kept; the failure
 * counted in Watchfire's `prometheus_sd_refresh_failures_total`).
 *
 * Known differences, left out where they compare: Prometheus 2.42 and vmagent 1.79 have no
 * `__meta_openstack_instance_image`. Prometheus 2.42 finds floating IPs through Nova's
 * `os-floating-ips` where 3.x asks Neutron; the fake serves both consistently. vmagent gives
 * every fixed address of an address pool the pool's first floating address as public IP,
 * where Prometheus matches floating IPs to their own fixed address: the seeded pools with a
 * floating IP have one fixed address each, where both rules agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../testing/peers.js';
import { withComparePeers } from '../refresh/testing-peer-compare.js';
import { FakeOpenStack } from './testing-fake-openstack.js';

test('openstack SD: the fake cloud, Prometheus 2.42, vmagent and Watchfire agree on instance and hypervisor targets', { timeout: 90_000 }, async (t) => {
  const f = new FakeOpenStack();
  await f.up();
  f.projects.push({ id: 'p-ops', name: 'ops', domain: 'Default' }, { id: 'p-web', name: 'web', domain: 'Default' });
  f.users.push({ id: 'u-admin', name: 'admin', domain: 'Default', password: 'e2e-secret', admin: true, project: 'p-ops' });
  const server = (i: number): void => {
    f.servers.push({
      id: `srv-${i}`, name: `node-${i}`, projectId: i % 2 === 0 ? 'p-ops' : 'p-web', userId: `user-${i % 3}`, status: i % 5 === 0 ? 'SHUTOFF' : 'ACTIVE',
      flavor: { id: `flavor-${i % 3}`, name: `m1.f${i % 3}` }, metadata: { role: i % 2 === 0 ? 'db' : 'web', 'team.name': 'core' },
      addresses: { private: [`127.0.20.${i + 1}`], ...(i % 4 === 0 ? { storage: [`127.0.21.${i + 1}`, `127.0.22.${i + 1}`] } : {}) },
    });
    if (i % 3 === 0) f.associate(`198.51.100.${i + 1}`, `srv-${i}`, `127.0.20.${i + 1}`, i % 2 === 0 ? 'p-ops' : 'p-web');
  };
  for (let i = 0; i < 10; i++) server(i);
  f.servers.push({ id: 'srv-empty', name: 'empty', projectId: 'p-ops', flavor: { id: 'x', name: 'x' }, addresses: {} });
  f.associate('198.51.100.250', null, null, 'p-ops');
  f.hypervisors.push({ id: 1, hostname: 'hv-1.cloud', hostIP: '127.0.30.1' }, { id: 721, hostname: 'hv-2.cloud', hostIP: '127.0.30.2', state: 'down', status: 'disabled' });
  const sd = (role: string, extra = ''): string => `    openstack_sd_configs:
      - role: ${role}
        region: RegionOne
        identity_endpoint: ${f.identityV3}
        username: admin
        password: e2e-secret
        domain_name: Default
        project_name: ops
        port: 9100
        refresh_interval: 1s
${extra}`;
  const config = `scrape_configs:
  - job_name: os-instance
    scrape_interval: 1h
${sd('instance', '        all_tenants: true\n')}  - job_name: os-hypervisor
    scrape_interval: 1h
${sd('hypervisor')}`;
  try {
    await withComparePeers(t, {
      config, pool: ['os-instance', 'os-hypervisor'], prefix: '__meta_openstack_', peers: ['prometheus', 'vmagent'],
      omit: { prometheus: ['__meta_openstack_instance_image'], vmagent: ['__meta_openstack_instance_image'] },
      vmagentFlags: ['-promscrape.openstackSDCheckInterval=500ms'],
    }, async (p) => {
      const first = await p.agree(10 + 3 * 2 + 2, 'the seeded cloud on all sides', 30000);
      assert.ok(first.some((s) => s.includes('"__meta_openstack_public_ip":"198.51.100.1"') && s.includes('"__meta_openstack_project_id":"p-ops"')));
      assert.ok(first.some((s) => s.includes('"__meta_openstack_tag_team_name":"core"') && s.includes('"__meta_openstack_address_pool":"storage"')));
      assert.ok(first.some((s) => s.includes('"__meta_openstack_hypervisor_id":"721"') && s.includes('"__meta_openstack_hypervisor_state":"down"')));
      for (let i = 10; i < 20; i++) server(i);
      await p.agree(20 + 5 * 2 + 2, 'new servers on all sides', 30000);
      f.servers = f.servers.filter((s) => !/^srv-1[0-4]$/.test(s.id));
      await p.agree(15 + 4 * 2 + 2, 'deleted servers on all sides', 30000);
      f.failWith(503);
      await eventually(async () => /prometheus_sd_refresh_failures_total\{config="os-instance",mechanism="openstack"\} [1-9]/.test(await p.metrics()) ? true : undefined, 20000, 'openstack refresh failures counted');
      await p.agree(15 + 4 * 2 + 2, 'the last targets kept while the cloud fails');
    });
  } finally {
    await f.down();
  }
});
