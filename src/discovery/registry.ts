/**
 * The registry of discovery mechanisms, keyed by their YAML key (`static_configs`,
 * `file_sd_configs`, `kubernetes_sd_configs`, ...). A mechanism plugs in by registering a
 * factory; the manager never names one.
 */
import type { ConsulSDConfig, DNSSDConfig, HTTPSDConfig, KubernetesSDConfig } from '../config/sd-types.js';
import type { AWSSDConfig, AzureSDConfig, EC2SDConfig, EurekaSDConfig, GCESDConfig, LightsailSDConfig, OpenStackSDConfig, PuppetDBSDConfig } from '../config/sd-types.js';
import type { DigitalOceanSDConfig, DockerSDConfig, DockerSwarmSDConfig, HetznerSDConfig, LinodeSDConfig, NomadSDConfig, ScalewaySDConfig } from '../config/sd-types.js';
import type { FileSDConfig, StaticConfig } from '../config/types.js';
import { ec2ConfigFromAWS } from './aws/aws-role.js';
import { EC2Discoverer } from './aws/ec2.js';
import { LightsailDiscoverer } from './aws/lightsail.js';
import { AzureDiscoverer } from './azure/azure.js';
import { AzureSDMetrics } from './azure/metrics.js';
import { ConsulDiscoverer } from './consul/consul.js';
import { ConsulSDMetrics } from './consul/metrics.js';
import { DNSDiscoverer } from './dns/dns.js';
import { DNSSDMetrics } from './dns/metrics.js';
import { EurekaDiscoverer } from './eureka/eureka.js';
import { GCEDiscoverer } from './gce/gce.js';
import { FileDiscoverer } from './file/file.js';
import { FileSDMetrics } from './file/metrics.js';
import { HTTPDiscoverer } from './http/http.js';
import { HTTPSDMetrics } from './http/metrics.js';
import { DISCOVERY_USER_AGENT } from './http/user-agent.js';
import type { DiscovererFactory } from './interface.js';
import { KubernetesDiscoverer } from './kubernetes/kubernetes.js';
import { KubernetesSDMetrics } from './kubernetes/metrics.js';
import { OpenStackDiscoverer } from './openstack/openstack.js';
import { PuppetDBDiscoverer } from './puppetdb/puppetdb.js';
import { DockerDiscoverer } from './moby/docker.js';
import { DockerSwarmDiscoverer } from './moby/dockerswarm.js';
import { NomadSDMetrics } from './nomad/metrics.js';
import { NomadDiscoverer } from './nomad/nomad.js';
import { DigitalOceanDiscoverer } from './digitalocean/digitalocean.js';
import { HetznerDiscoverer } from './hetzner/hetzner.js';
import { LinodeDiscoverer } from './linode/linode.js';
import { LinodeSDMetrics } from './linode/metrics.js';
import { ScalewayDiscoverer } from './scaleway/scaleway.js';
import { RefreshMetrics } from './refresh/metrics.js';
import { StaticDiscoverer } from './static.js';

const factories = new Map<string, DiscovererFactory>();

/**
 * Registers the factory for one `*_configs` key. Registering a key twice is an error (two
 * mechanisms cannot share a key). Returns a function that removes the registration (tests).
 */
export function registerDiscovererFactory(key: string, factory: DiscovererFactory): () => void {
  if (factories.has(key)) throw new Error(`registering discovery mechanism: ${key} is already registered`);
  factories.set(key, factory);
  return () => {
    if (factories.get(key) === factory) factories.delete(key);
  };
}

export function discovererFactory(key: string): DiscovererFactory | undefined {
  return factories.get(key);
}

/** The keys with a registered mechanism, sorted. */
export function registeredDiscoveryKeys(): string[] {
  return [...factories.keys()].sort();
}

/** The mechanism name Prometheus uses in logs and provider names: `kubernetes_sd_configs` → `kubernetes`. */
export function mechanismName(key: string): string {
  if (key.endsWith('_sd_configs')) return key.slice(0, -'_sd_configs'.length);
  if (key.endsWith('_configs')) return key.slice(0, -'_configs'.length);
  return key;
}

registerDiscovererFactory('static_configs', (cfg) => {
  if (!Array.isArray(cfg)) throw new Error('static_configs: expected a list of static configs');
  return new StaticDiscoverer(cfg as StaticConfig[]);
});

registerDiscovererFactory('file_sd_configs', (cfg, opts) => {
  const c = cfg as Partial<FileSDConfig> | null;
  if (c === null || typeof c !== 'object' || !Array.isArray(c.files) || typeof c.refresh_interval !== 'number') {
    throw new Error('file_sd_configs: expected files and refresh_interval');
  }
  return new FileDiscoverer(c as FileSDConfig, { metrics: FileSDMetrics.for(opts.registry), logger: opts.logger });
});

registerDiscovererFactory('dns_sd_configs', (cfg, opts) => new DNSDiscoverer(cfg as DNSSDConfig, {
  metrics: DNSSDMetrics.for(opts.registry), refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger,
}));

registerDiscovererFactory('http_sd_configs', (cfg, opts) => new HTTPDiscoverer(cfg as HTTPSDConfig, {
  metrics: HTTPSDMetrics.for(opts.registry), refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger,
  userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('consul_sd_configs', (cfg, opts) => new ConsulDiscoverer(cfg as ConsulSDConfig, {
  metrics: ConsulSDMetrics.for(opts.registry), logger: opts.logger,
}));

registerDiscovererFactory('kubernetes_sd_configs', (cfg, opts) => new KubernetesDiscoverer(cfg as KubernetesSDConfig, {
  metrics: KubernetesSDMetrics.for(opts.registry), logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('eureka_sd_configs', (cfg, opts) => new EurekaDiscoverer(cfg as EurekaSDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('docker_sd_configs', (cfg, opts) => new DockerDiscoverer(cfg as DockerSDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('dockerswarm_sd_configs', (cfg, opts) => new DockerSwarmDiscoverer(cfg as DockerSwarmSDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('puppetdb_sd_configs', (cfg, opts) => new PuppetDBDiscoverer(cfg as PuppetDBSDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('ec2_sd_configs', (cfg, opts) => new EC2Discoverer(cfg as EC2SDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('aws_sd_configs', (cfg, opts) => new EC2Discoverer(ec2ConfigFromAWS(cfg as AWSSDConfig), {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('nomad_sd_configs', (cfg, opts) => new NomadDiscoverer(cfg as NomadSDConfig, {
  metrics: NomadSDMetrics.for(opts.registry), refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger,
  userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('openstack_sd_configs', (cfg, opts) => new OpenStackDiscoverer(cfg as OpenStackSDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('digitalocean_sd_configs', (cfg, opts) => new DigitalOceanDiscoverer(cfg as DigitalOceanSDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('hetzner_sd_configs', (cfg, opts) => new HetznerDiscoverer(cfg as HetznerSDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('azure_sd_configs', (cfg, opts) => new AzureDiscoverer(cfg as AzureSDConfig, {
  metrics: AzureSDMetrics.for(opts.registry), refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('linode_sd_configs', (cfg, opts) => new LinodeDiscoverer(cfg as LinodeSDConfig, {
  metrics: LinodeSDMetrics.for(opts.registry), refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger,
  userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('gce_sd_configs', (cfg, opts) => new GCEDiscoverer(cfg as GCESDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('lightsail_sd_configs', (cfg, opts) => new LightsailDiscoverer(cfg as LightsailSDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));

registerDiscovererFactory('scaleway_sd_configs', (cfg, opts) => new ScalewayDiscoverer(cfg as ScalewaySDConfig, {
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
}));
