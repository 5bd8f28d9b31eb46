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
