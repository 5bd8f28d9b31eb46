/** Linode SD's own metric, under Prometheus's name, registered once per registry and shared. */
import type { Counter, Registry } from '../../instrument/index.js';

export class LinodeSDMetrics {
  readonly failures: Counter;

  private constructor(reg: Registry) {
    this.failures = reg.counter({ name: 'prometheus_sd_linode_failures_total', help: 'Number of Linode service discovery refresh failures.' });
  }

  static readonly #byRegistry = new WeakMap<Registry, LinodeSDMetrics>();

  static for(reg: Registry): LinodeSDMetrics {
    let m = LinodeSDMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new LinodeSDMetrics(reg);
      LinodeSDMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }
}
