/**
 * Alert history events: what happened to an alert and when. Recorded by the service from
 * the alert store (fired, resolved), the marker (silenced, inhibited and their ends) and the
 * notification pipeline (notified, notify_failed); kept on disk one JSON object per line.
 */
import type { LabelSet } from '../labels/index.js';

export type HistoryEventKind =
  | 'firing' | 'resolved'
  | 'silenced' | 'unsilenced'
  | 'inhibited' | 'uninhibited'
  | 'notified' | 'notify_failed';

export const HISTORY_EVENT_KINDS: readonly HistoryEventKind[] = [
  'firing', 'resolved', 'silenced', 'unsilenced', 'inhibited', 'uninhibited', 'notified', 'notify_failed',
];

export interface HistoryEvent {
  /** Unix milliseconds. */
  at: number;
  kind: HistoryEventKind;
  fingerprint: string;
  labels: LabelSet;
  /** Silence IDs (silenced), inhibiting alert fingerprints (inhibited). */
  by?: string[];
  /** The receiver and integration (`webhook[0]`) of a notification. */
  receiver?: string;
  integration?: string;
  /** The alert's status in the notification. */
  status?: 'firing' | 'resolved';
  /** Why a notification failed. */
  error?: string;
}

/** Parses one stored line; null when it is not an event (a torn last line after a crash). */
export function parseEventLine(line: string): HistoryEvent | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const e = v as Record<string, unknown>;
  if (typeof e['at'] !== 'number' || typeof e['fingerprint'] !== 'string' || typeof e['labels'] !== 'object' || e['labels'] === null) return null;
  if (!HISTORY_EVENT_KINDS.includes(e['kind'] as HistoryEventKind)) return null;
  return v as HistoryEvent;
}
