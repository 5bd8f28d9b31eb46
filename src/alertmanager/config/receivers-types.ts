/**
 * The integration configurations of a receiver (`email_configs`, `slack_configs`, ...), as
 * typed values with Alertmanager's field names. The receivers engineer builds notifiers from
 * these; parsing, defaults and validation live in receivers-*.ts.
 */
import type { HTTPClientConfig, Secret, TLSConfig } from '../../config/types.js';
import type { HostPort } from './kinds.js';

export type SecretStr = Secret | '';

export interface EmailConfig {
  send_resolved: boolean;
  to: string;
  from: string;
  hello: string;
  smarthost: HostPort;
  auth_username: string;
  auth_password: SecretStr;
  auth_password_file: string;
  auth_secret: SecretStr;
  auth_secret_file: string;
  auth_identity: string;
  headers: Record<string, string>;
  html: string;
  text: string;
  require_tls: boolean | null;
  force_implicit_tls: boolean | null;
  tls_config: TLSConfig | null;
}

export interface PagerdutyLink { href: string; text: string }
export interface PagerdutyImage { src: string; alt: string; href: string }

export interface PagerdutyConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  service_key: SecretStr;
  service_key_file: string;
  routing_key: SecretStr;
  routing_key_file: string;
  url: string;
  client: string;
  client_url: string;
  description: string;
  details: Record<string, string>;
  images: PagerdutyImage[];
  links: PagerdutyLink[];
  source: string;
  severity: string;
  class: string;
  component: string;
  group: string;
}

export interface SlackConfirmationField { text: string; title: string; ok_text: string; dismiss_text: string }
export interface SlackAction { type: string; text: string; url: string; style: string; name: string; value: string; confirm: SlackConfirmationField | null }
export interface SlackField { title: string; value: string; short: boolean | null }

export interface SlackConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  api_url: string;
  api_url_file: string;
  app_token: SecretStr;
  app_token_file: string;
  app_url: string;
  channel: string;
  username: string;
  color: string;
  title: string;
  title_link: string;
  pretext: string;
  text: string;
  fields: SlackField[];
  short_fields: boolean;
  footer: string;
  fallback: string;
  callback_id: string;
  icon_emoji: string;
  icon_url: string;
  image_url: string;
  thumb_url: string;
  link_names: boolean;
  mrkdwn_in: string[];
  actions: SlackAction[];
}

export interface WebhookConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  url: string;
  url_file: string;
  max_alerts: number;
  /** Milliseconds; 0 = no timeout of its own. */
  timeout: number;
}

export interface OpsGenieResponder { id: string; name: string; username: string; type: string }

export interface OpsGenieConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  api_key: SecretStr;
  api_key_file: string;
  api_url: string;
  message: string;
  description: string;
  source: string;
  details: Record<string, string>;
  entity: string;
  responders: OpsGenieResponder[];
  actions: string;
  tags: string;
  note: string;
  priority: string;
  update_alerts: boolean;
}

export interface WechatConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  api_secret: SecretStr;
  api_secret_file: string;
  corp_id: string;
  message: string;
  api_url: string;
  to_user: string;
  to_party: string;
  to_tag: string;
  agent_id: string;
  message_type: string;
}

export interface VictorOpsConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  api_key: SecretStr;
  api_key_file: string;
  api_url: string;
  routing_key: string;
  message_type: string;
  state_message: string;
  entity_display_name: string;
  monitoring_tool: string;
  custom_fields: Record<string, string>;
}

export interface PushoverConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  user_key: SecretStr;
  user_key_file: string;
  token: SecretStr;
  token_file: string;
  title: string;
  message: string;
  url: string;
  url_title: string;
  device: string;
  sound: string;
  priority: string;
  /** Milliseconds. */
  retry: number;
  expire: number;
  ttl: number;
  html: boolean;
}

export interface SigV4Config {
  region: string;
  access_key: string;
  secret_key: SecretStr;
  profile: string;
  role_arn: string;
}

export interface SNSConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  api_url: string;
  sigv4: SigV4Config;
  topic_arn: string;
  phone_number: string;
  target_arn: string;
  subject: string;
  message: string;
  attributes: Record<string, string>;
}

export interface TelegramConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  api_url: string;
  bot_token: SecretStr;
  bot_token_file: string;
  chat_id: number;
  message_thread_id: number;
  message: string;
  disable_notifications: boolean;
  parse_mode: string;
}

export interface DiscordConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  webhook_url: string;
  webhook_url_file: string;
  content: string;
  title: string;
  message: string;
  username: string;
  avatar_url: string;
}

export interface WebexConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  api_url: string;
  message: string;
  room_id: string;
}

export interface MSTeamsConfig {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  webhook_url: string;
  webhook_url_file: string;
  title: string;
  summary: string;
  text: string;
}

export interface MSTeamsV2Config {
  send_resolved: boolean;
  http_config: HTTPClientConfig | null;
  webhook_url: string;
  webhook_url_file: string;
  title: string;
  text: string;
}

/** Every integration kind, keyed by its name in metrics and the notification log. */
export interface IntegrationConfigs {
  email: EmailConfig;
  pagerduty: PagerdutyConfig;
  slack: SlackConfig;
  webhook: WebhookConfig;
  opsgenie: OpsGenieConfig;
  wechat: WechatConfig;
  victorops: VictorOpsConfig;
  pushover: PushoverConfig;
  sns: SNSConfig;
  telegram: TelegramConfig;
  discord: DiscordConfig;
  webex: WebexConfig;
  msteams: MSTeamsConfig;
  msteamsv2: MSTeamsV2Config;
}

export type IntegrationKind = keyof IntegrationConfigs;

/** One configured integration of a receiver, discriminated by kind. */
export type IntegrationConfig = { [K in IntegrationKind]: { kind: K; index: number; config: IntegrationConfigs[K] } }[IntegrationKind];

export interface ReceiverConfig {
  name: string;
  email_configs: EmailConfig[];
  pagerduty_configs: PagerdutyConfig[];
  slack_configs: SlackConfig[];
  webhook_configs: WebhookConfig[];
  opsgenie_configs: OpsGenieConfig[];
  wechat_configs: WechatConfig[];
  pushover_configs: PushoverConfig[];
  victorops_configs: VictorOpsConfig[];
  sns_configs: SNSConfig[];
  telegram_configs: TelegramConfig[];
  discord_configs: DiscordConfig[];
  webex_configs: WebexConfig[];
  msteams_configs: MSTeamsConfig[];
  msteamsv2_configs: MSTeamsV2Config[];
}

/** The integrations of a receiver in Alertmanager's order (that of its pipeline's fan-out). */
export function integrationsOf(r: ReceiverConfig): IntegrationConfig[] {
  const out: IntegrationConfig[] = [];
  r.webhook_configs.forEach((config, index) => out.push({ kind: 'webhook', index, config }));
  r.email_configs.forEach((config, index) => out.push({ kind: 'email', index, config }));
  r.pagerduty_configs.forEach((config, index) => out.push({ kind: 'pagerduty', index, config }));
  r.opsgenie_configs.forEach((config, index) => out.push({ kind: 'opsgenie', index, config }));
  r.wechat_configs.forEach((config, index) => out.push({ kind: 'wechat', index, config }));
  r.slack_configs.forEach((config, index) => out.push({ kind: 'slack', index, config }));
  r.victorops_configs.forEach((config, index) => out.push({ kind: 'victorops', index, config }));
  r.pushover_configs.forEach((config, index) => out.push({ kind: 'pushover', index, config }));
  r.sns_configs.forEach((config, index) => out.push({ kind: 'sns', index, config }));
  r.telegram_configs.forEach((config, index) => out.push({ kind: 'telegram', index, config }));
  r.discord_configs.forEach((config, index) => out.push({ kind: 'discord', index, config }));
  r.webex_configs.forEach((config, index) => out.push({ kind: 'webex', index, config }));
  r.msteams_configs.forEach((config, index) => out.push({ kind: 'msteams', index, config }));
  r.msteamsv2_configs.forEach((config, index) => out.push({ kind: 'msteamsv2', index, config }));
  return out;
}
