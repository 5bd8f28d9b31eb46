/**
 * Prometheus's default HTTP client settings (`follow_redirects: true`, `enable_http2: true`,
 * nothing else set), for callers that build configs in code (tests, built-in jobs). The
 * config loader fills in the same defaults from YAML.
 */
import type { HTTPClientConfig, TLSConfig } from '../config/types.js';

export function defaultTLSConfig(): TLSConfig {
  return {
    ca: '', ca_file: '', ca_ref: '', cert: '', cert_file: '', cert_ref: '', key: '', key_file: '', key_ref: '',
    server_name: '', insecure_skip_verify: false, min_version: '', max_version: '',
  };
}

/** A fresh default config; `overrides` replace top-level fields. */
export function defaultHTTPClientConfig(overrides: Partial<HTTPClientConfig> = {}): HTTPClientConfig {
  return {
    basic_auth: null,
    authorization: null,
    oauth2: null,
    bearer_token: '',
    bearer_token_file: '',
    tls_config: defaultTLSConfig(),
    follow_redirects: true,
    enable_http2: true,
    proxy_url: '',
    no_proxy: '',
    proxy_from_environment: false,
    proxy_connect_header: {},
    http_headers: null,
    ...overrides,
  };
}
