import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AzureSDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { AzureDiscoverer, mapVM } from './azure.js';
import { cloudConfigFromName } from './environments.js';
import { AzureSDMetrics } from './metrics.js';
import { parseResourceID } from './resource-id.js';
import { FakeAzure } from './testing-fake-azure.js';

const never = new AbortController().signal;

test('azure SD: Prometheus TestMapFromVM* and TestMapFromVMScaleSetVM* — machines mapped from Resource Manager JSON', () => {
  const props = (osType?: string) => ({
    osProfile: { computerName: 'computer_name' }, storageProfile: { osDisk: osType === undefined ? {} : { osType } },
    networkProfile: { networkInterfaces: [] }, hardwareProfile: { vmSize: 'size' },
  });
  const base = { id: 'test', name: 'name', type: 'type', location: 'westeurope' };
  const want = { id: 'test', name: 'name', computerName: 'computer_name', type: 'type', location: 'westeurope', osType: 'Linux', scaleSet: '', instanceID: '', tags: [] as [string, string][], networkInterfaces: [] as string[], size: 'size' };
  assert.deepEqual(mapVM({ ...base, tags: null, properties: props('Linux') }, ''), want, 'empty tags');
  assert.deepEqual(mapVM({ ...base, properties: props() }, ''), { ...want, osType: '' }, 'empty OS type');
  assert.deepEqual(mapVM({ ...base, tags: { prometheus: '' }, properties: props('Linux') }, ''), { ...want, tags: [['prometheus', '']] }, 'tags');
  const ss = { ...want, scaleSet: 'testSet', instanceID: '123' };
  assert.deepEqual(mapVM({ ...base, instanceId: '123', properties: props('Linux') }, 'testSet'), ss, 'scale set VM');
  assert.deepEqual(mapVM({ ...base, instanceId: '123', tags: { prometheus: '' }, properties: { ...props(), storageProfile: {} } }, 'testSet'), { ...ss, osType: '', tags: [['prometheus', '']] }, 'scale set VM, tags, no OS type');
});

test('azure SD: Prometheus TestNewAzureResourceFromID, and ids it rejects', () => {
  assert.deepEqual(parseResourceID('/subscriptions/SUBSCRIPTION_ID/resourceGroups/group/providers/PROVIDER/TYPE/name'), { subscriptionID: 'SUBSCRIPTION_ID', resourceGroupName: 'group', name: 'name' });
  assert.deepEqual(parseResourceID('/subscriptions/SUBSCRIPTION_ID/resourceGroups/group/providers/PROVIDER/TYPE/name/TYPE/h'), { subscriptionID: 'SUBSCRIPTION_ID', resourceGroupName: 'group', name: 'h' });
  assert.throws(() => parseResourceID('test'), /must start with '\/'/);
  assert.throws(() => parseResourceID('/foo/bar'), /invalid resource ID/);
  assert.throws(() => parseResourceID('/subscriptions/x/resourceGroups'), /invalid resource ID/);
});

test('azure SD: environments by name, and the AzureStackCloud file', () => {
  assert.equal(cloudConfigFromName('AzurePublicCloud', {}).resourceManagerEndpoint, 'https://management.azure.com/');
  assert.equal(cloudConfigFromName('azurechinacloud', {}).activeDirectoryEndpoint, 'https://login.chinacloudapi.cn/');
  assert.equal(cloudConfigFromName('AzureGermanCloud', {}).resourceManagerEndpoint, 'https://management.azure.com/');
  assert.throws(() => cloudConfigFromName('Mars', {}), { message: 'there is no cloud configuration matching the name "MARS"' });
  const dir = mkdtempSync(join(tmpdir(), 'wf-azenv-'));
  try {
    writeFileSync(join(dir, 'env.json'), JSON.stringify({ activeDirectoryEndpoint: 'http://ad', resourceManagerEndpoint: 'http://rm/' }));
    assert.deepEqual(cloudConfigFromName('AzureStackCloud', { AZURE_ENVIRONMENT_FILEPATH: join(dir, 'env.json') }), { activeDirectoryEndpoint: 'http://ad/', resourceManagerEndpoint: 'http://rm/', audience: 'http://rm/' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Setup { f: FakeAzure; env: Record<string, string>; reg: Registry }

async function withFake(fn: (s: Setup) => Promise<void>): Promise<void> {
  const f = new FakeAzure();
  await f.up();
  f.clients.set('client-1', { secret: 'secret-1' });
  const dir = mkdtempSync(join(tmpdir(), 'wf-az-'));
  f.environmentFile(join(dir, 'env.json'));
  try {
    await fn({ f, env: { AZURE_ENVIRONMENT_FILEPATH: join(dir, 'env.json') }, reg: new Registry() });
  } finally {
    await f.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

function cfg(f: FakeAzure, o: Partial<AzureSDConfig> = {}): AzureSDConfig {
  return {
    environment: 'AzureStackCloud', port: 80, subscription_id: f.subscription, tenant_id: f.tenant, client_id: 'client-1', client_secret: 'secret-1' as Secret,
    refresh_interval: 300_000 as Millis, authentication_method: 'OAuth', resource_group: '', http_client: defaultHTTPClientConfig(), ...o,
  };
}

function discoverer(s: Setup, c: AzureSDConfig, env: Record<string, string> = {}): AzureDiscoverer {
  return new AzureDiscoverer(c, { metrics: AzureSDMetrics.for(s.reg), refreshMetrics: RefreshMetrics.for(s.reg), setName: 'azure', env: { ...s.env, ...env }, userAgent: 'Watchfire/test' });
}

test('azure SD: Prometheus TestAzureRefresh — VMs over two pages and a scale set\'s VMs, one interface each', async () => {
  await withFake(async (s) => {
    const { f } = s;
    f.pageSize = 2;
    const rg = '{resourceGroup}';
    f.nics.push({ name: 'nic', resourceGroup: rg, primary: true, privateIp: '10.0.0.1' });
    for (const n of ['vm1', 'vm2', 'vm3', 'vm4']) f.vms.push({ name: n, resourceGroup: rg, location: 'australiaeast', computerName: 'computer_name', osType: 'Linux', size: 'size', tags: { prometheus: '' }, nics: ['nic'] });
    f.scaleSets.push({ name: 'vmScaleSet1', resourceGroup: rg, location: 'australiaeast' });
    for (const i of ['1', '2']) {
      f.nics.push({ name: 'nic', resourceGroup: rg, primary: true, privateIp: '10.0.0.1', scaleSet: 'vmScaleSet1', instanceId: i });
      f.vms.push({ name: `vmScaleSet1_vm${i}`, resourceGroup: rg, location: 'australiaeast', computerName: 'computer_name', osType: 'Linux', size: 'size', tags: { prometheus: '' }, nics: ['nic'], scaleSet: 'vmScaleSet1', instanceId: i });
    }
    const [g] = await discoverer(s, cfg(f)).refresh(never);
    assert.equal(g!.source, '');
    const sorted = [...g!.targets].sort((a, b) => (a['__meta_azure_machine_id']! < b['__meta_azure_machine_id']! ? -1 : 1));
    const want = (vm: (typeof f.vms)[number]): Record<string, string> => ({
      __address__: '10.0.0.1:80', __meta_azure_machine_computer_name: 'computer_name', __meta_azure_machine_id: f.vmID(vm), __meta_azure_machine_location: 'australiaeast',
      __meta_azure_machine_name: vm.scaleSet === undefined ? vm.name : `${vm.scaleSet}_${vm.instanceId!}`, __meta_azure_machine_os_type: 'Linux', __meta_azure_machine_private_ip: '10.0.0.1',
      __meta_azure_machine_resource_group: rg, __meta_azure_machine_size: 'size', __meta_azure_machine_tag_prometheus: '', __meta_azure_subscription_id: f.subscription,
      __meta_azure_tenant_id: f.tenant, ...(vm.scaleSet !== undefined ? { __meta_azure_machine_scale_set: vm.scaleSet } : {}),
    });
    assert.deepEqual(sorted, [...f.vms].map(want).sort((a, b) => (a['__meta_azure_machine_id']! < b['__meta_azure_machine_id']! ? -1 : 1)));
    assert.equal(f.requests.filter((r) => r.path.endsWith('/virtualMachines') && !r.path.includes('ScaleSets')).length, 2, 'two pages of VMs');
    assert.ok(f.requests.some((r) => r.path.includes('/virtualMachineScaleSets/vmScaleSet1/virtualMachines/2/networkInterfaces/nic') && r.query.includes('api-version=2018-10-01')));
  });
});

test('azure SD: deallocated, vanished and public interfaces, the interface cache, resource groups, managed identity, failures', async () => {
  await withFake(async (s) => {
    const { f } = s;
    f.nics.push(
      { name: 'web-nic', resourceGroup: 'rg-a', primary: true, privateIp: '10.1.0.4', publicIp: '203.0.113.4' },
      { name: 'web-nic2', resourceGroup: 'rg-a', primary: false, privateIp: '10.1.1.4' },
      { name: 'stopped-nic', resourceGroup: 'rg-a', primary: null, privateIp: '10.1.0.5' },
      { name: 'db-nic', resourceGroup: 'rg-b', primary: true, privateIp: 'fd00::6' },
    );
    f.vms.push(
      { name: 'web', resourceGroup: 'rg-a', nics: ['web-nic2', 'web-nic'], tags: { 'team.name': 'core', nulled: null } },
      { name: 'stopped', resourceGroup: 'rg-a', nics: ['stopped-nic'] },
      { name: 'gone', resourceGroup: 'rg-a', nics: ['missing-nic'] },
      { name: 'db', resourceGroup: 'rg-b', nics: ['db-nic'], osType: 'Windows' },
    );
    const d = discoverer(s, cfg(f, { port: 9182 }));
    let [g] = await d.refresh(never);
    assert.deepEqual(g!.targets.map((t) => t['__address__']), ['10.1.0.4:9182', '[fd00::6]:9182']);
    const web = g!.targets[0]!;
    assert.equal(web['__meta_azure_machine_public_ip'], '203.0.113.4');
    assert.equal(web['__meta_azure_machine_tag_team_name'], 'core');
    assert.equal(web['__meta_azure_machine_tag_nulled'], '');
    const metrics = AzureSDMetrics.for(s.reg);
    assert.equal(metrics.cacheHits.value, 0);
    [g] = await d.refresh(never);
    assert.equal(g!.targets.length, 2);
    assert.equal(metrics.cacheHits.value, 4, 'the interfaces of the listed machines came from the cache');

    [g] = await discoverer(s, cfg(f, { resource_group: 'rg-b' })).refresh(never);
    assert.deepEqual(g!.targets.map((t) => t['__meta_azure_machine_name']), ['db']);

    f.managedIdentity = '';
    // The managed identity endpoint (the instance metadata service) is the fake's, through AZURE_POD_IDENTITY_AUTHORITY_HOST.
    const mi = discoverer(s, cfg(f, { authentication_method: 'ManagedIdentity', client_id: '', client_secret: '', tenant_id: '' }), { AZURE_POD_IDENTITY_AUTHORITY_HOST: f.url });
    [g] = await mi.refresh(never);
    assert.equal(g!.targets.length, 2);
    assert.equal(g!.targets[0]!['__meta_azure_tenant_id'], '');

    const failures = (): number => metrics.failures.value;
    const before = failures();
    await assert.rejects(discoverer(s, cfg(f, { client_secret: 'wrong' as Secret })).refresh(never),
      /^Error: could not get virtual machines: could not list virtual machines: ClientSecretCredential: authentication failed: POST http:\/\/127\.0\.0\.1:\d+\/tenant-1\/oauth2\/v2\.0\/token: RESPONSE 401: invalid_client: AADSTS7000215: Invalid client secret provided\.$/);
    await assert.rejects(discoverer(s, cfg(f, { environment: 'Mars' })).refresh(never), { message: 'could not create Azure client: there is no cloud configuration matching the name "MARS"' });
    f.nics.push({ name: 'noip-nic', resourceGroup: 'rg-b', primary: true });
    f.vms.push({ name: 'noip', resourceGroup: 'rg-b', nics: ['noip-nic'] });
    await assert.rejects(discoverer(s, cfg(f)).refresh(never), { message: 'unable to complete Azure service discovery: unable to find a private IP for VM noip' });
    assert.equal(failures(), before + 3);
  });
});

test('azure SD: refresh follows changes; a failing Resource Manager keeps the last targets and counts the failure', async () => {
  await withFake(async (s) => {
    const { f } = s;
    f.nics.push({ name: 'a', resourceGroup: 'rg', primary: true, privateIp: '10.2.0.1' }, { name: 'b', resourceGroup: 'rg', primary: true, privateIp: '10.2.0.2' });
    f.vms.push({ name: 'a', resourceGroup: 'rg', nics: ['a'] });
    const d = discoverer(s, cfg(f, { refresh_interval: 30 as Millis }));
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (gs) => { sent.push(gs); });
    const last = (): string => (sent.at(-1)?.[0]?.targets ?? []).map((t) => t['__address__']).join(',');
    try {
      await waitFor(() => last() === '10.2.0.1:80', 3000, 'the first listing');
      f.vms.push({ name: 'b', resourceGroup: 'rg', nics: ['b'] });
      await waitFor(() => last() === '10.2.0.1:80,10.2.0.2:80', 3000, 'a new VM');
      f.failWith(500);
      const m = AzureSDMetrics.for(s.reg);
      await waitFor(() => m.failures.value >= 2, 3000, 'azure failures counted');
      assert.ok(RefreshMetrics.for(s.reg).failures.labels('azure', 'azure').value >= 2);
      const n = sent.length;
      f.vms.shift();
      await waitFor(() => m.failures.value >= 4, 3000, 'more failures');
      assert.equal(sent.length, n, 'nothing sent while failing');
      f.failWith(null);
      await waitFor(() => last() === '10.2.0.2:80', 3000, 'recovery');
    } finally {
      ac.abort();
      await done;
    }
  });
});
