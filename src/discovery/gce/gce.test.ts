import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GCESDConfig } from '../../config/sd-types.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { GCEDiscoverer, instanceLabels } from './gce.js';
import { FakeGCE } from './testing-fake-gce.js';

const never = new AbortController().signal;
const API = 'https://www.googleapis.com/compute/v1/projects/p';

test('gce SD: instance labels as Prometheus builds them', () => {
  const inst = {
    id: '4567890123456789012', name: 'web-1', zone: `${API}/zones/europe-west1-b`, status: 'RUNNING', machineType: `${API}/zones/europe-west1-b/machineTypes/e2-small`,
    networkInterfaces: [
      { name: 'nic0', network: `${API}/global/networks/default`, subnetwork: `${API}/regions/europe-west1/subnetworks/default`, networkIP: '10.132.0.2', accessConfigs: [{ type: 'ONE_TO_ONE_NAT', natIP: '34.1.2.3' }] },
      { name: 'nic-1.x', network: `${API}/global/networks/backend`, networkIP: '10.10.0.5' },
    ],
    tags: { items: ['http-server', 'prometheus'] },
    metadata: { items: [{ key: 'startup-script', value: '#!/bin/sh' }, { key: 'no.value' }, { key: 'empty', value: '' }] },
    labels: { env: 'prod', 'team-name': 'core' },
  };
  assert.deepEqual(instanceLabels(inst, 'p', 9100, ';'), {
    __address__: '10.132.0.2:9100', __meta_gce_project: 'p', __meta_gce_zone: `${API}/zones/europe-west1-b`, __meta_gce_instance_id: '4567890123456789012',
    __meta_gce_instance_name: 'web-1', __meta_gce_instance_status: 'RUNNING', __meta_gce_machine_type: `${API}/zones/europe-west1-b/machineTypes/e2-small`,
    __meta_gce_network: `${API}/global/networks/default`, __meta_gce_subnetwork: `${API}/regions/europe-west1/subnetworks/default`, __meta_gce_private_ip: '10.132.0.2',
    __meta_gce_interface_ipv4_nic0: '10.132.0.2', __meta_gce_interface_ipv4_nic_1_x: '10.10.0.5', __meta_gce_tags: ';http-server;prometheus;',
    __meta_gce_metadata_startup_script: '#!/bin/sh', __meta_gce_metadata_empty: '', __meta_gce_label_env: 'prod', __meta_gce_label_team_name: 'core', __meta_gce_public_ip: '34.1.2.3',
  });
  assert.equal(instanceLabels({ name: 'x', networkInterfaces: [] }, 'p', 80, ','), null, 'no interface, no target');
  const nat = instanceLabels({ networkInterfaces: [{ networkIP: 'fd00::1', accessConfigs: [{ type: 'DIRECT_IPV6', natIP: '2001:db8::1' }] }] }, 'p', 80, ',')!;
  assert.equal(nat['__meta_gce_public_ip'], undefined);
  assert.equal(nat['__address__'], 'fd00::1:80', 'host and port joined as Prometheus formats them');
  assert.equal(nat['__meta_gce_tags'], undefined);
});

function cfg(f: FakeGCE, o: Partial<GCESDConfig> = {}): GCESDConfig {
  return { project: f.project, zone: 'us-central1-a', filter: '', refresh_interval: 60_000 as Millis, port: 80, tag_separator: ',', ...o };
}

async function withFake(fn: (f: FakeGCE, env: Record<string, string>, dir: string) => Promise<void>): Promise<void> {
  const f = new FakeGCE();
  await f.up();
  const dir = mkdtempSync(join(tmpdir(), 'wf-gce-'));
  f.credentialsFile(join(dir, 'sa.json'));
  for (let i = 0; i < 7; i++) {
    f.instances.push({
      id: String(1000 + i), name: `web-${i}`, zone: 'us-central1-a', status: i === 6 ? 'TERMINATED' : 'RUNNING', labels: { env: i % 2 === 0 ? 'prod' : 'dev' },
      nics: [{ name: 'nic0', network: 'default', subnetwork: 'default', ip: `10.0.0.${i + 1}`, ...(i === 0 ? { natIP: '35.0.0.1' } : {}) }], tags: ['prom'],
    });
  }
  try {
    await fn(f, { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'sa.json'), HOME: dir }, dir);
  } finally {
    await f.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

function discoverer(f: FakeGCE, c: GCESDConfig, env: Record<string, string>, reg = new Registry()): GCEDiscoverer {
  return new GCEDiscoverer(c, { refreshMetrics: RefreshMetrics.for(reg), setName: 'gce', env, endpoint: f.endpoint, userAgent: 'Watchfire/test' });
}

const names = (g: TargetGroup[]): string => g[0]!.targets.map((t) => t['__meta_gce_instance_name']).join(',');

test('gce SD: service account JWT, filters, paging, the metadata server and user credentials against the fake', async () => {
  await withFake(async (f, env, dir) => {
    f.pageSize = 3;
    let g = await discoverer(f, cfg(f), env).refresh(never);
    assert.equal(g[0]!.source, `GCE_${f.project}_us-central1-a`);
    assert.equal(names(g), 'web-0,web-1,web-2,web-3,web-4,web-5,web-6');
    assert.equal(f.requests.filter((r) => r.path.endsWith('/instances')).length, 3, 'three pages');
    assert.equal(g[0]!.targets[0]!['__meta_gce_public_ip'], '35.0.0.1');
    g = await discoverer(f, cfg(f, { filter: 'status = RUNNING AND labels.env = "prod"' }), env).refresh(never);
    assert.equal(names(g), 'web-0,web-2,web-4');

    f.metadataEnabled = true;
    g = await discoverer(f, cfg(f), { HOME: dir, GCE_METADATA_HOST: f.url.slice('http://'.length) }).refresh(never);
    assert.equal(g[0]!.targets.length, 7, 'the metadata server token');

    f.refreshTokens.add('rt-1');
    writeFileSync(join(dir, 'user.json'), JSON.stringify({ type: 'authorized_user', client_id: 'c', client_secret: 's', refresh_token: 'rt-1', token_uri: `${f.url}/token` }));
    g = await discoverer(f, cfg(f), { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'user.json') }).refresh(never);
    assert.equal(g[0]!.targets.length, 7, 'user credentials');

    await assert.rejects(discoverer(f, cfg(f, { zone: 'mars-1a' }), env).refresh(never), {
      message: `error retrieving refresh targets from gce: googleapi: Error 404: The resource 'projects/${f.project}/zones/mars-1a' was not found, notFound`,
    });
    await assert.rejects(discoverer(f, cfg(f, { filter: '((' }), env).refresh(never), /googleapi: Error 400: Invalid value for field 'filter'/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ type: 'authorized_user', client_id: 'c', client_secret: 's', refresh_token: 'nope', token_uri: `${f.url}/token` }));
    await assert.rejects(discoverer(f, cfg(f), { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'bad.json') }).refresh(never),
      /^Error: error retrieving refresh targets from gce: Get "http:\/\/127\.0\.0\.1:\d+\/compute\/v1\/projects\/test-project\/zones\/us-central1-a\/instances\?alt=json&prettyPrint=false": oauth2: cannot fetch token: 400 Bad Request\nResponse: \{"error":"invalid_grant"/);
    writeFileSync(join(dir, 'odd.json'), JSON.stringify({ type: 'external_account' }));
    await assert.rejects(discoverer(f, cfg(f), { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'odd.json') }).refresh(never), /unsupported credential type "external_account"/);
  });
});

test('gce SD: refresh follows changes; a failing API keeps the last targets and counts the failure', async () => {
  await withFake(async (f, env) => {
    const reg = new Registry();
    const d = discoverer(f, cfg(f, { refresh_interval: 30 as Millis, filter: 'status = RUNNING' }), env, reg);
    const sent: TargetGroup[][] = [];
    const ac = new AbortController();
    const done = d.run(ac.signal, (gs) => { sent.push(gs); });
    const last = (): string => (sent.length === 0 ? '' : names(sent.at(-1)!));
    try {
      await waitFor(() => last() === 'web-0,web-1,web-2,web-3,web-4,web-5', 3000, 'the first listing');
      f.instances[6]!.status = 'RUNNING';
      await waitFor(() => last() === 'web-0,web-1,web-2,web-3,web-4,web-5,web-6', 3000, 'a started instance');
      f.failWith(503);
      const failures = (): number => RefreshMetrics.for(reg).failures.labels('gce', 'gce').value;
      await waitFor(() => failures() >= 2, 3000, 'failures counted');
      const n = sent.length;
      f.instances.splice(0, 3);
      await waitFor(() => failures() >= 4, 3000, 'more failures');
      assert.equal(sent.length, n, 'nothing sent while failing');
      f.failWith(null);
      await waitFor(() => last() === 'web-3,web-4,web-5,web-6', 3000, 'recovery');
    } finally {
      ac.abort();
      await done;
    }
  });
});
