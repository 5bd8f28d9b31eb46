/**
 * For the endpoints and endpointslice roles: the container ports of pods behind an endpoint
 * that no endpoint port covers become targets of their own, with the pod's labels.
 */
import type { TargetGroup } from '../interface.js';
import type { Pod } from './api-types.js';
import { META, joinHostPort, podLabels, type OwnerMetadata } from './labels.js';

export interface SeenPod {
  pod: Pod;
  /** The endpoint ports already made targets for this pod (null: a port without a number). */
  ports: (number | null)[];
}

export function addUnboundPodPorts(tg: TargetGroup, seen: ReadonlyMap<string, SeenPod>, owners: OwnerMetadata): void {
  for (const { pod, ports } of seen.values()) {
    if (pod.status.podIP === '') continue;
    const containers = pod.spec.containers.concat(pod.spec.initContainers);
    for (let i = 0; i < containers.length; i++) {
      const c = containers[i]!;
      for (const cp of c.ports) {
        if (ports.includes(cp.containerPort)) continue;
        const t = {
          __address__: joinHostPort(pod.status.podIP, cp.containerPort),
          [`${META}pod_container_name`]: c.name,
          [`${META}pod_container_image`]: c.image,
          [`${META}pod_container_port_name`]: cp.name,
          [`${META}pod_container_port_number`]: String(cp.containerPort),
          [`${META}pod_container_port_protocol`]: cp.protocol,
          [`${META}pod_container_init`]: String(i >= pod.spec.containers.length),
        };
        tg.targets.push(Object.assign(t, podLabels(pod, owners)));
      }
    }
  }
}
