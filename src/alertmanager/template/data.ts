/**
 * The data a notification is rendered from (Alertmanager's `template.Data`), built from the
 * alerts of one notification as `Template.Data` builds it: the receiver name regexp-quoted,
 * the group's status (firing while any alert fires), each alert's status at the flush time,
 * the group labels, and the labels and annotations common to all alerts.
 */
import { GoVal } from '../../template/index.js';
import type { LabelSet } from '../labels/index.js';
import { resolvedAt, type Alert } from '../store/index.js';
import { type AlertRaw, DATA, type DataRaw } from './types.js';

export type AlertStatus = 'firing' | 'resolved';

/** One alert as templates and webhook bodies see it. Times are Unix ms; 0 is Go's zero time. */
export interface TemplateAlert {
  /** `firing` or `resolved` for real alerts; sample data (amtool's) may carry other text. */
  readonly status: string;
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

export interface TemplateData {
  readonly receiver: string;
  readonly status: string;
  readonly alerts: readonly TemplateAlert[];
  readonly groupLabels: LabelSet;
  readonly commonLabels: LabelSet;
  readonly commonAnnotations: LabelSet;
  readonly externalURL: string;
}

/** Go's regexp.QuoteMeta: a backslash before each of `\.+*?()|[]{}^$`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** What the labels or annotations of every alert share (the first alert's pairs kept by all). */
function common(sets: readonly LabelSet[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (sets.length === 0) return out;
  const first = sets[0]!;
  for (const k of Object.keys(first)) {
    const v = first[k]!;
    let shared = true;
    for (let i = 1; i < sets.length && shared; i++) shared = sets[i]![k] === v;
    if (shared) out[k] = v;
  }
  return out;
}

/**
 * Builds the data of a notification. `now` decides which alerts are resolved (an end time
 * not after it); `externalURL` is Alertmanager's external URL as it prints (no trailing
 * slash).
 */
export function templateData(receiver: string, groupLabels: LabelSet, alerts: readonly Alert[], externalURL: string, now: number): TemplateData {
  const out: TemplateAlert[] = [];
  let firing = false;
  for (const a of alerts) {
    const status: AlertStatus = resolvedAt(a, now) ? 'resolved' : 'firing';
    if (status === 'firing') firing = true;
    out.push({
      status, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: a.endsAt,
      generatorURL: a.generatorURL, fingerprint: a.fingerprint,
    });
  }
  return {
    receiver: quoteMeta(receiver),
    status: firing ? 'firing' : 'resolved',
    alerts: out,
    groupLabels: { ...groupLabels },
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL,
  };
}

const NS_PER_MS = 1_000_000n;
/** Go's zero time (January 1, year 1, UTC) in Unix nanoseconds. */
export const GO_ZERO_TIME_NS = -62_135_596_800_000_000_000n;

/** A Unix ms time as a template time value's payload (Go's zero time for 0). */
export function timeNs(ms: number): bigint {
  return ms === 0 ? GO_ZERO_TIME_NS : BigInt(Math.round(ms)) * NS_PER_MS;
}

function alertRaw(a: TemplateAlert): AlertRaw {
  return {
    Status: a.status, Labels: a.labels, Annotations: a.annotations, StartsAt: timeNs(a.startsAt), EndsAt: timeNs(a.endsAt),
    GeneratorURL: a.generatorURL, Fingerprint: a.fingerprint,
  };
}

/** The data as a template value of type `template.Data`. */
export function dataValue(d: TemplateData): GoVal {
  const raw: DataRaw = {
    Receiver: d.receiver, Status: d.status, Alerts: d.alerts.map(alertRaw), GroupLabels: d.groupLabels,
    CommonLabels: d.commonLabels, CommonAnnotations: d.commonAnnotations, ExternalURL: d.externalURL,
  };
  return new GoVal(DATA, raw);
}
