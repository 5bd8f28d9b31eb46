/**
 * Test support: Kubernetes objects as the API serves them (JSON), built from a few fields,
 * for the fake API server; and a Kubernetes SD config with Prometheus's defaults.
 */
import type { KubernetesRole, KubernetesSDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';

type JSONObject = Record<string, unknown>;

export interface PodSpec {
  ns?: string;
  name: string;
  ip?: string;
  node?: string;
  hostIP?: string;
  phase?: string;
  ready?: 'True' | 'False' | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers?: { name: string; image?: string; ports?: { name?: string; port: number; protocol?: string }[] }[];
  initContainers?: { name: string; image?: string; ports?: { name?: string; port: number; protocol?: string }[] }[];
  controller?: { kind: string; name: string };
}

function containers(cs: PodSpec['containers']): JSONObject[] {
  return (cs ?? []).map((c) => ({
    name: c.name,
    image: c.image ?? `registry.example/${c.name}:1`,
    ...(c.ports !== undefined ? { ports: c.ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), containerPort: p.port, protocol: p.protocol ?? 'TCP' })) } : {}),
  }));
}

export function pod(p: PodSpec): JSONObject {
  const ns = p.ns ?? 'default';
  const statuses = (cs: PodSpec['containers']): JSONObject[] => (cs ?? []).map((c) => ({ name: c.name, containerID: `containerd://${ns}-${p.name}-${c.name}`, ready: true }));
  return {
    metadata: {
      name: p.name, namespace: ns,
      ...(p.labels !== undefined ? { labels: p.labels } : {}),
      ...(p.annotations !== undefined ? { annotations: p.annotations } : {}),
      ...(p.controller !== undefined ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: p.controller.kind, name: p.controller.name, uid: `uid-${p.controller.name}`, controller: true }] } : {}),
    },
    spec: {
      ...(p.node !== undefined ? { nodeName: p.node } : {}),
      containers: containers(p.containers ?? [{ name: 'main', ports: [{ name: 'http', port: 8080 }] }]),
      ...(p.initContainers !== undefined ? { initContainers: containers(p.initContainers) } : {}),
    },
    status: {
      phase: p.phase ?? 'Running',
      ...(p.ip !== undefined ? { podIP: p.ip, podIPs: [{ ip: p.ip }] } : {}),
      ...(p.hostIP !== undefined ? { hostIP: p.hostIP } : {}),
      ...(p.ready !== null ? { conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: p.ready ?? 'True' }] } : {}),
      containerStatuses: statuses(p.containers ?? [{ name: 'main' }]),
      ...(p.initContainers !== undefined ? { initContainerStatuses: statuses(p.initContainers) } : {}),
    },
  };
}

export function node(name: string, o: { addresses?: [string, string][]; labels?: Record<string, string>; annotations?: Record<string, string>; port?: number; providerID?: string } = {}): JSONObject {
  return {
    metadata: { name, ...(o.labels !== undefined ? { labels: o.labels } : {}), ...(o.annotations !== undefined ? { annotations: o.annotations } : {}) },
    spec: { ...(o.providerID !== undefined ? { providerID: o.providerID } : {}) },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }, { type: 'DiskPressure', status: 'False' }],
      addresses: (o.addresses ?? [['InternalIP', '10.0.0.1'], ['Hostname', name]]).map(([type, address]) => ({ type, address })),
      daemonEndpoints: { kubeletEndpoint: { Port: o.port ?? 10250 } },
    },
  };
}

export function service(ns: string, name: string, o: {
  type?: string; clusterIP?: string; externalName?: string; ports?: { name?: string; port: number; protocol?: string }[];
  labels?: Record<string, string>; annotations?: Record<string, string>; lbIPs?: string[]; dualStack?: string[];
} = {}): JSONObject {
  const type = o.type ?? 'ClusterIP';
  return {
    metadata: { name, namespace: ns, ...(o.labels !== undefined ? { labels: o.labels } : {}), ...(o.annotations !== undefined ? { annotations: o.annotations } : {}) },
    spec: {
      type,
      ...(type !== 'ExternalName' ? { clusterIP: o.clusterIP ?? '10.96.0.10' } : { externalName: o.externalName ?? 'db.example.com' }),
      ports: (o.ports ?? [{ name: 'http', port: 80 }]).map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP' })),
      ...(o.dualStack !== undefined ? { ipFamilyPolicy: 'PreferDualStack', ipFamilies: o.dualStack } : {}),
    },
    status: { loadBalancer: o.lbIPs !== undefined ? { ingress: o.lbIPs.map((ip) => ({ ip })) } : {} },
  };
}

export interface EndpointAddressSpec {
  ip: string;
  pod?: string;
  node?: string;
  hostname?: string;
}

function address(ns: string, a: EndpointAddressSpec): JSONObject {
  return {
    ip: a.ip,
    ...(a.hostname !== undefined ? { hostname: a.hostname } : {}),
    ...(a.node !== undefined ? { nodeName: a.node } : {}),
    ...(a.pod !== undefined ? { targetRef: { kind: 'Pod', namespace: ns, name: a.pod, uid: `uid-pods-${ns}-${a.pod}` } } : {}),
  };
}

export function endpoints(ns: string, name: string, subsets: { ready?: EndpointAddressSpec[]; notReady?: EndpointAddressSpec[]; ports: { name?: string; port: number; protocol?: string }[] }[], labels?: Record<string, string>): JSONObject {
  return {
    metadata: { name, namespace: ns, ...(labels !== undefined ? { labels } : {}) },
    subsets: subsets.map((s) => ({
      ...(s.ready !== undefined ? { addresses: s.ready.map((a) => address(ns, a)) } : {}),
      ...(s.notReady !== undefined ? { notReadyAddresses: s.notReady.map((a) => address(ns, a)) } : {}),
      ports: s.ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP' })),
    })),
  };
}

export function endpointSlice(ns: string, name: string, o: {
  service?: string; addressType?: string;
  endpoints: { addresses: string[]; ready?: boolean; serving?: boolean; terminating?: boolean; pod?: string; node?: string; zone?: string; hostname?: string }[];
  ports: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
}): JSONObject {
  return {
    metadata: { name, namespace: ns, ...(o.service !== undefined ? { labels: { 'kubernetes.io/service-name': o.service } } : {}) },
    addressType: o.addressType ?? 'IPv4',
    endpoints: o.endpoints.map((e) => ({
      addresses: e.addresses,
      conditions: {
        ...(e.ready !== undefined ? { ready: e.ready } : {}),
        ...(e.serving !== undefined ? { serving: e.serving } : {}),
        ...(e.terminating !== undefined ? { terminating: e.terminating } : {}),
      },
      ...(e.hostname !== undefined ? { hostname: e.hostname } : {}),
      ...(e.pod !== undefined ? { targetRef: { kind: 'Pod', namespace: ns, name: e.pod } } : {}),
      ...(e.node !== undefined ? { nodeName: e.node } : {}),
      ...(e.zone !== undefined ? { zone: e.zone } : {}),
    })),
    ports: o.ports.map((p) => ({
      ...(p.name !== undefined ? { name: p.name } : {}),
      ...(p.port !== undefined ? { port: p.port } : {}),
      ...(p.protocol !== undefined ? { protocol: p.protocol } : {}),
      ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}),
    })),
  };
}

export function ingress(ns: string, name: string, o: { className?: string; rules: { host: string; paths?: string[] | null }[]; tls?: string[][]; labels?: Record<string, string> }): JSONObject {
  return {
    metadata: { name, namespace: ns, ...(o.labels !== undefined ? { labels: o.labels } : {}) },
    spec: {
      ...(o.className !== undefined ? { ingressClassName: o.className } : {}),
      rules: o.rules.map((r) => ({
        host: r.host,
        ...(r.paths !== null ? { http: { paths: (r.paths ?? ['/']).map((p) => ({ path: p, pathType: 'Prefix', backend: { service: { name: 'svc', port: { number: 80 } } } })) } } : {}),
      })),
      ...(o.tls !== undefined ? { tls: o.tls.map((hosts) => ({ hosts, secretName: 'tls' })) } : {}),
    },
  };
}

export function namespace(name: string, labels?: Record<string, string>, annotations?: Record<string, string>): JSONObject {
  return { metadata: { name, ...(labels !== undefined ? { labels } : {}), ...(annotations !== undefined ? { annotations } : {}) } };
}

export function owned(ns: string, name: string, controller?: { kind: string; name: string }): JSONObject {
  return {
    metadata: {
      name, namespace: ns,
      ...(controller !== undefined ? { ownerReferences: [{ kind: controller.kind, name: controller.name, controller: true }] } : {}),
    },
  };
}

/** A Kubernetes SD config with Prometheus's defaults, against `server`. */
export function sdConfig(server: string, role: KubernetesRole, o: Partial<Omit<KubernetesSDConfig, 'api_server' | 'role'>> & { token?: string } = {}): KubernetesSDConfig {
  const { token, ...rest } = o;
  return {
    api_server: server, role, kubeconfig_file: '',
    http_client: defaultHTTPClientConfig(token !== undefined ? { bearer_token: token as Secret } : {}),
    namespaces: { own_namespace: false, names: [] },
    selectors: [],
    attach_metadata: { node: false, namespace: false, deployment: false, job: false, cronjob: false },
    ...rest,
  };
}
