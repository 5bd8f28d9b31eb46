/**
 * The `node` role: one group per node (`node/<name>`) with one target at the node's address
 * and kubelet port, `instance` set to the node name. The address is the first of the node's
 * addresses by type: InternalIP, InternalDNS, ExternalIP, ExternalDNS, LegacyHostIP,
 * Hostname. A node without any of them is logged and sends nothing (its previous group
 * stays), as Prometheus does.
 */
import type { Logger } from '../../util/log.js';
import type { TargetGroup } from '../interface.js';
import type { Node } from './api-types.js';
import type { Informer } from './informer.js';
import { META, addObjectMetaLabels, joinHostPort, sanitizeLabelName, type LabelSet } from './labels.js';
import type { KubernetesSDMetrics } from './metrics.js';
import { RoleQueue, emptyGroup } from './role.js';

const ADDRESS_ORDER = ['InternalIP', 'InternalDNS', 'ExternalIP', 'ExternalDNS', 'LegacyHostIP', 'Hostname'];

export class NodeRole extends RoleQueue {
  readonly #nodes: Informer<Node>;
  readonly #logger: Logger;

  constructor(nodes: Informer<Node>, metrics: KubernetesSDMetrics, logger: Logger) {
    super(metrics.queue('node'));
    this.#nodes = nodes;
    this.#logger = logger;
    const add = metrics.event('node', 'add'), upd = metrics.event('node', 'update'), del = metrics.event('node', 'delete');
    nodes.addHandlers({
      add: (n) => { add.inc(); this.enqueue(n.metadata.name); },
      update: (_o, n) => { upd.inc(); this.enqueue(n.metadata.name); },
      delete: (n) => { del.inc(); this.enqueue(n.metadata.name); },
    });
    this.waitFor(nodes);
  }

  protected build(key: string): TargetGroup | null {
    const node = this.#nodes.get(key);
    if (node === undefined) return emptyGroup(`node/${key}`);
    const g = buildNodeGroup(node);
    if (g === null) this.#logger.warn('No node address found', { err: 'host address unknown', node: key });
    return g;
  }
}

/** The node's labels shared by its target. */
export function nodeLabels(n: Node): LabelSet {
  const ls: LabelSet = { [`${META}node_provider_id`]: n.spec.providerID };
  for (const c of n.status.conditions) ls[`${META}node_condition_${sanitizeLabelName(c.type.toLowerCase())}`] = c.status.toLowerCase();
  addObjectMetaLabels(ls, n.metadata, 'node');
  return ls;
}

/** The node's group, or null when it has no usable address. */
export function buildNodeGroup(n: Node): TargetGroup | null {
  const byType = new Map<string, string>();
  for (const a of n.status.addresses) if (!byType.has(a.type)) byType.set(a.type, a.address);
  let addr: string | undefined;
  for (const t of ADDRESS_ORDER) {
    addr = byType.get(t);
    if (addr !== undefined) break;
  }
  if (addr === undefined) return null;
  const t: LabelSet = { __address__: joinHostPort(addr, n.status.kubeletPort), instance: n.metadata.name };
  for (const [type, a] of byType) t[sanitizeLabelName(`${META}node_address_${type}`)] = a;
  return { source: `node/${n.metadata.name}`, labels: nodeLabels(n), targets: [t] };
}
