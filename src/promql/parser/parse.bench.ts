/**
 * Parsing typical dashboard and alerting queries (Grafana/kube-prometheus style), plus
 * printing and prettifying them. Units are queries per second; the corpus is fixed.
 *
 * `npm run bench -- parse.bench`
 */
import { bench } from '../../util/bench.js';
import { exprToString, parseExpr, prettify, type Expr } from './index.js';

const QUERIES = [
  'up',
  'up{job="prometheus"} == 0',
  'sum by (job) (rate(http_requests_total{job="api-server", code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total{job="api-server"}[5m]))',
  'histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))',
  '100 * (1 - avg by (instance) (irate(node_cpu_seconds_total{mode="idle"}[5m])))',
  'node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay"} < 0.1',
  'predict_linear(node_filesystem_free_bytes{job="node"}[6h], 4 * 3600) < 0',
  'sum without (instance) (kube_pod_container_status_restarts_total{namespace="prod"}) - sum without (instance) (kube_pod_container_status_restarts_total{namespace="prod"} offset 1h) > 3',
  'topk(10, sum by (pod) (container_memory_working_set_bytes{container!="", image!=""}))',
  'max_over_time(rate(http_requests_total[5m])[1h:1m])',
  'label_replace(up{job="kubelet"}, "node", "$1", "instance", "(.*):.*")',
  'count by (version) (count_values("version", build_info{job=~"prometheus|alertmanager"}))',
  'rate(foo_total[5m] @ end()) * on (instance) group_left (nodename) node_uname_info',
  'absent(up{job="kube-state-metrics"} == 1)',
  'increase(errors_total[1h] offset 1d) / ignoring (code) group_left increase(requests_total[1h] offset 1d)',
  'quantile_over_time(0.95, http_latency_seconds{route="/api/v1/query"}[10m:30s])',
];

let sink = 0;
const trees: Expr[] = QUERIES.map((q) => parseExpr(q));
const bytes = QUERIES.reduce((n, q) => n + q.length, 0);

bench('parse typical queries', () => {
  for (let i = 0; i < QUERIES.length; i++) sink += parseExpr(QUERIES[i]!).kind.length;
}, { unitsPerOp: QUERIES.length, unit: 'queries' });

bench('parse typical queries (bytes)', () => {
  for (let i = 0; i < QUERIES.length; i++) sink += parseExpr(QUERIES[i]!).kind.length;
}, { unitsPerOp: bytes, unit: 'bytes' });

bench('print typical queries', () => {
  for (let i = 0; i < trees.length; i++) sink += exprToString(trees[i]!).length;
}, { unitsPerOp: trees.length, unit: 'queries' });

bench('prettify typical queries', () => {
  for (let i = 0; i < trees.length; i++) sink += prettify(trees[i]!).length;
}, { unitsPerOp: trees.length, unit: 'queries' });

if (sink === -1) console.log(sink);
