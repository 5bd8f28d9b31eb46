/**
 * The discovery manager's metrics, under Prometheus's names. Both managers (name="scrape" and
 * name="notify") share one family per name on a registry, told apart by the `name` label.
 */
import type { Counter, Gauge, Registry } from '../instrument/index.js';

export class ManagerMetrics {
  readonly failedConfigs: Gauge;
  readonly discoveredTargets: Gauge;
  readonly receivedUpdates: Counter;
  readonly delayedUpdates: Counter;
  readonly sentUpdates: Counter;
  readonly lastUpdate: Gauge;

  private constructor(reg: Registry) {
    this.failedConfigs = reg.gauge({
      name: 'prometheus_sd_failed_configs',
      help: 'Current number of service discovery configurations that failed to load.',
      labelNames: ['name'],
    });
    this.discoveredTargets = reg.gauge({
      name: 'prometheus_sd_discovered_targets',
      help: 'Current number of discovered targets.',
      labelNames: ['config', 'name'],
    });
    this.receivedUpdates = reg.counter({
      name: 'prometheus_sd_received_updates_total',
      help: 'Total number of update events received from the SD providers.',
      labelNames: ['name'],
    });
    this.delayedUpdates = reg.counter({
      name: 'prometheus_sd_updates_delayed_total',
      help: "Total number of update events that couldn't be sent immediately.",
      labelNames: ['name'],
    });
    this.sentUpdates = reg.counter({
      name: 'prometheus_sd_updates_total',
      help: 'Total number of update events sent to the SD consumers.',
      labelNames: ['name'],
    });
    this.lastUpdate = reg.gauge({
      name: 'prometheus_sd_last_update_timestamp_seconds',
      help: 'Timestamp of the last update sent to the SD consumers.',
      labelNames: ['config', 'name'],
    });
  }

  static readonly #byRegistry = new WeakMap<Registry, ManagerMetrics>();

  static for(reg: Registry): ManagerMetrics {
    let m = ManagerMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new ManagerMetrics(reg);
      ManagerMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }
}
