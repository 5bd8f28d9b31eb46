/**
 * The metrics every refresh-based mechanism (dns, http, ...) shares, under Prometheus's
 * names. They are registered once per registry; a discoverer acquires the children for its
 * (mechanism, config) pair and releases them when it stops. Several discoverers may share a
 * pair (two `dns_sd_configs` in one job): the per-config series go away when the last of
 * them stops, so that a job removed by a reload leaves no series behind, as in Prometheus.
 */
import type { Counter, CounterChild, Histogram, HistogramChild, Registry, Summary, SummaryChild } from '../../instrument/index.js';

/** The children one discoverer updates. */
export interface RefreshInstance {
  readonly failures: CounterChild;
  readonly duration: SummaryChild;
  readonly durationHistogram: HistogramChild;
}

/** Label names are declared in sorted order, as Prometheus exposes them. */
export class RefreshMetrics {
  readonly failures: Counter;
  readonly duration: Summary;
  readonly durationHistogram: Histogram;

  private constructor(reg: Registry) {
    this.failures = reg.counter({
      name: 'prometheus_sd_refresh_failures_total',
      help: 'Number of refresh failures for the given SD mechanism.',
      labelNames: ['config', 'mechanism'],
    });
    this.duration = reg.summary({
      name: 'prometheus_sd_refresh_duration_seconds',
      help: 'The duration of a refresh in seconds for the given SD mechanism.',
      labelNames: ['config', 'mechanism'],
      objectives: [0.5, 0.9, 0.99],
    });
    this.durationHistogram = reg.histogram({
      name: 'prometheus_sd_refresh_duration_histogram_seconds',
      help: 'The duration of a refresh for the given SD mechanism.',
      labelNames: ['mechanism'],
      buckets: [0.01, 0.1, 1, 10],
    });
  }

  readonly #users = new Map<string, number>();

  static readonly #byRegistry = new WeakMap<Registry, RefreshMetrics>();

  static for(reg: Registry): RefreshMetrics {
    let m = RefreshMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new RefreshMetrics(reg);
      RefreshMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }

  acquire(mechanism: string, config: string): RefreshInstance {
    const key = `${mechanism}\xff${config}`;
    this.#users.set(key, (this.#users.get(key) ?? 0) + 1);
    return {
      failures: this.failures.labels(config, mechanism),
      duration: this.duration.labels(config, mechanism),
      durationHistogram: this.durationHistogram.labels(mechanism),
    };
  }

  /** Drops the per-config series once no discoverer uses them (the per-mechanism histogram stays, as in Prometheus). */
  release(mechanism: string, config: string): void {
    const key = `${mechanism}\xff${config}`;
    const n = (this.#users.get(key) ?? 0) - 1;
    if (n > 0) { this.#users.set(key, n); return; }
    this.#users.delete(key);
    this.failures.remove(config, mechanism);
    this.duration.remove(config, mechanism);
  }
}
