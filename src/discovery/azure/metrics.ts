/** Azure SD's own metrics, under Prometheus's names, registered once per registry and shared. */
import type { Counter, Registry } from '../../instrument/index.js';

export class AzureSDMetrics {
  readonly failures: Counter;
  readonly cacheHits: Counter;

  private constructor(reg: Registry) {
    this.failures = reg.counter({ name: 'prometheus_sd_azure_failures_total', help: 'Number of Azure service discovery refresh failures.' });
    this.cacheHits = reg.counter({ name: 'prometheus_sd_azure_cache_hit_total', help: 'Number of cache hit during refresh.' });
  }

  static readonly #byRegistry = new WeakMap<Registry, AzureSDMetrics>();

  static for(reg: Registry): AzureSDMetrics {
    let m = AzureSDMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new AzureSDMetrics(reg);
      AzureSDMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }
}
