/**
 * The `endpointslice` role (discovery.k8s.io/v1): one group per EndpointSlice
 * (`endpointslice/<ns>/<name>`) with one target per endpoint address and slice port, carrying
 * the endpoint's conditions, hostname, node, zone and topology, the labels of the service
 * named by the slice's `kubernetes.io/service-name` label and, for endpoints backed by a
 * known pod, the pod's labels and the matching container's. Container ports of those pods
 * that no slice port covers become targets too. A slice of a dual-stack service whose
 * address type is not the service's primary IP family has no targets (the other family's
 * slice has them). Slices are rebuilt when they or their service change, and when attached
 * node or namespace metadata changes.
 */
import type { TargetGroup } from '../interface.js';
import type { EndpointSlice, MetadataOnly, Node, ObjectReference, Pod, Service, SliceEndpoint, SlicePort } from './api-types.js';
import type { Informer } from './informer.js';
import {
  META, NAMESPACE_LABEL, addNamespaceLabels, addNodeLabels, addObjectMetaLabels, joinHostPort, ownerMetadata, podLabels, sanitizeLabelName,
  type LabelSet, type OwnerMetadata,
} from './labels.js';
import type { KubernetesSDMetrics } from './metrics.js';
import { NAMESPACE_INDEX, NODE_INDEX } from './pod.js';
import { addUnboundPodPorts, type SeenPod } from './pod-ports.js';
import { RoleQueue, emptyGroup } from './role.js';
import { serviceLabels } from './service.js';

export interface EndpointSliceRoleInformers {
  slices: Informer<EndpointSlice>;
  services: Informer<Service>;
  pods: Informer<Pod>;
  nodes: Informer<Node> | null;
  namespaces: Informer<MetadataOnly> | null;
  replicaSets: Informer<MetadataOnly> | null;
  jobs: Informer<MetadataOnly> | null;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const SERVICE_INDEX = 'service';

export class EndpointSliceRole extends RoleQueue {
  readonly #inf: EndpointSliceRoleInformers;
  readonly #owners: OwnerMetadata;

  constructor(inf: EndpointSliceRoleInformers, attach: { job: boolean; cronjob: boolean }, metrics: KubernetesSDMetrics) {
    super(metrics.queue('endpointslice'));
    this.#inf = inf;
    this.#owners = ownerMetadata(inf.replicaSets, attach.cronjob ? inf.jobs : null, attach.job);
    const slices = inf.slices;
    const add = metrics.event('endpointslice', 'add'), upd = metrics.event('endpointslice', 'update'), del = metrics.event('endpointslice', 'delete');
    slices.addHandlers({
      add: (e) => { add.inc(); this.enqueueAll([e]); },
      update: (_o, e) => { upd.inc(); this.enqueueAll([e]); },
      delete: (e) => { del.inc(); this.enqueueAll([e]); },
    });
    slices.addIndex(SERVICE_INDEX, (e) => {
      const svc = e.metadata.labels[SERVICE_NAME_LABEL];
      return svc !== undefined ? [`${e.metadata.namespace}/${svc}`] : [];
    });
    const sAdd = metrics.event('service', 'add'), sUpd = metrics.event('service', 'update'), sDel = metrics.event('service', 'delete');
    const forService = (s: Service): void => { this.enqueueAll(slices.byIndex(SERVICE_INDEX, `${s.metadata.namespace}/${s.metadata.name}`)); };
    inf.services.addHandlers({
      add: (s) => { sAdd.inc(); forService(s); },
      update: (_o, s) => { sUpd.inc(); forService(s); },
      delete: (s) => { sDel.inc(); forService(s); },
    });
    if (inf.nodes !== null) {
      slices.addIndex(NODE_INDEX, (e) => {
        const out: string[] = [];
        for (const ep of e.endpoints) {
          if (ep.targetRef === null) continue;
          if (ep.targetRef.kind === 'Pod' && ep.nodeName !== null) out.push(ep.nodeName);
          else if (ep.targetRef.kind === 'Node') out.push(ep.targetRef.name);
        }
        return out;
      });
      const forNode = (n: Node): void => { this.enqueueAll(slices.byIndex(NODE_INDEX, n.metadata.name)); };
      inf.nodes.addHandlers({ add: forNode, update: (_o, n) => { forNode(n); }, delete: forNode });
    }
    if (inf.namespaces !== null) {
      slices.addIndex(NAMESPACE_INDEX, (e) => [e.metadata.namespace]);
      inf.namespaces.addHandlers({ update: (_o, ns) => { this.enqueueAll(slices.byIndex(NAMESPACE_INDEX, ns.metadata.name)); } });
    }
    this.waitFor(slices, inf.services, inf.pods, inf.nodes, inf.namespaces);
  }

  protected build(key: string): TargetGroup {
    const s = this.#inf.slices.get(key);
    if (s === undefined) return emptyGroup(`endpointslice/${key}`);
    return this.#buildSlice(s);
  }

  #buildSlice(eps: EndpointSlice): TargetGroup {
    const ns = eps.metadata.namespace;
    const tg = emptyGroup(`endpointslice/${ns}/${eps.metadata.name}`);
    const labels: LabelSet = { [NAMESPACE_LABEL]: ns, [`${META}endpointslice_address_type`]: eps.addressType };
    addObjectMetaLabels(labels, eps.metadata, 'endpointslice');
    const svcName = eps.metadata.labels[SERVICE_NAME_LABEL];
    const svc = svcName !== undefined ? this.#inf.services.get(`${ns}/${svcName}`) : undefined;
    if (svc !== undefined) Object.assign(labels, serviceLabels(svc));
    const namespaces = this.#inf.namespaces;
    if (namespaces !== null) addNamespaceLabels(labels, (k) => namespaces.get(k), ns);
    tg.labels = labels;
    if (svc !== undefined && nonPrimaryIPFamilySlice(svc, eps)) return tg;

    const seen = new Map<string, SeenPod>();
    const add = (addr: string, ep: SliceEndpoint, port: SlicePort): void => {
      let t: LabelSet = { __address__: port.port !== null ? joinHostPort(addr, port.port) : addr };
      if (port.name !== null) t[`${META}endpointslice_port_name`] = port.name;
      if (port.protocol !== null) t[`${META}endpointslice_port_protocol`] = port.protocol;
      if (port.port !== null) t[`${META}endpointslice_port`] = String(port.port);
      if (port.appProtocol !== null) t[`${META}endpointslice_port_app_protocol`] = port.appProtocol;
      const c = ep.conditions;
      if (c.ready !== null) t[`${META}endpointslice_endpoint_conditions_ready`] = String(c.ready);
      if (c.serving !== null) t[`${META}endpointslice_endpoint_conditions_serving`] = String(c.serving);
      if (c.terminating !== null) t[`${META}endpointslice_endpoint_conditions_terminating`] = String(c.terminating);
      if (ep.hostname !== null) t[`${META}endpointslice_endpoint_hostname`] = ep.hostname;
      if (ep.targetRef !== null) {
        t[`${META}endpointslice_address_target_kind`] = ep.targetRef.kind;
        t[`${META}endpointslice_address_target_name`] = ep.targetRef.name;
      }
      if (ep.nodeName !== null) t[`${META}endpointslice_endpoint_node_name`] = ep.nodeName;
      if (ep.zone !== null) t[`${META}endpointslice_endpoint_zone`] = ep.zone;
      for (const [k, v] of Object.entries(ep.deprecatedTopology)) {
        const n = sanitizeLabelName(k);
        t[`${META}endpointslice_endpoint_topology_${n}`] = v;
        t[`${META}endpointslice_endpoint_topology_present_${n}`] = 'true';
      }
      const nodes = this.#inf.nodes;
      if (nodes !== null) {
        const nodeName = ep.targetRef !== null && ep.targetRef.kind === 'Node' ? ep.targetRef.name : ep.nodeName;
        addNodeLabels(t, (k) => nodes.get(k), nodeName);
      }
      const pod = this.#resolvePod(ep.targetRef);
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
        const ctr = containers[i]!;
        for (const cp of ctr.ports) {
          if (port.port === null || cp.containerPort !== port.port) continue;
          t[`${META}pod_container_name`] = ctr.name;
          t[`${META}pod_container_image`] = ctr.image;
          t[`${META}pod_container_port_name`] = cp.name;
          t[`${META}pod_container_port_number`] = String(port.port);
          t[`${META}pod_container_port_protocol`] = cp.protocol;
          t[`${META}pod_container_init`] = String(i >= pod.spec.containers.length);
          break outer;
        }
      }
      sp.ports.push(port.port);
      tg.targets.push(t);
    };
    for (const ep of eps.endpoints) {
      for (const port of eps.ports) {
        for (const a of ep.addresses) add(a, ep, port);
      }
    }
    addUnboundPodPorts(tg, seen, this.#owners);
    return tg;
  }

  #resolvePod(ref: ObjectReference | null): Pod | undefined {
    if (ref === null || ref.kind !== 'Pod') return undefined;
    return this.#inf.pods.get(`${ref.namespace}/${ref.name}`);
  }
}

/** Whether a dual-stack service's slice is of its secondary IP family. */
function nonPrimaryIPFamilySlice(svc: Service, eps: EndpointSlice): boolean {
  const policy = svc.spec.ipFamilyPolicy;
  if (policy !== 'PreferDualStack' && policy !== 'RequireDualStack') return false;
  const primary = svc.spec.ipFamilies[0];
  if (primary === undefined) return false;
  return eps.addressType !== primary;
}
