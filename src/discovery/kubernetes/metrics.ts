/**
 * Kubernetes SD's own metrics, under Prometheus's names, registered once per registry and
 * shared by every Kubernetes discoverer on it. Every role × event series exists from the
 * start, as in Prometheus.
 */
import type { Counter, CounterChild, Registry } from '../../instrument/index.js';
import type { KubernetesRole } from '../../config/sd-types.js';

export type KubeEvent = 'add' | 'delete' | 'update';

const ROLES: readonly KubernetesRole[] = ['endpointslice', 'endpoints', 'node', 'pod', 'service', 'ingress'];
const EVENTS: readonly KubeEvent[] = ['add', 'delete', 'update'];

export class KubernetesSDMetrics {
  /** `prometheus_sd_kubernetes_events_total{role, event}`. */
  readonly events: Counter;
  /** `prometheus_sd_kubernetes_failures_total`: failed list and watch requests. */
  readonly failures: Counter;

  private constructor(reg: Registry) {
    this.events = reg.counter({ name: 'prometheus_sd_kubernetes_events_total', help: 'The number of Kubernetes events handled.', labelNames: ['role', 'event'] });
    this.failures = reg.counter({ name: 'prometheus_sd_kubernetes_failures_total', help: 'The number of failed WATCH/LIST requests.' });
    for (const r of ROLES) for (const e of EVENTS) this.events.labels(r, e);
    this.failures.inc(0);
  }

  /** The counter child of one role and event (cache it: handlers count every event). */
  event(role: KubernetesRole, event: KubeEvent): CounterChild {
    return this.events.labels(role, event);
  }

  static readonly #byRegistry = new WeakMap<Registry, KubernetesSDMetrics>();

  static for(reg: Registry): KubernetesSDMetrics {
    let m = KubernetesSDMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new KubernetesSDMetrics(reg);
      KubernetesSDMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }
}
