/**
 * Differential test of the HTTP API against a real Prometheus 2.42 (Debian's package).
 *
 * Both servers receive the same remote-write requests (floats, a counter reset, native
 * histograms, exemplars) and both scrape the same small local target at 1 s (for metadata).
 * Then the same good and bad requests go to both, and status codes, error types, error texts
 * and JSON data are compared: exactly where the data is identical (the remote-written
 * series), by structure elsewhere. Where Prometheus 3.x (which Watchfire follows) answers
 * differently from 2.42, the case names the difference and checks each side against its own
 * expectation. Finally `promtool query instant|range|series|labels` must print the same
 * against both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, peer, startPeer, waitReady, type RunningPeer } from '../../../testing/peers.js';
import type { ServerHandle } from '../../../cmd/server.js';
import { launchTestServer } from '../../../testing/server.js';
import { remoteWrite, type RWSeries } from './test-remote-write.js';

const TARGET = `# HELP t_requests_total Requests served.
# TYPE t_requests_total counter
t_requests_total{path="/a"} 7
t_requests_total{path="/b"} 3
# HELP t_temperature_celsius A temperature.
# TYPE t_temperature_celsius gauge
t_temperature_celsius 21.5
# HELP t_latency_seconds Latency.
# TYPE t_latency_seconds summary
t_latency_seconds{quantile="0.5"} 0.2
t_latency_seconds_sum 4
t_latency_seconds_count 10
`;

async function serveTarget(): Promise<Server> {
  const srv = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(TARGET);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return srv;
}

/** The remote-written data set: 41 points every 15 s from `start`. */
function dataset(start: number): RWSeries[] {
  const pts = (f: (i: number) => number): [number, number][] => Array.from({ length: 41 }, (_v, i) => [start + i * 15_000, f(i)]);
  return [
    { labels: { __name__: 'wf_gauge', job: 'rw', instance: 'a' }, samples: pts((i) => Math.round(100 * Math.sin(i / 5)) / 4) },
    { labels: { __name__: 'wf_gauge', job: 'rw', instance: 'b' }, samples: pts((i) => (i % 7) * 1.5 - 2) },
    {
      labels: { __name__: 'wf_requests_total', job: 'rw', code: '200' }, samples: pts((i) => i * 12 + (i % 3)),
      exemplars: [0, 10, 20, 30].map((i) => ({ labels: { trace_id: `tr${i}` }, value: i * 12, t: start + i * 15_000 })),
    },
    { labels: { __name__: 'wf_requests_total', job: 'rw', code: '500' }, samples: pts((i) => (i < 25 ? i * 2 : (i - 25) * 3)) },
    {
      labels: { __name__: 'wf_native', job: 'rw' }, samples: [],
      histograms: Array.from({ length: 41 }, (_v, i) => ({
        t: start + i * 15_000, count: 7 * i, sum: 2.5 * i, schema: 0, zeroThreshold: 0.001, zeroCount: i,
        positiveSpans: [{ offset: 0, length: 3 }], positiveDeltas: [2 * i, -i, 2 * i],
      })),
    },
  ];
}

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown> | null;
  headers: Headers;
}

async function call(base: string, c: Case): Promise<Answer> {
  const init: RequestInit = { method: c.method ?? (c.form !== undefined ? 'POST' : 'GET'), headers: { ...c.headers } };
  if (c.form !== undefined) {
    (init.headers as Record<string, string>)['Content-Type'] = 'application/x-www-form-urlencoded';
    init.body = c.form;
  }
  const r = await fetch(base + c.path, init);
  const text = await r.text();
  let json: Record<string, unknown> | null = null;
  if ((r.headers.get('content-type') ?? '').startsWith('application/json')) json = JSON.parse(text) as Record<string, unknown>;
  return { status: r.status, text, json, headers: r.headers };
}

/** Removes what legitimately differs between two runs (timings) and orders what has no order. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(normalize);
    // Series lists (vectors, matrices, exemplar results) have no guaranteed order: sort by their labels.
    if (items.length > 0 && items.every((x) => x !== null && typeof x === 'object' && ('metric' in x || 'seriesLabels' in x))) {
      return [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    return items;
  }
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'timings') continue;
      o[k] = normalize(x);
    }
    return o;
  }
  return v;
}

/** The structure of a value: keys and kinds, arrays by the shape of their first element. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : [shape(v[0])];
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = shape((v as Record<string, unknown>)[k]);
    return o;
  }
  return v === null ? 'null' : typeof v;
}

interface Expect {
  status: number;
  errorType?: string;
  error?: string | RegExp;
  check?: (a: Answer) => void;
}

interface Case {
  name: string;
  path: string;
  method?: string;
  form?: string;
  headers?: Record<string, string>;
  /** exact: same status and same (normalized) JSON body. error: same status, errorType and error text.
   * errorType: same status and errorType. shape: same status and JSON structure. status: same status and body text. */
  compare?: 'exact' | 'error' | 'errorType' | 'shape' | 'status';
  /** A deliberate 2.42 → 3.x difference: each side is checked against its own expectation. */
  diff?: { why: string; prom: Expect; wf: Expect };
}

function checkExpect(side: string, a: Answer, e: Expect, name: string): void {
  assert.equal(a.status, e.status, `${name}: ${side} status (${a.text.slice(0, 200)})`);
  if (e.errorType !== undefined) assert.equal(a.json?.['errorType'], e.errorType, `${name}: ${side} errorType`);
  if (typeof e.error === 'string') assert.equal(a.json?.['error'], e.error, `${name}: ${side} error`);
  else if (e.error !== undefined) assert.match(String(a.json?.['error']), e.error, `${name}: ${side} error`);
  e.check?.(a);
}

function compareAnswers(c: Case, p: Answer, w: Answer): void {
  if (c.diff !== undefined) {
    checkExpect('prometheus', p, c.diff.prom, c.name);
    checkExpect('watchfire', w, c.diff.wf, c.name);
    return;
  }
  assert.equal(w.status, p.status, `${c.name}: status (prometheus ${p.text.slice(0, 300)} | watchfire ${w.text.slice(0, 300)})`);
  switch (c.compare ?? 'exact') {
    case 'exact':
      assert.deepEqual(normalize(w.json), normalize(p.json), c.name);
      return;
    case 'error':
      assert.equal(w.json?.['errorType'], p.json?.['errorType'], `${c.name}: errorType`);
      assert.equal(w.json?.['error'], p.json?.['error'], `${c.name}: error`);
      return;
    case 'errorType':
      assert.equal(w.json?.['errorType'], p.json?.['errorType'], `${c.name}: errorType`);
      return;
    case 'shape':
      assert.deepEqual(shape(w.json), shape(p.json), c.name);
      return;
    case 'status':
      assert.equal(w.text, p.text, `${c.name}: body`);
      return;
  }
}

const enc = encodeURIComponent;
const data = (a: Answer): unknown => a.json?.['data'];
const notFound: Expect = { status: 404, check: (a) => { assert.equal(a.text, '404 page not found\n'); } };

function cases(start: number, end: number): Case[] {
  // Evaluation times between samples: 3.x's range windows exclude their start, 2.42's include
  // it, so a sample exactly at a window's start would be a (deliberate) difference.
  const T = (start + 307_500) / 1000, S = (start + 7_500) / 1000, E = (end - 7_500) / 1000;
  const q = (expr: string, extra = ''): string => `/api/v1/query?query=${enc(expr)}&time=${T}${extra}`;
  const qr = (expr: string, step: string, extra = ''): string => `/api/v1/query_range?query=${enc(expr)}&start=${S}&end=${E}&step=${step}${extra}`;
  return [
    // Instant queries over identical data: exactly the same answers.
    { name: 'vector selector', path: q('wf_gauge') },
    { name: 'rate with a counter reset', path: q('sum by (code) (rate(wf_requests_total[2m]))') },
    { name: 'offset and @', path: q('wf_requests_total offset 1m') },
    { name: '@ modifier', path: q(`wf_gauge @ ${S + 60}`) },
    { name: 'aggregation', path: q('topk(1, wf_gauge) or count(wf_gauge)') },
    { name: 'scalar', path: q('scalar(sum(wf_gauge{instance="a"}))') },
    { name: 'arithmetic on scalars', path: q('1 + 2 * 3') },
    { name: 'string', path: q('"a string"') },
    { name: 'range vector', path: q('wf_gauge{instance="b"}[1m]') },
    { name: 'native histogram sample', path: q('wf_native') },
    { name: 'native histogram range', path: q('wf_native[30s]') },
    { name: 'histogram_quantile in the zero bucket', path: q('histogram_quantile(0.1, rate(wf_native[2m]))') },
    { name: 'histogram_count and sum', path: q('histogram_count(wf_native) + histogram_sum(wf_native)') },
    { name: 'absent', path: q('absent(nothing_here)') },
    { name: 'empty result', path: q('nothing_here') },
    { name: 'POST form', path: '/api/v1/query', form: `query=${enc('wf_gauge * 2')}&time=${T}` },
    { name: 'RFC 3339 time', path: `/api/v1/query?query=wf_gauge&time=${enc(new Date(start + 300_000).toISOString())}` },
    { name: 'timeout that does not strike', path: q('wf_gauge', '&timeout=30s') },
    // Range queries.
    { name: 'range query', path: qr('wf_gauge', '30s') },
    { name: 'range query, float step', path: qr('rate(wf_requests_total[1m])', '60') },
    { name: 'range query, histograms', path: qr('wf_native', '2m') },
    { name: 'range query via POST', path: '/api/v1/query_range', form: `query=wf_gauge&start=${S}&end=${E}&step=45s` },
    // Metadata over storage.
    { name: 'labels with match[]', path: `/api/v1/labels?match[]=${enc('{job="rw"}')}` },
    { name: 'labels, two match[]', path: '/api/v1/labels', form: `match[]=wf_gauge&match[]=${enc('wf_requests_total{code="500"}')}` },
    { name: 'label values', path: `/api/v1/label/instance/values?match[]=wf_gauge` },
    { name: 'metric names of a job', path: `/api/v1/label/__name__/values?match[]=${enc('{job="rw"}')}` },
    { name: 'label values outside the time range', path: `/api/v1/label/code/values?start=${S - 1000}&end=${S - 900}` },
    { name: 'series', path: `/api/v1/series?match[]=wf_gauge&match[]=${enc('wf_requests_total{code="200"}')}` },
    { name: 'series via POST with a range', path: '/api/v1/series', form: `match[]=${enc('{job="rw"}')}&start=${S}&end=${E}` },
    { name: 'exemplars', path: `/api/v1/query_exemplars?query=${enc('rate(wf_requests_total[1m])')}&start=${S}&end=${E}` },
    { name: 'exemplars, part of the range', path: `/api/v1/query_exemplars?query=wf_requests_total&start=${S + 100}&end=${S + 400}` },
    { name: 'exemplars without selectors (204)', path: '/api/v1/query_exemplars?query=1', compare: 'status' },
    { name: 'format_query', path: `/api/v1/format_query?query=${enc('sum(rate(x{a="b"}[5m]))by(job)/ignoring(c)y')}` },
    // Scraped metadata of the shared target.
    { name: 'metadata of one metric', path: '/api/v1/metadata?metric=t_requests_total' },
    { name: 'metadata, all', path: '/api/v1/metadata' },
    { name: 'target metadata', path: `/api/v1/targets/metadata?match_target=${enc('{job="t"}')}&metric=t_temperature_celsius` },
    // Server state without rules and Alertmanagers.
    { name: 'rules', path: '/api/v1/rules' },
    { name: 'rules of a type', path: '/api/v1/rules?type=alert' },
    { name: 'alerts', path: '/api/v1/alerts' },
    { name: 'alertmanagers', path: '/api/v1/alertmanagers' },
    { name: 'walreplay', path: '/api/v1/status/walreplay' },
    { name: 'tsdb status', path: '/api/v1/status/tsdb', compare: 'shape' },

    // Errors, with the same texts.
    { name: 'bad query', path: q('sum(wf_gauge'), compare: 'error' },
    { name: 'bad query, unexpected token', path: q('wf_gauge +'), compare: 'error' },
    { name: 'unknown function', path: q('nofunc(wf_gauge)'), compare: 'error' },
    { name: 'execution error', path: q('label_replace({job="rw",code=~".+"}, "code", "x", "", "")'), compare: 'error' },
    { name: 'missing start', path: '/api/v1/query_range?query=up&end=10&step=1', compare: 'error' },
    { name: 'bad end', path: '/api/v1/query_range?query=up&start=1&end=x&step=1', compare: 'error' },
    { name: 'end before start', path: '/api/v1/query_range?query=up&start=10&end=5&step=1', compare: 'error' },
    { name: 'missing step', path: '/api/v1/query_range?query=up&start=1&end=5', compare: 'error' },
    { name: 'bad step', path: '/api/v1/query_range?query=up&start=1&end=5&step=x', compare: 'error' },
    { name: 'zero step', path: '/api/v1/query_range?query=up&start=1&end=5&step=0', compare: 'error' },
    { name: 'too many points', path: '/api/v1/query_range?query=up&start=0&end=11001&step=1', compare: 'error' },
    { name: 'bad timeout', path: q('up', '&timeout=x'), compare: 'error' },
    // Where the deadline strikes first ("query queue" or "query execution") is a race in Prometheus.
    { name: 'zero timeout', path: q('wf_gauge', '&timeout=0'), compare: 'errorType' },
    { name: 'labels: bad match[]', path: `/api/v1/labels?match[]=${enc('up{')}`, compare: 'error' },
    { name: 'labels: empty matchers', path: `/api/v1/labels?match[]=${enc('{a=""}')}`, compare: 'error' },
    { name: 'labels: bad start', path: '/api/v1/labels?start=x', compare: 'errorType' },
    { name: 'series: no match[]', path: '/api/v1/series', compare: 'error' },
    { name: 'series: bad match[]', path: `/api/v1/series?match[]=${enc('{a=~"("}')}`, compare: 'errorType' },
    { name: 'series: empty matchers', path: `/api/v1/series?match[]=${enc('{a=~".*"}')}`, compare: 'error' },
    { name: 'series: bad escape', path: '/api/v1/series?match[]=up&x=%zz', compare: 'error' },
    { name: 'exemplars: end before start', path: '/api/v1/query_exemplars?query=up&start=10&end=5', compare: 'error' },
    { name: 'exemplars: bad query', path: `/api/v1/query_exemplars?query=${enc('up(')}`, compare: 'error' },
    { name: 'format_query: bad query', path: `/api/v1/format_query?query=${enc('1+')}`, compare: 'error' },
    { name: 'rules: bad type', path: '/api/v1/rules?type=x', compare: 'error' },
    { name: 'metadata: bad limit', path: '/api/v1/metadata?limit=x', compare: 'error' },
    { name: 'admin disabled: delete_series', path: '/api/v1/admin/tsdb/delete_series?match[]=up', method: 'POST', compare: 'error' },
    { name: 'admin disabled: snapshot', path: '/api/v1/admin/tsdb/snapshot', method: 'PUT', compare: 'error' },
    { name: 'admin disabled: clean_tombstones', path: '/api/v1/admin/tsdb/clean_tombstones', method: 'POST', compare: 'error' },
    { name: 'unknown route', path: '/api/v1/nothing', compare: 'status' },
    { name: 'wrong method', path: '/api/v1/query', method: 'PUT', compare: 'status' },
    { name: 'wrong method on an admin route', path: '/api/v1/admin/tsdb/snapshot', compare: 'status' },
    { name: 'HEAD on an API route', path: '/api/v1/labels', method: 'HEAD', compare: 'status' },

    // Deliberate differences: Prometheus 3.x (and Watchfire) answer otherwise than 2.42.
    {
      name: 'empty query', path: '/api/v1/query',
      diff: {
        why: '3.x reports the position of errors in an empty query as "unknown position"',
        prom: { status: 400, error: 'invalid parameter "query": 1:1: parse error: no expression found in input' },
        wf: { status: 400, error: 'invalid parameter "query": unknown position: parse error: no expression found in input' },
      },
    },
    {
      name: 'range window start', path: `/api/v1/query?query=${enc('wf_gauge{instance="b"}[1m]')}&time=${(start + 300_000) / 1000}`,
      diff: {
        why: '3.x range selectors exclude the window\'s start (left-open); 2.42 included a sample exactly there',
        prom: { status: 200, check: (a) => { assert.equal((data(a) as { result: { values: unknown[] }[] }).result[0]!.values.length, 5); } },
        wf: { status: 200, check: (a) => { assert.equal((data(a) as { result: { values: unknown[] }[] }).result[0]!.values.length, 4); } },
      },
    },
    {
      name: 'histogram_quantile on native buckets', path: q('histogram_quantile(0.9, rate(wf_native[2m]))'),
      diff: {
        why: '3.x interpolates exponentially within the exponential buckets of native histograms; 2.42 linearly',
        prom: { status: 200, check: (a) => { assert.equal((data(a) as { result: { value: [number, string] }[] }).result[0]!.value[1], '3.533333333333334'); } },
        wf: { status: 200, check: (a) => { assert.equal((data(a) as { result: { value: [number, string] }[] }).result[0]!.value[1], '3.4026686438034224'); } },
      },
    },
    {
      name: 'matrix in a range query', path: qr('wf_gauge[1m]', '30s'),
      diff: {
        why: '3.x prefixes errors of preparing a range query with `invalid parameter "query"`, as for instant queries',
        prom: { status: 400, error: 'invalid expression type "range vector" for range query, must be Scalar or instant Vector' },
        wf: { status: 400, error: 'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector' },
      },
    },
    {
      name: 'bad time', path: q('up').replace(`time=${T}`, 'time=abc'),
      diff: {
        why: '3.x writes "invalid time value" in lower case',
        prom: { status: 400, error: 'invalid parameter "time": Invalid time value for \'time\': cannot parse "abc" to a valid timestamp' },
        wf: { status: 400, error: 'invalid parameter "time": invalid time value for \'time\': cannot parse "abc" to a valid timestamp' },
      },
    },
    {
      name: 'limit on query', path: q('wf_gauge', '&limit=1'),
      diff: {
        why: '3.x takes `limit` on query/query_range and warns when it truncates; 2.42 ignores it',
        prom: { status: 200, check: (a) => { assert.equal((data(a) as { result: unknown[] }).result.length, 2); } },
        wf: { status: 200, check: (a) => { assert.equal((data(a) as { result: unknown[] }).result.length, 1); assert.deepEqual(a.json?.['warnings'], ['results truncated due to limit']); } },
      },
    },
    {
      name: 'limit on series', path: `/api/v1/series?match[]=${enc('{job="rw"}')}&limit=2`,
      diff: {
        why: '3.x takes `limit` on series, labels and label values',
        prom: { status: 200, check: (a) => { assert.equal((data(a) as unknown[]).length, 5); } },
        wf: { status: 200, check: (a) => { assert.equal((data(a) as unknown[]).length, 2); assert.deepEqual(a.json?.['warnings'], ['results truncated due to limit']); } },
      },
    },
    {
      name: 'limit on label values', path: `/api/v1/label/__name__/values?match[]=${enc('{job="rw"}')}&limit=1`,
      diff: {
        why: '3.x takes `limit` on label values',
        prom: { status: 200, check: (a) => { assert.deepEqual(data(a), ['wf_gauge', 'wf_native', 'wf_requests_total']); } },
        wf: { status: 200, check: (a) => { assert.deepEqual(data(a), ['wf_gauge']); } },
      },
    },
    {
      name: 'lookback_delta', path: `/api/v1/query?query=wf_gauge&time=${E + 60}&lookback_delta=30s`,
      diff: {
        why: '3.x takes a per-query `lookback_delta`; 2.42 ignores it',
        prom: { status: 200, check: (a) => { assert.equal((data(a) as { result: unknown[] }).result.length, 2); } },
        wf: { status: 200, check: (a) => { assert.equal((data(a) as { result: unknown[] }).result.length, 0); } },
      },
    },
    {
      name: 'stats=true', path: q('wf_gauge', '&stats=true'),
      diff: {
        why: '3.x also reports samplesRead (equal to totalQueryableSamples for instant queries)',
        prom: { status: 200, check: (a) => { assert.deepEqual(Object.keys((data(a) as { stats: { samples: object } }).stats.samples), ['totalQueryableSamples', 'peakSamples']); } },
        wf: { status: 200, check: (a) => {
          const st = (data(a) as { stats: { timings: object; samples: Record<string, number> } }).stats;
          assert.deepEqual(Object.keys(st.timings), ['evalTotalTime', 'resultSortTime', 'queryPreparationTime', 'innerEvalTime', 'execQueueTime', 'execTotalTime']);
          assert.deepEqual(st.samples, { totalQueryableSamples: 2, samplesRead: 2, peakSamples: 2 });
        } },
      },
    },
    {
      name: 'stats with an unsupported value', path: q('wf_gauge', '&stats=yes'),
      diff: {
        why: '3.x warns that values other than "true" and "all" are deprecated',
        prom: { status: 200, check: (a) => { assert.equal(a.json?.['warnings'], undefined); } },
        wf: { status: 200, check: (a) => { assert.match(String((a.json?.['warnings'] as string[])[0]), /^value "yes" for parameter "stats" is deprecated/); } },
      },
    },
    {
      name: 'UTF-8 label name in label values', path: '/api/v1/label/a.b/values',
      diff: {
        why: '3.x accepts any UTF-8 label name; 2.42 only legacy names',
        prom: { status: 400, error: 'invalid label name: "a.b"' },
        wf: { status: 200, check: (a) => { assert.deepEqual(data(a), []); } },
      },
    },
    {
      name: 'escaped label name in label values', path: '/api/v1/label/U__instance/values?match[]=wf_gauge',
      diff: {
        why: '3.x decodes U__ (values-escaped) label names',
        prom: { status: 200, check: (a) => { assert.deepEqual(data(a), []); } },
        wf: { status: 200, check: (a) => { assert.deepEqual(data(a), ['a', 'b']); } },
      },
    },
    {
      name: 'tsdb status limit', path: '/api/v1/status/tsdb?limit=0',
      diff: {
        why: '3.x takes `limit` (1 to 10000) on status/tsdb',
        prom: { status: 200 },
        wf: { status: 400, errorType: 'bad_data', error: 'limit must be a positive number' },
      },
    },
    {
      name: 'rules pagination', path: '/api/v1/rules?group_limit=0',
      diff: {
        why: '3.x paginates rule groups (group_limit, group_next_token)',
        prom: { status: 200 },
        wf: { status: 400, error: 'invalid parameter "group_limit": group_limit needs to be greater than 0' },
      },
    },
    {
      name: 'rules filter by match[]', path: `/api/v1/rules?match[]=${enc('{a=""}')}`,
      diff: {
        why: '3.x filters rules by match[], rule_name[], rule_group[], file[]',
        prom: { status: 200 },
        wf: { status: 400, error: 'match[] must contain at least one non-empty matcher' },
      },
    },
    {
      name: 'DELETE series', path: '/api/v1/series?match[]=up', method: 'DELETE',
      diff: {
        why: '2.42 still had DELETE /series ("not implemented"); 3.x removed the route',
        prom: { status: 500, errorType: 'internal', error: 'not implemented' },
        wf: { status: 405 },
      },
    },
    ...['/api/v1/parse_query?query=1', '/api/v1/features', '/api/v1/notifications', '/api/v1/status/tsdb/blocks', '/api/v1/targets/relabel_steps?scrapePool=t&labels={}', '/api/v1/scrape_pools/config?scrapePool=t'].map((path): Case => ({
      name: `new route ${path}`, path,
      diff: { why: 'a route added in 3.x', prom: notFound, wf: { status: 200 } },
    })),
    {
      name: 'CORS with an Origin', path: '/api/v1/labels', headers: { Origin: 'http://ui.example' },
      diff: {
        why: '3.x anchors --web.cors.origin with (?s:...), so the default .* echoes the origin instead of answering "*"',
        prom: { status: 200, check: (a) => { assert.equal(a.headers.get('access-control-allow-origin'), '*'); } },
        wf: { status: 200, check: (a) => { assert.equal(a.headers.get('access-control-allow-origin'), 'http://ui.example'); assert.equal(a.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS'); } },
      },
    },
    {
      name: 'Vary without an Origin', path: '/api/v1/labels',
      diff: {
        why: '3.x sets Vary: Origin on every API answer; 2.42 only when the request had an Origin',
        prom: { status: 200, check: (a) => { assert.equal(a.headers.get('vary'), null); } },
        wf: { status: 200, check: (a) => { assert.equal(a.headers.get('vary'), 'Origin'); } },
      },
    },
    {
      name: 'OPTIONS on any API path', path: '/api/v1/anything', method: 'OPTIONS', headers: { Origin: 'http://ui.example' },
      diff: {
        why: 'both answer 204 with the CORS headers; only the allowed origin differs (see above)',
        prom: { status: 204, check: (a) => { assert.equal(a.headers.get('access-control-allow-headers'), 'Accept, Authorization, Content-Type, Origin'); } },
        wf: { status: 204, check: (a) => { assert.equal(a.headers.get('access-control-allow-headers'), 'Accept, Authorization, Content-Type, Origin'); } },
      },
    },
    // Not triggered here: 2.42 answers a cancelled query with 503, 3.x with 499.
  ];
}

/** Runs promtool without blocking the event loop (Watchfire answers from this process). */
function promtool(args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile('promtool', args, { encoding: 'utf8', timeout: 15000 }, (err, stdout, stderr) => {
      const status = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ status, out: stdout + stderr });
    });
  });
}

test('the HTTP API answers as a real Prometheus does, and promtool reads it', { timeout: 90000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-api-'));
  const target = await serveTarget();
  const targetAddr = `127.0.0.1:${(target.address() as AddressInfo).port}`;
  const ports = { wf: await freePort(), prom: await freePort() };
  let wf: ServerHandle | undefined;
  let p: RunningPeer | undefined;
  try {
    const cfg = join(dir, 'config.yml');
    writeFileSync(cfg, `global: { scrape_interval: 1s, scrape_timeout: 900ms }
scrape_configs:
  - job_name: t
    static_configs: [{ targets: ['${targetAddr}'] }]
`);
    const started = await launchTestServer([
      `--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${ports.wf}`, `--storage.tsdb.path=${join(dir, 'wf')}`,
      '--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage', '--scrape.discovery-reload-interval=100ms', '--log.level=warn',
    ]);
    assert.notEqual(typeof started, 'number', 'watchfire started');
    wf = started as ServerHandle;
    p = startPeer(prom.path, [
      `--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${ports.prom}`, `--storage.tsdb.path=${join(dir, 'prom')}`,
      '--web.enable-remote-write-receiver', '--enable-feature=native-histograms,exemplar-storage',
    ]);
    const base = { prom: `http://127.0.0.1:${ports.prom}`, wf: `http://127.0.0.1:${ports.wf}` };
    await waitReady(`${base.prom}/-/ready`, 20000).catch((e: unknown) => { throw new Error(`${String(e)}\n${p?.output().slice(-3000) ?? ''}`); });

    // Both have scraped the target (its metadata is known) before the data is written.
    for (const b of [base.prom, base.wf]) {
      await eventually(async () => {
        const r = await fetch(`${b}/api/v1/metadata?metric=t_requests_total`);
        const j = await r.json() as { data: Record<string, unknown> };
        return Object.keys(j.data).length > 0 ? true : undefined;
      }, 15000, `${b} scraped the target`);
    }
    const end = Math.floor(Date.now() / 15_000) * 15_000 - 15_000;
    const start = end - 600_000;
    for (const b of [base.prom, base.wf]) {
      const r = await remoteWrite(`${b}/api/v1/write`, dataset(start));
      assert.equal(r.status, 204, `${b} remote write: ${r.body}`);
    }

    const failures: string[] = [];
    const all = cases(start, end);
    for (const c of all) {
      const [pa, wa] = await Promise.all([call(base.prom, c), call(base.wf, c)]);
      try {
        compareAnswers(c, pa, wa);
      } catch (e) {
        failures.push(`${c.name} [${c.method ?? 'GET'} ${c.path}]${c.diff !== undefined ? ` (deliberate difference: ${c.diff.why})` : ''}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }

    // promtool against both: the same output.
    const pt = async (b: string): Promise<Record<string, { status: number | null; out: string }>> => ({
      instant: await promtool(['query', 'instant', `--time=${(start + 307_500) / 1000}`, b, 'sum by (instance) (wf_gauge)']),
      range: await promtool(['query', 'range', `--start=${(start + 7_500) / 1000}`, `--end=${(end - 7_500) / 1000}`, '--step=1m', b, 'rate(wf_requests_total[2m])']),
      series: await promtool(['query', 'series', '--match=wf_gauge', '--match=wf_requests_total{code="500"}', b]),
      labels: await promtool(['query', 'labels', '--match={job="rw"}', b, '__name__']),
    });
    const tp = await pt(base.prom), tw = await pt(base.wf);
    for (const k of Object.keys(tp)) {
      const a = tp[k]!, b = tw[k]!;
      if (a.status !== 0) failures.push(`promtool ${k} failed against Prometheus: ${a.out}`);
      if (b.status !== a.status || b.out !== a.out) failures.push(`promtool ${k}: Prometheus printed\n${a.out}\nWatchfire printed (exit ${String(b.status)})\n${b.out}`);
      else if (a.out.trim() === '') failures.push(`promtool ${k}: empty output`);
    }
    t.diagnostic(`${all.length} requests compared (${all.filter((c) => c.diff !== undefined).length} deliberate 2.42→3.x differences), 4 promtool commands; ${failures.length} failures`);
    // For investigation: WATCHFIRE_API_DIFF_OUT=<file> keeps the full failure report.
    const out = process.env['WATCHFIRE_API_DIFF_OUT'];
    if (out !== undefined && out !== '') writeFileSync(out, failures.join('\n\n') + '\n');
    assert.deepEqual(failures, []);
  } finally {
    await wf?.stop();
    await p?.stop();
    await new Promise<void>((r) => target.close(() => { r(); }));
    rmSync(dir, { recursive: true, force: true });
  }
});
