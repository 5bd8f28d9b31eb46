import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfigString, otherSDConfigs } from './index.js';
import type { SDConfigKey, ServiceDiscoveryConfigs } from './index.js';

/** A scrape config with one SD entry (flow mapping) under `key`. */
const sd = (key: string, body: string): string => `scrape_configs:\n  - job_name: j\n    ${key}:\n      - ${body}\n`;
const first = <K extends SDConfigKey>(key: K, body: string) => {
  const c = loadConfigString(sd(key, body), '/etc/p/p.yml');
  return otherSDConfigs(c.scrape_configs[0] as ServiceDiscoveryConfigs, key)[0]!;
};

describe('service discovery defaults', () => {
  it('dns', () => {
    const d = first('dns_sd_configs', '{names: [_x._tcp.example.org]}');
    assert.deepEqual(d, { names: ['_x._tcp.example.org'], refresh_interval: 30_000, type: 'SRV', port: 0 });
  });
  it('kubernetes', () => {
    const k = first('kubernetes_sd_configs', '{role: endpointslice}');
    assert.equal(k.role, 'endpointslice');
    assert.equal(k.api_server, '');
    assert.deepEqual(k.namespaces, { own_namespace: false, names: [] });
    assert.equal(k.http_client.follow_redirects, true);
  });
  it('consul', () => {
    const c = first('consul_sd_configs', '{services: [web]}');
    assert.equal(c.server, 'localhost:8500');
    assert.equal(c.scheme, 'http');
    assert.equal(c.tag_separator, ',');
    assert.equal(c.allow_stale, true);
    assert.equal(c.refresh_interval, 30_000);
  });
  it('consul username becomes basic auth', () => {
    const c = first('consul_sd_configs', '{username: u, password: p}');
    assert.equal(c.http_client.basic_auth?.username, 'u');
    assert.equal(c.http_client.basic_auth?.password, 'p');
  });
  it('http', () => {
    const h = first('http_sd_configs', '{url: "https://sd.example/targets"}');
    assert.equal(h.refresh_interval, 60_000);
  });
  it('ec2, lightsail, azure, gce', () => {
    assert.equal(first('ec2_sd_configs', '{region: eu-west-1}').port, 80);
    assert.equal(first('lightsail_sd_configs', '{region: eu-west-1}').refresh_interval, 60_000);
    const a = first('azure_sd_configs', '{subscription_id: s, tenant_id: t, client_id: c, client_secret: x}');
    assert.equal(a.environment, 'AzurePublicCloud');
    assert.equal(a.authentication_method, 'OAuth');
    assert.equal(a.refresh_interval, 300_000);
    const g = first('gce_sd_configs', '{project: p, zone: z}');
    assert.equal(g.tag_separator, ',');
    assert.equal(g.port, 80);
  });
  it('docker, nomad, eureka, digitalocean, hetzner, linode, openstack', () => {
    const d = first('docker_sd_configs', '{host: "unix:///var/run/docker.sock"}');
    assert.equal(d.host_networking_host, 'localhost');
    assert.equal(d.match_first_network, true);
    const n = first('nomad_sd_configs', '{}');
    assert.deepEqual([n.server, n.namespace, n.region, n.allow_stale], ['http://localhost:4646', 'default', 'global', true]);
    assert.equal(first('eureka_sd_configs', '{server: "http://eureka:8761/eureka"}').refresh_interval, 30_000);
    assert.equal(first('digitalocean_sd_configs', '{}').role, 'droplets');
    assert.equal(first('hetzner_sd_configs', '{role: hcloud}').port, 80);
    assert.equal(first('linode_sd_configs', '{}').tag_separator, ',');
    const o = first('openstack_sd_configs', '{role: instance, region: r}');
    assert.equal(o.availability, 'public');
  });
  it('the rest with their known fields', () => {
    assert.equal(first('triton_sd_configs', '{account: a, dns_suffix: d, endpoint: e}').port, 9163);
    assert.equal(first('uyuni_sd_configs', '{server: "https://u", username: a, password: b}').entitlement, 'monitoring_entitled');
    assert.equal(first('kuma_sd_configs', '{server: "http://kuma:5676"}').fetch_timeout, 120_000);
    assert.equal(first('serverset_sd_configs', '{servers: [zk], paths: [/x]}').timeout, 10_000);
    assert.equal(first('ovhcloud_sd_configs', '{application_key: k, application_secret: s, consumer_key: c, service: vps}').endpoint, 'ovh-eu');
    assert.equal(first('scaleway_sd_configs', '{role: instance, project_id: p, access_key: a, secret_key: s}').zone, 'fr-par-1');
    assert.equal(first('marathon_sd_configs', '{servers: ["http://m"]}').refresh_interval, 30_000);
    assert.equal(first('puppetdb_sd_configs', '{url: "https://p", query: "resources { }"}').port, 80);
    assert.equal(first('ionos_sd_configs', '{datacenter_id: d}').port, 80);
    assert.equal(first('vultr_sd_configs', '{}').port, 80);
    assert.equal(first('stackit_sd_configs', '{project: p}').region, 'eu01');
    assert.equal(first('outscale_sd_configs', '{access_key: a, secret_key: s}').endpoint, 'https://api.eu-west-2.outscale.com/api/v1');
    assert.equal(first('dockerswarm_sd_configs', '{host: "tcp://h:2375", role: tasks}').port, 80);
    assert.equal(first('nerve_sd_configs', '{servers: [zk], paths: [/n]}').timeout, 10_000);
    assert.equal(first('ecs_sd_configs', '{region: r}').request_concurrency, 20);
    assert.equal(first('aws_sd_configs', '{role: ec2}').role, 'ec2');
    assert.equal(first('oci_sd_configs', '{region: r, tenancy: t, user: u, fingerprint: f, key_file: k.pem}').key_file, '/etc/p/k.pem');
  });
  it('alertmanagers use discovery too', () => {
    const c = loadConfigString('alerting:\n  alertmanagers:\n    - dns_sd_configs: [{names: [am.example], type: A, port: 9093}]\n      path_prefix: /am\n', 'p.yml');
    const am = c.alerting.alertmanagers[0]!;
    assert.equal(am.path_prefix, '/am');
    assert.equal(am.timeout, 10_000);
    assert.equal(otherSDConfigs(am, 'dns_sd_configs')[0]!.port, 9093);
  });
});

const BAD: [key: string, body: string, reason: string][] = [
  ['dns_sd_configs', '{names: []}', 'DNS-SD config must contain at least one SRV record name'],
  ['dns_sd_configs', '{names: [a], type: A}', 'a port is required in DNS-SD configs for all record types except SRV'],
  ['dns_sd_configs', '{names: [a], type: TXT}', 'invalid DNS-SD records type TXT'],
  ['file_sd_configs', '{files: []}', 'file service discovery config must contain at least one path name'],
  ['file_sd_configs', '{files: [targets.txt]}', 'path name "/etc/p/targets.txt" is not valid for file discovery'],
  ['kubernetes_sd_configs', '{}', 'role missing (one of: pod, service, endpoints, endpointslice, node, ingress)'],
  ['kubernetes_sd_configs', '{role: pods}', 'unknown Kubernetes SD role "pods"'],
  ['kubernetes_sd_configs', '{role: pod, api_server: "https://k", kubeconfig_file: k}', "cannot use 'kubeconfig_file' and 'api_server' simultaneously"],
  ['kubernetes_sd_configs', '{role: pod, bearer_token: x}', "to use custom HTTP client configuration please provide the 'api_server' URL explicitly"],
  ['kubernetes_sd_configs', '{role: pod, kubeconfig_file: k, basic_auth: {username: u}}', "cannot use a custom HTTP client configuration together with 'kubeconfig_file'"],
  ['kubernetes_sd_configs', '{role: pod, api_server: "https://k", namespaces: {own_namespace: true}}', "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously"],
  ['kubernetes_sd_configs', '{role: node, selectors: [{role: pod}]}', 'node role supports only node selectors'],
  ['kubernetes_sd_configs', '{role: endpoints, selectors: [{role: ingress}]}', 'endpoints role supports only pod, service, endpoints selectors'],
  ['kubernetes_sd_configs', '{role: pod, selectors: [{role: pod}, {role: pod}]}', 'duplicated selector role: pod'],
  ['kubernetes_sd_configs', '{role: pod, selectors: [{role: pod, field: "metadata.status-Running"}]}', "invalid selector: 'metadata.status-Running'; can't understand 'metadata.status-Running'"],
  ['kubernetes_sd_configs', '{role: pod, namespaces: {foo: bar}}', 'field foo not found in type kubernetes.NamespaceDiscovery'],
  ['consul_sd_configs', '{server: " "}', 'consul SD configuration requires a server address'],
  ['consul_sd_configs', '{token: t, authorization: {credentials: c}}', 'at most one of consul SD token, authorization, or oauth2 can be configured'],
  ['http_sd_configs', '{url: "ftp://x"}', "URL scheme must be 'http' or 'https'"],
  ['http_sd_configs', '{url: "http://"}', 'host is missing in URL'],
  ['http_sd_configs', '{}', 'URL is missing'],
  ['http_sd_configs', '{url: "http://x", bearer_token: a, bearer_token_file: b}', 'at most one of bearer_token & bearer_token_file must be configured'],
  ['ec2_sd_configs', '{filters: [{name: tag:x, values: []}]}', 'EC2 SD configuration filter values cannot be empty'],
  ['azure_sd_configs', '{tenant_id: t}', 'azure SD configuration requires a subscription_id'],
  ['azure_sd_configs', '{subscription_id: s, tenant_id: t, client_secret: x}', 'azure SD configuration requires a client_id'],
  ['azure_sd_configs', '{subscription_id: s, authentication_method: invalid}', 'unknown authentication_type "invalid". Supported types are "OAuth", "ManagedIdentity", "SDK" or "WorkloadIdentity"'],
  ['gce_sd_configs', '{zone: z}', 'GCE SD configuration requires a project'],
  ['docker_sd_configs', '{}', 'host missing'],
  ['dockerswarm_sd_configs', '{host: h}', 'role missing (one of: tasks, services, nodes)'],
  ['nomad_sd_configs', '{server: ""}', 'nomad SD configuration requires a server address'],
  ['eureka_sd_configs', '{}', 'eureka_sd: empty or null eureka server'],
  ['eureka_sd_configs', '{server: "eureka"}', 'eureka_sd: invalid eureka server URL'],
  ['digitalocean_sd_configs', '{role: apps}', 'unknown DigitalOcean SD role "apps"'],
  ['hetzner_sd_configs', '{}', 'role missing (one of: robot, hcloud)'],
  ['hetzner_sd_configs', '{role: cloud}', 'unknown role "cloud"'],
  ['openstack_sd_configs', '{role: instance, region: r, availability: invalid}', 'unknown availability invalid, must be one of admin, internal or public'],
  ['openstack_sd_configs', '{role: vm, region: r}', 'unknown OpenStack SD role "vm"'],
  ['openstack_sd_configs', '{role: instance}', 'openstack SD configuration requires a region'],
  ['marathon_sd_configs', '{}', 'marathon_sd: must contain at least one Marathon server'],
  ['marathon_sd_configs', '{servers: [m], auth_token: a, basic_auth: {username: u}}', 'marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured'],
  ['puppetdb_sd_configs', '{url: "https://p"}', 'query missing'],
  ['scaleway_sd_configs', '{role: invalid}', 'unknown role "invalid"'],
  ['scaleway_sd_configs', '{role: instance, project_id: p, access_key: a}', 'one of secret_key & secret_key_file must be configured'],
  ['ionos_sd_configs', '{}', "datacenter id can't be empty"],
  ['ovhcloud_sd_configs', '{application_key: k, consumer_key: c, service: vps}', 'application secret can not be empty'],
  ['ovhcloud_sd_configs', '{application_key: k, application_secret: s, consumer_key: c, service: fakeservice}', 'unknown service: fakeservice'],
  ['uyuni_sd_configs', '{}', 'Uyuni SD configuration requires server host'],
  ['triton_sd_configs', '{account: a, dns_suffix: d, endpoint: e, role: vm}', "triton SD configuration requires role to be 'container' or 'cn'"],
  ['serverset_sd_configs', '{servers: [zk], paths: [x]}', "serverset SD config paths must begin with '/': x"],
  ['nerve_sd_configs', '{servers: [zk]}', 'nerve SD config must contain at least one path'],
  ['kuma_sd_configs', '{server: "kuma"}', 'kuma SD server must not be empty and have a scheme: kuma'],
  ['outscale_sd_configs', '{access_key: a, secret_key: s, secret_key_file: f}', 'at most one of secret_key & secret_key_file must be configured'],
  ['oci_sd_configs', '{region: r, auth: invalid}', 'oci_sd: unknown auth method "invalid", expected "api_key" or "instance_principal"'],
  ['aws_sd_configs', '{role: s3}', 'unknown AWS SD role "s3"'],
  ['dns_sd_configs', '{names: [a], refresh: 1m}', 'field refresh not found in type dns.SDConfig'],
];

describe('service discovery validation', () => {
  for (const [key, body, reason] of BAD) {
    it(`${key} ${body}`, () => {
      assert.throws(() => loadConfigString(sd(key, body), '/etc/p/p.yml'), (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.equal(e.reason, reason);
        assert.ok(e.line >= 3 && e.line <= 4, e.message);
        assert.ok(e.field === '' || e.field.startsWith(`scrape_configs[0].${key}`), e.message);
        return true;
      });
    });
  }
});
