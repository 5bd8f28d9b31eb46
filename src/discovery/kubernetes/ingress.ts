/**
 * The `ingress` role: one group per ingress (`ingress/<ns>/<name>`) with one target per rule
 * and path, addressed by the rule's host. The scheme is https when a TLS entry's host (or
 * `*.` wildcard) matches the rule's host; a rule without `http` has the one path "/", and an
 * empty path reads "/".
 */
import type { TargetGroup } from '../interface.js';
import type { Ingress, MetadataOnly } from './api-types.js';
import type { Informer } from './informer.js';
import { META, NAMESPACE_LABEL, addNamespaceLabels, addObjectMetaLabels, type LabelSet } from './labels.js';
import type { KubernetesSDMetrics } from './metrics.js';
import { NAMESPACE_INDEX } from './pod.js';
import { RoleQueue, emptyGroup } from './role.js';

export class IngressRole extends RoleQueue {
  readonly #ingresses: Informer<Ingress>;
  readonly #namespaces: Informer<MetadataOnly> | null;

  constructor(ingresses: Informer<Ingress>, namespaces: Informer<MetadataOnly> | null, metrics: KubernetesSDMetrics) {
    super(metrics.queue('ingress'));
    this.#ingresses = ingresses;
    this.#namespaces = namespaces;
    const add = metrics.event('ingress', 'add'), upd = metrics.event('ingress', 'update'), del = metrics.event('ingress', 'delete');
    ingresses.addHandlers({
      add: (i) => { add.inc(); this.enqueueAll([i]); },
      update: (_o, i) => { upd.inc(); this.enqueueAll([i]); },
      delete: (i) => { del.inc(); this.enqueueAll([i]); },
    });
    if (namespaces !== null) {
      ingresses.addIndex(NAMESPACE_INDEX, (i) => [i.metadata.namespace]);
      namespaces.addHandlers({ update: (_o, ns) => { this.enqueueAll(ingresses.byIndex(NAMESPACE_INDEX, ns.metadata.name)); } });
    }
    this.waitFor(ingresses, namespaces);
  }

  protected build(key: string): TargetGroup {
    const ing = this.#ingresses.get(key);
    if (ing === undefined) return emptyGroup(`ingress/${key}`);
    return buildIngressGroup(ing, this.#namespaces);
  }
}

export function buildIngressGroup(ing: Ingress, namespaces: Informer<MetadataOnly> | null): TargetGroup {
  const tg = emptyGroup(`ingress/${ing.metadata.namespace}/${ing.metadata.name}`);
  const ls: LabelSet = { [NAMESPACE_LABEL]: ing.metadata.namespace };
  if (ing.spec.ingressClassName !== null) ls[`${META}ingress_class_name`] = ing.spec.ingressClassName;
  addObjectMetaLabels(ls, ing.metadata, 'ingress');
  if (namespaces !== null) addNamespaceLabels(ls, (k) => namespaces.get(k), ing.metadata.namespace);
  tg.labels = ls;
  const tlsHosts = ing.spec.tlsHosts.flat();
  for (const rule of ing.spec.rules) {
    const scheme = tlsHosts.some((p) => matchesHostnamePattern(p, rule.host)) ? 'https' : 'http';
    const paths = rule.paths === null ? ['/'] : rule.paths.map((p) => p === '' ? '/' : p);
    for (const path of paths) {
      tg.targets.push({
        __address__: rule.host,
        [`${META}ingress_scheme`]: scheme,
        [`${META}ingress_host`]: rule.host,
        [`${META}ingress_path`]: path,
      });
    }
  }
  return tg;
}

/** Whether `host` is `pattern`, or matches a `*.rest` pattern in every label but the first. */
export function matchesHostnamePattern(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  const pp = pattern.split('.'), hp = host.split('.');
  if (pp[0] !== '*' || pp.length !== hp.length) return false;
  for (let i = 1; i < pp.length; i++) if (pp[i] !== hp[i]) return false;
  return true;
}
