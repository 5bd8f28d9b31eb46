/**
 * Discovery configs for service registries and container platforms: consul, dns, http,
 * nomad, eureka, docker, dockerswarm, marathon, puppetdb, kuma, serverset, nerve, uyuni,
 * triton. Defaults and checks follow Prometheus, error texts included.
 */
import { asMillis } from '../../model/index.js';
import type { Millis } from '../../model/index.js';
import { inlineHTTPClient, tlsConfig, validateHTTPClient } from '../http-client.js';
import { bool, duration, enumOf, file, int, secret, string } from '../scalars.js';
import { dict, list, struct } from '../schema.js';
import type { DecodeContext } from '../schema.js';
import type {
  ConsulSDConfig, DNSSDConfig, DockerFilter, DockerSDConfig, DockerSwarmSDConfig, EurekaSDConfig, HTTPSDConfig, KumaSDConfig,
  MarathonSDConfig, NomadSDConfig, PuppetDBSDConfig, TritonSDConfig, UyuniSDConfig, ZookeeperSDConfig,
} from '../sd-types.js';
import { splitURL } from '../url.js';

const s = (n: number): () => Millis => () => asMillis(n * 1000);

export const consulSD = struct<ConsulSDConfig>('consul.SDConfig', {
  server: { kind: string, default: () => 'localhost:8500', omitempty: true },
  path_prefix: { kind: string, omitempty: true },
  token: { kind: secret, omitempty: true },
  datacenter: { kind: string, omitempty: true },
  namespace: { kind: string, omitempty: true },
  partition: { kind: string, omitempty: true },
  tag_separator: { kind: string, default: () => ',', omitempty: true },
  scheme: { kind: string, default: () => 'http', omitempty: true },
  username: { kind: string, omitempty: true },
  password: { kind: secret, omitempty: true },
  allow_stale: { kind: bool, default: () => true },
  refresh_interval: { kind: duration, default: s(30), omitempty: true },
  services: { kind: list(string), omitempty: true },
  tags: { kind: list(string), omitempty: true },
  node_meta: { kind: dict(string), omitempty: true },
  filter: { kind: string, omitempty: true },
  health_filter: { kind: string, omitempty: true },
  http_client: inlineHTTPClient,
}, {
  validate(c, d) {
    if (c.server.trim() === '') d.fail(c, 'consul SD configuration requires a server address', 'server');
    if (c.username !== '' || c.password !== '') {
      if (c.http_client.basic_auth !== null) d.fail(c, 'at most one of consul SD configuration username and password and basic auth can be configured');
      c.http_client.basic_auth = { username: c.username, username_file: '', username_ref: '', password: c.password, password_file: '', password_ref: '' };
    }
    if (c.token !== '' && (c.http_client.authorization !== null || c.http_client.oauth2 !== null)) {
      d.fail(c, 'at most one of consul SD token, authorization, or oauth2 can be configured');
    }
    validateHTTPClient(c.http_client, d);
  },
});

export const dnsSD = struct<DNSSDConfig>('dns.SDConfig', {
  names: { kind: list(string) },
  refresh_interval: { kind: duration, default: s(30), omitempty: true },
  type: { kind: string, default: () => 'SRV' },
  port: { kind: int },
}, {
  validate(c, d) {
    if (c.names.length === 0) d.fail(c, 'DNS-SD config must contain at least one SRV record name');
    switch (c.type.toUpperCase()) {
      case 'SRV': break;
      case 'A': case 'AAAA': case 'MX': case 'NS':
        if (c.port === 0) d.fail(c, 'a port is required in DNS-SD configs for all record types except SRV');
        break;
      default: d.fail(c, `invalid DNS-SD records type ${c.type}`, 'type');
    }
  },
});

/** The URL checks shared by http_sd and puppetdb_sd. */
function checkHTTPURL(c: object, u: string, d: DecodeContext): void {
  if (u === '') d.fail(c, 'URL is missing', 'url');
  const p = splitURL(u);
  if (typeof p === 'string') d.fail(c, p, 'url');
  if (p.scheme !== 'http' && p.scheme !== 'https') d.fail(c, "URL scheme must be 'http' or 'https'", 'url');
  if (p.host === '') d.fail(c, 'host is missing in URL', 'url');
}

export const httpSD = struct<HTTPSDConfig>('http.SDConfig', {
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: s(60), omitempty: true },
  url: { kind: string },
}, {
  validate(c, d) {
    checkHTTPURL(c, c.url, d);
    validateHTTPClient(c.http_client, d);
  },
});

export const nomadSD = struct<NomadSDConfig>('nomad.SDConfig', {
  allow_stale: { kind: bool, default: () => true },
  http_client: inlineHTTPClient,
  namespace: { kind: string, default: () => 'default' },
  refresh_interval: { kind: duration, default: s(60) },
  region: { kind: string, default: () => 'global' },
  server: { kind: string, default: () => 'http://localhost:4646' },
  tag_separator: { kind: string, default: () => ',', omitempty: true },
}, {
  validate(c, d) {
    if (c.server.trim() === '') d.fail(c, 'nomad SD configuration requires a server address', 'server');
    validateHTTPClient(c.http_client, d);
  },
});

export const eurekaSD = struct<EurekaSDConfig>('eureka.SDConfig', {
  server: { kind: string, omitempty: true },
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: s(30), omitempty: true },
}, {
  validate(c, d) {
    if (c.server === '') d.fail(c, 'eureka_sd: empty or null eureka server');
    const p = splitURL(c.server);
    if (typeof p === 'string') return d.fail(c, p, 'server');
    if (p.scheme === '' || p.host === '') d.fail(c, 'eureka_sd: invalid eureka server URL', 'server');
    validateHTTPClient(c.http_client, d);
  },
});

const dockerFilter = struct<DockerFilter>('moby.Filter', {
  name: { kind: string },
  values: { kind: list(string) },
});

function checkHost(c: { host: string }, d: DecodeContext): void {
  if (c.host === '') d.fail(c, 'host missing');
  const p = splitURL(c.host);
  if (typeof p === 'string') d.fail(c, p, 'host');
}

export const dockerSD = struct<DockerSDConfig>('moby.DockerSDConfig', {
  http_client: inlineHTTPClient,
  host: { kind: string },
  port: { kind: int, default: () => 80 },
  filters: { kind: list(dockerFilter) },
  host_networking_host: { kind: string, default: () => 'localhost' },
  refresh_interval: { kind: duration, default: s(60) },
  match_first_network: { kind: bool, default: () => true },
}, {
  validate(c, d) {
    checkHost(c, d);
    validateHTTPClient(c.http_client, d);
  },
});

export const dockerSwarmSD = struct<DockerSwarmSDConfig>('moby.DockerSwarmSDConfig', {
  http_client: inlineHTTPClient,
  host: { kind: string },
  role: { kind: string as never },
  port: { kind: int, default: () => 80 },
  filters: { kind: list(dockerFilter) },
  refresh_interval: { kind: duration, default: s(60) },
}, {
  validate(c, d) {
    checkHost(c, d);
    switch (c.role as string) {
      case 'services': case 'nodes': case 'tasks': break;
      case '': d.fail(c, 'role missing (one of: tasks, services, nodes)'); break;
      default: d.fail(c, `invalid role ${c.role}, expected tasks, services, or nodes`, 'role');
    }
    validateHTTPClient(c.http_client, d);
  },
});

export const marathonSD = struct<MarathonSDConfig>('marathon.SDConfig', {
  servers: { kind: list(string), omitempty: true },
  refresh_interval: { kind: duration, default: s(30), omitempty: true },
  auth_token: { kind: secret, omitempty: true },
  auth_token_file: { kind: file, omitempty: true },
  http_client: inlineHTTPClient,
}, {
  validate(c, d) {
    if (c.servers.length === 0) d.fail(c, 'marathon_sd: must contain at least one Marathon server');
    if (c.auth_token !== '' && c.auth_token_file !== '') d.fail(c, 'marathon_sd: at most one of auth_token & auth_token_file must be configured');
    if (c.auth_token !== '' || c.auth_token_file !== '') {
      const h = c.http_client;
      if (h.basic_auth !== null) d.fail(c, 'marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured');
      if (h.bearer_token !== '' || h.bearer_token_file !== '') d.fail(c, 'marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured');
      if (h.authorization !== null) d.fail(c, 'marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured');
    }
    validateHTTPClient(c.http_client, d);
  },
});

export const puppetDBSD = struct<PuppetDBSDConfig>('puppetdb.SDConfig', {
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: s(60), omitempty: true },
  url: { kind: string },
  query: { kind: string },
  include_parameters: { kind: bool },
  port: { kind: int, default: () => 80 },
}, {
  validate(c, d) {
    checkHTTPURL(c, c.url, d);
    if (c.query === '') d.fail(c, 'query missing');
    validateHTTPClient(c.http_client, d);
  },
});

export const kumaSD = struct<KumaSDConfig>('xds.SDConfig', {
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: s(15), omitempty: true },
  fetch_timeout: { kind: duration, default: s(120), omitempty: true },
  server: { kind: string, omitempty: true },
  client_id: { kind: string, omitempty: true },
}, {
  validate(c, d) {
    if (c.server === '') d.fail(c, `kuma SD server must not be empty: ${c.server}`);
    const p = splitURL(c.server);
    if (typeof p === 'string') return d.fail(c, p, 'server');
    if (p.scheme === '' || p.host === '') d.fail(c, `kuma SD server must not be empty and have a scheme: ${c.server}`, 'server');
    validateHTTPClient(c.http_client, d);
  },
});

function zookeeperSD(name: 'serverset' | 'nerve', goType: string) {
  return struct<ZookeeperSDConfig>(goType, {
    servers: { kind: list(string) },
    paths: { kind: list(string) },
    timeout: { kind: duration, default: s(10), omitempty: true },
  }, {
    validate(c, d) {
      if (c.servers.length === 0) d.fail(c, `${name} SD config must contain at least one Zookeeper server`);
      if (c.paths.length === 0) d.fail(c, `${name} SD config must contain at least one path`);
      for (const p of c.paths) if (!p.startsWith('/')) d.fail(c, `${name} SD config paths must begin with '/': ${p}`, 'paths');
    },
  });
}

export const serversetSD = zookeeperSD('serverset', 'zookeeper.ServersetSDConfig');
export const nerveSD = zookeeperSD('nerve', 'zookeeper.NerveSDConfig');

export const uyuniSD = struct<UyuniSDConfig>('uyuni.SDConfig', {
  server: { kind: string },
  username: { kind: string },
  password: { kind: secret },
  http_client: inlineHTTPClient,
  entitlement: { kind: string, default: () => 'monitoring_entitled', omitempty: true },
  separator: { kind: string, default: () => ',', omitempty: true },
  refresh_interval: { kind: duration, default: s(60), omitempty: true },
}, {
  validate(c, d) {
    if (c.server === '') d.fail(c, 'Uyuni SD configuration requires server host');
    const p = splitURL(c.server);
    if (typeof p === 'string') d.fail(c, `Uyuni Server URL is not valid: ${p}`, 'server');
    if (c.username === '') d.fail(c, 'Uyuni SD configuration requires a username');
    if (c.password === '') d.fail(c, 'Uyuni SD configuration requires a password');
    validateHTTPClient(c.http_client, d);
  },
});

export const tritonSD = struct<TritonSDConfig>('triton.SDConfig', {
  account: { kind: string },
  role: { kind: enumOf<TritonSDConfig['role']>('string', ['container', 'cn'], () => "triton SD configuration requires role to be 'container' or 'cn'"), default: () => 'container' },
  dns_suffix: { kind: string },
  endpoint: { kind: string },
  groups: { kind: list(string), omitempty: true },
  port: { kind: int, default: () => 9163 },
  refresh_interval: { kind: duration, default: s(60), omitempty: true },
  tls_config: { kind: tlsConfig, omitempty: true },
  version: { kind: int, default: () => 1 },
}, {
  validate(c, d) {
    if (c.account === '') d.fail(c, 'triton SD configuration requires an account');
    if (c.dns_suffix === '') d.fail(c, 'triton SD configuration requires a dns_suffix');
    if (c.endpoint === '') d.fail(c, 'triton SD configuration requires an endpoint');
    if (c.refresh_interval <= 0) d.fail(c, 'triton SD configuration requires RefreshInterval to be a positive integer');
  },
});
