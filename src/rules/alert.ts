/**
 * An alert instance of an alerting rule: one label set of the rule's result, with its state
 * and the times Prometheus tracks for it. Times are Unix milliseconds; 0 is "never" (Go's
 * zero time).
 */
import type { Labels } from '../model/index.js';

/** Rule and alert states, in the order Prometheus ranks them (a rule shows its highest alert's). */
export type AlertState = 'unknown' | 'inactive' | 'pending' | 'firing';

export const STATE_RANK: Readonly<Record<AlertState, number>> = { unknown: 0, inactive: 1, pending: 2, firing: 3 };

export interface Alert {
  state: AlertState;
  labels: Labels;
  annotations: Labels;
  /** The value of the expression at the last evaluation. */
  value: number;
  /** When the condition started to hold (moved forward when `for` state is restored). */
  activeAt: number;
  firedAt: number;
  /** When the alert stopped firing; 0 while active. */
  resolvedAt: number;
  lastSentAt: number;
  /** Until when the last notification is valid (its `endsAt` while active). */
  validUntil: number;
  /** When the condition stopped holding while `keep_firing_for` keeps the alert firing. */
  keepFiringSince: number;
}

/** A copy: alerts handed out (to the API, the notifier) must not change under their reader. */
export function copyAlert(a: Alert): Alert {
  return { ...a };
}

/**
 * Whether the alert is due for (re)sending at `ts`: never while pending; at once after it
 * resolved; otherwise once `resendDelayMs` passed since the last send.
 */
export function needsSending(a: Alert, ts: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAt > a.lastSentAt) return true;
  return a.lastSentAt + resendDelayMs < ts;
}
