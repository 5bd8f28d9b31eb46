/** What the API needs from the running Alertmanager (the service provides it). */
import type { LoadedConfig } from '../config/index.js';
import type { Dispatcher, Route } from '../dispatch/index.js';
import type { HistoryStore } from '../history/index.js';
import type { Silences } from '../silence/index.js';
import type { Alert, AlertStore, Marker } from '../store/index.js';

export interface VersionInfo {
  branch: string;
  buildDate: string;
  buildUser: string;
  goVersion: string;
  revision: string;
  version: string;
}

export interface AlertmanagerAPIDeps {
  readonly alerts: AlertStore;
  readonly silences: Silences;
  readonly marker: Marker;
  readonly history: HistoryStore;
  /** Unix ms of the start. */
  readonly startedAt: number;
  readonly versionInfo: VersionInfo;
  /** The running configuration's parts (replaced on reload). */
  readonly active: { readonly loaded: LoadedConfig; readonly route: Route; readonly dispatcher: Dispatcher };
  /** The external URL notifications link to; default http://localhost:9093 (test-sends, previews). */
  readonly externalURL?: string;
  now(): number;
  putAlerts(alerts: readonly Alert[]): void;
  /** Recomputes the silence and inhibition marks of an alert. */
  updateStatus(a: Alert): void;
  counters(): { receivedAlert(status: 'firing' | 'resolved'): void; invalidAlert(): void };
}
