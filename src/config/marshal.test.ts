import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configToYAML, EMBEDDED_DEFAULT_CONFIG, loadConfigString } from './index.js';
import type { Config } from './index.js';
import { emitYAML, scalarStyle } from './yaml-emit.js';
import { testdata } from './testdata.js';

const strip = (c: Config): Omit<Config, 'source'> => {
  const rest: Partial<Config> = { ...c };
  delete rest.source;
  return rest as Omit<Config, 'source'>;
};

/** A config touching every section, without secrets (they do not survive being shown). */
const RICH = `
global:
  scrape_interval: 15s
  evaluation_interval: 30s
  rule_query_offset: 10s
  external_labels: {region: eu, "b-2": x}
  body_size_limit: 1GB512MB
  sample_limit: 100
  metric_name_validation_scheme: utf8
  query_log_file: /var/log/q.log
runtime:
  gogc: 50
rule_files: [/rules/*.yml]
alerting:
  alert_relabel_configs:
    - {source_labels: [severity], regex: info, action: drop}
  alertmanagers:
    - scheme: https
      path_prefix: /am
      timeout: 5s
      static_configs: [{targets: ["am:9093"]}]
      relabel_configs: [{source_labels: [__address__], target_label: instance}]
scrape_configs:
  - job_name: node
    honor_labels: true
    params: {module: [http_2xx]}
    scrape_interval: 30s
    scrape_timeout: 20s
    fallback_scrape_protocol: PrometheusText0.0.4
    metrics_path: /probe
    scheme: https
    enable_compression: false
    native_histogram_bucket_limit: 160
    native_histogram_min_bucket_factor: 1.1
    tls_config: {insecure_skip_verify: true, min_version: TLS12, server_name: n}
    follow_redirects: false
    proxy_url: http://proxy:3128
    no_proxy: localhost
    relabel_configs:
      - {source_labels: [a, b], separator: ",", regex: "(.+),(.+)", target_label: ab, replacement: "$1-$2"}
      - {action: hashmod, source_labels: [__address__], modulus: 8, target_label: shard}
      - {action: labelmap, regex: "__meta_(.+)"}
      - {action: keepequal, source_labels: [x], target_label: y}
      - {action: uppercase, source_labels: [x], target_label: "X"}
    metric_relabel_configs:
      - {action: labeldrop, regex: "tmp_.*"}
    static_configs:
      - targets: ["a:9100", "b:9100"]
        labels: {env: prod, "yes": "no"}
    file_sd_configs: [{files: [/sd/*.json], refresh_interval: 1m}]
    dns_sd_configs: [{names: [_n._tcp.example], refresh_interval: 10s}]
    kubernetes_sd_configs:
      - role: pod
        namespaces: {names: [default]}
        selectors: [{role: pod, label: "app=web"}]
        attach_metadata: {node: true}
    consul_sd_configs: [{server: "consul:8500", services: [a, b], node_meta: {rack: r1}}]
remote_write:
  - url: http://rw:9090/api/v1/write
    name: primary
    remote_timeout: 10s
    headers: {X-Scope-OrgID: t1}
    send_exemplars: true
    protobuf_message: io.prometheus.write.v2.Request
    write_relabel_configs: [{source_labels: [__name__], regex: "go_.*", action: drop}]
    queue_config: {capacity: 500, max_shards: 10, retry_on_http_429: true, sample_age_limit: 1h}
    metadata_config: {send: false}
remote_read:
  - url: http://rr:9090/api/v1/read
    read_recent: true
    required_matchers: {job: node}
    filter_external_labels: false
storage:
  tsdb:
    out_of_order_time_window: 30m
    retention: {time: 15d, size: 512MB}
  exemplars: {max_exemplars: 500}
otlp:
  promote_resource_attributes: [service.instance.id, k8s.pod.name]
  translation_strategy: NoUTF8EscapingWithSuffixes
  keep_identifying_resource_attributes: true
tracing:
  endpoint: otel:4317
  sampling_fraction: 0.25
  insecure: true
  headers: {x-h: v}
  timeout: 5s
`;

describe('configToYAML', () => {
  it('round-trips to an equal config', () => {
    const c1 = loadConfigString(RICH, '/etc/prometheus/prometheus.yml');
    const text = configToYAML(c1);
    const c2 = loadConfigString(text, '/elsewhere/p.yml');
    assert.deepEqual(strip(c2), strip(c1));
    assert.equal(configToYAML(c2), text, 'the written form is a fixed point');
  });

  it('round-trips the embedded default and the empty config', () => {
    for (const src of [EMBEDDED_DEFAULT_CONFIG, '']) {
      const c1 = loadConfigString(src, '');
      const c2 = loadConfigString(configToYAML(c1), '');
      assert.deepEqual(strip(c2), strip(c1));
    }
  });

  it('prints what Prometheus 3 prints for the embedded default', () => {
    const text = configToYAML(loadConfigString(EMBEDDED_DEFAULT_CONFIG, ''));
    assert.ok(text.startsWith(`global:
  scrape_interval: 15s
  scrape_timeout: 10s
  evaluation_interval: 15s
  metric_name_validation_scheme: utf8
  scrape_native_histograms: false
  extra_scrape_metrics: false
runtime:
  gogc: `), text);
    assert.ok(text.includes(`scrape_configs:
- job_name: prometheus
  honor_timestamps: true
  track_timestamps_staleness: false
  scrape_interval: 15s
  scrape_timeout: 10s
  scrape_protocols:
  - PrometheusProto
  - OpenMetricsText1.0.0
  - OpenMetricsText0.0.1
  - PrometheusText1.0.0
  - PrometheusText0.0.4
  scrape_native_histograms: true
  always_scrape_classic_histograms: false
  convert_classic_histograms_to_nhcb: false
  metrics_path: /metrics
  scheme: http
  enable_compression: true
  metric_name_validation_scheme: utf8
  metric_name_escaping_scheme: allow-utf-8
  extra_scrape_metrics: false
  follow_redirects: true
  enable_http2: true
  static_configs:
  - targets:
    - localhost:9090
    labels:
      app: prometheus
storage:
  tsdb:
    outofordertimewindow: 0
    retention: {}
otlp:
  translation_strategy: UnderscoreEscapingWithSuffixes
  label_name_underscore_sanitization: true
  label_name_preserve_multiple_underscores: true
`), text);
  });

  it('hides every secret', () => {
    const secrets = ['pw-1', 'tok-2', 'cs-3', 'key-4', 'hdr-5', 'urlpw-6', 'consul-7', 'proxy-8', 'sig-9', 'az-10', 'os-11'];
    const c = loadConfigString(`
scrape_configs:
  - job_name: a
    basic_auth: {username: u, password: pw-1}
    tls_config: {cert: c, key: key-4}
    http_headers: {X-Token: {secrets: [hdr-5]}}
    proxy_url: http://p
    proxy_connect_header: {Proxy-Auth: [proxy-8]}
    consul_sd_configs: [{token: consul-7}]
    openstack_sd_configs: [{role: instance, region: r, password: os-11}]
  - job_name: b
    bearer_token: tok-2
  - job_name: c
    oauth2: {client_id: id, client_secret: cs-3, token_url: "http://t"}
remote_write:
  - url: http://user:urlpw-6@rw/api/v1/write
    sigv4: {access_key: ak, secret_key: sig-9}
  - url: http://rw2
    azuread: {oauth: {client_id: 00000000-0000-0000-0000-000000000000, client_secret: az-10, tenant_id: t}}
`, 'p.yml');
    const text = configToYAML(c);
    for (const s of secrets) assert.ok(!text.includes(s), `${s} leaked:\n${text}`);
    assert.equal(text.split('<secret>').length - 1, 10);
    assert.ok(text.includes('url: http://user:xxxxx@rw/api/v1/write'));
    assert.ok(text.includes('  authorization:\n    type: Bearer\n    credentials: <secret>\n'));
    assert.ok(text.includes('application_credential_secret: null'), 'empty non-omitempty secrets print as null, as in Go');
  });

  it('omits a relabel regex that was not written, prints one that was', () => {
    const text = configToYAML(loadConfigString(`
scrape_configs:
  - job_name: a
    relabel_configs:
      - {target_label: x}
      - {target_label: y, regex: "(.*)"}
`, 'p.yml'));
    assert.ok(text.includes('  - separator: ;\n    target_label: x\n    replacement: $1\n    action: replace\n'), text);
    assert.ok(text.includes('  - separator: ;\n    regex: (.*)\n    target_label: "y"\n'), text);
  });

  it('lists only the main file scrape configs, with the file patterns', () => {
    const text = configToYAML(loadConfigString(readFileSync(testdata('scrape-files', 'main.yml'), 'utf8'), testdata('scrape-files', 'main.yml')));
    assert.ok(text.includes(`scrape_config_files:\n- ${testdata('scrape-files', 'jobs')}/*.yml\n`));
    assert.equal(text.split('job_name:').length - 1, 1);
  });
});

describe('YAML writer', () => {
  it('quotes, folds and orders as Prometheus (go-yaml v2) does', () => {
    // Output of Prometheus 2.42 for the same file; fields that Prometheus 3 adds are removed
    // from ours before comparing.
    const ours = configToYAML(loadConfigString(readFileSync(testdata('emit', 'quoting.yml'), 'utf8'), 'quoting.yml'));
    const theirs = readFileSync(testdata('emit', 'quoting.prometheus-2.42.out'), 'utf8');
    const newIn3 = /^ *(metric_name_validation_scheme|metric_name_escaping_scheme|scrape_native_histograms|extra_scrape_metrics|track_timestamps_staleness|always_scrape_classic_histograms|convert_classic_histograms_to_nhcb|enable_compression|scrape_protocols):/;
    const lines = ours.split('\n');
    const kept: string[] = [];
    let skipDash = -1;
    let skipSection = false;
    for (const l of lines) {
      const indent = l.length - l.trimStart().length;
      if (/^(runtime|storage|otlp):/.test(l)) { skipSection = true; continue; }
      if (skipSection && (indent > 0 || l === '')) continue;
      skipSection = false;
      if (skipDash >= 0 && indent === skipDash && l.trimStart().startsWith('- ')) continue;
      skipDash = -1;
      if (newIn3.test(l)) { if (l.trimEnd().endsWith(':')) skipDash = indent; continue; }
      kept.push(l);
    }
    assert.equal(kept.join('\n').trimEnd(), theirs.trimEnd());
  });

  const STYLES: [string, 'plain' | 'single' | 'double' | 'literal'][] = [
    ['abc', 'plain'], ['', 'double'], ['yes', 'double'], ['y', 'double'], ['On', 'double'], ['1', 'double'], ['0x1F', 'double'],
    ['1e3', 'double'], ['.inf', 'double'], ['null', 'double'], ['~', 'double'], ['2001-12-14', 'double'], ['1:20', 'double'],
    ['a: b', 'single'], ['#x', 'single'], ['- x', 'single'], ['-', 'single'], [' lead', 'single'], ['trail ', 'single'],
    ["it's", 'plain'], ['a#b', 'plain'], ['a #b', 'single'], ['[x]', 'single'], ['@x', 'single'], ['tab\there', 'double'],
    ['two\nlines', 'literal'], ['<secret>', 'plain'], ['$1', 'plain'], ['(.*)', 'plain'], [';', 'plain'], ['/metrics', 'plain'],
  ];
  for (const [s, style] of STYLES) {
    it(`writes ${JSON.stringify(s)} ${style}`, () => { assert.equal(scalarStyle(s, false, false), style); });
  }

  it('writes nested structures', () => {
    assert.equal(emitYAML([
      ['a', { t: 'map', entries: [['b', { t: 'seq', flow: false, items: [{ t: 'map', entries: [['c', { t: 'raw', v: '1' }], ['d', { t: 'seq', flow: true, items: [{ t: 'str', v: 'x' }, { t: 'str', v: 'y z' }] }]] }] }]] }],
      ['e', { t: 'map', entries: [] }],
      ['f', { t: 'seq', flow: false, items: [] }],
      ['g', { t: 'str', v: 'multi\nline\n' }],
    ]), 'a:\n  b:\n  - c: 1\n    d: [x, y z]\ne: {}\nf: []\ng: |\n  multi\n  line\n');
  });
});
