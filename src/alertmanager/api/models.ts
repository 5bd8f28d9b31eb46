/**
 * API v2 models as Alertmanager writes them: gettable alerts, alert groups and silences with
 * its field order (go-swagger writes each allOf part's fields alphabetically, then the
 * shared part), RFC 3339 times with milliseconds, and matchers as name/value/isRegex/isEqual.
 */
import type { LabelSet } from '../labels/index.js';
import type { Silence, SilenceMatcher } from '../silence/index.js';
import { formatTime, type Alert, type AlertStatusView } from '../store/index.js';

export interface APIMatcher {
  isEqual: boolean;
  isRegex: boolean;
  name: string;
  value: string;
}

export function matcherToAPI(m: SilenceMatcher): APIMatcher {
  return { isEqual: m.type === '=' || m.type === '=~', isRegex: m.type === '=~' || m.type === '!~', name: m.name, value: m.value };
}

function labelSet(ls: LabelSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(ls)) out[k] = ls[k]!;
  return out;
}

/** A gettable alert: the alert, its marks and the receivers it routes to. */
export function alertToAPI(a: Alert, st: AlertStatusView, receivers: readonly string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {
    annotations: labelSet(a.annotations),
    endsAt: formatTime(a.endsAt),
    fingerprint: a.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: formatTime(a.startsAt),
    status: { inhibitedBy: st.inhibitedBy, mutedBy: st.mutedBy, silencedBy: st.silencedBy, state: st.state },
    updatedAt: formatTime(a.updatedAt),
  };
  if (a.generatorURL !== '') o['generatorURL'] = a.generatorURL;
  o['labels'] = labelSet(a.labels);
  return o;
}

/** A gettable silence; its state is computed at `now` as the API does (active until its end). */
export function silenceToAPI(s: Silence, now: number): Record<string, unknown> {
  const state = now < s.startsAt ? 'pending' : now < s.endsAt ? 'active' : 'expired';
  return {
    id: s.id,
    status: { state },
    updatedAt: formatTime(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: formatTime(s.endsAt),
    matchers: s.matchers.map(matcherToAPI),
    startsAt: formatTime(s.startsAt),
  };
}

const STATE_ORDER = { active: 1, pending: 2, expired: 3 } as const;

/**
 * Alertmanager's order of listed silences: active ones first by end time, then pending ones
 * by start time, then expired ones, most recently ended first.
 */
export function sortSilences(sils: Silence[], now: number): Silence[] {
  return sils.sort((a, b) => {
    const sa = apiState(a, now);
    const sb = apiState(b, now);
    if (sa !== sb) return STATE_ORDER[sa] - STATE_ORDER[sb];
    switch (sa) {
      case 'active': return a.endsAt - b.endsAt;
      case 'pending': return a.startsAt - b.startsAt;
      case 'expired': return b.endsAt - a.endsAt;
    }
  });
}

function apiState(s: Silence, now: number): 'active' | 'pending' | 'expired' {
  return now < s.startsAt ? 'pending' : now < s.endsAt ? 'active' : 'expired';
}
