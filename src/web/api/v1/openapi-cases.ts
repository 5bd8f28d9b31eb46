/**
 * Test support: one good and (where the operation takes parameters) one bad request per
 * operation of `openapi.yaml`, by operationId, against the data of `startFixture`. The
 * description's test requires an entry for every operation, so a new route cannot go
 * untested.
 */
import type { Fixture } from '../../api-fixture.js';
import type { RWSeries } from './test-remote-write.js';

export interface Req {
  /** Path with the query string. */
  path: string;
  method?: string;
  /** A form-encoded body (sent with its Content-Type). */
  form?: string;
  headers?: Record<string, string>;
  /** A remote-write 1.0 body built from these series (snappy, protobuf Content-Type unless headers say otherwise). */
  remoteWrite?: RWSeries[];
  /** An endless answer: only its status and headers are checked. */
  stream?: boolean;
  /** The status this request must get. */
  expect: number;
}

export interface OpCase {
  good: Req[];
  /** Empty for operations without parameters to get wrong. */
  bad: Req[];
}

const e = encodeURIComponent;

export function operationCases(fx: Fixture): Record<string, OpCase> {
  const s = (ms: number): string => String(ms / 1000);
  const mid = s(fx.start + 300_000);
  const range = `start=${s(fx.start)}&end=${s(fx.end)}`;
  const q = (expr: string, rest = ''): string => `query=${e(expr)}${rest}`;
  const get = (path: string, expect = 200): Req => ({ path, expect });
  const form = (path: string, body: string, expect = 200, method = 'POST'): Req => ({ path, method, form: body, expect });
  const rwSample: RWSeries[] = [{ labels: { __name__: 'rw_late', job: 'rw' }, samples: [[fx.end, 1]] }];
  return {
    'query': {
      good: [
        get(`/api/v1/query?${q('rw_gauge', `&time=${mid}`)}`),
        get(`/api/v1/query?${q('rw_native', `&time=${mid}&stats=true`)}`),
        get(`/api/v1/query?${q('rw_gauge[1m]', `&time=${mid}`)}`),
        get(`/api/v1/query?${q('scalar(sum(rw_gauge))', `&time=${mid}`)}`),
        get(`/api/v1/query?${q('"text"', `&time=${mid}`)}`),
        get(`/api/v1/query?${q('rw_gauge', `&time=${mid}&limit=1&lookback_delta=1m&timeout=10s`)}`),
      ],
      bad: [
        get('/api/v1/query', 400),
        get(`/api/v1/query?${q('rw_gauge', '&time=yesterday')}`, 400),
        get(`/api/v1/query?${q('rw_gauge + on() group_left rw_gauge', `&time=${mid}`)}`, 422),
        get(`/api/v1/query?${q('rw_gauge', '&timeout=0s')}`, 503),
      ],
    },
    'query-post': {
      good: [form('/api/v1/query', q('sum by (job) (rate(rw_requests_total[2m]))', `&time=${mid}`))],
      bad: [form('/api/v1/query', q('sum(', `&time=${mid}`), 400)],
    },
    'query-range': {
      good: [
        get(`/api/v1/query_range?${q('rate(rw_requests_total[1m])', `&${range}&step=15`)}`),
        get(`/api/v1/query_range?${q('rw_native', `&${range}&step=1m&stats=all`)}`),
      ],
      bad: [
        get(`/api/v1/query_range?${q('rw_gauge', `&${range}&step=0`)}`, 400),
        get(`/api/v1/query_range?${q('rw_gauge', `&start=${s(fx.end)}&end=${s(fx.start)}&step=15`)}`, 400),
      ],
    },
    'query-range-post': {
      good: [form('/api/v1/query_range', q('rw_gauge', `&${range}&step=30s`))],
      bad: [form('/api/v1/query_range', q('rw_gauge', `&end=${s(fx.end)}&step=30s`), 400)],
    },
    'query-exemplars': {
      good: [get(`/api/v1/query_exemplars?${q('rw_requests_total', `&${range}`)}`), get(`/api/v1/query_exemplars?${q('1+1', `&${range}`)}`, 204)],
      bad: [get(`/api/v1/query_exemplars?${q('rw_requests_total{', `&${range}`)}`, 400)],
    },
    'query-exemplars-post': {
      good: [form('/api/v1/query_exemplars', q('rate(rw_requests_total[5m])', `&${range}`))],
      bad: [form('/api/v1/query_exemplars', q('rw_requests_total', `&start=${s(fx.end)}&end=${s(fx.start)}`), 400)],
    },
    'format-query': {
      good: [get(`/api/v1/format_query?${q('sum(rate(rw_requests_total[5m]))by(code)')}`)],
      bad: [get(`/api/v1/format_query?${q('sum(')}`, 400)],
    },
    'format-query-post': {
      good: [form('/api/v1/format_query', q('rw_gauge>0'))],
      bad: [form('/api/v1/format_query', '', 400)],
    },
    'parse-query': {
      good: [get(`/api/v1/parse_query?${q('sum by (code) (rate(rw_requests_total{job="rw"}[5m] offset 1m)) / 2')}`)],
      bad: [get(`/api/v1/parse_query?${q('rate(')}`, 400)],
    },
    'parse-query-post': {
      good: [form('/api/v1/parse_query', q('histogram_quantile(0.9, rw_native)'))],
      bad: [form('/api/v1/parse_query', q('1 +'), 400)],
    },
    'labels': {
      good: [get('/api/v1/labels'), get(`/api/v1/labels?match[]=${e('{job="rw"}')}&${range}&limit=2`)],
      bad: [get(`/api/v1/labels?match[]=${e('{a=""}')}`, 400)],
    },
    'labels-post': {
      good: [form('/api/v1/labels', `match[]=${e('rw_gauge')}&match[]=up&${range}`)],
      bad: [form('/api/v1/labels', `match[]=${e('up{')}`, 400)],
    },
    'label-values': {
      good: [get('/api/v1/label/job/values'), get(`/api/v1/label/U__instance/values?match[]=rw_gauge&${range}&limit=5`)],
      bad: [get(`/api/v1/label/job/values?start=${e('not a time')}`, 400)],
    },
    'search-metric-names': {
      good: [
        get(`/api/v1/search/metric_names?search[]=rw_&search[]=fx&include_metadata=true&include_score=true&sort_by=score&limit=5&batch_size=2`),
        get(`/api/v1/search/metric_names?match[]=${e('{job="rw"}')}&${range}&sort_by=alpha&sort_dir=dsc&search[]=RW_GAUGE&fuzz_alg=jarowinkler&fuzz_threshold=80&case_sensitive=false`),
      ],
      bad: [get('/api/v1/search/metric_names?limit=0', 400), get('/api/v1/search/metric_names?include_metadata=maybe', 400)],
    },
    'search-metric-names-post': {
      good: [form('/api/v1/search/metric_names', `search[]=fx&include_metadata=true&${range}`)],
      bad: [form('/api/v1/search/metric_names', 'sort_by=score', 400)],
    },
    'search-label-names': {
      good: [get(`/api/v1/search/label_names?match[]=rw_gauge&search[]=inst&include_score=true`)],
      bad: [get('/api/v1/search/label_names?fuzz_alg=levenshtein', 400)],
    },
    'search-label-names-post': {
      good: [form('/api/v1/search/label_names', `match[]=${e('{job="rw"}')}&sort_by=alpha&sort_dir=dsc`)],
      bad: [form('/api/v1/search/label_names', 'fuzz_threshold=101', 400)],
    },
    'search-label-values': {
      good: [get(`/api/v1/search/label_values?label=job&search[]=r&limit=1`), get(`/api/v1/search/label_values?label=http.status&${range}`)],
      bad: [get('/api/v1/search/label_values', 400)],
    },
    'search-label-values-post': {
      good: [form('/api/v1/search/label_values', 'label=instance&match[]=rw_gauge&batch_size=1')],
      bad: [form('/api/v1/search/label_values', 'label=job&batch_size=x', 400)],
    },
    'series': {
      good: [get(`/api/v1/series?match[]=rw_gauge&match[]=${e('up{job="fixture"}')}&${range}`), get('/api/v1/series?match[]=rw_gauge&limit=1')],
      bad: [get('/api/v1/series', 400), get(`/api/v1/series?match[]=${e('rw_gauge{')}`, 400)],
    },
    'series-post': {
      good: [form('/api/v1/series', `match[]=rw_native&${range}`)],
      bad: [form('/api/v1/series', `start=${s(fx.start)}`, 400)],
    },
    'metadata': {
      good: [get('/api/v1/metadata'), get('/api/v1/metadata?metric=fx_temperature_celsius&limit=1&limit_per_metric=1')],
      bad: [get('/api/v1/metadata?limit=ten', 400)],
    },
    'targets': {
      good: [get('/api/v1/targets'), get('/api/v1/targets?state=active&scrapePool=fixture'), get('/api/v1/targets?state=dropped')],
      bad: [],
    },
    'targets-metadata': {
      good: [get(`/api/v1/targets/metadata?match_target=${e('{job="fixture"}')}`), get('/api/v1/targets/metadata?metric=fx_requests_total&limit=5')],
      bad: [get(`/api/v1/targets/metadata?match_target=${e('{job=')}`, 400)],
    },
    'targets-relabel-steps': {
      good: [get(`/api/v1/targets/relabel_steps?scrapePool=fixture&labels=${e(JSON.stringify({ __address__: fx.targetAddr, job: 'fixture' }))}`)],
      bad: [get('/api/v1/targets/relabel_steps?scrapePool=fixture', 400)],
    },
    'scrape-pools': { good: [get('/api/v1/scrape_pools')], bad: [] },
    'scrape-pool-config': {
      good: [get('/api/v1/scrape_pools/config?scrapePool=fixture')],
      bad: [get('/api/v1/scrape_pools/config?scrapePool=nope', 400)],
    },
    'rules': {
      good: [
        get('/api/v1/rules'), get('/api/v1/rules?type=alert&exclude_alerts=true'),
        get(`/api/v1/rules?type=record&rule_name[]=${e('path:fx_requests:sum')}&rule_group[]=fixture&match[]=${e('{__name__=~".+"}')}`),
        get('/api/v1/rules?group_limit=1'),
      ],
      bad: [get('/api/v1/rules?type=both', 400), get('/api/v1/rules?group_next_token=abc', 400)],
    },
    'alerts': { good: [get('/api/v1/alerts')], bad: [] },
    'alertmanagers': { good: [get('/api/v1/alertmanagers')], bad: [] },
    'status-config': { good: [get('/api/v1/status/config')], bad: [] },
    'status-flags': { good: [get('/api/v1/status/flags')], bad: [] },
    'status-buildinfo': { good: [get('/api/v1/status/buildinfo')], bad: [] },
    'status-runtimeinfo': { good: [get('/api/v1/status/runtimeinfo')], bad: [] },
    'status-tsdb': { good: [get('/api/v1/status/tsdb'), get('/api/v1/status/tsdb?limit=3')], bad: [get('/api/v1/status/tsdb?limit=0', 400)] },
    'status-tsdb-blocks': { good: [get('/api/v1/status/tsdb/blocks')], bad: [] },
    'status-walreplay': { good: [get('/api/v1/status/walreplay')], bad: [] },
    'delete-series-post': {
      good: [{ path: `/api/v1/admin/tsdb/delete_series?match[]=rw_delete_me&start=${s(fx.start)}&end=${s(fx.start + 60_000)}`, method: 'POST', expect: 204 }],
      bad: [{ path: '/api/v1/admin/tsdb/delete_series', method: 'POST', expect: 400 }],
    },
    'delete-series-put': {
      good: [{ path: '/api/v1/admin/tsdb/delete_series?match[]=rw_delete_me', method: 'PUT', expect: 204 }],
      bad: [{ path: `/api/v1/admin/tsdb/delete_series?match[]=${e('rw_delete_me{')}`, method: 'PUT', expect: 400 }],
    },
    'clean-tombstones-post': { good: [{ path: '/api/v1/admin/tsdb/clean_tombstones', method: 'POST', expect: 204 }], bad: [] },
    'clean-tombstones-put': { good: [{ path: '/api/v1/admin/tsdb/clean_tombstones', method: 'PUT', expect: 204 }], bad: [] },
    'snapshot-post': {
      good: [{ path: '/api/v1/admin/tsdb/snapshot?skip_head=true', method: 'POST', expect: 200 }],
      bad: [{ path: '/api/v1/admin/tsdb/snapshot?skip_head=maybe', method: 'POST', expect: 400 }],
    },
    'snapshot-put': {
      good: [{ path: '/api/v1/admin/tsdb/snapshot', method: 'PUT', expect: 200 }],
      bad: [{ path: '/api/v1/admin/tsdb/snapshot?skip_head=2', method: 'PUT', expect: 400 }],
    },
    'remote-write': {
      good: [{ path: '/api/v1/write', method: 'POST', remoteWrite: rwSample, expect: 204 }],
      bad: [
        { path: '/api/v1/write', method: 'POST', remoteWrite: rwSample, headers: { 'Content-Type': 'application/json' }, expect: 415 },
        { path: '/api/v1/write', method: 'POST', remoteWrite: rwSample, headers: { 'Content-Encoding': 'gzip' }, expect: 415 },
      ],
    },
    'features': { good: [get('/api/v1/features')], bad: [] },
    'notifications': { good: [get('/api/v1/notifications')], bad: [] },
    'notifications-live': { good: [{ path: '/api/v1/notifications/live', stream: true, expect: 200 }], bad: [] },
    'openapi': { good: [get('/api/v1/openapi.yaml'), get('/api/v1/openapi.yaml?openapi_version=3.2')], bad: [] },
    'federate': {
      good: [get(`/federate?match[]=rw_gauge&match[]=${e('{__name__="up"}')}`)],
      bad: [get(`/federate?match[]=${e('rw_gauge{')}`, 400)],
    },
    'metrics': { good: [get('/metrics')], bad: [] },
    'healthy': { good: [get('/-/healthy')], bad: [] },
    'ready': { good: [get('/-/ready')], bad: [] },
    'reload-get': { good: [get('/-/reload', 405)], bad: [] },
    'reload-post': { good: [{ path: '/-/reload', method: 'POST', expect: 200 }], bad: [] },
    'reload-put': { good: [{ path: '/-/reload', method: 'PUT', expect: 200 }], bad: [] },
    'quit-get': { good: [get('/-/quit', 405)], bad: [] },
    // quit-post goes to a spare server; quit-put stops the fixture, so it runs last.
    'quit-post': { good: [{ path: '/-/quit', method: 'POST', expect: 200 }], bad: [] },
    'quit-put': { good: [{ path: '/-/quit', method: 'PUT', expect: 200 }], bad: [] },
  };
}
