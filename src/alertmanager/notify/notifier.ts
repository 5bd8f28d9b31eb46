/**
 * The contract between the notification pipeline and an integration (email, Slack, webhook,
 * ...), the counterpart of Alertmanager's notify.Notifier.
 *
 * `notify(ctx, alerts)` sends one notification for a group. The alerts are already
 * filtered (muted ones removed; resolved ones removed when the integration does not send
 * resolved notifications), sorted, and firing alerts carry `endsAt` 0 (Go's zero time).
 * It resolves to `{ retry: false }` on success; on failure to `{ retry, error }`, where
 * `retry: true` means the pipeline tries again with exponential backoff until the flush's
 * deadline (`ctx.signal` aborts then), and `retry: false` means the failure is permanent
 * for this flush. It must honour `ctx.signal`, should not throw (a throw counts as a
 * retryable failure), and must not keep or mutate the alerts.
 */
import type { LabelSet } from '../labels/index.js';
import type { Alert } from '../store/index.js';

export interface NotifyContext {
  /** Aborted when the flush's deadline passes or Alertmanager stops. */
  readonly signal: AbortSignal;
  /** The aggregation group's key, e.g. `{}/{team="db"}:{alertname="X"}`. */
  readonly groupKey: string;
  readonly receiverName: string;
  readonly groupLabels: LabelSet;
  /** The flush time (Unix ms), the same for every integration of the flush. */
  readonly now: number;
  readonly repeatIntervalMs: number;
  /** The route's unique ID. */
  readonly routeID: string;
  /** Hashes of the firing / resolved alerts of this notification, as the notification log records them (16 hex digits, see hashAlertLabels). */
  readonly firingAlerts: readonly string[];
  readonly resolvedAlerts: readonly string[];
  /** Alertmanager's external URL (for links in messages). */
  readonly externalURL: string;
}

export interface NotifyResult {
  retry: boolean;
  /** Absent on success. */
  error?: Error;
}

export interface Notifier {
  notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult>;
}

/** A notifier of one configured integration of a receiver. */
export interface Integration {
  /** The kind, as in metrics and the notification log: `webhook`, `email`, ... */
  readonly name: string;
  /** Position among the receiver's integrations of the same kind. */
  readonly index: number;
  readonly receiverName: string;
  readonly sendResolved: boolean;
  readonly notifier: Notifier;
}

/** `webhook[0]`, as Alertmanager prints an integration. */
export function integrationString(i: Integration): string {
  return `${i.name}[${i.index}]`;
}
