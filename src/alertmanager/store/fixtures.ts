/**
 * Alerts for tests and tools: an alert from labels with sensible times. Not used by the
 * service itself.
 */
import { newAlert, type Alert } from './alert.js';

export interface AlertSpec {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** Unix ms; default `now`. */
  startsAt?: number;
  /** Unix ms; 0 = unset (firing until resolve_timeout). Default: `now` + 1 h. */
  endsAt?: number;
  updatedAt?: number;
  generatorURL?: string;
  timeout?: boolean;
}

export function fixtureAlert(s: AlertSpec, now: number): Alert {
  return newAlert({
    labels: s.labels,
    annotations: s.annotations ?? {},
    startsAt: s.startsAt ?? now,
    endsAt: s.endsAt ?? now + 3600_000,
    updatedAt: s.updatedAt ?? now,
    generatorURL: s.generatorURL ?? '',
    timeout: s.timeout ?? false,
  });
}
