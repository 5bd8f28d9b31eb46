/**
 * The `pod` role: one group per pod (`pod/<ns>/<name>`), one target per declared container
 * port and one port-less target per container without ports, init containers included
 * (`__meta_kubernetes_pod_container_init`). A pod without an IP has no targets; with
 * `attach_metadata.node`, neither has a pod whose node is unknown (filtered out by node
 * selectors). Pods are rebuilt when they change, and when their node, namespace, ReplicaSet
 * or Job changes (each only when that metadata is attached).
 */
import type { TargetGroup } from '../interface.js';
import type { Container, MetadataOnly, Node, Pod } from './api-types.js';
import type { Informer } from './informer.js';
import {
  META, NAMESPACE_LABEL, addNamespaceLabels, addNodeLabels, controllerKey, joinHostPort, ownerMetadata, podLabels, type LabelSet, type OwnerMetadata,
} from './labels.js';
import type { KubernetesSDMetrics } from './metrics.js';
import { RoleQueue, emptyGroup } from './role.js';

export interface PodRoleInformers {
  pods: Informer<Pod>;
  nodes: Informer<Node> | null;
  namespaces: Informer<MetadataOnly> | null;
  replicaSets: Informer<MetadataOnly> | null;
  jobs: Informer<MetadataOnly> | null;
}

export const NODE_INDEX = 'node';
export const NAMESPACE_INDEX = 'namespace';
const REPLICASET_INDEX = 'replicaset';
const JOB_INDEX = 'job';

export class PodRole extends RoleQueue {
  readonly #inf: PodRoleInformers;
  readonly #owners: OwnerMetadata;

  constructor(inf: PodRoleInformers, attach: { job: boolean; cronjob: boolean }, metrics: KubernetesSDMetrics) {
    super(metrics.queue('pod'));
    this.#inf = inf;
    this.#owners = ownerMetadata(inf.replicaSets, attach.cronjob ? inf.jobs : null, attach.job);
    const pods = inf.pods;
    const add = metrics.event('pod', 'add'), upd = metrics.event('pod', 'update'), del = metrics.event('pod', 'delete');
    pods.addHandlers({
      add: (p) => { add.inc(); this.enqueueAll([p]); },
      update: (_o, p) => { upd.inc(); this.enqueueAll([p]); },
      delete: (p) => { del.inc(); this.enqueueAll([p]); },
    });
    if (inf.nodes !== null) {
      pods.addIndex(NODE_INDEX, (p) => [p.spec.nodeName]);
      const forNode = (n: Node): void => { this.enqueueAll(pods.byIndex(NODE_INDEX, n.metadata.name)); };
      inf.nodes.addHandlers({ add: forNode, update: (_o, n) => { forNode(n); }, delete: forNode });
    }
    if (inf.namespaces !== null) {
      pods.addIndex(NAMESPACE_INDEX, (p) => [p.metadata.namespace]);
      // A namespace's creation and deletion come with its pods' own events.
      inf.namespaces.addHandlers({ update: (_o, ns) => { this.enqueueAll(pods.byIndex(NAMESPACE_INDEX, ns.metadata.name)); } });
    }
    if (inf.replicaSets !== null) {
      pods.addIndex(REPLICASET_INDEX, (p) => controllerKey(p, 'ReplicaSet'));
      const forRS = (rs: MetadataOnly): void => { this.enqueueAll(pods.byIndex(REPLICASET_INDEX, `${rs.metadata.namespace}/${rs.metadata.name}`)); };
      inf.replicaSets.addHandlers({ add: forRS, update: (_o, rs) => { forRS(rs); }, delete: forRS });
    }
    if (inf.jobs !== null) {
      pods.addIndex(JOB_INDEX, (p) => controllerKey(p, 'Job'));
      const forJob = (j: MetadataOnly): void => { this.enqueueAll(pods.byIndex(JOB_INDEX, `${j.metadata.namespace}/${j.metadata.name}`)); };
      inf.jobs.addHandlers({ add: forJob, update: (_o, j) => { forJob(j); }, delete: forJob });
    }
    this.waitFor(pods, inf.nodes, inf.namespaces, inf.replicaSets, inf.jobs);
  }

  protected build(key: string): TargetGroup {
    const pod = this.#inf.pods.get(key);
    if (pod === undefined) return emptyGroup(`pod/${key}`);
    return buildPodGroup(pod, this.#inf.nodes, this.#inf.namespaces, this.#owners);
  }
}

export function buildPodGroup(pod: Pod, nodes: Informer<Node> | null, namespaces: Informer<MetadataOnly> | null, owners: OwnerMetadata): TargetGroup {
  const tg = emptyGroup(`pod/${pod.metadata.namespace}/${pod.metadata.name}`);
  // No IP: the pod is starting or was evicted.
  if (pod.status.podIP === '') return tg;
  if (nodes !== null && nodes.get(pod.spec.nodeName) === undefined) return tg;
  const labels = podLabels(pod, owners);
  labels[NAMESPACE_LABEL] = pod.metadata.namespace;
  if (nodes !== null) addNodeLabels(labels, (k) => nodes.get(k), pod.spec.nodeName);
  if (namespaces !== null) addNamespaceLabels(labels, (k) => namespaces.get(k), pod.metadata.namespace);
  tg.labels = labels;
  const all = pod.spec.containers.length + pod.spec.initContainers.length;
  for (let i = 0; i < all; i++) {
    const isInit = i >= pod.spec.containers.length;
    const c: Container = isInit ? pod.spec.initContainers[i - pod.spec.containers.length]! : pod.spec.containers[i]!;
    const id = containerID(isInit ? pod.status.initContainerStatuses : pod.status.containerStatuses, c.name);
    if (c.ports.length === 0) {
      // No port: the address is the pod IP alone, for relabeling to add one.
      tg.targets.push({
        __address__: pod.status.podIP,
        [`${META}pod_container_name`]: c.name,
        [`${META}pod_container_id`]: id,
        [`${META}pod_container_image`]: c.image,
        [`${META}pod_container_init`]: String(isInit),
      });
      continue;
    }
    for (const p of c.ports) {
      const t: LabelSet = {
        __address__: joinHostPort(pod.status.podIP, p.containerPort),
        [`${META}pod_container_name`]: c.name,
        [`${META}pod_container_id`]: id,
        [`${META}pod_container_image`]: c.image,
        [`${META}pod_container_port_number`]: String(p.containerPort),
        [`${META}pod_container_port_name`]: p.name,
        [`${META}pod_container_port_protocol`]: p.protocol,
        [`${META}pod_container_init`]: String(isInit),
      };
      tg.targets.push(t);
    }
  }
  return tg;
}

function containerID(statuses: readonly { name: string; containerID: string }[], name: string): string {
  for (const s of statuses) if (s.name === name) return s.containerID;
  return '';
}
