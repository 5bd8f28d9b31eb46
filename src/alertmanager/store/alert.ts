/**
 * An alert as Alertmanager keeps it. Times are Unix milliseconds; 0 stands for Go's zero
 * time (unset), which is how a firing alert's `endsAt` travels in notifications.
 */
import { fingerprint, labelSetBefore, type LabelSet } from '../labels/index.js';

export interface Alert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt: number;
  /** 0 = unset. */
  readonly endsAt: number;
  readonly updatedAt: number;
  readonly generatorURL: string;
  /** True when `endsAt` was not given and was set from `resolve_timeout`. */
  readonly timeout: boolean;
  /** `fingerprint(labels)`, computed once. */
  readonly fingerprint: string;
}

export type AlertInit = Omit<Alert, 'fingerprint'>;

export function newAlert(a: AlertInit): Alert {
  return { ...a, fingerprint: fingerprint(a.labels) };
}

/** Resolved at `t`: an end time that is not after `t`. */
export function resolvedAt(a: Alert, t: number): boolean {
  return a.endsAt !== 0 && a.endsAt <= t;
}

export function isResolved(a: Alert, now = Date.now()): boolean {
  return resolvedAt(a, now);
}

export function alertStatus(a: Alert, now = Date.now()): 'firing' | 'resolved' {
  return resolvedAt(a, now) ? 'resolved' : 'firing';
}

/**
 * Merges two versions of the same alert as Alertmanager does: the younger one (by
 * `updatedAt`) wins, the earliest start is kept, and a later explicit end time survives a
 * timeout-derived one.
 */
export function mergeAlerts(a: Alert, o: Alert, now = Date.now()): Alert {
  if (o.updatedAt < a.updatedAt) return mergeAlerts(o, a, now);
  let startsAt = o.startsAt;
  let endsAt = o.endsAt;
  if (a.startsAt < o.startsAt) startsAt = a.startsAt;
  if (resolvedAt(o, now)) {
    if (resolvedAt(a, now) && a.endsAt > o.endsAt) endsAt = a.endsAt;
  } else if (a.endsAt > o.endsAt && !a.timeout) {
    endsAt = a.endsAt;
  }
  if (startsAt === o.startsAt && endsAt === o.endsAt) return o;
  return { ...o, startsAt, endsAt };
}

/** Validation of an incoming alert (`types.Alert.Validate`); the error text or null. */
export function validateAlert(a: Alert, validateLabels: (ls: LabelSet) => string | null): string | null {
  if (a.startsAt === 0) return 'start time missing';
  if (a.endsAt !== 0 && a.endsAt < a.startsAt) return 'start time must be before end time';
  const l = validateLabels(a.labels);
  if (l !== null) return `invalid label set: ${l}`;
  if (Object.keys(a.labels).length === 0) return 'at least one label pair required';
  const an = validateLabels(a.annotations);
  if (an !== null) return `invalid annotations: ${an}`;
  return null;
}

/** Alertmanager's notification order: by `job`, then `instance`, then the label sets. */
export function compareAlerts(x: Alert, y: Alert): number {
  for (const k of ['job', 'instance']) {
    const xv = x.labels[k];
    const yv = y.labels[k];
    if (xv === undefined && yv === undefined) continue;
    if (xv === undefined) return 1;
    if (yv === undefined) return -1;
    if (xv !== yv) return xv < yv ? -1 : 1;
  }
  if (labelSetBefore(x.labels, y.labels)) return -1;
  if (labelSetBefore(y.labels, x.labels)) return 1;
  return 0;
}

/** Go's zero time in RFC 3339, as Alertmanager writes an unset time. */
export const ZERO_TIME_TEXT = '0001-01-01T00:00:00Z';

/** RFC 3339 with milliseconds (strfmt.DateTime's format); the zero time for 0. */
export function formatTime(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00.000Z';
  return new Date(ms).toISOString();
}

/** Parses an RFC 3339 time; Go's zero time (year 1) gives 0; undefined when invalid. */
export function parseTime(s: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s)) return undefined;
  if (s.startsWith('0001-01-01')) return 0;
  const ms = Date.parse(s.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}
