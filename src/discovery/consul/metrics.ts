/**
 * Consul SD's own metrics, under Prometheus's names, registered once per registry and shared
 * by every Consul discoverer on it. Both RPC duration series exist from the start, as in
 * Prometheus (which labels the health call `catalog`/`service` too).
 */
import type { Counter, Registry, Summary, SummaryChild } from '../../instrument/index.js';

export class ConsulSDMetrics {
  readonly rpcFailures: Counter;
  readonly rpcDuration: Summary;
  readonly servicesRPCDuration: SummaryChild;
  readonly serviceRPCDuration: SummaryChild;

  private constructor(reg: Registry) {
    this.rpcFailures = reg.counter({ name: 'prometheus_sd_consul_rpc_failures_total', help: 'The number of Consul RPC call failures.' });
    this.rpcDuration = reg.summary({
      name: 'prometheus_sd_consul_rpc_duration_seconds', help: 'The duration of a Consul RPC call in seconds.',
      labelNames: ['call', 'endpoint'], objectives: [0.5, 0.9, 0.99],
    });
    this.servicesRPCDuration = this.rpcDuration.labels('services', 'catalog');
    this.serviceRPCDuration = this.rpcDuration.labels('service', 'catalog');
  }

  static readonly #byRegistry = new WeakMap<Registry, ConsulSDMetrics>();

  static for(reg: Registry): ConsulSDMetrics {
    let m = ConsulSDMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new ConsulSDMetrics(reg);
      ConsulSDMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }
}
