/**
 * `kubernetes_sd_configs`: one discoverer per config. It resolves the API server (api_server,
 * kubeconfig_file or in-cluster), then for each namespace to watch sets up the informers its
 * role reads (with the configured selectors) and the role that turns their objects into
 * target groups. Node and namespace metadata informers are cluster-wide and shared by the
 * role's namespaces.
 */
import { setMaxListeners } from 'node:events';
import type { KubernetesRole, KubernetesSDConfig } from '../../config/sd-types.js';
import { newHTTPClient } from '../../httpclient/index.js';
import type { Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import type { KubeObject, MetadataOnly, Node } from './api-types.js';
import { KubeClient, type Selectors } from './client.js';
import { EndpointSliceRole } from './endpointslice.js';
import { EndpointsRole } from './endpoints.js';
import { Informer, type BackoffSettings, type InformerOptions } from './informer.js';
import { IngressRole } from './ingress.js';
import type { KubernetesSDMetrics } from './metrics.js';
import { NodeRole } from './node.js';
import { PodRole } from './pod.js';
import { namespacesToWatch, resolveRestConfig, type InClusterEnv } from './rest-config.js';
import {
  ENDPOINTS, ENDPOINT_SLICES, INGRESSES, JOBS, NAMESPACES, NODES, PODS, REPLICA_SETS, SERVICES, type Resource,
} from './resources.js';
import type { RoleQueue } from './role.js';
import { ServiceRole } from './service.js';

export interface KubernetesDiscovererOptions {
  metrics: KubernetesSDMetrics;
  logger: Logger;
  /** Sent as User-Agent. */
  userAgent: string;
  /** Retry backoff of list and watch (default client-go's). */
  backoff?: BackoffSettings;
  /** Where the in-cluster config comes from (tests). */
  inCluster?: InClusterEnv;
}

const NO_SELECTORS: Selectors = { label: '', field: '' };

export class KubernetesDiscoverer implements Discoverer {
  readonly #cfg: KubernetesSDConfig;
  readonly #o: KubernetesDiscovererOptions;
  readonly #client: KubeClient;
  readonly #namespaces: string[];
  readonly #selectors: Map<string, Selectors>;

  /** Throws when no API server can be reached with this config (as Prometheus fails to create the discoverer). */
  constructor(cfg: KubernetesSDConfig, o: KubernetesDiscovererOptions) {
    this.#cfg = cfg;
    this.#o = o;
    const rest = resolveRestConfig(cfg, o.logger, o.inCluster);
    this.#client = new KubeClient({
      server: rest.server, http: newHTTPClient(rest.http, 'kubernetes_sd'), userAgent: o.userAgent,
      observe: (code, endpoint, seconds) => { o.metrics.observeRequest(code, endpoint, seconds); },
    });
    this.#namespaces = namespacesToWatch(cfg, rest.ownNamespace);
    this.#selectors = new Map(cfg.selectors.map((s) => [s.role, { label: s.label, field: s.field }]));
  }

  async run(outer: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    // Every informer, role, request and backoff listens for the stop: more than the default
    // ten listeners, so they listen on a signal of our own (which adds none to the caller's).
    const signal = AbortSignal.any([outer]);
    setMaxListeners(0, signal);
    const informers: { run(signal: AbortSignal): Promise<void> }[] = [];
    const roles: RoleQueue[] = [];
    const io: InformerOptions = { logger: this.#o.logger, metrics: this.#o.metrics, ...(this.#o.backoff !== undefined ? { backoff: this.#o.backoff } : {}) };
    const informer = <T extends KubeObject>(r: Resource<T>, ns: string, selectorRole: KubernetesRole | null): Informer<T> => {
      const sel = selectorRole !== null ? this.#selectors.get(selectorRole) ?? NO_SELECTORS : NO_SELECTORS;
      const inf = new Informer<T>(this.#client, r, ns, sel, { ...io, logger: this.#o.logger.with({ resource: r.plural, ...(ns !== '' ? { namespace: ns } : {}) }) });
      informers.push(inf);
      return inf;
    };
    const attach = this.#cfg.attach_metadata;
    const role = this.#cfg.role;
    const withNamespaces = (): Informer<MetadataOnly> | null => attach.namespace ? informer(NAMESPACES, '', null) : null;
    const withNodes = (): Informer<Node> | null => attach.node ? informer(NODES, '', 'node') : null;
    const metrics = this.#o.metrics;
    switch (role) {
      case 'node':
        roles.push(new NodeRole(informer(NODES, '', 'node'), metrics, this.#o.logger.with({ role: 'node' })));
        break;
      case 'pod': {
        const nodes = withNodes(), namespaces = withNamespaces();
        for (const ns of this.#namespaces) {
          roles.push(new PodRole({
            pods: informer(PODS, ns, 'pod'), nodes, namespaces,
            replicaSets: attach.deployment ? informer(REPLICA_SETS, ns, null) : null,
            jobs: attach.job || attach.cronjob ? informer(JOBS, ns, null) : null,
          }, attach, metrics));
        }
        break;
      }
      case 'service': {
        const namespaces = withNamespaces();
        for (const ns of this.#namespaces) roles.push(new ServiceRole(informer(SERVICES, ns, 'service'), namespaces, metrics));
        break;
      }
      case 'ingress': {
        const namespaces = withNamespaces();
        for (const ns of this.#namespaces) roles.push(new IngressRole(informer(INGRESSES, ns, 'ingress'), namespaces, metrics));
        break;
      }
      case 'endpoints': {
        const nodes = withNodes(), namespaces = withNamespaces();
        for (const ns of this.#namespaces) {
          roles.push(new EndpointsRole({
            endpoints: informer(ENDPOINTS, ns, 'endpoints'), services: informer(SERVICES, ns, 'service'), pods: informer(PODS, ns, 'pod'),
            nodes, namespaces,
            replicaSets: attach.deployment ? informer(REPLICA_SETS, ns, null) : null,
            jobs: attach.job || attach.cronjob ? informer(JOBS, ns, null) : null,
          }, attach, metrics, this.#o.logger.with({ role: 'endpoint' })));
        }
        break;
      }
      case 'endpointslice': {
        const nodes = withNodes(), namespaces = withNamespaces();
        for (const ns of this.#namespaces) {
          roles.push(new EndpointSliceRole({
            slices: informer(ENDPOINT_SLICES, ns, 'endpointslice'), services: informer(SERVICES, ns, 'service'), pods: informer(PODS, ns, 'pod'),
            nodes, namespaces,
            replicaSets: attach.deployment ? informer(REPLICA_SETS, ns, null) : null,
            jobs: attach.job || attach.cronjob ? informer(JOBS, ns, null) : null,
          }, attach, metrics));
        }
        break;
      }
      default: {
        const never: never = role;
        throw new Error(`unknown Kubernetes discovery kind ${String(never)}`);
      }
    }
    try {
      await Promise.all([...informers.map((i) => i.run(signal)), ...roles.map((r) => r.run(signal, send))]);
      // Nothing to watch (no namespaces): still run until stopped, as the contract says.
      if (!signal.aborted) await new Promise<void>((resolve) => { signal.addEventListener('abort', () => { resolve(); }, { once: true }); });
    } finally {
      await this.#client.close();
    }
  }
}
