import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../instrument/index.js';
import { Labels, type Millis } from '../model/index.js';
import { newParser } from '../textparse/index.js';
import type { Parser, ParserFactory } from '../textparse/interface.js';
import { ScrapeCache } from './cache.js';
import { ScrapeLoop, type LoopOptions } from './loop.js';
import { mergeTargetLabels } from './merge-labels.js';
import { ScrapeMetrics } from './metrics.js';
import type { Cancel } from '../httpclient/index.js';
import { ScrapeError, type Scraper } from './scraper.js';
import { Target } from './target.js';
import { QueueScraper, RecordingStorage, testAppendContext } from './test-support.js';

const T0 = 1_700_000_000_000;

function newTarget(extra: Record<string, string> = {}): Target {
  const all = Labels.fromObject({
    __address__: 'host:9100', __scheme__: 'http', __metrics_path__: '/metrics', __scrape_interval__: '1s', __scrape_timeout__: '500ms',
    instance: 'host:9100', job: 'test', ...extra,
  });
  return new Target(all, all, {}, 1000 as Millis, 500 as Millis);
}

interface Fixture {
  loop: ScrapeLoop;
  storage: RecordingStorage;
  scraper: QueueScraper;
  target: Target;
  metrics: ScrapeMetrics;
  registry: Registry;
  labelsCalls: () => number;
}

function fixture(o: Partial<LoopOptions> = {}, honor = false): Fixture {
  const registry = new Registry();
  const metrics = new ScrapeMetrics(registry, { metadataSizes: () => new Map() });
  const storage = new RecordingStorage();
  const scraper = new QueueScraper();
  const target = o.target ?? newTarget();
  let labelsCalls = 0;
  // Counts label parsing, to show the series cache at work.
  const countingParser: ParserFactory = (body, ct, fb, opts) => {
    const p: Parser = newParser(body, ct, fb, opts);
    const labels = p.labels.bind(p);
    p.labels = () => { labelsCalls++; return labels(); };
    return p;
  };
  const loop = new ScrapeLoop({
    ...testAppendContext((l) => mergeTargetLabels(l, target.labels, honor).labels(), metrics),
    target,
    scraper,
    cache: new ScrapeCache({ flushForced: () => { metrics.targetScrapeCacheFlushForced.inc(); } }),
    appendable: storage,
    intervalMs: 1000,
    timeoutMs: 500,
    offsetSeed: 0,
    skipOffset: true,
    alignTimestamps: true,
    toleranceMs: 2,
    reportExtraMetrics: false,
    parentSignal: new AbortController().signal,
    newParser: countingParser,
    failureLogger: () => null,
    jobName: 'test',
    ...o,
  });
  return { loop, storage, scraper, target, metrics, registry, labelsCalls: () => labelsCalls };
}

const L = (name: string, extra = ''): string => `{__name__="${name}", instance="host:9100", job="test"${extra}}`;

function values(s: RecordingStorage, series: string): (number | 'stale')[] {
  return s.samplesOf(series).map((r) => (r.stale ? 'stale' : r.v));
}

test('report series carry the target labels and the scrape counts', async () => {
  const f = fixture();
  f.scraper.push('# TYPE a counter\na_total 1\nb{x="1"} 2\nb{x="2"} 3\n');
  await f.loop.scrapeAndReport(0, T0 as Millis);
  await f.loop.scrapeAndReport(T0, (T0 + 1000) as Millis);
  assert.deepEqual(values(f.storage, L('up')), [1, 1]);
  assert.deepEqual(values(f.storage, L('scrape_samples_scraped')), [3, 3]);
  assert.deepEqual(values(f.storage, L('scrape_samples_post_metric_relabeling')), [3, 3]);
  assert.deepEqual(values(f.storage, L('scrape_series_added')), [3, 0]);
  assert.equal(f.storage.samplesOf(L('scrape_duration_seconds')).length, 2);
  assert.equal(f.storage.where((r) => r.series.includes('scrape_timeout_seconds')).length, 0, 'no extra metrics by default');
  assert.deepEqual(values(f.storage, '{__name__="b", instance="host:9100", job="test", x="2"}'), [3, 3]);
  assert.equal(f.target.health, 'up');
  assert.equal(f.target.lastError, '');
  assert.equal(f.target.lastScrape?.getTime(), T0 + 1000);
  assert.deepEqual(f.target.metadata(), [{ metric: 'a', type: 'counter', help: '', unit: '' }]);
  // Labels were parsed once per series: the second scrape came from the cache.
  assert.equal(f.labelsCalls(), 3);
});

test('extra scrape metrics', async () => {
  const f = fixture({ reportExtraMetrics: true, sampleLimit: 10 });
  f.scraper.push('a 1\n').push(new ScrapeError('body_limit', 'body size limit exceeded'));
  await f.loop.scrapeAndReport(0, T0 as Millis);
  assert.deepEqual(values(f.storage, L('scrape_timeout_seconds')), [0.5]);
  assert.deepEqual(values(f.storage, L('scrape_sample_limit')), [10]);
  assert.deepEqual(values(f.storage, L('scrape_body_size_bytes')), [4]);
  await f.loop.scrapeAndReport(T0, (T0 + 1000) as Millis);
  await f.loop.scrapeAndReport(T0, (T0 + 2000) as Millis);
  assert.deepEqual(values(f.storage, L('scrape_body_size_bytes')), [4, -1, -1]);
});

test('series that disappear get stale markers at the next scrape', async () => {
  const f = fixture();
  f.scraper.push('a 1\nb 1\n').push('a 2\n').push('a 3\nb 3\n');
  for (let i = 0; i < 3; i++) await f.loop.scrapeAndReport(0, (T0 + i * 1000) as Millis);
  assert.deepEqual(values(f.storage, L('a')), [1, 2, 3]);
  assert.deepEqual(values(f.storage, L('b')), [1, 'stale', 3]);
  assert.equal(f.storage.samplesOf(L('b'))[1]!.t, T0 + 1000);
});

test('explicit timestamps: honored or not, and no staleness unless tracked', async () => {
  for (const [honor, track, want] of [
    [true, false, [[T0 - 5000, 1]]],
    [false, false, [[T0, 1], [T0 + 1000, 'stale']]],
    [true, true, [[T0 - 5000, 1], [T0 + 1000, 'stale']]],
  ] as const) {
    const f = fixture({ honorTimestamps: honor, trackTimestampsStaleness: track });
    f.scraper.push(`a 1 ${T0 - 5000}\n`).push('other 1\n');
    await f.loop.scrapeAndReport(0, T0 as Millis);
    await f.loop.scrapeAndReport(T0, (T0 + 1000) as Millis);
    const got = f.storage.samplesOf(L('a')).map((r) => [r.t, r.stale ? 'stale' : r.v]);
    assert.deepEqual(got, want, `honor=${honor} track=${track}`);
  }
});

test('honor_labels keeps scraped values; otherwise they move to exported_*', async () => {
  const t = newTarget({ env: 'prod' });
  for (const [honor, want] of [
    [false, '{__name__="m", env="prod", exported_env="dev", exported_exported_job="x", exported_job="y", instance="host:9100", job="test"}'],
    [true, '{__name__="m", env="dev", exported_job="y", instance="host:9100", job="x"}'],
  ] as const) {
    const f = fixture({ target: t }, honor);
    f.scraper.push('m{job="x",env="dev",exported_job="y"} 1\n');
    await f.loop.scrapeAndReport(0, T0 as Millis);
    assert.deepEqual(f.storage.where((r) => r.series.startsWith('{__name__="m"')).map((r) => r.series), [want], `honor=${honor}`);
  }
});

test('metric relabeling drops series (cached as dropped) and counts what is left', async () => {
  const f = fixture({ sampleMutator: (l) => (l.get('__name__').startsWith('drop_') ? null : l) });
  f.scraper.push('keep 1\ndrop_me 2\ndrop_too 3\n');
  await f.loop.scrapeAndReport(0, T0 as Millis);
  await f.loop.scrapeAndReport(T0, (T0 + 1000) as Millis);
  assert.deepEqual(values(f.storage, L('scrape_samples_scraped')), [3, 3]);
  assert.deepEqual(values(f.storage, L('scrape_samples_post_metric_relabeling')), [1, 1]);
  assert.equal(f.storage.where((r) => r.series.includes('drop_')).length, 0);
  assert.equal(f.labelsCalls(), 3, 'dropped series are not parsed again');
});

test('a failed scrape stores nothing of the body, reports up=0 and makes the last series stale', async () => {
  const cases: { name: string; body: string | Error; want: RegExp; opts?: Partial<LoopOptions> }[] = [
    { name: 'http error', body: new ScrapeError('http_status', 'server returned HTTP status 500 Internal Server Error'), want: /^server returned HTTP status 500 Internal Server Error$/ },
    { name: 'parse error', body: 'ok 1\nbad{ 2\n', want: /.+/ },
    { name: 'sample limit', body: 'x 1\ny 2\nz 3\n', want: /^sample limit exceeded$/, opts: { sampleLimit: 2 } },
    { name: 'label limit', body: 'x{a="1",b="2"} 1\n', want: /^label_limit exceeded \(metric: x, number of labels: 5, limit: 4\)$/, opts: { labelLimits: { labelLimit: 4, labelNameLengthLimit: 0, labelValueLengthLimit: 0 } } },
    { name: 'label value length', body: `x{a="${'v'.repeat(60)}"} 1\n`, want: new RegExp(`^label_value_length_limit exceeded \\(metric: x, label name: a, value: "${'v'.repeat(50)}", length: 60, limit: 10\\)$`), opts: { labelLimits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 10 } } },
    { name: 'label name length', body: `x{${'n'.repeat(12)}="1"} 1\n`, want: /^label_name_length_limit exceeded \(metric: x, label name: n{12}, length: 12, limit: 10\)$/, opts: { labelLimits: { labelLimit: 0, labelNameLengthLimit: 10, labelValueLengthLimit: 0 } } },
    { name: 'legacy names', body: '{"a.b"} 1\n', want: /^invalid metric name or label names: \{__name__="a\.b", instance="host:9100", job="test"\}$/, opts: { validationScheme: 'legacy' } },
  ];
  for (const c of cases) {
    const f = fixture(c.opts);
    f.scraper.push('ok 1\ngone 1\n').push(c.body);
    await f.loop.scrapeAndReport(0, T0 as Millis);
    await f.loop.scrapeAndReport(T0, (T0 + 1000) as Millis);
    assert.deepEqual(values(f.storage, L('up')), [1, 0], c.name);
    assert.deepEqual(values(f.storage, L('ok')), [1, 'stale'], c.name);
    assert.deepEqual(values(f.storage, L('gone')), [1, 'stale'], c.name);
    const bodySeries = f.storage.where((r) => !r.series.includes('"up"') && !r.series.includes('scrape_') && r.t === T0 + 1000 && !r.stale);
    assert.deepEqual(bodySeries, [], `${c.name}: nothing of the failed body is stored`);
    assert.equal(f.target.health, 'down', c.name);
    assert.match(f.target.lastError, c.want, c.name);
    if (c.name === 'sample limit') {
      assert.equal(f.metrics.targetScrapeSampleLimit.value, 1);
      assert.deepEqual(values(f.storage, L('scrape_samples_scraped')), [2, 3]);
    }
    if (c.name.startsWith('label')) assert.equal(f.metrics.targetScrapePoolExceededLabelLimits.value, 1, c.name);
  }
});

test('duplicate series in one scrape: the first is kept, the rest counted', async () => {
  const f = fixture();
  f.scraper.push('a 1\na 2\nb 1\n');
  await f.loop.scrapeAndReport(0, T0 as Millis);
  assert.deepEqual(values(f.storage, L('a')), [1]);
  assert.deepEqual(values(f.storage, L('b')), [1]);
  assert.deepEqual(values(f.storage, L('up')), [1]);
  assert.equal(f.metrics.targetScrapeSampleDuplicate.value, 1);
  assert.deepEqual(values(f.storage, L('scrape_samples_post_metric_relabeling')), [3]);
});

test('out-of-order samples are counted, not fatal', async () => {
  const f = fixture();
  f.scraper.push(`a 1 ${T0}\nb 1\n`).push(`a 2 ${T0 - 1}\nb 2\n`);
  await f.loop.scrapeAndReport(0, T0 as Millis);
  await f.loop.scrapeAndReport(T0, (T0 + 1000) as Millis);
  assert.deepEqual(values(f.storage, L('a')), [1]);
  assert.deepEqual(values(f.storage, L('b')), [1, 2]);
  assert.equal(f.metrics.targetScrapeSampleOutOfOrder.value, 1);
  assert.equal(f.target.health, 'up');
});

test('a forced error (target_limit) fails every scrape', async () => {
  const f = fixture();
  f.scraper.push('a 1\n');
  await f.loop.scrapeAndReport(0, T0 as Millis);
  f.loop.setForcedError(new Error('target_limit exceeded (number of targets: 3, limit: 2)'));
  await f.loop.scrapeAndReport(T0, (T0 + 1000) as Millis);
  assert.equal(f.scraper.calls, 1, 'no request made');
  assert.deepEqual(values(f.storage, L('up')), [1, 0]);
  assert.deepEqual(values(f.storage, L('a')), [1, 'stale']);
  assert.equal(f.target.lastError, 'target_limit exceeded (number of targets: 3, limit: 2)');
});

test('the cache forgets series not seen in the last good scrape', async () => {
  const f = fixture();
  f.scraper.push('a 1\nb 1\n').push('a 1\n');
  await f.loop.scrapeAndReport(0, T0 as Millis);
  assert.equal(f.loop.cache.seriesCount, 2 + 5);
  await f.loop.scrapeAndReport(T0, (T0 + 1000) as Millis);
  assert.equal(f.loop.cache.seriesCount, 1 + 5);
});

test('exemplars are appended, native histograms skipped unless enabled', async () => {
  const f = fixture();
  f.scraper.push('# TYPE c counter\nc_total 1 # {trace_id="abc"} 1 1700000000.5\n# EOF\n', 'application/openmetrics-text; version=1.0.0');
  await f.loop.scrapeAndReport(0, T0 as Millis);
  assert.equal(f.storage.exemplars.length, 1);
  assert.equal(f.storage.exemplars[0]!.e.ts, 1700000000500);
  assert.deepEqual(f.storage.exemplars[0]!.e.labels.toObject(), { trace_id: 'abc' });
});

test('a running loop scrapes on schedule and writes end-of-run stale markers after it stops', async () => {
  const f = fixture({ intervalMs: 100, timeoutMs: 50 });
  f.scraper.push('a 1\n');
  f.loop.start();
  for (let i = 0; i < 100 && f.scraper.calls < 3; i++) await new Promise((r) => setTimeout(r, 20));
  await f.loop.stop();
  const calls = f.scraper.calls;
  assert.ok(calls >= 3);
  assert.ok(!values(f.storage, L('a')).includes('stale'));
  await f.loop.finished;
  assert.equal(f.scraper.calls, calls, 'no scrape after stop');
  const a = values(f.storage, L('a'));
  assert.equal(a[a.length - 1], 'stale');
  assert.equal(values(f.storage, L('up')).at(-1), 'stale');
});

test('no end-of-run stale markers when disabled (cache handed over) or on shutdown', async () => {
  for (const mode of ['disabled', 'shutdown'] as const) {
    const ac = new AbortController();
    const f = fixture({ intervalMs: 100, timeoutMs: 50, parentSignal: ac.signal });
    f.scraper.push('a 1\n');
    f.loop.start();
    for (let i = 0; i < 100 && f.scraper.calls < 1; i++) await new Promise((r) => setTimeout(r, 10));
    if (mode === 'disabled') f.loop.disableEndOfRunStalenessMarkers();
    else ac.abort();
    await f.loop.stop();
    await f.loop.finished;
    assert.ok(!values(f.storage, L('a')).includes('stale'), mode);
  }
});

test('a shutdown cancels the scrape in progress, in the loop and in a direct call', async () => {
  for (const mode of ['loop', 'direct'] as const) {
    const ac = new AbortController();
    const seen: Cancel[] = [];
    // A target that never answers: only the scrape's cancel ends it.
    const hanging: Scraper = {
      scrape: (cancel) => new Promise((_resolve, reject) => {
        seen.push(cancel);
        cancel.setOnAbort(() => { reject(new ScrapeError('transport', 'context canceled')); });
      }),
    };
    const f = fixture({ intervalMs: 100, timeoutMs: 50, parentSignal: ac.signal, scraper: hanging });
    const direct = mode === 'direct' ? f.loop.scrapeAndReport(0, T0 as Millis) : null;
    if (mode === 'loop') f.loop.start();
    for (let i = 0; i < 100 && seen.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(seen.length, 1, mode);
    assert.equal(seen[0]!.aborted, false, mode);
    ac.abort();
    if (direct !== null) await direct;
    else await f.loop.stop();
    assert.equal(seen[0]!.aborted, true, mode);
    assert.equal(f.storage.rollbacks, 1, mode);
    assert.equal(seen.length, 1, mode);
  }
});

test('native histograms: skipped in favour of classic series unless enabled; bucket limit reduces or fails', async () => {
  const { encodeFamilies, HISTOGRAM } = await import('../textparse/protobuf/test-encoder.js');
  const PROTO = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';
  const body = Buffer.from(encodeFamilies({
    name: 'h', type: HISTOGRAM, metric: [{
      histogram: {
        sampleCount: 10, sampleSum: 5, bucket: [{ cumulativeCount: 4, upperBound: 1 }, { cumulativeCount: 10, upperBound: 2 }],
        schema: 3, zeroThreshold: 0.001, zeroCount: 0,
        positiveSpan: [{ offset: 0, length: 4 }], positiveDelta: [1, 1, 1, 1],
        negativeSpan: [{ offset: 0, length: 2 }], negativeDelta: [1, 0],
      },
    }],
  }));
  const classicOnly = fixture({ scrapeNativeHistograms: false, parserOptions: { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false, ignoreNativeHistograms: true } });
  classicOnly.scraper.push({ body, contentType: PROTO });
  await classicOnly.loop.scrapeAndReport(0, T0 as Millis);
  assert.equal(classicOnly.storage.where((r) => r.histogram).length, 0);
  assert.deepEqual(values(classicOnly.storage, L('h_count')), [10]);
  assert.deepEqual(values(classicOnly.storage, L('h_bucket', ', le="+Inf"')), [10]);

  const native = fixture({ scrapeNativeHistograms: true, bucketLimit: 4 });
  native.scraper.push({ body, contentType: PROTO });
  await native.loop.scrapeAndReport(0, T0 as Millis);
  const hs = native.storage.where((r) => r.histogram);
  assert.equal(hs.length, 1);
  assert.ok(hs[0]!.buckets! <= 4 && hs[0]!.schema! < 3, `reduced to fit: schema ${hs[0]!.schema}, ${hs[0]!.buckets} buckets`);
  assert.deepEqual(values(native.storage, L('up')), [1]);

  const tooMany = fixture({ scrapeNativeHistograms: true, bucketLimit: 1 });
  tooMany.scraper.push({ body, contentType: PROTO });
  await tooMany.loop.scrapeAndReport(0, T0 as Millis);
  assert.equal(tooMany.target.lastError, 'histogram bucket limit exceeded');
  assert.equal(tooMany.storage.where((r) => r.histogram).length, 0);
  assert.equal(tooMany.metrics.targetScrapeNativeHistogramBucketLimit.value, 1);
});

test('start timestamps: a zero sample at the created time with created-timestamp-zero-ingestion', async () => {
  const f = fixture({ enableStartTimestamps: true, startTimestampZeroIngestion: true, parserOptions: { parseStartTimestamps: true, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false } });
  f.scraper.push('# TYPE c counter\nc_total 5\nc_created 1699999990\n# EOF\n', 'application/openmetrics-text; version=1.0.0');
  await f.loop.scrapeAndReport(0, T0 as Millis);
  assert.deepEqual(f.storage.samplesOf(L('c_total')).map((r) => [r.t, r.v, r.st]), [[1699999990000, 0, 0], [T0, 5, 1699999990000]]);
  assert.equal(f.storage.samplesOf(L('c_created')).length, 0, 'the _created series is not stored as a sample');
});

test('start timestamps: passed with every sample of the family, no zero sample, with st-storage alone', async () => {
  const f = fixture({ enableStartTimestamps: true, parserOptions: { parseStartTimestamps: true, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false } });
  f.scraper.push([
    '# TYPE c counter', 'c_total 5', 'c_created 1699999990.5',
    '# TYPE s summary', 's_count 2', 's_sum 3', 's_created 1699999980',
    '# TYPE g gauge', 'g 1', '# EOF', '',
  ].join('\n'), 'application/openmetrics-text; version=1.0.0');
  await f.loop.scrapeAndReport(0, T0 as Millis);
  assert.deepEqual(f.storage.samplesOf(L('c_total')).map((r) => [r.t, r.v, r.st]), [[T0, 5, 1699999990500]]);
  assert.deepEqual(f.storage.samplesOf(L('s_count')).map((r) => [r.t, r.st]), [[T0, 1699999980000]]);
  assert.deepEqual(f.storage.samplesOf(L('s_sum')).map((r) => [r.t, r.st]), [[T0, 1699999980000]]);
  assert.deepEqual(f.storage.samplesOf(L('g')).map((r) => [r.t, r.st]), [[T0, 0]], 'gauges have none');
  assert.deepEqual(f.storage.samplesOf(L('up')).map((r) => r.st), [0], 'report series have none');
  assert.equal(f.storage.samplesOf(L('c_created')).length, 0);
});

test('st-synthesis: counters and histograms without start timestamps get one; first sample dropped, values from zero, resets restart', async () => {
  const f = fixture({ synthesizeST: true });
  const body = (c: number, le1: number, inf: number, g: number): string => [
    '# TYPE c counter', `c_total ${c}`,
    '# TYPE h histogram', `h_bucket{le="1"} ${le1}`, `h_bucket{le="+Inf"} ${inf}`, `h_sum ${inf * 2}`, `h_count ${inf}`,
    '# TYPE s summary', `s_count ${inf}`, `s_sum ${inf}`,
    '# TYPE g gauge', `g ${g}`, '',
  ].join('\n');
  f.scraper.push(body(10, 1, 2, 5));
  f.scraper.push(body(15, 3, 4, 6));
  f.scraper.push(body(3, 0, 1, 7));
  f.scraper.push(body(8, 2, 3, 8));
  for (let i = 0; i < 4; i++) await f.loop.scrapeAndReport(T0 + (i - 1) * 1000, (T0 + i * 1000) as Millis);
  const rows = (name: string): [number, number, number][] => f.storage.samplesOf(name).map((r) => [r.t - T0, r.v, r.st === 0 ? 0 : r.st - T0]);
  // The first scrape sets the origin (10 at T0): 15 is stored as 5 from T0; the reset to 3
  // starts anew 1 ms before, stored as scraped.
  assert.deepEqual(rows(L('c_total')), [[1000, 5, 0], [2000, 3, 1999], [3000, 8, 1999]]);
  assert.deepEqual(rows(L('h_bucket', ', le="1.0"')), [[1000, 2, 0], [2000, 0, 1999], [3000, 2, 1999]]);
  assert.deepEqual(rows(L('h_count')), [[1000, 2, 0], [2000, 1, 1999], [3000, 3, 1999]]);
  // Summaries and gauges are left alone.
  assert.deepEqual(rows(L('s_count')), [[0, 2, 0], [1000, 4, 0], [2000, 1, 0], [3000, 3, 0]]);
  assert.deepEqual(rows(L('g')).map((r) => r[1]), [5, 6, 7, 8]);
  // The dropped first samples still count as scraped and as series added.
  assert.deepEqual(values(f.storage, L('scrape_samples_scraped')), [8, 8, 8, 8]);
});

test('metadata is passed to storage for new series when asked', async () => {
  const f = fixture({ appendMetadata: true });
  f.scraper.push('# HELP a_total Things.\n# TYPE a_total counter\na_total 1\nunrelated 2\n');
  await f.loop.scrapeAndReport(0, T0 as Millis);
  assert.deepEqual(f.storage.metadata.map((m) => [m.series, m.m.type, m.m.help]), [[L('a_total'), 'counter', 'Things.']]);
});
