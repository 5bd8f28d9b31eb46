/** Alertmanager's notification metrics (`alertmanager_notifications_*`, `..._notification_latency_seconds`). */
import type { Counter, Histogram, Registry } from '../../instrument/index.js';

export const INTEGRATION_NAMES = ['email', 'pagerduty', 'wechat', 'pushover', 'slack', 'opsgenie', 'webhook', 'victorops', 'sns', 'telegram', 'discord', 'webex', 'msteams', 'msteamsv2'];

export class NotifyMetrics {
  readonly notifications: Counter;
  readonly failed: Counter;
  readonly requests: Counter;
  readonly requestsFailed: Counter;
  readonly latency: Histogram;

  constructor(reg: Registry) {
    this.notifications = reg.counter({ name: 'alertmanager_notifications_total', help: 'The total number of attempted notifications.', labelNames: ['integration'] });
    this.failed = reg.counter({ name: 'alertmanager_notifications_failed_total', help: 'The total number of failed notifications.', labelNames: ['integration'] });
    this.requests = reg.counter({ name: 'alertmanager_notification_requests_total', help: 'The total number of attempted notification requests.', labelNames: ['integration'] });
    this.requestsFailed = reg.counter({ name: 'alertmanager_notification_requests_failed_total', help: 'The total number of failed notification requests.', labelNames: ['integration'] });
    this.latency = reg.histogram({ name: 'alertmanager_notification_latency_seconds', help: 'The latency of notifications in seconds.', labelNames: ['integration'], buckets: [1, 5, 10, 15, 20] });
    // Alertmanager initialises every integration's series at zero.
    for (const n of INTEGRATION_NAMES) {
      this.notifications.labels(n).inc(0);
      this.failed.labels(n).inc(0);
      this.requests.labels(n).inc(0);
      this.requestsFailed.labels(n).inc(0);
      this.latency.labels(n);
    }
  }
}
