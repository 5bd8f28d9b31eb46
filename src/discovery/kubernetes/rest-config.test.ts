import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../../util/log.js';
import { resolveKubeconfig } from './kubeconfig.js';
import { namespacesToWatch, resolveRestConfig } from './rest-config.js';
import { FakeKubeAPIServer } from './testing-fake-apiserver.js';
import { Harness } from './testing-harness.js';
import * as o from './testing-objects.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = { server: 'https://k8s.example:6443' }): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
    contexts: [{ name: 'other', context: { cluster: 'x', user: 'x' } }, { name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'ns' } }],
    clusters: [{ name: 'c', cluster }],
    users: [{ name: 'u', user }],
  };
}

test('kubeconfig: current context, cluster TLS, user credentials, relative paths', () => {
  const cases: { name: string; doc: Record<string, unknown>; check: (r: ReturnType<typeof resolveKubeconfig>) => void }[] = [
    {
      name: 'token and inline CA',
      doc: kubeconfig({ token: 'abc' }, { server: 'https://k8s.example:6443/prefix', 'certificate-authority-data': b64('PEM-CA'), 'tls-server-name': 'api' }),
      check: (r) => {
        assert.equal(r.server, 'https://k8s.example:6443/prefix');
        assert.equal(r.http.tls_config.ca, 'PEM-CA');
        assert.equal(r.http.tls_config.server_name, 'api');
        assert.deepEqual(r.http.authorization, { type: 'Bearer', credentials: 'abc', credentials_file: '', credentials_ref: '' });
      },
    },
    {
      name: 'token file and CA file relative to the kubeconfig',
      doc: kubeconfig({ tokenFile: 'tok' }, { server: 'k8s.example:6443', 'certificate-authority': 'ca.crt', 'insecure-skip-tls-verify': true }),
      check: (r) => {
        assert.equal(r.server, 'https://k8s.example:6443');
        assert.equal(r.http.tls_config.ca_file, '/etc/kube/ca.crt');
        assert.equal(r.http.tls_config.insecure_skip_verify, true);
        assert.equal(r.http.authorization?.credentials_file, '/etc/kube/tok');
      },
    },
    {
      name: 'client certificate data and file',
      doc: kubeconfig({ 'client-certificate-data': b64('CERT'), 'client-key': '/abs/key.pem' }),
      check: (r) => {
        assert.equal(r.http.tls_config.cert, 'CERT');
        assert.equal(r.http.tls_config.key, '');
        assert.equal(r.http.tls_config.key_file, '/abs/key.pem');
        assert.equal(r.http.authorization, null);
      },
    },
    {
      name: 'basic auth',
      doc: kubeconfig({ username: 'admin', password: 'pw' }),
      check: (r) => {
        assert.equal(r.http.basic_auth?.username, 'admin');
        assert.equal(r.http.basic_auth?.password, 'pw');
      },
    },
  ];
  for (const c of cases) {
    try {
      c.check(resolveKubeconfig(c.doc, '/etc/kube'));
    } catch (e) {
      throw new Error(`${c.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  const errors: [Record<string, unknown>, RegExp][] = [
    [{ ...kubeconfig({}), 'current-context': '' }, /no configuration has been provided/],
    [{ ...kubeconfig({}), 'current-context': 'nope' }, /context was not found for specified context: nope/],
    [kubeconfig({ exec: { command: 'aws' } }), /exec credential plugins are not supported/],
    [kubeconfig({ token: 't', username: 'u' }), /username\/password or bearer token may be set, but not both/],
    [kubeconfig({}, {}), /no server found/],
  ];
  for (const [doc, re] of errors) assert.throws(() => resolveKubeconfig(doc, '/'), re);
});

test('in-cluster config: service host and port, token file, CA, own namespace; errors outside a cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-k8s-sa-'));
  try {
    writeFileSync(join(dir, 'token'), 'sa-token');
    writeFileSync(join(dir, 'ca.crt'), 'CA');
    writeFileSync(join(dir, 'namespace'), 'monitoring');
    const cfg = o.sdConfig('', 'pod', { namespaces: { own_namespace: true, names: ['default'] } });
    const r = resolveRestConfig(cfg, nopLogger, { env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: dir });
    assert.equal(r.server, 'https://[fd00::1]:443');
    assert.equal(r.http.bearer_token_file, join(dir, 'token'));
    assert.equal(r.http.tls_config.ca_file, join(dir, 'ca.crt'));
    assert.equal(r.ownNamespace, 'monitoring');
    assert.deepEqual(namespacesToWatch(cfg, r.ownNamespace), ['default', 'monitoring']);
    assert.throws(() => resolveRestConfig(cfg, nopLogger, { env: {}, serviceAccountDir: dir }), /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
    rmSync(join(dir, 'token'));
    assert.throws(() => resolveRestConfig(cfg, nopLogger, { env: { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' }, serviceAccountDir: dir }), /token: no such file or directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(namespacesToWatch(o.sdConfig('x', 'pod'), ''), ['']);
});

test('kubeconfig_file end to end: the discoverer reads the file and authenticates with its token', async () => {
  const f = new FakeKubeAPIServer({ token: 'from-kubeconfig' });
  await f.up();
  const dir = mkdtempSync(join(tmpdir(), 'wf-k8s-kc-'));
  try {
    f.apply('nodes', o.node('n1'));
    const path = join(dir, 'kubeconfig.yml');
    writeFileSync(path, `apiVersion: v1
kind: Config
current-context: test
contexts:
  - name: test
    context: {cluster: fake, user: me}
clusters:
  - name: fake
    cluster: {server: "${f.url}"}
users:
  - name: me
    user: {tokenFile: token}
`);
    writeFileSync(join(dir, 'token'), 'from-kubeconfig\n');
    const h = new Harness({ ...o.sdConfig('', 'node'), kubeconfig_file: path }).start();
    try {
      await h.until(() => h.count() === 1, 'the node');
      assert.deepEqual(h.targets(), ['node/n1 10.0.0.1:10250']);
    } finally {
      await h.stop();
    }
  } finally {
    await f.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
