/**
 * The Kubernetes objects Kubernetes SD reads, decoded from the API's JSON into just the fields
 * the roles use. Absent or wrongly typed fields take Go's zero value (`""`, `0`, `[]`, `false`);
 * fields that are pointers in the Go API types (and so have a distinct "unset") are `null`
 * when unset, because the labels a role builds differ between unset and zero.
 */

export interface OwnerReference {
  kind: string;
  name: string;
  controller: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ownerReferences: OwnerReference[];
}

/** What every stored object has. */
export interface KubeObject {
  metadata: ObjectMeta;
}

export interface ContainerPort {
  name: string;
  containerPort: number;
  protocol: string;
}

export interface Container {
  name: string;
  image: string;
  ports: ContainerPort[];
}

export interface Pod extends KubeObject {
  spec: { nodeName: string; containers: Container[]; initContainers: Container[] };
  status: {
    phase: string;
    podIP: string;
    hostIP: string;
    conditions: { type: string; status: string }[];
    containerStatuses: { name: string; containerID: string }[];
    initContainerStatuses: { name: string; containerID: string }[];
  };
}

export interface Node extends KubeObject {
  spec: { providerID: string };
  status: {
    conditions: { type: string; status: string }[];
    addresses: { type: string; address: string }[];
    /** `status.daemonEndpoints.kubeletEndpoint.Port` (capitalised in the API). */
    kubeletPort: number;
  };
}

export interface ServicePort {
  name: string;
  port: number;
  protocol: string;
}

export interface Service extends KubeObject {
  spec: {
    type: string;
    clusterIP: string;
    externalName: string;
    loadBalancerIP: string;
    ports: ServicePort[];
    ipFamilyPolicy: string | null;
    ipFamilies: string[];
  };
  status: { loadBalancerIngressIPs: string[] };
}

export interface ObjectReference {
  kind: string;
  name: string;
  namespace: string;
}

export interface EndpointAddress {
  ip: string;
  hostname: string;
  nodeName: string | null;
  targetRef: ObjectReference | null;
}

export interface EndpointPort {
  name: string;
  port: number;
  protocol: string;
}

export interface Endpoints extends KubeObject {
  subsets: { addresses: EndpointAddress[]; notReadyAddresses: EndpointAddress[]; ports: EndpointPort[] }[];
}

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean | null; serving: boolean | null; terminating: boolean | null };
  hostname: string | null;
  targetRef: ObjectReference | null;
  nodeName: string | null;
  zone: string | null;
  deprecatedTopology: Record<string, string>;
}

export interface SlicePort {
  name: string | null;
  protocol: string | null;
  port: number | null;
  appProtocol: string | null;
}

export interface EndpointSlice extends KubeObject {
  addressType: string;
  endpoints: SliceEndpoint[];
  ports: SlicePort[];
}

export interface IngressRule {
  host: string;
  /** The rule's HTTP paths; null when the rule has no `http` value (which means one path "/"). */
  paths: string[] | null;
}

export interface Ingress extends KubeObject {
  spec: { ingressClassName: string | null; rules: IngressRule[]; tlsHosts: string[][] };
}

/** Namespaces, ReplicaSets and Jobs: only their metadata is read. */
export type MetadataOnly = KubeObject;

type JSONObject = Record<string, unknown>;

function obj(v: unknown): JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONObject : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

function boolOrNull(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val;
  return out;
}

export function decodeObjectMeta(v: unknown): ObjectMeta {
  const m = obj(v);
  return {
    name: str(m['name']),
    namespace: str(m['namespace']),
    uid: str(m['uid']),
    resourceVersion: str(m['resourceVersion']),
    labels: strMap(m['labels']),
    annotations: strMap(m['annotations']),
    ownerReferences: arr(m['ownerReferences']).map((r) => {
      const o = obj(r);
      return { kind: str(o['kind']), name: str(o['name']), controller: o['controller'] === true };
    }),
  };
}

function decodeContainers(v: unknown): Container[] {
  return arr(v).map((c) => {
    const o = obj(c);
    return {
      name: str(o['name']),
      image: str(o['image']),
      ports: arr(o['ports']).map((p) => {
        const po = obj(p);
        return { name: str(po['name']), containerPort: num(po['containerPort']), protocol: str(po['protocol']) };
      }),
    };
  });
}

function decodeStatuses(v: unknown): { name: string; containerID: string }[] {
  return arr(v).map((s) => ({ name: str(obj(s)['name']), containerID: str(obj(s)['containerID']) }));
}

function decodeConditions(v: unknown): { type: string; status: string }[] {
  return arr(v).map((c) => ({ type: str(obj(c)['type']), status: str(obj(c)['status']) }));
}

export function decodePod(v: unknown): Pod {
  const o = obj(v), spec = obj(o['spec']), status = obj(o['status']);
  return {
    metadata: decodeObjectMeta(o['metadata']),
    spec: { nodeName: str(spec['nodeName']), containers: decodeContainers(spec['containers']), initContainers: decodeContainers(spec['initContainers']) },
    status: {
      phase: str(status['phase']),
      podIP: str(status['podIP']),
      hostIP: str(status['hostIP']),
      conditions: decodeConditions(status['conditions']),
      containerStatuses: decodeStatuses(status['containerStatuses']),
      initContainerStatuses: decodeStatuses(status['initContainerStatuses']),
    },
  };
}

export function decodeNode(v: unknown): Node {
  const o = obj(v), status = obj(o['status']);
  return {
    metadata: decodeObjectMeta(o['metadata']),
    spec: { providerID: str(obj(o['spec'])['providerID']) },
    status: {
      conditions: decodeConditions(status['conditions']),
      addresses: arr(status['addresses']).map((a) => ({ type: str(obj(a)['type']), address: str(obj(a)['address']) })),
      kubeletPort: num(obj(obj(status['daemonEndpoints'])['kubeletEndpoint'])['Port']),
    },
  };
}

export function decodeService(v: unknown): Service {
  const o = obj(v), spec = obj(o['spec']);
  return {
    metadata: decodeObjectMeta(o['metadata']),
    spec: {
      type: str(spec['type']),
      clusterIP: str(spec['clusterIP']),
      externalName: str(spec['externalName']),
      loadBalancerIP: str(spec['loadBalancerIP']),
      ports: arr(spec['ports']).map((p) => ({ name: str(obj(p)['name']), port: num(obj(p)['port']), protocol: str(obj(p)['protocol']) })),
      ipFamilyPolicy: strOrNull(spec['ipFamilyPolicy']),
      ipFamilies: arr(spec['ipFamilies']).map(str),
    },
    status: { loadBalancerIngressIPs: arr(obj(obj(o['status'])['loadBalancer'])['ingress']).map((i) => str(obj(i)['ip'])) },
  };
}

function decodeRef(v: unknown): ObjectReference | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as JSONObject;
  return { kind: str(o['kind']), name: str(o['name']), namespace: str(o['namespace']) };
}

function decodeAddresses(v: unknown): EndpointAddress[] {
  return arr(v).map((a) => {
    const o = obj(a);
    return { ip: str(o['ip']), hostname: str(o['hostname']), nodeName: strOrNull(o['nodeName']), targetRef: decodeRef(o['targetRef']) };
  });
}

export function decodeEndpoints(v: unknown): Endpoints {
  const o = obj(v);
  return {
    metadata: decodeObjectMeta(o['metadata']),
    subsets: arr(o['subsets']).map((s) => {
      const so = obj(s);
      return {
        addresses: decodeAddresses(so['addresses']),
        notReadyAddresses: decodeAddresses(so['notReadyAddresses']),
        ports: arr(so['ports']).map((p) => ({ name: str(obj(p)['name']), port: num(obj(p)['port']), protocol: str(obj(p)['protocol']) })),
      };
    }),
  };
}

export function decodeEndpointSlice(v: unknown): EndpointSlice {
  const o = obj(v);
  return {
    metadata: decodeObjectMeta(o['metadata']),
    addressType: str(o['addressType']),
    endpoints: arr(o['endpoints']).map((e) => {
      const eo = obj(e), c = obj(eo['conditions']);
      return {
        addresses: arr(eo['addresses']).map(str),
        conditions: { ready: boolOrNull(c['ready']), serving: boolOrNull(c['serving']), terminating: boolOrNull(c['terminating']) },
        hostname: strOrNull(eo['hostname']),
        targetRef: decodeRef(eo['targetRef']),
        nodeName: strOrNull(eo['nodeName']),
        zone: strOrNull(eo['zone']),
        deprecatedTopology: strMap(eo['deprecatedTopology']),
      };
    }),
    ports: arr(o['ports']).map((p) => {
      const po = obj(p);
      return {
        name: strOrNull(po['name']),
        protocol: strOrNull(po['protocol']),
        port: typeof po['port'] === 'number' ? num(po['port']) : null,
        appProtocol: strOrNull(po['appProtocol']),
      };
    }),
  };
}

export function decodeIngress(v: unknown): Ingress {
  const o = obj(v), spec = obj(o['spec']);
  return {
    metadata: decodeObjectMeta(o['metadata']),
    spec: {
      ingressClassName: strOrNull(spec['ingressClassName']),
      rules: arr(spec['rules']).map((r) => {
        const ro = obj(r);
        const http = ro['http'];
        const paths = typeof http === 'object' && http !== null && !Array.isArray(http)
          ? arr((http as JSONObject)['paths']).map((p) => str(obj(p)['path']))
          : null;
        return { host: str(ro['host']), paths };
      }),
      tlsHosts: arr(spec['tls']).map((t) => arr(obj(t)['hosts']).map(str)),
    },
  };
}

export function decodeMetadataOnly(v: unknown): MetadataOnly {
  return { metadata: decodeObjectMeta(obj(v)['metadata']) };
}

/** The store key of an object, as client-go's namespace key function makes it: `ns/name`, or `name` when cluster-scoped. */
export function objectKey(m: ObjectMeta): string {
  return m.namespace !== '' ? `${m.namespace}/${m.name}` : m.name;
}

/** The owner reference marked as controller, if any. */
export function controllerOf(m: ObjectMeta): OwnerReference | null {
  for (const r of m.ownerReferences) if (r.controller) return r;
  return null;
}
