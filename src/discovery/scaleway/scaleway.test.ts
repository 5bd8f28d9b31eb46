import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScalewaySDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { repoRoot } from '../../testing/peers.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { ScalewayDiscoverer } from './scaleway.js';
import { FakeScaleway, type APIObject } from './testing-fake-scaleway.js';

function testdata<T>(name: string): T[] {
  return JSON.parse(readFileSync(join(repoRoot(), 'src', 'discovery', 'scaleway', 'testdata', name), 'utf8')) as T[];
}

/** Prometheus's test credentials. */
const PROJECT = '8feda53f-15f0-447f-badf-ebe32dad2fc0';
const SECRET = '6d6579e5-a5b9-49fc-a35f-b4feb9b87301';
const ACCESS = 'SCW0W8NG6024YHRJ7723';

function config(f: FakeScaleway, o: Partial<ScalewaySDConfig> = {}): ScalewaySDConfig {
  return {
    project_id: PROJECT, api_url: f.apiURL, zone: 'fr-par-1', access_key: ACCESS, secret_key: SECRET as Secret, secret_key_file: '',
    name_filter: '', tags_filter: [], http_client: defaultHTTPClientConfig(), refresh_interval: 60_000 as Millis, port: 80, role: 'instance', ...o,
  };
}

function discoverer(f: FakeScaleway, o: Partial<ScalewaySDConfig> = {}, reg = new Registry()): ScalewayDiscoverer {
  return new ScalewayDiscoverer(config(f, o), { refreshMetrics: RefreshMetrics.for(reg), setName: 'scaleway', userAgent: 'Watchfire/test' });
}

async function withFake<T>(fn: (f: FakeScaleway) => Promise<T>): Promise<T> {
  const f = new FakeScaleway({ secretKey: SECRET });
  await f.up();
  try {
    return await fn(f);
  } finally {
    await f.down();
  }
}

test("scaleway SD: Prometheus's TestScalewayInstanceRefresh case", async () => {
  await withFake(async (f) => {
    // Prometheus's mock answers the fr-par-1 listing with all four servers (one is in nl-ams-1).
    f.instances.set('fr-par-1', testdata<APIObject>('instance-servers.json'));
    const groups = await discoverer(f).refresh(AbortSignal.timeout(5000));
    assert.deepEqual(groups.map((g) => g.source), ['scaleway']);
    assert.deepEqual(groups[0]!.targets, testdata('expected-instance.json'));
    assert.deepEqual(f.requests.map((r) => `${r.path}?${r.query.toString()}`), ['/instance/v1/zones/fr-par-1/servers?page=1']);
    assert.equal(f.requests[0]!.headers['user-agent'], 'Watchfire/test');
  });
});

test("scaleway SD: Prometheus's TestScalewayInstanceRefreshIPAMPrivateNIC case", async () => {
  await withFake(async (f) => {
    const nic = '2d17a5a0-f8e5-4e7f-a029-f7c8d182af53';
    f.instances.set('fr-par-1', [{
      id: '78d6aa69-6a5f-47bd-9f1a-3cdde6973d96', name: 'ipam-only', organization: 'cb334986-b054-4725-9d3a-40850fdc6015',
      project: 'cb334986-b054-4725-9d5a-30850fdc6015', commercial_type: 'DEV1-S', hostname: 'ipam-only', state: 'running', boot_type: 'local',
      routed_ip_enabled: true, public_ip: null, public_ips: [], private_ip: null,
      private_nics: [{ id: nic, server_id: '78d6aa69-6a5f-47bd-9f1a-3cdde6973d96', private_network_id: '18ba4ed4-d194-4b5d-9083-447325234a71', mac_address: '02:00:00:00:31:90', state: 'available', zone: 'fr-par-1' }],
      zone: 'fr-par-1',
    }]);
    f.ipamIPs.set('fr-par', [
      { id: 'b50244c4-b0b1-4cc9-a78c-26034b4967d3', address: '10.0.0.7/32', project_id: 'cb334986-b054-4725-9d5a-30850fdc6015', is_ipv6: false, resource: { type: 'instance_private_nic', id: nic }, region: 'fr-par' },
      { id: 'other', address: 'fd00::7/64', is_ipv6: true, resource: { type: 'instance_private_nic', id: nic }, region: 'fr-par' },
    ]);
    const groups = await discoverer(f).refresh(AbortSignal.timeout(5000));
    assert.equal(groups[0]!.targets.length, 1);
    assert.equal(groups[0]!.targets[0]!['__address__'], '10.0.0.7:80');
    assert.equal(groups[0]!.targets[0]!['__meta_scaleway_instance_private_ipv4'], '10.0.0.7');
    const ipam = f.requests.find((r) => r.path === '/ipam/v1/regions/fr-par/ips')!;
    assert.equal(ipam.query.get('resource_ids'), nic);
    assert.equal(ipam.query.get('resource_types'), 'instance_private_nic');
  });
});

test("scaleway SD: Prometheus's TestScalewayInstanceAuthToken case (secret_key_file, read on every request)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-scw-'));
  try {
    await withFake(async (f) => {
      f.instances.set('fr-par-1', testdata<APIObject>('instance-servers.json'));
      const file = join(dir, 'secret_key');
      writeFileSync(file, `${SECRET}\n`);
      const d = discoverer(f, { secret_key: '', secret_key_file: file });
      assert.equal((await d.refresh(AbortSignal.timeout(5000)))[0]!.targets.length, 4);
      writeFileSync(file, '00000000-0000-0000-0000-000000000000');
      await assert.rejects(d.refresh(AbortSignal.timeout(5000)), { message: 'scaleway-sdk-go: denied authentication: authentication is denied' });
      assert.throws(() => discoverer(f, { secret_key: '', secret_key_file: join(dir, 'missing') }), /^Error: unable to read auth token file .*missing: /);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scaleway SD: malformed credentials are refused as the SDK refuses them', () => {
  const f = new FakeScaleway({ secretKey: SECRET });
  assert.throws(() => discoverer(f, { access_key: 'y' }), { message: "scaleway-sdk-go: invalid access key format 'y', expected SCWXXXXXXXXXXXXXXXXX format" });
  assert.throws(() => discoverer(f, { secret_key: 'z' as Secret }), { message: 'scaleway-sdk-go: invalid secret key format, expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' });
  assert.throws(() => discoverer(f, { project_id: 'p' }), /invalid project ID format 'p'/);
});

test('scaleway SD: filters, zones, pages and the baremetal role', async () => {
  await withFake(async (f) => {
    f.defaultPerPage = 2;
    const srv = (i: number, tags: string[]): APIObject => ({ id: `s${i}`, name: `web-${i}`, state: 'running', zone: 'nl-ams-1', tags, private_ip: `10.0.0.${i}`, public_ip: null, ipv6: null });
    f.instances.set('nl-ams-1', [srv(1, ['a']), srv(2, ['a', 'b']), srv(3, ['b']), srv(4, ['a', 'b']), srv(5, [])]);
    const all = await discoverer(f, { zone: 'nl-ams-1' }).refresh(AbortSignal.timeout(5000));
    assert.deepEqual(all[0]!.targets.map((t) => t['__address__']), ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.4:80', '10.0.0.5:80']);
    assert.deepEqual(f.requests.map((r) => r.query.get('page')), ['1', '2', '3']);
    const tagged = await discoverer(f, { zone: 'nl-ams-1', tags_filter: ['a', 'b'], name_filter: 'web' }).refresh(AbortSignal.timeout(5000));
    assert.deepEqual(tagged[0]!.targets.map((t) => [t['__address__'], t['__meta_scaleway_instance_tags'], t['__meta_scaleway_instance_region']]), [['10.0.0.2:80', ',a,b,', 'nl-ams'], ['10.0.0.4:80', ',a,b,', 'nl-ams']]);
    assert.equal(f.requests.at(-1)!.query.toString(), 'name=web&page=1&tags=a%2Cb');

    f.baremetal.set('fr-par-2', {
      servers: [
        { id: 'b1', name: 'metal-1', zone: 'fr-par-2', status: 'ready', project_id: PROJECT, offer_id: 'o1', install: { os_id: 'os1' }, tags: ['db'], ips: [{ address: '2001:db8::1', version: 'IPv6' }, { address: '51.1.2.3', version: 'IPv4' }, { address: '51.1.2.4', version: 'IPv4' }] },
        { id: 'b2', name: 'metal-2', zone: 'fr-par-2', status: 'ordered', project_id: PROJECT, offer_id: 'gone', ips: [] },
      ],
      offers: [{ id: 'o1', name: 'EM-A210R-HDD' }],
      os: [{ id: 'os1', name: 'Ubuntu', version: '22.04 LTS (Jammy Jellyfish)' }],
    });
    const metal = await discoverer(f, { role: 'baremetal', zone: 'fr-par-2', port: 9100 }).refresh(AbortSignal.timeout(5000));
    assert.deepEqual(metal[0]!.targets, [
      {
        __address__: '51.1.2.3:9100', __meta_scaleway_baremetal_id: 'b1', __meta_scaleway_baremetal_name: 'metal-1', __meta_scaleway_baremetal_zone: 'fr-par-2',
        __meta_scaleway_baremetal_status: 'ready', __meta_scaleway_baremetal_project_id: PROJECT, __meta_scaleway_baremetal_type: 'EM-A210R-HDD',
        __meta_scaleway_baremetal_os_name: 'Ubuntu', __meta_scaleway_baremetal_os_version: '22.04 LTS (Jammy Jellyfish)', __meta_scaleway_baremetal_tags: ',db,',
        __meta_scaleway_baremetal_public_ipv6: '2001:db8::1', __meta_scaleway_baremetal_public_ipv4: '51.1.2.3',
      },
      { __meta_scaleway_baremetal_id: 'b2', __meta_scaleway_baremetal_name: 'metal-2', __meta_scaleway_baremetal_zone: 'fr-par-2', __meta_scaleway_baremetal_status: 'ordered', __meta_scaleway_baremetal_project_id: PROJECT },
    ]);
  });
});

test('scaleway SD: refreshes pick up changes; a failing API keeps the last targets and counts the failure', async () => {
  await withFake(async (f) => {
    f.instances.set('fr-par-1', testdata<APIObject>('instance-servers.json'));
    const reg = new Registry();
    const d = discoverer(f, { refresh_interval: 30 as Millis }, reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (g) => { sent.push(g); });
    try {
      await waitFor(() => sent.length >= 1, 5000, 'the first refresh');
      f.instances.set('fr-par-1', f.instances.get('fr-par-1')!.slice(1));
      await waitFor(() => sent.at(-1)![0]!.targets.length === 3, 5000, 'a server removed');
      f.fail(500);
      const n = sent.length;
      await waitFor(() => /prometheus_sd_refresh_failures_total\{config="scaleway",mechanism="scaleway"\} [2-9]/.test(reg.expose()), 5000, 'failures counted');
      assert.equal(sent.length, n);
      await assert.rejects(discoverer(f).refresh(AbortSignal.timeout(5000)), { message: 'scaleway-sdk-go: http error 500 Internal Server Error: internal error' });
    } finally {
      ac.abort();
      await done;
    }
  });
});
