/**
 * Acceptance: Watchfire (in process) and a real Prometheus 2.42 discover Scaleway instances
 * from the same fake API (`api_url` pointed at it) with the same prometheus.yml; their
 * /api/v1/targets agree on every target's `__address__` and `__meta_scaleway_*` labels, after
 * servers come and go, and while the API fails (both keep the last targets).
 *
 * Prometheus 2.42 predates 3.x's addresses from public IPs and IPAM and the
 * `public_ips` labels: its targets are the servers with a private IP, so the servers here all
 * have one (the 3.x cases are reproduced in scaleway.test.ts). vmagent 1.79 has no Scaleway
 * discovery.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, repoRoot } from '../../testing/peers.js';
import { withComparePeers } from '../refresh/testing-peer-compare.js';
import { FakeScaleway, type APIObject } from './testing-fake-scaleway.js';

const PROJECT = '8feda53f-15f0-447f-badf-ebe32dad2fc0';
const SECRET = '6d6579e5-a5b9-49fc-a35f-b4feb9b87301';
const ACCESS = 'SCW0W8NG6024YHRJ7723';

function servers(): APIObject[] {
  const fixtures = JSON.parse(readFileSync(join(repoRoot(), 'src', 'discovery', 'scaleway', 'testdata', 'instance-servers.json'), 'utf8')) as APIObject[];
  const out = fixtures.filter((s) => typeof s['private_ip'] === 'string');
  for (let i = 0; i < 3; i++) {
    out.push({
      ...out[0], id: `0000000${i}-1111-2222-3333-444444444444`, name: `extra-${i}`, hostname: `extra-${i}`, private_ip: `10.1.0.${i + 1}`,
      tags: i === 0 ? [] : [`t${i}`, 'shared'], ipv6: null, public_ip: i === 2 ? { id: 'x', address: `51.0.0.${i}`, dynamic: false } : null,
    });
  }
  return out;
}

test('scaleway SD: Watchfire and Prometheus 2.42 agree on instance targets and labels from the fake API', { timeout: 120_000 }, async (t) => {
  const f = new FakeScaleway({ secretKey: SECRET });
  await f.up();
  f.instances.set('fr-par-1', servers());
  const config = `scrape_configs:
  - job_name: scaleway
    scrape_interval: 1h
    scaleway_sd_configs:
      - role: instance
        project_id: ${PROJECT}
        access_key: ${ACCESS}
        secret_key: ${SECRET}
        api_url: ${f.apiURL}
        refresh_interval: 1s
`;
  try {
    await withComparePeers(t, { config, pool: 'scaleway', prefix: '__meta_scaleway_', peers: ['prometheus'] }, async (p) => {
      const first = await p.agree(5, 'the first listing on both', 30_000);
      assert.ok(first.some((s) => s.includes('"__meta_scaleway_instance_tags":",t1,shared,"')), first.join('\n'));
      f.instances.set('fr-par-1', f.instances.get('fr-par-1')!.slice(1));
      await p.agree(4, 'a server gone on both', 30_000);
      f.fail(503, 'service unavailable');
      await eventually(async () => (/prometheus_sd_refresh_failures_total\{config="scaleway",mechanism="scaleway"\} [1-9]/.test(await p.metrics()) ? true : undefined), 10_000, 'failures counted');
      await p.agree(4, 'the last targets kept on both', 30_000);
    });
  } finally {
    await f.down();
  }
});
