/** The typed form of alertmanager.yml. Field names are the YAML keys. */
import type { HTTPClientConfig, TLSConfig } from '../../config/types.js';
import type { AMMatcher } from '../labels/index.js';
import type { TimeInterval } from '../timeinterval/index.js';
import type { HostPort } from './kinds.js';
import type { ReceiverConfig, SecretStr } from './receivers-types.js';

export interface GlobalConfig {
  /** Milliseconds. */
  resolve_timeout: number;
  http_config: HTTPClientConfig;
  smtp_from: string;
  smtp_hello: string;
  smtp_smarthost: HostPort;
  smtp_auth_username: string;
  smtp_auth_password: SecretStr;
  smtp_auth_password_file: string;
  smtp_auth_secret: SecretStr;
  smtp_auth_secret_file: string;
  smtp_auth_identity: string;
  smtp_require_tls: boolean;
  smtp_tls_config: TLSConfig | null;
  smtp_force_implicit_tls: boolean | null;
  slack_api_url: string;
  slack_api_url_file: string;
  slack_app_token: SecretStr;
  slack_app_token_file: string;
  slack_app_url: string;
  pagerduty_url: string;
  opsgenie_api_url: string;
  opsgenie_api_key: SecretStr;
  opsgenie_api_key_file: string;
  wechat_api_url: string;
  wechat_api_secret: SecretStr;
  wechat_api_secret_file: string;
  wechat_api_corp_id: string;
  victorops_api_url: string;
  victorops_api_key: SecretStr;
  victorops_api_key_file: string;
  telegram_api_url: string;
  telegram_bot_token: SecretStr;
  telegram_bot_token_file: string;
  webex_api_url: string;
}

export interface RouteConfig {
  receiver: string;
  /** As written; null when absent (inherit from the parent). */
  group_by: string[] | null;
  match: Record<string, string>;
  match_re: Record<string, string>;
  matchers: AMMatcher[];
  mute_time_intervals: string[];
  active_time_intervals: string[];
  continue: boolean;
  routes: RouteConfig[];
  /** Milliseconds; null = inherit. */
  group_wait: number | null;
  group_interval: number | null;
  repeat_interval: number | null;
}

export interface InhibitRuleConfig {
  name: string;
  source_match: Record<string, string>;
  source_match_re: Record<string, string>;
  source_matchers: AMMatcher[];
  target_match: Record<string, string>;
  target_match_re: Record<string, string>;
  target_matchers: AMMatcher[];
  equal: string[];
}

export interface NamedTimeInterval {
  name: string;
  time_intervals: TimeInterval[];
}

export interface AlertmanagerConfig {
  global: GlobalConfig;
  route: RouteConfig;
  inhibit_rules: InhibitRuleConfig[];
  receivers: ReceiverConfig[];
  /** Template file globs, relative ones resolved against the config file's directory. */
  templates: string[];
  mute_time_intervals: NamedTimeInterval[];
  time_intervals: NamedTimeInterval[];
}

/** A loaded configuration with the text it came from. */
export interface LoadedConfig {
  config: AlertmanagerConfig;
  /** The file's text as read. */
  original: string;
  /** The configuration written back as YAML with secrets hidden (what `/api/v2/status` shows). */
  yaml: string;
  file: string;
}
