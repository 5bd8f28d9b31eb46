/**
 * The body of `POST /api/v2/alerts`, byte for byte as Prometheus encodes it: a JSON array of
 * `{"annotations":{…},"endsAt":"…","startsAt":"…","generatorURL":"…","labels":{…}}`, label
 * names sorted, times in UTC with milliseconds (`2006-01-02T15:04:05.000Z`), `<`, `>` and `&`
 * escaped as Go's encoder does, empty annotations and generator URL left out.
 */
import type { Labels } from '../model/index.js';
import type { NotifierAlert } from './alert.js';

/** A JSON string as Go's encoding/json writes it (HTML-safe escapes, U+2028/9 escaped). */
export function goJSONString(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20) {
      esc = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : `\\u00${c.toString(16).padStart(2, '0')}`;
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c) esc = '\\u003c';
    else if (c === 0x3e) esc = '\\u003e';
    else if (c === 0x26) esc = '\\u0026';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is not valid UTF-8: Go writes the replacement character.
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) { i++; continue; }
      esc = '\\ufffd';
    }
    if (esc !== null) {
      out += s.slice(from, i) + esc;
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}

function labelSet(l: Labels): string {
  // Labels are sorted by name already, as Go sorts map keys.
  let s = '{';
  for (let i = 0; i < l.length; i++) {
    if (i > 0) s += ',';
    s += goJSONString(l.nameAt(i)) + ':' + goJSONString(l.valueAt(i));
  }
  return s + '}';
}

/** Go's strfmt.DateTime text: RFC 3339 in UTC with milliseconds; Go's zero time for 0. */
export function formatDateTime(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00.000Z';
  return new Date(ms).toISOString();
}

export function encodeAlertsV2(alerts: readonly NotifierAlert[]): string {
  let s = '[';
  for (let i = 0; i < alerts.length; i++) {
    const a = alerts[i]!;
    if (i > 0) s += ',';
    s += '{';
    if (!a.annotations.isEmpty()) s += `"annotations":${labelSet(a.annotations)},`;
    s += `"endsAt":"${formatDateTime(a.endsAt)}","startsAt":"${formatDateTime(a.startsAt)}"`;
    if (a.generatorURL !== '') s += `,"generatorURL":${goJSONString(a.generatorURL)}`;
    s += `,"labels":${labelSet(a.labels)}}`;
  }
  return s + ']';
}
