/**
 * The API resources Kubernetes SD lists and watches: where each lives in the API and how its
 * objects decode. Namespaced resources are read across all namespaces or in one.
 */
import {
  decodeEndpointSlice, decodeEndpoints, decodeIngress, decodeMetadataOnly, decodeNode, decodePod, decodeService,
  type EndpointSlice, type Endpoints, type Ingress, type KubeObject, type MetadataOnly, type Node, type Pod, type Service,
} from './api-types.js';

export interface Resource<T extends KubeObject> {
  /** The plural name in URLs (`pods`). */
  readonly plural: string;
  /** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
  readonly groupPath: string;
  readonly namespaced: boolean;
  /** The Go type client-go names in its errors (`*v1.Pod`). */
  readonly goType: string;
  readonly decode: (raw: unknown) => T;
}

export const PODS: Resource<Pod> = { plural: 'pods', groupPath: '/api/v1', namespaced: true, goType: '*v1.Pod', decode: decodePod };
export const NODES: Resource<Node> = { plural: 'nodes', groupPath: '/api/v1', namespaced: false, goType: '*v1.Node', decode: decodeNode };
export const SERVICES: Resource<Service> = { plural: 'services', groupPath: '/api/v1', namespaced: true, goType: '*v1.Service', decode: decodeService };
export const ENDPOINTS: Resource<Endpoints> = { plural: 'endpoints', groupPath: '/api/v1', namespaced: true, goType: '*v1.Endpoints', decode: decodeEndpoints };
export const NAMESPACES: Resource<MetadataOnly> = { plural: 'namespaces', groupPath: '/api/v1', namespaced: false, goType: '*v1.Namespace', decode: decodeMetadataOnly };
export const ENDPOINT_SLICES: Resource<EndpointSlice> = {
  plural: 'endpointslices', groupPath: '/apis/discovery.k8s.io/v1', namespaced: true, goType: '*v1.EndpointSlice', decode: decodeEndpointSlice,
};
export const INGRESSES: Resource<Ingress> = { plural: 'ingresses', groupPath: '/apis/networking.k8s.io/v1', namespaced: true, goType: '*v1.Ingress', decode: decodeIngress };
export const REPLICA_SETS: Resource<MetadataOnly> = { plural: 'replicasets', groupPath: '/apis/apps/v1', namespaced: true, goType: '*v1.ReplicaSet', decode: decodeMetadataOnly };
export const JOBS: Resource<MetadataOnly> = { plural: 'jobs', groupPath: '/apis/batch/v1', namespaced: true, goType: '*v1.Job', decode: decodeMetadataOnly };

/** The collection path of `r`, in namespace `ns` ("" for all namespaces, or for a cluster-scoped resource). */
export function collectionPath(r: Resource<KubeObject>, ns: string): string {
  if (r.namespaced && ns !== '') return `${r.groupPath}/namespaces/${encodeURIComponent(ns)}/${r.plural}`;
  return `${r.groupPath}/${r.plural}`;
}
