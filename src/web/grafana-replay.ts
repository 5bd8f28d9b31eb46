/**
 * Test support: the HTTP requests Grafana's Prometheus data source (Grafana 10/11, the
 * `@grafana/prometheus` frontend and the `promlib` backend) sends to a Prometheus server, and
 * readers that take the answers apart the way Grafana does. Grafana cannot run here, so the
 * replay test sends these requests to Watchfire and checks that Grafana would read what it
 * needs from every answer.
 *
 * Facts followed (from Grafana's sources):
 * - Data queries go through the backend. With the default "HTTP method: POST" the instant,
 *   range and exemplar queries are POSTed as `application/x-www-form-urlencoded` forms (keys
 *   sorted, as Go's url.Values encodes them); times are float seconds, range start and end are
 *   aligned down to the step (shifted by the browser's UTC offset), and the step is float
 *   seconds. `$__rate_interval` becomes a Go duration text such as `1m0s`.
 * - Resource calls (editor lookups, buildinfo, rules) go through the backend's resource proxy:
 *   it POSTs, keeping the URL's query string and the frontend's form body, unless the path is
 *   on its GET-only list; when the POST answers 405 or 400 it retries with GET, the body's
 *   parameters moved into the URL.
 * - Requests carry Grafana's User-Agent and the forwarded tracing headers (`X-Dashboard-Uid`,
 *   `X-Panel-Id`, `X-Datasource-Uid`, `X-Grafana-Org-Id`, `X-Query-Group-Id`).
 */

/** The backend's GET-only prefixes, matched against the resource path as Grafana does (without a leading slash). */
const GET_ONLY = [
  'api/v1/label/', 'api/v1/metadata', '/api/v1/targets', '/api/v1/rules', '/api/v1/alerts', '/api/v1/targets/metadata',
  '/api/v1/alertmanagers', '/api/v1/status/config', '/api/v1/status/flags', '/api/v1/status/runtimeinfo',
  '/api/v1/status/buildinfo', '/api/v1/status/tsdb', '/api/v1/status/walreplay', '/api/v1/notifications',
];

export const GRAFANA_HEADERS: Readonly<Record<string, string>> = {
  'User-Agent': 'Grafana/11.3.0',
  'Accept-Encoding': 'gzip',
  'X-Grafana-Org-Id': '1',
  'X-Dashboard-Uid': 'wf-replay',
  'X-Panel-Id': '2',
  'X-Datasource-Uid': 'watchfire',
  'X-Query-Group-Id': '0b7c5b8e-5d0e-4c51-9a53-3f6f8c2f1a11',
};

export interface Exchange {
  method: string;
  url: string;
  body: string;
  status: number;
  text: string;
}

/** Go's url.Values.Encode: keys sorted, values in order. */
export function goEncode(params: Readonly<Record<string, string | readonly string[]>>): string {
  const out: string[] = [];
  for (const k of Object.keys(params).sort()) {
    const v = params[k]!;
    for (const x of typeof v === 'string' ? [v] : v) out.push(`${goEscape(k)}=${goEscape(x)}`);
  }
  return out.join('&');
}

/** Go's url.QueryEscape: spaces as '+', everything but unreserved characters percent-encoded. */
function goEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64) for the values Grafana formats (times and steps). */
export function goFloat(f: number): string {
  return String(f);
}

/** Grafana's AlignTimeRange: t rounded down to a multiple of step, shifted by the UTC offset (all in seconds). */
export function alignTime(tSec: number, stepSec: number, utcOffsetSec: number): number {
  return Math.floor((tSec + utcOffsetSec) / stepSec) * stepSec - utcOffsetSec;
}

async function send(base: string, method: string, pathAndQuery: string, body: string, extra: Readonly<Record<string, string>>): Promise<Exchange> {
  const headers: Record<string, string> = { ...GRAFANA_HEADERS, ...extra };
  const init: RequestInit = { method, headers };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    init.body = body;
  }
  const r = await fetch(base + pathAndQuery, init);
  return { method, url: pathAndQuery, body, status: r.status, text: await r.text() };
}

/** A data query (instant, range, exemplars) as the backend sends it with the default POST method. */
export async function dataQuery(base: string, endpoint: 'query' | 'query_range' | 'query_exemplars', params: Readonly<Record<string, string>>): Promise<Exchange> {
  return send(base, 'POST', `/api/v1/${endpoint}`, goEncode(params), {});
}

/**
 * A resource call through the backend's proxy. `query` is the URL query string the frontend
 * built (GET requests), `form` the body it sent (POST requests). Returns every exchange, the
 * last one being the answer Grafana uses.
 */
export async function resourceCall(base: string, path: string, query: string, form = ''): Promise<Exchange[]> {
  // Grafana matches the path as the caller wrote it (some callers give a leading slash, some do not).
  const resourcePath = path.replace(/^\//, '');
  const url = `/${resourcePath}${query === '' ? '' : '?' + query}`;
  if (GET_ONLY.some((p) => path.startsWith(p))) {
    const merged = [query, form].filter((s) => s !== '').join('&');
    return [await send(base, 'GET', `/${resourcePath}${merged === '' ? '' : '?' + merged}`, '', {})];
  }
  const first = await send(base, 'POST', url, form, {});
  if (first.status !== 405 && first.status !== 400) return [first];
  const merged = [query, form].filter((s) => s !== '').join('&');
  return [first, await send(base, 'GET', `/${resourcePath}${merged === '' ? '' : '?' + merged}`, '', {})];
}

/** Go's strconv.ParseFloat on the texts Prometheus writes. */
export function goParseFloat(s: string): number | null {
  if (!/^[+-]?(Inf|inf|NaN|nan|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/.test(s)) return null;
  if (/nan/i.test(s)) return NaN;
  if (/inf/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return Number(s);
}

/** One series as Grafana's converter builds a frame from it. */
export interface Frame {
  labels: Record<string, string>;
  times: number[];
  values: number[];
  /** Histogram points (heatmap cells) read. */
  histogramPoints: number;
}

export interface Read {
  status: string;
  errorType: string;
  error: string;
  resultType: string;
  frames: Frame[];
  warnings: string[];
  exemplarFrames: { seriesLabels: Record<string, string>; count: number }[];
  strings: string[];
}

function fail(what: string): never {
  throw new Error(`grafana would fail reading the answer: ${what}`);
}

function labelsOf(v: unknown, what: string): Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${what} is not an object`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') fail(`${what}.${k} is not a string`);
    out[k] = x;
  }
  return out;
}

function timeValue(v: unknown, what: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'string') fail(`${what} is not [time, "value"]`);
  const f = goParseFloat(v[1]);
  if (f === null) fail(`${what} value ${JSON.stringify(v[1])} does not parse as a float`);
  return [v[0], f];
}

function histogramPoint(v: unknown, what: string): void {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number') fail(`${what} is not [time, histogram]`);
  const h = v[1] as Record<string, unknown>;
  if (typeof h['count'] !== 'string' || typeof h['sum'] !== 'string') fail(`${what} count/sum are not strings`);
  for (const b of (h['buckets'] ?? []) as unknown[]) {
    if (!Array.isArray(b) || b.length !== 4 || typeof b[0] !== 'number' || b.slice(1).some((x) => typeof x !== 'string' || goParseFloat(x) === null)) {
      fail(`${what} bucket ${JSON.stringify(b)} is not [rule, "lower", "upper", "count"]`);
    }
  }
}

/** Reads an answer the way Grafana's Prometheus converter does; throws where Grafana would fail. */
export function readLikeGrafana(text: string): Read {
  const j = JSON.parse(text) as Record<string, unknown>;
  const str = (v: unknown, dflt: string): string => (typeof v === 'string' ? v : dflt);
  const out: Read = { status: str(j['status'], 'unknown'), errorType: str(j['errorType'], ''), error: str(j['error'], ''), resultType: '', frames: [], warnings: [], exemplarFrames: [], strings: [] };
  for (const w of [...((j['warnings'] ?? []) as unknown[]), ...((j['infos'] ?? []) as unknown[])]) if (typeof w === 'string') out.warnings.push(w);
  if (out.status === 'error') return out;
  const data = j['data'];
  if (Array.isArray(data)) {
    for (const [i, item] of data.entries()) {
      if (typeof item === 'string') { out.strings.push(item); continue; }
      const o = item as Record<string, unknown>;
      if ('exemplars' in o) {
        const seriesLabels = labelsOf(o['seriesLabels'], `data[${i}].seriesLabels`);
        const exs = o['exemplars'] as Record<string, unknown>[];
        for (const [k, e] of exs.entries()) {
          if (typeof e['value'] !== 'string' || goParseFloat(e['value']) === null) fail(`exemplar ${i}/${k} value`);
          if (typeof e['timestamp'] !== 'number') fail(`exemplar ${i}/${k} timestamp`);
          labelsOf(e['labels'], `exemplar ${i}/${k} labels`);
        }
        out.exemplarFrames.push({ seriesLabels, count: exs.length });
      } else {
        labelsOf(o, `data[${i}]`);
      }
    }
    return out;
  }
  if (data === null || typeof data !== 'object') fail('data is neither an object nor an array');
  const d = data as Record<string, unknown>;
  if (typeof d['resultType'] !== 'string') fail('no resultType found');
  out.resultType = d['resultType'];
  const result = d['result'];
  switch (out.resultType) {
    case 'matrix': case 'vector':
      for (const [i, s] of (result as Record<string, unknown>[]).entries()) {
        const f: Frame = { labels: labelsOf(s['metric'], `result[${i}].metric`), times: [], values: [], histogramPoints: 0 };
        const pts = s['value'] !== undefined ? [s['value']] : ((s['values'] ?? []) as unknown[]);
        for (const p of pts) {
          const [t, v] = timeValue(p, `result[${i}] point`);
          f.times.push(t);
          f.values.push(v);
        }
        const hs = s['histogram'] !== undefined ? [s['histogram']] : ((s['histograms'] ?? []) as unknown[]);
        for (const h of hs) { histogramPoint(h, `result[${i}] histogram`); f.histogramPoints++; }
        out.frames.push(f);
      }
      break;
    case 'scalar': {
      const [t, v] = timeValue(result, 'scalar result');
      out.frames.push({ labels: {}, times: [t], values: [v], histogramPoints: 0 });
      break;
    }
    case 'string':
      if (!Array.isArray(result) || typeof result[0] !== 'number' || typeof result[1] !== 'string') fail('string result');
      out.strings.push(result[1]);
      break;
    default:
      fail(`unknown result type: ${out.resultType}`);
  }
  return out;
}

/** Grafana's annotation events from an annotation query's frames: regions of values > 0 at most one step apart. */
export function annotationEvents(frames: readonly Frame[], stepSec: number, titleLabel: string, tagKeys: readonly string[]): { title: string; tags: string[]; time: number; timeEnd: number }[] {
  const events: { title: string; tags: string[]; time: number; timeEnd: number }[] = [];
  for (const f of frames) {
    const tags = Object.keys(f.labels).filter((k) => tagKeys.includes(k)).map((k) => f.labels[k]!);
    let cur: { title: string; tags: string[]; time: number; timeEnd: number } | null = null;
    for (let i = 0; i < f.times.length; i++) {
      if (!(f.values[i]! > 0)) continue;
      const t = Math.floor(f.times[i]! * 1000);
      if (cur !== null && cur.timeEnd + stepSec * 1000 >= t) { cur.timeEnd = t; continue; }
      if (cur !== null) events.push(cur);
      cur = { title: f.labels[titleLabel] ?? '', tags, time: t, timeEnd: t };
    }
    if (cur !== null) events.push(cur);
  }
  return events;
}
