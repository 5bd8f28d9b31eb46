/**
 * The notifier: a bounded queue per Alertmanager and the Alertmanager API v2 client, with
 * Alertmanagers discovered per `alerting.alertmanagers` entry and alerts relabeled as
 * Prometheus does. See manager.ts for the lifecycle, send-loop.ts for queueing and batching.
 */
export { NotifierManager, alertmanagerSetName, type NotifierOptions, type NotifierConfig } from './manager.js';
export { relabelAlerts, alertName, resolvedAt, type NotifierAlert } from './alert.js';
export { alertmanagersFromGroup, postPath, alertmanagerURL, ALERTS_PATH_LABEL, type AlertmanagerTarget } from './alertmanager.js';
export { encodeAlertsV2, formatDateTime, goJSONString } from './payload.js';
export { NotifierMetrics } from './metrics.js';
