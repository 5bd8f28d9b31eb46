/**
 * The search routes over HTTP: parameter checks and their error texts, the NDJSON stream
 * (batches, trailer, has_more, warnings, the error line), orders, scores, metadata, the
 * limit cap, several selectors, and the answer with the feature off. Part against the API's
 * fixed data set (test-support.ts), part against a fake storage that fails or warns on cue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matcher } from '../../../model/index.js';
import type { Querier, Queryable } from '../../../storage/index.js';
import { nopLogger } from '../../../util/log.js';
import { WebServer } from '../../server.js';
import { registerCORS } from './cors.js';
import { registerSearch } from './search.js';
import { fakeTargets, T0, withAPI, type TestAPI } from './test-support.js';

const NDJSON = 'application/x-ndjson; charset=utf-8';

/** The lines of an NDJSON answer, parsed; the answer must be NDJSON. */
async function lines(api: TestAPI, path: string, form?: string): Promise<unknown[]> {
  const r = await api.call(path, form === undefined ? {} : { form });
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  assert.equal(r.headers.get('content-type'), NDJSON, path);
  assert.ok(r.text.endsWith('\n'), 'every line ends with a newline');
  return r.text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as unknown);
}

const names = (...n: string[]): { name: string }[] => n.map((name) => ({ name }));
const OK = { status: 'success', has_more: false };
const MORE = { status: 'success', has_more: true };

test('search: parameter errors answer the JSON error envelope with Prometheus\'s texts', { timeout: 20000 }, async () => {
  await withAPI({ enableSearch: true, maxSearchLimit: 50 }, async (api) => {
    const m = '/api/v1/search/metric_names';
    const cases: [string, string | RegExp][] = [
      [`${m}?start=x`, 'invalid time value for \'start\': cannot parse "x" to a valid timestamp'],
      [`${m}?end=yesterday`, 'invalid time value for \'end\': cannot parse "yesterday" to a valid timestamp'],
      [`${m}?start=7200&end=3600`, 'end timestamp must not be before start timestamp'],
      [`${m}?match[]=up{`, /^1:4: parse error: /],
      [`${m}?match[]={a=""}`, 'match[] must contain at least one non-empty matcher'],
      [`${m}?${'search[]=t&'.repeat(33)}`, 'too many search[] terms: got 33, maximum is 32'],
      [`${m}?fuzz_threshold=200`, 'invalid fuzz_threshold "200": must be 0-100'],
      [`${m}?fuzz_threshold=-1`, 'invalid fuzz_threshold "-1": must be 0-100'],
      [`${m}?fuzz_threshold=x`, 'invalid fuzz_threshold "x": must be 0-100'],
      [`${m}?fuzz_alg=levenshtein`, 'unsupported fuzz_alg "levenshtein": must be one of [subsequence jarowinkler]'],
      [`${m}?case_sensitive=maybe`, 'invalid case_sensitive "maybe": must be boolean'],
      [`${m}?include_score=maybe`, 'invalid include_score "maybe": must be boolean'],
      [`${m}?include_metadata=maybe`, 'invalid include_metadata "maybe": must be boolean'],
      [`${m}?sort_dir=asc`, 'sort_dir is only valid when sort_by is set'],
      [`${m}?search[]=up&sort_by=score&sort_dir=asc`, 'sort_dir is not supported for sort_by=score'],
      [`${m}?sort_by=alpha&sort_dir=up`, 'invalid sort_dir "up": must be "asc" or "dsc"'],
      [`${m}?sort_by=score`, 'sort_by=score requires search[] to be set'],
      [`${m}?sort_by=cardinality`, 'invalid sort_by "cardinality" for metric_names: must be "alpha" or "score"'],
      ['/api/v1/search/label_values?label=job&sort_by=frequency', 'invalid sort_by "frequency" for label_values: must be "alpha" or "score"'],
      [`${m}?limit=0`, 'invalid limit "0": must be a positive integer'],
      [`${m}?limit=-1`, 'invalid limit "-1": must be a positive integer'],
      [`${m}?limit=1.5`, 'invalid limit "1.5": must be a positive integer'],
      [`${m}?limit=5000`, 'limit 5000 exceeds the configured maximum (50, see --web.search.max-limit)'],
      [`${m}?limit=%2B0051`, 'limit 51 exceeds the configured maximum (50, see --web.search.max-limit)'],
      [`${m}?batch_size=0`, 'invalid batch_size "0": must be a positive integer'],
      ['/api/v1/search/label_names?batch_size=-1', 'invalid batch_size "-1": must be a positive integer'],
      ['/api/v1/search/label_values', 'missing required parameter "label"'],
      ['/api/v1/search/label_values?label=', 'missing required parameter "label"'],
      [`${m}?a=%zz`, 'error parsing form values: invalid URL escape "%zz"'],
      // Checked in Prometheus's order: the time range before the limit, the limit before sort_by.
      [`${m}?limit=0&start=x`, 'invalid time value for \'start\': cannot parse "x" to a valid timestamp'],
      [`${m}?sort_by=nope&limit=0`, 'invalid limit "0": must be a positive integer'],
      ['/api/v1/search/label_values?sort_by=nope', 'invalid sort_by "nope" for label_values: must be "alpha" or "score"'],
    ];
    for (const [path, err] of cases) {
      const r = await api.call(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.headers.get('content-type'), 'application/json', path);
      assert.equal(r.json?.['status'], 'error', path);
      assert.equal(r.json?.['errorType'], 'bad_data', path);
      if (typeof err === 'string') assert.equal(r.json?.['error'], err, path);
      else assert.match(String(r.json?.['error']), err, path);
    }
    // 32 terms are allowed; limits up to the cap too.
    assert.equal((await api.call(`${m}?${'search[]=t&'.repeat(32)}`)).status, 200);
    assert.equal((await api.call(`${m}?limit=50`)).status, 200);
  });
});

test('search: with the feature off every route answers 500 unavailable', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    for (const ep of ['metric_names', 'label_names', 'label_values']) {
      for (const r of [await api.call(`/api/v1/search/${ep}?limit=0`), await api.call(`/api/v1/search/${ep}`, { form: 'label=job' })]) {
        assert.equal(r.status, 500, ep);
        assert.deepEqual(r.json, { status: 'error', errorType: 'unavailable', error: 'search API disabled' });
      }
    }
    const f = (await api.call('/api/v1/features')).json?.['data'] as { api: Record<string, boolean> };
    assert.equal(f.api['search'], false);
    assert.equal(f.api['search_fuzz_alg_subsequence'], true);
    assert.equal(f.api['search_fuzz_alg_jarowinkler'], true);
  });
});

test('search: metric names, batches, limit and has_more, orders, metadata', { timeout: 20000 }, async () => {
  await withAPI({ enableSearch: true }, async (api) => {
    const m = '/api/v1/search/metric_names';
    // The default range is the hour before now; the data is in it.
    assert.deepEqual(await lines(api, m), [{ results: names('dotted', 'http_requests_total', 'latency', 'up') }, OK]);
    const exact = await api.call(m);
    assert.equal(exact.text, '{"results":[{"name":"dotted"},{"name":"http_requests_total"},{"name":"latency"},{"name":"up"}]}\n{"status":"success","has_more":false}\n');
    assert.equal(exact.headers.get('vary'), 'Origin', 'CORS as on every API route');
    assert.deepEqual(await lines(api, `${m}?limit=2`), [{ results: names('dotted', 'http_requests_total') }, MORE]);
    assert.deepEqual(await lines(api, `${m}?limit=4`), [{ results: names('dotted', 'http_requests_total', 'latency', 'up') }, OK]);
    assert.deepEqual(await lines(api, `${m}?batch_size=3`), [{ results: names('dotted', 'http_requests_total', 'latency') }, { results: names('up') }, OK]);
    // A batch that ends exactly at the limit: no empty batch after it.
    assert.deepEqual(await lines(api, `${m}?batch_size=2&limit=2`), [{ results: names('dotted', 'http_requests_total') }, MORE]);
    assert.deepEqual(await lines(api, `${m}?batch_size=2`), [{ results: names('dotted', 'http_requests_total') }, { results: names('latency', 'up') }, OK]);
    assert.deepEqual(await lines(api, `${m}?sort_by=alpha&sort_dir=dsc&limit=3`), [{ results: names('up', 'latency', 'http_requests_total') }, MORE]);
    assert.deepEqual(await lines(api, `${m}?sort_by=alpha&sort_dir=asc&limit=1`), [{ results: names('dotted') }, MORE]);
    // Nothing found: an empty first batch, then the trailer.
    assert.deepEqual(await lines(api, `${m}?search[]=nothing_like_it`), [{ results: [] }, OK]);
    // Outside the data's time range.
    assert.deepEqual(await lines(api, `${m}?start=${T0 / 1000 - 100}&end=${T0 / 1000 - 50}`), [{ results: [] }, OK]);
    // POST, form-encoded.
    assert.deepEqual(await lines(api, m, 'search[]=up&include_score=true'), [{ results: [{ name: 'up', score: 1 }] }, OK]);

    assert.deepEqual(await lines(api, `${m}?include_metadata=true`), [{
      results: [
        { name: 'dotted' }, { name: 'http_requests_total', type: 'counter', help: 'Requests.' }, { name: 'latency' },
        { name: 'up', type: 'gauge', help: 'Up.' },
      ],
    }, OK]);
    assert.deepEqual(await lines(api, `${m}?search[]=up&include_metadata=1&include_score=t`), [{ results: [{ name: 'up', score: 1, type: 'gauge', help: 'Up.' }] }, OK]);
  });
});

test('search: scores of both algorithms, score order, case folding, several terms', { timeout: 20000 }, async () => {
  await withAPI({ enableSearch: true }, async (api) => {
    const m = '/api/v1/search/metric_names';
    type R = { name: string; score: number };
    const results = async (path: string): Promise<R[]> => ((await lines(api, path))[0] as { results: R[] }).results;
    // Jaro-Winkler without a threshold: substrings only, scored by position (in characters).
    const jw = await results(`${m}?search[]=t&fuzz_alg=jarowinkler&include_score=true&sort_by=score`);
    assert.deepEqual(jw.map((r) => r.name), ['http_requests_total', 'latency', 'dotted']);
    assert.equal(jw[0]!.score, 1 - 0.9 * 1 / 18);
    assert.equal(jw[1]!.score, 1 - 0.9 * 2 / 6);
    assert.equal(jw[2]!.score, 1 - 0.9 * 2 / 5);
    // Subsequence (the default): "dtd" is in "dotted" only.
    const sub = await results(`${m}?search[]=dtd&include_score=true`);
    assert.deepEqual(sub.map((r) => r.name), ['dotted']);
    // d(0) t(2) d(5): three runs of 1, inner gaps of 1 and 2, no trailing gap: (3 - 3/6) / 9 * 0.999.
    assert.ok(Math.abs(sub[0]!.score - (3 - 3 / 6) / 9 * 0.999) < 1e-12, String(sub[0]!.score));
    // A threshold drops weak subsequence matches; prefixes always score 1.
    assert.deepEqual(await results(`${m}?search[]=dtd&fuzz_threshold=50`), []);
    assert.deepEqual(await results(`${m}?search[]=lat&fuzz_threshold=100`), [{ name: 'latency' }]);
    // Jaro-Winkler with a threshold finds near misses.
    assert.deepEqual((await results(`${m}?search[]=ltency&fuzz_alg=jarowinkler&fuzz_threshold=80`)).map((r) => r.name), ['latency']);
    assert.deepEqual(await results(`${m}?search[]=ltency&fuzz_alg=jarowinkler`), []);
    // Case: sensitive by default.
    assert.deepEqual(await results(`${m}?search[]=UP`), []);
    assert.deepEqual(await results(`${m}?search[]=UP&case_sensitive=false`), [{ name: 'up' }]);
    // Several terms: any of them; score order with ties by name.
    assert.deepEqual(await results(`${m}?search[]=up&search[]=dot&sort_by=score`), names('dotted', 'up'));
    assert.deepEqual(await results(`${m}?search[]=up&search[]=dot&sort_by=alpha&sort_dir=dsc`), names('up', 'dotted'));
    // Empty terms are no filter.
    assert.deepEqual(await results(`${m}?search[]=&limit=2`), names('dotted', 'http_requests_total'));
  });
});

test('search: label names and values, several selectors merged, cap on the default limit', { timeout: 20000 }, async () => {
  await withAPI({ enableSearch: true, maxSearchLimit: 3 }, async (api) => {
    const ln = '/api/v1/search/label_names';
    assert.deepEqual(await lines(api, `${ln}?match[]=up`), [{ results: names('__name__', 'instance', 'job') }, OK]);
    // Without `limit`, a cap under 100 is the limit.
    assert.deepEqual(await lines(api, ln), [{ results: names('__name__', 'code', 'http.status') }, MORE]);
    assert.deepEqual(await lines(api, `${ln}?match[]=up&match[]=dotted&sort_by=alpha&sort_dir=dsc`), [{ results: names('job', 'instance', 'http.status') }, MORE]);
    assert.deepEqual(await lines(api, `${ln}?search[]=inst&include_score=1`), [{ results: [{ name: 'instance', score: 1 }] }, OK]);

    const lv = '/api/v1/search/label_values';
    assert.deepEqual(await lines(api, `${lv}?label=instance`), [{ results: [{ value: 'a:1' }, { value: 'b:1' }] }, OK]);
    assert.deepEqual(await lines(api, `${lv}?label=instance&limit=1`), [{ results: [{ value: 'a:1' }] }, MORE]);
    assert.deepEqual(await lines(api, `${lv}?label=instance&search[]=B&case_sensitive=false`), [{ results: [{ value: 'b:1' }] }, OK]);
    assert.deepEqual(await lines(api, `${lv}?label=code&match[]=${encodeURIComponent('{code="500"}')}&match[]=${encodeURIComponent('{code=~"200|500"}')}`),
      [{ results: [{ value: '200' }, { value: '500' }] }, OK]);
    // Label names are taken as given (no U__ unescaping, any name).
    assert.deepEqual(await lines(api, `${lv}?label=http.status`), [{ results: [{ value: '404' }] }, OK]);
    assert.deepEqual(await lines(api, `${lv}?label=nothere`), [{ results: [] }, OK]);
    const f = (await api.call('/api/v1/features')).json?.['data'] as { api: Record<string, boolean> };
    assert.equal(f.api['search'], true);
  });
});

/** A storage whose lookups fail for selectors naming `fail`, warn for `warn`, and otherwise give three values. */
function fakeQueryable(opts: { notReady?: boolean } = {}): Queryable {
  const pick = (ms: readonly Matcher[], what: 'values' | 'names'): { value: string[]; warnings: string[] } => {
    if (ms.some((m) => m.name === 'fail')) throw new Error(`simulated ${what} failure ${ms.find((m) => m.name === 'fail')!.value}`);
    const warnings = ms.some((m) => m.name === 'warn') ? ['c-warn', 'a-warn'] : [];
    return { value: ['alpha', 'beta', 'gamma'], warnings };
  };
  const q: Querier = {
    select: () => Promise.reject(new Error('not used')),
    labelValues: (_n, _h, ms) => Promise.resolve().then(() => pick(ms, 'values')),
    labelNames: (_h, ms) => Promise.resolve().then(() => pick(ms, 'names')),
    close: () => Promise.resolve(),
  };
  return {
    querier: () => (opts.notReady === true ? Promise.reject(new Error('TSDB not ready')) : Promise.resolve(q)),
  };
}

async function withFake(queryable: Queryable, fn: (base: string) => Promise<void>): Promise<void> {
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 10_000, maxConnections: 20, logger: nopLogger });
  registerCORS(web.router, '.*');
  registerSearch(web.router, { queryable, targets: fakeTargets(), enabled: true, maxLimit: 0, now: () => 7_200_000 });
  const [addr] = await web.listen();
  web.setReady(true);
  try {
    await fn(`http://${addr!}`);
  } finally {
    await web.close();
  }
}

test('search: failures of some selectors end the stream with an error line; of all, a JSON error', { timeout: 20000 }, async () => {
  await withFake(fakeQueryable(), async (base) => {
    const get = async (path: string): Promise<{ status: number; ctype: string | null; text: string }> => {
      const r = await fetch(base + path);
      return { status: r.status, ctype: r.headers.get('content-type'), text: await r.text() };
    };
    const m = '/api/v1/search/metric_names';
    const fail = encodeURIComponent('{fail="1"}');
    const partial = await get(`${m}?match[]=up&match[]=${fail}&batch_size=2`);
    assert.equal(partial.status, 200);
    assert.equal(partial.ctype, NDJSON);
    assert.equal(partial.text, [
      '{"results":[{"name":"alpha"},{"name":"beta"}]}',
      '{"results":[{"name":"gamma"}]}',
      '{"status":"error","errorType":"execution","error":"simulated values failure 1"}',
      '',
    ].join('\n'));
    // Within the first batch, and with the limit reached: results first, then the error line.
    const cut = await get(`${m}?match[]=up&match[]=${fail}&limit=2`);
    assert.equal(cut.text, '{"results":[{"name":"alpha"},{"name":"beta"}]}\n{"status":"error","errorType":"execution","error":"simulated values failure 1"}\n');
    // Every selector failed: nothing found, so the JSON error envelope, errors joined by newlines.
    const all = await get(`/api/v1/search/label_names?match[]=${fail}&match[]=${encodeURIComponent('{fail="2"}')}`);
    assert.equal(all.status, 422);
    assert.equal(all.ctype, 'application/json');
    assert.deepEqual(JSON.parse(all.text), { status: 'error', errorType: 'execution', error: 'simulated names failure 1\nsimulated names failure 2' });
    // Warnings: in the first batch, sorted and each once; not repeated in the trailer.
    const warn = encodeURIComponent('{warn="1"}');
    const w = await get(`/api/v1/search/label_values?label=x&match[]=${warn}&match[]=${encodeURIComponent('{warn="2"}')}&batch_size=1&limit=2`);
    assert.equal(w.text, [
      '{"results":[{"value":"alpha"}],"warnings":["a-warn","c-warn"]}',
      '{"results":[{"value":"beta"}]}',
      '{"status":"success","has_more":true}',
      '',
    ].join('\n'));
    const none = await get(`/api/v1/search/label_values?label=x&match[]=${warn}&search[]=zzz`);
    assert.equal(none.text, '{"results":[],"warnings":["a-warn","c-warn"]}\n{"status":"success","has_more":false}\n');
    // With the cap off, huge limits are accepted.
    assert.equal((await get(`${m}?limit=9223372036854775807`)).status, 200);
    // HEAD is refused on API routes, as Prometheus's API router has none.
    assert.equal((await fetch(base + m, { method: 'HEAD' })).status, 405);
  });
  await withFake(fakeQueryable({ notReady: true }), async (base) => {
    for (const p of ['/api/v1/search/metric_names', '/api/v1/search/label_names', '/api/v1/search/label_values?label=job']) {
      const r = await fetch(base + p);
      assert.equal(r.status, 500, p);
      assert.deepEqual(await r.json(), { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' });
    }
  });
});
