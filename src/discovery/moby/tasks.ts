/**
 * The dockerswarm `tasks` role. Each task gets one target per TCP port it publishes on its
 * node (in host mode: on the node's address), and one per network attachment address and
 * TCP port its service publishes (or the config's port when the service publishes none).
 * Tasks carry their service's and node's labels.
 */
import { has, list, num, obj, str, strMap } from './json.js';
import { joinHostPort, sanitizeLabelName, type LabelSet } from './labels.js';
import { NODE_ADDRESS_LABEL, SWARM_META } from './nodes.js';
import { addressOf } from './services.js';

const TASK = `${SWARM_META}task_`;

export function taskTargets(
  tasks: readonly unknown[], services: ReadonlyMap<string, { labels: LabelSet; ports: readonly unknown[] }>,
  nodes: ReadonlyMap<string, LabelSet>, networks: ReadonlyMap<string, LabelSet>, port: number,
): LabelSet[] {
  const out: LabelSet[] = [];
  for (const item of tasks) {
    const t = obj(item);
    const status = obj(t['Status']);
    const common: LabelSet = {
      [`${TASK}id`]: str(t, 'ID'),
      [`${TASK}desired_state`]: str(t, 'DesiredState'),
      [`${TASK}state`]: str(status, 'State'),
      [`${TASK}slot`]: String(Math.trunc(num(t, 'Slot'))),
    };
    if (has(status, 'ContainerStatus')) common[`${TASK}container_id`] = str(obj(status['ContainerStatus']), 'ContainerID');
    const spec = obj(t['Spec']);
    if (has(spec, 'ContainerSpec')) {
      for (const [k, v] of strMap(obj(spec['ContainerSpec']), 'Labels')) common[`${SWARM_META}container_label_${sanitizeLabelName(k)}`] = v;
    }
    const service = services.get(str(t, 'ServiceID'));
    Object.assign(common, service?.labels, nodes.get(str(t, 'NodeID')));

    for (const pv of list(obj(status['PortStatus']), 'Ports')) {
      const p = obj(pv);
      if (str(p, 'Protocol') !== 'tcp') continue;
      const ls: LabelSet = { [`${TASK}port_publish_mode`]: str(p, 'PublishMode'), ...common };
      ls['__address__'] = joinHostPort(ls[NODE_ADDRESS_LABEL] ?? '', num(p, 'PublishedPort'));
      out.push(ls);
    }

    for (const attItem of list(t, 'NetworksAttachments')) {
      const att = obj(attItem);
      const netLabels = networks.get(str(obj(att['Network']), 'ID'));
      for (const a of list(att, 'Addresses')) {
        const ip = addressOf(typeof a === 'string' ? a : '');
        let added = false;
        for (const pv of service?.ports ?? []) {
          const p = obj(pv);
          if (str(p, 'Protocol') !== 'tcp') continue;
          const ls: LabelSet = { [`${TASK}port_publish_mode`]: str(p, 'PublishMode'), ...common, ...netLabels };
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
  }
  return out;
}
