/**
 * Kubernetes SD's own metrics, under Prometheus's names, registered once per registry and
 * shared by every Kubernetes discoverer on it. Every role × event series exists from the
 * start, as in Prometheus. Besides its own, Prometheus exports its Kubernetes client's
 * request and work queue metrics under `prometheus_sd_kubernetes_`; the same series are kept
 * here for our client and queues (summaries without quantiles, as Prometheus declares them;
 * one queue per role, named after it).
 */
import type { Counter, CounterChild, Gauge, GaugeChild, Registry, Summary, SummaryChild } from '../../instrument/index.js';
import type { KubernetesRole } from '../../config/sd-types.js';

export type KubeEvent = 'add' | 'delete' | 'update';

const ROLES: readonly KubernetesRole[] = ['endpointslice', 'endpoints', 'node', 'pod', 'service', 'ingress'];
const EVENTS: readonly KubeEvent[] = ['add', 'delete', 'update'];

export interface QueueMetrics {
  depth: GaugeChild;
  adds: CounterChild;
  latency: SummaryChild;
  workDuration: SummaryChild;
}

export class KubernetesSDMetrics {
  /** `prometheus_sd_kubernetes_events_total{role, event}`. */
  readonly events: Counter;
  /** `prometheus_sd_kubernetes_failures_total`: failed list and watch requests. */
  readonly failures: Counter;

  /** `prometheus_sd_kubernetes_http_request_total{status_code}` ("<error>" when no response came). */
  readonly requests: Counter;
  /** `prometheus_sd_kubernetes_http_request_duration_seconds{endpoint}` (the URL path). */
  readonly requestDuration: Summary;
  readonly queueDepth: Gauge;
  readonly queueAdds: Counter;
  readonly queueLatency: Summary;
  readonly queueWorkDuration: Summary;
  readonly queueUnfinished: Gauge;
  readonly queueLongestRunning: Gauge;

  private constructor(reg: Registry) {
    this.events = reg.counter({ name: 'prometheus_sd_kubernetes_events_total', help: 'The number of Kubernetes events handled.', labelNames: ['role', 'event'] });
    this.failures = reg.counter({ name: 'prometheus_sd_kubernetes_failures_total', help: 'The number of failed WATCH/LIST requests.' });
    for (const r of ROLES) for (const e of EVENTS) this.events.labels(r, e);
    this.failures.inc(0);
    const summary = (name: string, help: string, label: string): Summary => reg.summary({ name, help, labelNames: [label], objectives: [], maxObservations: 1 });
    this.requests = reg.counter({ name: 'prometheus_sd_kubernetes_http_request_total', help: 'Total number of HTTP requests to the Kubernetes API by status code.', labelNames: ['status_code'] });
    this.requestDuration = summary('prometheus_sd_kubernetes_http_request_duration_seconds', 'Summary of latencies for HTTP requests to the Kubernetes API by endpoint.', 'endpoint');
    const q = 'prometheus_sd_kubernetes_workqueue_';
    this.queueDepth = reg.gauge({ name: `${q}depth`, help: 'Current depth of the work queue.', labelNames: ['queue_name'] });
    this.queueAdds = reg.counter({ name: `${q}items_total`, help: 'Total number of items added to the work queue.', labelNames: ['queue_name'] });
    this.queueLatency = summary(`${q}latency_seconds`, 'How long an item stays in the work queue.', 'queue_name');
    this.queueUnfinished = reg.gauge({ name: `${q}unfinished_work_seconds`, help: 'How long an item has remained unfinished in the work queue.', labelNames: ['queue_name'] });
    this.queueLongestRunning = reg.gauge({ name: `${q}longest_running_processor_seconds`, help: 'Duration of the longest running processor in the work queue.', labelNames: ['queue_name'] });
    this.queueWorkDuration = summary(`${q}work_duration_seconds`, 'How long processing an item from the work queue takes.', 'queue_name');
  }

  /** Counts one API request by its outcome and how long it took. */
  observeRequest(statusCode: string, path: string, seconds: number): void {
    this.requests.labels(statusCode).inc();
    this.requestDuration.labels(path).observe(seconds);
  }

  /** The series of one role's work queue (created with it, as client-go's are). */
  queue(name: string): QueueMetrics {
    // A queue's work is synchronous here: nothing is ever left unfinished between updates.
    this.queueUnfinished.labels(name).set(0);
    this.queueLongestRunning.labels(name).set(0);
    return {
      depth: this.queueDepth.labels(name), adds: this.queueAdds.labels(name),
      latency: this.queueLatency.labels(name), workDuration: this.queueWorkDuration.labels(name),
    };
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
