import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigString } from '../../../config/index.js';
import { scrapeConfigYAML } from './scrape-pool-config.js';
import { T0, withAPI } from './test-support.js';

test('metadata routes: parameter errors', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const cases: [string, string | RegExp][] = [
      ['/api/v1/labels?match[]=up{', /^1:4: parse error: /],
      ['/api/v1/labels?match[]={a=""}', 'match[] must contain at least one non-empty matcher'],
      ['/api/v1/labels?limit=-2', 'invalid parameter "limit": limit must be non-negative'],
      ['/api/v1/labels?start=x', 'invalid parameter "start": invalid time value for \'start\': cannot parse "x" to a valid timestamp'],
      ['/api/v1/label/job/values?end=x', 'invalid parameter "end": invalid time value for \'end\': cannot parse "x" to a valid timestamp'],
      ['/api/v1/label/job/values?match[]=(', /^1:1: parse error: /],
      ['/api/v1/series', 'no match[] parameter provided'],
      ['/api/v1/series?match[]=up{', /^invalid parameter "match\[\]": 1:4: parse error: /],
      ['/api/v1/series?match[]={a=~".*"}', 'invalid parameter "match[]": match[] must contain at least one non-empty matcher'],
      ['/api/v1/series?match[]=up&a=%zz', 'error parsing form values: invalid URL escape "%zz"'],
      ['/api/v1/query_exemplars?query=up&start=10&end=5', 'end timestamp must not be before start timestamp'],
      ['/api/v1/query_exemplars?query=up(', '1:4: parse error: unclosed left parenthesis'],
      ['/api/v1/format_query?query=1%2B', /^invalid parameter "query": 1:3: parse error: /],
      ['/api/v1/parse_query?query=foo{', /^invalid parameter "query": 1:5: parse error: /],
      ['/api/v1/metadata?limit=x', 'limit must be a number'],
      ['/api/v1/metadata?limit_per_metric=1.5', 'limit_per_metric must be a number'],
      ['/api/v1/status/tsdb?limit=0', 'limit must be a positive number'],
      ['/api/v1/status/tsdb?limit=x', 'limit must be a positive number'],
      ['/api/v1/status/tsdb?limit=10001', 'limit must not exceed 10000'],
      ['/api/v1/targets/relabel_steps', 'no scrapePool parameter provided'],
      ['/api/v1/scrape_pools/config', 'no scrapePool parameter provided'],
      ['/api/v1/scrape_pools/config?scrapePool=nope', 'error retrieving scrape config: scrape pool "nope" not found'],
      ['/api/v1/targets/relabel_steps?scrapePool=api', 'no labels parameter provided'],
      ['/api/v1/targets/relabel_steps?scrapePool=api&labels=[1]', 'error parsing labels: json: cannot unmarshal array into Go value of type map[string]string'],
      ['/api/v1/targets/relabel_steps?scrapePool=nope&labels={}', 'error retrieving scrape config: scrape pool "nope" not found'],
    ];
    for (const [path, err] of cases) {
      const r = await api.call(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.json?.['errorType'], 'bad_data', path);
      if (typeof err === 'string') assert.equal(r.json?.['error'], err, path);
      else assert.match(String(r.json?.['error']), err, path);
    }
  });
});

test('labels, label values and series: matchers, time ranges, limits', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const data = async (path: string, form?: string): Promise<unknown> => (await api.call(path, form === undefined ? {} : { form })).json?.['data'];
    assert.deepEqual(await data('/api/v1/labels'), ['__name__', 'code', 'http.status', 'instance', 'job']);
    assert.deepEqual(await data('/api/v1/labels', 'match[]=up'), ['__name__', 'instance', 'job']);
    assert.deepEqual(await data('/api/v1/labels?match[]=up&match[]=http_requests_total'), ['__name__', 'code', 'instance', 'job']);
    const lim = await api.call('/api/v1/labels?limit=2');
    assert.deepEqual(lim.json, { status: 'success', data: ['__name__', 'code'], warnings: ['results truncated due to limit'] });
    assert.deepEqual(await data('/api/v1/label/__name__/values'), ['dotted', 'http_requests_total', 'latency', 'up']);
    assert.deepEqual(await data('/api/v1/label/instance/values?match[]=up{instance="a:1"}&match[]=up{instance="b:1"}'), ['a:1', 'b:1']);
    assert.deepEqual(await data('/api/v1/label/U__http_2e_status/values'), ['404']);
    assert.deepEqual(await data('/api/v1/label/nothere/values'), []);
    // Outside the data's time range nothing is found.
    assert.deepEqual(await data(`/api/v1/label/job/values?start=${T0 / 1000 - 100}&end=${T0 / 1000 - 50}`), []);

    assert.deepEqual(await data('/api/v1/series?match[]=up'), [
      { __name__: 'up', instance: 'a:1', job: 'api' }, { __name__: 'up', instance: 'b:1', job: 'api' },
    ]);
    // Overlapping selectors: each series once, in label order.
    assert.deepEqual(await data('/api/v1/series', 'match[]=up{instance="b:1"}&match[]=up&match[]=dotted'), [
      { __name__: 'dotted', 'http.status': '404', job: 'api' },
      { __name__: 'up', instance: 'a:1', job: 'api' }, { __name__: 'up', instance: 'b:1', job: 'api' },
    ]);
    const sl = await api.call('/api/v1/series?match[]={job="api"}&limit=1');
    assert.equal((sl.json?.['data'] as unknown[]).length, 1);
    assert.deepEqual(sl.json?.['warnings'], ['results truncated due to limit']);
  });
});

test('query_exemplars, format_query, parse_query', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const ex = await api.call(`/api/v1/query_exemplars?query=rate(http_requests_total[1m])&start=${T0 / 1000}&end=${T0 / 1000 + 300}`);
    assert.deepEqual(ex.json?.['data'], [{
      seriesLabels: { __name__: 'http_requests_total', code: '200', job: 'api' },
      exemplars: [
        { labels: { trace_id: 't0' }, value: '0', timestamp: T0 / 1000 },
        { labels: { trace_id: 't10' }, value: '100', timestamp: T0 / 1000 + 150 },
        { labels: { trace_id: 't20' }, value: '200', timestamp: T0 / 1000 + 300 },
      ],
    }]);
    // No selector: 204, as Prometheus answers.
    const none = await api.call('/api/v1/query_exemplars?query=1');
    assert.equal(none.status, 204);
    assert.equal(none.text, '');

    assert.deepEqual((await api.call('/api/v1/format_query?query=sum(rate(x[5m]))by(job)')).json,
      { status: 'success', data: 'sum by (job) (rate(x[5m]))' });
    const pq = await api.call('/api/v1/parse_query', { form: 'query=x%2B1' });
    assert.equal((pq.json?.['data'] as Record<string, unknown>)['type'], 'binaryExpr');
  });
});

test('metadata: distinct entries per family from the targets, limits', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const all = await api.call('/api/v1/metadata');
    assert.deepEqual(all.json?.['data'], {
      http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }, { type: 'counter', help: 'Other help.', unit: '' }],
      up: [{ type: 'gauge', help: 'Up.', unit: '' }],
    });
    assert.deepEqual((await api.call('/api/v1/metadata?limit=1')).json?.['data'], {
      http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }, { type: 'counter', help: 'Other help.', unit: '' }],
    });
    assert.deepEqual((await api.call('/api/v1/metadata?limit_per_metric=1&metric=http_requests_total')).json?.['data'], {
      http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }],
    });
    assert.deepEqual((await api.call('/api/v1/metadata?limit=0')).json?.['data'], {});
  });
});

test('status/tsdb, walreplay, tsdb/blocks over the memory storage', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const r = await api.call('/api/v1/status/tsdb?limit=2');
    const d = r.json?.['data'] as { headStats: Record<string, number>; seriesCountByMetricName: unknown[]; labelValueCountByLabelName: unknown[] };
    assert.equal(d.headStats['numSeries'], 6);
    assert.equal(d.headStats['minTime'], T0);
    assert.equal(d.headStats['maxTime'], T0 + 600_000);
    assert.deepEqual(Object.keys(r.json?.['data'] as object), ['headStats', 'seriesCountByMetricName', 'labelValueCountByLabelName', 'memoryInBytesByLabelName', 'seriesCountByLabelValuePair']);
    assert.deepEqual(d.seriesCountByMetricName, [{ name: 'http_requests_total', value: 2 }, { name: 'up', value: 2 }]);
    assert.equal(d.labelValueCountByLabelName.length, 2);
    // The chunk count the memory storage cannot tell is Go's "unknown" int64, written exactly.
    assert.match(r.text, /"chunkCount":-9223372036854775808,/);
    assert.deepEqual((await api.call('/api/v1/status/walreplay')).json?.['data'], { min: 0, max: 0, current: 0 });
    assert.deepEqual((await api.call('/api/v1/status/tsdb/blocks')).json?.['data'], { blocks: [] });
  });
});

test('targets/relabel_steps: the pool\'s rules one by one', { timeout: 20000 }, async () => {
  await withAPI({}, async (api) => {
    const kept = await api.call('/api/v1/targets/relabel_steps?scrapePool=api&labels=' + encodeURIComponent('{"__address__":"h:1","job":"api"}'));
    assert.deepEqual(kept.json?.['data'], { steps: [
      { rule: { separator: ';', regex: '(.*)', target_label: 'env', replacement: 'dev', action: 'replace' }, output: { __address__: 'h:1', env: 'dev', job: 'api' }, keep: true },
      { rule: { source_labels: ['__address__'], separator: ';', regex: 'drop.*', replacement: '$1', action: 'drop' }, output: { __address__: 'h:1', env: 'dev', job: 'api' }, keep: true },
    ] });
    const dropped = await api.call('/api/v1/targets/relabel_steps?scrapePool=api&labels=' + encodeURIComponent('{"__address__":"drop:1"}'));
    const steps = (dropped.json?.['data'] as { steps: { keep: boolean; output: object }[] }).steps;
    assert.deepEqual(steps.map((s) => [s.keep, s.output]), [[true, { __address__: 'drop:1', env: 'dev' }], [false, {}]]);
  });
});

test('scrape_pools/config: one scrape config lifted to a YAML document of its own', { timeout: 20000 }, async () => {
  const cfg = loadConfigString(`global: { scrape_interval: 10s }
scrape_configs:
  - job_name: a
    relabel_configs: [{ target_label: x, replacement: "two\\nlines" }]
    static_configs: [{ targets: ['h:1'] }]
  - job_name: b
    static_configs: [{ targets: ['h:2'] }]
`, 'test.yml');
  const y = scrapeConfigYAML(cfg, 'b')!;
  assert.match(y, /^job_name: b\nhonor_timestamps: true\n/);
  assert.match(y, /\nstatic_configs:\n- targets:\n {2}- h:2\n$/);
  assert.doesNotMatch(y, /h:1|job_name: a/);
  const a = scrapeConfigYAML(cfg, 'a')!;
  assert.match(a, /\nrelabel_configs:\n- separator: ;\n {2}target_label: x\n {2}replacement: \|-\n {4}two\n {4}lines\n/);
  assert.equal(scrapeConfigYAML(cfg, 'c'), undefined);
  await withAPI({}, async (api) => {
    assert.deepEqual((await api.call('/api/v1/scrape_pools/config?scrapePool=api')).json, { status: 'success', data: { yaml: 'job_name: api\n' } });
  });
});
