/**
 * DNS SD's own metrics, under Prometheus's names, registered once per registry and shared by
 * every DNS discoverer on it. One lookup is one name resolved (search list included).
 */
import type { Counter, Registry } from '../../instrument/index.js';

export class DNSSDMetrics {
  readonly lookups: Counter;
  readonly lookupFailures: Counter;

  private constructor(reg: Registry) {
    this.lookups = reg.counter({ name: 'prometheus_sd_dns_lookups_total', help: 'The number of DNS-SD lookups.' });
    this.lookupFailures = reg.counter({ name: 'prometheus_sd_dns_lookup_failures_total', help: 'The number of DNS-SD lookup failures.' });
  }

  static readonly #byRegistry = new WeakMap<Registry, DNSSDMetrics>();

  static for(reg: Registry): DNSSDMetrics {
    let m = DNSSDMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new DNSSDMetrics(reg);
      DNSSDMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }
}
