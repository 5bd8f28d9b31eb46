/**
 * The registry of discovery mechanisms, keyed by their YAML key (`static_configs`,
 * `file_sd_configs`, `kubernetes_sd_configs`, ...). A mechanism plugs in by registering a
 * factory; the manager never names one.
 *
 * Static and file discovery are loaded with the registry. Every other mechanism registers a
 * loader instead: its modules (HTTP clients, cloud API code, XML and DNS wire parsers) are
 * imported the first time a configuration uses it (`loadDiscoverers`), so that a server that
 * uses none of them neither loads nor keeps their code.
 */
import type { ConsulSDConfig, DNSSDConfig, HTTPSDConfig, KubernetesSDConfig } from '../config/sd-types.js';
import type { AWSSDConfig, AzureSDConfig, EC2SDConfig, EurekaSDConfig, GCESDConfig, LightsailSDConfig, OpenStackSDConfig, PuppetDBSDConfig } from '../config/sd-types.js';
import type { DigitalOceanSDConfig, DockerSDConfig, DockerSwarmSDConfig, HetznerSDConfig, LinodeSDConfig, NomadSDConfig, ScalewaySDConfig } from '../config/sd-types.js';
import type { FileSDConfig, StaticConfig } from '../config/types.js';
import { FileDiscoverer } from './file/file.js';
import { FileSDMetrics } from './file/metrics.js';
import { DISCOVERY_USER_AGENT } from './http/user-agent.js';
import type { DiscovererFactory, DiscovererOptions } from './interface.js';
import { RefreshMetrics } from './refresh/metrics.js';
import { StaticDiscoverer } from './static.js';

interface Entry {
  factory: DiscovererFactory | null;
  load: (() => Promise<DiscovererFactory>) | null;
  loading: Promise<void> | null;
}

const entries = new Map<string, Entry>();

function add(key: string, entry: Entry): () => void {
  if (entries.has(key)) throw new Error(`registering discovery mechanism: ${key} is already registered`);
  entries.set(key, entry);
  return () => {
    if (entries.get(key) === entry) entries.delete(key);
  };
}

/**
 * Registers the factory for one `*_configs` key. Registering a key twice is an error (two
 * mechanisms cannot share a key). Returns a function that removes the registration (tests).
 */
export function registerDiscovererFactory(key: string, factory: DiscovererFactory): () => void {
  return add(key, { factory, load: null, loading: null });
}

/**
 * Registers a mechanism whose factory is imported on first use: `loadDiscoverers` runs
 * `load` once, and `discovererFactory` knows the key from then on.
 */
export function registerLazyDiscoverer(key: string, load: () => Promise<DiscovererFactory>): () => void {
  return add(key, { factory: null, load, loading: null });
}

/**
 * Imports the mechanisms of the given keys that are not loaded yet (unknown keys are left
 * to the manager, which reports them). Rejects when a mechanism's modules fail to load; a
 * later call tries again.
 */
export async function loadDiscoverers(keys: Iterable<string>): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const key of keys) {
    const e = entries.get(key);
    if (e === undefined || e.factory !== null || e.load === null) continue;
    e.loading ??= e.load().then(
      (f) => { e.factory = f; },
      (err: unknown) => {
        e.loading = null;
        throw new Error(`loading discovery mechanism ${mechanismName(key)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      },
    );
    waits.push(e.loading);
  }
  await Promise.all(waits);
}

/** The factory of a key: undefined when the key is unknown or its mechanism is not loaded yet. */
export function discovererFactory(key: string): DiscovererFactory | undefined {
  return entries.get(key)?.factory ?? undefined;
}

/** Whether a mechanism is registered for the key, loaded or not. */
export function isDiscoveryKey(key: string): boolean {
  return entries.has(key);
}

/** The keys with a registered mechanism, loaded or not, sorted. */
export function registeredDiscoveryKeys(): string[] {
  return [...entries.keys()].sort();
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

/** The options every refresh-based mechanism takes. */
const refreshed = (opts: DiscovererOptions) => ({
  refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
});

registerLazyDiscoverer('dns_sd_configs', async () => {
  const { DNSDiscoverer } = await import('./dns/dns.js');
  const { DNSSDMetrics } = await import('./dns/metrics.js');
  return (cfg, opts) => new DNSDiscoverer(cfg as DNSSDConfig, {
    metrics: DNSSDMetrics.for(opts.registry), refreshMetrics: RefreshMetrics.for(opts.registry), setName: opts.setName, logger: opts.logger,
  });
});

registerLazyDiscoverer('http_sd_configs', async () => {
  const { HTTPDiscoverer } = await import('./http/http.js');
  const { HTTPSDMetrics } = await import('./http/metrics.js');
  return (cfg, opts) => new HTTPDiscoverer(cfg as HTTPSDConfig, { metrics: HTTPSDMetrics.for(opts.registry), ...refreshed(opts) });
});

registerLazyDiscoverer('consul_sd_configs', async () => {
  const { ConsulDiscoverer } = await import('./consul/consul.js');
  const { ConsulSDMetrics } = await import('./consul/metrics.js');
  return (cfg, opts) => new ConsulDiscoverer(cfg as ConsulSDConfig, { metrics: ConsulSDMetrics.for(opts.registry), logger: opts.logger });
});

registerLazyDiscoverer('kubernetes_sd_configs', async () => {
  const { KubernetesDiscoverer } = await import('./kubernetes/kubernetes.js');
  const { KubernetesSDMetrics } = await import('./kubernetes/metrics.js');
  return (cfg, opts) => new KubernetesDiscoverer(cfg as KubernetesSDConfig, {
    metrics: KubernetesSDMetrics.for(opts.registry), logger: opts.logger, userAgent: DISCOVERY_USER_AGENT,
  });
});

registerLazyDiscoverer('eureka_sd_configs', async () => {
  const { EurekaDiscoverer } = await import('./eureka/eureka.js');
  return (cfg, opts) => new EurekaDiscoverer(cfg as EurekaSDConfig, refreshed(opts));
});

registerLazyDiscoverer('docker_sd_configs', async () => {
  const { DockerDiscoverer } = await import('./moby/docker.js');
  return (cfg, opts) => new DockerDiscoverer(cfg as DockerSDConfig, refreshed(opts));
});

registerLazyDiscoverer('dockerswarm_sd_configs', async () => {
  const { DockerSwarmDiscoverer } = await import('./moby/dockerswarm.js');
  return (cfg, opts) => new DockerSwarmDiscoverer(cfg as DockerSwarmSDConfig, refreshed(opts));
});

registerLazyDiscoverer('puppetdb_sd_configs', async () => {
  const { PuppetDBDiscoverer } = await import('./puppetdb/puppetdb.js');
  return (cfg, opts) => new PuppetDBDiscoverer(cfg as PuppetDBSDConfig, refreshed(opts));
});

registerLazyDiscoverer('ec2_sd_configs', async () => {
  const { EC2Discoverer } = await import('./aws/ec2.js');
  return (cfg, opts) => new EC2Discoverer(cfg as EC2SDConfig, refreshed(opts));
});

registerLazyDiscoverer('aws_sd_configs', async () => {
  const { EC2Discoverer } = await import('./aws/ec2.js');
  const { ec2ConfigFromAWS } = await import('./aws/aws-role.js');
  return (cfg, opts) => new EC2Discoverer(ec2ConfigFromAWS(cfg as AWSSDConfig), refreshed(opts));
});

registerLazyDiscoverer('nomad_sd_configs', async () => {
  const { NomadDiscoverer } = await import('./nomad/nomad.js');
  const { NomadSDMetrics } = await import('./nomad/metrics.js');
  return (cfg, opts) => new NomadDiscoverer(cfg as NomadSDConfig, { metrics: NomadSDMetrics.for(opts.registry), ...refreshed(opts) });
});

registerLazyDiscoverer('openstack_sd_configs', async () => {
  const { OpenStackDiscoverer } = await import('./openstack/openstack.js');
  return (cfg, opts) => new OpenStackDiscoverer(cfg as OpenStackSDConfig, refreshed(opts));
});

registerLazyDiscoverer('digitalocean_sd_configs', async () => {
  const { DigitalOceanDiscoverer } = await import('./digitalocean/digitalocean.js');
  return (cfg, opts) => new DigitalOceanDiscoverer(cfg as DigitalOceanSDConfig, refreshed(opts));
});

registerLazyDiscoverer('hetzner_sd_configs', async () => {
  const { HetznerDiscoverer } = await import('./hetzner/hetzner.js');
  return (cfg, opts) => new HetznerDiscoverer(cfg as HetznerSDConfig, refreshed(opts));
});

registerLazyDiscoverer('azure_sd_configs', async () => {
  const { AzureDiscoverer } = await import('./azure/azure.js');
  const { AzureSDMetrics } = await import('./azure/metrics.js');
  return (cfg, opts) => new AzureDiscoverer(cfg as AzureSDConfig, { metrics: AzureSDMetrics.for(opts.registry), ...refreshed(opts) });
});

registerLazyDiscoverer('linode_sd_configs', async () => {
  const { LinodeDiscoverer } = await import('./linode/linode.js');
  const { LinodeSDMetrics } = await import('./linode/metrics.js');
  return (cfg, opts) => new LinodeDiscoverer(cfg as LinodeSDConfig, { metrics: LinodeSDMetrics.for(opts.registry), ...refreshed(opts) });
});

registerLazyDiscoverer('gce_sd_configs', async () => {
  const { GCEDiscoverer } = await import('./gce/gce.js');
  return (cfg, opts) => new GCEDiscoverer(cfg as GCESDConfig, refreshed(opts));
});

registerLazyDiscoverer('lightsail_sd_configs', async () => {
  const { LightsailDiscoverer } = await import('./aws/lightsail.js');
  return (cfg, opts) => new LightsailDiscoverer(cfg as LightsailSDConfig, refreshed(opts));
});

registerLazyDiscoverer('scaleway_sd_configs', async () => {
  const { ScalewayDiscoverer } = await import('./scaleway/scaleway.js');
  return (cfg, opts) => new ScalewayDiscoverer(cfg as ScalewaySDConfig, refreshed(opts));
});
