/**
 * Target relabeling with a Kubernetes-style `relabel_configs` (10 rules: keep on an
 * annotation, address rewrite, labelmap of pod labels, namespace/pod/container copies,
 * hashmod sharding, labeldrop) over 1,000 discovered pod targets, and a metric_relabel-style
 * chain on a builder as the scrape loop runs it for new series.
 */
import { bench, seededRandom } from '../util/bench.js';
import { Labels, LabelsBuilder } from '../model/index.js';
import { newRelabelConfig, processBuilder, relabel } from './index.js';

const K8S = [
  { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' as const },
  { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], regex: '(.+)', target_label: '__metrics_path__' },
  { source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'], regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: '$1:$2', target_label: '__address__' },
  { regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' as const },
  { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
  { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
  { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed|Completed', action: 'drop' as const },
  { source_labels: ['__address__'], modulus: 4, target_label: '__tmp_hash', action: 'hashmod' as const },
  { regex: 'pod_template_hash|controller_revision_hash', action: 'labeldrop' as const },
].map((r) => newRelabelConfig(r));

const rnd = seededRandom(7);
const APPS = ['api', 'web', 'worker', 'cache', 'db'];
const targets: Labels[] = [];
for (let i = 0; i < 1000; i++) {
  const app = APPS[Math.floor(rnd() * APPS.length)]!;
  targets.push(Labels.fromObject({
    __address__: `10.1.${i >> 8}.${i & 255}:8080`,
    __scheme__: 'http', __metrics_path__: '/metrics', __scrape_interval__: '30s', __scrape_timeout__: '10s', job: 'kubernetes-pods',
    __meta_kubernetes_namespace: i % 7 === 0 ? 'kube-system' : 'default',
    __meta_kubernetes_pod_name: `${app}-${(i * 2654435761 >>> 0).toString(36)}`,
    __meta_kubernetes_pod_container_name: app,
    __meta_kubernetes_pod_phase: rnd() < 0.9 ? 'Running' : 'Pending',
    __meta_kubernetes_pod_ip: `10.1.${i >> 8}.${i & 255}`,
    __meta_kubernetes_pod_node_name: `node-${i % 20}`,
    __meta_kubernetes_pod_ready: 'true',
    __meta_kubernetes_pod_annotation_prometheus_io_scrape: rnd() < 0.8 ? 'true' : 'false',
    __meta_kubernetes_pod_annotation_prometheus_io_port: '9102',
    __meta_kubernetes_pod_label_app: app,
    __meta_kubernetes_pod_label_pod_template_hash: 'abc123',
    __meta_kubernetes_pod_label_version: `v${i % 3}`,
    __meta_kubernetes_pod_labelpresent_app: 'true',
  }));
}

let sink = 0;
bench('relabel k8s pods (10 rules, 1000 targets)', () => {
  for (let i = 0; i < targets.length; i++) sink += relabel(targets[i]!, K8S)?.length ?? 0;
}, { unitsPerOp: targets.length, unit: 'targets' });

const METRIC = [
  { source_labels: ['__name__'], regex: 'go_gc_.*|process_.*', action: 'drop' as const },
  { source_labels: ['__name__', 'le'], regex: 'http_request_duration_seconds_bucket;(0\\.005|0\\.01)', action: 'drop' as const },
  { regex: 'id|uid', action: 'labeldrop' as const },
  { source_labels: ['instance'], regex: '([^:]+):.*', target_label: 'host' },
].map((r) => newRelabelConfig(r));
const series: Labels[] = [];
const NAMES = ['http_requests_total', 'go_gc_duration_seconds', 'process_cpu_seconds_total', 'http_request_duration_seconds_bucket', 'node_cpu_seconds_total'];
for (let i = 0; i < 1000; i++) {
  series.push(Labels.fromObject({
    __name__: NAMES[i % NAMES.length]!, instance: `10.0.0.${i % 50}:9100`, job: 'node', le: ['0.005', '0.1', '1'][i % 3]!, id: String(i),
  }));
}
const lb = new LabelsBuilder();
bench('metric relabel on a builder (4 rules, 1000 series)', () => {
  for (let i = 0; i < series.length; i++) {
    lb.reset(series[i]!);
    if (processBuilder(lb, METRIC)) sink += lb.labels().length;
  }
}, { unitsPerOp: series.length, unit: 'series' });

if (sink < 0) console.log(sink);
