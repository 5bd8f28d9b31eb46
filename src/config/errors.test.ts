import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfigString } from './index.js';

interface Bad {
  name: string;
  yaml: string;
  /** Prometheus's reason text (exact). */
  reason: string;
  line?: number;
  field?: string;
}

const sc = (body: string): string => `scrape_configs:\n  - job_name: j\n${body.replace(/^/gm, '    ')}\n`;
const rw = (body: string): string => `remote_write:\n  - url: http://rw/api\n${body.replace(/^/gm, '    ')}\n`;

const BAD: Bad[] = [
  { name: 'unknown scrape field', yaml: sc('scrape_intervall: 10s'), reason: 'field scrape_intervall not found in type config.ScrapeConfig', line: 3, field: '' },
  { name: 'unknown top-level field', yaml: 'foo: 1\n', reason: 'field foo not found in type config.Config', line: 1 },
  { name: 'unknown global field', yaml: 'global:\n  nonexistent_field: x\n', reason: 'field nonexistent_field not found in type config.GlobalConfig', line: 2 },
  { name: 'unknown SD kind', yaml: sc('consult_sd_configs: []'), reason: 'field consult_sd_configs not found in type config.ScrapeConfig', line: 3 },
  { name: 'bad duration', yaml: sc('scrape_interval: 1x'), reason: 'not a valid duration string: "1x"', line: 3, field: 'scrape_configs[0].scrape_interval' },
  { name: 'negative duration', yaml: 'storage:\n  tsdb:\n    retention:\n      time: -1h\n', reason: 'not a valid duration string: "-1h"', line: 4, field: 'storage.tsdb.retention.time' },
  { name: 'timeout over interval', yaml: sc('scrape_interval: 5s\nscrape_timeout: 10s'), reason: 'scrape timeout greater than scrape interval for scrape config with job name "j"', line: 4, field: 'scrape_configs[0].scrape_timeout' },
  { name: 'global timeout over interval', yaml: 'global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n', reason: 'global scrape timeout greater than scrape interval', line: 3 },
  { name: 'empty job name', yaml: 'scrape_configs:\n  - job_name: ""\n', reason: 'job_name is empty', line: 2, field: 'scrape_configs[0]' },
  { name: 'duplicate job', yaml: 'scrape_configs:\n  - job_name: a\n  - job_name: a\n', reason: 'found multiple scrape configs with job name "a"', line: 3, field: 'scrape_configs[1].job_name' },
  { name: 'duplicate section', yaml: 'scrape_configs: []\nscrape_configs: []\n', reason: 'field scrape_configs already set in type config.Config', line: 2 },
  { name: 'duplicate map key', yaml: 'global:\n  external_labels:\n    a: 1\n    a: 2\n', reason: 'key "a" already set in map', line: 4 },
  { name: 'syntax error', yaml: 'global:\n  scrape_interval: 1m\n   bad: [\n', reason: 'yaml:', line: 2 },
  { name: 'unterminated quote', yaml: 'a: 1\nb: "x\n', reason: 'yaml: missing closing "quote' },
  { name: 'tab indentation', yaml: 'a:\n\t- x\n', reason: 'yaml: tabs are not allowed as indentation', line: 2 },
  { name: 'not a mapping', yaml: 'just text\n', reason: 'cannot unmarshal !!str `just text` into config.Config', line: 1 },
  { name: 'mapping given a list', yaml: 'global: [1]\n', reason: 'cannot unmarshal !!seq into config.GlobalConfig', line: 1, field: 'global' },
  { name: 'string into uint', yaml: sc('sample_limit: abc'), reason: 'cannot unmarshal !!str `abc` into uint', line: 3 },
  { name: 'negative uint', yaml: sc('sample_limit: -1'), reason: 'cannot unmarshal !!int `-1` into uint', line: 3 },
  { name: 'string into bool', yaml: sc('honor_labels: maybe'), reason: 'cannot unmarshal !!str `maybe` into bool', line: 3 },
  { name: 'size without unit', yaml: sc('body_size_limit: 100'), reason: 'units: unknown unit  in 100', line: 3 },
  { name: 'size with bad unit', yaml: sc('body_size_limit: 10XB'), reason: 'units: unknown unit XB in 10XB', line: 3 },
  { name: 'legacy external label name', yaml: 'global:\n  metric_name_validation_scheme: legacy\n  external_labels:\n    a-b: x\n', reason: '"a-b" is not a valid label name', line: 3 },
  { name: 'bad validation scheme', yaml: 'global:\n  metric_name_validation_scheme: strict\n', reason: 'unrecognized ValidationScheme: "strict"', line: 2 },
  { name: 'bad escaping scheme', yaml: sc('metric_name_escaping_scheme: x'), reason: "unknown scrape config name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got \"x\"" },
  { name: 'utf8 escaping under legacy', yaml: sc('metric_name_validation_scheme: legacy\nmetric_name_escaping_scheme: allow-utf-8'), reason: 'utf8 metric names requested but validation scheme is not set to UTF8' },
  { name: 'duplicate protocol', yaml: sc('scrape_protocols: [PrometheusProto, OpenMetricsText1.0.0, PrometheusProto]'), reason: 'duplicated protocol in scrape_protocols, got [PrometheusProto OpenMetricsText1.0.0 PrometheusProto] for scrape config with job name "j"' },
  { name: 'unknown protocol', yaml: sc('scrape_protocols: [prometheusproto]'), reason: 'scrape_protocols: unknown scrape protocol prometheusproto, supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0] for scrape config with job name "j"' },
  { name: 'empty protocols', yaml: 'global:\n  scrape_protocols: []\n', reason: 'scrape_protocols cannot be empty for global config' },
  { name: 'unknown fallback protocol', yaml: sc('fallback_scrape_protocol: prometheusproto'), reason: 'invalid fallback_scrape_protocol for scrape config with job name "j": unknown scrape protocol prometheusproto, supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]' },
  { name: 'URL in static target', yaml: sc('static_configs:\n  - targets: ["http://bad"]'), reason: '"http://bad" is not a valid hostname' },
  { name: 'null scrape config', yaml: 'scrape_configs:\n  -\n', reason: 'empty or null scrape config section', line: 2 },
  { name: 'null target relabel rule', yaml: sc('relabel_configs:\n  -'), reason: 'empty or null target relabeling rule in scrape config' },
  { name: 'null metric relabel rule', yaml: sc('metric_relabel_configs: [~]'), reason: 'empty or null metric relabeling rule in scrape config' },
  { name: 'null static section', yaml: sc('static_configs:\n  -'), reason: 'empty or null section in static_configs' },
  { name: 'null kubernetes section', yaml: sc('kubernetes_sd_configs: [null]'), reason: 'empty or null section in kubernetes_sd_configs' },
  { name: 'invalid rule file path', yaml: 'rule_files: ["a/*/b.yml"]\n', reason: 'invalid rule file path "a/*/b.yml"', field: 'rule_files[0]' },
  { name: 'invalid scrape config file path', yaml: 'scrape_config_files: ["scrape_configs/*/*"]\n', reason: 'invalid scrape config file path "scrape_configs/*/*"' },
  { name: 'scheme', yaml: sc('scheme: ftp'), reason: 'scheme must be "http" or "https", got "ftp"' },
  // HTTP client settings.
  { name: 'bearer token and file', yaml: sc('bearer_token: a\nbearer_token_file: b'), reason: 'at most one of bearer_token & bearer_token_file must be configured' },
  { name: 'basic auth and bearer', yaml: sc('bearer_token: a\nbasic_auth: {username: u}'), reason: 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured' },
  { name: 'authorization and basic auth', yaml: sc('authorization: {credentials: a}\nbasic_auth: {username: u}'), reason: 'at most one of basic_auth, oauth2 & authorization must be configured' },
  { name: 'authorization type basic', yaml: sc('authorization: {type: Basic, credentials: a}'), reason: 'authorization type cannot be set to "basic", use "basic_auth" instead' },
  { name: 'two passwords', yaml: sc('basic_auth: {username: u, password: p, password_file: f}'), reason: 'at most one of basic_auth password, password_file & password_ref must be configured' },
  { name: 'oauth2 without client id', yaml: sc('oauth2: {token_url: "http://x"}'), reason: 'oauth2 client_id must be configured' },
  { name: 'oauth2 without token url', yaml: sc('oauth2: {client_id: x}'), reason: 'oauth2 token_url must be configured' },
  { name: 'no_proxy without proxy_url', yaml: sc('no_proxy: localhost'), reason: 'if no_proxy is configured, proxy_url must also be configured' },
  { name: 'proxy env and url', yaml: sc('proxy_from_environment: true\nproxy_url: http://p'), reason: 'if proxy_from_environment is configured, proxy_url must not be configured' },
  { name: 'proxy header without proxy', yaml: sc('proxy_connect_header: {X: [a]}'), reason: 'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured' },
  { name: 'reserved http header', yaml: sc('http_headers:\n  user-agent: {values: [x]}'), reason: 'setting header "User-Agent" is not allowed' },
  { name: 'tls cert without key', yaml: sc('tls_config: {cert_file: c.pem}'), reason: 'exactly one of key or key_file must be configured when a client certificate is configured' },
  { name: 'tls two CAs', yaml: sc('tls_config: {ca: x, ca_file: y}'), reason: 'at most one of ca, ca_file & ca_ref must be configured' },
  { name: 'tls version', yaml: sc('tls_config: {min_version: TLS9}'), reason: 'unknown TLS version: TLS9' },
  // Remote write and read.
  { name: 'remote write without url', yaml: 'remote_write:\n  - name: x\n', reason: 'url for remote_write is empty' },
  { name: 'remote read without url', yaml: 'remote_read:\n  - name: x\n', reason: 'url for remote_read is empty' },
  { name: 'remote write reserved header', yaml: rw('headers: {X-Prometheus-Remote-Write-Version: "9"}'), reason: 'X-Prometheus-Remote-Write-Version is a reserved header. It must not be changed' },
  { name: 'remote write authorization header', yaml: rw('headers: {Authorization: x}'), reason: 'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter' },
  { name: 'remote write auth methods', yaml: rw('basic_auth: {username: u}\nsigv4: {region: r}'), reason: 'at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured. Currently configured: [basic_auth sigv4]' },
  { name: 'remote write queue shards', yaml: rw('queue_config: {min_shards: 10, max_shards: 5}'), reason: 'remote write queue min_shards must not be greater than max_shards' },
  { name: 'remote write null queue', yaml: rw('queue_config:'), reason: 'remote write queue max_shards must be positive' },
  { name: 'remote write backoff', yaml: rw('queue_config: {min_backoff: 1m, max_backoff: 1s}'), reason: 'remote write queue max_backoff must not be less than min_backoff' },
  { name: 'remote write protobuf message', yaml: rw('protobuf_message: io.prometheus.writet.v2.Request'), reason: 'invalid protobuf_message value: unknown type for remote write protobuf message io.prometheus.writet.v2.Request, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request' },
  { name: 'remote write duplicate name', yaml: 'remote_write:\n  - {url: "http://a", name: q}\n  - {url: "http://b", name: q}\n', reason: 'found multiple remote write configs with job name "q"' },
  { name: 'remote read duplicate name', yaml: 'remote_read:\n  - {url: "http://a", name: q}\n  - {url: "http://b", name: q}\n', reason: 'found multiple remote read configs with job name "q"' },
  { name: 'null remote write', yaml: 'remote_write:\n  - ~\n', reason: 'empty or null remote write config section' },
  { name: 'null remote write rule', yaml: rw('write_relabel_configs: [~]'), reason: 'empty or null relabeling rule in remote write config' },
  { name: 'sigv4 half credentials', yaml: rw('sigv4: {access_key: a}'), reason: 'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config' },
  { name: 'azuread without method', yaml: rw('azuread: {cloud: AzurePublic}'), reason: 'must provide an Azure Managed Identity, Azure Workload Identity, Azure OAuth, Azure Certificate or Azure SDK in the Azure AD config' },
  { name: 'azuread bad client id', yaml: rw('azuread: {managed_identity: {client_id: nope}}'), reason: 'the provided Azure Managed Identity client_id is invalid' },
  // Alerting.
  { name: 'alertmanager api v1', yaml: 'alerting:\n  alertmanagers:\n    - api_version: v1\n', reason: 'expected Alertmanager api version to be one of [v2] but got v1' },
  { name: 'alertmanager sigv4 and basic auth', yaml: 'alerting:\n  alertmanagers:\n    - sigv4: {region: x}\n      basic_auth: {username: u}\n', reason: 'at most one of basic_auth, authorization, oauth2, & sigv4 must be configured' },
  { name: 'null alert relabel', yaml: 'alerting:\n  alert_relabel_configs: [~]\n', reason: 'empty or null alert relabeling rule' },
  { name: 'null alertmanager relabel', yaml: 'alerting:\n  alertmanagers:\n    - relabel_configs: [~]\n', reason: 'empty or null Alertmanager target relabeling rule' },
  { name: 'alert relabel validated', yaml: 'alerting:\n  alert_relabel_configs: [{action: hashmod, target_label: x}]\n', reason: 'relabel configuration for hashmod requires non-zero modulus' },
  // Storage, OTLP, tracing.
  { name: 'retention percentage', yaml: 'storage:\n  tsdb:\n    retention:\n      percentage: 101\n', reason: "'storage.tsdb.retention.percentage' must be in the range [0, 100], got 101" },
  { name: 'retention size', yaml: 'storage:\n  tsdb:\n    retention:\n      size: -1GB\n', reason: "'storage.tsdb.retention.size' must be greater than or equal to 0, got -1GiB" },
  { name: 'chunk encoding', yaml: 'storage:\n  tsdb:\n    chunk_encoding:\n      floats: XOR\n', reason: '\'storage.tsdb.chunk_encoding.floats\' must be \'xor\' or \'xor2\', or the field must be omitted entirely, got "XOR"' },
  { name: 'otlp promote both', yaml: 'otlp:\n  promote_all_resource_attributes: true\n  promote_resource_attributes: [a]\n', reason: "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously" },
  { name: 'otlp ignore without promote all', yaml: 'otlp:\n  ignore_resource_attributes: [a]\n', reason: "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true" },
  { name: 'otlp duplicate attribute', yaml: 'otlp:\n  promote_resource_attributes: [a, " a"]\n', reason: "invalid 'promote_resource_attributes': duplicated promoted OTel resource attribute \"a\"" },
  { name: 'otlp strategy', yaml: 'otlp:\n  translation_strategy: Nope\n', reason: 'unsupported OTLP translation strategy "Nope"' },
  { name: 'otlp no translation under legacy', yaml: 'global:\n  metric_name_validation_scheme: legacy\notlp:\n  translation_strategy: NoTranslation\n', reason: 'OTLP translation strategy "NoTranslation" is not allowed when UTF8 is disabled' },
  { name: 'tracing endpoint', yaml: 'tracing:\n  client_type: http\n', reason: 'tracing endpoint must be set' },
  { name: 'tracing compression', yaml: 'tracing:\n  endpoint: x:4317\n  compression: foo\n', reason: 'invalid compression type foo provided, valid options: gzip' },
  { name: 'tracing client type', yaml: 'tracing:\n  endpoint: x:4317\n  client_type: udp\n', reason: 'expected tracing client type to be to be http or grpc, but got udp' },
  { name: 'tracing authorization header', yaml: 'tracing:\n  endpoint: x:4317\n  headers: {Authorization: x}\n', reason: 'custom authorization header configuration is not yet supported' },
];

describe('load errors', () => {
  for (const c of BAD) {
    it(c.name, () => {
      assert.throws(() => loadConfigString(c.yaml, 'prometheus.yml'), (e: unknown) => {
        assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
        assert.equal(e.file, 'prometheus.yml');
        if (c.reason.endsWith(':')) assert.ok(e.reason.startsWith(c.reason), e.reason);
        else assert.equal(e.reason, c.reason);
        if (c.line !== undefined) assert.equal(e.line, c.line, e.message);
        if (c.field !== undefined) assert.equal(e.field, c.field, e.message);
        assert.ok(e.message.startsWith('loading config file "prometheus.yml": '), e.message);
        return true;
      });
    });
  }

  it('formats file, line and field', () => {
    assert.throws(() => loadConfigString(sc('scrape_interval: 1x'), 'prometheus.yml'), {
      message: 'loading config file "prometheus.yml": line 3: scrape_configs[0].scrape_interval: not a valid duration string: "1x"',
    });
    assert.throws(() => loadConfigString(sc('scrape_intervall: 1m'), 'prometheus.yml'), {
      message: 'loading config file "prometheus.yml": line 3: field scrape_intervall not found in type config.ScrapeConfig',
    });
  });

  it('rejects agent-mode sections in agent mode', () => {
    for (const [yaml, msg] of [
      ['rule_files: [a.yml]\n', 'field rule_files is not allowed in agent mode'],
      ['remote_read: [{url: "http://x"}]\n', 'field remote_read is not allowed in agent mode'],
      ['alerting:\n  alertmanagers: [{static_configs: [{targets: [a:1]}]}]\n', 'field alerting is not allowed in agent mode'],
    ] as const) {
      assert.throws(() => loadConfigString(yaml, 'p.yml', { agent: true }), (e: Error) => e.message.endsWith(msg));
      assert.doesNotThrow(() => loadConfigString(yaml, 'p.yml'));
    }
  });
});
