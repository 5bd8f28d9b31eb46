import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr } from '../../../promql/parser/index.js';
import { QueryError, type Engine, type Query, type QueryResult } from '../../../promql/value.js';
import { N, STEP, T0, withAPI } from './test-support.js';

const T = (T0 + 300_000) / 1000; // the middle of the data, in seconds

test('query and query_range: parameter errors, in Prometheus\'s order and words', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const cases: [string, number, string, string | RegExp][] = [
      ['/api/v1/query', 400, 'bad_data', 'invalid parameter "query": unknown position: parse error: no expression found in input'],
      ['/api/v1/query?query=sum(', 400, 'bad_data', 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis'],
      ['/api/v1/query?query=up&time=abc', 400, 'bad_data', 'invalid parameter "time": invalid time value for \'time\': cannot parse "abc" to a valid timestamp'],
      ['/api/v1/query?query=up&limit=-1&time=abc', 400, 'bad_data', 'invalid parameter "limit": limit must be non-negative'],
      ['/api/v1/query?query=up&timeout=abc', 400, 'bad_data', 'invalid parameter "timeout": cannot parse "abc" to a valid duration'],
      ['/api/v1/query?query=up&lookback_delta=x', 400, 'bad_data', 'error parsing lookback delta duration: cannot parse "x" to a valid duration'],
      ['/api/v1/query_range?query=up', 400, 'bad_data', 'invalid parameter "start": cannot parse "" to a valid timestamp'],
      ['/api/v1/query_range?query=up&start=10', 400, 'bad_data', 'invalid parameter "end": cannot parse "" to a valid timestamp'],
      ['/api/v1/query_range?query=up&start=10&end=5&step=1', 400, 'bad_data', 'invalid parameter "end": end timestamp must not be before start time'],
      ['/api/v1/query_range?query=up&start=0&end=5', 400, 'bad_data', 'invalid parameter "step": cannot parse "" to a valid duration'],
      ['/api/v1/query_range?query=up&start=0&end=5&step=0', 400, 'bad_data', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
      ['/api/v1/query_range?query=up&start=0&end=5&step=-1s', 400, 'bad_data', 'invalid parameter "step": cannot parse "-1s" to a valid duration'],
      ['/api/v1/query_range?query=up&start=0&end=11001&step=1', 400, 'bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
      ['/api/v1/query_range?query=up[5m]&start=0&end=10&step=1', 400, 'bad_data', 'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector'],
      ['/api/v1/query_range?query=up&start=0&end=10&step=1&limit=x', 400, 'bad_data', 'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax'],
      [`/api/v1/query?query=label_replace({job="api",code=~".%2B"},"code","x","","")&time=${T}`, 422, 'execution', 'vector cannot contain metrics with the same labelset'],
      [`/api/v1/query?query=up&timeout=0&time=${T}`, 503, 'timeout', /^query timed out in /],
    ];
    for (const [path, status, type, err] of cases) {
      const r = await api.call(path);
      assert.equal(r.status, status, path);
      assert.equal(r.json?.['status'], 'error', path);
      assert.equal(r.json?.['errorType'], type, path);
      if (typeof err === 'string') assert.equal(r.json?.['error'], err, path);
      else assert.match(String(r.json?.['error']), err, path);
    }
  });
});

test('query: an instant vector, GET and form POST alike; scalars and strings', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const get = await api.call(`/api/v1/query?query=up&time=${T}`);
    assert.equal(get.status, 200);
    assert.equal(get.text, `{"status":"success","data":{"resultType":"vector","result":[` +
      `{"metric":{"__name__":"up","instance":"a:1","job":"api"},"value":[${T},"1"]},` +
      `{"metric":{"__name__":"up","instance":"b:1","job":"api"},"value":[${T},"0"]}]}}`);
    const post = await api.call('/api/v1/query', { form: `query=up&time=${T}` });
    assert.equal(post.text, get.text);
    const s = await api.call('/api/v1/query?query=1%2B1&time=1.5');
    assert.deepEqual(s.json?.['data'], { resultType: 'scalar', result: [1.5, '2'] });
    const str = await api.call('/api/v1/query?query="x"&time=2');
    assert.deepEqual(str.json?.['data'], { resultType: 'string', result: [2, 'x'] });
    // A matrix from an instant query; the default time is now.
    const m = await api.call('/api/v1/query?query=up[30s]');
    const data = m.json?.['data'] as { resultType: string; result: { values: unknown[] }[] };
    assert.equal(data.resultType, 'matrix');
    assert.equal(data.result[0]!.values.length, 2);
  });
});

test('query: native histograms, limit with its warning, stats', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const h = await api.call(`/api/v1/query?query=latency&time=${T}`);
    const i = 20;
    assert.deepEqual((h.json?.['data'] as { result: unknown[] }).result, [{
      metric: { __name__: 'latency', job: 'api' },
      histogram: [T, { count: String(3 * i), sum: String(1.5 * i), buckets: [[3, '-0.001', '0.001', String(i)], [0, '0.5', '1', String(i)], [0, '1', '2', String(i)]] }],
    }]);

    const lim = await api.call(`/api/v1/query?query=up&time=${T}&limit=1`);
    assert.equal((lim.json?.['data'] as { result: unknown[] }).result.length, 1);
    assert.deepEqual(lim.json?.['warnings'], ['results truncated due to limit']);
    const noCut = await api.call(`/api/v1/query?query=up&time=${T}&limit=2`);
    assert.equal(noCut.json?.['warnings'], undefined);

    const st = await api.call(`/api/v1/query_range?query=up&start=${T0 / 1000}&end=${T}&step=60&stats=true`);
    const stats = (st.json?.['data'] as { stats: { timings: Record<string, number>; samples: Record<string, unknown> } }).stats;
    assert.deepEqual(Object.keys(stats.timings), ['evalTotalTime', 'resultSortTime', 'queryPreparationTime', 'innerEvalTime', 'execQueueTime', 'execTotalTime']);
    assert.deepEqual(stats.samples, { totalQueryableSamples: 12, samplesRead: 12, peakSamples: 12 });
    // With windows re-read at every step, samples read differ from those loaded; without the engine's count, left out.
    const win = await api.call(`/api/v1/query_range?query=rate(up[1m])&start=${T0 / 1000}&end=${T}&step=60&stats=true`);
    assert.equal((win.json?.['data'] as { stats: { samples: Record<string, unknown> } }).stats.samples['samplesRead'], undefined);
    const odd = await api.call(`/api/v1/query?query=up&time=${T}&stats=yes`);
    assert.ok((odd.json?.['data'] as Record<string, unknown>)['stats'] !== undefined);
    assert.deepEqual(odd.json?.['warnings'], ['value "yes" for parameter "stats" is deprecated and will be rejected in the next major release, use "true" or "all"']);
    const none = await api.call(`/api/v1/query?query=up&time=${T}`);
    assert.equal((none.json?.['data'] as Record<string, unknown>)['stats'], undefined);
  });
});

test('query_range: the matrix, lookback_delta per query', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const start = T0 / 1000, end = start + 60;
    const r = await api.call(`/api/v1/query_range?query=up{instance="b:1"}&start=${start}&end=${end}&step=30s`);
    assert.deepEqual(r.json?.['data'], {
      resultType: 'matrix',
      result: [{ metric: { __name__: 'up', instance: 'b:1', job: 'api' }, values: [[start, '0'], [start + 30, '1'], [start + 60, '0']] }],
    });
    // One second after the data ends: found with the default lookback, gone with a 1 s one.
    const after = (T0 + (N - 1) * STEP) / 1000 + 2;
    const found = await api.call(`/api/v1/query?query=up&time=${after}`);
    assert.equal((found.json?.['data'] as { result: unknown[] }).result.length, 2);
    const gone = await api.call(`/api/v1/query?query=up&time=${after}&lookback_delta=1s`);
    assert.equal((gone.json?.['data'] as { result: unknown[] }).result.length, 0);
  });
});

/** An engine whose queries wait until their signal aborts, recording it. */
function waitingEngine(seen: { aborted: boolean; started: () => void }): Engine {
  const mk = (): Query => ({
    statement: parseExpr('up'),
    exec: (signal?: AbortSignal) => new Promise<QueryResult>((_resolve, reject) => {
      seen.started();
      signal?.addEventListener('abort', () => {
        seen.aborted = true;
        reject(new QueryError('canceled', 'query was canceled in query execution'));
      }, { once: true });
    }),
    close: () => undefined,
  });
  return { newInstantQuery: mk, newRangeQuery: mk };
}

test('query: the request\'s signal reaches the engine; a client that goes away cancels the query', { timeout: 20000 }, async () => {
  let started!: () => void;
  const running = new Promise<void>((r) => { started = r; });
  const seen = { aborted: false, started: () => { started(); } };
  await withAPI({ engine: waitingEngine(seen) }, async (api) => {
    const ac = new AbortController();
    const pending = api.call('/api/v1/query?query=up', { signal: ac.signal }).catch((e: unknown) => e);
    await running;
    ac.abort();
    await pending;
    for (let i = 0; i < 50 && !seen.aborted; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(seen.aborted, true);
  });
});

test('query: the timeout parameter aborts the query and answers 503 timeout', { timeout: 20000 }, async () => {
  const seen = { aborted: false, started: () => undefined };
  await withAPI({ engine: waitingEngine(seen) }, async (api) => {
    const r = await api.call('/api/v1/query?query=up&timeout=50ms');
    assert.equal(r.status, 503);
    assert.deepEqual(r.json, { status: 'error', errorType: 'timeout', error: 'query timed out in query execution' });
    assert.equal(seen.aborted, true);
  });
});

test('query: engine error types keep their status codes', { timeout: 20000 }, async () => {
  const cases: [QueryError, number][] = [
    [new QueryError('canceled', 'query was canceled in query execution'), 499],
    [new QueryError('timeout', 'query timed out in expression evaluation'), 503],
    [new QueryError('execution', 'query processing would load too many samples into memory in query execution'), 422],
    [new QueryError('internal', 'boom'), 500],
  ];
  for (const [err, status] of cases) {
    const q: Query = { statement: parseExpr('up'), exec: () => Promise.reject(err), close: () => undefined };
    await withAPI({ engine: { newInstantQuery: () => q, newRangeQuery: () => q } }, async (api) => {
      const r = await api.call('/api/v1/query?query=up');
      assert.equal(r.status, status, err.message);
      assert.deepEqual(r.json, { status: 'error', errorType: err.errorType, error: err.message });
    });
  }
});

test('query: a storage that is not ready yet answers unavailable (500), as Prometheus', { timeout: 20000 }, async () => {
  const q: Query = { statement: parseExpr('up'), exec: () => Promise.reject(new Error('TSDB not ready')), close: () => undefined };
  await withAPI({ engine: { newInstantQuery: () => q, newRangeQuery: () => q } }, async (api) => {
    const r = await api.call('/api/v1/query?query=up');
    assert.equal(r.status, 500);
    assert.deepEqual(r.json, { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' });
  });
});

test('query: more than ten warnings are summed up as Prometheus does', { timeout: 20000 }, async () => {
  const warnings = Array.from({ length: 12 }, (_v, i) => `PromQL warning: w${i}`);
  const q: Query = {
    statement: parseExpr('up'),
    exec: () => Promise.resolve({ value: { kind: 'vector', v: [] }, warnings, infos: ['PromQL info: i'], stats: null }),
    close: () => undefined,
  };
  await withAPI({ engine: { newInstantQuery: () => q, newRangeQuery: () => q } }, async (api) => {
    const r = await api.call('/api/v1/query?query=up&time=1');
    assert.deepEqual(r.json?.['warnings'], [...warnings.slice(0, 10), '2 more warning annotations omitted']);
    assert.deepEqual(r.json?.['infos'], ['PromQL info: i']);
  });
});
