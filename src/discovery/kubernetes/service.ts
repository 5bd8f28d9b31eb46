/**
 * The `service` role: one group per service (`svc/<ns>/<name>`) with one target per service
 * port, addressed `<name>.<ns>.svc:<port>`. ExternalName services carry their external name
 * instead of the cluster IP; LoadBalancer services their load balancer IPs (from the status,
 * else the deprecated `spec.loadBalancerIP`).
 */
import type { TargetGroup } from '../interface.js';
import type { MetadataOnly, Service } from './api-types.js';
import type { Informer } from './informer.js';
import { META, NAMESPACE_LABEL, addNamespaceLabels, addObjectMetaLabels, joinHostPort, type LabelSet } from './labels.js';
import type { KubernetesSDMetrics } from './metrics.js';
import { NAMESPACE_INDEX } from './pod.js';
import { RoleQueue, emptyGroup } from './role.js';

export class ServiceRole extends RoleQueue {
  readonly #services: Informer<Service>;
  readonly #namespaces: Informer<MetadataOnly> | null;

  constructor(services: Informer<Service>, namespaces: Informer<MetadataOnly> | null, metrics: KubernetesSDMetrics) {
    super(metrics.queue('service'));
    this.#services = services;
    this.#namespaces = namespaces;
    const add = metrics.event('service', 'add'), upd = metrics.event('service', 'update'), del = metrics.event('service', 'delete');
    services.addHandlers({
      add: (s) => { add.inc(); this.enqueueAll([s]); },
      update: (_o, s) => { upd.inc(); this.enqueueAll([s]); },
      delete: (s) => { del.inc(); this.enqueueAll([s]); },
    });
    if (namespaces !== null) {
      services.addIndex(NAMESPACE_INDEX, (s) => [s.metadata.namespace]);
      namespaces.addHandlers({ update: (_o, ns) => { this.enqueueAll(services.byIndex(NAMESPACE_INDEX, ns.metadata.name)); } });
    }
    this.waitFor(services, namespaces);
  }

  protected build(key: string): TargetGroup {
    const svc = this.#services.get(key);
    if (svc === undefined) return emptyGroup(`svc/${key}`);
    const tg = emptyGroup(`svc/${svc.metadata.namespace}/${svc.metadata.name}`);
    tg.labels = serviceLabels(svc);
    const namespaces = this.#namespaces;
    if (namespaces !== null) addNamespaceLabels(tg.labels, (k) => namespaces.get(k), svc.metadata.namespace);
    for (const p of svc.spec.ports) {
      const t: LabelSet = {
        __address__: joinHostPort(`${svc.metadata.name}.${svc.metadata.namespace}.svc`, p.port),
        [`${META}service_port_name`]: p.name,
        [`${META}service_port_number`]: String(p.port),
        [`${META}service_port_protocol`]: p.protocol,
        [`${META}service_type`]: svc.spec.type,
      };
      if (svc.spec.type === 'ExternalName') t[`${META}service_external_name`] = svc.spec.externalName;
      else t[`${META}service_cluster_ip`] = svc.spec.clusterIP;
      if (svc.spec.type === 'LoadBalancer') t[`${META}service_loadbalancer_ip`] = loadBalancerIPs(svc);
      tg.targets.push(t);
    }
    return tg;
  }
}

/** The labels a service gives its own group and the endpoints (slices) behind it. */
export function serviceLabels(svc: Service): LabelSet {
  const ls: LabelSet = { [NAMESPACE_LABEL]: svc.metadata.namespace };
  addObjectMetaLabels(ls, svc.metadata, 'service');
  return ls;
}

function loadBalancerIPs(svc: Service): string {
  const ips = svc.status.loadBalancerIngressIPs.filter((ip) => ip !== '');
  return ips.length > 0 ? ips.join(',') : svc.spec.loadBalancerIP;
}
