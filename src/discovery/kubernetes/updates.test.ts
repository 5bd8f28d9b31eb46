/**
 * What each role rebuilds when related objects change (Prometheus's event handlers), attached
 * metadata, selectors and namespaces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeAPIServer } from './testing-fake-apiserver.js';
import { Harness } from './testing-harness.js';
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

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100));

test('pod role with attach_metadata: node, namespace, deployment, job and cronjob labels follow their objects', async () => {
  await withFake(async (f) => {
    f.apply('nodes', o.node('node-a', { labels: { zone: 'z1' } }));
    f.apply('namespaces', o.namespace('default', { team: 'core' }, { owner: 'ops' }));
    f.apply('replicasets', o.owned('default', 'web-abc', { kind: 'Deployment', name: 'web' }));
    f.apply('jobs', o.owned('default', 'backup-1', { kind: 'CronJob', name: 'backup' }));
    f.apply('pods', o.pod({ name: 'web-1', ip: '10.1.0.1', node: 'node-a', controller: { kind: 'ReplicaSet', name: 'web-abc' } }));
    f.apply('pods', o.pod({ name: 'backup-1-x', ip: '10.1.0.2', node: 'node-a', controller: { kind: 'Job', name: 'backup-1' } }));
    f.apply('pods', o.pod({ name: 'lost', ip: '10.1.0.3', node: 'node-x' }));
    const h = new Harness(o.sdConfig(f.url, 'pod', { attach_metadata: { node: true, namespace: true, deployment: true, job: true, cronjob: true } })).start();
    try {
      await h.until(() => h.view.size === 3, 'three pods');
      const web = (): Record<string, string> => h.view.get('pod/default/web-1')!.labels;
      assert.equal(web()[`${M}node_name`], 'node-a');
      assert.equal(web()[`${M}node_label_zone`], 'z1');
      assert.equal(web()[`${M}namespace_label_team`], 'core');
      assert.equal(web()[`${M}namespace_annotation_owner`], 'ops');
      assert.equal(web()[`${M}namespace_name`], undefined, 'the namespace name is not repeated');
      assert.equal(web()[`${M}pod_deployment_name`], 'web');
      const backup = (): Record<string, string> => h.view.get('pod/default/backup-1-x')!.labels;
      assert.equal(backup()[`${M}pod_job_name`], 'backup-1');
      assert.equal(backup()[`${M}pod_cronjob_name`], 'backup');
      // A pod on a node the node informer does not know (filtered by node selectors) has no targets.
      assert.deepEqual(h.view.get('pod/default/lost')!.targets, []);

      f.apply('nodes', o.node('node-x'));
      await h.until(() => h.view.get('pod/default/lost')!.targets.length === 1, 'the pod once its node is known');
      f.apply('nodes', o.node('node-a', { labels: { zone: 'z2' } }));
      await h.until(() => web()[`${M}node_label_zone`] === 'z2', 'node label change');
      f.apply('namespaces', o.namespace('default', { team: 'platform' }));
      await h.until(() => web()[`${M}namespace_label_team`] === 'platform', 'namespace label change');
      f.apply('replicasets', o.owned('default', 'web-abc', { kind: 'Deployment', name: 'web-v2' }));
      await h.until(() => web()[`${M}pod_deployment_name`] === 'web-v2', 'replicaset owner change');
      f.remove('jobs', 'default', 'backup-1');
      await h.until(() => backup()[`${M}pod_cronjob_name`] === undefined, 'job deleted');
      assert.equal(backup()[`${M}pod_job_name`], 'backup-1', 'the job name comes from the pod itself');
      f.remove('pods', 'default', 'web-1');
      await h.until(() => h.view.get('pod/default/web-1')!.targets.length === 0, 'deleted pod');
      assert.deepEqual(h.view.get('pod/default/web-1'), { source: 'pod/default/web-1', targets: [], labels: {} });
      assert.equal(h.events('pod', 'delete'), 1);
    } finally {
      await h.stop();
    }
  });
});

test('endpoints role: rebuilt on service changes and pod phase changes, not on other pod changes', async () => {
  await withFake(async (f) => {
    f.apply('services', o.service('default', 'web', { labels: { tier: 'a' } }));
    f.apply('pods', o.pod({ name: 'web-1', ip: '10.1.0.1', labels: { v: '1' }, containers: [{ name: 'main', ports: [{ port: 8080 }] }] }));
    f.apply('endpoints', o.endpoints('default', 'web', [{ ready: [{ ip: '10.1.0.1', pod: 'web-1' }], ports: [{ port: 8080 }] }]));
    const h = new Harness(o.sdConfig(f.url, 'endpoints')).start();
    try {
      const g = (): { labels: Record<string, string>; t: Record<string, string> } => {
        const x = h.view.get('endpoints/default/web')!;
        return { labels: x.labels, t: x.targets[0]! };
      };
      await h.until(() => h.view.size === 1, 'endpoints');
      assert.equal(g().labels[`${M}service_label_tier`], 'a');
      f.apply('services', o.service('default', 'web', { labels: { tier: 'b' } }));
      await h.until(() => g().labels[`${M}service_label_tier`] === 'b', 'service change');
      assert.equal(h.events('service', 'update'), 1);
      f.apply('pods', o.pod({ name: 'web-1', ip: '10.1.0.1', labels: { v: '2' }, containers: [{ name: 'main', ports: [{ port: 8080 }] }] }));
      await settle();
      assert.equal(h.events('pod', 'update'), 1);
      assert.equal(g().t[`${M}pod_label_v`], '1', 'a pod change that keeps its phase does not rebuild the endpoints');
      f.apply('pods', o.pod({ name: 'web-1', ip: '10.1.0.1', labels: { v: '3' }, phase: 'Failed', containers: [{ name: 'main', ports: [{ port: 8080 }] }] }));
      await h.until(() => g().t[`${M}pod_phase`] === 'Failed', 'pod phase change');
      assert.equal(g().t[`${M}pod_label_v`], '3');
      f.remove('services', 'default', 'web');
      await h.until(() => g().labels[`${M}service_name`] === undefined, 'service deleted');
      f.remove('endpoints', 'default', 'web');
      await h.until(() => h.view.get('endpoints/default/web')!.targets.length === 0, 'endpoints deleted');
    } finally {
      await h.stop();
    }
  });
});

test('endpoints and endpointslice roles with attach_metadata.node: node labels on pod and node targets', async () => {
  await withFake(async (f) => {
    // Node changes reach targets whose address has a target reference (here a pod not in the store), as in Prometheus's node index.
    f.apply('endpoints', o.endpoints('default', 'kubelet', [{ ready: [{ ip: '10.0.0.1', node: 'node-a', pod: 'p' }], ports: [{ port: 10250 }] }]));
    f.apply('endpointslices', o.endpointSlice('default', 'kubelet-x', { service: 'kubelet', endpoints: [{ addresses: ['10.0.0.1'], node: 'node-a', pod: 'p' }], ports: [{ port: 10250 }] }));
    for (const role of ['endpoints', 'endpointslice'] as const) {
      f.apply('nodes', o.node('node-a', { labels: { zone: 'z1' } }));
      const h = new Harness(o.sdConfig(f.url, role, { attach_metadata: { node: true, namespace: false, deployment: false, job: false, cronjob: false } })).start();
      try {
        await h.until(() => h.view.size === 1, role);
        const t = (): Record<string, string> => [...h.view.values()][0]!.targets[0]!;
        assert.equal(t()[`${M}node_label_zone`], 'z1', role);
        assert.equal(t()[`${M}node_name`], 'node-a', role);
        f.apply('nodes', o.node('node-a', { labels: { zone: role } }));
        await h.until(() => t()[`${M}node_label_zone`] === role, `${role}: node change`);
      } finally {
        await h.stop();
      }
    }
  });
});

test('endpointslice role: rebuilt when its service changes', async () => {
  await withFake(async (f) => {
    f.apply('endpointslices', o.endpointSlice('default', 'web-1', { service: 'web', endpoints: [{ addresses: ['10.1.0.1'] }], ports: [{ port: 80 }] }));
    const h = new Harness(o.sdConfig(f.url, 'endpointslice')).start();
    try {
      await h.until(() => h.view.size === 1, 'slice');
      const labels = (): Record<string, string> => h.view.get('endpointslice/default/web-1')!.labels;
      assert.equal(labels()[`${M}service_name`], undefined);
      f.apply('services', o.service('default', 'web', { labels: { a: 'b' } }));
      await h.until(() => labels()[`${M}service_label_a`] === 'b', 'service added');
      assert.equal(h.events('service', 'add'), 1);
      assert.equal(h.events('endpointslice', 'add'), 1);
    } finally {
      await h.stop();
    }
  });
});

test('selectors and namespaces: objects entering and leaving a selector; only the named namespaces are read', async () => {
  await withFake(async (f) => {
    f.apply('pods', o.pod({ name: 'a', ip: '10.1.0.1', node: 'n1', labels: { app: 'web' } }));
    f.apply('pods', o.pod({ name: 'b', ip: '10.1.0.2', node: 'n2', labels: { app: 'web' } }));
    f.apply('pods', o.pod({ name: 'c', ip: '10.1.0.3', node: 'n1', labels: { app: 'db' } }));
    f.apply('pods', o.pod({ ns: 'kube-system', name: 'd', ip: '10.1.0.4', node: 'n1', labels: { app: 'web' } }));
    f.apply('pods', o.pod({ ns: 'other', name: 'e', ip: '10.1.0.5', node: 'n1', labels: { app: 'web' } }));
    const h = new Harness(o.sdConfig(f.url, 'pod', {
      selectors: [{ role: 'pod', label: 'app in (web, api)', field: 'spec.nodeName=n1' }],
      namespaces: { own_namespace: false, names: ['default', 'kube-system'] },
    })).start();
    try {
      await h.until(() => h.count() === 2, 'selected pods');
      assert.deepEqual(h.targets(), ['pod/default/a 10.1.0.1:8080', 'pod/kube-system/d 10.1.0.4:8080']);
      const podRequests = f.requests.filter((r) => r.path.endsWith('/pods'));
      assert.deepEqual([...new Set(podRequests.map((r) => r.path))].sort(), ['/api/v1/namespaces/default/pods', '/api/v1/namespaces/kube-system/pods']);
      assert.ok(podRequests.every((r) => r.query.get('labelSelector') === 'app in (web, api)' && r.query.get('fieldSelector') === 'spec.nodeName=n1'));
      // Client metrics name the endpoint with the namespace as a placeholder, as client-go does.
      // Two lists and two watches; a watch is counted once its response starts.
      await h.until(() => h.metrics.requestDuration.labels('/api/v1/namespaces/%7Bnamespace%7D/pods').count >= 4, 'four pod requests timed');
      await h.until(() => h.metrics.requests.labels('200').value >= 4, 'four requests counted');
      assert.equal(h.metrics.queueAdds.labels('pod').value, 2, 'two pods queued once each');
      assert.equal(h.metrics.queueDepth.labels('pod').value, 0);
      // c starts matching, a stops: the watch turns them into ADDED and DELETED.
      f.apply('pods', o.pod({ name: 'c', ip: '10.1.0.3', node: 'n1', labels: { app: 'api' } }));
      f.apply('pods', o.pod({ name: 'a', ip: '10.1.0.1', node: 'n1', labels: { app: 'other' } }));
      await h.until(() => h.targets().join() === 'pod/default/c 10.1.0.3:8080,pod/kube-system/d 10.1.0.4:8080', 'selector transitions');
      assert.deepEqual(h.view.get('pod/default/a')!.targets, []);
    } finally {
      await h.stop();
    }
  });
});
