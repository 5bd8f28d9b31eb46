/**
 * Acceptance: Watchfire (in process), a real Prometheus 2.42 and vmagent discover droplets
 * from the same fake DigitalOcean API with the same prometheus.yml. DigitalOcean's endpoint
 * is fixed, so every side reaches the fake through `proxy_url` (a CONNECT proxy tunnelling
 * `api.digitalocean.com:443` to a TLS terminator in front of the fake) with the tunnel's CA
 * in `tls_config`. Their /api/v1/targets agree on every target's `__address__` and
 * `__meta_digitalocean_*` labels, after droplets come and go, and while the API fails
 * (everyone keeps the last targets).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, repoRoot } from '../../testing/peers.js';
import { withComparePeers } from '../refresh/testing-peer-compare.js';
import { FakeDigitalOcean, type APIObject } from './testing-fake-digitalocean.js';
import { startTLSTunnel } from './testing-tls-tunnel.js';

const TOKEN = '3c9a75a2-24fd-4508-b4f2-11f18aa97411';

test('digitalocean SD: Watchfire, Prometheus 2.42 and vmagent agree on droplet targets from the fake API', { timeout: 120_000 }, async (t) => {
  const f = new FakeDigitalOcean({ token: TOKEN });
  await f.up();
  const droplets = JSON.parse(readFileSync(join(repoRoot(), 'src', 'discovery', 'digitalocean', 'testdata', 'droplets.json'), 'utf8')) as APIObject[];
  for (let i = 0; i < 3; i++) {
    droplets.push({ ...droplets[1], id: 9000 + i, name: `extra-${i}`, tags: i === 0 ? [] : ['extra', `n${i}`], networks: { v4: [{ ip_address: `203.0.113.${i + 1}`, type: 'public' }, { ip_address: `10.10.0.${i + 1}`, type: 'private' }], v6: [] } });
  }
  f.droplets = droplets;
  const tunnel = await startTLSTunnel({ 'api.digitalocean.com': f.port });
  const config = `scrape_configs:
  - job_name: do
    scrape_interval: 1h
    digitalocean_sd_configs:
      - bearer_token: ${TOKEN}
        proxy_url: ${tunnel.proxyURL}
        tls_config:
          ca_file: ${tunnel.caFile}
        refresh_interval: 1s
`;
  try {
    await withComparePeers(t, {
      config, pool: 'do', prefix: '__meta_digitalocean_', peers: ['prometheus', 'vmagent'], vmagentFlags: ['-promscrape.digitaloceanSDCheckInterval=1s'],
    }, async (p) => {
      const first = await p.agree(7, 'the first listing on all sides', 30_000);
      assert.ok(first.some((s) => s.includes('"__meta_digitalocean_tags":",extra,n1,"')), first.join('\n'));
      assert.ok(tunnel.connects.every((c) => c === 'api.digitalocean.com:443'), tunnel.connects.join());
      f.droplets = f.droplets.filter((d) => d['id'] !== 9002);
      await p.agree(6, 'a droplet gone on all sides', 30_000);
      f.fail(500);
      await eventually(async () => (/prometheus_sd_refresh_failures_total\{config="do",mechanism="digitalocean"\} [1-9]/.test(await p.metrics()) ? true : undefined), 10_000, 'failures counted');
      await p.agree(6, 'the last targets kept on all sides', 30_000);
    });
  } finally {
    await tunnel.close();
    await f.down();
  }
});
