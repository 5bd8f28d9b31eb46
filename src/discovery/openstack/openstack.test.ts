import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenStackSDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultTLSConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { nopLogger } from '../../util/log.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { hypervisorTargets } from './hypervisor.js';
import { decodeServer, instanceTargets } from './instance.js';
import { tokenRequestBody, type AuthOptions } from './keystone.js';
import { OpenStackDiscoverer } from './openstack.js';
import { FakeOpenStack } from './testing-fake-openstack.js';

const never = new AbortController().signal;

// The servers of Prometheus's OpenStack mock (fields the labels read), and its ports and
// floating IPs reduced to the (server, fixed address) → floating address they resolve to.
const MOCK_SERVERS = [
  { id: 'af9bcad9-3c87-477d-9347-b291eabf480e', name: 'herp2', status: 'ERROR', tenant_id: 'fcad67a6189847c4aecfa3c81a05783b', user_id: '9349aff8be7545ac9d2f1d00999a23cd', addresses: {}, image: { id: 'f90f6034-2570-4974-8351-6b49732ef2eb' }, flavor: { id: '1' }, metadata: {} },
  {
    id: 'ef079b0c-e610-4dfb-b1aa-b49f07ac48e5', name: 'herp', status: 'ACTIVE', tenant_id: 'fcad67a6189847c4aecfa3c81a05783b', user_id: '9349aff8be7545ac9d2f1d00999a23cd',
    addresses: { private: [{ version: 4, addr: '10.0.0.32', 'OS-EXT-IPS:type': 'fixed' }, { version: 4, addr: '10.10.10.2', 'OS-EXT-IPS:type': 'floating' }] },
    image: { id: 'f90f6034-2570-4974-8351-6b49732ef2eb' }, flavor: { id: '1' }, metadata: {},
  },
  {
    id: '9e5476bd-a4ec-4653-93d6-72c93aa682ba', name: 'derp', status: 'ACTIVE', tenant_id: 'fcad67a6189847c4aecfa3c81a05783b', user_id: '9349aff8be7545ac9d2f1d00999a23cd',
    addresses: { private: [{ version: 4, addr: '10.0.0.31', 'OS-EXT-IPS:type': 'fixed' }] },
    image: { id: 'f90f6034-2570-4974-8351-6b49732ef2eb' }, flavor: { vcpus: 2, ram: 4096, original_name: 'm1.medium', extra_specs: { 'hw:mem_page_size': 'large' } }, metadata: {},
  },
  {
    id: '9e5476bd-a4ec-4653-93d6-72c93aa682bb', name: 'merp', status: 'ACTIVE', tenant_id: 'fcad67a6189847c4aecfa3c81a05783b', user_id: '9349aff8be7545ac9d2f1d00999a23cd',
    addresses: { private: [{ version: 4, addr: '10.0.0.33', 'OS-EXT-IPS:type': 'fixed' }, { version: 4, addr: '10.0.0.34', 'OS-EXT-IPS:type': 'fixed' }, { version: 4, addr: '10.10.10.4', 'OS-EXT-IPS:type': 'floating' }] },
    image: '', flavor: { original_name: 'm1.small' }, metadata: { env: 'prod' },
  },
  {
    id: '87caf8ed-d92a-41f6-9dcd-d1399e39899f', name: 'merp-project2', status: 'ACTIVE', tenant_id: 'b78fef2305934dbbbeb9a10b4c326f7a', user_id: '9349aff8be7545ac9d2f1d00999a23cd',
    addresses: { private: [{ version: 4, addr: '10.0.0.33', 'OS-EXT-IPS:type': 'fixed' }, { version: 4, addr: '10.0.0.34', 'OS-EXT-IPS:type': 'fixed' }, { version: 4, addr: '10.10.10.24', 'OS-EXT-IPS:type': 'floating' }] },
    image: '', flavor: { original_name: 'm1.small' }, metadata: { env: 'prod' },
  },
];

test('openstack SD: Prometheus TestOpenstackSDInstanceRefresh — six targets from the mock servers and floating IPs', () => {
  const fips = {
    byFixed: new Map([
      ['ef079b0c-e610-4dfb-b1aa-b49f07ac48e5\xff10.0.0.32', '10.10.10.2'],
      ['9e5476bd-a4ec-4653-93d6-72c93aa682bb\xff10.0.0.34', '10.10.10.4'],
      ['87caf8ed-d92a-41f6-9dcd-d1399e39899f\xff10.0.0.34', '10.10.10.24'],
    ]),
    present: new Set(['10.10.10.2', '10.10.10.4', '10.10.10.24']),
  };
  const got = instanceTargets(MOCK_SERVERS.map(decodeServer), fips, 0, nopLogger);
  const common = { __meta_openstack_user_id: '9349aff8be7545ac9d2f1d00999a23cd', __meta_openstack_address_pool: 'private', __meta_openstack_instance_status: 'ACTIVE' };
  const p1 = 'fcad67a6189847c4aecfa3c81a05783b';
  assert.deepEqual(got, [
    { ...common, __address__: '10.0.0.32:0', __meta_openstack_instance_flavor: '1', __meta_openstack_instance_id: 'ef079b0c-e610-4dfb-b1aa-b49f07ac48e5', __meta_openstack_instance_image: 'f90f6034-2570-4974-8351-6b49732ef2eb', __meta_openstack_instance_name: 'herp', __meta_openstack_private_ip: '10.0.0.32', __meta_openstack_public_ip: '10.10.10.2', __meta_openstack_project_id: p1 },
    { ...common, __address__: '10.0.0.31:0', __meta_openstack_instance_flavor: 'm1.medium', __meta_openstack_instance_id: '9e5476bd-a4ec-4653-93d6-72c93aa682ba', __meta_openstack_instance_image: 'f90f6034-2570-4974-8351-6b49732ef2eb', __meta_openstack_instance_name: 'derp', __meta_openstack_private_ip: '10.0.0.31', __meta_openstack_project_id: p1 },
    { ...common, __address__: '10.0.0.33:0', __meta_openstack_instance_flavor: 'm1.small', __meta_openstack_instance_id: '9e5476bd-a4ec-4653-93d6-72c93aa682bb', __meta_openstack_instance_name: 'merp', __meta_openstack_private_ip: '10.0.0.33', __meta_openstack_tag_env: 'prod', __meta_openstack_project_id: p1 },
    { ...common, __address__: '10.0.0.34:0', __meta_openstack_instance_flavor: 'm1.small', __meta_openstack_instance_id: '9e5476bd-a4ec-4653-93d6-72c93aa682bb', __meta_openstack_instance_name: 'merp', __meta_openstack_private_ip: '10.0.0.34', __meta_openstack_tag_env: 'prod', __meta_openstack_public_ip: '10.10.10.4', __meta_openstack_project_id: p1 },
    { ...common, __address__: '10.0.0.33:0', __meta_openstack_instance_flavor: 'm1.small', __meta_openstack_instance_id: '87caf8ed-d92a-41f6-9dcd-d1399e39899f', __meta_openstack_instance_name: 'merp-project2', __meta_openstack_private_ip: '10.0.0.33', __meta_openstack_tag_env: 'prod', __meta_openstack_project_id: 'b78fef2305934dbbbeb9a10b4c326f7a' },
    { ...common, __address__: '10.0.0.34:0', __meta_openstack_instance_flavor: 'm1.small', __meta_openstack_instance_id: '87caf8ed-d92a-41f6-9dcd-d1399e39899f', __meta_openstack_instance_name: 'merp-project2', __meta_openstack_private_ip: '10.0.0.34', __meta_openstack_tag_env: 'prod', __meta_openstack_public_ip: '10.10.10.24', __meta_openstack_project_id: 'b78fef2305934dbbbeb9a10b4c326f7a' },
  ]);
  assert.throws(() => decodeServer({ id: 'x', metadata: { n: 1 } }), /cannot unmarshal number into Go struct field Server\.metadata of type string/);
});

test('openstack SD: Prometheus TestOpenstackSDHypervisorRefresh', () => {
  const got = hypervisorTargets([
    { status: 'enabled', hypervisor_type: 'QEMU', hypervisor_hostname: 'nc14.cloud.com', state: 'up', host_ip: '172.16.70.14', id: 1, running_vms: 10 },
    { status: 'enabled', hypervisor_type: 'QEMU', hypervisor_hostname: 'cc13.cloud.com', state: 'up', host_ip: '172.16.70.13', id: 721 },
  ], 0);
  const h = (id: string, host: string, ip: string): Record<string, string> => ({
    __address__: `${ip}:0`, __meta_openstack_hypervisor_hostname: host, __meta_openstack_hypervisor_type: 'QEMU', __meta_openstack_hypervisor_host_ip: ip,
    __meta_openstack_hypervisor_state: 'up', __meta_openstack_hypervisor_status: 'enabled', __meta_openstack_hypervisor_id: id,
  });
  assert.deepEqual(got, [h('1', 'nc14.cloud.com', '172.16.70.14'), h('721', 'cc13.cloud.com', '172.16.70.13')]);
});

test('openstack keystone: token request bodies as gophercloud builds them', () => {
  const o: AuthOptions = {
    identityEndpoint: 'x', username: 'u', userID: '', password: 'p', projectName: 'proj', projectID: '', domainName: 'Default', domainID: '',
    applicationCredentialName: '', applicationCredentialID: '', applicationCredentialSecret: '',
  };
  assert.deepEqual(tokenRequestBody(o), { auth: { identity: { methods: ['password'], password: { user: { name: 'u', domain: { name: 'Default' }, password: 'p' } } }, scope: { project: { name: 'proj', domain: { name: 'Default' } } } } });
  assert.deepEqual(tokenRequestBody({ ...o, userID: 'uid', projectID: 'pid', domainName: '' }), { auth: { identity: { methods: ['password'], password: { user: { id: 'uid', password: 'p' } } }, scope: { project: { id: 'pid' } } } });
  assert.deepEqual(tokenRequestBody({ ...o, applicationCredentialID: 'ac', applicationCredentialSecret: 's' }), { auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac', secret: 's' } } } });
  assert.throws(() => tokenRequestBody({ ...o, domainName: '' }), /You must provide exactly one of DomainID or DomainName to authenticate by Username/);
  assert.throws(() => tokenRequestBody({ ...o, applicationCredentialName: 'n' }), /ApplicationCredentialSecret/);
});

function cfg(f: FakeOpenStack, o: Partial<OpenStackSDConfig> = {}): OpenStackSDConfig {
  return {
    identity_endpoint: f.url, username: 'admin', userid: '', password: 'secret' as Secret, project_name: 'ops', project_id: '', domain_name: 'Default', domain_id: '',
    application_credential_name: '', application_credential_id: '', application_credential_secret: '', role: 'instance', region: 'RegionOne',
    refresh_interval: 60_000 as Millis, port: 9100, all_tenants: false, tls_config: defaultTLSConfig(), availability: 'public', ...o,
  };
}

function seed(f: FakeOpenStack): void {
  f.projects.push({ id: 'p-ops', name: 'ops', domain: 'Default' }, { id: 'p-dev', name: 'dev', domain: 'Default' });
  f.users.push({ id: 'u-admin', name: 'admin', domain: 'Default', password: 'secret', admin: true, project: 'p-ops' }, { id: 'u-dev', name: 'dev', domain: 'Default', password: 'dev', project: 'p-dev' });
  f.appCredentials.push({ id: 'ac-1', name: 'sd', userId: 'u-dev', secret: 'ac-secret' });
  f.servers.push(
    { id: 's-1', name: 'web-1', projectId: 'p-ops', flavor: { id: 'f1', name: 'm1.small' }, metadata: { 'prometheus.io/scrape': 'true' }, addresses: { private: ['10.0.0.1'], ipv6: ['fd00::1'] } },
    { id: 's-2', name: 'db-1', projectId: 'p-dev', flavor: { id: 'f2', name: 'm1.large' }, image: '', addresses: { private: ['10.0.1.1'] } },
    { id: 's-3', name: 'empty', projectId: 'p-ops', flavor: { id: 'f1', name: 'm1.small' }, addresses: {} },
  );
  f.associate('203.0.113.7', 's-1', '10.0.0.1', 'p-ops');
  f.associate('203.0.113.99', null, null, 'p-ops');
  f.hypervisors.push({ id: 7, hostname: 'hv-7', hostIP: '192.0.2.7' });
  f.loadBalancers.push(
    { id: 'lb-1', name: 'metrics', projectId: 'p-ops', vip: '10.0.9.1', vipPortId: 'vip-port', tags: ['a', 'b'], az: 'az1', listeners: [{ protocol: 'HTTP', port: 80 }, { protocol: 'PROMETHEUS', port: 9999 }] },
    { id: 'lb-2', name: 'plain', projectId: 'p-ops', vip: '10.0.9.2', listeners: [{ protocol: 'HTTP', port: 80 }] },
  );
}

async function withFake(fn: (f: FakeOpenStack) => Promise<void>): Promise<void> {
  const f = new FakeOpenStack();
  await f.up();
  seed(f);
  try {
    await fn(f);
  } finally {
    await f.down();
  }
}

function discoverer(c: OpenStackSDConfig, reg = new Registry(), env: Record<string, string> = {}): OpenStackDiscoverer {
  return new OpenStackDiscoverer(c, { refreshMetrics: RefreshMetrics.for(reg), setName: 'os', userAgent: 'Watchfire/test', env });
}

const addrs = (g: TargetGroup[]): string => g[0]!.targets.map((t) => t['__address__']).join(',');

test('openstack SD: the fake cloud — version discovery, password and application credentials, projects, all_tenants, availability, paging', async () => {
  await withFake(async (f) => {
    let g = await discoverer(cfg(f)).refresh(never);
    assert.equal(g[0]!.source, 'OS_RegionOne');
    assert.equal(addrs(g), '10.0.0.1:9100,[fd00::1]:9100', 'the scoped project only; a server without addresses is skipped');
    const web = g[0]!.targets[0]!;
    assert.equal(web['__meta_openstack_public_ip'], '203.0.113.7');
    assert.equal(web['__meta_openstack_tag_prometheus_io_scrape'], 'true');
    assert.equal(web['__meta_openstack_instance_flavor'], 'f1', 'no microversion: the flavor id');
    assert.equal(web['__meta_openstack_instance_image'], 'image-1');

    f.serverPageSize = 1;
    g = await discoverer(cfg(f, { all_tenants: true })).refresh(never);
    assert.equal(addrs(g), '10.0.0.1:9100,[fd00::1]:9100,10.0.1.1:9100', 'every project, over three pages');
    assert.equal(g[0]!.targets[2]!['__meta_openstack_instance_image'], undefined, 'booted from a volume');

    const before = f.requests.filter((r) => r.path.startsWith('/admin/')).length;
    await discoverer(cfg(f, { availability: 'admin', identity_endpoint: f.identityV3 })).refresh(never);
    assert.ok(f.requests.filter((r) => r.path.startsWith('/admin/')).length > before, 'the admin interface was used');

    g = await discoverer(cfg(f, { username: '', password: '', project_name: '', domain_name: '', application_credential_id: 'ac-1', application_credential_secret: 'ac-secret' as Secret })).refresh(never);
    assert.equal(addrs(g), '10.0.1.1:9100', 'the application credential scope');

    await assert.rejects(discoverer(cfg(f, { password: 'wrong' as Secret })).refresh(never),
      /^Error: could not authenticate to OpenStack: Expected HTTP response code \[201\] when accessing \[POST http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens\], but got 401 instead: \{"error"/);
    await assert.rejects(discoverer(cfg(f, { username: 'dev', password: 'dev' as Secret, project_name: 'dev', all_tenants: true })).refresh(never), /but got 403 instead/);
    await assert.rejects(discoverer(cfg(f, { region: 'Nowhere' })).refresh(never), { message: 'could not create OpenStack compute session: No suitable endpoint could be found in the service catalog.' });

    g = await discoverer(cfg(f, { identity_endpoint: '' }), new Registry(), { OS_AUTH_URL: f.identityV3, OS_USERNAME: 'dev', OS_PASSWORD: 'dev', OS_PROJECT_NAME: 'dev', OS_USER_DOMAIN_NAME: 'Default' }).refresh(never);
    assert.equal(addrs(g), '10.0.1.1:9100', 'settings from OS_* variables');
    assert.throws(() => discoverer(cfg(f, { identity_endpoint: '' })), { message: 'Missing environment variable [OS_AUTH_URL]' });
  });
});

test('openstack SD: hypervisor and loadbalancer roles against the fake cloud', async () => {
  await withFake(async (f) => {
    const h = await discoverer(cfg(f, { role: 'hypervisor' })).refresh(never);
    assert.deepEqual(h[0]!.targets, [{
      __address__: '192.0.2.7:9100', __meta_openstack_hypervisor_id: '7', __meta_openstack_hypervisor_hostname: 'hv-7', __meta_openstack_hypervisor_host_ip: '192.0.2.7',
      __meta_openstack_hypervisor_status: 'enabled', __meta_openstack_hypervisor_state: 'up', __meta_openstack_hypervisor_type: 'QEMU',
    }]);
    f.associate('198.51.100.5', null, null, 'p-ops');
    const lb = await discoverer(cfg(f, { role: 'loadbalancer' })).refresh(never);
    assert.deepEqual(lb[0]!.targets, [{
      __address__: '10.0.9.1:9999', __meta_openstack_loadbalancer_id: 'lb-1', __meta_openstack_loadbalancer_name: 'metrics',
      __meta_openstack_loadbalancer_operating_status: 'ONLINE', __meta_openstack_loadbalancer_provisioning_status: 'ACTIVE',
      __meta_openstack_loadbalancer_availability_zone: 'az1', __meta_openstack_loadbalancer_vip: '10.0.9.1', __meta_openstack_loadbalancer_provider: 'amphora',
      __meta_openstack_project_id: 'p-ops', __meta_openstack_loadbalancer_tags: 'a,b',
    }]);
  });
});

test('openstack SD: refresh follows changes; a failing cloud keeps the last targets and counts the failure', async () => {
  await withFake(async (f) => {
    const reg = new Registry();
    const d = discoverer(cfg(f, { refresh_interval: 30 as Millis }), reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (gs) => { sent.push(gs); });
    const last = (): string => (sent.length === 0 ? '' : addrs(sent.at(-1)!));
    try {
      await waitFor(() => last() === '10.0.0.1:9100,[fd00::1]:9100', 3000, 'the first listing');
      f.servers.push({ id: 's-4', name: 'web-2', projectId: 'p-ops', flavor: { id: 'f1', name: 'm1.small' }, addresses: { private: ['10.0.0.2'] } });
      await waitFor(() => last() === '10.0.0.1:9100,[fd00::1]:9100,10.0.0.2:9100', 3000, 'a new server');
      f.failWith(503);
      const failures = (): number => RefreshMetrics.for(reg).failures.labels('os', 'openstack').value;
      await waitFor(() => failures() >= 2, 3000, 'failures counted');
      const n = sent.length;
      f.servers.shift();
      await waitFor(() => failures() >= 4, 3000, 'more failures');
      assert.equal(sent.length, n, 'nothing sent while failing');
      f.failWith(null);
      await waitFor(() => last() === '10.0.0.2:9100', 3000, 'recovery');
    } finally {
      ac.abort();
      await done;
    }
  });
});
