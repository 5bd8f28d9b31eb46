/**
 * Acceptance: Watchfire (in process) and a real Prometheus 2.42 discover Hetzner Cloud servers
 * (role hcloud) and Robot servers (role robot) from the same fake APIs with the same
 * prometheus.yml. Hetzner's endpoints are fixed, so both reach the fake through `proxy_url`
 * (a CONNECT proxy tunnelling `api.hetzner.cloud:443` and `robot-ws.your-server.de:443` to a
 * TLS terminator in front of the fake) with the tunnel's CA in `tls_config`. Their
 * /api/v1/targets agree on every target's `__address__` and `__meta_hetzner_*` labels, after
 * servers come and go, and while the APIs fail (both keep the last targets).
 *
 * Labels left out of the comparison, where the versions differ: 2.42 labels hcloud servers
 * with `__meta_hetzner_datacenter` (from the deprecated datacenter field; 3.x dropped it for
 * hcloud) and lacks 3.x's `__meta_hetzner_hcloud_location`, `_hcloud_location_network_zone`
 * and `__meta_hetzner_robot_datacenter`. vmagent 1.79 has no Hetzner discovery.
 */
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, repoRoot } from '../../testing/peers.js';
import { fetchTargets } from '../http/testing-targets.js';
import { startTLSTunnel } from '../digitalocean/testing-tls-tunnel.js';
import { comparable, describeDiff, withComparePeers } from '../refresh/testing-peer-compare.js';
import { FakeHetzner, type APIObject } from './testing-fake-hetzner.js';

function testdata(name: string): APIObject[] {
  return JSON.parse(readFileSync(join(repoRoot(), 'src', 'discovery', 'hetzner', 'testdata', name), 'utf8')) as APIObject[];
}

const OMIT: Record<string, readonly string[]> = {
  hcloud: ['__meta_hetzner_datacenter', '__meta_hetzner_hcloud_location', '__meta_hetzner_hcloud_location_network_zone'],
  robot: ['__meta_hetzner_robot_datacenter'],
};

test('hetzner SD: Watchfire and Prometheus 2.42 agree on hcloud and robot targets from the fake APIs', { timeout: 120_000 }, async (t) => {
  const f = new FakeHetzner({ token: 'hcloud-token', robotUser: 'robot', robotPassword: 'secret' });
  await f.up();
  // 2.42's client reads the location under the (deprecated) datacenter; 3.x's at the top.
  f.servers = testdata('hcloud-servers.json').map((s) => ({ ...s, datacenter: { id: 1, name: 'fsn1-dc8', description: 'Falkenstein 1 DC 8', location: s['location'] } }));
  f.networks = testdata('hcloud-networks.json');
  f.robot = testdata('robot-servers.json');
  const tunnel = await startTLSTunnel({ 'api.hetzner.cloud': f.port, 'robot-ws.your-server.de': f.port });
  const common = `        proxy_url: ${tunnel.proxyURL}
        tls_config:
          ca_file: ${tunnel.caFile}
        refresh_interval: 1s
`;
  const config = `scrape_configs:
  - job_name: hcloud
    scrape_interval: 1h
    hetzner_sd_configs:
      - role: hcloud
        authorization:
          credentials: hcloud-token
${common}  - job_name: robot
    scrape_interval: 1h
    hetzner_sd_configs:
      - role: robot
        basic_auth:
          username: robot
          password: secret
${common}`;
  try {
    await withComparePeers(t, { config, pool: 'hcloud', prefix: '__meta_hetzner_', peers: ['prometheus'] }, async (p) => {
      const agree = async (want: Record<string, number>, what: string): Promise<void> => {
        let last = '';
        await eventually(async () => {
          const [pv, wv] = [await fetchTargets(p.bases['prometheus']!), await fetchTargets(p.bases['watchfire']!)];
          const diffs: string[] = [];
          for (const [pool, n] of Object.entries(want)) {
            const o = { pool, prefix: '__meta_hetzner_' };
            const [pl, wl] = [comparable(pv, o, OMIT[pool]!), comparable(wv, o, OMIT[pool]!)];
            if (wl.length !== n) diffs.push(`${pool}: watchfire has ${wl.length} targets, want ${n}`);
            if (JSON.stringify(pl) !== JSON.stringify(wl)) diffs.push(`${pool}: prometheus (${pl.length}) vs watchfire (${wl.length}):\n  ${describeDiff('prometheus', pl, wl)}`);
          }
          last = diffs.join('\n');
          return diffs.length === 0 ? true : undefined;
        }, 30_000, what).catch((e: unknown) => { throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`); });
      };
      await agree({ hcloud: 3, robot: 2 }, 'the first listings on both');
      f.servers = f.servers.slice(1);
      f.robot = f.robot.slice(1);
      await agree({ hcloud: 2, robot: 1 }, 'servers gone on both');
      f.fail(503);
      await eventually(async () => (/prometheus_sd_refresh_failures_total\{config="robot",mechanism="hetzner"\} [1-9]/.test(await p.metrics()) ? true : undefined), 10_000, 'failures counted');
      await agree({ hcloud: 2, robot: 1 }, 'the last targets kept on both');
    });
  } finally {
    await tunnel.close();
    await f.down();
  }
});
