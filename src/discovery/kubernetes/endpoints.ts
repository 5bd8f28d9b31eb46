/**
 * The `endpoints` role: one group per Endpoints object (`endpoints/<ns>/<name>`) with one
 * target per address and port of each subset (ready and not-ready addresses), carrying the
 * labels of the service of the same name and, for addresses backed by a known pod, the pod's
 * labels and the matching container's. Container ports of those pods that no endpoint port
 * covers become targets too. Endpoints are rebuilt when they change, when their service
 * changes, when a pod behind them changes phase, and when attached node or namespace
 * metadata changes.
 */
import type { Logger } from '../../util/log.js';
import type { TargetGroup } from '../interface.js';
import type { EndpointAddress, EndpointPort, Endpoints, MetadataOnly, Node, Pod, ObjectReference, Service } from './api-types.js';
import type { Informer } from './informer.js';
import {
  META, NAMESPACE_LABEL, addNamespaceLabels, addNodeLabels, addObjectMetaLabels, joinHostPort, ownerMetadata, podLabels,
  type LabelSet, type OwnerMetadata,
} from './labels.js';
import type { KubernetesSDMetrics } from './metrics.js';
import { NAMESPACE_INDEX, NODE_INDEX } from './pod.js';
import { addUnboundPodPorts, type SeenPod } from './pod-ports.js';
import { RoleQueue, emptyGroup } from './role.js';
import { serviceLabels } from './service.js';

export interface EndpointsRoleInformers {
  endpoints: Informer<Endpoints>;
  services: Informer<Service>;
  pods: Informer<Pod>;
  nodes: Informer<Node> | null;
  namespaces: Informer<MetadataOnly> | null;
  replicaSets: Informer<MetadataOnly> | null;
  jobs: Informer<MetadataOnly> | null;
}

const POD_INDEX = 'pod';

export class EndpointsRole extends RoleQueue {
  readonly #inf: EndpointsRoleInformers;
  readonly #owners: OwnerMetadata;
  readonly #logger: Logger;

  constructor(inf: EndpointsRoleInformers, attach: { job: boolean; cronjob: boolean }, metrics: KubernetesSDMetrics, logger: Logger) {
    super(metrics.queue('endpoints'));
    this.#inf = inf;
    this.#logger = logger;
    this.#owners = ownerMetadata(inf.replicaSets, attach.cronjob ? inf.jobs : null, attach.job);
    const eps = inf.endpoints;
    const add = metrics.event('endpoints', 'add'), upd = metrics.event('endpoints', 'update'), del = metrics.event('endpoints', 'delete');
    eps.addHandlers({
      add: (e) => { add.inc(); this.enqueueAll([e]); },
      update: (_o, e) => { upd.inc(); this.enqueueAll([e]); },
      delete: (e) => { del.inc(); this.enqueueAll([e]); },
    });
    const sAdd = metrics.event('service', 'add'), sUpd = metrics.event('service', 'update'), sDel = metrics.event('service', 'delete');
    // Endpoints share their service's namespace and name.
    const forService = (s: Service): void => {
      const e = eps.get(`${s.metadata.namespace}/${s.metadata.name}`);
      if (e !== undefined) this.enqueueAll([e]);
    };
    inf.services.addHandlers({
      add: (s) => { sAdd.inc(); forService(s); },
      update: (_o, s) => { sUpd.inc(); forService(s); },
      delete: (s) => { sDel.inc(); forService(s); },
    });
    eps.addIndex(POD_INDEX, (e) => {
      const out: string[] = [];
      for (const ss of e.subsets) for (const a of ss.addresses) if (a.targetRef !== null && a.targetRef.kind === 'Pod') out.push(`${a.targetRef.namespace}/${a.targetRef.name}`);
      return out;
    });
    const pUpd = metrics.event('pod', 'update');
    inf.pods.addHandlers({
      update: (old, cur) => {
        pUpd.inc();
        if (old.status.phase !== cur.status.phase) this.enqueueAll(eps.byIndex(POD_INDEX, `${cur.metadata.namespace}/${cur.metadata.name}`));
      },
    });
    if (inf.nodes !== null) {
      eps.addIndex(NODE_INDEX, (e) => {
        const out: string[] = [];
        for (const ss of e.subsets) {
          for (const a of ss.addresses) {
            if (a.targetRef === null) continue;
            if (a.targetRef.kind === 'Pod' && a.nodeName !== null) out.push(a.nodeName);
            else if (a.targetRef.kind === 'Node') out.push(a.targetRef.name);
          }
        }
        return out;
      });
      const forNode = (n: Node): void => { this.enqueueAll(eps.byIndex(NODE_INDEX, n.metadata.name)); };
      inf.nodes.addHandlers({ add: forNode, update: (_o, n) => { forNode(n); }, delete: forNode });
    }
    if (inf.namespaces !== null) {
      eps.addIndex(NAMESPACE_INDEX, (e) => [e.metadata.namespace]);
      inf.namespaces.addHandlers({ update: (_o, ns) => { this.enqueueAll(eps.byIndex(NAMESPACE_INDEX, ns.metadata.name)); } });
    }
    this.waitFor(eps, inf.services, inf.pods, inf.nodes, inf.namespaces);
  }

  protected build(key: string): TargetGroup {
    const e = this.#inf.endpoints.get(key);
    if (e === undefined) return emptyGroup(`endpoints/${key}`);
    return this.#buildEndpoints(e);
  }

  #buildEndpoints(eps: Endpoints): TargetGroup {
    const ns = eps.metadata.namespace;
    const tg = emptyGroup(`endpoints/${ns}/${eps.metadata.name}`);
    const labels: LabelSet = { [NAMESPACE_LABEL]: ns };
    const svc = this.#inf.services.get(`${ns}/${eps.metadata.name}`);
    if (svc !== undefined) Object.assign(labels, serviceLabels(svc));
    addObjectMetaLabels(labels, eps.metadata, 'endpoints');
    const namespaces = this.#inf.namespaces;
    if (namespaces !== null) addNamespaceLabels(labels, (k) => namespaces.get(k), ns);
    tg.labels = labels;

    const seen = new Map<string, SeenPod>();
    const add = (addr: EndpointAddress, port: EndpointPort, ready: string): void => {
      let t: LabelSet = {
        __address__: joinHostPort(addr.ip, port.port),
        [`${META}endpoint_port_name`]: port.name,
        [`${META}endpoint_port_protocol`]: port.protocol,
        [`${META}endpoint_ready`]: ready,
      };
      if (addr.targetRef !== null) {
        t[`${META}endpoint_address_target_kind`] = addr.targetRef.kind;
        t[`${META}endpoint_address_target_name`] = addr.targetRef.name;
      }
      if (addr.nodeName !== null) t[`${META}endpoint_node_name`] = addr.nodeName;
      if (addr.hostname !== '') t[`${META}endpoint_hostname`] = addr.hostname;
      const nodes = this.#inf.nodes;
      if (nodes !== null) {
        const nodeName = addr.nodeName ?? (addr.targetRef !== null && addr.targetRef.kind === 'Node' ? addr.targetRef.name : null);
        addNodeLabels(t, (k) => nodes.get(k), nodeName);
      }
      const pod = this.#resolvePod(addr.targetRef);
      if (pod === undefined) {
        tg.targets.push(t);
        return;
      }
      const podKey = `${pod.metadata.namespace}/${pod.metadata.name}`;
      let sp = seen.get(podKey);
      if (sp === undefined) seen.set(podKey, sp = { pod, ports: [] });
      t = Object.assign(t, podLabels(pod, this.#owners));
      const containers = pod.spec.containers.concat(pod.spec.initContainers);
      outer: for (let i = 0; i < containers.length; i++) {
        const c = containers[i]!;
        for (const cp of c.ports) {
          if (cp.containerPort !== port.port) continue;
          t[`${META}pod_container_name`] = c.name;
          t[`${META}pod_container_image`] = c.image;
          t[`${META}pod_container_port_name`] = cp.name;
          t[`${META}pod_container_port_number`] = String(port.port);
          // The endpoint port's protocol, as Prometheus sets it for this role.
          t[`${META}pod_container_port_protocol`] = port.protocol;
          t[`${META}pod_container_init`] = String(i >= pod.spec.containers.length);
          break outer;
        }
      }
      sp.ports.push(port.port);
      tg.targets.push(t);
    };
    for (const ss of eps.subsets) {
      for (const port of ss.ports) {
        for (const a of ss.addresses) add(a, port, 'true');
        for (const a of ss.notReadyAddresses) add(a, port, 'false');
      }
    }
    const overCapacity = eps.metadata.labels['endpoints.kubernetes.io/over-capacity'];
    if (overCapacity === 'truncated') {
      this.#logger.warn('Number of endpoints in one Endpoints object exceeds 1000 and has been truncated, please use "role: endpointslice" instead', { endpoint: eps.metadata.name });
    } else if (overCapacity === 'warning') {
      this.#logger.warn('Number of endpoints in one Endpoints object exceeds 1000, please use "role: endpointslice" instead', { endpoint: eps.metadata.name });
    }
    addUnboundPodPorts(tg, seen, this.#owners);
    return tg;
  }

  #resolvePod(ref: ObjectReference | null): Pod | undefined {
    if (ref === null || ref.kind !== 'Pod') return undefined;
    return this.#inf.pods.get(`${ref.namespace}/${ref.name}`);
  }
}
