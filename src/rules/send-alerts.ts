/**
 * Alerts as they leave the rules for the notifier: `startsAt` is when the alert fired,
 * `endsAt` when it resolved or, while it fires, until when this notification is valid, and
 * `generatorURL` links to the expression in the external URL's graph page.
 */
import type { Labels } from '../model/index.js';
import { tableLink } from '../template/index.js';
import type { Alert } from './alert.js';
import type { NotifyFunc } from './alerting-rule.js';

/** The notifier's view of an alert (structurally the notifier's `NotifierAlert`). */
export interface OutgoingAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

export interface AlertSender {
  send(alerts: readonly OutgoingAlert[]): void;
}

/**
 * A NotifyFunc handing alerts to `sender`. `externalURL` is the external URL without a
 * trailing slash (Prometheus's form), e.g. `http://host:9090`.
 */
export function sendAlerts(sender: AlertSender, externalURL: string): NotifyFunc {
  return (expr: string, alerts: readonly Alert[]) => {
    if (alerts.length === 0) return;
    const link = externalURL + tableLink(expr);
    const out: OutgoingAlert[] = alerts.map((a) => ({
      labels: a.labels, annotations: a.annotations, startsAt: a.firedAt,
      endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil, generatorURL: link,
    }));
    sender.send(out);
  };
}
