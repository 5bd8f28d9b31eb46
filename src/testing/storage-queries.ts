/**
 * The storage-query harness's twelve queries (`../shared/bench/lib/storage.mjs`), as the
 * benchmarks that ask them outside the harness use them: id, expression and the API
 * parameters, instant at `end` or a 24 h range at 60 s steps ending there (Unix seconds).
 */
export function storageQueries(end: number): [string, string, Record<string, string>][] {
  const at = { time: String(end) };
  const day = { start: String(end - 86400 + 600), end: String(end), step: '60' };
  return [
    ['raw_selector', 'node_memory_MemAvailable_bytes', at],
    ['rate_5m', 'rate(node_cpu_seconds_total[5m])', at],
    ['sum_by_rate', 'sum by (mode) (rate(node_cpu_seconds_total[5m]))', at],
    ['histogram_quantile', 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))', at],
    ['topk', 'topk(10, sum by (instance, handler) (rate(http_requests_total[5m])))', at],
    ['regex_matcher', 'sum by (instance) (rate(http_requests_total{handler=~"/api/.+", code=~"2..|5.."}[5m]))', at],
    ['count_by', 'count by (job) ({__name__=~"node_.+|http_.+|rpc_.+"})', at],
    ['range_24h_60s', 'sum by (instance) (rate(node_network_receive_bytes_total[5m]))', day],
    ['range_24h_hist', 'histogram_quantile(0.9, sum by (le, instance) (rate(http_request_duration_seconds_bucket[5m])))', day],
    ['subquery', 'max_over_time(sum by (instance) (rate(http_requests_total[5m]))[1h:1m])', at],
    ['quantile_over_time', 'quantile_over_time(0.9, node_load1[1h])', at],
    ['label_replace', 'label_replace(rate(node_disk_read_bytes_total[5m]), "disk", "$1", "device", "(.+)")', at],
  ];
}
