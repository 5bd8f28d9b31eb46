/** HTTP SD's own metric, under Prometheus's name, registered once per registry and shared. */
import type { Counter, Registry } from '../../instrument/index.js';

export class HTTPSDMetrics {
  readonly failures: Counter;

  private constructor(reg: Registry) {
    this.failures = reg.counter({ name: 'prometheus_sd_http_failures_total', help: 'Number of HTTP service discovery refresh failures.' });
  }

  static readonly #byRegistry = new WeakMap<Registry, HTTPSDMetrics>();

  static for(reg: Registry): HTTPSDMetrics {
    let m = HTTPSDMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new HTTPSDMetrics(reg);
      HTTPSDMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }
}
