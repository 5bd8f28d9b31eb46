/** The dockerswarm `nodes` role: one target per swarm node, on the node's address and the config's port. */
import { bool, has, obj, str, strMap, type JSONObject } from './json.js';
import { joinHostPort, sanitizeLabelName, type LabelSet } from './labels.js';

export const SWARM_META = '__meta_dockerswarm_';
const NODE = `${SWARM_META}node_`;
export const NODE_ADDRESS_LABEL = `${NODE}address`;

/** The labels of a node that tasks carry too. */
function baseNodeLabels(n: JSONObject): LabelSet {
  const spec = obj(n['Spec']), desc = obj(n['Description']), platform = obj(desc['Platform']), status = obj(n['Status']);
  const ls: LabelSet = {
    [`${NODE}id`]: str(n, 'ID'),
    [`${NODE}role`]: str(spec, 'Role'),
    [`${NODE}availability`]: str(spec, 'Availability'),
    [`${NODE}hostname`]: str(desc, 'Hostname'),
    [`${NODE}platform_architecture`]: str(platform, 'Architecture'),
    [`${NODE}platform_os`]: str(platform, 'OS'),
    [`${NODE}status`]: str(status, 'State'),
    [NODE_ADDRESS_LABEL]: str(status, 'Addr'),
  };
  for (const [k, v] of strMap(spec, 'Labels')) ls[`${NODE}label_${sanitizeLabelName(k)}`] = v;
  return ls;
}

export function nodeTargets(nodes: readonly unknown[], port: number): LabelSet[] {
  const out: LabelSet[] = [];
  for (const item of nodes) {
    const n = obj(item);
    const ls = baseNodeLabels(n);
    ls[`${NODE}engine_version`] = str(obj(obj(n['Description'])['Engine']), 'EngineVersion');
    if (has(n, 'ManagerStatus')) {
      const m = obj(n['ManagerStatus']);
      ls[`${NODE}manager_leader`] = String(bool(m, 'Leader'));
      ls[`${NODE}manager_reachability`] = str(m, 'Reachability');
      ls[`${NODE}manager_address`] = str(m, 'Addr');
    }
    ls['__address__'] = joinHostPort(str(obj(n['Status']), 'Addr'), port);
    out.push(ls);
  }
  return out;
}

/** Node labels by node id, for tasks. */
export function nodeLabelsByID(nodes: readonly unknown[]): Map<string, LabelSet> {
  const out = new Map<string, LabelSet>();
  for (const item of nodes) out.set(str(obj(item), 'ID'), baseNodeLabels(obj(item)));
  return out;
}
