/**
 * The labels of Docker networks, shared by docker (`__meta_docker_network_*`) and
 * dockerswarm (`__meta_dockerswarm_network_*`) discovery: id, name, scope, internal, ingress
 * and the network's labels, keyed by network id.
 */
import type { DockerClient } from './client.js';
import { bool, obj, str, strMap } from './json.js';
import { sanitizeLabelName, type LabelSet } from './labels.js';

export async function networkLabels(c: DockerClient, prefix: string, signal: AbortSignal): Promise<Map<string, LabelSet>> {
  const items = await c.list('/networks', null, signal, 'networks');
  const out = new Map<string, LabelSet>();
  for (const item of items) {
    const n = obj(item);
    const id = str(n, 'Id');
    const ls: LabelSet = {
      [`${prefix}network_id`]: id,
      [`${prefix}network_name`]: str(n, 'Name'),
      [`${prefix}network_scope`]: str(n, 'Scope'),
      [`${prefix}network_internal`]: String(bool(n, 'Internal')),
      [`${prefix}network_ingress`]: String(bool(n, 'Ingress')),
    };
    for (const [k, v] of strMap(n, 'Labels')) ls[`${prefix}network_label_${sanitizeLabelName(k)}`] = v;
    out.set(id, ls);
  }
  return out;
}
