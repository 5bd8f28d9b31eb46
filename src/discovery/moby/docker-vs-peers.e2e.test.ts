/**
 * Acceptance: Watchfire (in process), a real Prometheus 2.42 and vmagent discover from the
 * same fake Docker engine (a tcp host and the same engine's unix socket) with the same prometheus.yml: docker containers and the
 * swarm's services, tasks and nodes. Their /api/v1/targets agree on every target's
 * `__address__` and `__meta_docker*` labels, after containers come and go, and while the
 * daemon fails (everyone keeps the last targets).
 *
 * The data avoids what Prometheus 2.42 predates (3.x's `match_first_network` for containers
 * on several networks, the IPv6-only fallback, networks shared in `container:` mode, plugin
 * services); those are covered by the reproduced Prometheus 3.x cases in docker.test.ts.
 * Labels left out of the comparison (OMIT below):
 * - `__meta_docker_container_image` and `_image_id`: added in Prometheus after 3.x's
 *   releases (the version Watchfire follows); neither peer has them;
 * - vmagent 1.79 adds labels Prometheus does not: on tasks, the node's engine version and
 *   manager status and the service's port publish mode and task image, and network labels
 *   on targets of ports published on the node (Prometheus has none there); on nodes,
 *   `manager_leader="false"` for workers (Prometheus sets manager labels on managers only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../testing/peers.js';
import { fetchTargets } from '../http/testing-targets.js';
import { comparable, describeDiff, withComparePeers, type PeerName } from '../refresh/testing-peer-compare.js';
import { FakeDocker, type APIObject } from './testing-fake-docker.js';
import { expected, fixture } from './testing-fixtures.js';

/** Containers of the dockerprom scenario that 2.42 and 3.x treat alike, and two more with published ports. */
function containers(): APIObject[] {
  const keep = new Set(['/dockersd_node_1', '/dockersd_noport_1', '/dockersd_host_networking_1', '/dockersd_mysql']);
  const cs = fixture('dockerprom', 'containers.json').filter((c) => keep.has((c['Names'] as string[])[0]!));
  const mysql = cs.find((c) => (c['Names'] as string[])[0] === '/dockersd_mysql')!;
  // One network only, so that 2.42 (all networks) and 3.x (the first) agree.
  const nets = (mysql['NetworkSettings'] as { Networks: Record<string, unknown> }).Networks;
  delete nets['dockersd_private1'];
  for (let i = 0; i < 2; i++) {
    cs.push({
      Id: `extra${i}`, Names: [`/extra_${i}`], Image: 'nginx:1.25', ImageID: `sha256:${'ab'.repeat(32)}`, State: 'running',
      Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080 + i, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }, { PrivatePort: 53, Type: 'udp' }],
      Labels: { 'com.example.team': `team-${i}`, 'prometheus.io/scrape': 'true' },
      HostConfig: { NetworkMode: 'dockersd_default' },
      NetworkSettings: { Networks: { dockersd_default: { NetworkID: '7189986ab399e144e52a71b7451b4e04e2158c044b4cd2f3ae26fc3a285d3798', IPAddress: `172.19.0.${10 + i}` } } },
    });
  }
  return cs;
}

const POOLS = ['docker', 'docker-unix', 'swarm-services', 'swarm-tasks', 'swarm-nodes'] as const;
type Pool = (typeof POOLS)[number];

const IMAGE = ['__meta_docker_container_image', '__meta_docker_container_image_id'];
const OMIT: Record<Pool, Partial<Record<PeerName, readonly string[]>>> = {
  docker: { prometheus: IMAGE, vmagent: IMAGE },
  'docker-unix': { prometheus: IMAGE, vmagent: IMAGE },
  'swarm-services': {},
  'swarm-tasks': {
    vmagent: [
      '__meta_dockerswarm_node_engine_version', '__meta_dockerswarm_node_manager_', '__meta_dockerswarm_service_endpoint_port_publish_mode',
      '__meta_dockerswarm_service_task_container_image', '__meta_dockerswarm_network_',
    ],
  },
  'swarm-nodes': { vmagent: ['__meta_dockerswarm_node_manager_leader'] },
};

test('docker and dockerswarm SD: Watchfire, Prometheus 2.42 and vmagent agree on targets and labels from the fake engine', { timeout: 120_000 }, async (t) => {
  const sockDir = mkdtempSync(join(tmpdir(), 'wf-dockersd-'));
  const f = new FakeDocker({ swarm: true, apiVersion: '1.41', socketPath: join(sockDir, 'docker.sock') });
  await f.up();
  f.containers = containers();
  // The swarm data of Prometheus's swarmprom scenario; docker networks are the daemon's too.
  const swarmNets = fixture('swarmprom', 'networks.json');
  f.networks = [...fixture('dockerprom', 'networks.json'), ...swarmNets];
  f.services = fixture('swarmprom', 'services.json');
  f.tasks = fixture('swarmprom', 'tasks.json');
  f.nodes = fixture('swarmprom', 'nodes.json');
  const swarm = (role: string): string => `  - job_name: swarm-${role}
    scrape_interval: 1h
    dockerswarm_sd_configs:
      - host: ${f.tcpHost}
        role: ${role}
        refresh_interval: 1s
`;
  const config = `scrape_configs:
  - job_name: docker
    scrape_interval: 1h
    docker_sd_configs:
      - host: ${f.tcpHost}
        refresh_interval: 1s
  - job_name: docker-unix
    scrape_interval: 1h
    docker_sd_configs:
      - host: ${f.unixHost}
        refresh_interval: 1s
${swarm('services')}${swarm('tasks')}${swarm('nodes')}`;
  try {
    await withComparePeers(t, {
      config, pool: 'docker', prefix: '__meta_docker', peers: ['prometheus', 'vmagent'],
      vmagentFlags: ['-promscrape.dockerSDCheckInterval=1s', '-promscrape.dockerswarmSDCheckInterval=1s'],
    }, async (p) => {
      /** Every pool agrees on every running side, and Watchfire has the wanted number of targets in each. */
      const agreeAll = async (want: Record<Pool, number>, what: string): Promise<void> => {
        let last = '';
        await eventually(async () => {
          const views = new Map<string, Awaited<ReturnType<typeof fetchTargets>>>();
          for (const [name, base] of Object.entries(p.bases)) views.set(name, await fetchTargets(base));
          const diffs: string[] = [];
          for (const pool of POOLS) {
            const o = { pool, prefix: '__meta_docker' };
            const w = comparable(views.get('watchfire')!, o, []);
            if (w.length !== want[pool]) diffs.push(`${pool}: watchfire has ${w.length} targets, want ${want[pool]}`);
            for (const name of p.running) {
              const om = OMIT[pool][name] ?? [];
              const [pl, wl] = [comparable(views.get(name)!, o, om), comparable(views.get('watchfire')!, o, om)];
              if (JSON.stringify(pl) !== JSON.stringify(wl)) diffs.push(`${pool}: ${name} (${pl.length}) vs watchfire (${wl.length}):\n  ${describeDiff(name, pl, wl)}`);
            }
          }
          last = diffs.join('\n');
          return diffs.length === 0 ? true : undefined;
        }, 30_000, what).catch((e: unknown) => { throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`); });
      };

      await agreeAll({ docker: 9, 'docker-unix': 9, 'swarm-services': 15, 'swarm-tasks': 27, 'swarm-nodes': 5 }, 'the first listing on all sides');

      // Containers come and go; a swarm node leaves.
      f.containers = f.containers.filter((c) => c['Id'] !== 'extra1');
      f.containers.push({
        Id: 'late', Names: ['/late'], Image: 'redis', State: 'running', Ports: [],
        Labels: { tier: 'cache' }, HostConfig: { NetworkMode: 'dockersd_private' },
        NetworkSettings: { Networks: { dockersd_private: { NetworkID: 'e804771e55254a360fdb70dfdd78d3610fdde231b14ef2f837a00ac1eeb9e601', IPAddress: '172.20.0.7' } } },
      });
      // (With its tasks: vmagent keeps the labels of a node that left on the tasks it had.)
      const gone = f.nodes[0]!['ID'];
      f.nodes = f.nodes.slice(1);
      f.tasks = f.tasks.filter((x) => x['NodeID'] !== gone);
      const tasks = expected('swarm-tasks').filter((x) => x['__meta_dockerswarm_node_id'] !== gone).length;
      await agreeAll({ docker: 8, 'docker-unix': 8, 'swarm-services': 15, 'swarm-tasks': tasks, 'swarm-nodes': 4 }, 'the changed listing on all sides');

      // The daemon fails: everyone keeps the last targets; Watchfire counts the failures.
      f.fail(500, 'daemon on fire');
      await eventually(async () => (/prometheus_sd_refresh_failures_total\{config="docker",mechanism="docker"\} [1-9]/.test(await p.metrics()) ? true : undefined), 10_000, 'docker failures counted');
      await agreeAll({ docker: 8, 'docker-unix': 8, 'swarm-services': 15, 'swarm-tasks': tasks, 'swarm-nodes': 4 }, 'the last targets kept on all sides');
      assert.match(await p.metrics(), /prometheus_sd_refresh_failures_total\{config="swarm-nodes",mechanism="dockerswarm"\} [1-9]/);
    });
  } finally {
    await f.down();
    rmSync(sockDir, { recursive: true, force: true });
  }
});
