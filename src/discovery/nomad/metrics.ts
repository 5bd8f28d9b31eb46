/** Nomad SD's own metric, under Prometheus's name, registered once per registry and shared. */
import type { Counter, Registry } from '../../instrument/index.js';

export class NomadSDMetrics {
  readonly failures: Counter;

  private constructor(reg: Registry) {
    this.failures = reg.counter({ name: 'prometheus_sd_nomad_failures_total', help: 'Number of nomad service discovery refresh failures.' });
  }

  static readonly #byRegistry = new WeakMap<Registry, NomadSDMetrics>();

  static for(reg: Registry): NomadSDMetrics {
    let m = NomadSDMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new NomadSDMetrics(reg);
      NomadSDMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }
}
