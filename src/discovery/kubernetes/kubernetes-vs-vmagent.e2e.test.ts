/**
 * Acceptance: the fake Kubernetes API server is checked against a real client, and Watchfire
 * against it. vmagent (its own list/watch client) and Watchfire (in process) discover targets
 * from the same fake API server with `api_server` and a bearer token; their /api/v1/targets
 * agree on every target's `__address__` and `__meta_kubernetes_*` labels, for every role,
 * after churn (hundreds of pods added and deleted), after dropped watches (resume), after an
 * expired resource version (relist) and while the API server fails (last targets kept; the
 * failure counted in Watchfire's `prometheus_sd_kubernetes_failures_total`). A Prometheus
 * with Kubernetes SD joins the comparison when installed; Debian's Prometheus 2.42 is built
 * without it, so there it is left out.
 *
 * Known differences of vmagent 1.79, left out where they compare: it shows empty-valued
 * labels (Prometheus and Watchfire leave them out of discovered labels), and it lacks labels
 * newer Prometheus versions have: node conditions, container IDs and images, init containers
 * of endpoint-backed pods, service port numbers and load balancer IPs, and the endpointslice
 * serving/terminating conditions, node name and zone; on endpoint-backed targets it adds the
 * service's cluster IP and type, and on targets of pod ports no endpoint port covers it leaves
 * out the endpoints' (slice's) own labels. Every discovered address is relabeled
 * to 127.0.0.1:1 so that no scrape ever leaves this machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesRole } from '../../config/sd-types.js';
import type { ServerHandle } from '../../cmd/server.js';
import { launchTestServer } from '../../testing/server.js';
import { eventually, findProgram, freePort, peer, startPeer, waitReady, type RunningPeer } from '../../testing/peers.js';
import { fetchTargets, labelKey, type TargetsView } from '../http/testing-targets.js';
import { FakeKubeAPIServer } from './testing-fake-apiserver.js';
import * as o from './testing-objects.js';

const ROLES: readonly KubernetesRole[] = ['node', 'pod', 'service', 'endpoints', 'endpointslice', 'ingress'];
const TOKEN = 'e2e-token';

/** Labels vmagent 1.79 does not produce (names, or prefixes ending in "_"). */
const VMAGENT_LACKS = [
  '__meta_kubernetes_node_condition_', '__meta_kubernetes_pod_container_id', '__meta_kubernetes_pod_container_image',
  '__meta_kubernetes_service_port_number', '__meta_kubernetes_service_loadbalancer_ip',
  '__meta_kubernetes_endpointslice_endpoint_conditions_serving', '__meta_kubernetes_endpointslice_endpoint_conditions_terminating',
  '__meta_kubernetes_endpointslice_endpoint_node_name', '__meta_kubernetes_endpointslice_endpoint_zone',
];

/**
 * Labels left out per pool: what vmagent lacks, and on endpoint-backed targets what it adds
 * (the service's cluster IP and type, which Prometheus gives only to the service role's own
 * targets) or lacks (`pod_container_init`).
 */
const OMIT: Readonly<Record<KubernetesRole, readonly string[]>> = {
  node: VMAGENT_LACKS, pod: VMAGENT_LACKS, service: VMAGENT_LACKS, ingress: VMAGENT_LACKS,
  endpoints: [...VMAGENT_LACKS, '__meta_kubernetes_service_cluster_ip', '__meta_kubernetes_service_type', '__meta_kubernetes_pod_container_init'],
  endpointslice: [...VMAGENT_LACKS, '__meta_kubernetes_service_cluster_ip', '__meta_kubernetes_service_type', '__meta_kubernetes_pod_container_init'],
};

/** What differs between two sorted lists of label-set strings, briefly: per address, the labels only one side has. */
function describeDiff(a: readonly string[], b: readonly string[]): string {
  const parse = (s: string): Record<string, string> => JSON.parse(s) as Record<string, string>;
  const bs = new Set(b), as = new Set(a);
  const onlyA = a.filter((x) => !bs.has(x)).map(parse), onlyB = b.filter((x) => !as.has(x)).map(parse);
  const out: string[] = [];
  for (const x of onlyA.slice(0, 4)) {
    const y = onlyB.find((t) => t['__address__'] === x['__address__']);
    if (y === undefined) { out.push(`${x['__address__'] ?? '?'}: only vmagent has this target`); continue; }
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    const d = [...keys].filter((k) => x[k] !== y[k]).map((k) => `${k}: vmagent=${x[k] ?? '-'} watchfire=${y[k] ?? '-'}`);
    out.push(`${x['__address__'] ?? '?'}: ${d.join('; ')}`);
  }
  for (const y of onlyB.slice(0, 4)) if (!onlyA.some((x) => x['__address__'] === y['__address__'])) out.push(`${y['__address__'] ?? '?'}: only watchfire has this target`);
  return out.join('\n  ');
}

function seed(f: FakeKubeAPIServer): void {
  f.apply('nodes', o.node('node-a', { labels: { 'kubernetes.io/hostname': 'node-a', 'topology.kubernetes.io/zone': 'z1' }, annotations: { note: 'x' }, providerID: 'aws:///i-1' }));
  f.apply('nodes', o.node('node-b', { addresses: [['ExternalIP', '203.0.113.5'], ['InternalIP', '10.0.0.2'], ['Hostname', 'node-b']], port: 10255 }));
  f.apply('pods', o.pod({
    name: 'web-1', ip: '10.1.0.1', node: 'node-a', hostIP: '10.0.0.1', labels: { app: 'web', 'app.kubernetes.io/name': 'web' },
    annotations: { 'prometheus.io/scrape': 'true' }, controller: { kind: 'ReplicaSet', name: 'web-abc' },
    containers: [{ name: 'main', ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] }, { name: 'sidecar' }],
  }));
  f.apply('pods', o.pod({ name: 'batch-1', ip: '10.1.0.9', node: 'node-b', phase: 'Succeeded', ready: 'False', containers: [{ name: 'job' }], initContainers: [{ name: 'init', ports: [{ port: 7000, protocol: 'UDP' }] }] }));
  f.apply('pods', o.pod({ name: 'pending', phase: 'Pending', ready: null }));
  f.apply('pods', o.pod({ ns: 'other', name: 'db-0', ip: 'fd00::5', node: 'node-b', ready: 'False', controller: { kind: 'StatefulSet', name: 'db' }, containers: [{ name: 'db', ports: [{ name: 'pg', port: 5432 }] }] }));
  f.apply('services', o.service('default', 'web', { labels: { app: 'web' }, annotations: { 'team/owner': 'core' }, ports: [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }] }));
  f.apply('services', o.service('default', 'ext', { type: 'ExternalName', externalName: 'db.example.com' }));
  f.apply('services', o.service('other', 'lb', { type: 'LoadBalancer', lbIPs: ['198.51.100.1'], ports: [{ name: 'https', port: 443 }] }));
  f.apply('endpoints', o.endpoints('default', 'web', [{
    ready: [{ ip: '10.1.0.1', pod: 'web-1', node: 'node-a' }, { ip: '10.1.0.50', hostname: 'h50' }],
    notReady: [{ ip: '10.1.0.51' }],
    ports: [{ name: 'http', port: 8080 }],
  }]));
  f.apply('endpointslices', o.endpointSlice('default', 'web-xyz', {
    service: 'web',
    endpoints: [
      { addresses: ['10.1.0.1'], ready: true, serving: true, terminating: false, pod: 'web-1', node: 'node-a', zone: 'z1' },
      { addresses: ['10.1.0.50'], ready: false, hostname: 'h50' },
    ],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
  }));
  f.apply('ingresses', o.ingress('default', 'site', { className: 'nginx', rules: [{ host: 'www.example.com', paths: ['/', '/api'] }, { host: 'other.test', paths: null }], tls: [['*.example.com']] }));
}

function config(server: string): string {
  let y = 'scrape_configs:\n';
  for (const r of ROLES) {
    y += `  - job_name: ${r}
    scrape_interval: 1h
    kubernetes_sd_configs:
      - api_server: ${server}
        role: ${r}
        bearer_token: ${TOKEN}
    relabel_configs:
      - action: labelmap
        regex: __meta_kubernetes_(.+)
      - target_label: __address__
        replacement: 127.0.0.1:1
`;
  }
  return y;
}

/**
 * The non-empty `__address__` and `__meta_kubernetes_*` labels of a pool's targets, minus
 * `omit`. vmagent gives the targets of pod ports that no endpoint port covers only the pod's
 * and service's labels, where Prometheus gives them the endpoints' (slice's) own labels too:
 * those are left out of such targets (`unboundOmit`).
 */
function k8sLabels(v: TargetsView, pool: string, omit: readonly string[], unboundOmit = ''): string[] {
  return v.active.filter((t) => t.scrapePool === pool).map((t) => {
    const keep: Record<string, string> = {};
    const unbound = unboundOmit !== '' && !Object.keys(t.discoveredLabels).some((k) => k === '__meta_kubernetes_endpoint_port_protocol' || k === '__meta_kubernetes_endpointslice_port');
    for (const [k, val] of Object.entries(t.discoveredLabels)) {
      if (val === '' || !(k === '__address__' || k.startsWith('__meta_kubernetes_'))) continue;
      if (omit.some((p) => p.endsWith('_') ? k.startsWith(p) : k === p)) continue;
      if (unbound && k.startsWith(unboundOmit)) continue;
      keep[k] = val;
    }
    return labelKey(keep);
  }).sort();
}

interface Peers {
  fake: FakeKubeAPIServer;
  wf: ServerHandle;
  wBase: string;
  vBase: string;
  /** Resolves once Watchfire and vmagent agree on every pool and the pod pool has `pods` targets; returns Watchfire's labels by pool. */
  agree: (pods: number, what: string) => Promise<Map<string, string[]>>;
}

async function withPeers(t: { skip(msg: string): void; diagnostic(msg: string): void }, fn: (p: Peers) => Promise<void>): Promise<void> {
  const vm = peer('vmagent');
  if (vm.skip !== false) { t.skip(vm.skip); return; }
  const fake = new FakeKubeAPIServer({ token: TOKEN });
  await fake.up();
  seed(fake);
  const dir = mkdtempSync(join(tmpdir(), 'wf-k8ssd-'));
  const procs: RunningPeer[] = [];
  let wf: ServerHandle | undefined;
  try {
    const cfgFile = join(dir, 'prometheus.yml');
    writeFileSync(cfgFile, config(fake.url));
    const promtool = findProgram('promtool');
    if (promtool === null || spawnSync(promtool, ['check', 'config', '--syntax-only', cfgFile], { encoding: 'utf8' }).status !== 0) {
      t.diagnostic('the installed Prometheus has no Kubernetes SD: compared with vmagent only');
    }
    const [vp, wp] = [await freePort(), await freePort()];
    procs.push(startPeer(vm.path, [
      `-promscrape.config=${cfgFile}`, `-httpListenAddr=127.0.0.1:${vp}`, `-remoteWrite.tmpDataPath=${join(dir, 'vm')}`,
      '-remoteWrite.url=http://127.0.0.1:1/api/v1/write', '-promscrape.kubernetesSDCheckInterval=500ms', '-loggerLevel=ERROR',
    ]));
    const started = await launchTestServer([`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${wp}`, `--storage.tsdb.path=${join(dir, 'wf')}`, '--scrape.discovery-reload-interval=100ms', '--log.level=error']);
    assert.notEqual(typeof started, 'number', 'watchfire started');
    wf = started as ServerHandle;
    const vBase = `http://127.0.0.1:${vp}`, wBase = `http://127.0.0.1:${wp}`;
    await waitReady(`${vBase}/health`, 20000);
    const agree = async (pods: number, what: string): Promise<Map<string, string[]>> => {
      let last = '';
      return eventually(async () => {
        const [v, w] = await Promise.all([fetchTargets(vBase), fetchTargets(wBase)]);
        const out = new Map<string, string[]>();
        const diffs: string[] = [];
        for (const r of ROLES) {
          const unbound = r === 'endpoints' || r === 'endpointslice' ? `__meta_kubernetes_${r}_` : '';
          const [vl, wl] = [k8sLabels(v, r, OMIT[r], unbound), k8sLabels(w, r, OMIT[r], unbound)];
          out.set(r, k8sLabels(w, r, []));
          if (JSON.stringify(vl) !== JSON.stringify(wl)) diffs.push(`${r} (vmagent ${vl.length}, watchfire ${wl.length}):\n  ${describeDiff(vl, wl)}`);
        }
        const podCount = out.get('pod')!.length;
        last = `${diffs.join('\n')}\npod targets: ${podCount}`;
        return diffs.length === 0 && podCount === pods ? out : undefined;
      }, 15000, what).catch((e: unknown) => { throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`); });
    };
    await fn({ fake, wf, wBase, vBase, agree });
  } finally {
    if (wf !== undefined) await wf.stop();
    await Promise.all(procs.map((p) => p.stop()));
    await fake.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('kubernetes SD: vmagent and Watchfire agree on the targets and labels of every role', { timeout: 30_000 }, async (t) => {
  await withPeers(t, async ({ fake, agree }) => {
    const got = await agree(6, 'the seeded cluster on both sides');
    const counts = Object.fromEntries(ROLES.map((r) => [r, got.get(r)!.length]));
    assert.deepEqual(counts, { node: 2, pod: 6, service: 4, endpoints: 4, endpointslice: 3, ingress: 3 });
    assert.ok(got.get('node')!.some((s) => s.includes('"__address__":"10.0.0.2:10255"') && s.includes('"__meta_kubernetes_node_condition_ready":"true"')));
    assert.ok(got.get('pod')!.some((s) => s.includes('"__address__":"10.1.0.9:7000"') && s.includes('"__meta_kubernetes_pod_container_init":"true"')));
    assert.ok(got.get('pod')!.some((s) => s.includes('"__address__":"[fd00::5]:5432"')));
    assert.ok(got.get('endpoints')!.some((s) => s.includes('"__address__":"10.1.0.1:9090"') && s.includes('"__meta_kubernetes_service_name":"web"')));
    assert.ok(got.get('ingress')!.some((s) => s.includes('"__address__":"other.test"') && s.includes('"__meta_kubernetes_ingress_scheme":"http"')));
    assert.ok(fake.requests.some((r) => r.userAgent.startsWith('Watchfire/')), 'Watchfire asked the fake');
    assert.ok(fake.requests.some((r) => !r.userAgent.startsWith('Watchfire/')), 'vmagent asked the fake');
  });
});

test('kubernetes SD: churn, dropped watches, expired versions and a failing API server, vmagent and Watchfire alike', { timeout: 30_000 }, async (t) => {
  await withPeers(t, async ({ fake, wBase, agree }) => {
    await agree(6, 'the seeded cluster');
    const wfRequests = (watch: boolean): number => fake.requests.filter((r) => r.userAgent.startsWith('Watchfire/') && r.path === '/api/v1/pods' && r.watch === watch).length;
    const churnPod = (i: number): Record<string, unknown> => o.pod({
      ns: 'churn', name: `p-${i}`, ip: `10.3.${Math.floor(i / 200)}.${(i % 200) + 1}`, node: 'node-a', labels: { wave: String(i % 3) }, containers: [{ name: 'app', ports: [{ name: 'metrics', port: 9100 }] }],
    });
    for (let i = 0; i < 300; i++) fake.apply('pods', churnPod(i));
    await agree(306, '300 pods added');
    for (let i = 0; i < 300; i += 2) fake.remove('pods', 'churn', `p-${i}`);
    await agree(156, '150 pods deleted');

    // Dropped watches: both resume; Watchfire without a relist.
    const lists = wfRequests(false);
    fake.dropWatches();
    for (let i = 300; i < 310; i++) fake.apply('pods', churnPod(i));
    await agree(166, 'changes after dropped watches');
    assert.equal(wfRequests(false), lists, 'Watchfire resumed its pod watch without listing again');

    // Expired resource versions: changes happen while nobody watches and the history is compacted.
    await fake.down();
    for (let i = 1; i < 100; i += 2) fake.remove('pods', 'churn', `p-${i}`);
    fake.compact();
    await fake.up();
    await agree(116, 'the state after relisting');
    assert.ok(wfRequests(false) > lists, 'Watchfire relisted');

    // A failing API server: the last targets stay; Watchfire reports the failures.
    fake.failWith(500);
    fake.dropWatches();
    await eventually(async () => {
      const m = await (await fetch(`${wBase}/metrics`)).text();
      return /prometheus_sd_kubernetes_failures_total [1-9]/.test(m) ? true : undefined;
    }, 10000, 'kubernetes SD failures counted');
    await agree(116, 'the last targets kept while the API server fails');
    fake.failWith(null);
    fake.remove('pods', 'churn', 'p-301');
    await agree(115, 'changes after recovery');
    const m = await (await fetch(`${wBase}/metrics`)).text();
    assert.match(m, /prometheus_sd_kubernetes_events_total\{role="pod",event="add"\} [1-9]/);
  });
});
