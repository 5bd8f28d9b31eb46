import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { CounterResetHint, Labels, type Histogram, type Millis } from '../model/index.js';
import { MemoryStorage } from '../storage/memory/index.js';
import type { Querier, Queryable, SeriesSet } from '../storage/index.js';
import { Registry } from '../instrument/index.js';
import { nopLogger } from '../util/log.js';
import { EntryType, newParser } from '../textparse/index.js';
import { WebServer } from './server.js';
import { registerFederation, type FederationDeps } from './federate.js';

const MIN = 60_000;
const NOW = 101 * MIN;

/** Loads series as Prometheus's test `load 1m` does: one value per minute from t=0; 'stale' is a staleness marker. */
async function load(s: MemoryStorage, series: readonly (readonly [Labels, readonly (number | 'stale')[]])[]): Promise<void> {
  const app = s.appender();
  for (const [l, vs] of series) {
    let ref = 0;
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i]!;
      ref = v === 'stale' ? app.appendStale(ref, l, (i * MIN) as Millis) : app.append(ref, l, (i * MIN) as Millis, v);
    }
  }
  await app.commit();
}

/** `start+stepxN`: N+1 values. */
function seq(start: number, step: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(start + step * i);
  return out;
}

async function federationStorage(): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  await load(s, [
    [Labels.fromStrings('__name__', 'test_metric1', 'foo', 'bar', 'instance', 'i'), seq(0, 100, 100)],
    [Labels.fromStrings('__name__', 'test_metric1', 'foo', 'boo', 'instance', 'i'), seq(1, 0, 100)],
    [Labels.fromStrings('__name__', 'test_metric2', 'foo', 'boo', 'instance', 'i'), seq(1, 0, 100)],
    [Labels.fromStrings('__name__', 'test_metric_without_labels'), seq(1, 10, 100)],
    [Labels.fromStrings('__name__', 'test_metric_stale'), [...seq(1, 10, 99), 'stale']],
    [Labels.fromStrings('__name__', 'test_metric_old'), seq(1, 10, 98)],
  ]);
  return s;
}

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

/** A raw request (no automatic decompression), so headers and bytes are what the server sent. */
function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }); });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function withFederation(deps: Partial<FederationDeps> & { queryable: Queryable }, fn: (base: string, reg: Registry) => Promise<void>): Promise<void> {
  const reg = new Registry();
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 5000, maxConnections: 10, logger: nopLogger });
  registerFederation(web.router, { lookbackDeltaMs: 5 * MIN, externalLabels: () => ({}), now: () => NOW, registry: reg, logger: nopLogger, ...deps });
  const [addr] = await web.listen();
  web.setReady(true);
  try {
    await fn(`http://${addr!}`, reg);
  } finally {
    await web.close();
  }
}

// Prometheus's federation scenarios, restated: [name, query, external labels, status, body].
const SCENARIOS: readonly (readonly [string, string, Record<string, string>, number, string])[] = [
  ['empty', '', {}, 200, ''],
  ['match nothing', 'match[]=does_not_match_anything', {}, 200, ''],
  ['invalid params from the beginning', 'match[]=-not-a-valid-metric-name', {}, 400, '1:1: parse error: unexpected <op:->\n'],
  ['invalid params somewhere in the middle', 'match[]=not-a-valid-metric-name', {}, 400, '1:4: parse error: unexpected <op:->\n'],
  ['test_metric1', 'match[]=test_metric1', {}, 200, '# TYPE test_metric1 untyped\ntest_metric1{foo="bar",instance="i"} 10000 6000000\ntest_metric1{foo="boo",instance="i"} 1 6000000\n'],
  ['test_metric2', 'match[]=test_metric2', {}, 200, '# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i"} 1 6000000\n'],
  ['test_metric_without_labels', 'match[]=test_metric_without_labels', {}, 200, '# TYPE test_metric_without_labels untyped\ntest_metric_without_labels{instance=""} 1001 6000000\n'],
  ['test_stale_metric', 'match[]=test_metric_stale', {}, 200, ''],
  ['test_old_metric', 'match[]=test_metric_old', {}, 200, '# TYPE test_metric_old untyped\ntest_metric_old{instance=""} 981 5880000\n'],
  ["{foo='boo'}", "match[]={foo='boo'}", {}, 200, '# TYPE test_metric1 untyped\ntest_metric1{foo="boo",instance="i"} 1 6000000\n# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i"} 1 6000000\n'],
  ['two matchers', 'match[]=test_metric1&match[]=test_metric2', {}, 200, '# TYPE test_metric1 untyped\ntest_metric1{foo="bar",instance="i"} 10000 6000000\ntest_metric1{foo="boo",instance="i"} 1 6000000\n# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i"} 1 6000000\n'],
  ['two matchers with overlap', "match[]={__name__=~'test_metric1'}&match[]={foo='bar'}", {}, 200, '# TYPE test_metric1 untyped\ntest_metric1{foo="bar",instance="i"} 10000 6000000\ntest_metric1{foo="boo",instance="i"} 1 6000000\n'],
  ['everything', "match[]={__name__=~'.%2b'}", {}, 200, '# TYPE test_metric1 untyped\ntest_metric1{foo="bar",instance="i"} 10000 6000000\ntest_metric1{foo="boo",instance="i"} 1 6000000\n# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i"} 1 6000000\n# TYPE test_metric_old untyped\ntest_metric_old{instance=""} 981 5880000\n# TYPE test_metric_without_labels untyped\ntest_metric_without_labels{instance=""} 1001 6000000\n'],
  ["empty label value matches everything that doesn't have that label", "match[]={foo='',__name__=~'.%2b'}", {}, 200, '# TYPE test_metric_old untyped\ntest_metric_old{instance=""} 981 5880000\n# TYPE test_metric_without_labels untyped\ntest_metric_without_labels{instance=""} 1001 6000000\n'],
  ["empty label value for a label that doesn't exist at all, matches everything", "match[]={bar='',__name__=~'.%2b'}", {}, 200, '# TYPE test_metric1 untyped\ntest_metric1{foo="bar",instance="i"} 10000 6000000\ntest_metric1{foo="boo",instance="i"} 1 6000000\n# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i"} 1 6000000\n# TYPE test_metric_old untyped\ntest_metric_old{instance=""} 981 5880000\n# TYPE test_metric_without_labels untyped\ntest_metric_without_labels{instance=""} 1001 6000000\n'],
  ['external labels are added if not already present', "match[]={__name__=~'.%2b'}", { foo: 'baz', zone: 'ie' }, 200, '# TYPE test_metric1 untyped\ntest_metric1{foo="bar",instance="i",zone="ie"} 10000 6000000\ntest_metric1{foo="boo",instance="i",zone="ie"} 1 6000000\n# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i",zone="ie"} 1 6000000\n# TYPE test_metric_old untyped\ntest_metric_old{foo="baz",instance="",zone="ie"} 981 5880000\n# TYPE test_metric_without_labels untyped\ntest_metric_without_labels{foo="baz",instance="",zone="ie"} 1001 6000000\n'],
  ['instance is an external label', "match[]={__name__=~'.%2b'}", { instance: 'baz' }, 200, '# TYPE test_metric1 untyped\ntest_metric1{foo="bar",instance="i"} 10000 6000000\ntest_metric1{foo="boo",instance="i"} 1 6000000\n# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i"} 1 6000000\n# TYPE test_metric_old untyped\ntest_metric_old{instance="baz"} 981 5880000\n# TYPE test_metric_without_labels untyped\ntest_metric_without_labels{instance="baz"} 1001 6000000\n'],
  // Beyond Prometheus's table: query strings Go refuses to parse.
  ['bad escape', 'match[]=up%zz', {}, 400, 'error parsing form values: invalid URL escape "%zz"\n'],
  ['truncated escape', 'match[]=up%4', {}, 400, 'error parsing form values: invalid URL escape "%4"\n'],
  ['semicolon', 'match[]=up;x=1', {}, 400, 'error parsing form values: invalid semicolon separator in query\n'],
  ['a later semicolon wins over an earlier bad escape', 'match[]=up%zz&a;b', {}, 400, 'error parsing form values: invalid semicolon separator in query\n'],
  ['empty selector', 'match[]=', {}, 400, 'unknown position: parse error: unexpected end of input\n'],
  // A selector whose matchers all match the empty string is
  // accepted (match[] is not checked for that) and selects the named series lacking the label.
  ['only empty-matching matchers', "match[]={foo=''}", {}, 200, '# TYPE test_metric_old untyped\ntest_metric_old{instance=""} 981 5880000\n# TYPE test_metric_without_labels untyped\ntest_metric_without_labels{instance=""} 1001 6000000\n'],
];

test('federation: Prometheus\'s scenarios (text format, no Accept header)', async () => {
  const storage = await federationStorage();
  let ext: Record<string, string> = {};
  await withFederation({ queryable: storage, externalLabels: () => ext }, async (base) => {
    for (const [name, query, labels, status, body] of SCENARIOS) {
      ext = labels;
      const r = await get(base, '/federate?' + query);
      assert.equal(r.status, status, name);
      assert.equal(r.body.toString(), body, name);
      if (status === 200) assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8; escaping=underscores', name);
      else {
        assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8', name);
        assert.equal(r.headers['x-content-type-options'], 'nosniff', name);
      }
    }
  });
});

class NotReady implements Queryable {
  querier(): Promise<Querier> {
    return Promise.reject(new Error('wrap: TSDB not ready'));
  }
}

test('federation: a storage not ready answers 503, bad requests are checked first; errors are counted', async () => {
  await withFederation({ queryable: new NotReady() }, async (base, reg) => {
    for (const [name, query, , status] of SCENARIOS) {
      const r = await get(base, '/federate?' + query);
      assert.equal(r.status, status === 400 ? 400 : 503, name);
    }
    const errors = SCENARIOS.filter((s) => s[3] !== 400).length;
    assert.match(reg.expose(), new RegExp(`prometheus_web_federation_errors_total ${errors}\\n`));
    assert.match(reg.expose(), /prometheus_web_federation_warnings_total 0\n/);
  });
});

class Warning implements Queryable {
  constructor(private readonly inner: Queryable) {}
  async querier(mint: Millis, maxt: Millis): Promise<Querier> {
    const q = await this.inner.querier(mint, maxt);
    return {
      select: async (...args: Parameters<Querier['select']>): Promise<SeriesSet> => {
        const ss = await q.select(...args);
        return { next: () => ss.next(), at: () => ss.at(), err: () => ss.err(), warnings: () => ['partial data', 'another'] };
      },
      labelValues: (...a) => q.labelValues(...a),
      labelNames: (...a) => q.labelNames(...a),
      close: () => q.close(),
    };
  }
}

test('federation: select warnings are counted; the answer still comes', async () => {
  const storage = await federationStorage();
  await withFederation({ queryable: new Warning(storage) }, async (base, reg) => {
    const r = await get(base, '/federate?match[]=test_metric2');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), '# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i"} 1 6000000\n');
    assert.match(reg.expose(), /prometheus_web_federation_warnings_total 2\n/);
  });
});

test('federation: GET only (POST is 405 as in Prometheus), HEAD, gzip and deflate', async () => {
  const storage = await federationStorage();
  await withFederation({ queryable: storage }, async (base) => {
    const post = await get(base, '/federate', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'POST', 'match[]=test_metric2');
    assert.equal(post.status, 405);
    const head = await get(base, '/federate?match[]=test_metric2', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    const gz = await get(base, '/federate?match[]=test_metric2', { 'Accept-Encoding': 'br, gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.headers['vary'], 'Accept-Encoding');
    assert.equal(gunzipSync(gz.body).toString(), '# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i"} 1 6000000\n');
    const df = await get(base, '/federate?match[]=test_metric2', { 'Accept-Encoding': 'deflate' });
    assert.equal(df.headers['content-encoding'], 'deflate');
    const { inflateSync } = await import('node:zlib');
    assert.equal(inflateSync(df.body).toString(), '# TYPE test_metric2 untyped\ntest_metric2{foo="boo",instance="i"} 1 6000000\n');
    const bad = await get(base, '/federate?match[]=-x', { 'Accept-Encoding': 'gzip' });
    assert.equal(bad.status, 400);
    assert.equal(gunzipSync(bad.body).toString(), '1:1: parse error: unexpected <op:->\n');
  });
});

test('federation: UTF-8 names escaped unless the client allows UTF-8; protobuf on request', async () => {
  const storage = new MemoryStorage();
  await load(storage, [[Labels.fromStrings('__name__', 'my.metric', 'a.b', 'c', 'job', 'x'), [4, 5]]]);
  await withFederation({ queryable: storage, now: () => 2 * MIN }, async (base) => {
    // External labels (here only `instance=""`) follow the series' own labels.
    const plain = await get(base, '/federate?match[]={job="x"}');
    assert.equal(plain.body.toString(), '# TYPE my_metric untyped\nmy_metric{a_b="c",job="x",instance=""} 5 60000\n');
    const utf8 = await get(base, '/federate?match[]={job="x"}', { Accept: 'text/plain;version=1.0.0;escaping=allow-utf-8,text/plain;version=0.0.4;q=0.5' });
    assert.equal(utf8.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8; escaping=allow-utf-8');
    assert.equal(utf8.body.toString(), '# TYPE "my.metric" untyped\n{"my.metric","a.b"="c",job="x",instance=""} 5 60000\n');
    const pb = await get(base, '/federate?match[]={job="x"}', { Accept: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=allow-utf-8' });
    const ct = String(pb.headers['content-type']);
    assert.equal(ct, 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=allow-utf-8');
    const p = newParser(pb.body, ct, '', { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false });
    const got: string[] = [];
    for (let e = p.next(); e !== EntryType.EOF; e = p.next()) {
      if (e === EntryType.Type) got.push(p.type().join(' '));
      if (e === EntryType.Series) got.push(`${p.labels().toString()} ${p.value()} @${String(p.timestamp())}`);
    }
    assert.deepEqual(got, ['my.metric unknown', '{__name__="my.metric", "a.b"="c", instance="", job="x"} 5 @60000']);
  });
});

function hist(h: Partial<Histogram>): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [], ...h,
  };
}

test('federation: native histograms in protobuf (families split by kind), custom buckets as classic, none natively in text', async () => {
  const storage = new MemoryStorage();
  const base = { count: 12, zeroCount: 2, zeroThreshold: 0.001, sum: 39.4, schema: 1, positiveSpans: [{ offset: 0, length: 2 }, { offset: 1, length: 2 }], positiveBuckets: [1, 1, -1, 0], negativeSpans: [{ offset: 0, length: 2 }, { offset: 1, length: 2 }], negativeBuckets: [1, 1, -1, 0] };
  const noZero = { count: 20, sum: 99.23, schema: 1, positiveSpans: [{ offset: 0, length: 2 }, { offset: 1, length: 2 }], positiveBuckets: [2, 2, -2, 0], negativeSpans: [{ offset: 0, length: 2 }, { offset: 1, length: 2 }], negativeBuckets: [2, 2, -2, 0] };
  const nhcb = { count: 6, sum: 1.234, schema: -53, positiveSpans: [{ offset: 0, length: 2 }, { offset: 2, length: 1 }], positiveBuckets: [3, -1, -1], customValues: [0.1, 0.2, 0.5, 1, 2] };
  const app = storage.appender();
  const t = (100 * MIN) as Millis;
  let zc = base.zeroCount, cnt = base.count;
  for (let i = 0; i < 7; i++) {
    const l = Labels.fromStrings('__name__', 'test_metric', 'foo', String(i));
    if (i === 0 || i === 3) app.append(0, l, t, i * 100);
    else if (i === 4) app.appendHistogram(0, l, t, hist(noZero), null);
    else if (i === 6) app.appendHistogram(0, l, t, hist(nhcb), null);
    else app.appendHistogram(0, l, t, hist({ ...base, zeroCount: ++zc, count: ++cnt }), null);
  }
  await app.commit();
  const PB = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
  await withFederation({ queryable: storage }, async (b) => {
    const r = await get(b, '/federate?match[]=test_metric', { Accept: PB });
    const p = newParser(r.body, String(r.headers['content-type']), '', { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false });
    let families = 0;
    const got: string[] = [];
    for (let e = p.next(); e !== EntryType.EOF; e = p.next()) {
      if (e === EntryType.Help) families++;
      if (e === EntryType.Type) got.push('TYPE ' + p.type()[1]);
      if (e === EntryType.Series) got.push(`${p.labels().toString()} ${p.value()} @${String(p.timestamp())}`);
      if (e === EntryType.Histogram) {
        const { h, fh } = p.histogram();
        assert.equal(h, null, 'federated native histograms are float histograms');
        got.push(`${p.labels().toString()} count=${fh!.count} zero=${fh!.zeroCount} pos=${fh!.positiveBuckets.join(',')} @${String(p.timestamp())}`);
      }
    }
    assert.equal(families, 4);
    const L = (foo: string, name = 'test_metric', extra = ''): string => `{__name__="${name}", foo="${foo}", instance=""${extra}}`;
    assert.deepEqual(got, [
      // The protobuf parser reads UNTYPED as `unknown`.
      'TYPE unknown', `${L('0')} 0 @6000000`,
      'TYPE histogram', `${L('1')} count=13 zero=3 pos=1,2,1,1 @6000000`, `${L('2')} count=14 zero=4 pos=1,2,1,1 @6000000`,
      'TYPE unknown', `${L('3')} 300 @6000000`,
      'TYPE histogram', `${L('4')} count=20 zero=0 pos=2,4,2,2 @6000000`, `${L('5')} count=15 zero=5 pos=1,2,1,1 @6000000`,
      `${L('6', 'test_metric_count')} 6 @6000000`, `${L('6', 'test_metric_sum')} 1.234 @6000000`,
      `${L('6', 'test_metric_bucket', ', le="0.1"')} 3 @6000000`, `${L('6', 'test_metric_bucket', ', le="0.2"')} 5 @6000000`,
      `${L('6', 'test_metric_bucket', ', le="0.5"')} 5 @6000000`, `${L('6', 'test_metric_bucket', ', le="1.0"')} 5 @6000000`,
      `${L('6', 'test_metric_bucket', ', le="2.0"')} 6 @6000000`, `${L('6', 'test_metric_bucket', ', le="+Inf"')} 6 @6000000`,
    ]);
    // In the text format native histograms are left out; the custom-bucket one is a classic histogram.
    const text = await get(b, '/federate?match[]=test_metric');
    assert.equal(text.body.toString(), [
      '# TYPE test_metric untyped', 'test_metric{foo="0",instance=""} 0 6000000', 'test_metric{foo="3",instance=""} 300 6000000',
      '# TYPE test_metric histogram',
      'test_metric_bucket{foo="6",instance="",le="0.1"} 3 6000000', 'test_metric_bucket{foo="6",instance="",le="0.2"} 5 6000000',
      'test_metric_bucket{foo="6",instance="",le="0.5"} 5 6000000', 'test_metric_bucket{foo="6",instance="",le="1"} 5 6000000',
      'test_metric_bucket{foo="6",instance="",le="2"} 6 6000000', 'test_metric_bucket{foo="6",instance="",le="+Inf"} 6 6000000',
      'test_metric_sum{foo="6",instance=""} 1.234 6000000', 'test_metric_count{foo="6",instance=""} 6 6000000', '',
    ].join('\n'));
  });
});

test('federation: gauge histograms get their own family type', async () => {
  const storage = new MemoryStorage();
  const app = storage.appender();
  const g = hist({ counterResetHint: CounterResetHint.Gauge, count: 1, sum: 1, schema: 0, positiveSpans: [{ offset: 0, length: 1 }], positiveBuckets: [1] });
  app.appendHistogram(0, Labels.fromStrings('__name__', 'gh', 'k', 'a'), (100 * MIN) as Millis, g, null);
  app.appendHistogram(0, Labels.fromStrings('__name__', 'gh', 'k', 'b'), (100 * MIN) as Millis, hist({ count: 1, sum: 1, positiveSpans: [{ offset: 0, length: 1 }], positiveBuckets: [1] }), null);
  await app.commit();
  await withFederation({ queryable: storage }, async (b) => {
    const r = await get(b, '/federate?match[]=gh', { Accept: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited' });
    const p = newParser(r.body, String(r.headers['content-type']), '', { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false });
    const types: string[] = [];
    for (let e = p.next(); e !== EntryType.EOF; e = p.next()) if (e === EntryType.Type) types.push(p.type()[1]);
    assert.deepEqual(types, ['gaugehistogram', 'histogram']);
  });
});
