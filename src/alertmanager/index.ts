/**
 * The Alertmanager-compatible service (`watchfire alertmanager`): the service itself, its
 * HTTP API, and the pieces the tools use (configuration, routing, matchers).
 */
import type { AlertmanagerAPIDeps, VersionInfo } from './api/index.js';
import type { AlertmanagerService } from './service.js';

export { AlertmanagerService, ServiceMetrics, md5MetricValue, type AlertmanagerServiceOptions, type ActiveConfig } from './service.js';
export { registerAlertmanagerAPI, type AlertmanagerAPIDeps, type VersionInfo, type WebDeps } from './api/index.js';

/** The API's view of a running service. */
export function apiDeps(svc: AlertmanagerService, versionInfo: VersionInfo): AlertmanagerAPIDeps {
  return {
    alerts: svc.alerts,
    silences: svc.silences,
    marker: svc.marker,
    history: svc.history,
    startedAt: svc.startedAt,
    versionInfo,
    get active() { return svc.active; },
    externalURL: svc.externalURL,
    now: () => svc.now(),
    putAlerts: (a) => { svc.putAlerts(a); },
    updateStatus: (a) => { svc.updateStatus(a); },
    counters: () => svc.counters(),
  };
}
