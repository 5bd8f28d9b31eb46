/**
 * Discovery configs for cloud providers: AWS (ec2, lightsail, ecs, elasticache, msk, rds and
 * the combined aws), azure, gce, digitalocean, hetzner, linode, openstack, scaleway, vultr,
 * ionos, ovhcloud, stackit, outscale, oci. Defaults and checks follow Prometheus.
 */
import { asMillis, formatDuration } from '../../model/index.js';
import type { Millis } from '../../model/index.js';
import { inlineHTTPClient, tlsConfig, validateHTTPClient } from '../http-client.js';
import { bool, duration, enumOf, file, int, secret, string } from '../scalars.js';
import { list, struct } from '../schema.js';
import type { DecodeContext, Kind } from '../schema.js';
import type {
  AWSClusterSDConfig, AWSFilter, AWSSDConfig, AzureSDConfig, DigitalOceanSDConfig, EC2SDConfig, GCESDConfig, HetznerSDConfig,
  IonosSDConfig, LightsailSDConfig, LinodeSDConfig, OCISDConfig, OpenStackSDConfig, OutscaleSDConfig, OVHcloudSDConfig,
  RDSSDConfig, ScalewaySDConfig, StackitSDConfig, VultrSDConfig,
} from '../sd-types.js';
import { splitURL } from '../url.js';

const s = (n: number): () => Millis => () => asMillis(n * 1000);
const minute = s(60);
const port80 = { kind: int, default: () => 80 };
const httpOnly = (c: { http_client: EC2SDConfig['http_client'] }, d: DecodeContext): void => { validateHTTPClient(c.http_client, d); };

const awsFilter = struct<AWSFilter>('aws.Filter', {
  name: { kind: string },
  values: { kind: list(string) },
});

const awsCredentials = {
  access_key: { kind: string, omitempty: true },
  secret_key: { kind: secret, omitempty: true },
  profile: { kind: string, omitempty: true },
  role_arn: { kind: string, omitempty: true },
  external_id: { kind: string, omitempty: true },
} as const;

export const ec2SD = struct<EC2SDConfig>('aws.EC2SDConfig', {
  endpoint: { kind: string },
  region: { kind: string },
  ...awsCredentials,
  refresh_interval: { kind: duration, default: minute, omitempty: true },
  port: port80,
  filters: { kind: list(awsFilter) },
  http_client: inlineHTTPClient,
}, {
  validate(c, d) {
    for (const f of c.filters) if (f.values.length === 0) d.fail(c, 'EC2 SD configuration filter values cannot be empty', 'filters');
    validateHTTPClient(c.http_client, d);
  },
});

export const lightsailSD = struct<LightsailSDConfig>('aws.LightsailSDConfig', {
  endpoint: { kind: string },
  region: { kind: string },
  ...awsCredentials,
  refresh_interval: { kind: duration, default: minute, omitempty: true },
  port: port80,
  http_client: inlineHTTPClient,
}, { validate: httpOnly });

function awsClusterSD(goType: string, concurrency: number) {
  return struct<AWSClusterSDConfig>(goType, {
    region: { kind: string },
    endpoint: { kind: string },
    ...awsCredentials,
    clusters: { kind: list(string), omitempty: true },
    port: port80,
    refresh_interval: { kind: duration, default: minute, omitempty: true },
    request_concurrency: { kind: int, default: () => concurrency, omitempty: true },
    http_client: inlineHTTPClient,
  }, { validate: httpOnly });
}

export const ecsSD = awsClusterSD('aws.ECSSDConfig', 20);
export const elasticacheSD = awsClusterSD('aws.ElasticacheSDConfig', 10);
export const mskSD = awsClusterSD('aws.MSKSDConfig', 10);

export const rdsSD = struct<RDSSDConfig>('aws.RDSSDConfig', {
  region: { kind: string },
  endpoint: { kind: string },
  ...awsCredentials,
  clusters: { kind: list(string), omitempty: true },
  port: port80,
  refresh_interval: { kind: duration, default: minute, omitempty: true },
  filters: { kind: list(awsFilter) },
  request_concurrency: { kind: int, default: () => 10, omitempty: true },
  http_client: inlineHTTPClient,
}, { validate: httpOnly });

const awsRole = enumOf<AWSSDConfig['role']>('aws.Role', ['ec2', 'ecs', 'elasticache', 'lightsail', 'msk', 'rds'], (r) => `unknown AWS SD role ${JSON.stringify(r)}`);

export const awsSD = struct<AWSSDConfig>('aws.SDConfig', {
  role: { kind: awsRole },
  region: { kind: string, omitempty: true },
  endpoint: { kind: string, omitempty: true },
  ...awsCredentials,
  refresh_interval: { kind: duration, omitempty: true },
  port: { kind: int, omitempty: true },
  http_client: inlineHTTPClient,
  filters: { kind: list(awsFilter), omitempty: true },
  clusters: { kind: list(string), omitempty: true },
}, {
  validate(c, d) {
    if ((c.role as string) === '') d.fail(c, `unknown AWS SD role ""`);
  },
});

const azureAuth = enumOf<AzureSDConfig['authentication_method']>('string', ['OAuth', 'ManagedIdentity', 'SDK', 'WorkloadIdentity'],
  (a) => `unknown authentication_type ${JSON.stringify(a)}. Supported types are "OAuth", "ManagedIdentity", "SDK" or "WorkloadIdentity"`);

export const azureSD = struct<AzureSDConfig>('azure.SDConfig', {
  environment: { kind: string, default: () => 'AzurePublicCloud', omitempty: true },
  port: port80,
  subscription_id: { kind: string },
  tenant_id: { kind: string, omitempty: true },
  client_id: { kind: string, omitempty: true },
  client_secret: { kind: secret, omitempty: true },
  refresh_interval: { kind: duration, default: s(300), omitempty: true },
  authentication_method: { kind: azureAuth, default: () => 'OAuth', omitempty: true },
  resource_group: { kind: string, omitempty: true },
  http_client: inlineHTTPClient,
}, {
  validate(c, d) {
    const need = (v: string, name: string): void => { if (v === '') d.fail(c, `azure SD configuration requires a ${name}`); };
    need(c.subscription_id, 'subscription_id');
    if (c.authentication_method === 'OAuth') {
      need(c.tenant_id, 'tenant_id');
      need(c.client_id, 'client_id');
      need(c.client_secret, 'client_secret');
    }
    validateHTTPClient(c.http_client, d);
  },
});

export const gceSD = struct<GCESDConfig>('gce.SDConfig', {
  project: { kind: string },
  zone: { kind: string },
  filter: { kind: string, omitempty: true },
  refresh_interval: { kind: duration, default: minute, omitempty: true },
  port: port80,
  tag_separator: { kind: string, default: () => ',', omitempty: true },
}, {
  validate(c, d) {
    if (c.project === '') d.fail(c, 'GCE SD configuration requires a project');
    if (c.zone === '') d.fail(c, 'GCE SD configuration requires a zone');
  },
});

export const digitalOceanSD = struct<DigitalOceanSDConfig>('digitalocean.SDConfig', {
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: minute },
  port: port80,
  role: { kind: enumOf<DigitalOceanSDConfig['role']>('digitalocean.Role', ['droplets', 'databases'], (r) => `unknown DigitalOcean SD role ${JSON.stringify(r)}`), default: () => 'droplets' },
}, {
  validate(c, d) {
    if ((c.role as string) === '') d.fail(c, 'role missing (one of: droplets, databases)');
    validateHTTPClient(c.http_client, d);
  },
});

export const hetznerSD = struct<HetznerSDConfig>('hetzner.SDConfig', {
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: minute },
  port: port80,
  role: { kind: enumOf<HetznerSDConfig['role']>('hetzner.Role', ['robot', 'hcloud'], (r) => `unknown role ${JSON.stringify(r)}`) },
  label_selector: { kind: string, omitempty: true },
}, {
  validate(c, d) {
    if ((c.role as string) === '') d.fail(c, 'role missing (one of: robot, hcloud)');
    validateHTTPClient(c.http_client, d);
  },
});

export const linodeSD = struct<LinodeSDConfig>('linode.SDConfig', {
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: minute },
  port: port80,
  tag_separator: { kind: string, default: () => ',', omitempty: true },
  region: { kind: string, omitempty: true },
}, { validate: httpOnly });

export const openStackSD = struct<OpenStackSDConfig>('openstack.SDConfig', {
  identity_endpoint: { kind: string },
  username: { kind: string },
  userid: { kind: string },
  password: { kind: secret },
  project_name: { kind: string },
  project_id: { kind: string },
  domain_name: { kind: string },
  domain_id: { kind: string },
  application_credential_name: { kind: string },
  application_credential_id: { kind: string },
  application_credential_secret: { kind: secret },
  role: { kind: enumOf<OpenStackSDConfig['role']>('openstack.Role', ['hypervisor', 'instance', 'loadbalancer'], (r) => `unknown OpenStack SD role ${JSON.stringify(r)}`) },
  region: { kind: string },
  refresh_interval: { kind: duration, default: minute },
  port: port80,
  all_tenants: { kind: bool, omitempty: true },
  tls_config: { kind: tlsConfig, omitempty: true },
  availability: { kind: string as Kind<OpenStackSDConfig['availability']>, default: () => 'public', omitempty: true },
}, {
  validate(c, d) {
    if (!['public', 'internal', 'admin'].includes(c.availability)) d.fail(c, `unknown availability ${c.availability}, must be one of admin, internal or public`, 'availability');
    if ((c.role as string) === '') d.fail(c, 'role missing (one of: instance, hypervisor, loadbalancer)');
    if (c.region === '') d.fail(c, 'openstack SD configuration requires a region');
  },
});

function secretPair(c: { secret_key: string; secret_key_file: string }, d: DecodeContext): void {
  if (c.secret_key === '' && c.secret_key_file === '') d.fail(c, 'one of secret_key & secret_key_file must be configured');
  if (c.secret_key !== '' && c.secret_key_file !== '') d.fail(c, 'at most one of secret_key & secret_key_file must be configured');
}

export const scalewaySD = struct<ScalewaySDConfig>('scaleway.SDConfig', {
  project_id: { kind: string },
  api_url: { kind: string, default: () => 'https://api.scaleway.com', omitempty: true },
  zone: { kind: string, default: () => 'fr-par-1' },
  access_key: { kind: string },
  secret_key: { kind: secret },
  secret_key_file: { kind: file },
  name_filter: { kind: string, omitempty: true },
  tags_filter: { kind: list(string), omitempty: true },
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: minute },
  port: port80,
  role: { kind: enumOf<ScalewaySDConfig['role']>('scaleway.role', ['instance', 'baremetal'], (r) => `unknown role ${JSON.stringify(r)}`) },
}, {
  validate(c, d) {
    if ((c.role as string) === '') d.fail(c, 'role missing (one of: instance, baremetal)');
    if (c.project_id === '') d.fail(c, 'project_id is mandatory');
    secretPair(c, d);
    if (c.access_key === '') d.fail(c, 'access_key is mandatory');
    validateHTTPClient(c.http_client, d);
  },
});

export const vultrSD = struct<VultrSDConfig>('vultr.SDConfig', {
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: minute },
  port: port80,
}, { validate: httpOnly });

export const ionosSD = struct<IonosSDConfig>('ionos.SDConfig', {
  datacenter_id: { kind: string },
  http_client: inlineHTTPClient,
  refresh_interval: { kind: duration, default: minute },
  port: port80,
}, {
  validate(c, d) {
    if (c.datacenter_id === '') d.fail(c, "datacenter id can't be empty");
    validateHTTPClient(c.http_client, d);
  },
});

export const ovhcloudSD = struct<OVHcloudSDConfig>('ovhcloud.SDConfig', {
  endpoint: { kind: string, default: () => 'ovh-eu' },
  application_key: { kind: string },
  application_secret: { kind: secret },
  consumer_key: { kind: secret },
  refresh_interval: { kind: duration, default: minute },
  service: { kind: string as Kind<OVHcloudSDConfig['service']> },
}, {
  validate(c, d) {
    if (c.endpoint === '') d.fail(c, 'endpoint can not be empty');
    if (c.application_key === '') d.fail(c, 'application key can not be empty');
    if (c.application_secret === '') d.fail(c, 'application secret can not be empty');
    if (c.consumer_key === '') d.fail(c, 'consumer key can not be empty');
    if (c.service !== 'dedicated_server' && c.service !== 'vps') d.fail(c, `unknown service: ${c.service as string}`, 'service');
  },
});

export const stackitSD = struct<StackitSDConfig>('stackit.SDConfig', {
  http_client: inlineHTTPClient,
  project: { kind: string },
  refresh_interval: { kind: duration, default: minute, omitempty: true },
  port: { kind: int, default: () => 80, omitempty: true },
  region: { kind: string, default: () => 'eu01', omitempty: true },
  endpoint: { kind: string, omitempty: true },
  service_account_key: { kind: secret, omitempty: true },
  private_key: { kind: secret, omitempty: true },
  service_account_key_path: { kind: string, omitempty: true },
  private_key_path: { kind: string, omitempty: true },
  credentials_file_path: { kind: string, omitempty: true },
}, {
  validate(c, d) {
    if (c.endpoint === '' && c.region === '') d.fail(c, 'stackit_sd: endpoint and region missing');
    const p = splitURL(c.endpoint);
    if (typeof p === 'string') d.fail(c, `stackit_sd: invalid endpoint ${JSON.stringify(c.endpoint)}: ${p}`, 'endpoint');
    validateHTTPClient(c.http_client, d);
  },
});

export const outscaleSD = struct<OutscaleSDConfig>('outscale.SDConfig', {
  endpoint: { kind: string, omitempty: true },
  region: { kind: string, default: () => 'eu-west-2' },
  access_key: { kind: string },
  secret_key: { kind: secret },
  secret_key_file: { kind: file },
  refresh_interval: { kind: duration, default: minute, omitempty: true },
  port: port80,
  http_client: inlineHTTPClient,
}, {
  validate(c, d) {
    if (c.region === '') d.fail(c, 'outscale SD configuration requires a region');
    if (c.access_key === '') d.fail(c, 'outscale SD configuration requires access_key');
    secretPair(c, d);
    if (c.endpoint === '') c.endpoint = `https://api.${c.region}.outscale.com/api/v1`;
    validateHTTPClient(c.http_client, d);
  },
});

export const ociSD = struct<OCISDConfig>('oci.SDConfig', {
  auth: { kind: string as Kind<OCISDConfig['auth']>, default: () => 'api_key', omitempty: true },
  tenancy: { kind: string, omitempty: true },
  user: { kind: string, omitempty: true },
  fingerprint: { kind: string, omitempty: true },
  key_file: { kind: file, omitempty: true },
  key_passphrase: { kind: secret, omitempty: true },
  key_passphrase_file: { kind: file, omitempty: true },
  region: { kind: string },
  compartments: { kind: list(string), omitempty: true },
  http_client: inlineHTTPClient,
  port: port80,
  refresh_interval: { kind: duration, default: minute },
}, {
  validate(c, d) {
    if (c.region === '') d.fail(c, 'oci_sd: region is required');
    switch (c.auth as string) {
      case 'api_key':
        if (c.tenancy === '') d.fail(c, 'oci_sd: api_key auth requires tenancy');
        if (c.user === '') d.fail(c, 'oci_sd: api_key auth requires user');
        if (c.fingerprint === '') d.fail(c, 'oci_sd: api_key auth requires fingerprint');
        if (c.key_file === '') d.fail(c, 'oci_sd: api_key auth requires key_file');
        if (c.key_passphrase !== '' && c.key_passphrase_file !== '') d.fail(c, 'oci_sd: at most one of key_passphrase and key_passphrase_file must be configured');
        break;
      case 'instance_principal':
        if (c.tenancy !== '' || c.user !== '' || c.fingerprint !== '' || c.key_file !== '' || c.key_passphrase !== '' || c.key_passphrase_file !== '') {
          d.fail(c, 'oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, key_passphrase, or key_passphrase_file set');
        }
        break;
      default:
        d.fail(c, `oci_sd: unknown auth method ${JSON.stringify(c.auth)}, expected "api_key" or "instance_principal"`, 'auth');
    }
    c.compartments.forEach((cid, i) => { if (cid === '') d.fail(c, `oci_sd: compartments[${i}] must not be empty`, 'compartments'); });
    if (c.refresh_interval <= 0) d.fail(c, `oci_sd: refresh_interval must be positive, got ${formatDuration(c.refresh_interval)}`);
    validateHTTPClient(c.http_client, d);
  },
});
