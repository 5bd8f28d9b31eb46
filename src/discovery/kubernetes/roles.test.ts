/**
 * The target groups of each role, label for label, as Prometheus 3.14 builds them from the
 * same objects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetGroup } from '../interface.js';
import { Harness } from './testing-harness.js';
import { FakeKubeAPIServer } from './testing-fake-apiserver.js';
import * as o from './testing-objects.js';

const M = '__meta_kubernetes_';

async function withFake(fn: (f: FakeKubeAPIServer) => Promise<void>): Promise<void> {
  const f = new FakeKubeAPIServer();
  await f.up();
  try {
    await fn(f);
  } finally {
    await f.down();
  }
}

async function groupsOf(h: Harness, n: number): Promise<Map<string, TargetGroup>> {
  await h.until(() => h.view.size >= n, `${n} groups`);
  return h.view;
}

function sortTargets(g: TargetGroup | undefined): TargetGroup | undefined {
  if (g === undefined) return g;
  return { ...g, targets: [...g.targets].sort((a, b) => (a['__address__']! + (a[`${M}pod_container_name`] ?? '')).localeCompare(b['__address__']! + (b[`${M}pod_container_name`] ?? ''))) };
}

const WEB_POD = o.pod({
  name: 'web-1', ip: '10.1.0.1', node: 'node-a', hostIP: '10.0.0.1', labels: { app: 'web', 'app.kubernetes.io/name': 'web' },
  annotations: { 'prometheus.io/scrape': 'true' }, controller: { kind: 'ReplicaSet', name: 'web-abc' },
  containers: [{ name: 'main', ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] }, { name: 'sidecar' }],
  initContainers: [{ name: 'init', ports: [{ port: 7000, protocol: 'UDP' }] }],
});

const WEB_POD_LABELS = {
  [`${M}pod_ip`]: '10.1.0.1', [`${M}pod_ready`]: 'true', [`${M}pod_phase`]: 'Running', [`${M}pod_node_name`]: 'node-a',
  [`${M}pod_host_ip`]: '10.0.0.1', [`${M}pod_uid`]: 'uid-pods-default-web-1', [`${M}pod_name`]: 'web-1',
  [`${M}pod_label_app`]: 'web', [`${M}pod_labelpresent_app`]: 'true',
  [`${M}pod_label_app_kubernetes_io_name`]: 'web', [`${M}pod_labelpresent_app_kubernetes_io_name`]: 'true',
  [`${M}pod_annotation_prometheus_io_scrape`]: 'true', [`${M}pod_annotationpresent_prometheus_io_scrape`]: 'true',
  [`${M}pod_controller_kind`]: 'ReplicaSet', [`${M}pod_controller_name`]: 'web-abc',
};

test('pod role: one target per container port, port-less containers, init containers, readiness and controller', async () => {
  await withFake(async (f) => {
    f.apply('pods', WEB_POD);
    f.apply('pods', o.pod({ name: 'pending', phase: 'Pending', ready: null }));
    f.apply('pods', o.pod({ ns: 'other', name: 'db-0', ip: 'fd00::5', node: 'node-b', ready: 'False', containers: [{ name: 'db', ports: [{ port: 5432 }] }] }));
    const h = new Harness(o.sdConfig(f.url, 'pod')).start();
    try {
      const v = await groupsOf(h, 3);
      assert.deepEqual(v.get('pod/default/pending'), { source: 'pod/default/pending', targets: [], labels: {} });
      const id = (c: string): string => `containerd://default-web-1-${c}`;
      assert.deepEqual(v.get('pod/default/web-1'), {
        source: 'pod/default/web-1',
        labels: { ...WEB_POD_LABELS, [`${M}namespace`]: 'default' },
        targets: [
          { __address__: '10.1.0.1:8080', [`${M}pod_container_name`]: 'main', [`${M}pod_container_id`]: id('main'), [`${M}pod_container_image`]: 'registry.example/main:1', [`${M}pod_container_port_number`]: '8080', [`${M}pod_container_port_name`]: 'http', [`${M}pod_container_port_protocol`]: 'TCP', [`${M}pod_container_init`]: 'false' },
          { __address__: '10.1.0.1:9090', [`${M}pod_container_name`]: 'main', [`${M}pod_container_id`]: id('main'), [`${M}pod_container_image`]: 'registry.example/main:1', [`${M}pod_container_port_number`]: '9090', [`${M}pod_container_port_name`]: 'metrics', [`${M}pod_container_port_protocol`]: 'TCP', [`${M}pod_container_init`]: 'false' },
          { __address__: '10.1.0.1', [`${M}pod_container_name`]: 'sidecar', [`${M}pod_container_id`]: id('sidecar'), [`${M}pod_container_image`]: 'registry.example/sidecar:1', [`${M}pod_container_init`]: 'false' },
          { __address__: '10.1.0.1:7000', [`${M}pod_container_name`]: 'init', [`${M}pod_container_id`]: id('init'), [`${M}pod_container_image`]: 'registry.example/init:1', [`${M}pod_container_port_number`]: '7000', [`${M}pod_container_port_name`]: '', [`${M}pod_container_port_protocol`]: 'UDP', [`${M}pod_container_init`]: 'true' },
        ],
      });
      const db = v.get('pod/other/db-0')!;
      assert.equal(db.targets[0]!['__address__'], '[fd00::5]:5432');
      assert.equal(db.labels[`${M}pod_ready`], 'false');
      assert.equal(db.labels[`${M}pod_host_ip`], '');
      assert.equal(db.labels[`${M}pod_controller_kind`], undefined);
      assert.equal(h.events('pod', 'add'), 3);
    } finally {
      await h.stop();
    }
  });
});

test('node role: address by type preference, kubelet port, conditions, instance; no address sends nothing', async () => {
  await withFake(async (f) => {
    f.apply('nodes', o.node('node-a', { labels: { 'kubernetes.io/hostname': 'node-a' }, annotations: { note: 'x' }, providerID: 'aws:///i-1' }));
    f.apply('nodes', o.node('node-b', { addresses: [['ExternalIP', '203.0.113.5'], ['Hostname', 'b'], ['InternalIP', '10.0.0.2'], ['InternalIP', '10.0.0.9']], port: 10255 }));
    f.apply('nodes', o.node('node-c', { addresses: [['Hostname', 'c.example'], ['ExternalDNS', 'c.ext.example']] }));
    f.apply('nodes', o.node('node-d', { addresses: [] }));
    const h = new Harness(o.sdConfig(f.url, 'node')).start();
    try {
      const v = await groupsOf(h, 3);
      const common = { [`${M}node_condition_ready`]: 'true', [`${M}node_condition_memorypressure`]: 'false', [`${M}node_condition_diskpressure`]: 'false' };
      assert.deepEqual(v.get('node/node-a'), {
        source: 'node/node-a',
        labels: {
          ...common, [`${M}node_provider_id`]: 'aws:///i-1', [`${M}node_name`]: 'node-a',
          [`${M}node_label_kubernetes_io_hostname`]: 'node-a', [`${M}node_labelpresent_kubernetes_io_hostname`]: 'true',
          [`${M}node_annotation_note`]: 'x', [`${M}node_annotationpresent_note`]: 'true',
        },
        targets: [{ __address__: '10.0.0.1:10250', instance: 'node-a', [`${M}node_address_InternalIP`]: '10.0.0.1', [`${M}node_address_Hostname`]: 'node-a' }],
      });
      assert.deepEqual(v.get('node/node-b')!.targets, [{
        __address__: '10.0.0.2:10255', instance: 'node-b',
        [`${M}node_address_ExternalIP`]: '203.0.113.5', [`${M}node_address_Hostname`]: 'b', [`${M}node_address_InternalIP`]: '10.0.0.2',
      }]);
      assert.equal(v.get('node/node-c')!.targets[0]!['__address__'], 'c.ext.example:10250');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(v.has('node/node-d'), false, 'a node without addresses sends no group');
    } finally {
      await h.stop();
    }
  });
});

test('service role: ports, cluster IP, external name, load balancer IPs', async () => {
  await withFake(async (f) => {
    f.apply('services', o.service('default', 'web', { labels: { app: 'web' }, annotations: { 'a/b': 'c' }, ports: [{ name: 'http', port: 80 }, { port: 9090, protocol: 'UDP' }] }));
    f.apply('services', o.service('default', 'ext', { type: 'ExternalName', externalName: 'db.example.com' }));
    f.apply('services', o.service('other', 'lb', { type: 'LoadBalancer', lbIPs: ['198.51.100.1', '', '198.51.100.2'], ports: [{ port: 443 }] }));
    f.apply('services', o.service('other', 'lb-spec', { type: 'LoadBalancer', ports: [{ port: 443 }] }));
    const h = new Harness(o.sdConfig(f.url, 'service')).start();
    try {
      const v = await groupsOf(h, 4);
      assert.deepEqual(v.get('svc/default/web'), {
        source: 'svc/default/web',
        labels: {
          [`${M}namespace`]: 'default', [`${M}service_name`]: 'web', [`${M}service_label_app`]: 'web', [`${M}service_labelpresent_app`]: 'true',
          [`${M}service_annotation_a_b`]: 'c', [`${M}service_annotationpresent_a_b`]: 'true',
        },
        targets: [
          { __address__: 'web.default.svc:80', [`${M}service_port_name`]: 'http', [`${M}service_port_number`]: '80', [`${M}service_port_protocol`]: 'TCP', [`${M}service_type`]: 'ClusterIP', [`${M}service_cluster_ip`]: '10.96.0.10' },
          { __address__: 'web.default.svc:9090', [`${M}service_port_name`]: '', [`${M}service_port_number`]: '9090', [`${M}service_port_protocol`]: 'UDP', [`${M}service_type`]: 'ClusterIP', [`${M}service_cluster_ip`]: '10.96.0.10' },
        ],
      });
      assert.equal(v.get('svc/default/ext')!.targets[0]![`${M}service_external_name`], 'db.example.com');
      assert.equal(v.get('svc/default/ext')!.targets[0]![`${M}service_cluster_ip`], undefined);
      assert.equal(v.get('svc/other/lb')!.targets[0]![`${M}service_loadbalancer_ip`], '198.51.100.1,198.51.100.2');
      assert.equal(v.get('svc/other/lb-spec')!.targets[0]![`${M}service_loadbalancer_ip`], '');
    } finally {
      await h.stop();
    }
  });
});

test('ingress role: paths, default path, TLS scheme by host pattern, class name', async () => {
  await withFake(async (f) => {
    f.apply('ingresses', o.ingress('default', 'site', { className: 'nginx', rules: [{ host: 'www.example.com', paths: ['/', ''] }, { host: 'a.b.example.com', paths: null }, { host: 'plain.test', paths: [] }], tls: [['*.example.com']] }));
    const h = new Harness(o.sdConfig(f.url, 'ingress')).start();
    try {
      const v = await groupsOf(h, 1);
      const t = (host: string, path: string, scheme: string): Record<string, string> => ({ __address__: host, [`${M}ingress_scheme`]: scheme, [`${M}ingress_host`]: host, [`${M}ingress_path`]: path });
      assert.deepEqual(v.get('ingress/default/site'), {
        source: 'ingress/default/site',
        labels: { [`${M}namespace`]: 'default', [`${M}ingress_class_name`]: 'nginx', [`${M}ingress_name`]: 'site' },
        // "*.example.com" covers www.example.com but not a.b.example.com (one label only); an empty http block has no paths.
        targets: [t('www.example.com', '/', 'https'), t('www.example.com', '/', 'https'), t('a.b.example.com', '/', 'http')],
      });
    } finally {
      await h.stop();
    }
  });
});

test('endpoints role: addresses × ports, readiness, service and pod labels, unbound container ports', async () => {
  await withFake(async (f) => {
    f.apply('pods', WEB_POD);
    f.apply('services', o.service('default', 'web', { labels: { app: 'web' } }));
    f.apply('endpoints', o.endpoints('default', 'web', [{
      ready: [{ ip: '10.1.0.1', pod: 'web-1', node: 'node-a' }, { ip: '10.1.0.50', hostname: 'h50' }],
      notReady: [{ ip: '10.1.0.51', pod: 'gone' }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }], { 'endpoints.kubernetes.io/managed-by': 'x' }));
    const h = new Harness(o.sdConfig(f.url, 'endpoints')).start();
    try {
      const v = await groupsOf(h, 1);
      const g = sortTargets(v.get('endpoints/default/web'))!;
      assert.deepEqual(g.labels, {
        [`${M}namespace`]: 'default', [`${M}service_name`]: 'web', [`${M}service_label_app`]: 'web', [`${M}service_labelpresent_app`]: 'true',
        [`${M}endpoints_name`]: 'web', [`${M}endpoints_label_endpoints_kubernetes_io_managed_by`]: 'x', [`${M}endpoints_labelpresent_endpoints_kubernetes_io_managed_by`]: 'true',
      });
      const ep = { [`${M}endpoint_port_name`]: 'http', [`${M}endpoint_port_protocol`]: 'TCP' };
      assert.deepEqual(g.targets, [
        {
          __address__: '10.1.0.1:7000', ...WEB_POD_LABELS,
          [`${M}pod_container_name`]: 'init', [`${M}pod_container_image`]: 'registry.example/init:1', [`${M}pod_container_port_name`]: '',
          [`${M}pod_container_port_number`]: '7000', [`${M}pod_container_port_protocol`]: 'UDP', [`${M}pod_container_init`]: 'true',
        },
        {
          __address__: '10.1.0.1:8080', ...ep, [`${M}endpoint_ready`]: 'true', [`${M}endpoint_address_target_kind`]: 'Pod', [`${M}endpoint_address_target_name`]: 'web-1',
          [`${M}endpoint_node_name`]: 'node-a', ...WEB_POD_LABELS,
          [`${M}pod_container_name`]: 'main', [`${M}pod_container_image`]: 'registry.example/main:1', [`${M}pod_container_port_name`]: 'http',
          [`${M}pod_container_port_number`]: '8080', [`${M}pod_container_port_protocol`]: 'TCP', [`${M}pod_container_init`]: 'false',
        },
        {
          __address__: '10.1.0.1:9090', ...WEB_POD_LABELS,
          [`${M}pod_container_name`]: 'main', [`${M}pod_container_image`]: 'registry.example/main:1', [`${M}pod_container_port_name`]: 'metrics',
          [`${M}pod_container_port_number`]: '9090', [`${M}pod_container_port_protocol`]: 'TCP', [`${M}pod_container_init`]: 'false',
        },
        { __address__: '10.1.0.50:8080', ...ep, [`${M}endpoint_ready`]: 'true', [`${M}endpoint_hostname`]: 'h50' },
        { __address__: '10.1.0.51:8080', ...ep, [`${M}endpoint_ready`]: 'false', [`${M}endpoint_address_target_kind`]: 'Pod', [`${M}endpoint_address_target_name`]: 'gone' },
      ]);
    } finally {
      await h.stop();
    }
  });
});

test('endpointslice role: conditions, zone, hostname, node, app protocol, service and pod labels; secondary family of a dual-stack service', async () => {
  await withFake(async (f) => {
    f.apply('pods', WEB_POD);
    f.apply('services', o.service('default', 'web'));
    f.apply('services', o.service('default', 'dual', { dualStack: ['IPv6', 'IPv4'] }));
    f.apply('endpointslices', o.endpointSlice('default', 'web-xyz', {
      service: 'web',
      endpoints: [
        { addresses: ['10.1.0.1'], ready: true, serving: true, terminating: false, pod: 'web-1', node: 'node-a', zone: 'z1' },
        { addresses: ['10.1.0.50'], ready: false, hostname: 'h50' },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
    }));
    f.apply('endpointslices', o.endpointSlice('default', 'dual-v4', { service: 'dual', endpoints: [{ addresses: ['10.2.0.1'] }], ports: [{ port: 80 }] }));
    f.apply('endpointslices', o.endpointSlice('default', 'dual-v6', { service: 'dual', addressType: 'IPv6', endpoints: [{ addresses: ['fd00::1'] }], ports: [{}] }));
    const h = new Harness(o.sdConfig(f.url, 'endpointslice')).start();
    try {
      const v = await groupsOf(h, 3);
      const g = sortTargets(v.get('endpointslice/default/web-xyz'))!;
      const svc = { [`${M}service_name`]: 'web' };
      assert.deepEqual(g.labels, {
        [`${M}namespace`]: 'default', [`${M}endpointslice_address_type`]: 'IPv4', [`${M}endpointslice_name`]: 'web-xyz',
        [`${M}endpointslice_label_kubernetes_io_service_name`]: 'web', [`${M}endpointslice_labelpresent_kubernetes_io_service_name`]: 'true', ...svc,
      });
      const port = { [`${M}endpointslice_port_name`]: 'http', [`${M}endpointslice_port_protocol`]: 'TCP', [`${M}endpointslice_port`]: '8080', [`${M}endpointslice_port_app_protocol`]: 'http' };
      assert.deepEqual(g.targets.map((t) => t['__address__']), ['10.1.0.1:7000', '10.1.0.1:8080', '10.1.0.1:9090', '10.1.0.50:8080']);
      assert.deepEqual(g.targets[1], {
        __address__: '10.1.0.1:8080', ...port,
        [`${M}endpointslice_endpoint_conditions_ready`]: 'true', [`${M}endpointslice_endpoint_conditions_serving`]: 'true', [`${M}endpointslice_endpoint_conditions_terminating`]: 'false',
        [`${M}endpointslice_address_target_kind`]: 'Pod', [`${M}endpointslice_address_target_name`]: 'web-1',
        [`${M}endpointslice_endpoint_node_name`]: 'node-a', [`${M}endpointslice_endpoint_zone`]: 'z1', ...WEB_POD_LABELS,
        [`${M}pod_container_name`]: 'main', [`${M}pod_container_image`]: 'registry.example/main:1', [`${M}pod_container_port_name`]: 'http',
        [`${M}pod_container_port_number`]: '8080', [`${M}pod_container_port_protocol`]: 'TCP', [`${M}pod_container_init`]: 'false',
      });
      assert.deepEqual(g.targets[3], { __address__: '10.1.0.50:8080', ...port, [`${M}endpointslice_endpoint_conditions_ready`]: 'false', [`${M}endpointslice_endpoint_hostname`]: 'h50' });
      // The service's primary family is IPv6: the IPv4 slice has no targets, the IPv6 one has a port-less target.
      assert.deepEqual(v.get('endpointslice/default/dual-v4')!.targets, []);
      assert.equal(v.get('endpointslice/default/dual-v4')!.labels[`${M}service_name`], 'dual');
      assert.deepEqual(v.get('endpointslice/default/dual-v6')!.targets, [{ __address__: 'fd00::1' }]);
    } finally {
      await h.stop();
    }
  });
});
