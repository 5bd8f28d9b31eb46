/**
 * Typed `prometheus.yml`. Property names are the YAML keys, so that the code reads like the
 * documentation and the config can be written back (`/api/v1/status/config`) unchanged.
 * Durations are milliseconds; sizes are bytes; defaults are filled in by the loader, so every
 * non-optional property is always present.
 */
import type { FastRegexMatcher, Millis } from '../model/index.js';

/** A secret read from the config; printed as `<secret>` wherever config is shown. */
export type Secret = string & { readonly __secret: true };

export type ScrapeProtocol =
  | 'PrometheusProto'
  | 'OpenMetricsText0.0.1'
  | 'OpenMetricsText1.0.0'
  | 'PrometheusText0.0.4'
  | 'PrometheusText1.0.0';

export type NameValidationScheme = 'utf8' | 'legacy';
export type NameEscapingScheme = 'allow-utf-8' | 'underscores' | 'dots' | 'values';

export interface GlobalConfig {
  scrape_interval: Millis;
  scrape_timeout: Millis;
  scrape_protocols: ScrapeProtocol[];
  evaluation_interval: Millis;
  rule_query_offset: Millis;
  external_labels: Record<string, string>;
  query_log_file: string;
  scrape_failure_log_file: string;
  body_size_limit: number;
  sample_limit: number;
  target_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  keep_dropped_targets: number;
  metric_name_validation_scheme: NameValidationScheme;
  metric_name_escaping_scheme: NameEscapingScheme;
  always_scrape_classic_histograms: boolean;
  convert_classic_histograms_to_nhcb: boolean;
  scrape_native_histograms: boolean;
  extra_scrape_metrics: boolean;
}

export interface TLSConfig {
  ca: string;
  ca_file: string;
  ca_ref: string;
  cert: string;
  cert_file: string;
  cert_ref: string;
  key: Secret | '';
  key_file: string;
  key_ref: string;
  server_name: string;
  insecure_skip_verify: boolean;
  min_version: '' | 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';
  max_version: '' | 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';
}

export interface BasicAuth {
  username: string;
  username_file: string;
  username_ref: string;
  password: Secret | '';
  password_file: string;
  password_ref: string;
}

export interface Authorization {
  /** Default "Bearer". */
  type: string;
  credentials: Secret | '';
  credentials_file: string;
  credentials_ref: string;
}

export interface OAuth2 {
  client_id: string;
  client_secret: Secret | '';
  client_secret_file: string;
  client_secret_ref: string;
  scopes: string[];
  token_url: string;
  endpoint_params: Record<string, string>;
  tls_config: TLSConfig;
  proxy_url: string;
  no_proxy: string;
  proxy_from_environment: boolean;
  proxy_connect_header: Record<string, Secret[]>;
  /** JWT-bearer grant (RFC 7523) settings; filled by the loader, optional for hand-built configs. */
  client_certificate_key_id?: string;
  client_certificate_key?: Secret | '';
  client_certificate_key_file?: string;
  client_certificate_key_ref?: string;
  /** "" means client_credentials. */
  grant_type?: string;
  signature_algorithm?: string;
  iss?: string;
  audience?: string;
  claims?: Record<string, unknown>;
}

export interface HTTPHeader {
  values: string[];
  secrets: Secret[];
  files: string[];
}

/** Prometheus's common HTTP client settings, shared by scraping, discovery, alerting and remote storage. */
export interface HTTPClientConfig {
  basic_auth: BasicAuth | null;
  authorization: Authorization | null;
  oauth2: OAuth2 | null;
  bearer_token: Secret | '';
  bearer_token_file: string;
  tls_config: TLSConfig;
  follow_redirects: boolean;
  enable_http2: boolean;
  proxy_url: string;
  no_proxy: string;
  proxy_from_environment: boolean;
  proxy_connect_header: Record<string, Secret[]>;
  http_headers: Record<string, HTTPHeader> | null;
}

export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

export interface RelabelConfig {
  /** Default []. */
  source_labels: string[];
  /** Default ";". */
  separator: string;
  /** Default "(.*)", as written in the file (unanchored source). */
  regex: string;
  /** The compiled, anchored regex. Not part of the YAML. */
  readonly compiled: FastRegexMatcher;
  modulus: number;
  /** Default "". */
  target_label: string;
  /** Default "$1". */
  replacement: string;
  /** Default "replace". */
  action: RelabelAction;
}

/** A static target group. */
export interface StaticConfig {
  targets: string[];
  labels: Record<string, string>;
}

export interface FileSDConfig {
  files: string[];
  /** Default 5m. */
  refresh_interval: Millis;
}

/**
 * Service discovery configs of one scrape or alertmanager config, by YAML key
 * (`static_configs`, `file_sd_configs`, `kubernetes_sd_configs`, ...). Kinds other than
 * static and file are typed by the discovery mechanism that implements them.
 */
export interface ServiceDiscoveryConfigs {
  static_configs: StaticConfig[];
  file_sd_configs: FileSDConfig[];
  /** Every other `*_sd_configs` key, parsed and validated by its mechanism. */
  other: Record<string, unknown[]>;
}

export interface ScrapeConfig extends ServiceDiscoveryConfigs {
  job_name: string;
  honor_labels: boolean;
  honor_timestamps: boolean;
  track_timestamps_staleness: boolean;
  params: Record<string, string[]>;
  scrape_interval: Millis;
  scrape_timeout: Millis;
  scrape_protocols: ScrapeProtocol[];
  fallback_scrape_protocol: ScrapeProtocol | '';
  always_scrape_classic_histograms: boolean;
  convert_classic_histograms_to_nhcb: boolean;
  scrape_native_histograms: boolean;
  extra_scrape_metrics: boolean;
  enable_compression: boolean;
  metrics_path: string;
  scheme: 'http' | 'https';
  body_size_limit: number;
  sample_limit: number;
  target_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  native_histogram_bucket_limit: number;
  native_histogram_min_bucket_factor: number;
  keep_dropped_targets: number;
  metric_name_validation_scheme: NameValidationScheme;
  metric_name_escaping_scheme: NameEscapingScheme;
  scrape_failure_log_file: string;
  http_client: HTTPClientConfig;
  relabel_configs: RelabelConfig[];
  metric_relabel_configs: RelabelConfig[];
}

export interface RuntimeConfig {
  /** Go's GC target in Prometheus; parsed for compatibility (default 75, or $GOGC). */
  gogc: number;
}

export type AlertmanagerAPIVersion = 'v2';

export interface SigV4Config {
  region: string;
  access_key: string;
  secret_key: Secret | '';
  profile: string;
  role_arn: string;
  external_id: string;
  use_fips_sts_endpoint: boolean;
  service_name: string;
}

export interface AlertmanagerConfig extends ServiceDiscoveryConfigs {
  http_client: HTTPClientConfig;
  sigv4: SigV4Config | null;
  /** Default "http". */
  scheme: 'http' | 'https';
  path_prefix: string;
  /** Default 10s. */
  timeout: Millis;
  api_version: AlertmanagerAPIVersion;
  relabel_configs: RelabelConfig[];
  alert_relabel_configs: RelabelConfig[];
}

export interface AlertingConfig {
  alert_relabel_configs: RelabelConfig[];
  alertmanagers: AlertmanagerConfig[];
}

export type RemoteWriteProtobufMessage = 'prometheus.WriteRequest' | 'io.prometheus.write.v2.Request';

export interface QueueConfig {
  capacity: number;
  max_shards: number;
  min_shards: number;
  max_samples_per_send: number;
  batch_send_deadline: Millis;
  min_backoff: Millis;
  max_backoff: Millis;
  retry_on_http_429: boolean;
  sample_age_limit: Millis;
}

export interface MetadataConfig {
  send: boolean;
  send_interval: Millis;
  max_samples_per_send: number;
}

export interface AzureADConfig {
  managed_identity: { client_id: string } | null;
  workload_identity: { client_id: string; tenant_id: string; token_file_path: string } | null;
  oauth: { client_id: string; client_secret: Secret | ''; tenant_id: string } | null;
  sdk: { tenant_id: string } | null;
  certificate: {
    client_id: string;
    tenant_id: string;
    certificate_path: string;
    certificate_key_path: string;
    certificate_password: Secret | '';
    send_certificate_chain: boolean;
  } | null;
  /** Default "AzurePublic". */
  cloud: string;
  scope: string;
}

export interface GoogleIAMConfig {
  credentials_file: string;
}

export interface RemoteWriteConfig {
  /** As written; printed with any password hidden. */
  url: string;
  /** Default 30s. */
  remote_timeout: Millis;
  headers: Record<string, string>;
  write_relabel_configs: RelabelConfig[];
  /** "" means: named after a hash of the config by the remote-write code. */
  name: string;
  send_exemplars: boolean;
  send_native_histograms: boolean;
  round_robin_dns: boolean;
  protobuf_message: RemoteWriteProtobufMessage;
  failed_request_logging: boolean;
  http_client: HTTPClientConfig;
  queue_config: QueueConfig;
  metadata_config: MetadataConfig;
  sigv4: SigV4Config | null;
  azuread: AzureADConfig | null;
  google_iam: GoogleIAMConfig | null;
}

export interface RemoteReadConfig {
  url: string;
  /** Default 1m. */
  remote_timeout: Millis;
  /** Default 50000000 bytes. */
  chunked_read_limit: number;
  headers: Record<string, string>;
  read_recent: boolean;
  name: string;
  http_client: HTTPClientConfig;
  required_matchers: Record<string, string>;
  /** Default true. */
  filter_external_labels: boolean;
}

export interface TSDBRetentionConfig {
  time: Millis;
  size: number;
  percentage: number;
}

export interface TSDBConfig {
  /** Milliseconds; 0 disables out-of-order ingestion. */
  out_of_order_time_window: Millis;
  stale_series_compaction_threshold: number;
  chunk_encoding: { floats: '' | 'xor' | 'xor2' };
  retention: TSDBRetentionConfig;
}

export interface ExemplarsConfig {
  /** Default 100000; 0 or less disables exemplar storage. */
  max_exemplars: number;
}

export interface StorageConfig {
  /** Always present after loading (defaults when the file has no `storage.tsdb`). */
  tsdb: TSDBConfig | null;
  /** null unless configured: the --storage flags decide then. */
  exemplars: ExemplarsConfig | null;
}

export type OTLPTranslationStrategy =
  | ''
  | 'UnderscoreEscapingWithSuffixes'
  | 'UnderscoreEscapingWithoutSuffixes'
  | 'NoUTF8EscapingWithSuffixes'
  | 'NoTranslation';

export interface OTLPConfig {
  promote_all_resource_attributes: boolean;
  promote_resource_attributes: string[];
  ignore_resource_attributes: string[];
  /** Default "UnderscoreEscapingWithSuffixes" ("" behaves the same). */
  translation_strategy: OTLPTranslationStrategy;
  keep_identifying_resource_attributes: boolean;
  convert_histograms_to_nhcb: boolean;
  promote_scope_metadata: boolean;
  /** Default true. */
  label_name_underscore_sanitization: boolean;
  /** Default true. */
  label_name_preserve_multiple_underscores: boolean;
}

export interface TracingConfig {
  /** Default "grpc" when a tracing section is present; "" when tracing is not configured. */
  client_type: '' | 'http' | 'grpc';
  endpoint: string;
  sampling_fraction: number;
  insecure: boolean;
  tls_config: TLSConfig;
  headers: Record<string, string>;
  compression: '' | 'gzip';
  timeout: Millis;
}

/** Where a loaded configuration came from. */
export interface ConfigSource {
  /** The file as given ('' for the embedded default). */
  path: string;
  /** The file's text as read. */
  text: string;
  /** How many of `scrape_configs` come from the main file (they come first; the rest from scrape_config_files). */
  main_scrape_configs: number;
}

/** A loaded, validated `prometheus.yml`, with defaults filled in. */
export interface Config {
  global: GlobalConfig;
  runtime: RuntimeConfig;
  alerting: AlertingConfig;
  /** Glob patterns, resolved against the config file's directory. */
  rule_files: string[];
  /** Glob patterns, resolved against the config file's directory. */
  scrape_config_files: string[];
  /** The main file's scrape configs, then those of scrape_config_files, each validated against `global`. */
  scrape_configs: ScrapeConfig[];
  storage: StorageConfig;
  tracing: TracingConfig;
  remote_write: RemoteWriteConfig[];
  remote_read: RemoteReadConfig[];
  otlp: OTLPConfig;
  source: ConfigSource;
}
