/** The notifier's self-metrics, under Prometheus's names (`prometheus_notifications_*`). */
import type { Counter, Gauge, Histogram, Registry, Summary } from '../instrument/index.js';

const byRegistry = new WeakMap<Registry, NotifierMetrics>();

export class NotifierMetrics {
  readonly latencySummary: Summary;
  readonly latencyHistogram: Histogram;
  readonly errors: Counter;
  readonly sent: Counter;
  readonly dropped: Counter;
  readonly queueLength: Gauge;
  readonly queueCapacity: Gauge;
  /** Reads the number of active Alertmanagers of the current manager. */
  discovered: () => number = () => 0;

  /** The metrics of `reg`, registered on first use. */
  static for(reg: Registry): NotifierMetrics {
    let m = byRegistry.get(reg);
    if (m === undefined) {
      m = new NotifierMetrics(reg);
      byRegistry.set(reg, m);
    }
    return m;
  }

  private constructor(reg: Registry) {
    const am = ['alertmanager'];
    this.latencySummary = reg.summary({ name: 'prometheus_notifications_latency_seconds', help: 'Latency quantiles for sending alert notifications.', labelNames: am, objectives: [0.5, 0.9, 0.99] });
    this.latencyHistogram = reg.histogram({ name: 'prometheus_notifications_latency_histogram_seconds', help: 'Latency histogram for sending alert notifications.', labelNames: am, buckets: [0.01, 0.1, 1, 10] });
    this.errors = reg.counter({ name: 'prometheus_notifications_errors_total', help: 'Total number of sent alerts affected by errors.', labelNames: am });
    this.sent = reg.counter({ name: 'prometheus_notifications_sent_total', help: 'Total number of alerts sent.', labelNames: am });
    this.dropped = reg.counter({ name: 'prometheus_notifications_dropped_total', help: 'Total number of alerts dropped due to errors when sending to Alertmanager.', labelNames: am });
    this.queueLength = reg.gauge({ name: 'prometheus_notifications_queue_length', help: 'The number of alert notifications in the queue.', labelNames: am });
    this.queueCapacity = reg.gauge({ name: 'prometheus_notifications_queue_capacity', help: 'The capacity of the alert notifications queue.' });
    reg.collector('prometheus_notifications_alertmanagers_discovered', 'The number of alertmanagers discovered and active.', 'gauge',
      () => [{ suffix: '', labels: [], value: this.discovered() }]);
  }

  /** Creates the children of one Alertmanager at zero. */
  initAlertmanager(url: string): void {
    this.dropped.labels(url);
    this.errors.labels(url);
    this.sent.labels(url);
    this.queueLength.labels(url);
  }

  deleteAlertmanager(url: string): void {
    this.latencySummary.remove(url);
    this.latencyHistogram.remove(url);
    this.sent.remove(url);
    this.dropped.remove(url);
    this.errors.remove(url);
    this.queueLength.remove(url);
  }
}
