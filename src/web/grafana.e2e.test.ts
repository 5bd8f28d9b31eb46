/**
 * Replay of the calls Grafana's Prometheus data source (Grafana 10/11) makes, against a
 * Watchfire with data, each answer read the way Grafana reads it (see grafana-replay.ts for
 * the facts followed): the data source's "Save & test" (health check `1+1` and buildinfo
 * heuristics), version detection, editor start-up (rules, exemplar availability, metric
 * names, label names, metadata), the metrics browser and ad-hoc filters (label values with
 * `match[]`, series, labels with `match[]`, UTF-8 names escaped as `U__`), panel queries
 * (step-aligned range queries with `$__rate_interval` interpolated, native histograms,
 * instant queries, exemplars), an annotation query on `ALERTS`, and `format_query`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../testing/peers.js';
import { startFixture } from './api-fixture.js';
import {
  alignTime, annotationEvents, dataQuery, goFloat, readLikeGrafana, resourceCall, type Exchange, type Read,
} from './grafana-replay.js';

const enc = encodeURIComponent;

function last(xs: readonly Exchange[]): Exchange {
  return xs[xs.length - 1]!;
}

/** The answer as Grafana reads it, after checking it succeeded. */
function ok(x: Exchange, what: string): Read {
  assert.equal(x.status, 200, `${what}: ${x.method} ${x.url} answered ${x.status}: ${x.text.slice(0, 300)}`);
  const r = readLikeGrafana(x.text);
  assert.equal(r.status, 'success', `${what}: status`);
  return r;
}

function dataOf(x: Exchange): unknown {
  return (JSON.parse(x.text) as { data: unknown }).data;
}

test('Grafana\'s Prometheus data source gets what it reads from every call it makes', { timeout: 90_000 }, async (t) => {
  const fx = await startFixture();
  let replayed = 0;
  const count = <T>(v: T): T => { replayed++; return v; };
  try {
    const base = fx.base;
    const nowSec = Math.floor(Date.now() / 1000);
    // The editor's time range: the last hour, snapped to whole minutes (cache level "Low").
    const snapped = { start: String(Math.floor((nowSec - 3600) / 60) * 60), end: String(Math.ceil(nowSec / 60) * 60) };
    const snappedQS = `start=${snapped.start}&end=${snapped.end}`;

    // "Save & test": the health check is an instant query of 1+1 at t=4 s.
    const health = ok(count(await dataQuery(base, 'query', { query: '1+1', time: '4' })), 'health check');
    assert.equal(health.resultType, 'scalar');
    assert.deepEqual([health.frames[0]!.times, health.frames[0]!.values], [[4], [2]]);

    // ... then the heuristics read buildinfo through the resource proxy: POST first (405), then GET.
    const bi = count(await resourceCall(base, 'api/v1/status/buildinfo', ''));
    assert.deepEqual(bi.map((x) => `${x.method} ${x.status}`), ['POST 405', 'GET 200']);
    const build = dataOf(last(bi)) as Record<string, unknown>;
    for (const k of ['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion']) assert.equal(typeof build[k], 'string', `buildinfo ${k}`);
    // No `features` map: Grafana classifies the server as Prometheus (not Mimir) with no ruler API.
    assert.equal(build['features'], undefined);

    // Version detection (configuration page) reads buildinfo with GET.
    const detect = count(await resourceCall(base, '/api/v1/status/buildinfo', ''));
    assert.equal(detect.length, 1);
    assert.equal(typeof (dataOf(detect[0]!) as { version: unknown }).version, 'string');

    // Start-up: recording rules for the editor's rule expansion (POST refused, then GET).
    const rules = count(await resourceCall(base, 'api/v1/rules', ''));
    assert.deepEqual(rules.map((x) => x.status), [405, 200]);
    const groups = (dataOf(last(rules)) as { groups: { rules: { type: string; name: string; query: string }[] }[] }).groups;
    const recording = groups.flatMap((g) => g.rules).filter((r) => r.type === 'recording');
    assert.deepEqual(recording.map((r) => [r.name, r.query]), [['path:fx_requests:sum', 'sum by (path) (fx_requests_total)']]);

    // Start-up: exemplar availability, asked with millisecond "seconds" (as Grafana sends them).
    const exAvail = count(await resourceCall(base, 'api/v1/query_exemplars', `query=test&start=${Date.now() - 1_800_000}&end=${Date.now()}`));
    assert.equal(exAvail.length, 1, 'the POST with the parameters in the URL is answered');
    ok(last(exAvail), 'exemplars available');

    // Metrics browser / code editor start: metric names, label names, metadata.
    const names = ok(last(count(await resourceCall(base, 'api/v1/label/__name__/values', `limit=40000&${snappedQS}`))), 'metric names');
    for (const m of ['rw_gauge', 'rw_native', 'rw_requests_total', 'fx_temperature_celsius', 'up', 'ALERTS', 'path:fx_requests:sum']) {
      assert.ok(names.strings.includes(m), `metric names include ${m}`);
    }
    const labelNames = count(await resourceCall(base, 'api/v1/labels', '', `limit=40000&${snappedQS}`));
    assert.equal(labelNames.length, 1, 'labels answers the POST');
    const ln = ok(last(labelNames), 'label names');
    for (const l of ['__name__', 'job', 'instance', 'alertname', 'http.status']) assert.ok(ln.strings.includes(l), `label names include ${l}`);
    const md = count(await resourceCall(base, 'api/v1/metadata', ''));
    assert.equal(md[0]!.method, 'GET');
    const meta = dataOf(md[0]!) as Record<string, { type: string; help: string; unit: string }[]>;
    // Grafana reads the first entry's type and help (and upper-cases the type).
    assert.deepEqual(meta['fx_temperature_celsius']?.[0], { type: 'gauge', help: 'A temperature.', unit: '' });
    assert.equal(meta['fx_requests_total']?.[0]?.type, 'counter');

    // Label values for a metric (query builder, label_values() variables), with match[].
    const inst = ok(last(count(await resourceCall(base, 'api/v1/label/instance/values', `limit=40000&${snappedQS}&match%5B%5D=${enc('rw_gauge')}`))), 'label values with match');
    assert.deepEqual(inst.strings, ['a', 'b']);
    // A UTF-8 label name, escaped the way Grafana escapes it.
    const utf8 = ok(last(count(await resourceCall(base, 'api/v1/label/U__http_2e_status/values', snappedQS))), 'escaped label values');
    assert.deepEqual(utf8.strings, ['404']);
    // Labels of the series a selector matches (fetchSeriesLabelsMatch / ad-hoc filter keys).
    const lm = ok(last(count(await resourceCall(base, 'api/v1/labels', '', `${snappedQS}&match%5B%5D=${enc('rw_requests_total')}`))), 'labels with match');
    assert.deepEqual(lm.strings, ['__name__', 'code', 'job']);
    // The series client (metrics browser with the series API): every series' labels.
    const series = count(await resourceCall(base, 'api/v1/series', '', `${snappedQS}&match%5B%5D=${enc('{__name__!=""}')}&limit=40000`));
    assert.equal(series.length, 1, 'series answers the POST');
    ok(last(series), 'series');
    const seriesData = dataOf(last(series)) as Record<string, string>[];
    assert.ok(seriesData.some((s) => s['__name__'] === 'rw_gauge' && s['instance'] === 'a'));
    assert.ok(seriesData.every((s) => typeof s['__name__'] === 'string'));
    // Series for one selector (old label lookup path), with GET fallback unused.
    const one = ok(last(count(await resourceCall(base, 'api/v1/series', '', `${snappedQS}&match%5B%5D=${enc('rw_gauge{instance="b"}')}`))), 'series for a selector');
    assert.equal(one.frames.length, 0);

    // Panel queries: range queries aligned to the step, POSTed as forms.
    const from = fx.start / 1000, to = fx.end / 1000 + 7;
    for (const { step, offset } of [{ step: 15, offset: 0 }, { step: 60, offset: 19800 }]) {
      const start = alignTime(from, step, offset), end = alignTime(to, step, offset);
      const r = ok(count(await dataQuery(base, 'query_range', {
        query: 'sum by (code) (rate(rw_requests_total[1m0s]))', start: goFloat(start), end: goFloat(end), step: goFloat(step),
      })), `range query step ${step}`);
      assert.equal(r.resultType, 'matrix');
      assert.deepEqual(r.frames.map((f) => f.labels['code']).sort(), ['200', '500']);
      for (const f of r.frames) {
        assert.ok(f.times.length > 0);
        for (const ts of f.times) assert.equal((ts - start) % step, 0, `points on the aligned steps (step ${step})`);
        assert.ok(f.values.every((v) => Number.isFinite(v) && v >= 0));
      }
    }
    // With the data source's query timeout set, the backend adds `timeout`.
    const withTimeout = ok(count(await dataQuery(base, 'query_range', {
      query: 'rw_gauge', start: goFloat(alignTime(from, 30, 0)), end: goFloat(alignTime(to, 30, 0)), step: '30', timeout: '60s',
    })), 'range query with timeout');
    assert.equal(withTimeout.frames.length, 2);
    // A native histogram series becomes heatmap cells.
    const hist = ok(count(await dataQuery(base, 'query_range', {
      query: 'rw_native', start: goFloat(alignTime(from, 60, 0)), end: goFloat(alignTime(to, 60, 0)), step: '60',
    })), 'native histogram range query');
    assert.ok(hist.frames[0]!.histogramPoints > 0);
    // Instant query (Explore's "Both", table panels): time is the range end with its fraction.
    const instant = ok(count(await dataQuery(base, 'query', { query: 'rw_gauge', time: goFloat((fx.end + 1234) / 1000) })), 'instant query');
    assert.equal(instant.resultType, 'vector');
    assert.equal(instant.frames.length, 2);
    // An instant query with warnings: Grafana shows them as frame notices.
    const warned = ok(count(await dataQuery(base, 'query', { query: 'rate(rw_gauge[5m])', time: goFloat(fx.end / 1000) })), 'query with an info');
    assert.ok(warned.warnings.length > 0, 'infos travel with the answer');

    // Exemplars of a panel query with "Exemplars" on.
    const ex = ok(count(await dataQuery(base, 'query_exemplars', {
      query: 'rate(rw_requests_total[1m0s])', start: goFloat(alignTime(from, 15, 0)), end: goFloat(alignTime(to, 15, 0)),
    })), 'exemplars');
    assert.deepEqual(ex.exemplarFrames.map((f) => [f.seriesLabels['code'], f.count]), [['200', 4]]);

    // Annotations from ALERTS: a range query with the annotation's step (5s), events where the value > 0.
    const annStep = 5;
    const events = await eventually(async () => {
      const now = Date.now() / 1000;
      const r = ok(await dataQuery(base, 'query_range', {
        query: 'ALERTS{alertstate="firing"}', start: goFloat(alignTime(now - 300, annStep, 0)), end: goFloat(alignTime(now, annStep, 0)), step: String(annStep),
      }), 'annotation query');
      const evs = annotationEvents(r.frames, annStep, 'alertname', ['severity', 'alertstate']);
      return evs.length > 0 ? evs : undefined;
    }, 15_000, 'a firing ALERTS sample on an annotation step');
    replayed++;
    assert.equal(events[0]!.title, 'FixtureHot');
    assert.deepEqual(events[0]!.tags.sort(), ['firing', 'warning']);

    // format_query through the resource proxy: a POST with the query in the URL and no body.
    const fmt = count(await resourceCall(base, 'api/v1/format_query', `query=${enc('sum(rate(rw_requests_total[$__rate_interval]))by(code)'.replace('$__rate_interval', '5m'))}`));
    assert.equal(fmt.length, 1);
    assert.equal(dataOf(last(fmt)), 'sum by (code) (rate(rw_requests_total[5m]))');

    // An error as Grafana shows it: errorType and error from the envelope.
    const bad = await dataQuery(base, 'query_range', { query: 'sum(', start: '1', end: '2', step: '1' });
    replayed++;
    assert.equal(bad.status, 400);
    const badRead = readLikeGrafana(bad.text);
    assert.deepEqual([badRead.status, badRead.errorType], ['error', 'bad_data']);
    assert.match(badRead.error, /^invalid parameter "query": 1:5: parse error: /);

    t.diagnostic(`${replayed} Grafana calls replayed`);
  } finally {
    await fx.close();
  }
});
