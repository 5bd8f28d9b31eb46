/**
 * The dockerswarm `services` role: one target per virtual IP of a service and published TCP
 * port (on the published port), or on the config's port when the service publishes none.
 */
import { has, list, num, obj, str, strMap, type JSONObject } from './json.js';
import { cidrAddress, joinHostPort, sanitizeLabelName, type LabelSet } from './labels.js';
import { SWARM_META } from './nodes.js';

const SERVICE = `${SWARM_META}service_`;

/** `global`, `replicated`, or "" for other modes. */
function serviceMode(spec: JSONObject): string {
  const mode = obj(spec['Mode']);
  if (has(mode, 'Global')) return 'global';
  if (has(mode, 'Replicated')) return 'replicated';
  return '';
}

/** The labels of a service that its tasks carry too. */
function baseServiceLabels(s: JSONObject): LabelSet {
  const spec = obj(s['Spec']);
  const ls: LabelSet = {
    [`${SERVICE}id`]: str(s, 'ID'),
    [`${SERVICE}name`]: str(spec, 'Name'),
    [`${SERVICE}mode`]: serviceMode(spec),
  };
  for (const [k, v] of strMap(spec, 'Labels')) ls[`${SERVICE}label_${sanitizeLabelName(k)}`] = v;
  return ls;
}

/** Parses a virtual IP or attachment address (`10.0.0.7/24`), failing as Prometheus does. */
export function addressOf(cidr: string): string {
  try {
    return cidrAddress(cidr);
  } catch (e) {
    throw new Error(`error while parsing address ${cidr}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

export function serviceTargets(services: readonly unknown[], networks: ReadonlyMap<string, LabelSet>, port: number): LabelSet[] {
  const out: LabelSet[] = [];
  for (const item of services) {
    const s = obj(item);
    const common = baseServiceLabels(s);
    const task = obj(obj(s['Spec'])['TaskTemplate']);
    // Only services running containers have a container spec (not plugins or attachments).
    if (has(task, 'ContainerSpec')) {
      const cs = obj(task['ContainerSpec']);
      common[`${SERVICE}task_container_hostname`] = str(cs, 'Hostname');
      common[`${SERVICE}task_container_image`] = str(cs, 'Image');
    }
    if (has(s, 'UpdateStatus')) common[`${SERVICE}updating_status`] = str(obj(s['UpdateStatus']), 'State');
    const endpoint = obj(s['Endpoint']);
    const ports = list(endpoint, 'Ports');
    for (const vipItem of list(endpoint, 'VirtualIPs')) {
      const vip = obj(vipItem);
      const ip = addressOf(str(vip, 'Addr'));
      const netLabels = networks.get(str(vip, 'NetworkID'));
      let added = false;
      for (const pv of ports) {
        const p = obj(pv);
        if (str(p, 'Protocol') !== 'tcp') continue;
        const ls: LabelSet = {
          [`${SERVICE}endpoint_port_name`]: str(p, 'Name'),
          [`${SERVICE}endpoint_port_publish_mode`]: str(p, 'PublishMode'),
        };
        Object.assign(ls, common, netLabels);
        ls['__address__'] = joinHostPort(ip, num(p, 'PublishedPort'));
        out.push(ls);
        added = true;
      }
      if (!added) {
        const ls: LabelSet = { ...common, ...netLabels };
        ls['__address__'] = joinHostPort(ip, port);
        out.push(ls);
      }
    }
  }
  return out;
}

/** Service labels and published ports by service id, for tasks. */
export function servicesByID(services: readonly unknown[]): Map<string, { labels: LabelSet; ports: readonly unknown[] }> {
  const out = new Map<string, { labels: LabelSet; ports: readonly unknown[] }>();
  for (const item of services) {
    const s = obj(item);
    out.set(str(s, 'ID'), { labels: baseServiceLabels(s), ports: list(obj(s['Endpoint']), 'Ports') });
  }
  return out;
}
