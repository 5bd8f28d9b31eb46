/**
 * Label helpers shared by the roles: the `__meta_kubernetes_` prefix, object names, labels and
 * annotations (with their `*present_` twins), attached node and namespace metadata, and the
 * pod labels that pod-backed endpoints carry too.
 */
import { controllerOf, objectKey, type KubeObject, type MetadataOnly, type Node, type ObjectMeta, type Pod } from './api-types.js';

export type LabelSet = Record<string, string>;

export const META = '__meta_kubernetes_';
export const NAMESPACE_LABEL = `${META}namespace`;

/** Replaces every character outside `[a-zA-Z0-9_]` with `_`, as Prometheus sanitizes label names. */
export function sanitizeLabelName(s: string): string {
  return s.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** `host:port`, bracketing IPv6 hosts (Go's net.JoinHostPort). */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Adds `<resource>_label_*`, `_labelpresent_*`, `_annotation_*`, `_annotationpresent_*`. */
export function addLabelsAndAnnotations(ls: LabelSet, m: ObjectMeta, resource: string): void {
  for (const [k, v] of Object.entries(m.labels)) {
    const n = sanitizeLabelName(k);
    ls[`${META}${resource}_label_${n}`] = v;
    ls[`${META}${resource}_labelpresent_${n}`] = 'true';
  }
  for (const [k, v] of Object.entries(m.annotations)) {
    const n = sanitizeLabelName(k);
    ls[`${META}${resource}_annotation_${n}`] = v;
    ls[`${META}${resource}_annotationpresent_${n}`] = 'true';
  }
}

/** Adds `<role>_name` and the object's labels and annotations. */
export function addObjectMetaLabels(ls: LabelSet, m: ObjectMeta, role: string): void {
  ls[`${META}${role}_name`] = m.name;
  addLabelsAndAnnotations(ls, m, role);
}

/** A store lookup: an informer's `get`. */
export type Lookup<T> = (key: string) => T | undefined;

/** Adds the labels of node `name` (`node_name`, `node_label_*`, ...) when the node is known. */
export function addNodeLabels(ls: LabelSet, nodes: Lookup<Node>, name: string | null): void {
  if (name === null) return;
  const n = nodes(name);
  if (n !== undefined) addObjectMetaLabels(ls, n.metadata, 'node');
}

/** Adds the labels and annotations of namespace `ns` (`namespace_label_*`, ...) when it is known. */
export function addNamespaceLabels(ls: LabelSet, namespaces: Lookup<MetadataOnly>, ns: string): void {
  const n = namespaces(ns);
  if (n !== undefined) addLabelsAndAnnotations(ls, n.metadata, 'namespace');
}

/** What pod labels may take from the pod's owners (`attach_metadata` deployment/job/cronjob). */
export interface OwnerMetadata {
  /** ReplicaSets by `ns/name`, when deployment metadata is attached. */
  replicaSets: Lookup<MetadataOnly> | null;
  /** Jobs by `ns/name`, when cronjob metadata is attached. */
  jobs: Lookup<MetadataOnly> | null;
  withJob: boolean;
}

/** No owner metadata attached. */
export const NO_OWNERS: OwnerMetadata = { replicaSets: null, jobs: null, withJob: false };

/** Owner metadata read from these stores (null: that metadata is not attached). */
export function ownerMetadata(replicaSets: { get(key: string): MetadataOnly | undefined } | null, jobs: { get(key: string): MetadataOnly | undefined } | null, withJob: boolean): OwnerMetadata {
  return {
    replicaSets: replicaSets !== null ? (k) => replicaSets.get(k) : null,
    jobs: jobs !== null ? (k) => jobs.get(k) : null,
    withJob,
  };
}

/** The labels of a pod that every target backed by it carries. */
export function podLabels(pod: Pod, owners: OwnerMetadata): LabelSet {
  const ls: LabelSet = {
    [`${META}pod_ip`]: pod.status.podIP,
    [`${META}pod_ready`]: podReady(pod),
    [`${META}pod_phase`]: pod.status.phase,
    [`${META}pod_node_name`]: pod.spec.nodeName,
    [`${META}pod_host_ip`]: pod.status.hostIP,
    [`${META}pod_uid`]: pod.metadata.uid,
  };
  addObjectMetaLabels(ls, pod.metadata, 'pod');
  const ctl = controllerOf(pod.metadata);
  if (ctl === null) return ls;
  if (ctl.kind !== '') ls[`${META}pod_controller_kind`] = ctl.kind;
  if (ctl.name !== '') ls[`${META}pod_controller_name`] = ctl.name;
  const ownerKey = `${pod.metadata.namespace}/${ctl.name}`;
  switch (ctl.kind) {
    case 'ReplicaSet': {
      const rs = owners.replicaSets?.(ownerKey);
      const dep = rs !== undefined ? controllerOf(rs.metadata) : null;
      if (dep !== null && dep.kind === 'Deployment') ls[`${META}pod_deployment_name`] = dep.name;
      break;
    }
    case 'Job': {
      if (owners.withJob) ls[`${META}pod_job_name`] = ctl.name;
      const job = owners.jobs?.(ownerKey);
      const cron = job !== undefined ? controllerOf(job.metadata) : null;
      if (cron !== null && cron.kind === 'CronJob') ls[`${META}pod_cronjob_name`] = cron.name;
      break;
    }
    default:
      break;
  }
  return ls;
}

/** The pod's Ready condition in lower case; "unknown" without one. */
export function podReady(pod: Pod): string {
  for (const c of pod.status.conditions) if (c.type === 'Ready') return c.status.toLowerCase();
  return 'unknown';
}

/** `ns/name` of a pod's controller of the given kind, for indexes. */
export function controllerKey(o: KubeObject, kind: string): string[] {
  const c = controllerOf(o.metadata);
  return c !== null && c.kind === kind ? [`${o.metadata.namespace}/${c.name}`] : [];
}

export { objectKey };
