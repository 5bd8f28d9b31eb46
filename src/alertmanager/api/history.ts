/**
 * `GET /api/v2/history` — Watchfire's extension: the alert history (fired, resolved,
 * silenced, inhibited, notified), oldest first. Parameters: `filter` (matchers, repeatable,
 * as for /api/v2/alerts), `start` and `end` (RFC 3339 or Unix seconds), `kind` (event kinds,
 * repeatable or comma-separated), `fingerprint`, `limit` (the most recent N).
 */
import type { Router } from '../../web/index.js';
import { parseMatcher, type AMMatcher } from '../labels/index.js';
import { HISTORY_EVENT_KINDS, type HistoryEvent, type HistoryEventKind, type HistoryQuery, type HistoryStore } from '../history/index.js';
import { formatTime, parseTime } from '../store/index.js';
import { goJSON, sendErrorString, sendModel } from './respond.js';

/** RFC 3339 or (fractional) Unix seconds, in ms; undefined when invalid. */
export function parseTimeParam(s: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  return parseTime(s);
}

/** An event as the API shows it: the time in RFC 3339. */
export function historyEventToAPI(e: HistoryEvent): Record<string, unknown> {
  return { ...e, at: formatTime(e.at) };
}

export function registerHistoryAPI(r: Router, history: () => HistoryStore): void {
  r.get('/api/v2/history', async (c) => {
    const p = c.url.searchParams;
    const q: HistoryQuery = {};
    const matchers: AMMatcher[] = [];
    for (const f of p.getAll('filter')) {
      try {
        matchers.push(parseMatcher(f));
      } catch (e) {
        sendErrorString(c.res, 400, e instanceof Error ? e.message : String(e));
        return;
      }
    }
    q.matchers = matchers;
    for (const k of ['start', 'end'] as const) {
      const v = p.get(k);
      if (v === null || v === '') continue;
      const t = parseTimeParam(v);
      if (t === undefined) {
        sendErrorString(c.res, 400, `invalid ${k} time ${JSON.stringify(v)}`);
        return;
      }
      q[k] = t;
    }
    const kinds = new Set<HistoryEventKind>();
    for (const v of p.getAll('kind')) {
      for (const k of v.split(',')) {
        if (k === '') continue;
        if (!HISTORY_EVENT_KINDS.includes(k as HistoryEventKind)) {
          sendErrorString(c.res, 400, `unknown event kind ${JSON.stringify(k)}; one of ${HISTORY_EVENT_KINDS.join(', ')}`);
          return;
        }
        kinds.add(k as HistoryEventKind);
      }
    }
    q.kinds = kinds;
    const fp = p.get('fingerprint');
    if (fp !== null) q.fingerprint = fp;
    const limit = p.get('limit');
    if (limit !== null && limit !== '') {
      const n = Number(limit);
      if (!Number.isSafeInteger(n) || n < 0) {
        sendErrorString(c.res, 400, `invalid limit ${JSON.stringify(limit)}`);
        return;
      }
      q.limit = n;
    }
    const events = await history().query(q);
    sendModel(c.res, goJSON(events.map(historyEventToAPI)));
  });
}
