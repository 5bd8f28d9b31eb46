import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PuppetDBSDConfig } from '../../config/sd-types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { PuppetDBDiscoverer, queryURL } from './puppetdb.js';
import { decodeResources, parameterLabels } from './resources.js';
import { FakePuppetDB } from './testing-fake-puppetdb.js';

const never = new AbortController().signal;

function cfg(url: string, o: Partial<PuppetDBSDConfig> = {}): PuppetDBSDConfig {
  return { url, query: 'vhosts', port: 80, include_parameters: false, refresh_interval: 30_000 as Millis, http_client: defaultHTTPClientConfig(), ...o };
}

function discoverer(c: PuppetDBSDConfig, reg = new Registry()): PuppetDBDiscoverer {
  return new PuppetDBDiscoverer(c, { refreshMetrics: RefreshMetrics.for(reg), setName: 'puppetdb', userAgent: 'Watchfire/test' });
}

async function withReply(status: number, type: string, body: string, fn: (url: string, bodies: string[]) => Promise<void>): Promise<void> {
  const bodies: string[] = [];
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers['content-type'] ?? ''} ${req.headers.accept ?? ''} ${Buffer.concat(chunks).toString()}`);
      res.writeHead(status, type === '' ? {} : { 'Content-Type': type }).end(body);
    });
  });
  await new Promise<void>((r) => { s.listen(0, '127.0.0.1', r); });
  try {
    await fn(`http://127.0.0.1:${(s.address() as AddressInfo).port}`, bodies);
  } finally {
    s.closeAllConnections();
    await new Promise<void>((r) => { s.close(() => { r(); }); });
  }
}

// The resource of Prometheus's fixtures/vhosts.json.
const VHOSTS = JSON.stringify([{
  certname: 'edinburgh.example.com', environment: 'prod', exported: false,
  file: '/etc/puppetlabs/code/environments/prod/modules/upstream/apache/manifests/init.pp', line: 384,
  parameters: {
    access_log: true, access_log_file: 'ssl_access_log', additional_includes: [], directoryindex: '', docroot: '/var/www/html', ensure: 'absent',
    options: ['Indexes', 'FollowSymLinks', 'MultiViews'], php_flags: {}, labels: { alias: 'edinburgh' },
    scriptaliases: [{ alias: '/cgi-bin', path: '/var/www/cgi-bin' }], port: 22, pi: 3.141592653589793, buckets: [0, 2, 5],
    coordinates: [60.13464726551357, -2.0513768021728893],
  },
  resource: '49af83866dc5a1518968b68e58a25319107afe11',
  tags: ['roles::hypervisor', 'apache', 'apache::vhost', 'class', 'default-ssl', 'profile_hypervisor', 'vhost', 'profile_apache', 'hypervisor', '__node_regexp__edinburgh', 'roles', 'node'],
  title: 'default-ssl', type: 'Apache::Vhost',
}]);

const VHOST_LABELS = {
  __address__: 'edinburgh.example.com:80',
  __meta_puppetdb_query: 'vhosts',
  __meta_puppetdb_certname: 'edinburgh.example.com',
  __meta_puppetdb_environment: 'prod',
  __meta_puppetdb_exported: 'false',
  __meta_puppetdb_file: '/etc/puppetlabs/code/environments/prod/modules/upstream/apache/manifests/init.pp',
  __meta_puppetdb_resource: '49af83866dc5a1518968b68e58a25319107afe11',
  __meta_puppetdb_tags: ',roles::hypervisor,apache,apache::vhost,class,default-ssl,profile_hypervisor,vhost,profile_apache,hypervisor,__node_regexp__edinburgh,roles,node,',
  __meta_puppetdb_title: 'default-ssl',
  __meta_puppetdb_type: 'Apache::Vhost',
};

test('puppetdb SD: Prometheus TestPuppetSlashInURL', () => {
  const cases: [string, string][] = [
    ['https://puppetserver', 'https://puppetserver/pdb/query/v4'],
    ['https://puppetserver/', 'https://puppetserver/pdb/query/v4'],
    ['http://puppetserver:8080/', 'http://puppetserver:8080/pdb/query/v4'],
    ['http://puppetserver:8080', 'http://puppetserver:8080/pdb/query/v4'],
    ['http://puppetserver:8080/sub//dir/', 'http://puppetserver:8080/sub/dir/pdb/query/v4'],
  ];
  for (const [base, want] of cases) {
    assert.equal(queryURL(base), want, base);
    assert.equal(discoverer(cfg(base)).url, want, base);
  }
});

test('puppetdb SD: Prometheus TestPuppetDBRefresh and TestPuppetDBRefreshWithParameters', async () => {
  await withReply(200, 'application/json', VHOSTS, async (url, bodies) => {
    assert.deepEqual(await discoverer(cfg(url)).refresh(never), [{ source: `${url}/pdb/query/v4?query=vhosts`, labels: {}, targets: [VHOST_LABELS] }]);
    assert.equal(bodies[0], 'POST /pdb/query/v4 application/json application/json {"query":"vhosts"}');
    const [g] = await discoverer(cfg(url, { include_parameters: true })).refresh(never);
    assert.deepEqual(g!.targets, [{
      ...VHOST_LABELS,
      __meta_puppetdb_parameter_access_log: 'true',
      __meta_puppetdb_parameter_access_log_file: 'ssl_access_log',
      __meta_puppetdb_parameter_buckets: '0,2,5',
      __meta_puppetdb_parameter_coordinates: '60.13464726551357,-2.0513768021728893',
      __meta_puppetdb_parameter_docroot: '/var/www/html',
      __meta_puppetdb_parameter_ensure: 'absent',
      __meta_puppetdb_parameter_labels_alias: 'edinburgh',
      __meta_puppetdb_parameter_options: 'Indexes,FollowSymLinks,MultiViews',
      __meta_puppetdb_parameter_pi: '3.141592653589793',
      __meta_puppetdb_parameter_port: '22',
    }]);
  });
});

test('puppetdb SD: Prometheus TestPuppetDBInvalidCode and TestPuppetDBInvalidFormat; undecodable answers', async () => {
  await withReply(400, '', '', async (url) => {
    await assert.rejects(discoverer(cfg(url)).refresh(never), { message: 'server returned HTTP status 400 Bad Request' });
  });
  await withReply(200, 'text/plain; charset=utf-8', '{}\n', async (url) => {
    await assert.rejects(discoverer(cfg(url)).refresh(never), { message: 'unsupported content type text/plain; charset=utf-8' });
  });
  const cases: [string, string][] = [
    ['{}', 'json: cannot unmarshal object into Go value of type []puppetdb.Resource'],
    ['[{"certname": 5}]', 'json: cannot unmarshal number into Go struct field Resource.certname of type string'],
    ['[{"exported": "no"}]', 'json: cannot unmarshal string into Go struct field Resource.exported of type bool'],
    ['[{"parameters": []}]', 'json: cannot unmarshal array into Go struct field Resource.parameters of type puppetdb.Parameters'],
  ];
  for (const [body, msg] of cases) {
    await withReply(200, 'application/json; charset="utf-8"', body, async (url) => { await assert.rejects(discoverer(cfg(url)).refresh(never), { message: msg }); });
  }
});

test('puppetdb SD: resources decode like Go (case-insensitive keys, nulls); parameters flatten like Prometheus', () => {
  const [r] = decodeResources('[{"CertName": "a", "TAGS": null, "exported": true, "parameters": null, "type": null}]');
  assert.deepEqual(r, { certname: 'a', resource: '', type: '', title: '', exported: true, tags: [], file: '', environment: '', parameters: null });
  assert.deepEqual(decodeResources('null'), []);
  const cases: [Record<string, unknown>, Record<string, string>][] = [
    [{ big: 12345678, neg: -0.5, tiny: 0.00001, zero: 0 }, { big: '1.2345678e+07', neg: '-0.5', tiny: '1e-05', zero: '0' }],
    [{ 'a.b-c': 'x', nested: { 'k.1': { deep: true } }, n: null }, { a_b_c: 'x', nested_k_1_deep: 'true' }],
    [{ mixed: ['a', 1, true, null, ['x'], { o: 1 }], empty: '', none: [] }, { mixed: 'a,1,true,,,' }],
  ];
  for (const [params, want] of cases) assert.deepEqual(parameterLabels(params), want);
});

test('puppetdb SD: queries the fake PuppetDB, follows its changes, keeps the last targets while it fails', async () => {
  const f = new FakePuppetDB();
  await f.up();
  const reg = new Registry();
  const q = 'resources { type = "Class" and title = "Prometheus::Node_exporter" }';
  const d = discoverer(cfg(f.url, { query: q, port: 9100, include_parameters: true, refresh_interval: 30 as Millis }), reg);
  f.resources.push(
    { certname: 'web-1.example.com', type: 'Class', title: 'Prometheus::Node_exporter', tags: ['class', 'node'], environment: 'prod', parameters: { version: '1.8.0', collectors: ['cpu', 'meminfo'] } },
    { certname: 'db-1.example.com', type: 'Class', title: 'Postgresql::Server' },
  );
  const sent: TargetGroup[][] = [];
  const ac = new AbortController();
  const done = d.run(ac.signal, (gs) => { sent.push(gs); });
  const addrs = (): string => (sent.at(-1)?.[0]?.targets ?? []).map((t) => t['__address__']).join(',');
  try {
    await waitFor(() => addrs() === 'web-1.example.com:9100', 3000, 'the first answer');
    const t = sent.at(-1)![0]!.targets[0]!;
    assert.equal(t['__meta_puppetdb_parameter_collectors'], 'cpu,meminfo');
    assert.equal(t['__meta_puppetdb_tags'], ',class,node,');
    assert.match(t['__meta_puppetdb_resource']!, /^[0-9a-f]{40}$/);
    assert.equal(f.requests[0]!.query, q);
    assert.equal(f.requests[0]!.userAgent, 'Watchfire/test');
    f.resources.push({ certname: 'web-2.example.com', type: 'Class', title: 'Prometheus::Node_exporter', exported: true });
    await waitFor(() => addrs() === 'web-1.example.com:9100,web-2.example.com:9100', 3000, 'a new resource');
    f.failWith(503);
    const failures = (): number => RefreshMetrics.for(reg).failures.labels('puppetdb', 'puppetdb').value;
    await waitFor(() => failures() >= 2, 3000, 'failures counted');
    const n = sent.length;
    f.resources.splice(0, 1);
    await waitFor(() => failures() >= 4, 3000, 'more failures');
    assert.equal(sent.length, n, 'nothing sent while failing');
    f.failWith(null);
    await waitFor(() => addrs() === 'web-2.example.com:9100', 3000, 'recovery');
  } finally {
    ac.abort();
    await done;
    await f.down();
  }
});

test('puppetdb fake: rejects what it cannot parse with HTTP 400, as PuppetDB does', async () => {
  const f = new FakePuppetDB();
  await f.up();
  try {
    const r = await fetch(`${f.url}/pdb/query/v4`, { method: 'POST', body: JSON.stringify({ query: 'resources { type = }' }), headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /PQL parse error/);
  } finally {
    await f.down();
  }
});
