/**
 * `azure_sd_configs`: the virtual machines of a subscription (or one resource group), and the
 * machines of its scale sets, polled every `refresh_interval` (default 5 m), as Prometheus
 * does:
 *
 * - VMs, scale sets and each scale set's VMs are listed through Resource Manager (following
 *   `nextLink`); each machine's network interfaces are fetched with their public addresses
 *   expanded (scale set machines through the scale set's own interface API), and kept in a
 *   cache (5000 entries, each for ten refresh intervals plus up to three more, at random)
 *   whose hits count in `prometheus_sd_azure_cache_hit_total`;
 * - a machine is a target at the first private address of its primary interface with the
 *   config's port; a machine whose interface has no `primary` field (deallocated) or is gone
 *   (404) is skipped; a primary interface without private address fails the refresh;
 * - labels `__meta_azure_{subscription_id, tenant_id}` and `__meta_azure_machine_{id,
 *   name, computer_name, os_type, location, resource_group, size, scale_set, private_ip,
 *   public_ip}` and `__meta_azure_machine_tag_<key>`; one group with an empty source.
 *
 * Every failure (credentials, listing, interfaces) counts in
 * `prometheus_sd_azure_failures_total` and `prometheus_sd_refresh_failures_total`, and
 * sends nothing: the last targets stay.
 */
import type { AzureSDConfig } from '../../config/sd-types.js';
import { defaultHTTPClientConfig, newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { joinHostPort, RefreshDiscoverer, sanitizeLabelName, type RefreshMetrics } from '../refresh/index.js';
import { armGetURL, ARMError, armList, armURL, type ARMCall } from './arm.js';
import { newCredential, type AzureEnv, type TokenCredential } from './credentials.js';
import { cloudConfigFromName, type CloudConfig } from './environments.js';
import type { AzureSDMetrics } from './metrics.js';
import { parseResourceID } from './resource-id.js';

const P = '__meta_azure_';
const M = `${P}machine_`;
export const COMPUTE_API_VERSION = '2023-07-01';
export const NETWORK_API_VERSION = '2023-05-01';
/** The only api-version of the scale set VM interface operation. */
export const VMSS_NETWORK_API_VERSION = '2018-10-01';
const CACHE_CAPACITY = 5000;
const CONCURRENCY = 16;

export interface VirtualMachine {
  id: string;
  name: string;
  computerName: string;
  type: string;
  location: string;
  osType: string;
  scaleSet: string;
  instanceID: string;
  tags: [string, string][];
  networkInterfaces: string[];
  size: string;
}

type JSONObject = Record<string, unknown>;

function o(v: unknown): JSONObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v as JSONObject : {};
}

function s(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A VM or scale set VM from Resource Manager, as Prometheus maps it. */
export function mapVM(raw: unknown, scaleSet: string): VirtualMachine {
  const vm = o(raw);
  const props = o(vm['properties']);
  const nics: string[] = [];
  const refs = o(props['networkProfile'])['networkInterfaces'];
  if (Array.isArray(refs)) for (const r of refs) nics.push(s(o(r)['id']));
  const tags: [string, string][] = [];
  for (const [k, v] of Object.entries(o(vm['tags']))) tags.push([k, s(v)]);
  return {
    id: s(vm['id']), name: s(vm['name']), type: s(vm['type']), location: s(vm['location']),
    computerName: s(o(props['osProfile'])['computerName']),
    osType: s(o(o(props['storageProfile'])['osDisk'])['osType']),
    size: s(o(props['hardwareProfile'])['vmSize']),
    scaleSet, instanceID: scaleSet === '' ? '' : s(vm['instanceId']), tags, networkInterfaces: nics,
  };
}

export interface AzureDiscovererOptions {
  metrics: AzureSDMetrics;
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  env?: AzureEnv;
  /** Replaces the Resource Manager client built from the config (tests). */
  client?: HTTPClient;
  /** Replaces the client of the token endpoints (tests). */
  tokenClient?: HTTPClient;
}

interface CacheEntry { nic: JSONObject; expiresAt: number }

export class AzureDiscoverer implements Discoverer {
  readonly #cfg: AzureSDConfig;
  readonly #o: AzureDiscovererOptions;
  readonly #env: AzureEnv;
  readonly #client: HTTPClient;
  readonly #tokenClient: HTTPClient;
  readonly #logger: Logger;
  readonly #loop: RefreshDiscoverer;
  /** Interfaces by id, least recently used first. */
  readonly #cache = new Map<string, CacheEntry>();
  #session: { cloud: CloudConfig; credential: TokenCredential } | null = null;

  constructor(cfg: AzureSDConfig, o: AzureDiscovererOptions) {
    this.#cfg = cfg;
    this.#o = o;
    this.#env = o.env ?? process.env;
    this.#logger = o.logger ?? nopLogger;
    const ua = o.userAgent !== undefined ? { userAgent: o.userAgent } : {};
    this.#client = o.client ?? newHTTPClient(cfg.http_client, 'azure_sd', ua);
    this.#tokenClient = o.tokenClient ?? newHTTPClient(defaultHTTPClientConfig(), 'azure_sd_token', ua);
    this.#loop = new RefreshDiscoverer({
      mechanism: 'azure', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
      metrics: o.refreshMetrics, logger: this.#logger, refresh: (signal) => this.refresh(signal),
    });
  }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    try {
      await this.#loop.run(signal, send);
    } finally {
      await Promise.all([this.#client.close(), this.#o.tokenClient === undefined ? this.#tokenClient.close() : Promise.resolve()]);
    }
  }

  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    try {
      return await this.#refresh(signal);
    } catch (e) {
      if (!signal.aborted) this.#o.metrics.failures.inc();
      throw e;
    }
  }

  async #refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    if (this.#session === null) {
      try {
        const cloud = cloudConfigFromName(this.#cfg.environment, this.#env);
        this.#session = {
          cloud,
          credential: newCredential({ method: this.#cfg.authentication_method, tenantID: this.#cfg.tenant_id, clientID: this.#cfg.client_id, clientSecret: this.#cfg.client_secret }, this.#tokenClient, cloud, this.#env),
        };
      } catch (e) {
        throw new Error(`could not create Azure client: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
    const c: ARMCall = { http: this.#client, base: this.#session.cloud.resourceManagerEndpoint, credential: this.#session.credential, signal, timeoutMs: this.#cfg.refresh_interval };
    const sub = `/subscriptions/${encodeURIComponent(this.#cfg.subscription_id)}`;
    const scope = this.#cfg.resource_group === '' ? sub : `${sub}/resourceGroups/${encodeURIComponent(this.#cfg.resource_group)}`;
    const wrap = (outer: string, inner: string) => (e: unknown): never => {
      throw new Error(`${outer}: ${inner}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    };
    const machines = (await armList(c, `${scope}/providers/Microsoft.Compute/virtualMachines`, COMPUTE_API_VERSION)
      .catch(wrap('could not get virtual machines', 'could not list virtual machines'))).map((v) => mapVM(v, ''));
    this.#logger.debug('Found virtual machines during Azure discovery.', { count: machines.length });
    const scaleSets = await armList(c, `${scope}/providers/Microsoft.Compute/virtualMachineScaleSets`, COMPUTE_API_VERSION)
      .catch(wrap('could not get virtual machine scale sets', 'could not list virtual machine scale sets'));
    for (const raw of scaleSets) {
      const ss = o(raw);
      let rg: string;
      try {
        rg = parseResourceID(s(ss['id'])).resourceGroupName;
      } catch (e) {
        throw new Error(`could not get virtual machine scale set vms: could not parse scale set ID: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      const name = s(ss['name']);
      const vms = await armList(c, `${sub}/resourceGroups/${encodeURIComponent(rg)}/providers/Microsoft.Compute/virtualMachineScaleSets/${encodeURIComponent(name)}/virtualMachines`, COMPUTE_API_VERSION)
        .catch(wrap('could not get virtual machine scale set vms', 'could not list virtual machine scale set vms'));
      for (const v of vms) machines.push(mapVM(v, name));
    }
    const results: (Record<string, string> | null)[] = new Array<Record<string, string> | null>(machines.length).fill(null);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < machines.length) {
        const i = next++;
        results[i] = await this.#labels(c, sub, machines[i]!);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, machines.length) }, worker));
    } catch (e) {
      throw new Error(`unable to complete Azure service discovery: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const targets: Record<string, string>[] = [];
    for (const t of results) if (t !== null) targets.push(t);
    return [{ source: '', labels: {}, targets }];
  }

  #cached(id: string): JSONObject | undefined {
    const e = this.#cache.get(id);
    if (e === undefined) return undefined;
    this.#cache.delete(id);
    if (e.expiresAt <= Date.now()) return undefined;
    this.#cache.set(id, e);
    return e.nic;
  }

  #store(id: string, nic: JSONObject): void {
    const intervalSec = this.#cfg.refresh_interval / 1000;
    const jitterSec = Math.floor(Math.random() * Math.max(1, Math.floor(intervalSec * 3)));
    this.#cache.delete(id);
    this.#cache.set(id, { nic, expiresAt: Date.now() + (intervalSec * 10 + jitterSec) * 1000 });
    if (this.#cache.size > CACHE_CAPACITY) this.#cache.delete(this.#cache.keys().next().value!);
  }

  async #nic(c: ARMCall, sub: string, vm: VirtualMachine, nicID: string): Promise<JSONObject | null> {
    const r = parseResourceID(nicID);
    const expand = { $expand: 'IPConfigurations/PublicIPAddress' };
    const url = vm.scaleSet === ''
      ? armURL(c, `${sub}/resourceGroups/${encodeURIComponent(r.resourceGroupName)}/providers/Microsoft.Network/networkInterfaces/${encodeURIComponent(r.name)}`, NETWORK_API_VERSION, expand)
      : armURL(c, `${sub}/resourceGroups/${encodeURIComponent(r.resourceGroupName)}/providers/Microsoft.Compute/virtualMachineScaleSets/${encodeURIComponent(vm.scaleSet)}/virtualMachines/${encodeURIComponent(vm.instanceID)}/networkInterfaces/${encodeURIComponent(r.name)}`, VMSS_NETWORK_API_VERSION, expand);
    try {
      return o(await armGetURL(c, url));
    } catch (e) {
      if (e instanceof ARMError && e.status === 404) {
        this.#logger.warn('Network interface does not exist', { name: nicID, err: 'network interface does not exist' });
        return null;
      }
      throw new Error(`failed to retrieve Interface ${nicID} with error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  /** The target of a machine, or null when it is skipped. */
  async #labels(c: ARMCall, sub: string, vm: VirtualMachine): Promise<Record<string, string> | null> {
    let r;
    try {
      r = parseResourceID(vm.id);
    } catch (e) {
      this.#logger.error('Failed to parse resource ID', { err: `invalid ID '${vm.id}': ${e instanceof Error ? e.message : String(e)}` });
      throw new Error(`invalid ID '${vm.id}': ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const labels: Record<string, string> = {
      [`${P}subscription_id`]: this.#cfg.subscription_id, [`${P}tenant_id`]: this.#cfg.tenant_id,
      [`${M}id`]: vm.id, [`${M}name`]: vm.name, [`${M}computer_name`]: vm.computerName, [`${M}os_type`]: vm.osType,
      [`${M}location`]: vm.location, [`${M}resource_group`]: r.resourceGroupName, [`${M}size`]: vm.size,
    };
    if (vm.scaleSet !== '') labels[`${M}scale_set`] = vm.scaleSet;
    for (const [k, v] of vm.tags) labels[`${M}tag_${sanitizeLabelName(k)}`] = v;
    for (const nicID of vm.networkInterfaces) {
      let nic = this.#cached(nicID);
      if (nic !== undefined) {
        this.#o.metrics.cacheHits.inc();
      } else {
        const fetched = await this.#nic(c, sub, vm, nicID);
        if (fetched === null) return null;
        nic = fetched;
        this.#store(nicID, nic);
      }
      const props = nic['properties'];
      if (props === undefined || props === null) continue;
      const primary = o(props)['primary'];
      // Deallocated machines have interfaces without a primary flag.
      if (typeof primary !== 'boolean') {
        this.#logger.debug('Skipping deallocated virtual machine', { machine: vm.name });
        return null;
      }
      if (!primary) continue;
      const configs = o(props)['ipConfigurations'];
      for (const ip of Array.isArray(configs) ? configs : []) {
        const ipProps = o(ip)['properties'];
        const pub = o(o(o(ipProps)['publicIPAddress'])['properties'])['ipAddress'];
        if (typeof pub === 'string') labels[`${M}public_ip`] = pub;
        const priv = o(ipProps)['privateIPAddress'];
        if (typeof priv === 'string') {
          labels[`${M}private_ip`] = priv;
          labels['__address__'] = joinHostPort(priv, this.#cfg.port);
          return labels;
        }
        throw new Error(`unable to find a private IP for VM ${vm.name}`);
      }
    }
    return null;
  }
}
