/**
 * Acceptance: the fake Azure is checked against real clients, and Watchfire against them.
 * Prometheus 2.42 (go-autorest), vmagent and Watchfire use the `AzureStackCloud` environment
 * whose endpoints (`AZURE_ENVIRONMENT_FILEPATH`) are the fake's, obtain OAuth tokens from it
 * and list its Resource Manager; their /api/v1/targets agree on every target's `__address__`
 * and `__meta_azure_*` labels (VMs, scale set VMs, public IPs, tags, deallocated machines), after machines change, and while Resource Manager
 * fails (last targets kept; Watchfire counts `prometheus_sd_azure_failures_total`).
 *
 * Known differences, left out where they compare: Prometheus 2.42 asks for interfaces
 * without `$expand=IPConfigurations/PublicIPAddress`, so Resource Manager gives it only the
 * public address's id and it has no `__meta_azure_machine_public_ip` (Prometheus 3 expands,
 * as Watchfire and vmagent do); vmagent 1.79 has no
 * `__meta_azure_machine_size`, and it appends Resource Manager's absolute `nextLink`s to its
 * endpoint (VictoriaMetrics issue 3247, fixed after 1.79), so the lists here fit in one
 * page; paging is covered by the unit tests. vmagent 1.79 also fails the whole refresh on a
 * machine whose interface is gone (404) where Prometheus skips the machine, so none is
 * seeded here (the unit tests cover it). Prometheus 3 no longer knows `AzureStackCloud`; Watchfire keeps
 * it (see environments.ts), which is what lets all three reach the fake.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../testing/peers.js';
import { withComparePeers } from '../refresh/testing-peer-compare.js';
import { FakeAzure } from './testing-fake-azure.js';

test('azure SD: the fake Azure, Prometheus 2.42, vmagent and Watchfire agree on targets and labels', { timeout: 90_000 }, async (t) => {
  const f = new FakeAzure();
  await f.up();
  f.clients.set('e2e-client', { secret: 'e2e-secret' });
  const vm = (i: number): void => {
    const rg = i % 2 === 0 ? 'rg-web' : 'rg-db';
    f.nics.push({ name: `nic-${i}`, resourceGroup: rg, primary: true, privateIp: `127.0.40.${i + 1}`, ...(i % 3 === 0 ? { publicIp: `198.51.100.${i + 1}` } : {}) });
    f.vms.push({ name: `vm-${i}`, resourceGroup: rg, location: i % 2 === 0 ? 'westeurope' : 'northeurope', osType: i % 4 === 0 ? 'Windows' : 'Linux', size: 'Standard_D2s_v3', tags: { env: 'prod', 'team.name': `t${i % 3}` }, nics: [`nic-${i}`] });
  };
  for (let i = 0; i < 8; i++) vm(i);
  f.nics.push({ name: 'stopped-nic', resourceGroup: 'rg-web', primary: null, privateIp: '127.0.41.1' });
  f.vms.push({ name: 'stopped', resourceGroup: 'rg-web', nics: ['stopped-nic'] });
  f.scaleSets.push({ name: 'workers', resourceGroup: 'rg-ss', location: 'westeurope' });
  for (const i of ['0', '1', '3']) {
    f.nics.push({ name: 'worker-nic', resourceGroup: 'rg-ss', primary: true, privateIp: `127.0.42.${Number(i) + 1}`, scaleSet: 'workers', instanceId: i });
    f.vms.push({ name: 'w', resourceGroup: 'rg-ss', nics: ['worker-nic'], scaleSet: 'workers', instanceId: i, tags: { pool: 'workers' } });
  }
  const dir = mkdtempSync(join(tmpdir(), 'wf-azure-e2e-'));
  const envFile = join(dir, 'azurestack.json');
  f.environmentFile(envFile);
  const saved = process.env['AZURE_ENVIRONMENT_FILEPATH'];
  process.env['AZURE_ENVIRONMENT_FILEPATH'] = envFile;
  const config = `scrape_configs:
  - job_name: azure
    scrape_interval: 1h
    azure_sd_configs:
      - environment: AzureStackCloud
        subscription_id: ${f.subscription}
        tenant_id: ${f.tenant}
        client_id: e2e-client
        client_secret: e2e-secret
        port: 9100
        refresh_interval: 1s
`;
  try {
    await withComparePeers(t, {
      config, pool: 'azure', prefix: '__meta_azure_', peers: ['prometheus', 'vmagent'], env: { AZURE_ENVIRONMENT_FILEPATH: envFile },
      omit: { prometheus: ['__meta_azure_machine_public_ip'], vmagent: ['__meta_azure_machine_size'] }, vmagentFlags: ['-promscrape.azureSDCheckInterval=500ms'],
    }, async (p) => {
      const first = await p.agree(11, 'the seeded subscription on all sides', 30000);
      assert.ok(first.some((s) => s.includes('"__meta_azure_machine_public_ip":"198.51.100.1"') && s.includes('"__meta_azure_machine_tag_team_name":"t0"')));
      assert.ok(first.some((s) => s.includes('"__meta_azure_machine_scale_set":"workers"') && s.includes('"__meta_azure_machine_resource_group":"rg-ss"')));
      for (let i = 8; i < 14; i++) vm(i);
      await p.agree(17, 'new machines on all sides', 30000);
      f.vms = f.vms.filter((v) => v.name !== 'vm-1' && v.name !== 'vm-2');
      await p.agree(15, 'deleted machines on all sides', 30000);
      f.failWith(500);
      await eventually(async () => /prometheus_sd_azure_failures_total [1-9]/.test(await p.metrics()) ? true : undefined, 20000, 'azure failures counted');
      await p.agree(15, 'the last targets kept while Resource Manager fails');
    });
  } finally {
    if (saved === undefined) delete process.env['AZURE_ENVIRONMENT_FILEPATH'];
    else process.env['AZURE_ENVIRONMENT_FILEPATH'] = saved;
    await f.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
