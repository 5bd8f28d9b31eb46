/**
 * Typed service discovery configs other than static and file, as found in
 * `ServiceDiscoveryConfigs.other` under their YAML key (`kubernetes_sd_configs`, ...).
 * Property names are the YAML keys; the HTTP client settings (inline in YAML) are kept in
 * `http_client`. Durations are milliseconds. Defaults are filled by the loader.
 */
import type { Millis } from '../model/index.js';
import type { HTTPClientConfig, Secret, TLSConfig } from './types.js';

export type KubernetesRole = 'node' | 'pod' | 'service' | 'endpoints' | 'endpointslice' | 'ingress';

export interface KubernetesSDConfig {
  api_server: string;
  role: KubernetesRole;
  kubeconfig_file: string;
  http_client: HTTPClientConfig;
  namespaces: { own_namespace: boolean; names: string[] };
  selectors: { role: KubernetesRole | ''; label: string; field: string }[];
  attach_metadata: { node: boolean; namespace: boolean; deployment: boolean; job: boolean; cronjob: boolean };
}

export interface ConsulSDConfig {
  /** Default "localhost:8500". */
  server: string;
  path_prefix: string;
  token: Secret | '';
  datacenter: string;
  namespace: string;
  partition: string;
  /** Default ",". */
  tag_separator: string;
  /** Default "http". */
  scheme: string;
  username: string;
  password: Secret | '';
  /** Default true. */
  allow_stale: boolean;
  /** Default 30s. */
  refresh_interval: Millis;
  services: string[];
  tags: string[];
  node_meta: Record<string, string>;
  filter: string;
  health_filter: string;
  http_client: HTTPClientConfig;
}

export type DNSRecordType = 'SRV' | 'A' | 'AAAA' | 'MX' | 'NS';

export interface DNSSDConfig {
  names: string[];
  /** Default 30s. */
  refresh_interval: Millis;
  /** Default "SRV"; as written (Prometheus compares case-insensitively). */
  type: string;
  /** Required for every type but SRV. */
  port: number;
}

export interface HTTPSDConfig {
  http_client: HTTPClientConfig;
  /** Default 1m. */
  refresh_interval: Millis;
  url: string;
}

export interface AWSFilter {
  name: string;
  values: string[];
}

interface AWSCommon {
  endpoint: string;
  region: string;
  access_key: string;
  secret_key: Secret | '';
  profile: string;
  role_arn: string;
  external_id: string;
  /** Default 1m. */
  refresh_interval: Millis;
  /** Default 80. */
  port: number;
  http_client: HTTPClientConfig;
}

export interface EC2SDConfig extends AWSCommon {
  filters: AWSFilter[];
}

export type LightsailSDConfig = AWSCommon;

export interface AWSClusterSDConfig extends AWSCommon {
  clusters: string[];
  request_concurrency: number;
}

export interface RDSSDConfig extends AWSClusterSDConfig {
  filters: AWSFilter[];
}

export interface AWSSDConfig extends AWSCommon {
  role: 'ec2' | 'ecs' | 'elasticache' | 'lightsail' | 'msk' | 'rds';
  filters: AWSFilter[];
  clusters: string[];
}

export interface AzureSDConfig {
  /** Default "AzurePublicCloud". */
  environment: string;
  /** Default 80. */
  port: number;
  subscription_id: string;
  tenant_id: string;
  client_id: string;
  client_secret: Secret | '';
  /** Default 5m. */
  refresh_interval: Millis;
  /** Default "OAuth". */
  authentication_method: 'OAuth' | 'ManagedIdentity' | 'SDK' | 'WorkloadIdentity';
  resource_group: string;
  http_client: HTTPClientConfig;
}

export interface GCESDConfig {
  project: string;
  zone: string;
  filter: string;
  /** Default 1m. */
  refresh_interval: Millis;
  /** Default 80. */
  port: number;
  /** Default ",". */
  tag_separator: string;
}

export interface DockerFilter {
  name: string;
  values: string[];
}

export interface DockerSDConfig {
  http_client: HTTPClientConfig;
  host: string;
  /** Default 80. */
  port: number;
  filters: DockerFilter[];
  /** Default "localhost". */
  host_networking_host: string;
  /** Default 1m. */
  refresh_interval: Millis;
  /** Default true. */
  match_first_network: boolean;
}

export interface DockerSwarmSDConfig {
  http_client: HTTPClientConfig;
  host: string;
  role: 'services' | 'nodes' | 'tasks';
  /** Default 80. */
  port: number;
  filters: DockerFilter[];
  /** Default 1m. */
  refresh_interval: Millis;
}

export interface NomadSDConfig {
  /** Default true. */
  allow_stale: boolean;
  http_client: HTTPClientConfig;
  /** Default "default". */
  namespace: string;
  /** Default 1m. */
  refresh_interval: Millis;
  /** Default "global". */
  region: string;
  /** Default "http://localhost:4646". */
  server: string;
  /** Default ",". */
  tag_separator: string;
}

export interface EurekaSDConfig {
  server: string;
  http_client: HTTPClientConfig;
  /** Default 30s. */
  refresh_interval: Millis;
}

export interface DigitalOceanSDConfig {
  http_client: HTTPClientConfig;
  /** Default 1m. */
  refresh_interval: Millis;
  /** Default 80. */
  port: number;
  /** Default "droplets". */
  role: 'droplets' | 'databases';
}

export interface HetznerSDConfig {
  http_client: HTTPClientConfig;
  /** Default 1m. */
  refresh_interval: Millis;
  /** Default 80. */
  port: number;
  role: 'robot' | 'hcloud';
  label_selector: string;
}

export interface LinodeSDConfig {
  http_client: HTTPClientConfig;
  /** Default 1m. */
  refresh_interval: Millis;
  /** Default 80. */
  port: number;
  /** Default ",". */
  tag_separator: string;
  region: string;
}

export interface OpenStackSDConfig {
  identity_endpoint: string;
  username: string;
  userid: string;
  password: Secret | '';
  project_name: string;
  project_id: string;
  domain_name: string;
  domain_id: string;
  application_credential_name: string;
  application_credential_id: string;
  application_credential_secret: Secret | '';
  role: 'hypervisor' | 'instance' | 'loadbalancer';
  region: string;
  /** Default 1m. */
  refresh_interval: Millis;
  /** Default 80. */
  port: number;
  all_tenants: boolean;
  tls_config: TLSConfig;
  /** Default "public". */
  availability: 'public' | 'internal' | 'admin';
}

export interface MarathonSDConfig {
  servers: string[];
  /** Default 30s. */
  refresh_interval: Millis;
  auth_token: Secret | '';
  auth_token_file: string;
  http_client: HTTPClientConfig;
}

export interface PuppetDBSDConfig {
  http_client: HTTPClientConfig;
  /** Default 1m. */
  refresh_interval: Millis;
  url: string;
  query: string;
  include_parameters: boolean;
  /** Default 80. */
  port: number;
}

export interface ScalewaySDConfig {
  project_id: string;
  /** Default "https://api.scaleway.com". */
  api_url: string;
  /** Default "fr-par-1". */
  zone: string;
  access_key: string;
  secret_key: Secret | '';
  secret_key_file: string;
  name_filter: string;
  tags_filter: string[];
  http_client: HTTPClientConfig;
  refresh_interval: Millis;
  port: number;
  role: 'instance' | 'baremetal';
}

export interface TritonSDConfig {
  account: string;
  /** Default "container". */
  role: 'container' | 'cn';
  dns_suffix: string;
  endpoint: string;
  groups: string[];
  /** Default 9163. */
  port: number;
  refresh_interval: Millis;
  tls_config: TLSConfig;
  /** Default 1. */
  version: number;
}

export interface UyuniSDConfig {
  server: string;
  username: string;
  password: Secret | '';
  http_client: HTTPClientConfig;
  /** Default "monitoring_entitled". */
  entitlement: string;
  /** Default ",". */
  separator: string;
  refresh_interval: Millis;
}

export interface VultrSDConfig {
  http_client: HTTPClientConfig;
  refresh_interval: Millis;
  port: number;
}

export interface IonosSDConfig {
  datacenter_id: string;
  http_client: HTTPClientConfig;
  refresh_interval: Millis;
  port: number;
}

export interface OVHcloudSDConfig {
  /** Default "ovh-eu". */
  endpoint: string;
  application_key: string;
  application_secret: Secret | '';
  consumer_key: Secret | '';
  refresh_interval: Millis;
  service: 'dedicated_server' | 'vps';
}

export interface KumaSDConfig {
  http_client: HTTPClientConfig;
  /** Default 15s. */
  refresh_interval: Millis;
  /** Default 2m. */
  fetch_timeout: Millis;
  server: string;
  client_id: string;
}

export interface ZookeeperSDConfig {
  servers: string[];
  paths: string[];
  /** Default 10s. */
  timeout: Millis;
}

export interface StackitSDConfig {
  http_client: HTTPClientConfig;
  project: string;
  refresh_interval: Millis;
  port: number;
  /** Default "eu01". */
  region: string;
  endpoint: string;
  service_account_key: Secret | '';
  private_key: Secret | '';
  service_account_key_path: string;
  private_key_path: string;
  credentials_file_path: string;
}

export interface OutscaleSDConfig {
  /** Default: derived from the region. */
  endpoint: string;
  /** Default "eu-west-2". */
  region: string;
  access_key: string;
  secret_key: Secret | '';
  secret_key_file: string;
  refresh_interval: Millis;
  port: number;
  http_client: HTTPClientConfig;
}

export interface OCISDConfig {
  /** Default "api_key". */
  auth: 'api_key' | 'instance_principal';
  tenancy: string;
  user: string;
  fingerprint: string;
  key_file: string;
  key_passphrase: Secret | '';
  key_passphrase_file: string;
  region: string;
  compartments: string[];
  http_client: HTTPClientConfig;
  port: number;
  refresh_interval: Millis;
}

/** The typed config for each `*_sd_configs` key stored in `ServiceDiscoveryConfigs.other`. */
export interface SDConfigByKey {
  aws_sd_configs: AWSSDConfig;
  azure_sd_configs: AzureSDConfig;
  consul_sd_configs: ConsulSDConfig;
  digitalocean_sd_configs: DigitalOceanSDConfig;
  dns_sd_configs: DNSSDConfig;
  docker_sd_configs: DockerSDConfig;
  dockerswarm_sd_configs: DockerSwarmSDConfig;
  ec2_sd_configs: EC2SDConfig;
  ecs_sd_configs: AWSClusterSDConfig;
  elasticache_sd_configs: AWSClusterSDConfig;
  eureka_sd_configs: EurekaSDConfig;
  gce_sd_configs: GCESDConfig;
  hetzner_sd_configs: HetznerSDConfig;
  http_sd_configs: HTTPSDConfig;
  ionos_sd_configs: IonosSDConfig;
  kubernetes_sd_configs: KubernetesSDConfig;
  kuma_sd_configs: KumaSDConfig;
  lightsail_sd_configs: LightsailSDConfig;
  linode_sd_configs: LinodeSDConfig;
  marathon_sd_configs: MarathonSDConfig;
  msk_sd_configs: AWSClusterSDConfig;
  nerve_sd_configs: ZookeeperSDConfig;
  nomad_sd_configs: NomadSDConfig;
  oci_sd_configs: OCISDConfig;
  openstack_sd_configs: OpenStackSDConfig;
  outscale_sd_configs: OutscaleSDConfig;
  ovhcloud_sd_configs: OVHcloudSDConfig;
  puppetdb_sd_configs: PuppetDBSDConfig;
  rds_sd_configs: RDSSDConfig;
  scaleway_sd_configs: ScalewaySDConfig;
  serverset_sd_configs: ZookeeperSDConfig;
  stackit_sd_configs: StackitSDConfig;
  triton_sd_configs: TritonSDConfig;
  uyuni_sd_configs: UyuniSDConfig;
  vultr_sd_configs: VultrSDConfig;
}

export type SDConfigKey = keyof SDConfigByKey;
