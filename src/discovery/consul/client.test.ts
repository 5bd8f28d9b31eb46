import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregatedStatus, entryLabels, sanitizeLabelName } from './consul.js';
import { encodeQuery, pathEscape, queryEscape, resolveToken } from './client.js';
import { decodeAgentDatacenter, decodeCatalogServices, decodeServiceEntries } from './decode.js';

test('query and path escaping as Go does it', () => {
  assert.equal(queryEscape('Service.Tags contains "a b"/!*'), 'Service.Tags+contains+%22a+b%22%2F%21%2A');
  assert.equal(queryEscape('rack:r1'), 'rack%3Ar1');
  assert.equal(pathEscape('/v1/health/service/web app:1@x'), '/v1/health/service/web%20app:1@x');
  assert.equal(encodeQuery(new Map([['wait', ['120000ms']], ['tag', ['b', 'a']], ['stale', ['']], ['dc', ['dc 1']]])), 'dc=dc+1&stale=&tag=b&tag=a&wait=120000ms');
});

test('the token as Consul\'s client settles it with the environment', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-consul-'));
  try {
    const f = join(dir, 'token');
    await writeFile(f, '  from-file\n');
    const table: [string, Record<string, string>, string][] = [
      ['cfg', {}, 'cfg'],
      ['', {}, ''],
      ['', { CONSUL_HTTP_TOKEN: 'env' }, 'env'],
      ['cfg', { CONSUL_HTTP_TOKEN: 'env' }, 'cfg'],
      ['', { CONSUL_HTTP_TOKEN_FILE: f, CONSUL_HTTP_TOKEN: 'env' }, 'from-file'],
      ['cfg', { CONSUL_HTTP_TOKEN_FILE: f }, 'cfg'],
      ['env', { CONSUL_HTTP_TOKEN_FILE: f, CONSUL_HTTP_TOKEN: 'env' }, 'from-file'],
    ];
    for (const [cfg, env, want] of table) assert.equal(resolveToken(cfg, env), want, `${cfg} ${JSON.stringify(env)}`);
    assert.throws(() => resolveToken('', { CONSUL_HTTP_TOKEN_FILE: join(dir, 'missing') }), /^Error: Error loading token file .*missing : /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('aggregated health: maintenance > critical > warning > passing; unknown statuses give ""', () => {
  const table: [[string, string][], string][] = [
    [[], 'passing'],
    [[['serfHealth', 'passing'], ['service:x', 'passing']], 'passing'],
    [[['serfHealth', 'passing'], ['service:x', 'warning']], 'warning'],
    [[['a', 'warning'], ['b', 'critical'], ['c', 'passing']], 'critical'],
    [[['_node_maintenance', 'critical'], ['b', 'critical']], 'maintenance'],
    [[['_service_maintenance:web', 'critical']], 'maintenance'],
    [[['a', 'passing'], ['b', 'bogus']], ''],
  ];
  for (const [checks, want] of table) assert.equal(aggregatedStatus(checks.map(([checkID, status]) => ({ checkID, status }))), want, JSON.stringify(checks));
});

test('target labels of a service instance', () => {
  const [e] = decodeServiceEntries(Buffer.from(JSON.stringify([{
    Node: { Node: 'n1', Address: '10.0.0.1', Meta: { 'rack-id': 'r1', 'ü': 'x' }, TaggedAddresses: { lan: '10.0.0.1', wan_ipv4: '1.2.3.4' } },
    Service: { ID: 'web-1', Service: 'web', Tags: ['a', 'b'], Address: '', Port: 8080, Meta: { version: '2' }, Namespace: 'ns1', Partition: 'p1' },
    Checks: [{ CheckID: 'serfHealth', Status: 'passing' }, { CheckID: 'service:web-1', Status: 'warning' }],
  }])));
  assert.deepEqual(entryLabels(e!, ';'), {
    __address__: '10.0.0.1:8080', __meta_consul_address: '10.0.0.1', __meta_consul_node: 'n1', __meta_consul_namespace: 'ns1',
    __meta_consul_partition: 'p1', __meta_consul_tags: ';a;b;', __meta_consul_service_address: '', __meta_consul_service_port: '8080',
    __meta_consul_service_id: 'web-1', __meta_consul_health: 'warning', __meta_consul_metadata_rack_id: 'r1', __meta_consul_metadata__: 'x',
    __meta_consul_service_metadata_version: '2', __meta_consul_tagged_address_lan: '10.0.0.1', __meta_consul_tagged_address_wan_ipv4: '1.2.3.4',
  });
  const [v6] = decodeServiceEntries(Buffer.from('[{"node":{"address":"10.0.0.2"},"service":{"address":"::1","port":1}}]'));
  assert.equal(entryLabels(v6!, ',')['__address__'], '[::1]:1', 'the service address wins; fields match case-insensitively');
  assert.equal(entryLabels(v6!, ',')['__meta_consul_tags'], ',,');
  assert.equal(sanitizeLabelName('a.b-c😀'), 'a_b_c_');
});

test('decoding errors and tolerated shapes', () => {
  assert.deepEqual(decodeServiceEntries(Buffer.from('null')), []);
  assert.throws(() => decodeServiceEntries(Buffer.from('{}')), /cannot unmarshal object into Go value of type \[\]\*api.ServiceEntry/);
  assert.throws(() => decodeServiceEntries(Buffer.from('[{"Service":{"Port":"80"}}]')), /cannot unmarshal string into Go struct field AgentService.Port of type int/);
  assert.throws(() => decodeServiceEntries(Buffer.from('[{"Service":{"Port":80.5}}]')), /number 80.5/);
  assert.throws(() => decodeServiceEntries(Buffer.from('[')), /JSON/);
  assert.deepEqual([...decodeCatalogServices(Buffer.from('{"web":["a"],"db":null}'))], [['web', ['a']], ['db', []]]);
  assert.throws(() => decodeCatalogServices(Buffer.from('[]')), /cannot unmarshal array/);
  assert.equal(decodeAgentDatacenter(Buffer.from('{"Config":{"Datacenter":"eu-1"},"Member":{}}')), 'eu-1');
  assert.throws(() => decodeAgentDatacenter(Buffer.from('{"Config":{"Datacenter":7}}')), { message: "invalid value '7' for Config.Datacenter" });
  assert.throws(() => decodeAgentDatacenter(Buffer.from('{"Config":{}}')), { message: "invalid value '<nil>' for Config.Datacenter" });
  assert.throws(() => decodeAgentDatacenter(Buffer.from('{"Config":"x"}')), /cannot unmarshal string/);
});

test('request URLs: scheme and path prefix from the server address, as Consul\'s client splits it', async () => {
  const { ConsulClient } = await import('./client.js');
  const { defaultHTTPClientConfig } = await import('../../httpclient/index.js');
  const urls: string[] = [];
  const http = {
    name: 'test',
    request: (r: { url: string }) => {
      urls.push(r.url);
      return Promise.resolve({ status: 200, statusText: 'OK', headers: { 'x-consul-index': '007' }, body: Buffer.from('{"web":[]}') });
    },
    close: () => Promise.resolve(),
  };
  const base = {
    path_prefix: '', token: '', datacenter: '', namespace: '', partition: '', tag_separator: ',', scheme: 'http', username: '', password: '',
    allow_stale: false, refresh_interval: 1, services: [], tags: [], node_meta: {}, filter: '', health_filter: '', http_client: defaultHTTPClientConfig(),
  } as const;
  const q = { index: '0', waitMs: 0, allowStale: false, nodeMeta: {}, filter: '' };
  const table: [string, string, string, string][] = [
    ['localhost:8500', 'http', '', 'http://localhost:8500/v1/catalog/services'],
    ['consul:8501', 'https', '/gw', 'https://consul:8501/gw/v1/catalog/services'],
    ['https://consul:8501', 'http', '', 'https://consul:8501/v1/catalog/services'],
    // "http://" never downgrades a configured https, and a path in the address replaces path_prefix.
    ['http://consul:8500/proxy/consul', 'https', '/ignored', 'https://consul:8500/proxy/consul/v1/catalog/services'],
  ];
  for (const [server, scheme, prefix, want] of table) {
    const c = new ConsulClient({ ...base, server, scheme, path_prefix: prefix } as unknown as import('../../config/sd-types.js').ConsulSDConfig, { timeoutMs: 1000, env: {}, http });
    const r = await c.catalogServices(q, new AbortController().signal);
    assert.equal(urls.pop(), want, server);
    assert.equal(r.lastIndex, '7', 'the index in canonical form');
  }
  assert.throws(() => new ConsulClient({ ...base, server: 'ftp://x' } as unknown as import('../../config/sd-types.js').ConsulSDConfig, { timeoutMs: 1, env: {}, http }), { message: 'Unknown protocol scheme: ftp' });
});
