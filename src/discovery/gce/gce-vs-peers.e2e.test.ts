/**
 * Acceptance: the fake Google Cloud is checked against real clients, and Watchfire against
 * them. Prometheus 2.42 and vmagent (Go's Google client libraries) sign service account
 * JWTs for the fake's token endpoint (`GOOGLE_APPLICATION_CREDENTIALS`, `token_uri`) and call
 * the Compute API at compute.googleapis.com through a local proxy that terminates TLS with a
 * test CA they trust (`HTTPS_PROXY`, `SSL_CERT_FILE`); Watchfire reaches the same fake through
 * `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE`. Their /api/v1/targets agree on every target's
 * `__address__` and `__meta_gce_*` labels (filter, several pages, tags, metadata, labels,
 * NAT addresses), after instances change, and while the API fails (last targets kept; the
 * failure counted in Watchfire's `prometheus_sd_refresh_failures_total`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../testing/peers.js';
import { withComparePeers } from '../refresh/testing-peer-compare.js';
import { FakeGCE, type FakeGCEInstance } from './testing-fake-gce.js';
import { GoogleProxy } from './testing-google-proxy.js';

function instance(i: number): FakeGCEInstance {
  return {
    id: String(5_000_000_000_000_000_000 + i * 7), name: `node-${i}`, zone: 'europe-west1-b', status: i % 5 === 4 ? 'TERMINATED' : 'RUNNING', machineType: i % 2 === 0 ? 'e2-small' : 'n2-standard-4',
    nics: [
      { name: 'nic0', network: 'default', subnetwork: 'default', ip: `127.0.50.${i + 1}`, ...(i % 3 === 0 ? { natIP: `34.0.0.${i + 1}` } : {}) },
      ...(i % 4 === 0 ? [{ name: 'nic1', network: 'backend', subnetwork: 'backend', ip: `127.0.51.${i + 1}` }] : []),
    ],
    tags: i % 2 === 0 ? ['prometheus', 'http-server'] : [], metadata: [{ key: 'role', value: i % 2 === 0 ? 'db' : 'web' }, { key: 'enable-oslogin', value: 'TRUE' }],
    labels: { env: 'prod', 'team-name': `t${i % 3}` },
  };
}

test('gce SD: the fake Google Cloud, Prometheus 2.42, vmagent and Watchfire agree on targets and labels', { timeout: 90_000 }, async (t) => {
  const f = new FakeGCE({ zones: ['europe-west1-b'] });
  await f.up();
  const proxy = new GoogleProxy((req, body, res) => { f.handle(req, body, res); });
  await proxy.up();
  f.pageSize = 4;
  for (let i = 0; i < 10; i++) f.instances.push(instance(i));
  const dir = mkdtempSync(join(tmpdir(), 'wf-gce-e2e-'));
  const saFile = join(dir, 'sa.json');
  f.credentialsFile(saFile);
  const saved = { a: process.env['GOOGLE_APPLICATION_CREDENTIALS'], b: process.env['CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE'] };
  process.env['GOOGLE_APPLICATION_CREDENTIALS'] = saFile;
  process.env['CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE'] = f.endpoint;
  const config = `scrape_configs:
  - job_name: gce
    scrape_interval: 1h
    gce_sd_configs:
      - project: ${f.project}
        zone: europe-west1-b
        filter: 'status = RUNNING'
        port: 9100
        tag_separator: '|'
        refresh_interval: 1s
`;
  try {
    await withComparePeers(t, {
      config, pool: 'gce', prefix: '__meta_gce_', peers: ['prometheus', 'vmagent'],
      env: { GOOGLE_APPLICATION_CREDENTIALS: saFile, HTTPS_PROXY: proxy.url, https_proxy: proxy.url, SSL_CERT_FILE: proxy.caFile, NO_PROXY: '', no_proxy: '' },
      vmagentFlags: ['-promscrape.gceSDCheckInterval=500ms'],
    }, async (p) => {
      const first = await p.agree(8, 'the seeded project on all sides', 30000);
      assert.ok(first.some((s) => s.includes('"__meta_gce_public_ip":"34.0.0.1"') && s.includes('"__meta_gce_interface_ipv4_nic1":"127.0.51.1"')));
      assert.ok(first.some((s) => s.includes('"__meta_gce_tags":"|prometheus|http-server|"') && s.includes('"__meta_gce_label_team_name":"t0"')));
      assert.ok(proxy.connects.includes('compute.googleapis.com'), `the peers came through the proxy: ${proxy.connects.join(', ')}`);
      for (let i = 10; i < 16; i++) f.instances.push(instance(i));
      await p.agree(13, 'new instances on all sides', 30000);
      f.instances = f.instances.filter((x) => x.name !== 'node-0' && x.name !== 'node-1');
      await p.agree(11, 'deleted instances on all sides', 30000);
      f.failWith(503);
      await eventually(async () => /prometheus_sd_refresh_failures_total\{config="gce",mechanism="gce"\} [1-9]/.test(await p.metrics()) ? true : undefined, 20000, 'gce refresh failures counted');
      // vmagent 1.79 logs each failing zone and goes on with the zones that answered, so a
      // failing API leaves it with no targets; Prometheus and Watchfire keep the last ones.
      await p.agree(11, 'the last targets kept while the API fails', 15000, ['prometheus']);
    });
  } finally {
    if (saved.a === undefined) delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    else process.env['GOOGLE_APPLICATION_CREDENTIALS'] = saved.a;
    if (saved.b === undefined) delete process.env['CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE'];
    else process.env['CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE'] = saved.b;
    await proxy.down();
    await f.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
