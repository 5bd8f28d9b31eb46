/**
 * Alertmanager's API v2 (`/api/v2/...`): status, receivers, alerts (list and post), alert
 * groups, silences (list, post, get, expire), with Alertmanager's filters, validation,
 * status codes and JSON shapes, so that Prometheus, Grafana and amtool work against it.
 */
import type { IncomingMessage } from 'node:http';
import { readBodyLimited, type RequestContext, type Router } from '../../web/index.js';
import { FastRegexMatcher } from '../../model/index.js';
import { parseMatcher, validateLabelSet, type AMMatcher, type LabelSet } from '../labels/index.js';
import { SilenceError, SilenceNotFoundError, type Silence } from '../silence/index.js';
import { newAlert, validateAlert, type Alert } from '../store/index.js';
import { alertToAPI, silenceToAPI, sortSilences } from './models.js';
import { BodyError, decodePostableAlerts, decodePostableSilence } from './decode.js';
import { goJSON, sendEmpty, sendErrorString, sendModel, sendSwaggerError } from './respond.js';
import type { AlertmanagerAPIDeps } from './deps.js';

/** Request bodies above this size are refused (Alertmanager has no limit; this guards memory). */
const MAX_BODY = 64 << 20;

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** go-openapi's reading of a boolean query parameter: known true words, else false; absent = default. */
function boolParam(url: URL, name: string, def: boolean): boolean {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return def;
  return ['true', '1', 'yes', 'ok', 'y', 'on', 'selected', 'checked', 't', 'enabled'].includes(v.toLowerCase());
}

/** Filter matchers of a request; a parse error is answered with 400. */
function filterParam(c: RequestContext): AMMatcher[] | null {
  const out: AMMatcher[] = [];
  for (const f of c.url.searchParams.getAll('filter')) {
    try {
      out.push(parseMatcher(f));
    } catch (e) {
      sendErrorString(c.res, 400, e instanceof Error ? e.message : String(e));
      return null;
    }
  }
  return out;
}

/** `receiver=` as an anchored regex; undefined when absent; null when answered with 400. */
function receiverParam(c: RequestContext): FastRegexMatcher | undefined | null {
  const r = c.url.searchParams.get('receiver');
  if (r === null) return undefined;
  try {
    return new FastRegexMatcher(r);
  } catch (e) {
    // Go reports the anchored expression it compiled.
    const why = (e instanceof Error ? e.message : String(e)).replace(/`[^`]*`$/, () => `\`^(?:${r})$\``);
    sendErrorString(c.res, 400, `failed to parse receiver param: ${why}`);
    return null;
  }
}

/**
 * The API's label filter: a matcher with an empty value accepts an absent label for `=`/`=~`
 * and a present one for `!=`/`!~` (Alertmanager's matchFilterLabels).
 */
export function matchFilterLabels(ms: readonly AMMatcher[], ls: LabelSet): boolean {
  for (const m of ms) {
    const v = ls[m.name];
    if (m.type === '!=' || m.type === '!~') {
      if (m.value === '' && v !== undefined) continue;
    } else if (m.value === '' && v === undefined) {
      continue;
    }
    if (!m.matches(v ?? '')) return false;
  }
  return true;
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const b = await readBodyLimited(req, MAX_BODY);
  return b === null ? null : b.toString('utf8');
}

function isJSON(req: IncomingMessage): boolean {
  const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return ct === 'application/json' || ct === '';
}

/** Registers the API v2 routes. */
export function registerAPIv2(r: Router, d: AlertmanagerAPIDeps): void {
  r.get('/api/v2/status', (c) => {
    const st = {
      cluster: { peers: [], status: 'disabled' },
      config: { original: d.active.loaded.yaml },
      uptime: new Date(d.startedAt).toISOString(),
      versionInfo: d.versionInfo,
    };
    sendModel(c.res, goJSON(st));
  });

  r.get('/api/v2/receivers', (c) => {
    sendModel(c.res, goJSON(d.active.loaded.config.receivers.map((x) => ({ name: x.name }))));
  });

  r.get('/api/v2/alerts', (c) => {
    const matchers = filterParam(c);
    if (matchers === null) return;
    const recv = receiverParam(c);
    if (recv === null) return;
    const filter = alertFilter(d, matchers, boolParam(c.url, 'silenced', true), boolParam(c.url, 'inhibited', true), boolParam(c.url, 'active', true));
    const route = d.active.route;
    const now = d.now();
    const out: { fp: string; v: Record<string, unknown> }[] = [];
    for (const a of d.alerts.list()) {
      const receivers = route.match(a.labels).map((x) => x.opts.receiver);
      if (recv !== undefined && !receivers.some((x) => recv.matches(x))) continue;
      if (!filter(a, now)) continue;
      out.push({ fp: a.fingerprint, v: alertToAPI(a, d.marker.status(a.fingerprint), receivers) });
    }
    out.sort((x, y) => (x.fp < y.fp ? -1 : x.fp > y.fp ? 1 : 0));
    sendModel(c.res, goJSON(out.map((x) => x.v)));
  });

  r.post('/api/v2/alerts', async (c) => {
    if (!isJSON(c.req)) {
      sendSwaggerError(c.res, 415, 415, `unsupported media type ${JSON.stringify(c.req.headers['content-type'] ?? '')}, only [application/json] are allowed`);
      return;
    }
    const body = await readBody(c.req);
    if (body === null) { sendErrorString(c.res, 413, 'request body too large'); return; }
    let posted;
    try {
      posted = decodePostableAlerts(body);
    } catch (e) {
      if (!(e instanceof BodyError)) throw e;
      sendSwaggerError(c.res, e.status, e.code, e.message);
      return;
    }
    const now = d.now();
    const resolveTimeout = d.active.loaded.config.global.resolve_timeout;
    const valid: Alert[] = [];
    const errs: string[] = [];
    for (const p of posted) {
      let startsAt = p.startsAt;
      let endsAt = p.endsAt;
      let timeout = false;
      if (startsAt === 0) startsAt = endsAt === 0 ? now : endsAt;
      if (endsAt === 0) {
        timeout = true;
        endsAt = now + resolveTimeout;
      }
      d.counters().receivedAlert(endsAt > d.now() ? 'firing' : 'resolved');
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(p.labels)) if (v !== '') labels[k] = v;
      const a = newAlert({ labels, annotations: p.annotations, startsAt, endsAt, updatedAt: now, generatorURL: p.generatorURL, timeout });
      const why = validateAlert(a, validateLabelSet);
      if (why !== null) {
        errs.push(why);
        d.counters().invalidAlert();
        continue;
      }
      valid.push(a);
    }
    d.putAlerts(valid);
    if (errs.length > 0) {
      sendErrorString(c.res, 400, errs.join('; '));
      return;
    }
    sendEmpty(c.res, 200);
  });

  r.get('/api/v2/alerts/groups', (c) => {
    const matchers = filterParam(c);
    if (matchers === null) return;
    const recv = receiverParam(c);
    if (recv === null) return;
    const filter = alertFilter(d, matchers, boolParam(c.url, 'silenced', true), boolParam(c.url, 'inhibited', true), boolParam(c.url, 'active', true));
    const now = d.now();
    const { groups, receivers } = d.active.dispatcher.groups((rt) => recv === undefined || recv.matches(rt.opts.receiver), (a) => filter(a, now));
    const out = groups.map((g) => ({
      alerts: g.alerts.map((a) => alertToAPI(a, d.marker.status(a.fingerprint), receivers.get(a.fingerprint) ?? [])),
      labels: { ...g.labels },
      receiver: { name: g.receiver },
    }));
    sendModel(c.res, goJSON(out));
  });

  r.get('/api/v2/silences', (c) => {
    const matchers = filterParam(c);
    if (matchers === null) return;
    const now = d.now();
    const sils = d.silences.query().filter((s) => silenceMatchesFilter(s, matchers));
    sendModel(c.res, goJSON(sortSilences(sils, now).map((s) => silenceToAPI(s, now))));
  });

  r.post('/api/v2/silences', async (c) => {
    if (!isJSON(c.req)) {
      sendSwaggerError(c.res, 415, 415, `unsupported media type ${JSON.stringify(c.req.headers['content-type'] ?? '')}, only [application/json] are allowed`);
      return;
    }
    const body = await readBody(c.req);
    if (body === null) { sendErrorString(c.res, 413, 'request body too large'); return; }
    let sil: Silence;
    try {
      sil = decodePostableSilence(body);
    } catch (e) {
      if (!(e instanceof BodyError)) throw e;
      sendSwaggerError(c.res, e.status, e.code, e.message);
      return;
    }
    if (sil.startsAt >= sil.endsAt) {
      sendErrorString(c.res, 400, 'Failed to create silence: start time must be before end time');
      return;
    }
    if (sil.endsAt < d.now()) {
      sendErrorString(c.res, 400, "Failed to create silence: end time can't be in the past");
      return;
    }
    let id: string;
    try {
      id = d.silences.set(sil);
    } catch (e) {
      if (e instanceof SilenceNotFoundError) { sendErrorString(c.res, 404, e.message); return; }
      if (e instanceof SilenceError || e instanceof Error) { sendErrorString(c.res, 400, e.message); return; }
      throw e;
    }
    sendModel(c.res, JSON.stringify({ silenceID: id }));
  });

  const silenceID = (c: RequestContext): string | null => {
    const id = c.params['silenceID'] ?? '';
    if (!UUID_RE.test(id)) {
      sendSwaggerError(c.res, 422, 601, `silenceID in path must be of type uuid: ${JSON.stringify(id)}`);
      return null;
    }
    return id;
  };

  r.get('/api/v2/silence/:silenceID', (c) => {
    const id = silenceID(c);
    if (id === null) return;
    const s = d.silences.query({ ids: [id] })[0];
    if (s === undefined) { sendEmpty(c.res, 404); return; }
    sendModel(c.res, goJSON(silenceToAPI(s, d.now())));
  });

  r.del('/api/v2/silence/:silenceID', (c) => {
    const id = silenceID(c);
    if (id === null) return;
    try {
      d.silences.expire(id);
    } catch (e) {
      // Newer Alertmanagers answer 404 for an unknown silence (0.25 answered 500).
      if (e instanceof SilenceNotFoundError) { sendEmpty(c.res, 404); return; }
      sendErrorString(c.res, 500, e instanceof Error ? e.message : String(e));
      return;
    }
    sendEmpty(c.res, 200);
  });
}

/**
 * Alertmanager's alert filter of the API: resolved alerts are left out; the alert's marks
 * are recomputed; then the active/silenced/inhibited switches and the label filter apply.
 */
function alertFilter(d: AlertmanagerAPIDeps, ms: readonly AMMatcher[], silenced: boolean, inhibited: boolean, active: boolean): (a: Alert, now: number) => boolean {
  return (a, now) => {
    if (a.endsAt !== 0 && a.endsAt < now) return false;
    d.updateStatus(a);
    const st = d.marker.status(a.fingerprint);
    if (!active && st.state === 'active') return false;
    if (!silenced && st.silencedBy.length > 0) return false;
    if (!inhibited && st.inhibitedBy.length > 0) return false;
    return matchFilterLabels(ms, a.labels);
  };
}

/** A silence passes a filter when it has, for every filter matcher, an identical matcher. */
function silenceMatchesFilter(s: Silence, ms: readonly AMMatcher[]): boolean {
  for (const m of ms) {
    if (!s.matchers.some((x) => x.name === m.name && x.type === m.type && x.value === m.value)) return false;
  }
  return true;
}
