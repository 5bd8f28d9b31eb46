import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { defaultConfig, EMBEDDED_DEFAULT_CONFIG, loadConfigFile, loadConfigString, otherSDConfigs } from './index.js';
import type { Config } from './index.js';
import { testdata } from './testdata.js';

const load = (yaml: string, file = '/etc/prometheus/prometheus.yml'): Config => loadConfigString(yaml, file, { env: { ENV_NAME: 'prod', EMPTY: '' } });

describe('defaults', () => {
  it('an empty file is the default config', () => {
    for (const text of ['', '# only a comment\n', '---\n', '~\n']) {
      const c = load(text);
      assert.equal(c.global.scrape_interval, 60_000);
      assert.equal(c.global.scrape_timeout, 10_000);
      assert.equal(c.global.evaluation_interval, 60_000);
      assert.equal(c.global.rule_query_offset, 0);
      assert.equal(c.global.metric_name_validation_scheme, 'utf8');
      assert.equal(c.global.metric_name_escaping_scheme, 'allow-utf-8');
      assert.deepEqual(c.scrape_configs, []);
      assert.deepEqual(c.storage.tsdb, { out_of_order_time_window: 0, stale_series_compaction_threshold: 0, chunk_encoding: { floats: '' }, retention: { time: 0, size: 0, percentage: 0 } });
      assert.equal(c.storage.exemplars, null);
      assert.equal(c.otlp.translation_strategy, 'UnderscoreEscapingWithSuffixes');
      assert.equal(c.otlp.label_name_underscore_sanitization, true);
      assert.equal(c.runtime.gogc, Number(process.env['GOGC'] ?? 75) || 75);
      assert.equal(c.tracing.client_type, '');
    }
    assert.deepEqual(defaultConfig().global, load('').global);
  });

  it('reads only the first YAML document', () => {
    const c = load('global:\n  scrape_interval: 5s\n---\nnot: [valid, config\n');
    assert.equal(c.global.scrape_interval, 5_000);
  });

  it('null sections behave like absent ones', () => {
    const c = load('global:\nscrape_configs:\nalerting:\nremote_write:\nrule_files:\n');
    assert.equal(c.global.scrape_interval, 60_000);
    assert.deepEqual(c.scrape_configs, []);
    assert.deepEqual(c.alerting.alertmanagers, []);
    assert.deepEqual(c.rule_files, []);
  });

  it('scrape configs inherit from global', () => {
    const c = load(`
global:
  scrape_interval: 15s
  sample_limit: 1000
  body_size_limit: 10MB
  label_limit: 30
  keep_dropped_targets: 7
  scrape_failure_log_file: fail.log
scrape_configs:
  - job_name: a
  - job_name: b
    scrape_interval: 5s
    sample_limit: 5
  - job_name: c
    scrape_interval: 2m
    scrape_timeout: 1m
`);
    const [a, b, cc] = c.scrape_configs;
    assert.ok(a && b && cc);
    assert.equal(a.scrape_interval, 15_000);
    assert.equal(a.scrape_timeout, 10_000);
    assert.equal(a.sample_limit, 1000);
    assert.equal(a.body_size_limit, 10 * 1024 * 1024);
    assert.equal(a.label_limit, 30);
    assert.equal(a.keep_dropped_targets, 7);
    assert.equal(a.scrape_failure_log_file, '/etc/prometheus/fail.log');
    assert.equal(a.metrics_path, '/metrics');
    assert.equal(a.scheme, 'http');
    assert.equal(a.honor_timestamps, true);
    assert.equal(a.honor_labels, false);
    assert.equal(a.enable_compression, true);
    assert.deepEqual(a.scrape_protocols, ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4']);
    assert.equal(a.metric_name_validation_scheme, 'utf8');
    assert.equal(a.metric_name_escaping_scheme, 'allow-utf-8');
    assert.equal(a.http_client.follow_redirects, true);
    assert.equal(a.http_client.enable_http2, true);
    assert.equal(b.scrape_interval, 5_000);
    assert.equal(b.scrape_timeout, 5_000, 'the default timeout is capped by the interval');
    assert.equal(b.sample_limit, 5);
    assert.equal(cc.scrape_timeout, 60_000);
  });

  it('a short global interval shortens the global timeout', () => {
    const c = load('global:\n  scrape_interval: 5s\n');
    assert.equal(c.global.scrape_timeout, 5_000);
  });

  it('scrape protocols follow native histograms unless set', () => {
    const c = load(`
global:
  scrape_native_histograms: true
scrape_configs:
  - job_name: a
  - job_name: b
    scrape_native_histograms: false
  - job_name: c
    scrape_protocols: [PrometheusText0.0.4]
`);
    assert.deepEqual(c.scrape_configs[0]!.scrape_protocols[0], 'PrometheusProto');
    assert.equal(c.scrape_configs[0]!.scrape_native_histograms, true);
    assert.equal(c.scrape_configs[1]!.scrape_protocols[0], 'OpenMetricsText1.0.0');
    assert.deepEqual(c.scrape_configs[2]!.scrape_protocols, ['PrometheusText0.0.4']);
    const g = load('global:\n  scrape_protocols: [PrometheusText1.0.0, PrometheusProto]\nscrape_configs:\n  - job_name: a\n');
    assert.deepEqual(g.scrape_configs[0]!.scrape_protocols, ['PrometheusText1.0.0', 'PrometheusProto']);
  });

  it('legacy validation implies underscore escaping', () => {
    const c = load(`
global:
  metric_name_validation_scheme: legacy
scrape_configs:
  - job_name: a
  - job_name: b
    metric_name_validation_scheme: utf8
  - job_name: c
    metric_name_validation_scheme: legacy
`);
    assert.equal(c.global.metric_name_escaping_scheme, 'underscores');
    assert.equal(c.scrape_configs[0]!.metric_name_escaping_scheme, 'underscores');
    assert.equal(c.scrape_configs[1]!.metric_name_escaping_scheme, 'allow-utf-8');
    assert.equal(c.scrape_configs[2]!.metric_name_escaping_scheme, 'underscores');
  });

  it('histogram flags inherit from global', () => {
    const c = load(`
global:
  always_scrape_classic_histograms: true
  convert_classic_histograms_to_nhcb: true
  extra_scrape_metrics: true
scrape_configs:
  - job_name: a
  - job_name: b
    always_scrape_classic_histograms: false
    convert_classic_histograms_to_nhcb: false
    extra_scrape_metrics: false
`);
    assert.deepEqual([c.scrape_configs[0]!.always_scrape_classic_histograms, c.scrape_configs[0]!.convert_classic_histograms_to_nhcb, c.scrape_configs[0]!.extra_scrape_metrics], [true, true, true]);
    assert.deepEqual([c.scrape_configs[1]!.always_scrape_classic_histograms, c.scrape_configs[1]!.convert_classic_histograms_to_nhcb, c.scrape_configs[1]!.extra_scrape_metrics], [false, false, false]);
  });
});

describe('values', () => {
  it('reads YAML 1.1 scalars as Prometheus does', () => {
    const c = load(`
scrape_configs:
  - job_name: 123
    honor_labels: yes
    honor_timestamps: off
    sample_limit: 0x10
    label_limit: 010
    native_histogram_min_bucket_factor: 1.5
    params:
      module: [y, "on"]
`);
    const s = c.scrape_configs[0]!;
    assert.equal(s.job_name, '123');
    assert.equal(s.honor_labels, true);
    assert.equal(s.honor_timestamps, false);
    assert.equal(s.sample_limit, 16);
    assert.equal(s.label_limit, 8);
    assert.equal(s.native_histogram_min_bucket_factor, 1.5);
    assert.deepEqual(s.params, { module: ['y', 'on'] });
  });

  it('expands anchors, aliases and merge keys', () => {
    const c = load(`
scrape_configs:
  - job_name: base
    <<: &common
      scrape_interval: 30s
      metrics_path: /m
  - <<: *common
    job_name: second
    metrics_path: /own
`);
    assert.equal(c.scrape_configs[0]!.metrics_path, '/m');
    assert.equal(c.scrape_configs[1]!.scrape_interval, 30_000);
    assert.equal(c.scrape_configs[1]!.metrics_path, '/own', 'keys written in the mapping win over merged ones');
  });

  it('resolves files against the config directory', () => {
    const c = load(`
global:
  query_log_file: q.log
rule_files: ["rules/*.yml", "/abs/r.yml"]
scrape_configs:
  - job_name: a
    tls_config: { ca_file: ca.pem, cert_file: c.pem, key_file: k.pem }
    basic_auth: { username: u, password_file: pw }
    file_sd_configs: [{ files: ["sd/*.json"] }]
    kubernetes_sd_configs: [{ role: pod, kubeconfig_file: kube.cfg }]
  - job_name: b
    bearer_token_file: token
  - job_name: c
    oauth2: { client_id: x, client_secret_file: secret, token_url: "http://t", tls_config: { ca_file: oca.pem } }
    http_headers: { X-A: { files: [hdr] } }
`, '/cfg/dir/prometheus.yml');
    const a = c.scrape_configs[0]!;
    const b = c.scrape_configs[1]!;
    const o = c.scrape_configs[2]!;
    assert.equal(c.global.query_log_file, '/cfg/dir/q.log');
    assert.deepEqual(c.rule_files, ['/cfg/dir/rules/*.yml', '/abs/r.yml']);
    assert.equal(a.http_client.tls_config.ca_file, '/cfg/dir/ca.pem');
    assert.equal(a.http_client.tls_config.key_file, '/cfg/dir/k.pem');
    assert.equal(a.http_client.basic_auth?.password_file, '/cfg/dir/pw');
    assert.deepEqual(a.file_sd_configs[0]!.files, ['/cfg/dir/sd/*.json']);
    assert.equal(otherSDConfigs(a, 'kubernetes_sd_configs')[0]!.kubeconfig_file, '/cfg/dir/kube.cfg');
    assert.deepEqual(b.http_client.authorization, { type: 'Bearer', credentials: '', credentials_file: '/cfg/dir/token', credentials_ref: '' });
    assert.equal(b.http_client.bearer_token_file, '');
    assert.equal(o.http_client.oauth2?.client_secret_file, '/cfg/dir/secret');
    assert.equal(o.http_client.oauth2?.tls_config.ca_file, '/cfg/dir/oca.pem');
    assert.deepEqual(o.http_client.http_headers?.['X-A']?.files, ['/cfg/dir/hdr']);
  });

  it('expands environment variables in external labels', () => {
    const c = load('global:\n  external_labels:\n    a: ${ENV_NAME}-x\n    b: $ENV_NAME\n    c: $$ENV_NAME\n    d: ${MISSING}z\n');
    assert.deepEqual(c.global.external_labels, { a: 'prod-x', b: 'prod', c: '$ENV_NAME', d: 'z' });
    const raw = loadConfigString('global:\n  external_labels:\n    a: ${ENV_NAME}\n', 'p.yml', { expandExternalLabels: false });
    assert.equal(raw.global.external_labels['a'], '${ENV_NAME}');
  });

  it('keeps the source and counts main-file scrape configs', () => {
    const text = 'scrape_configs:\n  - job_name: a\n';
    const c = load(text, 'x.yml');
    assert.deepEqual(c.source, { path: 'x.yml', text, main_scrape_configs: 1 });
  });
});

describe('scrape_config_files', () => {
  it('merges scrape configs from matched files, relative to each file', async () => {
    const c = await loadConfigFile(testdata('scrape-files', 'main.yml'));
    assert.deepEqual(c.scrape_configs.map((s) => s.job_name), ['main', 'one', 'two']);
    assert.equal(c.source.main_scrape_configs, 1);
    const two = c.scrape_configs[2]!;
    assert.equal(two.scrape_interval, 15_000, 'inherits the main file global section');
    assert.deepEqual(two.file_sd_configs[0]!.files, [join(testdata('scrape-files', 'jobs'), 'targets.json')]);
  });

  it('rejects a job name used twice across files', async () => {
    await assert.rejects(loadConfigFile(testdata('scrape-files', 'dup.yml')), (e: Error) => {
      assert.match(e.message, /found multiple scrape configs with job name "one", first found in ".*jobs\/one\.yml"/);
      return true;
    });
  });
});

describe('embedded default', () => {
  it('loads and scrapes itself', () => {
    const c = loadConfigString(EMBEDDED_DEFAULT_CONFIG, '');
    assert.equal(c.global.scrape_interval, 15_000);
    assert.equal(c.scrape_configs.length, 1);
    assert.deepEqual(c.scrape_configs[0]!.static_configs, [{ targets: ['localhost:9090'], labels: { app: 'prometheus' } }]);
    assert.deepEqual(c.alerting.alertmanagers[0]!.static_configs, [{ targets: [], labels: {} }]);
  });
});
